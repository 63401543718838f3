// Author mode's "Import a head…" wizard in the window (author_import.hpp).
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include <glm/geometric.hpp>

#include "gui/author_import.hpp"
#include "gui/camera_control.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace fs = std::filesystem;

namespace {

// An ImGui text field on a std::string (ImGui 1.86 takes a char buffer).
bool input_string(const char* id, const char* hint, std::string& value, std::size_t capacity,
                  ImGuiInputTextFlags flags = 0) {
    std::vector<char> buffer(capacity, '\0');
    std::copy_n(value.begin(), std::min(value.size(), capacity - 1), buffer.begin());
    const bool result = ImGui::InputTextWithHint(id, hint, buffer.data(), capacity, flags);
    value = buffer.data();
    return result;
}

bool combo(const char* label, std::string& value, std::span<const std::string_view> options) {
    bool changed = false;
    if (ImGui::BeginCombo(label, value.c_str())) {
        for (auto o : options) {
            const bool selected = value == o;
            if (ImGui::Selectable(std::string(o).c_str(), selected) && !selected) {
                value = std::string(o);
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    return changed;
}

std::optional<glm::vec3> parse_xyz(const std::vector<std::string>& args, std::size_t from) {
    glm::vec3 v{0.0f};
    for (int i = 0; i < 3; ++i) {
        const std::string& s = args.at(from + std::size_t(i));
        float f = 0;
        auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), f);
        if (e != std::errc() || p != s.data() + s.size())
            return std::nullopt;
        v[i] = f;
    }
    return v;
}

void show_diagnostics(const Diagnostics& diagnostics) {
    int shown = 0;
    for (const Diagnostic& d : diagnostics) {
        if (shown++ == 4) {
            text_muted("…");
            break;
        }
        text_wrapped_coloured(d.severity == Severity::error ? colour::error : colour::warning,
                              format_diagnostic(d).c_str());
    }
}

} // namespace

void ImportWizardView::start(App& app) {
    wizard_.start();
    last_error_.clear();
    if (folder_.empty()) {
        std::error_code ec;
        folder_ = fs::current_path(ec).string();
    }
    if (scene())
        frame_scan(app);
    app.request_frames(2);
}

const ModelQueries* ImportWizardView::scene() const {
    if (!wizard_.open() || !wizard_.scene())
        return nullptr;
    return wizard_.scene()->queries.get();
}

// The head of the scan: its top 300 mm, at most 300 mm wide round its middle (a scan with
// shoulders is framed on the head, where the points are).
std::vector<glm::vec3> ImportWizardView::head_box() const {
    if (!wizard_.scene())
        return {};
    Bounds b = bounds_of(wizard_.scene()->scan.skin);
    const auto size = wizard_.size();
    if (size && !plausible_head_size(*size)) // wrong units: the whole scan, to show it
        return model_corners(wizard_.scene()->model);
    b.min.y = std::max(b.min.y, b.max.y - 300.0f);
    const float mid = 0.5f * (b.min.x + b.max.x);
    b.min.x = std::max(b.min.x, mid - 150.0f);
    b.max.x = std::min(b.max.x, mid + 150.0f);
    std::vector<glm::vec3> corners;
    for (int i = 0; i < 8; ++i)
        corners.emplace_back(i & 1 ? b.max.x : b.min.x, i & 2 ? b.max.y : b.min.y,
                             i & 4 ? b.max.z : b.min.z);
    return corners;
}

void ImportWizardView::frame_scan(App& app, std::string_view view) const {
    const auto corners = head_box();
    if (!corners.empty())
        app.frame_points(corners, view);
}

// The view that shows a point best: the ears from their side, C7 from behind.
std::string_view ImportWizardView::view_for(std::string_view point) {
    if (point == "tragion_left")
        return "left";
    if (point == "tragion_right")
        return "right";
    if (point == "c7")
        return "back";
    return "front";
}

std::optional<glm::vec3> ImportWizardView::on_skin(const glm::vec3& model_point) const {
    const ModelQueries* q = wizard_.scene() ? wizard_.scene()->queries.get() : nullptr;
    if (!q)
        return std::nullopt;
    if (auto hit = q->skin().closest_point(model_point))
        return hit->point;
    return std::nullopt;
}

bool ImportWizardView::poll(App& app) {
    const bool was_fitting = wizard_.fitting();
    bool changed = wizard_.poll();
    if (was_fitting && !wizard_.fitting()) {
        if (const auto& f = wizard_.fitted()) {
            std::fprintf(stderr,
                         "injmap gui: import: fitted %zu landmarks (%zu given), scale %.3f, "
                         "points rms %.1f mm\n",
                         f->landmarks.size(), f->given.size(), f->scale, f->points_rms_mm);
            frame_scan(app, "front");
        } else if (!wizard_.fit_diagnostics().empty()) {
            last_error_ = format_diagnostic(wizard_.fit_diagnostics().front());
        }
    }
    if (wizard_.scene() && wizard_.scene().get() != framed_scene_ && wizard_.open()) {
        framed_scene_ = wizard_.scene().get();
        const ScanFrame& f = wizard_.scene()->scan.frame;
        std::fprintf(
            stderr,
            "injmap gui: import: loaded %s (%s, up %s, forward %s, skin group %s): %zu triangles\n",
            wizard_.scene()->scan.path.c_str(), f.units.c_str(), f.up.c_str(), f.forward.c_str(),
            f.skin_group.c_str(), wizard_.scene()->scan.skin.indices.size() / 3);
        frame_scan(app);
        changed = true;
    }
    if (changed) {
        if (!wizard_.load_diagnostics().empty() && has_errors(wizard_.load_diagnostics()))
            last_error_ = format_diagnostic(wizard_.load_diagnostics().front());
        app.request_frames(2);
    }
    return changed || busy();
}

void ImportWizardView::set_path(const std::string& path) {
    wizard_.path = path;
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec))
        folder_ = p.string();
    else if (p.has_parent_path())
        folder_ = p.parent_path().string();
}

