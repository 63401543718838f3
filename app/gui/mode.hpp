#pragma once
// Modes of the window (clinician session guide, author, and later patient, training, CD). A mode is
// one file, app/gui/mode_<name>.cpp, implementing this small interface; App keeps the shared state
// (model, protocol, camera, layers) and calls the mode at fixed points of each frame.
//
// Adding a mode:
//   1. Write app/gui/mode_<name>.cpp with a class deriving from Mode and a factory function
//      `std::unique_ptr<Mode> make_<name>_mode(App&)` (declare it below).
//   2. Add one line to the table in mode.cpp: {"<name>", "Label", make_<name>_mode}.
//   3. Re-run cmake (app sources are globbed). `injmap gui --mode <name>` then selects it, and the
//      mode menu lists it.
// A mode draws into the two side columns App lays out (left_panel / right_panel run inside those
// ImGui windows), adds markers and highlights to the frame snapshot (decorate), reacts to keys
// (shortcuts, called only when no text field has the keyboard) and to clicks on the model
// (on_pick).
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gui/app.hpp"
#include "injmap/render/frame.hpp"

namespace injmap::gui {

struct Shortcut {
    std::string keys;        // "→ / Space"
    std::string description; // "next site"
};

class Mode {
public:
    virtual ~Mode() = default;

    // Called once after construction and whenever the protocol or model changes.
    virtual void on_protocol_changed(App&) {}
    // Called every loop iteration, drawn or not (cheap polling such as file watching). Return true
    // to ask for a redraw.
    virtual bool poll(App&) { return false; }
    // What the mouse resting on one of the mode's own markers shows (by the marker's id), e.g. a
    // last visit's ghost; empty: the anatomy under it, as everywhere.
    [[nodiscard]] virtual std::string marker_hover(const std::string& /*id*/) const { return {}; }
    // How long the loop may sleep when idle (seconds); a watching mode returns a short timeout.
    [[nodiscard]] virtual double idle_timeout(const App&) const { return 1.0; }
    // True while something animates and frames must keep coming.
    [[nodiscard]] virtual bool animating(const App&) const { return false; }

    // Panels (inside App's left and right column windows).
    virtual void left_panel(App&) {}
    virtual void right_panel(App&) = 0;
    // Extra windows or popups (drawn after the columns).
    virtual void overlays(App&) {}
    // Keys: called each frame when no text field has the keyboard.
    virtual void shortcuts(App&) {}
    [[nodiscard]] virtual std::vector<Shortcut> shortcut_list() const { return {}; }
    // Whether the mode uses a key (a GLFW key code) the window otherwise gives to views and layers
    // (1–5, K M X B G V L I, Z, Home: app.cpp), now.
    [[nodiscard]] virtual bool claims_key(const App&, int /*key*/) const { return false; }
    // Z: frame what the user is working on (the current step); by default the whole model from the
    // current direction. Training keeps its neutral view (the answer must not be shown).
    virtual void frame_current(App& app);
    // A click (not a drag) on the 3D view.
    virtual void on_pick(App&, const PickHit&) {}
    // Fill markers, labels and highlights of the snapshot App built (model, layers, camera are
    // set).
    virtual void decorate(const App&, render::FrameSnapshot&) const {}
    // The model the 3D view shows instead of the open one (author mode's import wizard shows the
    // scan), as its queries; nullptr = the open model. With one, the snapshot gets no protocol
    // markers or regions (decorate() fills what it wants) and clicks pick on that model.
    [[nodiscard]] virtual const ModelQueries* scene(const App&) const { return nullptr; }
    // A left press on the 3D view the mode takes as the start of a drag of its own (the wizard's
    // landmark markers): true takes it (the view does not orbit); drag() then follows the mouse
    // every frame until the button is released (end_drag()).
    virtual bool begin_drag(App&, glm::vec2 /*window_px*/) { return false; }
    virtual void drag(App&, glm::vec2 /*window_px*/) {}
    virtual void end_drag(App&) {}
    // A --keys command of the mode (key_script.hpp, ScriptAction::Kind::command): "" when done,
    // else why not (the window prints it and shows it as a notice).
    virtual std::string script_command(App&, const ScriptAction& action) {
        return "'" + action.text + "' is not a command of this mode";
    }
    // Where a --keys landmark action (click-landmark, hover-landmark, drag-landmark) finds NAME
    // when the mode shows landmarks of its own (the import wizard's); nullopt: the model's.
    [[nodiscard]] virtual std::optional<glm::vec3>
    script_landmark(const App&, std::string_view /*name*/) const {
        return std::nullopt;
    }
    // Files dropped on the window (paths as the system gives them).
    virtual void on_drop(App&, const std::vector<std::string>& /*paths*/) {}
    // Whether the protocol and model may be replaced (e.g. not while a session is running).
    [[nodiscard]] virtual bool locks_protocol() const { return false; }
    // Whether the left column starts with the shared protocol and model chooser (the CD planner
    // makes its own protocol and shows the posture picker instead).
    [[nodiscard]] virtual bool shows_protocol_chooser() const { return true; }
    // The patient view: the protocol chooser heads with the plain [patient] title, no summary.
    [[nodiscard]] virtual bool plain_titles() const { return false; }
    // A presentation turned to the patient: the shared chrome shows no clinical controls (no
    // protocol id in the menu bar, no View menu, only the views and skin tones on the toolbar).
    [[nodiscard]] virtual bool presentation() const { return false; }
};

struct ModeInfo {
    std::string_view name;  // command-line name
    std::string_view label; // shown in the mode menu
    std::unique_ptr<Mode> (*make)(App&);
};

// Every registered mode, in menu order.
[[nodiscard]] std::span<const ModeInfo> modes();
// The mode called `name`; unknown names and modes not written yet fall back to clinician, with
// `notice` saying so (empty otherwise).
[[nodiscard]] std::unique_ptr<Mode> make_mode(App& app, std::string_view name,
                                              std::string& resolved_name, std::string& notice);
// Whether `name` is a mode the command line accepts (including the ones that fall back).
[[nodiscard]] bool is_mode_name(std::string_view name);

// Factories of the modes in this folder.
std::unique_ptr<Mode> make_clinician_mode(App& app);
std::unique_ptr<Mode> make_author_mode(App& app);
std::unique_ptr<Mode> make_patient_mode(App& app);
std::unique_ptr<Mode> make_training_mode(App& app);
std::unique_ptr<Mode> make_cd_mode(App& app);

// The markers every mode starts from: each placed protocol site, numbered in protocol order,
// pending (optional sites shown as optional). Modes restyle them in decorate().
void add_protocol_markers(const App& app, render::FrameSnapshot& frame);

} // namespace injmap::gui
