// Author mode: edit a protocol file in any editor and watch it here. The file is polled (size and
// modification time, every 100 ms, only while the loop idles with that timeout); a change is
// re-read, validated and placed at once, so a save shows within a few hundred milliseconds. A
// version that cannot be read (syntax, schema) leaves the last readable one on screen with the new
// errors listed; a readable version is shown even with validator errors, which are listed against
// their lines. Clicking a diagnostic highlights the site it belongs to; clicking the model shows
// that point as a placement relative to the nearest landmarks, ready to paste into the file.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "gui/author_import.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace {
namespace fs = std::filesystem;

constexpr double kPollSeconds = 0.1;

struct FileStamp {
    bool exists = false;
    fs::file_time_type mtime{};
    std::uintmax_t size = 0;
    bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const fs::path& path) {
    FileStamp s;
    std::error_code ec;
    s.mtime = fs::last_write_time(path, ec);
    if (ec)
        return s;
    s.size = fs::file_size(path, ec);
    s.exists = !ec;
    return s;
}

double round_half(double v) {
    const double r = std::round(v * 2.0) / 2.0;
    return r == 0.0 ? 0.0 : r; // no "-0"
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", round_half(v));
    return buf;
}

// One candidate placement of a clicked point relative to a landmark.
struct PlacementSuggestion {
    std::string landmark;  // as written in a file: without _left/_right (the site's side picks it)
    std::string full_name; // the model's landmark
    Side side = Side::midline;
    double up = 0, lateral = 0, forward = 0;
    double distance = 0; // point to landmark, mm
    double error_mm =
        -1; // how far placing this `at` lands from the clicked point (-1: not checked)
    std::string snippet;
};

PlacementSuggestion suggest(const std::string& name, const glm::vec3& landmark,
                            const glm::vec3& point) {
    PlacementSuggestion s;
    s.full_name = name;
    const glm::vec3 d = point - landmark;
    s.distance = glm::length(d);
    s.up = d.y;
    s.forward = d.z;
    auto ends_with = [&](std::string_view suffix) {
        return name.size() > suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with("_left")) {
        s.side = Side::left;
        s.landmark = name.substr(0, name.size() - 5);
        s.lateral = d.x; // left = +X
    } else if (ends_with("_right")) {
        s.side = Side::right;
        s.landmark = name.substr(0, name.size() - 6);
        s.lateral = -d.x;
    } else {
        // A midline landmark: the point's own side decides which way "lateral" points.
        s.landmark = name;
        s.side =
            std::abs(point.x) < 3.0f ? Side::midline : (point.x > 0 ? Side::left : Side::right);
        s.lateral = s.side == Side::right ? -d.x : d.x;
    }
    s.snippet =
        "side = \"" +
        std::string(side_long(s.side) == std::string("midline") ? "midline" : side_long(s.side)) +
        "\"\nat = { landmark = \"" + s.landmark + "\", up_mm = " + number(s.up) +
        ", lateral_mm = " + number(s.lateral) + ", forward_mm = " + number(s.forward) + " }";
    return s;
}

class AuthorMode final : public Mode {
public:
    explicit AuthorMode(App& app) {
        path_ = app.protocol().path;
        if (path_.empty() && !app.options().protocol.empty())
            path_ = app.options().protocol;
        stamp_ = stamp_of(path_);
        diagnostics_ = app.protocol().diagnostics;
        showing_latest_ = app.protocol().usable();
        if (app.protocol().usable())
            good_since_ = "opened";
    }

    void on_protocol_changed(App& app) override {
        if (app.protocol().path != path_ && !app.protocol().path.empty()) {
            // Another protocol was opened from the browser: watch that one.
            path_ = app.protocol().path;
            stamp_ = stamp_of(path_);
            diagnostics_ = app.protocol().diagnostics;
            selected_site_.clear();
        }
        if (!framed_) {
            framed_ = true;
            app.show_view("front");
        }
    }

    double idle_timeout(const App&) const override { return kPollSeconds; }

