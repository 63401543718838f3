#include "gui/panels.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "gui/mode.hpp"
#include "gui/patient_content.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/style.hpp"
#include "injmap/version.hpp"

namespace injmap::gui {
namespace fs = std::filesystem;

namespace {

struct CatalogueEntry {
    fs::path path;
    std::string id;
    std::string title;
    bool user = false;
    bool readable = true;
};

// The protocols found in protocol_dirs(), read once and again on "Refresh" (a dozen small files).
struct Catalogue {
    bool scanned = false;
    std::vector<CatalogueEntry> entries;
    std::vector<std::string> models;
    fs::path user_dir;

    void scan() {
        scanned = true;
        entries.clear();
        models.clear();
        user_dir = user_data_dir() / "protocols";
        std::vector<std::string> seen;
        for (const fs::path& dir : protocol_dirs()) {
            std::error_code ec;
            if (!fs::is_directory(dir, ec))
                continue;
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(dir, ec))
                if (e.path().extension() == ".toml")
                    files.push_back(e.path());
            std::sort(files.begin(), files.end());
            const bool user = fs::equivalent(dir, user_dir, ec);
            for (const fs::path& file : files) {
                const std::string id = file.stem().string();
                // The same id in an earlier folder wins, as resolve_protocol() finds it first.
                if (!user && std::find(seen.begin(), seen.end(), id) != seen.end())
                    continue;
                seen.push_back(id);
                CatalogueEntry entry{file, id, id, user, true};
                const auto read = read_protocol_file(file);
                if (read.value && !read.value->title.empty())
                    entry.title = read.value->title;
                entry.readable = read.ok();
                entries.push_back(std::move(entry));
            }
        }
        for (const fs::path& dir : model_dirs()) {
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(dir, ec))
                if (e.path().extension() == ".toml") {
                    const std::string id = e.path().stem().string();
                    if (std::find(models.begin(), models.end(), id) == models.end())
                        models.push_back(id);
                }
        }
        std::sort(models.begin(), models.end());
    }
};

Catalogue& catalogue() {
    static Catalogue c; // one window per process; rescanned on demand
    return c;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Helpers

const char* side_short(Side side) {
    switch (side) {
    case Side::left:
        return "L";
    case Side::right:
        return "R";
    case Side::midline:
        return "mid";
    }
    return "";
}

const char* side_long(Side side) {
    switch (side) {
    case Side::left:
        return "left";
    case Side::right:
        return "right";
    case Side::midline:
        return "midline";
    }
    return "";
}

void section_heading(const App& app, const char* text) {
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::PushStyleColor(ImGuiCol_Text, colour::accent);
    ImGui::PushTextWrapPos(0.0f); // a long heading wraps in a narrow column
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::Separator();
}

void same_line_if_fits(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right)
        ImGui::SameLine();
}

void text_muted(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour::muted);
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

void text_wrapped_coloured(const ImVec4& c, const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, c);
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

bool primary_button(const char* label, float width) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour::accent);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4{0.12f, 0.53f, 0.62f, 1.0f});
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4{0.07f, 0.38f, 0.45f, 1.0f});
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1, 1, 1, 1});
    const bool pressed = ImGui::Button(label, ImVec2(width, 0));
    ImGui::PopStyleColor(4);
    return pressed;
}

bool toggle_button(const char* label, bool on, float width) {
    if (on) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4{0.80f, 0.90f, 0.92f, 1.0f});
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.05f, 0.33f, 0.40f, 1.0f});
    }
    const bool pressed = ImGui::Button(label, ImVec2(width, 0));
    if (on)
        ImGui::PopStyleColor(2);
    return pressed;
}

