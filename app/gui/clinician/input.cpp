// The clinician mode's keys and clicks on the model: each turns into a session action, a move of
// the cursor or a dialog to open; what is allowed is the session's to say.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

std::vector<Shortcut> ClinicianMode::shortcut_list() const {
    return {{"→ or Space", "next site"},
            {"←", "previous site"},
            {"Enter", "start the session / mark the current site injected (units as entered)"},
            {"U", "type the units for the current site (above the plan: a reason is asked)"},
            {"O", "optional site: confirm giving it (Enter alone does not)"},
            {"S", "skip the current site (a reason is asked)"},
            {"E", "injected elsewhere: click the skin where the needle went in"},
            {"Backspace", "undo the last inject, skip or added site"},
            {"F", "finish the session (asks first)"},
            {"N (finished)", "a new session (the label starts empty)"},
            {"R", "resume the offered session, else the newest recent one"},
            {"N / Y", "checklist: answer the next unanswered question No / Yes"},
            {"A", "checklist: acknowledge the boxed warning"},
            {"Enter (checklist)", "record the checklist (every question answered first)"},
            {"Click a site", "go to that site"},
            {"Click the skin", "add a follow-the-pain site there (allowed muscles only)"}};
}

void ClinicianMode::shortcuts(App& app) {
    const bool next =
        ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) || ImGui::IsKeyPressed(GLFW_KEY_SPACE, false);
    const bool prev = ImGui::IsKeyPressed(GLFW_KEY_LEFT, false);
    const bool enter =
        ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false);
    if (!started()) {
        if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) {
            // The offer of this protocol first, else the newest of Recent sessions.
            if (resume_)
                resume(app);
            else
                resume_newest_recent(app);
            return;
        }
        if (next)
            move_preview(app, +1);
        if (prev)
            move_preview(app, -1);
        if (enter && app.protocol().usable())
            start(app);
        return;
    }
    if (finished()) {
        if (ImGui::IsKeyPressed(GLFW_KEY_N, false))
            new_session(app);
        return;
    }
    if (needs_checklist()) {
        // Before the first injection: N/Y answer the next question, A acknowledges the boxed
        // warning, Enter records the checklist (the state machine refuses what is missing).
        if (ImGui::IsKeyPressed(GLFW_KEY_N, false))
            answer_next(0);
        if (ImGui::IsKeyPressed(GLFW_KEY_Y, false))
            answer_next(1);
        if (ImGui::IsKeyPressed(GLFW_KEY_A, false))
            draft_.acknowledged = true;
        if (enter)
            record_checklist(app);
        if (next)
            navigate(app, recorder_->next());
        if (prev)
            navigate(app, recorder_->previous());
        if (ImGui::IsKeyPressed(GLFW_KEY_F, false))
            open_finish_ = true;
        return;
    }
    if (next)
        navigate(app, recorder_->next());
    if (prev)
        navigate(app, recorder_->previous());
    if (enter) {
        if (session().current_site())
            inject(app);
        else
            open_finish_ = true;
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_S, false) && session().current_site())
        open_skip_ = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_U, false) && session().current_site())
        focus_units_ = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_BACKSPACE, false))
        act(app, recorder_->back());
    if (ImGui::IsKeyPressed(GLFW_KEY_F, false))
        open_finish_ = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_E, false))
        arm_elsewhere(app);
    if (placing_elsewhere_ && ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {
        placing_elsewhere_ = false;
        app.notify("Cancelled: the site was not recorded.");
    }
    after_navigation(app);
}

void ClinicianMode::on_pick(App& app, const PickHit& hit) {
    const auto sites =
        app.protocol().usable() ? app.protocol().protocol->sites() : std::vector<const Site*>{};
    if (hit.marker) {
        // Markers are numbered in protocol order; added sites follow.
        const std::size_t index = *hit.marker;
        if (!started()) {
            if (index < sites.size()) {
                preview_ = index;
                frame_current_step(app, false);
            }
            return;
        }
        if (index < session().sites().size()) {
            report(app, recorder_->go_to(session().sites()[index].id));
            after_navigation(app);
        }
        return;
    }
    if (placing_elsewhere_ && started() && !finished()) {
        propose_elsewhere(app, hit);
        return;
    }
    propose_ftp(app, hit);
}

} // namespace injmap::gui::clinician