    // ---- "Import a head…" (author_import.hpp): while open, it has the panels and the view ----
    bool animating(const App&) const override { return wizard_.open() && wizard_.busy(); }
    const ModelQueries* scene(const App&) const override { return wizard_.scene(); }
    bool begin_drag(App& app, glm::vec2 at) override {
        return wizard_.open() && wizard_.begin_drag(app, at);
    }
    void drag(App& app, glm::vec2 at) override { wizard_.drag(app, at); }
    void end_drag(App& app) override { wizard_.end_drag(app); }
    std::string script_command(App& app, const ScriptAction& action) override {
        return wizard_.script_command(app, action);
    }
    void on_drop(App& app, const std::vector<std::string>& paths) override {
        wizard_.on_drop(app, paths);
    }
    bool shows_protocol_chooser() const override { return !wizard_.open(); }
    std::optional<glm::vec3> script_landmark(const App&, std::string_view name) const override {
        return wizard_.landmark(name);
    }

    bool poll(App& app) override {
        if (wizard_.open() && wizard_.poll(app))
            return true;
        if (path_.empty())
            return false;
        const double t = app.now();
        // At most 20 stats a second while events stream in; every idle wake-up (0.1 s) polls.
        if (t - last_poll_ < kPollSeconds * 0.5 && !app.scripted())
            return false;
        last_poll_ = t;
        const FileStamp now = stamp_of(path_);
        if (now == stamp_)
            return false;
        stamp_ = now;
        reload(app);
        return true;
    }

    std::vector<Shortcut> shortcut_list() const override {
        return {
            {"Click a diagnostic", "highlight the site it is about"},
            {"Click the model", "show that point as a placement (at = {...}) to copy"},
            {"Click a site", "select it (its line in the file is shown)"},
            {"→ or Space / ←", "select the next / previous site"},
            {"Import a head…", "make a model of a head scan (a file dropped on the window too)"},
            {"Backspace", "import wizard: take back the last point clicked"}};
    }

