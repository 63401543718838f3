// Cervical dystonia picker: the clinician chooses the posture as Col-Cap forms (each rotation or
// lateral form with the side the head turns or tilts towards; sagittal forms take none); the plan
// (protocols' cd_plan.hpp) lights the candidate muscles on the model on the correct side, lists
// each with its unit range, sites and guidance flag, and shows the cautions (SCM cap, bilateral
// SCM, session totals). "Start session with this plan" turns the plan into a protocol
// (make_plan_protocol) and hands it to the clinician session guide — only when the plan at the
// chosen doses is within its limits (check_plan_protocol, the session's own rule); otherwise the
// start is refused with the muscle to lower. The plan's units (the column "Plan") are those the
// session will record. A plan is a starting point the clinician adjusts, never a prescription.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include <glm/geometric.hpp>
#include <glm/trigonometric.hpp>

#include "gui/camera_control.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "injmap/protocols/cd_plan.hpp"
#include "injmap/protocols/validator.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace {

struct FormInfo {
    std::string_view form;
    const char* label;
    const char* hint;
};

// kCdForms order, with the words a clinician would use at the bedside.
constexpr std::array<FormInfo, 8> kForms = {{
    {"torticaput", "Torticaput", "head turned on the neck (C1/C2)"},
    {"torticollis", "Torticollis", "neck turned (below C2)"},
    {"laterocaput", "Laterocaput", "head tilted on the neck (C1/C2)"},
    {"laterocollis", "Laterocollis", "neck tilted (below C2)"},
    {"antecaput", "Antecaput", "head bent forward on the neck"},
    {"anterocollis", "Anterocollis", "neck bent forward"},
    {"retrocaput", "Retrocaput", "head tipped back on the neck"},
    {"retrocollis", "Retrocollis", "neck bent back"},
}};

const char* guidance_short(Guidance g) {
    switch (g) {
    case Guidance::none:
        return "";
    case Guidance::emg:
        return "EMG";
    case Guidance::ultrasound:
        return "US";
    case Guidance::emg_or_ultrasound:
        return "EMG/US";
    }
    return "";
}

class CdMode final : public Mode {
public:
    explicit CdMode(App& app) : app_(app) {
        auto loaded = load_cd_templates();
        if (loaded.value && loaded.ok()) {
            templates_ = std::move(*loaded.value);
        } else {
            for (const Diagnostic& d : loaded.diagnostics)
                if (d.severity == Severity::error) {
                    templates_error_ = format_diagnostic(d);
                    break;
                }
            if (templates_error_.empty())
                templates_error_ = "the cervical dystonia templates could not be read";
        }
        // A common first picture: torticaput to the left (the most frequent primary form).
        chosen_[0] = true;
    }
    ~CdMode() override {
        if (saved_layers_)
            app_.layers = *saved_layers_;
    }

    void on_protocol_changed(App& app) override {
        if (!saved_layers_) {
            saved_layers_ = app.layers;
            app.layers.xray = true; // the candidates are muscles: show them through the skin
            app.layers.needles = false;
        }
        update_plan(app, true);
    }

    std::vector<Shortcut> shortcut_list() const override {
        return {{"Tick a form", "add it to the posture (choose the side for rotation and tilt)"},
                {"Enter", "start a session with this plan (refused past its limits)"},
                {"Up / Down", "doses 10 % higher / lower within each range"},
                {"Click a muscle", "show its plan row"}};
    }

    bool shows_protocol_chooser() const override { return false; }

    void frame_current(App& app) override { frame_plan(app); }