void ImportWizardView::load(App& app) {
    std::string why;
    last_error_.clear();
    if (!wizard_.load(app.scripted(), why))
        last_error_ = why;
    poll(app);
}

void ImportWizardView::fit(App& app) {
    std::string why;
    last_error_.clear();
    if (!wizard_.fit(app.scripted(), why)) {
        last_error_ = why;
        return;
    }
    poll(app);
}

void ImportWizardView::save(App& app) {
    fs::path written;
    std::string why;
    last_error_.clear();
    if (!wizard_.save(written, why)) {
        last_error_ = why;
        app.notify(why, Severity::error);
        std::fprintf(stderr, "injmap gui: import: not saved: %s\n", why.c_str());
        return;
    }
    std::fprintf(stderr, "injmap gui: import: saved %s\n", written.c_str());
    // The new model replaces the open one; one that cannot be used leaves it (App::load_model posts
    // the notice) and the wizard open, so the author can correct and save again.
    if (app.load_model(written.string())) {
        app.notify("Saved " + written.filename().string() + " and opened it as the model.");
        wizard_.close();
        dragging_.reset();
        app.show_view("front");
    } else {
        last_error_ = "Saved " + written.string() +
                      ", but it cannot be opened as a model (see the "
                      "status bar).";
    }
}

// ---- panels ----

void ImportWizardView::step_header(App& app, int number, const char* title) {
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextColored(colour::accent, "Import a head · step %d of 4", number);
    ImGui::PopFont();
    section_heading(app, title);
}