    // → / Space and ← walk the sites in file order (framed, as a click on one selects it).
    void shortcuts(App& app) override {
        if (wizard_.open()) {
            wizard_.shortcuts(app);
            return;
        }
        const bool next = ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) ||
                          ImGui::IsKeyPressed(GLFW_KEY_SPACE, false);
        const bool prev = ImGui::IsKeyPressed(GLFW_KEY_LEFT, false);
        if ((!next && !prev) || !app.protocol().usable())
            return;
        const auto sites = app.protocol().protocol->sites();
        if (sites.empty())
            return;
        const std::size_t n = sites.size();
        std::size_t i = n;
        for (std::size_t k = 0; k < n; ++k)
            if (sites[k]->id == selected_site_)
                i = k;
        if (i == n)
            i = next ? 0 : n - 1;
        else
            i = next ? (i + 1) % n : (i + n - 1) % n;
        select_site(app, sites[i]->id, true);
    }

    // Z: the selected site, else the whole model.
    void frame_current(App& app) override {
        if (wizard_.scene()) {
            wizard_.frame_scan(app);
            return;
        }
        if (app.protocol().usable() && !selected_site_.empty() &&
            app.protocol().protocol->find_site(selected_site_))
            select_site(app, selected_site_, true);
        else
            Mode::frame_current(app);
    }

    void on_pick(App& app, const PickHit& hit) override {
        if (wizard_.open()) {
            if (wizard_.scene())
                wizard_.on_pick(app, hit);
            return;
        }
        if (hit.marker && app.protocol().usable()) {
            const auto sites = app.protocol().protocol->sites();
            if (*hit.marker < sites.size()) {
                select_site(app, sites[*hit.marker]->id, false);
                return;
            }
        }
        picked_ = hit;
        suggestions_.clear();
        const Model* model = app.model();
        if (!model)
            return;
        std::vector<std::pair<float, std::string>> near;
        for (const auto& [name, p] : model->landmarks)
            near.push_back({glm::length(p - hit.point), name});
        std::sort(near.begin(), near.end());
        for (std::size_t i = 0; i < near.size() && suggestions_.size() < 3; ++i) {
            PlacementSuggestion s =
                suggest(near[i].second, model->landmarks.at(near[i].second), hit.point);
            s.error_mm = check(app, s, hit);
            suggestions_.push_back(std::move(s));
        }
        app.request_frames(2);
    }

    void decorate(const App& app, render::FrameSnapshot& frame) const override {
        if (wizard_.scene()) {
            wizard_.decorate(app, frame);
            return;
        }
        for (render::Marker& m : frame.markers)
            if (m.id == selected_site_) {
                m.state = render::MarkerState::current;
                m.label = m.id;
            }
        if (app.protocol().usable() && app.model() && !selected_site_.empty())
            if (const Site* s = app.protocol().protocol->find_site(selected_site_))
                frame.highlighted_muscles = app.model()->expand_muscle_key(s->muscle);
    }

    // The picked point: a ring drawn over the 3D view (not a numbered site marker).
    void overlays(App& app) override {
        if (wizard_.open()) {
            wizard_.overlays(app);
            return;
        }
        if (!picked_)
            return;
        const auto at = app.to_window(picked_->point);
        const glm::vec3 eye = render::camera_eye(app.camera());
        if (!at || glm::dot(picked_->normal, eye - picked_->point) <= 0.0f)
            return;
        const Rect& vp = app.viewport();
        ImDrawList* dl = ImGui::GetForegroundDrawList();
        dl->PushClipRect({vp.x, vp.y}, {vp.x + vp.w, vp.y + vp.h});
        const ImVec2 c{at->x, at->y};
        const ImU32 ring = ImGui::GetColorU32(colour::optional);
        dl->AddCircleFilled(c, 9.0f, IM_COL32(255, 255, 255, 200));
        dl->AddCircle(c, 9.0f, ring, 0, 3.0f);
        dl->AddLine({c.x - 14, c.y}, {c.x - 5, c.y}, ring, 2.0f);
        dl->AddLine({c.x + 5, c.y}, {c.x + 14, c.y}, ring, 2.0f);
        dl->AddLine({c.x, c.y - 14}, {c.x, c.y - 5}, ring, 2.0f);
        dl->AddLine({c.x, c.y + 5}, {c.x, c.y + 14}, ring, 2.0f);
        dl->PopClipRect();
    }

    void left_panel(App& app) override {
        if (wizard_.open()) {
            wizard_.left_panel(app);
            return;
        }
        if (ImGui::Button("Import a head…"))
            wizard_.start(app);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Make a model of your own head scan: click a few points, injmap "
                              "proposes every landmark.");
        section_heading(app, "Watching");
        ImGui::PushFont(app.fonts().mono);
        ImGui::TextWrapped("%s", path_.empty() ? "(no file)" : path_.c_str());
        ImGui::PopFont();
        ImGui::PushFont(app.fonts().small);
        if (!stamp_.exists && !path_.empty())
            ImGui::TextColored(colour::error, "The file is missing (deleted or being replaced).");
        else if (!showing_latest_)
            ImGui::TextColored(colour::warning,
                               "The file has errors: the last readable version stays on screen.");
        else
            ImGui::TextColored(colour::done, "On screen: the file as saved%s%s",
                               good_since_.empty() ? "" : ", ", good_since_.c_str());
        if (reloads_ > 0)
            ImGui::TextColored(colour::muted,
                               "%d reloads · last read, checked and placed in %.0f ms", reloads_,
                               last_reload_ms_);
        ImGui::PopFont();

        int errors = 0, warnings = 0;
        for (const auto& d : diagnostics_)
            (d.severity == Severity::error     ? errors
             : d.severity == Severity::warning ? warnings
                                               : errors) += d.severity == Severity::note ? 0 : 1;
        char heading[64];
        std::snprintf(heading, sizeof heading, "Diagnostics  (%d errors, %d warnings)", errors,
                      warnings);
        section_heading(app, heading);
        ImGui::BeginChild("##diags", ImVec2(0, 0), false);
        diagnostics_list(
            app, diagnostics_, [&](const Diagnostic& d) { select_line(app, d); },
            selected_diagnostic_);
        ImGui::EndChild();
    }

    void right_panel(App& app) override {
        if (wizard_.open()) {
            wizard_.right_panel(app);
            return;
        }
        section_heading(app, "Picked point");
        if (!picked_) {
            text_muted(
                "Click the model to see a point as a placement relative to the nearest landmarks.");
        } else {
            ImGui::Text("x %.1f   y %.1f   z %.1f mm", picked_->point.x, picked_->point.y,
                        picked_->point.z);
            if (picked_->muscle)
                ImGui::TextColored(colour::accent, "Over %s (%s)",
                                   display_name(picked_->muscle->id).c_str(),
                                   side_long(picked_->muscle->side));
            else
                ImGui::TextColored(colour::muted, "No muscle under this point");
            for (std::size_t i = 0; i < suggestions_.size(); ++i) {
                const PlacementSuggestion& s = suggestions_[i];
                ImGui::PushID(static_cast<int>(i));
                ImGui::Spacing();
                ImGui::PushFont(app.fonts().bold);
                ImGui::Text("%s", s.full_name.c_str());
                ImGui::PopFont();
                ImGui::SameLine();
                ImGui::TextColored(colour::muted, "%.0f mm away", s.distance);
                ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4{0.95f, 0.96f, 0.97f, 1.0f});
                ImGui::PushFont(app.fonts().mono);
                // The snippet is one line (TOML inline tables must be); shown wrapped.
                const float pad = ImGui::GetStyle().WindowPadding.y;
                const float wrap =
                    ImGui::GetContentRegionAvail().x - 2.0f * ImGui::GetStyle().WindowPadding.x;
                const float h = ImGui::CalcTextSize(s.snippet.c_str(), nullptr, false, wrap).y +
                                2.0f * pad + 2.0f;
                ImGui::BeginChild("##snippet", ImVec2(0, h), true, ImGuiWindowFlags_NoScrollbar);
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(s.snippet.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndChild();
                ImGui::PopFont();
                ImGui::PopStyleColor();
                if (ImGui::Button(i == 0 ? "Copy" : "Copy##n"))
                    ImGui::SetClipboardText(s.snippet.c_str()),
                        app.notify("Placement copied to the clipboard.");
                if (s.error_mm >= 0) {
                    ImGui::SameLine();
                    ImGui::TextColored(s.error_mm < 2.0 ? colour::done : colour::warning,
                                       "places back within %.1f mm", s.error_mm);
                }
                ImGui::PopID();
            }
        }
        ImGui::Spacing();
        section_heading(app, "Selected site");
        const Site* site = app.protocol().usable() && !selected_site_.empty()
                               ? app.protocol().protocol->find_site(selected_site_)
                               : nullptr;
        if (!site) {
            text_muted("Click a site on the model or a diagnostic to select it.");
        } else {
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextUnformatted(site->id.c_str());
            ImGui::PopFont();
            ImGui::Text("%s · %s · %s U%s", display_name(site->muscle).c_str(),
                        side_long(site->side), format_units(site->units).c_str(),
                        site->optional ? " · optional" : "");
            ImGui::TextColored(colour::muted, "%s line %d",
                               fs::path(site->where.file).filename().c_str(), site->where.line);
            const Placement& p = site->placement;
            ImGui::PushFont(app.fonts().mono);
            ImGui::TextWrapped(
                "at = { landmark = \"%s\"%s%s, up_mm = %s, lateral_mm = %s, forward_mm = %s }",
                p.landmark.c_str(),
                p.toward.empty() ? "" : (", toward = \"" + p.toward + "\"").c_str(),
                p.toward.empty() ? "" : (", t = " + number(p.t)).c_str(), number(p.up_mm).c_str(),
                number(p.lateral_mm).c_str(), number(p.forward_mm).c_str());
            ImGui::PopFont();
        }
        if (app.protocol().usable()) {
            ImGui::Spacing();
            section_heading(app, "Totals");
            const Protocol& p = *app.protocol().protocol;
            ImGui::Text("%zu sites · %s U (%s U with optional sites)", p.sites().size(),
                        format_units(p.total_units(false)).c_str(),
                        format_units(p.total_units(true)).c_str());
            if (p.limits.max_total_units)
                ImGui::TextColored(colour::muted, "Session limit %s U",
                                   format_units(*p.limits.max_total_units).c_str());
        }
    }

