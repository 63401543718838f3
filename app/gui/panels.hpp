#pragma once
// Panels every mode shares (menu bar, protocol and model choice, the view toolbar over the 3D area,
// the status bar with the disclaimer, the shortcut list) and small drawing helpers for the modes.
// Each is a function of App drawn once per frame: no state of its own beyond what the widgets need.
#include <array>
#include <functional>
#include <string>
#include <string_view>

#include <imgui.h>

#include "gui/app.hpp"
#include "gui/hover_text.hpp" // display_name
#include "gui/mode.hpp"
#include "injmap/units_format.hpp"

namespace injmap::gui {

// The disclaimer shown in every mode.
inline constexpr const char* kDisclaimer =
    "Educational and planning aid, not a prescribing device: the clinician decides.";

float draw_menu_bar(App& app); // returns its height
void draw_protocol_and_model(App& app);
void draw_view_toolbar(App& app);
void draw_status_bar(App& app, const Rect& area);
void draw_shortcuts_window(App& app);

// Keys every mode shares (App::view_keys): 1–5 the named views below, the layer letters
// (toggle_layer).
inline constexpr std::array<std::string_view, 5> kViewKeys = {"front", "back", "left", "right",
                                                              "top"};
inline constexpr std::array<char, 8> kLayerKeys = {'K', 'M', 'X', 'B', 'G', 'V', 'L', 'I'};
// Turns a layer on or off as its toolbar button does: K skin (opaque), M muscles, X x-ray, B bones,
// G regions, V structures to avoid, L labels, I needles. False for another letter.
bool toggle_layer(App& app, char key);
// The shared keys as the F1 window lists them.
[[nodiscard]] std::vector<Shortcut> view_shortcuts();

// ---- helpers ----
// A length in pixels at the default font size (15 px), scaled like the fonts (HiDPI).
[[nodiscard]] inline float px(float pixels) {
    const ImFont* f = ImGui::GetIO().FontDefault;
    return f ? pixels * f->FontSize / 15.0f : pixels;
}
void section_heading(const App& app, const char* text);
// SameLine() when an item `width` wide still fits on the line after the last item; else the next
// item goes on a new line.
void same_line_if_fits(float width);
void text_muted(const char* text);
void text_wrapped_coloured(const ImVec4& colour, const char* text);
// A wide primary-coloured button; returns true when pressed.
bool primary_button(const char* label, float width = 0.0f);
// A toggle that looks pressed when on.
bool toggle_button(const char* label, bool on, float width = 0.0f);
// Diagnostics as "file:line  message [rule]" rows, coloured by severity; on_click gets the row
// clicked.
void diagnostics_list(const App& app, const Diagnostics& diagnostics,
                      const std::function<void(const Diagnostic&)>& on_click,
                      const Diagnostic* selected = nullptr);

// Checkboxes showing or hiding each of the model's muscles (App::hidden_muscles), with "Show all"
// and "Hide all"; inside a menu or popup.
void draw_muscle_list(App& app);

// "L", "R", "mid".
[[nodiscard]] const char* side_short(Side side);
[[nodiscard]] const char* side_long(Side side);

} // namespace injmap::gui
