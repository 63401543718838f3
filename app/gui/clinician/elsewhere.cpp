// "Injected elsewhere": the clinician moved the current site (over half of headache clinicians move
// PREEMPT sites). E (or the button) arms the view; a click on the skin proposes that point, the
// dialog shows how far and which way it is from the plan and whether it is still over the site's
// muscle, and records the injection there (Session::inject_elsewhere). The session's rules apply as
// to any inject: its refusal is shown in the dialog, in its words.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"
#include "injmap/protocols/site_offset.hpp"

namespace injmap::gui::clinician {

std::optional<glm::vec3> ClinicianMode::planned_point(const App& app, std::size_t index) const {
    const auto& placed = app.protocol().placed.sites;
    if (index < session().protocol_site_count() && index < placed.size() && placed[index].placed)
        return placed[index].position;
    return std::nullopt;
}

void ClinicianMode::arm_elsewhere(App& app) {
    const auto i = session().current();
    if (!i || !planned_point(app, *i)) {
        app.notify("Go to a site that is not yet injected first.");
        return;
    }
    placing_elsewhere_ = true;
    app.notify("Click the skin where the needle went in (Esc cancels).");
}

void ClinicianMode::propose_elsewhere(App& app, const PickHit& hit) {
    placing_elsewhere_ = false;
    const auto i = session().current();
    if (!i)
        return;
    const auto planned = planned_point(app, *i);
    if (!planned)
        return;
    ElsewhereProposal p;
    p.site = *i;
    p.point = hit.point;
    p.planned = *planned;
    p.muscle_under = hit.muscle ? hit.muscle->id : std::string();
    p.side_under = hit.muscle ? hit.muscle->side : Side::midline;
    // The site's muscle may lie under another one (the corrugator under the frontalis): it counts
    // when the needle's line, straight in, meets it within kReachMm.
    constexpr float kReachMm = 30.0f;
    const SessionSite& site = session().sites()[*i];
    if (const Model* model = app.model(); model && app.queries()) {
        for (std::size_t k = 0; k < model->muscles.size(); ++k) {
            const Muscle& m = model->muscles[k];
            if (m.id != site.muscle || (site.side != Side::midline && m.side != site.side))
                continue;
            if (app.queries()->muscle_index(k).ray_cast(hit.point + hit.normal, -hit.normal,
                                                        kReachMm)) {
                p.site_muscle_below = true;
                break;
            }
        }
    }
    elsewhere_ = p;
    elsewhere_units_ = units_input_;
    elsewhere_reason_[0] = '\0';
    elsewhere_refusal_.clear();
    elsewhere_optional_ = false;
    open_elsewhere_ = true;
}

void ClinicianMode::elsewhere_popup(App& app) {
    if (open_elsewhere_ && elsewhere_)
        ImGui::OpenPopup("Injected elsewhere");
    open_elsewhere_ = false;
    const SessionSite* s = begin_site_modal("Injected elsewhere", px(460));
    if (!s)
        return;
    if (!elsewhere_ || session().current() != elsewhere_->site) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        elsewhere_.reset();
        return;
    }
    const SiteOffset offset = describe_offset(elsewhere_->planned, elsewhere_->point, s->side);
    ImGui::TextWrapped("Site %zu, %s %s, injected %ld mm from the plan%s%s.", elsewhere_->site + 1,
                       display_name(s->muscle).c_str(), side_long(s->side),
                       std::lround(offset.distance_mm), offset.direction.empty() ? "" : ": ",
                       offset.direction.c_str());
    const bool same_muscle = elsewhere_->site_muscle_below ||
                             (elsewhere_->muscle_under == s->muscle &&
                              (s->side == Side::midline || elsewhere_->side_under == s->side));
    if (same_muscle)
        ImGui::TextWrapped("Still over %s.", display_name(s->muscle).c_str());
    else if (elsewhere_->muscle_under.empty())
        text_wrapped_coloured(colour::warning, "No muscle under this point of the skin.");
    else if (!same_muscle)
        text_wrapped_coloured(colour::warning,
                              ("This point is over " + display_name(elsewhere_->muscle_under) +
                               " (" + side_long(elsewhere_->side_under) + "), not " +
                               display_name(s->muscle) + ".")
                                  .c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Units");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(120));
    ImGui::InputDouble("##elsewhereunits", &elsewhere_units_, 0.5, 1.0, "%.2f");
    if (s->optional)
        ImGui::Checkbox("Give this optional site (a follow-the-pain extra)", &elsewhere_optional_);
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##elsewherereason", "Note (optional; required for a dose above plan)",
                             elsewhere_reason_, sizeof elsewhere_reason_);
    if (!elsewhere_refusal_.empty())
        text_wrapped_coloured(colour::error, elsewhere_refusal_.c_str());
    const bool record =
        primary_button("Record injection here") ||
        (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_ENTER, false));
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (record) {
        const Outcome o =
            recorder_->inject_elsewhere(elsewhere_->point, elsewhere_->planned, elsewhere_units_,
                                        elsewhere_reason_, elsewhere_optional_);
        if (o.ok()) {
            ImGui::CloseCurrentPopup();
            elsewhere_.reset();
            act(app, o);
            app.notify("Injection recorded where it was given.");
        } else {
            elsewhere_refusal_ = o.reason.empty() ? o.code : o.reason; // the session's words
        }
    } else if (cancel) {
        ImGui::CloseCurrentPopup();
        elsewhere_.reset();
    }
    ImGui::EndPopup();
}

} // namespace injmap::gui::clinician