void ImportWizardView::left_panel(App& app) {
    using Step = ImportWizard::Step;
    const Step step = wizard_.step();
    app.trace_shown("import-wizard");
    if (step == Step::file) {
        step_header(app, 1, "Pick the mesh file");
        ImGui::PushFont(app.fonts().mono);
        if (wizard_.path.empty())
            text_muted("No file chosen yet.");
        else
            ImGui::TextWrapped("%s", wizard_.path.c_str());
        ImGui::PopFont();
        ImGui::SetNextItemWidth(-1);
        if (input_string("##scanpath", "Type a path, press Enter", typed_path_, 1024,
                         ImGuiInputTextFlags_EnterReturnsTrue) &&
            !typed_path_.empty()) {
            set_path(typed_path_);
            typed_path_.clear();
            std::error_code ec;
            if (!fs::is_directory(wizard_.path, ec))
                load(app);
        }
        ImGui::PushFont(app.fonts().small);
        text_muted("Or choose a file below, or drop one on the window.");
        ImGui::PopFont();
        if (folder_ != listed_folder_) {
            entries_ = folder_entries(folder_);
            listed_folder_ = folder_;
        }
        ImGui::PushFont(app.fonts().mono);
        ImGui::TextWrapped("%s", folder_.c_str());
        ImGui::PopFont();
        const float list_h = std::max(px(80.0f), ImGui::GetContentRegionAvail().y - px(150.0f));
        ImGui::BeginChild("##files", ImVec2(0, list_h), true);
        if (ImGui::Selectable("../"))
            folder_ = fs::path(folder_).parent_path().string();
        int row = 0;
        for (const std::string& e : entries_) {
            // Long names wrap (a Selectable's label would be cut by the narrow column).
            ImGui::PushID(row++);
            const float wrap = ImGui::GetContentRegionAvail().x;
            const ImVec2 size = ImGui::CalcTextSize(e.c_str(), nullptr, false, wrap);
            const ImVec2 at = ImGui::GetCursorPos();
            const fs::path p = fs::path(folder_) / e;
            const bool clicked =
                ImGui::Selectable("##entry", wizard_.path == p.string(), 0, ImVec2(0, size.y));
            ImGui::SetCursorPos(at);
            ImGui::PushTextWrapPos(at.x + wrap);
            ImGui::TextUnformatted(e.c_str());
            ImGui::PopTextWrapPos();
            ImGui::PopID();
            if (clicked) {
                if (!e.empty() && e.back() == '/') {
                    folder_ = p.parent_path().string(); // "name/" → the folder itself
                } else {
                    wizard_.path = p.string();
                    load(app);
                }
                break;
            }
        }
        if (entries_.empty())
            text_muted("No mesh files (.obj, .ply, .stl) here.");
        ImGui::EndChild();
        if (primary_button(wizard_.loading() ? "Loading…" : "Load", -1) && !wizard_.loading())
            load(app);
        std::string why;
        ImGui::BeginDisabled(!wizard_.scene() || wizard_.loading());
        if (primary_button("Next: click the points", -1)) {
            if (!wizard_.go_to(Step::points, why))
                last_error_ = why;
        }
        ImGui::EndDisabled();
    } else if (step == Step::points) {
        step_header(app, 2, "Click the points");
        const auto next = wizard_.picks.next();
        if (next != prompted_) { // turn the scan to show the next point
            prompted_ = next;
            if (next)
                frame_scan(app, view_for(*next));
        }
        ImGui::PushFont(app.fonts().bold);
        ImGui::PushTextWrapPos(0.0f);
        if (next) {
            ImGui::TextColored(colour::current, "Click %s.", point_prompt(*next).c_str());
        } else {
            ImGui::TextColored(colour::done, "Every point is given or skipped.");
        }
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        if (next && !PointPicks::required(*next)) {
            ImGui::PushFont(app.fonts().small);
            text_muted("Optional: skip it when the scan does not show it.");
            ImGui::PopFont();
        }
        ImGui::Spacing();
        ImGui::BeginDisabled(!next || PointPicks::required(*next));
        if (ImGui::Button("Skip this point"))
            wizard_.picks.skip_next();
        ImGui::EndDisabled();
        same_line_if_fits(ImGui::CalcTextSize("Undo (Backspace)").x +
                          2.0f * ImGui::GetStyle().FramePadding.x);
        ImGui::BeginDisabled(!wizard_.picks.can_undo());
        if (ImGui::Button("Undo (Backspace)"))
            wizard_.picks.undo();
        ImGui::EndDisabled();
        ImGui::Spacing();
        ImGui::PushFont(app.fonts().small);
        text_muted("Turn the scan with a left drag, move it with a right drag, zoom with the "
                   "wheel; 1–5 show the front, back, left, right and top.");
        ImGui::PopFont();
        ImGui::Spacing();
        ImGui::BeginDisabled(!wizard_.picks.ready() || wizard_.fitting());
        if (primary_button(wizard_.fitting() ? "Fitting…" : "Fit the landmarks", -1))
            fit(app);
        ImGui::EndDisabled();
        if (ImGui::Button("Back: the file"))
            wizard_.go_to(Step::file, last_error_);
    } else if (step == Step::review) {
        step_header(app, 3, "Review the landmarks");
        const LandmarkFit& f = *wizard_.fitted();
        ImGui::TextWrapped("%zu landmarks: %zu given, %zu carried from %s, %zu corrected.",
                           f.landmarks.size(), f.given.size(), f.landmarks.size() - f.given.size(),
                           wizard_.template_id.c_str(), wizard_.corrected().size());
        ImGui::PushFont(app.fonts().small);
        char stats[160];
        std::snprintf(stats, sizeof stats,
                      "Scale %.2f · the points within %.1f mm (rms) · the skin within %.1f mm "
                      "(mean)",
                      f.scale, f.points_rms_mm, f.surface_mean_mm);
        text_muted(stats);
        ImGui::PopFont();
        ImGui::Spacing();
        ImGui::TextColored(ImVec4(0.0f, 0.62f, 0.45f, 1.0f), "Green");
        ImGui::SameLine();
        ImGui::TextUnformatted("the points you gave");
        ImGui::TextColored(ImVec4(0.0f, 0.45f, 0.70f, 1.0f), "Blue");
        ImGui::SameLine();
        ImGui::TextUnformatted("carried from the model");
        ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "Orange");
        ImGui::SameLine();
        ImGui::TextUnformatted("corrected by you");
        ImGui::Spacing();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted("Rest the mouse on a marker for its name; drag it to move it on the "
                               "skin.");
        ImGui::PopTextWrapPos();
        show_diagnostics(wizard_.fit_diagnostics()); // e.g. a point far from the skin
        ImGui::Spacing();
        if (primary_button("Next: save", -1))
            wizard_.go_to(Step::save, last_error_);
        if (ImGui::Button("Back: the points"))
            wizard_.go_to(Step::points, last_error_);
    } else if (step == Step::save) {
        step_header(app, 4, "Save the model");
        ImGui::TextUnformatted("Id");
        ImGui::SetNextItemWidth(-1);
        input_string("##modelid", "my-scan", wizard_.model_id, 72);
        ImGui::TextUnformatted("Name");
        ImGui::SetNextItemWidth(-1);
        input_string("##modelname", "Scan of …", wizard_.model_name, 128);
        ImGui::TextUnformatted("Manifest file");
        ImGui::SetNextItemWidth(-1);
        input_string("##manifest", "next to the mesh", wizard_.save_path, 1024);
        ImGui::PushFont(app.fonts().small);
        text_muted(("Saves " + wizard_.manifest_path().string()).c_str());
        ImGui::PopFont();
        ImGui::Spacing();
        if (primary_button("Save and open", -1))
            save(app);
        if (ImGui::Button("Back: review"))
            wizard_.go_to(Step::review, last_error_);
    }
    if (!last_error_.empty()) {
        ImGui::Spacing();
        text_wrapped_coloured(colour::error, last_error_.c_str());
    }
    ImGui::Spacing();
    if (ImGui::Button("Close the wizard")) {
        wizard_.close();
        dragging_.reset();
        app.show_view("front");
    }
}