void diagnostics_list(const App& app, const Diagnostics& diagnostics,
                      const std::function<void(const Diagnostic&)>& on_click,
                      const Diagnostic* selected) {
    if (diagnostics.empty()) {
        text_wrapped_coloured(colour::done, "No problems found.");
        return;
    }
    ImGui::PushFont(app.fonts().small);
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
        const Diagnostic& d = diagnostics[i];
        const ImVec4 c = d.severity == Severity::error     ? colour::error
                         : d.severity == Severity::warning ? colour::warning
                                                           : colour::muted;
        std::string where = fs::path(d.where.file).filename().string();
        // Appended piece by piece: `":" + std::to_string(n)` trips GCC 12's -Wrestrict false
        // positive.
        if (d.where.line > 0)
            where.append(":").append(std::to_string(d.where.line));
        if (d.where.column > 0)
            where.append(":").append(std::to_string(d.where.column));
        ImGui::PushID(static_cast<int>(i));
        ImGui::BeginGroup();
        ImGui::PushStyleColor(ImGuiCol_Text, c);
        const bool clicked =
            ImGui::Selectable((std::string(to_string(d.severity)) + "  " + where + "##d").c_str(),
                              selected == &d, ImGuiSelectableFlags_None);
        ImGui::PopStyleColor();
        ImGui::Indent(10.0f);
        ImGui::TextWrapped("%s", escape_control(d.message).c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, colour::muted);
        ImGui::TextWrapped(
            "%s", ("[" + d.rule + "]" + (d.basis.empty() ? "" : "  basis: " + d.basis)).c_str());
        ImGui::PopStyleColor();
        ImGui::Unindent(10.0f);
        ImGui::EndGroup();
        if (clicked && on_click)
            on_click(d);
        ImGui::PopID();
        ImGui::Spacing();
    }
    ImGui::PopFont();
}

// ---------------------------------------------------------------------------------------------
// Per-muscle show/hide: the model's muscle ids (both sides together), a checkbox each, plus "Show
// all" and "Hide all". Fills App::hidden_muscles (FrameSnapshot::hidden_muscles).
void draw_muscle_list(App& app) {
    const Model* model = app.model();
    if (!model || model->muscles.empty()) {
        text_muted("No muscles in this model.");
        return;
    }
    std::vector<std::string> ids;
    for (const Muscle& m : model->muscles)
        if (std::find(ids.begin(), ids.end(), m.id) == ids.end())
            ids.push_back(m.id);
    std::sort(ids.begin(), ids.end());
    auto& hidden = app.hidden_muscles;
    if (ImGui::SmallButton("Show all"))
        hidden.clear();
    ImGui::SameLine();
    if (ImGui::SmallButton("Hide all"))
        hidden = ids;
    if (!app.layers.muscles && !app.layers.xray)
        text_muted("Turn on Muscles or X-ray to see them.");
    for (const std::string& id : ids) {
        const auto it = std::find(hidden.begin(), hidden.end(), id);
        bool shown = it == hidden.end();
        if (ImGui::Checkbox(display_name(id).c_str(), &shown)) {
            if (shown)
                hidden.erase(it);
            else
                hidden.push_back(id);
        }
    }
}

// Menu bar

float draw_menu_bar(App& app) {
    float height = ImGui::GetFrameHeight();
    if (!ImGui::BeginMainMenuBar())
        return height;
    height = ImGui::GetWindowSize().y;
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextColored(colour::accent, "injmap");
    ImGui::PopFont();
    if (ImGui::BeginMenu("Mode")) {
        for (const ModeInfo& info : modes()) {
            const std::string label(info.label);
            if (ImGui::MenuItem(label.c_str(), nullptr, app.mode_name() == info.name,
                                !app.protocol_locked()))
                app.switch_mode(info.name);
        }
        ImGui::EndMenu();
    }
    const bool presenting = app.mode().presentation();
    if (!presenting && ImGui::BeginMenu("View")) {
        for (std::string_view v : render::view_names()) {
            const std::string name = display_name(v);
            if (ImGui::MenuItem(name.c_str()))
                app.show_view(v);
        }
        ImGui::Separator();
        ImGui::MenuItem("Skin", nullptr, &app.layers.skin);
        ImGui::MenuItem("Muscles", nullptr, &app.layers.muscles);
        ImGui::MenuItem("X-ray", nullptr, &app.layers.xray);
        ImGui::MenuItem("Bones", nullptr, &app.layers.bones);
        ImGui::MenuItem("Avoid", nullptr, &app.layers.avoid);
        if (ImGui::BeginMenu("Muscles shown")) {
            draw_muscle_list(app);
            ImGui::EndMenu();
        }
        ImGui::MenuItem("Labels", nullptr, &app.layers.labels);
        ImGui::MenuItem("Needles", nullptr, &app.layers.needles);
        ImGui::MenuItem("Regions", nullptr, &app.layers.regions);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "F1"))
            app.show_shortcuts = true;
        ImGui::Separator();
        ImGui::TextDisabled("injmap " INJMAP_VERSION);
        ImGui::TextDisabled("%s", kDisclaimer);
        ImGui::EndMenu();
    }
    // Right side: what is open (not in a presentation to the patient: ids are for clinicians).
    std::string what;
    if (app.protocol().usable() && !presenting)
        what = app.protocol().protocol->id;
    if (app.model())
        what += (what.empty() ? "" : "  ·  ") + app.model()->display_name;
    app.trace_shown("menu-bar-status " + what);
    const float w = ImGui::CalcTextSize(what.c_str()).x;
    ImGui::SameLine(ImGui::GetWindowWidth() - w - ImGui::GetStyle().WindowPadding.x - 4.0f);
    ImGui::TextColored(colour::muted, "%s", what.c_str());
    ImGui::EndMainMenuBar();
    return height;
}