private:
    void reload(App& app) {
        const auto t0 = std::chrono::steady_clock::now();
        LoadedProtocol loaded = load_protocol(path_, app.queries());
        last_reload_ms_ =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        ++reloads_;
        diagnostics_ = loaded.diagnostics;
        selected_diagnostic_ = nullptr;
        if (loaded.usable()) {
            showing_latest_ = true;
            good_since_ = "reloaded";
            app.set_protocol(std::move(loaded));
            if (!selected_site_.empty() && !app.protocol().protocol->find_site(selected_site_))
                selected_site_.clear();
        } else {
            showing_latest_ = false; // the last readable version stays; only the errors change
        }
        int errors = 0, warnings = 0;
        for (const auto& d : diagnostics_) {
            errors += d.severity == Severity::error;
            warnings += d.severity == Severity::warning;
        }
        // A line per reload for the author's terminal (and for tests, which cannot see the window).
        std::fprintf(stderr, "injmap gui: reloaded %s: %d error(s), %d warning(s), %s, %.0f ms\n",
                     path_.c_str(), errors, warnings,
                     showing_latest_ ? "showing it" : "keeping the last readable version",
                     last_reload_ms_);
        app.notify(errors ? "Reloaded: " + std::to_string(errors) + " error(s)" : "Reloaded",
                   errors ? Severity::warning : Severity::note);
    }

    // The site a diagnostic is about: one whose key or table starts on that line, else the last
    // site starting before it (a diagnostic inside a site's table).
    void select_line(App& app, const Diagnostic& d) {
        for (const auto& x : diagnostics_)
            if (&x == &d)
                selected_diagnostic_ = &x;
        if (!app.protocol().usable() || d.where.line <= 0)
            return;
        const Site* best = nullptr;
        for (const Site* s : app.protocol().protocol->sites()) {
            for (const auto& [key, where] : s->locations)
                if (where.line == d.where.line)
                    best = s;
            if (best)
                break;
        }
        if (!best) {
            // Inside a site's table: the nearest section start at or above the line must be that
            // site (not a step header or a top-level key written after it).
            const Protocol& p = *app.protocol().protocol;
            int start = 0;
            const Site* owner = nullptr;
            auto consider = [&](int line, const Site* site) {
                if (line > 0 && line <= d.where.line && line >= start)
                    start = line, owner = site;
            };
            for (const auto& [key, where] : p.locations)
                consider(where.line, nullptr);
            for (const Step& step : p.steps) {
                consider(step.where.line, nullptr);
                for (const auto& [key, where] : step.locations)
                    consider(where.line, nullptr);
            }
            for (const Site* site : p.sites())
                consider(site->where.line, site);
            best = owner;
        }
        if (best)
            select_site(app, best->id, true);
    }

    void select_site(App& app, const std::string& id, bool frame) {
        selected_site_ = id;
        const auto sites = app.protocol().protocol->sites();
        for (std::size_t i = 0; i < sites.size() && i < app.protocol().placed.sites.size(); ++i)
            if (sites[i]->id == id && app.protocol().placed.sites[i].placed && frame) {
                const glm::vec3 p = app.protocol().placed.sites[i].position;
                std::string view = "front";
                for (const Step& st : app.protocol().protocol->steps)
                    for (const Site& s : st.sites)
                        if (s.id == id && !st.view.empty())
                            view = st.view;
                app.frame_points(std::span<const glm::vec3>(&p, 1), view);
            }
        app.request_frames(2);
    }

    // Places the suggestion with the real placement code and measures how far it lands from the
    // click.
    static double check(const App& app, const PlacementSuggestion& s, const PickHit& hit) {
        if (!app.queries())
            return -1;
        Protocol probe;
        probe.id = "probe";
        Step step;
        step.id = "probe";
        Site site;
        site.id = "probe";
        site.base_id = "probe";
        site.muscle = hit.muscle ? hit.muscle->id : "probe";
        site.side = s.side;
        site.side_spec = s.side == Side::left    ? SideSpec::left
                         : s.side == Side::right ? SideSpec::right
                                                 : SideSpec::midline;
        site.placement.landmark = s.landmark;
        site.placement.up_mm = round_half(s.up);
        site.placement.lateral_mm = round_half(s.lateral);
        site.placement.forward_mm = round_half(s.forward);
        step.sites.push_back(site);
        probe.steps.push_back(step);
        try {
            const auto placed = place_protocol(probe, *app.queries());
            if (placed.value && !placed.value->sites.empty() && placed.value->sites[0].placed)
                return glm::length(placed.value->sites[0].position - hit.point);
        } catch (const std::exception&) {
        }
        return -1;
    }

    fs::path path_;
    FileStamp stamp_;
    double last_poll_ = -1.0;
    Diagnostics diagnostics_;
    const Diagnostic* selected_diagnostic_ = nullptr;
    bool showing_latest_ = true;
    std::string good_since_;
    int reloads_ = 0;
    double last_reload_ms_ = 0.0;
    std::string selected_site_;
    std::optional<PickHit> picked_;
    std::vector<PlacementSuggestion> suggestions_;
    bool framed_ = false;
    ImportWizardView wizard_;
};

} // namespace

std::unique_ptr<Mode> make_author_mode(App& app) {
    return std::make_unique<AuthorMode>(app);
}

} // namespace injmap::gui
