// The actions under the site card: units, inject, skip (with the dialog asking why), previous,
// next, undo and finish. Refusals are the session's, shown as it words them. The session's entry
// rules (SessionEntryRules::clinician) refuse a dose above the plan without a reason and an
// optional site not confirmed as one: those refusals open a dialog that asks for the reason or the
// confirmation, and the inject is tried again with it.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

namespace {
// Opens a fixed-width modal about the session's current site: the site, with the popup begun (the
// caller ends it), or null when the popup is not open or there is no current site (closed here).
const SessionSite* begin_modal_on(const char* name, float width, const SessionSite* site) {
    ImGui::SetNextWindowSize({width, 0});
    if (!ImGui::BeginPopupModal(name, nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
        return nullptr;
    if (!site) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
    return site;
}
} // namespace

const SessionSite* ClinicianMode::begin_site_modal(const char* name, float width) {
    return begin_modal_on(name, width, recorder_ ? session().current_site() : nullptr);
}

void ClinicianMode::actions(App& app) {
    const auto cursor = cursor_index();
    if (!cursor)
        return;
    const std::size_t i = *cursor;
    ImGui::Spacing();
    if (!last_refusal_.empty())
        text_wrapped_coloured(colour::error, last_refusal_.c_str());
    const SiteStatus st = session().status(i);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Units");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(120));
    if (focus_units_) {
        ImGui::SetKeyboardFocusHere();
        focus_units_ = false;
    }
    // Hundredths: the units shown are the units recorded.
    const bool over = session().over_plan(i, units_input_);
    if (over)
        ImGui::PushStyleColor(ImGuiCol_Text, colour::warning);
    ImGui::InputDouble("##units", &units_input_, 0.5, 1.0, "%.2f");
    if (over)
        ImGui::PopStyleColor();
    if (over && ImGui::IsItemHovered())
        ImGui::SetTooltip("Above the %s U planned: a reason is asked and recorded",
                          format_units(session().sites()[i].planned_units).c_str());
    ImGui::SameLine();
    // A skipped site can still be injected (the session re-opens it).
    const bool can_inject = st == SiteStatus::current || st == SiteStatus::skipped;
    ImGui::BeginDisabled(!can_inject);
    if (primary_button(st == SiteStatus::skipped ? "Inject anyway  ⏎" : "Inject  ⏎", -1))
        inject(app);
    ImGui::EndDisabled();
    const float w = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
    if (ImGui::Button("◀ Previous", ImVec2(w, 0)))
        navigate(app, recorder_->previous());
    ImGui::SameLine();
    ImGui::BeginDisabled(st != SiteStatus::current);
    if (ImGui::Button("Skip…  S", ImVec2(w, 0)))
        open_skip_ = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Next ▶", ImVec2(w, 0)))
        navigate(app, recorder_->next());
    ImGui::BeginDisabled(!can_inject || !planned_point(app, i));
    if (placing_elsewhere_) {
        text_wrapped_coloured(colour::warning,
                              "Click the skin where the needle went in (Esc cancels).");
    } else if (ImGui::Button("Injected elsewhere…  E", ImVec2(-1, 0))) {
        arm_elsewhere(app);
    }
    ImGui::EndDisabled();
    // Side by side when both labels fit in half the column, else one under the other.
    const char* undo_label = "Undo last  ⌫";
    const char* finish_label = "Finish session…  F";
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
    const float needed =
        std::max(ImGui::CalcTextSize(undo_label).x, ImGui::CalcTextSize(finish_label).x) +
        2.0f * ImGui::GetStyle().FramePadding.x;
    const bool one_row = needed <= half;
    const float w2 = one_row ? half : -1.0f;
    ImGui::BeginDisabled(!session().can_undo());
    if (ImGui::Button(undo_label, ImVec2(w2, 0)))
        act(app, recorder_->back());
    ImGui::EndDisabled();
    if (one_row)
        ImGui::SameLine();
    if (ImGui::Button(finish_label, ImVec2(w2, 0)))
        open_finish_ = true;
}

void ClinicianMode::skip_popup(App& app) {
    if (open_skip_ && recorder_ && session().current_site()) {
        ImGui::OpenPopup("Skip site");
        reason_[0] = '\0';
        focus_reason_ = true;
    }
    open_skip_ = false;
    const SessionSite* s = begin_site_modal("Skip site", px(420));
    if (!s)
        return;
    ImGui::TextWrapped("Skip site %zu, %s %s. Why?", *session().current() + 1,
                       display_name(s->muscle).c_str(), side_long(s->side));
    for (const char* quick :
         {"Patient declined", "Skin problem at the site", "Clinician judgement"}) {
        if (ImGui::SmallButton(quick))
            std::snprintf(reason_, sizeof reason_, "%s", quick);
        ImGui::SameLine();
    }
    ImGui::NewLine();
    if (focus_reason_) {
        ImGui::SetKeyboardFocusHere();
        focus_reason_ = false;
    }
    ImGui::SetNextItemWidth(-1);
    bool confirm = ImGui::InputTextWithHint("##reason", "Reason (required)", reason_,
                                            sizeof reason_, ImGuiInputTextFlags_EnterReturnsTrue);
    if (std::strlen(reason_) >= kMaxReasonBytes) // the buffer refuses more typing
        text_wrapped_coloured(colour::error,
                              "A reason is at most 1000 bytes; nothing more can be typed.");
    if (!skip_refusal_.empty())
        text_wrapped_coloured(colour::error, skip_refusal_.c_str());
    confirm = primary_button("Skip site") || confirm;
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (confirm) {
        const Outcome o = recorder_->skip(reason_);
        if (o.ok()) {
            skip_refusal_.clear();
            ImGui::CloseCurrentPopup();
            act(app, o);
        } else {
            skip_refusal_ = o.reason;
        }
    }
    if (cancel) {
        skip_refusal_.clear();
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void ClinicianMode::inject(App& app) {
    optional_confirmed_ = false;
    const Outcome o = recorder_->inject(units_input_);
    if (o.code == "session.optional-unconfirmed") {
        entry_prompt_ = o.reason;
        open_optional_ = true;
        return;
    }
    if (o.code == "session.over-plan-reason") {
        entry_prompt_ = o.reason;
        open_dose_reason_ = true;
        return;
    }
    act(app, o);
}

// An optional site is a follow-the-pain extra: given only when confirmed here (a click on the
// button or the O key; Enter does not confirm it).
void ClinicianMode::optional_popup(App& app) {
    if (open_optional_ && recorder_ && session().current_site())
        ImGui::OpenPopup("Optional site");
    open_optional_ = false;
    const SessionSite* s = begin_site_modal("Optional site", px(440));
    if (!s)
        return;
    ImGui::TextWrapped("Site %zu, %s %s, is optional.", *session().current() + 1,
                       display_name(s->muscle).c_str(), side_long(s->side));
    text_wrapped_coloured(colour::warning, entry_prompt_.c_str());
    const SessionTallies t = session().tallies();
    if (t.extra.limit)
        ImGui::TextWrapped("Follow-the-pain so far: %s of %s U.",
                           format_units(t.extra.units).c_str(),
                           format_units(*t.extra.limit).c_str());
    const bool confirm =
        primary_button("Give this optional site  O") || ImGui::IsKeyPressed(GLFW_KEY_O, false);
    ImGui::SameLine();
    const bool cancel =
        ImGui::Button("Not now  Esc") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (confirm) {
        ImGui::CloseCurrentPopup();
        optional_confirmed_ = true;
        const Outcome o = recorder_->inject(units_input_, {}, true);
        if (o.code == "session.over-plan-reason") {
            entry_prompt_ = o.reason;
            open_dose_reason_ = true;
        } else {
            optional_confirmed_ = false;
            act(app, o);
        }
    } else if (cancel) {
        // Not given now: on to the next site (nothing recorded; the site stays pending).
        optional_confirmed_ = false;
        ImGui::CloseCurrentPopup();
        navigate(app, recorder_->next());
    }
    ImGui::EndPopup();
}

// A dose above the site's planned units: recorded with the reason given here, within the limits
// the session applies to any dose (the clinical-limits table's and the protocol's).
void ClinicianMode::dose_reason_popup(App& app) {
    if (open_dose_reason_ && recorder_ && session().current_site()) {
        ImGui::OpenPopup("Dose above the plan");
        dose_reason_[0] = '\0';
        dose_reason_refusal_.clear();
        focus_dose_reason_ = true;
    }
    open_dose_reason_ = false;
    const SessionSite* s = begin_site_modal("Dose above the plan", px(440));
    if (!s)
        return;
    ImGui::TextWrapped("Site %zu, %s %s: %s U planned, %s U to give.", *session().current() + 1,
                       display_name(s->muscle).c_str(), side_long(s->side),
                       format_units(s->planned_units).c_str(), format_units(units_input_).c_str());
    text_wrapped_coloured(colour::warning, entry_prompt_.c_str());
    // Quick reasons, wrapped onto as many rows as the dialog's width needs.
    bool first = true;
    for (const char* quick : {"Stronger pull on examination", "Poor response to the last dose",
                              "Clinician judgement"}) {
        const float w = ImGui::CalcTextSize(quick).x + ImGui::GetStyle().FramePadding.x * 2;
        if (!first) {
            ImGui::SameLine();
            if (ImGui::GetContentRegionAvail().x < w)
                ImGui::NewLine();
        }
        first = false;
        if (ImGui::SmallButton(quick))
            std::snprintf(dose_reason_, sizeof dose_reason_, "%s", quick);
    }
    if (focus_dose_reason_) {
        ImGui::SetKeyboardFocusHere();
        focus_dose_reason_ = false;
    }
    ImGui::SetNextItemWidth(-1);
    bool confirm =
        ImGui::InputTextWithHint("##dose-reason", "Reason (recorded)", dose_reason_,
                                 sizeof dose_reason_, ImGuiInputTextFlags_EnterReturnsTrue);
    if (!dose_reason_refusal_.empty())
        text_wrapped_coloured(colour::error, dose_reason_refusal_.c_str());
    const std::string label = "Record " + format_units(units_input_) + " U";
    confirm = primary_button(label.c_str()) || confirm;
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (confirm) {
        const Outcome o = recorder_->inject(units_input_, dose_reason_, optional_confirmed_);
        if (o.ok() || o.code != "session.over-plan-reason") {
            // Done, or refused by a limit: the dialog's work is over; a refusal shows as usual.
            ImGui::CloseCurrentPopup();
            optional_confirmed_ = false;
            act(app, o);
        } else {
            dose_reason_refusal_ = o.reason;
        }
    } else if (cancel) {
        optional_confirmed_ = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

} // namespace injmap::gui::clinician