void ImportWizardView::right_panel(App& app) {
    using Step = ImportWizard::Step;
    const Step step = wizard_.step();
    if (step == Step::file) {
        section_heading(app, "Units and axes");
        ImGui::PushFont(app.fonts().small);
        text_muted("How the file's numbers map to a head: its unit of length, and which axes "
                   "point up and toward the face.");
        ImGui::PopFont();
        ScanFrame before = wizard_.frame;
        const float w = px(90.0f);
        ImGui::SetNextItemWidth(w);
        combo("Units", wizard_.frame.units, kScanUnits);
        ImGui::SetNextItemWidth(w);
        combo("Up", wizard_.frame.up, kScanAxes);
        ImGui::SetNextItemWidth(w);
        combo("Forward (the face)", wizard_.frame.forward, kScanAxes);
        if (wizard_.scene() && wizard_.scene()->groups.size() > 1) {
            std::vector<std::string_view> groups{"*"};
            for (const auto& g : wizard_.scene()->groups)
                groups.push_back(g);
            ImGui::SetNextItemWidth(w * 2.0f);
            combo("Skin group", wizard_.frame.skin_group, groups);
            if (wizard_.frame.skin_group == "*")
                text_wrapped_coloured(colour::warning,
                                      "The file has several groups: choose the one that is the "
                                      "skin.");
        }
        const bool axes_ok = scan_size(glm::vec3(1.0f), wizard_.frame).has_value();
        if (!axes_ok)
            text_wrapped_coloured(colour::error, "Up and forward must be two different axes.");
        ImGui::Spacing();
        section_heading(app, "Size");
        if (wizard_.loading())
            text_muted("Loading…");
        if (const auto size = wizard_.size()) {
            ImGui::PushFont(app.fonts().bold);
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(plausible_head_size(*size) ? colour::text : colour::error, "%s",
                               size_readout(*size).c_str());
            ImGui::PopTextWrapPos();
            ImGui::PopFont();
            ImGui::Text("%zu triangles", wizard_.scene()->scan.skin.indices.size() / 3);
        } else if (!wizard_.loading()) {
            text_muted("No scan loaded yet.");
        }
        show_diagnostics(wizard_.load_diagnostics());
        // A changed frame reloads the scan (the size above already shows the new one).
        const bool frame_changed = before.units != wizard_.frame.units ||
                                   before.up != wizard_.frame.up ||
                                   before.forward != wizard_.frame.forward ||
                                   before.skin_group != wizard_.frame.skin_group;
        if (frame_changed && axes_ok && wizard_.scene())
            load(app);
        return;
    }
    if (step == Step::points) {
        section_heading(app, "Points");
        const auto next = wizard_.picks.next();
        for (const std::string& n : wizard_.picks.order()) {
            const bool given = wizard_.picks.points().contains(n);
            const bool skipped = wizard_.picks.skipped(n);
            const ImVec4 c = given       ? colour::done
                             : skipped   ? colour::muted
                             : next == n ? colour::current
                                         : colour::text;
            ImGui::TextColored(c, "%s", landmark_display_name(n).c_str());
            ImGui::SameLine(px(150.0f));
            ImGui::TextColored(c, "%s",
                               given     ? "given"
                               : skipped ? "skipped"
                               : next == n
                                   ? (PointPicks::required(n) ? "click it now" : "click it or skip")
                               : PointPicks::required(n) ? "required"
                                                         : "optional");
        }
        show_diagnostics(wizard_.fit_diagnostics());
        return;
    }
    if ((step == Step::review || step == Step::save) && wizard_.fitted()) {
        section_heading(app, "Landmarks");
        ImGui::BeginChild("##landmarks", ImVec2(0, 0), false);
        int number = 0;
        for (const auto& [name, p] : wizard_.fitted()->landmarks) {
            ++number;
            const bool given = wizard_.fitted()->given.contains(name);
            const bool corrected = wizard_.corrected().contains(name);
            ImGui::PushID(number);
            char row[160];
            std::snprintf(row, sizeof row, "%2d  %s", number, landmark_display_name(name).c_str());
            ImGui::PushStyleColor(ImGuiCol_Text, corrected ? ImVec4(0.84f, 0.37f, 0.0f, 1.0f)
                                                 : given   ? colour::done
                                                           : colour::text);
            if (ImGui::Selectable(row, hovered_ == name)) {
                const glm::vec3 at = p;
                app.frame_points(std::span<const glm::vec3>(&at, 1), app.camera());
            }
            ImGui::PopStyleColor();
            ImGui::SameLine(ImGui::GetContentRegionAvail().x - px(60.0f));
            ImGui::TextColored(colour::muted, "%s",
                               corrected ? "corrected"
                               : given   ? "given"
                                         : "carried");
            ImGui::PopID();
        }
        ImGui::EndChild();
        return;
    }
}