// ---------------------------------------------------------------------------------------------
// Protocol and model

void draw_protocol_and_model(App& app) {
    Catalogue& cat = catalogue();
    const LoadedProtocol& loaded = app.protocol();
    if (loaded.usable()) {
        const bool plain = app.mode().plain_titles();
        ImGui::PushFont(app.fonts().heading);
        ImGui::TextWrapped("%s", plain ? patient_title(*loaded.protocol).c_str()
                                       : loaded.protocol->title.c_str());
        ImGui::PopFont();
        if (!plain && !loaded.protocol->summary.empty())
            text_muted(loaded.protocol->summary.c_str());
    } else {
        ImGui::PushFont(app.fonts().heading);
        ImGui::TextUnformatted("No protocol open");
        ImGui::PopFont();
    }
    const bool locked = app.protocol_locked();
    ImGui::SetNextItemOpen(!loaded.usable(), ImGuiCond_Once);
    if (!ImGui::CollapsingHeader("Protocols and model"))
        return;
    if (locked)
        text_muted("Finish the session to change the protocol or model.");
    ImGui::BeginDisabled(locked);
    if (!cat.scanned)
        cat.scan();
    for (int pass = 0; pass < 2; ++pass) {
        const bool user = pass == 1;
        ImGui::PushFont(app.fonts().small);
        ImGui::TextColored(colour::muted, "%s", user ? "Your protocols" : "Shipped protocols");
        ImGui::PopFont();
        int shown = 0;
        for (const CatalogueEntry& e : cat.entries) {
            if (e.user != user)
                continue;
            ++shown;
            const bool current = loaded.usable() && fs::path(loaded.path).lexically_normal() ==
                                                        e.path.lexically_normal();
            ImGui::PushID(e.path.c_str());
            if (!e.readable)
                ImGui::PushStyleColor(ImGuiCol_Text, colour::error);
            if (ImGui::Selectable(e.title.c_str(), current))
                app.open_protocol(e.path.string());
            if (!e.readable)
                ImGui::PopStyleColor();
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s\n%s%s", e.title.c_str(), e.path.c_str(),
                                  e.readable ? "" : "\n(has errors: open it in author mode)");
            ImGui::PopID();
        }
        if (shown == 0) {
            ImGui::PushFont(app.fonts().small);
            text_muted(user ? ("None yet. Put .toml files in " + cat.user_dir.string()).c_str()
                            : "None found.");
            ImGui::PopFont();
        }
    }
    static char path_buffer[1024] = "";
    ImGui::SetNextItemWidth(-70.0f);
    const bool enter =
        ImGui::InputTextWithHint("##path", "path/to/protocol.toml", path_buffer, sizeof path_buffer,
                                 ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Open", ImVec2(-1, 0)) || enter) && path_buffer[0])
        app.open_protocol(path_buffer);
    if (ImGui::SmallButton("Refresh list"))
        cat.scan();

    ImGui::Spacing();
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "Model");
    ImGui::PopFont();
    const std::string current_model = app.model() ? app.model()->id : "";
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##model", app.model() ? app.model()->display_name.c_str() : "(none)")) {
        for (const std::string& id : cat.models)
            if (ImGui::Selectable(display_name(id).c_str(), id == current_model) &&
                id != current_model)
                app.load_model(id);
        ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    const Diagnostics& failed = app.last_open_diagnostics();
    if (!failed.empty()) {
        ImGui::Spacing();
        diagnostics_list(app, failed, {});
    }
}

// ---------------------------------------------------------------------------------------------
// View toolbar over the 3D area