    void shortcuts(App& app) override {
        if (ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) ||
            ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false))
            start_session(app);
        const bool up = ImGui::IsKeyPressed(GLFW_KEY_UP, false);
        if (up || ImGui::IsKeyPressed(GLFW_KEY_DOWN, false)) {
            fraction_ =
                std::clamp(std::round(fraction_ * 10.0 + (up ? 1.0 : -1.0)) / 10.0, 0.0, 1.0);
            update_plan(app, false);
        }
    }

    void on_pick(App&, const PickHit& hit) override {
        selected_.clear();
        if (hit.muscle)
            selected_ = hit.muscle->key();
    }

    void decorate(const App& app, render::FrameSnapshot& frame) const override {
        frame.markers.clear(); // the open protocol's sites are not this plan's
        if (!plan_)
            return;
        for (const CdPlanMuscle& m : plan_->muscles) {
            if (!m.placed)
                continue;
            const std::string key = m.muscle + "_" + to_string(m.side);
            frame.highlighted_muscles.push_back(key);
        }
        if (!plan_protocol_ || !show_sites_)
            return;
        const auto sites = plan_protocol_->sites();
        for (std::size_t i = 0; i < sites.size() && i < plan_placed_.sites.size(); ++i) {
            const PlacedSite& p = plan_placed_.sites[i];
            if (!p.placed)
                continue;
            render::Marker mk;
            mk.id = sites[i]->id;
            mk.number = int(i) + 1;
            mk.position = p.position;
            mk.normal = p.normal;
            mk.needle_direction = p.needle_direction;
            const std::string key = sites[i]->muscle + "_" + to_string(sites[i]->side);
            mk.state =
                key == selected_ ? render::MarkerState::current : render::MarkerState::pending;
            if (app.layers.labels && key == selected_)
                mk.label = display_name(sites[i]->muscle) + " " + side_short(sites[i]->side) +
                           " · " + format_units(sites[i]->units) + " U";
            frame.markers.push_back(std::move(mk));
        }
    }

    void left_panel(App& app) override {
        // The first laid-out frame (and any resize) re-frames: the view's size is known now.
        if (app.viewport().w != framed_w_ || app.viewport().h != framed_h_) {
            framed_w_ = app.viewport().w;
            framed_h_ = app.viewport().h;
            frame_plan(app);
        }
        section_heading(app, "Posture (Col-Cap)");
        if (!templates_error_.empty()) {
            text_wrapped_coloured(colour::error, templates_error_.c_str());
            return;
        }
        text_muted(
            "Tick every form you see; for turning and tilting, the side the head or neck turns or "
            "tilts towards.");
        bool changed = false;
        const char* planes[] = {"Rotation", "Lateral tilt", "Flexion / extension"};
        for (std::size_t i = 0; i < kForms.size(); ++i) {
            if (i == 0 || i == 2 || i == 4) {
                ImGui::Spacing();
                ImGui::PushFont(app.fonts().small);
                ImGui::TextColored(colour::muted, "%s", planes[i / 2 > 2 ? 2 : i / 2]);
                ImGui::PopFont();
            }
            const FormInfo& f = kForms[i];
            ImGui::PushID(int(i));
            changed |= ImGui::Checkbox(f.label, &chosen_[i]);
            if (!cd_form_is_sagittal(f.form) && chosen_[i]) {
                // Right-aligned beside the form's name when they fit, else under it (over the
                // name they hid its end: "Torticapu").
                const float at = ImGui::GetContentRegionMax().x - 118.0f;
                const float after = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x +
                                    ImGui::GetStyle().ItemSpacing.x;
                if (after <= at) {
                    ImGui::SameLine();
                    ImGui::SetCursorPosX(at);
                    changed |= side_toggle(i);
                } else {
                    ImGui::Indent(28.0f);
                    changed |= side_toggle(i);
                    ImGui::Unindent(28.0f);
                }
            }
            ImGui::PushFont(app.fonts().small);
            ImGui::Indent(28.0f);
            ImGui::TextColored(colour::muted, "%s", f.hint);
            ImGui::Unindent(28.0f);
            ImGui::PopFont();
            ImGui::PopID();
        }
        if (changed)
            update_plan(app, true);
        ImGui::Spacing();
        section_heading(app, "Doses");
        ImGui::TextUnformatted("Units within each range");
        ImGui::SetNextItemWidth(-1);
        float f = float(fraction_ * 100.0);
        if (ImGui::SliderFloat("##fraction", &f, 0.0f, 100.0f,
                               f < 1    ? "lowest"
                               : f > 99 ? "highest"
                                        : "%.0f %% of the way up")) {
            fraction_ = std::clamp(double(f) / 100.0, 0.0, 1.0);
            update_plan(app, false);
        }
        ImGui::Checkbox("Show the sites", &show_sites_);
    }

    void right_panel(App& app) override {
        section_heading(app, "Plan");
        if (!templates_error_.empty())
            return;
        if (!error_.empty()) {
            text_wrapped_coloured(colour::error, error_.c_str());
            return;
        }
        if (!plan_) {
            text_muted("Tick one or more forms on the left.");
            return;
        }
        const CdPlan& plan = *plan_;
        ImGui::PushFont(app.fonts().heading);
        ImGui::TextWrapped("%s", describe_cd_forms(plan.forms).c_str());
        ImGui::PopFont();
        text_muted("Candidate muscles per side, onabotulinumtoxinA units (not convertible to other "
                   "toxins). "
                   "A starting point to adjust.");
        if (ImGui::BeginTable("##plan", 5,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn("Muscle", ImGuiTableColumnFlags_WidthStretch, 3.0f);
            ImGui::TableSetupColumn("Units", ImGuiTableColumnFlags_WidthFixed,
                                    ImGui::CalcTextSize("100–100").x);
            ImGui::TableSetupColumn("Plan", ImGuiTableColumnFlags_WidthFixed,
                                    ImGui::CalcTextSize("100.25").x);
            ImGui::TableSetupColumn("Sites", ImGuiTableColumnFlags_WidthFixed,
                                    ImGui::CalcTextSize("Sites").x);
            ImGui::TableSetupColumn("Guide", ImGuiTableColumnFlags_WidthFixed,
                                    ImGui::CalcTextSize("EMG/US").x);
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < plan.muscles.size(); ++i) {
                const CdPlanMuscle& m = plan.muscles[i];
                const std::string key = m.muscle + "_" + to_string(m.side);
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::PushID(int(i));
                const std::string name = display_name(m.muscle) + " " + side_short(m.side);
                if (!m.placed)
                    ImGui::PushStyleColor(ImGuiCol_Text, colour::muted);
                // The row is selectable; the name wraps within its column (a Selectable's own
                // label would be cut).
                const ImVec2 at = ImGui::GetCursorPos();
                const float name_h = ImGui::CalcTextSize(name.c_str(), nullptr, false,
                                                         ImGui::GetContentRegionAvail().x)
                                         .y;
                if (ImGui::Selectable("##row", selected_ == key,
                                      ImGuiSelectableFlags_SpanAllColumns |
                                          ImGuiSelectableFlags_AllowItemOverlap,
                                      ImVec2(0.0f, name_h)))
                    select(app, key);
                const bool row_hovered = ImGui::IsItemHovered();
                ImGui::SetCursorPos(at);
                ImGui::TextWrapped("%s", name.c_str());
                if (row_hovered) {
                    std::string tip = "Forms: ";
                    for (std::size_t k = 0; k < m.forms.size(); ++k)
                        tip += (k ? ", " : "") + m.forms[k];
                    for (const std::string& n : m.notes)
                        tip += "\n" + n;
                    if (!m.placed)
                        tip += "\nNot on this model: no site placed.";
                    ImGui::SetTooltip("%s", tip.c_str());
                }
                ImGui::TableSetColumnIndex(1);
                ImGui::Text("%s–%s", format_units(m.units_min).c_str(),
                            format_units(m.units_max).c_str());
                // The units this plan gives the muscle on this side: what a session records.
                ImGui::TableSetColumnIndex(2);
                if (const auto planned = plan_units(key))
                    ImGui::TextColored(key == lower_key_ ? colour::error : colour::text, "%s",
                                       format_units(*planned).c_str());
                else
                    ImGui::TextColored(colour::muted, "·");
                ImGui::TableSetColumnIndex(3);
                ImGui::Text("%d", m.sites);
                ImGui::TableSetColumnIndex(4);
                if (m.guidance != Guidance::none)
                    ImGui::TextColored(colour::optional, "%s", guidance_short(m.guidance));
                else if (!m.placed)
                    ImGui::TextColored(colour::muted, "off model");
                if (!m.placed)
                    ImGui::PopStyleColor();
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        ImGui::PushFont(app.fonts().bold);
        ImGui::Text("Session total %s–%s U", format_units(plan.total_min).c_str(),
                    format_units(plan.total_max).c_str());
        ImGui::PopFont();
        if (plan_protocol_) {
            const std::string this_plan =
                "· this plan: " + format_units(plan_protocol_->total_units(false)) + " U";
            same_line_if_fits(ImGui::CalcTextSize(this_plan.c_str()).x);
            ImGui::TextColored(colour::muted, "%s", this_plan.c_str());
        }
        if (!plan.warnings.empty()) {
            section_heading(app, "Cautions");
            for (const Diagnostic& d : plan.warnings) {
                const bool warn = d.severity != Severity::note;
                ImGui::PushStyleColor(ImGuiCol_Text, warn ? colour::warning : colour::muted);
                ImGui::Bullet();
                ImGui::SameLine();
                ImGui::TextWrapped("%s", escape_control(d.message).c_str());
                ImGui::PopStyleColor();
            }
        }
        ImGui::Spacing();
        ImGui::Separator();
        ImGui::Spacing();
        if (plan_problem_)
            text_wrapped_coloured(colour::error, ("Cannot start: " + plan_problem_->message +
                                                  ". Lower the doses (Down) or leave a form out.")
                                                     .c_str());
        const bool can_start = plan_protocol_ && !plan_protocol_->steps.empty() && !plan_problem_;
        ImGui::BeginDisabled(!can_start);
        if (primary_button("Start session with this plan", -1))
            start_session(app);
        ImGui::EndDisabled();
        text_muted("Opens the session guide with this plan as its protocol; the doses can still be "
                   "changed "
                   "site by site there.");
    }

private:
    bool side_toggle(std::size_t i) {
        bool changed = false;
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, {6, 2});
        if (toggle_button("left", right_[i] == false, 54.0f) && right_[i]) {
            right_[i] = false;
            changed = true;
        }
        ImGui::SameLine(0, 4);
        if (toggle_button("right", right_[i], 54.0f) && !right_[i]) {
            right_[i] = true;
            changed = true;
        }
        ImGui::PopStyleVar();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("The subject's side the head or neck turns or tilts towards");
        return changed;
    }

    void select(App& app, const std::string& key) {
        selected_ = key;
        // Frame that muscle's sites.
        std::vector<glm::vec3> points;
        glm::vec3 normals{0.0f};
        if (plan_protocol_) {
            const auto sites = plan_protocol_->sites();
            for (std::size_t i = 0; i < sites.size() && i < plan_placed_.sites.size(); ++i)
                if (plan_placed_.sites[i].placed &&
                    sites[i]->muscle + "_" + to_string(sites[i]->side) == key) {
                    points.push_back(plan_placed_.sites[i].position);
                    normals += plan_placed_.sites[i].normal;
                }
        }
        if (points.empty())
            return;
        render::Camera orientation = app.camera();
        if (glm::length(normals) > 1e-3f) {
            const glm::vec3 n = glm::normalize(normals);
            orientation.yaw_deg = glm::degrees(std::atan2(n.x, n.z));
            orientation.pitch_deg = std::clamp(
                glm::degrees(std::asin(std::clamp(n.y, -1.0f, 1.0f))) * 0.6f, -10.0f, 40.0f);
        }
        app.frame_points(points, orientation);
    }

    // The units the plan protocol gives one muscle on one side ("splenius_capitis_left").
    std::optional<double> plan_units(const std::string& key) const {
        if (!plan_protocol_)
            return std::nullopt;
        std::optional<double> sum;
        for (const Site* site : plan_protocol_->sites())
            if (site->muscle + "_" + to_string(site->side) == key)
                sum = sum.value_or(0.0) + site->units;
        return sum;
    }

    std::vector<CdFormChoice> choices() const {
        std::vector<CdFormChoice> out;
        for (std::size_t i = 0; i < kForms.size(); ++i)
            if (chosen_[i]) {
                CdFormChoice c{std::string(kForms[i].form), std::nullopt};
                if (!cd_form_is_sagittal(kForms[i].form))
                    c.side = right_[i] ? Side::right : Side::left;
                out.push_back(std::move(c));
            }
        return out;
    }

    void update_plan(App& app, bool reframe) {
        plan_.reset();
        plan_protocol_.reset();
        plan_problem_.reset();
        lower_key_.clear();
        plan_placed_ = {};
        error_.clear();
        if (!templates_error_.empty())
            return;
        const auto c = choices();
        if (c.empty())
            return;
        auto plan = make_cd_plan(c, templates_);
        if (!plan.value || !plan.ok()) {
            for (const Diagnostic& d : plan.diagnostics)
                if (d.severity == Severity::error) {
                    error_ = d.message;
                    break;
                }
            if (error_.empty())
                error_ = "No plan for this combination.";
            return;
        }
        plan_ = std::move(*plan.value);
        plan_protocol_ =
            std::make_shared<Protocol>(make_plan_protocol(*plan_, templates_, fraction_));
        plan_problem_ = check_plan_protocol(*plan_protocol_);
        if (plan_problem_) // the row of the muscle named ("lower right sternocleidomastoid")
            for (const CdPlanMuscle& m : plan_->muscles) {
                std::string words = std::string(to_string(m.side)) + " " + m.muscle;
                std::replace(words.begin(), words.end(), '_', ' ');
                if (plan_problem_->message.find("lower " + words + " ") != std::string::npos)
                    lower_key_ = m.muscle + "_" + to_string(m.side);
            }
        if (app.queries()) {
            auto placed = place_protocol(*plan_protocol_, *app.queries());
            if (placed.value)
                plan_placed_ = std::move(*placed.value);
        }
        if (app.scripted()) {
            std::printf("cd: plan forms=\"%s\" muscles=%zu total=%s-%s warnings=%zu plan=%s "
                        "startable=%s\n",
                        describe_cd_forms(plan_->forms).c_str(), plan_->muscles.size(),
                        format_units(plan_->total_min).c_str(),
                        format_units(plan_->total_max).c_str(), plan_->warnings.size(),
                        format_units(plan_protocol_->total_units(false)).c_str(),
                        plan_problem_ ? "no" : "yes");
            std::fflush(stdout);
        }
        if (reframe)
            frame_plan(app);
        app.request_frames(2);
    }

    // Frames every planned site from the side most of them face.
    void frame_plan(App& app) {
        std::vector<glm::vec3> points;
        glm::vec3 normals{0.0f};
        for (const PlacedSite& p : plan_placed_.sites)
            if (p.placed) {
                points.push_back(p.position);
                normals += p.normal;
            }
        if (points.empty()) {
            app.show_view("back");
            return;
        }
        // The whole head and neck with the sites: framed on the sites alone the head was cut.
        const std::size_t sites = points.size();
        if (app.model())
            for (const glm::vec3& p : head_points(*app.model()))
                points.push_back(p);
        // From the direction most sites face, with the neck in context (at least 220 mm across).
        render::Camera orientation;
        // Sites facing every way (front SCM, back splenius) cancel out: then the back, where most
        // neck muscles are reached.
        const float facing = glm::length(glm::vec2(normals.x, normals.z)) / float(sites);
        const glm::vec3 n = facing > 0.55f ? glm::normalize(normals) : glm::vec3(0, 0, -1);
        orientation.yaw_deg = glm::degrees(std::atan2(n.x, n.z));
        orientation.pitch_deg = 8.0f;
        const Rect& vp = app.viewport();
        const float aspect = vp.w > 1 && vp.h > 1 ? vp.w / vp.h : 1.0f;
        app.move_camera(render::frame_points(points, orientation, aspect, 0.2f, 220.0f));
    }

    void start_session(App& app) {
        if (!plan_protocol_ || !app.queries())
            return;
        if (plan_problem_) {
            // A plan past its limits would start and then refuse its last sites: not started.
            app.notify("Cannot start: " + plan_problem_->message, Severity::error);
            if (app.scripted()) {
                std::printf("cd: start refused: %s [%s]\n", plan_problem_->message.c_str(),
                            plan_problem_->rule.c_str());
                std::fflush(stdout);
            }
            return;
        }
        LoadedProtocol loaded;
        auto protocol = std::make_shared<Protocol>(*plan_protocol_);
        loaded.diagnostics = validate_protocol(*protocol);
        auto placed = place_protocol(*protocol, *app.queries());
        loaded.diagnostics.insert(loaded.diagnostics.end(), placed.diagnostics.begin(),
                                  placed.diagnostics.end());
        if (placed.value)
            loaded.placed = std::move(*placed.value);
        loaded.protocol = std::move(protocol);
        // No file: the plan lives in memory; the session record names it "cd-plan" with its title.
        app.set_protocol(std::move(loaded));
        app.switch_mode("clinician");
        app.notify("Session guide opened with the plan: " + describe_cd_forms(plan_->forms));
    }

    App& app_;
    std::optional<render::Layers> saved_layers_;
    float framed_w_ = -1.0f, framed_h_ = -1.0f;
    std::vector<Protocol> templates_;
    std::string templates_error_;
    std::array<bool, 8> chosen_{};
    std::array<bool, 8> right_{};
    double fraction_ = 0.5;
    bool show_sites_ = true;
    std::optional<CdPlan> plan_;
    std::shared_ptr<Protocol> plan_protocol_;
    std::optional<Diagnostic> plan_problem_; // check_plan_protocol: why it cannot start
    std::string lower_key_;                  // the muscle-side that problem names
    PlacedProtocol plan_placed_;
    std::string error_;
    std::string selected_;
};

} // namespace

std::unique_ptr<Mode> make_cd_mode(App& app) {
    return std::make_unique<CdMode>(app);
}

} // namespace injmap::gui