std::vector<std::string> ImportWizardView::marker_names() const {
    std::vector<std::string> names;
    if (wizard_.step() == ImportWizard::Step::points) {
        for (const auto& [name, p] : wizard_.picks.points())
            names.push_back(name);
    } else if (wizard_.fitted() && (wizard_.step() == ImportWizard::Step::review ||
                                    wizard_.step() == ImportWizard::Step::save)) {
        for (const auto& [name, p] : wizard_.fitted()->landmarks)
            names.push_back(name);
    }
    return names;
}

std::optional<glm::vec3> ImportWizardView::landmark(std::string_view name) const {
    const std::string key(name);
    if (!scene())
        return std::nullopt;
    if (wizard_.step() == ImportWizard::Step::points) {
        if (auto it = wizard_.picks.points().find(key); it != wizard_.picks.points().end())
            return it->second;
    } else if (wizard_.fitted()) {
        if (auto it = wizard_.fitted()->landmarks.find(key);
            it != wizard_.fitted()->landmarks.end())
            return it->second;
    }
    return std::nullopt;
}

void ImportWizardView::decorate(const App&, render::FrameSnapshot& frame) const {
    frame.layers.needles = false;
    frame.layers.labels = false;
    frame.markers.clear();
    const ModelQueries* q = scene();
    if (!q)
        return;
    const bool review = wizard_.step() != ImportWizard::Step::points;
    const auto names = marker_names();
    for (const std::string& name : names) {
        render::Marker m;
        m.id = name;
        glm::vec3 p{0.0f};
        if (review) {
            p = wizard_.fitted()->landmarks.at(name);
            // Numbered as the list on the right (the fit's landmarks in name order).
            m.number = int(&name - names.data()) + 1;
            const bool corrected =
                wizard_.corrected().contains(name) || (dragging_ == name && drag_moved_);
            m.state = corrected                                ? render::MarkerState::current
                      : wizard_.fitted()->given.contains(name) ? render::MarkerState::done
                                                               : render::MarkerState::pending;
        } else {
            p = wizard_.picks.points().at(name);
            const auto& order = wizard_.picks.order();
            m.number = int(std::find(order.begin(), order.end(), name) - order.begin()) + 1;
            m.state = render::MarkerState::done;
        }
        m.position = p;
        if (auto hit = q->skin().closest_point(p)) {
            m.normal = hit->normal;
            m.needle_direction = -hit->normal;
        }
        frame.markers.push_back(std::move(m));
    }
}