bool toggle_layer(App& app, char key) {
    render::Layers& l = app.layers;
    switch (key) {
    case 'K': // skin: opaque skin on (x-ray off), or off
        l.skin = !(l.skin && !l.xray), l.xray = false;
        return true;
    case 'M':
        l.muscles = !l.muscles;
        return true;
    case 'X':
        l.xray = !l.xray;
        if (l.xray)
            l.skin = true;
        return true;
    case 'B':
        l.bones = !l.bones;
        // Opaque skin would hide them: show them through it.
        if (l.bones && l.skin)
            l.xray = true;
        return true;
    case 'G':
        l.regions = !l.regions;
        return true;
    case 'V':
        l.avoid = !l.avoid;
        return true;
    case 'L':
        l.labels = !l.labels;
        return true;
    case 'I':
        l.needles = !l.needles;
        return true;
    default:
        return false;
    }
}

// The legend of the injection regions (a swatch and the name of each), `per_row` to a row; nothing
// when no regions are drawn (no model regions, or a cervical dystonia plan).
// With `right` > 0 the entries flow and wrap before that x instead (as many to a row as fit).
static void region_legend(const App& app, std::size_t per_row, float right = 0.0f) {
    const Model* model = app.model();
    if (!model || model->regions.empty() || app.mode_name() == "cd" ||
        (app.protocol().usable() &&
         app.protocol().protocol->indication == std::string(kCervicalDystonia)))
        return;
    const float swatch = ImGui::GetTextLineHeight() * 0.8f;
    for (std::size_t k = 0; k < model->regions.size(); ++k) {
        const float w =
            swatch + 4.0f + ImGui::CalcTextSize(model->regions[k].display_name.c_str()).x;
        if (right > 0.0f ? k > 0 && ImGui::GetItemRectMax().x + 10.0f + w <= right
                         : k % per_row != 0)
            ImGui::SameLine(0.0f, 10.0f);
        const glm::vec3 c = render::region_color(model->regions[k].id);
        ImGui::PushID(static_cast<int>(100 + k));
        ImGui::ColorButton("##region", ImVec4(c.x, c.y, c.z, 1.0f),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                           ImVec2(swatch, swatch));
        ImGui::PopID();
        ImGui::SameLine(0.0f, 4.0f);
        ImGui::TextUnformatted(model->regions[k].display_name.c_str());
    }
}

