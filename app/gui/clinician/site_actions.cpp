// The actions under the site card: units, inject, skip (with the dialog asking why), previous,
// next, undo and finish. Refusals are the session's, shown as it words them.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

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
    ImGui::InputDouble("##units", &units_input_, 0.5, 1.0, "%.1f");
    ImGui::SameLine();
    ImGui::BeginDisabled(st != SiteStatus::current);
    if (primary_button("Inject  ⏎", -1))
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
    ImGui::SetNextWindowSize({px(420), 0});
    if (!ImGui::BeginPopupModal("Skip site", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    const SessionSite* s = recorder_ ? session().current_site() : nullptr;
    if (!s) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
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
    act(app, recorder_->inject(units_input_));
}

} // namespace injmap::gui::clinician