void ImportWizardView::overlays(App& app) {
    if (!scene() || dragging_)
        return;
    hovered_.clear();
    const ImGuiIO& io = ImGui::GetIO();
    const glm::vec2 mouse{io.MousePos.x, io.MousePos.y};
    if (!app.viewport().contains(mouse) || ImGui::IsWindowHovered(ImGuiHoveredFlags_AnyWindow))
        return;
    const auto hit = app.pick(mouse);
    if (!hit || !hit->marker)
        return;
    const auto names = marker_names();
    if (*hit->marker >= names.size())
        return;
    hovered_ = names[*hit->marker];
    const bool review = wizard_.step() != ImportWizard::Step::points;
    const char* how = !review                                      ? "given"
                      : wizard_.corrected().contains(hovered_)     ? "corrected"
                      : wizard_.fitted()->given.contains(hovered_) ? "given"
                                                                   : "carried from the model";
    ImGui::SetTooltip("%s (%s)%s", landmark_display_name(hovered_).c_str(), how,
                      review ? " · drag to move" : "");
}

void ImportWizardView::shortcuts(App& app) {
    if (wizard_.step() == ImportWizard::Step::points &&
        ImGui::IsKeyPressed(GLFW_KEY_BACKSPACE, false) && wizard_.picks.undo())
        app.request_frames(2);
}

void ImportWizardView::on_pick(App& app, const PickHit& hit) {
    if (wizard_.step() != ImportWizard::Step::points || glm::length(hit.normal) == 0.0f)
        return;
    const auto name = wizard_.picks.next();
    if (!name)
        return;
    wizard_.picks.place(*name, hit.point);
    last_error_.clear();
    const glm::vec3 f = wizard_.scene()->scan.to_file(hit.point);
    std::fprintf(stderr, "injmap gui: import: %s at %.4g %.4g %.4g (file units)\n", name->c_str(),
                 f.x, f.y, f.z);
    app.request_frames(2);
}

bool ImportWizardView::begin_drag(App& app, glm::vec2 window_px) {
    if (wizard_.step() != ImportWizard::Step::review || !scene())
        return false;
    const auto hit = app.pick(window_px);
    const auto names = marker_names();
    if (!hit || !hit->marker || *hit->marker >= names.size())
        return false;
    dragging_ = names[*hit->marker];
    drag_start_ = window_px;
    drag_moved_ = false;
    return true;
}

void ImportWizardView::drag(App& app, glm::vec2 window_px) {
    if (!dragging_)
        return;
    // A press on a marker that does not move (a click) leaves it where it is.
    if (!drag_moved_ && glm::length(window_px - drag_start_) < 3.0f)
        return;
    drag_moved_ = true;
    // The skin under the mouse (the pick's marker badge, if any, is ignored: only the ray's hit).
    const auto hit = app.pick(window_px);
    if (hit && glm::length(hit->normal) > 0.0f)
        wizard_.correct(*dragging_, hit->point);
}