// The toolbar of a presentation to the patient: the five views, large, and nothing clinical.
static void draw_presentation_toolbar(App& app) {
    const Rect& vp = app.viewport();
    ImGui::SetNextWindowPos({vp.x + 10.0f, vp.y + 10.0f});
    ImGui::SetNextWindowBgAlpha(0.88f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 8.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {8, 6});
    const ImGuiWindowFlags flags =
        ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
        ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoScrollbar;
    if (ImGui::Begin("##viewbar", nullptr, flags)) {
        static constexpr std::pair<const char*, const char*> kViews[] = {
            {"Front", "front"}, {"Back", "back"}, {"Your left", "left"}, {"Your right", "right"}};
        for (const auto& [label, name] : kViews) {
            if (ImGui::Button(label))
                app.show_view(name);
            app.trace_shown(std::string("toolbar ") + label);
            ImGui::SameLine();
        }
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
}

void draw_view_toolbar(App& app) {
    if (app.mode().presentation()) {
        draw_presentation_toolbar(app);
        return;
    }
    const Rect& vp = app.viewport();
    ImGui::SetNextWindowPos({vp.x + 10.0f, vp.y + 10.0f});
    // Never wider than the 3D view: the buttons wrap to more rows instead of covering a column.
    const float max_w = std::max(120.0f, vp.w - 20.0f);
    ImGui::SetNextWindowSizeConstraints({0.0f, 0.0f}, {max_w, vp.h});
    ImGui::SetNextWindowBgAlpha(0.88f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 8.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {8, 6});
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {4, 4});
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, {7, 3});
    const ImGuiWindowFlags flags =
        ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
        ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoScrollbar;
    if (ImGui::Begin("##viewbar", nullptr, flags)) {
        ImGui::PushFont(app.fonts().small);
        // The right edge the buttons may reach; `next(w)` puts an item `w` wide on this row when
        // it fits, else on a new row.
        const float right = vp.x + 10.0f + max_w - 8.0f;
        const float frame_pad = ImGui::GetStyle().FramePadding.x * 2.0f;
        bool first = true;
        const auto next = [&](float w, float spacing = -1.0f) {
            if (first) {
                first = false;
                return;
            }
            const float gap = spacing >= 0.0f ? spacing : ImGui::GetStyle().ItemSpacing.x;
            if (ImGui::GetItemRectMax().x + gap + w <= right)
                ImGui::SameLine(0.0f, spacing);
        };
        const auto button_w = [&](const char* label) {
            return ImGui::CalcTextSize(label, nullptr, true).x + frame_pad;
        };
        const auto key_tip = [](const char* text) {
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", text);
        };
        static constexpr std::pair<const char*, const char*> kViews[] = {{"Front", "front"},
                                                                         {"Back", "back"},
                                                                         {"Left", "left"},
                                                                         {"Right", "right"},
                                                                         {"Top", "top"}};
        int key = 1;
        for (const auto& [label, name] : kViews) {
            next(button_w(label));
            if (ImGui::Button(label))
                app.show_view(name);
            if (ImGui::IsItemHovered()) {
                if (std::string_view(name) == "left" || std::string_view(name) == "right")
                    ImGui::SetTooltip("The subject's %s side (key %d)", name, key);
                else
                    ImGui::SetTooltip("Key %d", key);
            }
            ++key;
        }
        // Every named view (render::view_names(): also back-above, left-back, right-back, ...).
        next(ImGui::GetFrameHeight());
        if (ImGui::ArrowButton("##more_views", ImGuiDir_Down))
            ImGui::OpenPopup("more_views");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("All views");
        if (ImGui::BeginPopup("more_views")) {
            for (std::string_view v : render::view_names()) {
                const std::string name = display_name(v);
                if (ImGui::Selectable(name.c_str()))
                    app.show_view(v);
            }
            ImGui::EndPopup();
        }
        next(button_w("Skin") + 12.0f);
        if (toggle_button("Skin", app.layers.skin && !app.layers.xray))
            toggle_layer(app, 'K');
        key_tip("Skin (K)");
        next(button_w("Muscles") + 1.0f + ImGui::GetFrameHeight());
        if (toggle_button("Muscles", app.layers.muscles))
            toggle_layer(app, 'M');
        key_tip("Muscles (M)");
        ImGui::SameLine(0.0f, 1.0f);
        if (ImGui::ArrowButton("##muscle_list", ImGuiDir_Down))
            ImGui::OpenPopup("muscle_list");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Show or hide single muscles");
        if (ImGui::BeginPopup("muscle_list")) {
            draw_muscle_list(app);
            ImGui::EndPopup();
        }
        next(button_w("X-ray"));
        app.trace_shown("toggle X-ray");
        if (toggle_button("X-ray", app.layers.xray))
            toggle_layer(app, 'X');
        key_tip("X-ray: see-through skin (X)");
        next(button_w("Bones"));
        if (toggle_button("Bones", app.layers.bones))
            toggle_layer(app, 'B');
        key_tip("The skeleton, under see-through skin (X-ray) or alone (Skin off) (B)");
        next(button_w("Regions"));
        if (toggle_button("Regions", app.layers.regions))
            toggle_layer(app, 'G');
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::TextUnformatted("The seven injection regions on the skin (the current step's "
                                   "strongest) (G)");
            region_legend(app, 1);
            ImGui::EndTooltip();
        }
        next(button_w("Avoid"));
        if (toggle_button("Avoid", app.layers.avoid))
            toggle_layer(app, 'V'); // the renderer shows the skin see-through
        key_tip("What to avoid: nerves (yellow), arteries (red), veins (blue), the brachial plexus "
                "(orange) and the lung's apex (pink) (V)");
        const auto tones = render::skin_tones();
        const float size = ImGui::GetFrameHeight() - 4.0f;
        for (std::size_t i = 0; i < tones.size(); ++i) {
            next(size, i == 0 ? 12.0f : -1.0f);
            const glm::vec3 a = tones[i].albedo;
            ImGui::PushID(static_cast<int>(i));
            const bool selected = static_cast<int>(i) == app.skin_tone;
            if (selected) {
                ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 2.0f);
                ImGui::PushStyleColor(ImGuiCol_Border, colour::accent);
            }
            if (ImGui::ColorButton("##tone", ImVec4(a.x, a.y, a.z, 1.0f),
                                   ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                                   ImVec2(size, size)))
                app.skin_tone = static_cast<int>(i);
            if (selected) {
                ImGui::PopStyleColor();
                ImGui::PopStyleVar();
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("Skin tone: %.*s", int(tones[i].name.size()),
                                  tones[i].name.data());
            ImGui::PopID();
        }
        // The legend under the toolbar while regions are shown; not in the patient view, whose
        // caption sits just below the toolbar (there it is in the Regions button's tooltip).
        if (app.layers.regions && app.mode_name() != "patient")
            region_legend(app, 4, right);
        ImGui::PopFont();
    }
    ImGui::End();
    ImGui::PopStyleVar(4);
}

// ---------------------------------------------------------------------------------------------
// Status bar

void draw_status_bar(App& app, const Rect& area) {
    ImGui::SetNextWindowPos({area.x, area.y});
    ImGui::SetNextWindowSize({area.w, area.h});
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4{0.93f, 0.945f, 0.955f, 1.0f});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {12, 5});
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoScrollbar |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (ImGui::Begin("##status", nullptr, flags)) {
        ImGui::AlignTextToFramePadding();
        ImGui::PushFont(app.fonts().small);
        ImGui::TextColored(colour::muted, "%s", kDisclaimer);
        if (const Notice* n = app.current_notice()) {
            const ImVec4 c = n->severity == Severity::error     ? colour::error
                             : n->severity == Severity::warning ? colour::warning
                                                                : colour::text;
            const float avail = ImGui::GetWindowWidth() * 0.5f;
            std::string text = n->text;
            std::replace(text.begin(), text.end(), '\n', ' ');
            while (text.size() > 4 && ImGui::CalcTextSize(text.c_str()).x > avail)
                text = text.substr(0, text.size() - 5) + "…";
            ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(text.c_str()).x - 14.0f);
            ImGui::TextColored(c, "%s", text.c_str());
            if (ImGui::IsItemHovered() && text != n->text)
                ImGui::SetTooltip("%s", n->text.c_str());
        } else {
            const char* hint = "F1 or ?: keyboard shortcuts";
            ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(hint).x - 14.0f);
            ImGui::TextColored(colour::muted, "%s", hint);
        }
        ImGui::PopFont();
    }
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

// ---------------------------------------------------------------------------------------------
// Shortcuts

std::vector<Shortcut> view_shortcuts() {
    return {{"1 2 3 4 5", "front, back, left, right, top view (the whole model)"},
            {"Z", "frame the current step (the whole model where there is none)"},
            {"Home", "the whole model, from where the camera looks now"},
            {"K", "skin on or off"},
            {"M", "muscles"},
            {"X", "X-ray: see-through skin"},
            {"B", "bones"},
            {"G", "injection regions on the skin"},
            {"V", "structures to avoid (nerves, vessels)"},
            {"L", "labels"},
            {"I", "needles"},
            {"F1 or ?", "show or hide this list"},
            {"Esc", "close a dialog"},
            {"Left drag", "turn the model around the head's centre"},
            {"Right drag, Shift + drag", "move the model"},
            {"Wheel", "zoom"}};
}

void draw_shortcuts_window(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f}, ImGuiCond_Always,
                            {0.5f, 0.5f});
    ImGui::SetNextWindowSize({460.0f * app.fonts().regular->FontSize / 15.0f, 0});
    // Within the window: a long list scrolls.
    ImGui::SetNextWindowSizeConstraints({0.0f, 0.0f},
                                        {io.DisplaySize.x - 20.0f, io.DisplaySize.y * 0.85f});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 8.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, colour::card);
    if (ImGui::Begin("Keyboard shortcuts", &app.show_shortcuts,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        std::vector<Shortcut> list = app.mode().shortcut_list();
        for (Shortcut& s : view_shortcuts())
            list.push_back(std::move(s));
        if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            ImGui::TableSetupColumn("keys", ImGuiTableColumnFlags_WidthFixed,
                                    170.0f * app.fonts().regular->FontSize / 15.0f);
            ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
            for (const Shortcut& s : list) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::PushFont(app.fonts().bold);
                ImGui::TextUnformatted(s.keys.c_str());
                ImGui::PopFont();
                ImGui::TableSetColumnIndex(1);
                ImGui::TextWrapped("%s", s.description.c_str());
            }
            ImGui::EndTable();
        }
        if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false))
            app.show_shortcuts = false;
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
}

} // namespace injmap::gui