void ImportWizardView::end_drag(App& app) {
    if (dragging_ && drag_moved_ && wizard_.fitted()) {
        const glm::vec3 f =
            wizard_.scene()->scan.to_file(wizard_.fitted()->landmarks.at(*dragging_));
        std::fprintf(stderr, "injmap gui: import: %s moved to %.4g %.4g %.4g (file units)\n",
                     dragging_->c_str(), f.x, f.y, f.z);
    }
    dragging_.reset();
    app.request_frames(2);
}

void ImportWizardView::on_drop(App& app, const std::vector<std::string>& paths) {
    if (paths.empty())
        return;
    if (!wizard_.open())
        start(app);
    else if (wizard_.step() != ImportWizard::Step::file)
        wizard_.go_to(ImportWizard::Step::file, last_error_);
    set_path(paths.front());
    load(app);
}

std::string ImportWizardView::script_command(App& app, const ScriptAction& a) {
    using Step = ImportWizard::Step;
    const std::string& c = a.text;
    std::string why;
    auto need_open = [&] {
        if (!wizard_.open())
            start(app);
    };
    if (c == "wizard") {
        const std::string& s = a.args.at(0);
        if (s == "close") {
            wizard_.close();
            return {};
        }
        need_open();
        const Step step = s == "file"     ? Step::file
                          : s == "points" ? Step::points
                          : s == "review" ? Step::review
                                          : Step::save;
        return wizard_.go_to(step, why) ? std::string() : why;
    }
    if (c == "import") {
        need_open();
        if (wizard_.step() != Step::file)
            wizard_.go_to(Step::file, why);
        wizard_.frame.units = a.args.at(0);
        wizard_.frame.up = a.args.at(1);
        wizard_.frame.forward = a.args.at(2);
        wizard_.frame.skin_group = ScanFrame{}.skin_group; // every group (one-group files name it)
        set_path(a.args.at(3));
        load(app);
        if (!wizard_.scene() || wizard_.scene()->scan.path != fs::path(a.args.at(3)))
            return last_error_.empty() ? "the scan was not loaded" : last_error_;
        return {};
    }
    if (!wizard_.open() || !wizard_.scene())
        return "no scan loaded (import first)";
    if (c == "click-point") {
        const auto xyz = parse_xyz(a.args, 1);
        const auto& order = wizard_.picks.order();
        if (std::find(order.begin(), order.end(), a.args[0]) == order.end())
            return "'" + a.args[0] +
                   "' is not one of the points (nasion, tragion_left, "
                   "tragion_right, menton, vertex, c7)";
        const auto p = on_skin(wizard_.scene()->scan.to_model(*xyz));
        if (!p)
            return "the scan has no skin";
        if (wizard_.step() == Step::file)
            wizard_.go_to(Step::points, why);
        wizard_.picks.place(a.args[0], *p);
        return {};
    }
    if (c == "skip-point" || c == "undo-point") {
        if (wizard_.step() == Step::file)
            wizard_.go_to(Step::points, why);
        const bool ok = c == "skip-point" ? wizard_.picks.skip_next() : wizard_.picks.undo();
        return ok                  ? std::string()
               : c == "skip-point" ? "the next point is required (or none is left)"
                                   : "nothing to undo";
    }
    if (c == "fit") {
        if (wizard_.step() == Step::file)
            wizard_.go_to(Step::points, why);
        fit(app);
        if (!wizard_.fitted())
            return last_error_.empty() ? "the fit failed" : last_error_;
        wizard_.go_to(Step::review, why);
        return {};
    }
    if (c == "drag") {
        const auto xyz = parse_xyz(a.args, 1);
        const auto p = on_skin(wizard_.scene()->scan.to_model(*xyz));
        if (!p || !wizard_.correct(a.args[0], *p))
            return "no fitted landmark '" + a.args[0] + "' (fit first)";
        return {};
    }
    if (c == "save") {
        if (!wizard_.fitted())
            return "nothing to save (fit first)";
        wizard_.go_to(Step::save, why);
        wizard_.save_path = a.args.at(0);
        wizard_.model_id = model_id_from(a.args.at(0));
        save(app);
        return last_error_;
    }
    return "'" + c + "' is not a command of author mode";
}

} // namespace injmap::gui
