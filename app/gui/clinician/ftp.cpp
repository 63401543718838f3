// Adding a follow-the-pain site: a click on the skin proposes one in the muscle under the point,
// the dialog asks the units, and Session::can_add says — in the words add would use — whether it
// may be added; the Add button is greyed out until it may. The GUI words nothing of the rules.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

// A click on the skin (not on a marker) while the session runs.
void ClinicianMode::propose_ftp(App& app, const PickHit& hit) {
    if (!started() || finished()) {
        app.notify(started() ? "The session is finished."
                             : "Start the session to add follow-the-pain sites.");
        return;
    }
    FtpProposal p;
    p.point = hit.point;
    if (hit.muscle) {
        p.muscle = hit.muscle->id;
        p.side = hit.muscle->side;
        if (auto u = session().default_add_units(p.muscle))
            p.units = *u;
    }
    ftp_ = p;
    open_ftp_ = true;
}

void ClinicianMode::ftp_popup(App& app) {
    if (open_ftp_ && ftp_) {
        ImGui::OpenPopup("Follow-the-pain site");
        ftp_outcome_.clear();
    }
    open_ftp_ = false;
    ImGui::SetNextWindowSize({px(420), 0});
    if (!ImGui::BeginPopupModal("Follow-the-pain site", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    if (!ftp_ || !recorder_) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    const bool no_muscle = ftp_->muscle.empty();
    // The session's answer for these arguments, asked every frame (the units may change).
    const Outcome allowed =
        no_muscle ? Outcome{}
                  : session().can_add(ftp_->muscle, ftp_->side, ftp_->units, ftp_->point);
    if (no_muscle) {
        text_wrapped_coloured(colour::error, "No muscle under this point of the skin.");
    } else {
        ImGui::TextWrapped("Add a follow-the-pain site in %s (%s) and record it as injected?",
                           display_name(ftp_->muscle).c_str(), side_long(ftp_->side));
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Units");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(120));
        ImGui::InputDouble("##ftpunits", &ftp_->units, 0.5, 1.0, "%.1f");
        if (!allowed.ok()) // the refusal add would give, in its words
            text_wrapped_coloured(colour::error,
                                  (allowed.reason.empty() ? allowed.code : allowed.reason).c_str());
    }
    if (!ftp_outcome_.empty() && allowed.ok())
        text_wrapped_coloured(colour::error, ftp_outcome_.c_str());
    bool add = false;
    if (!no_muscle) {
        ImGui::BeginDisabled(!allowed.ok());
        add = primary_button("Add and record");
        ImGui::EndDisabled();
        add = add || (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_ENTER, false));
        ImGui::SameLine();
    }
    const bool cancel = ImGui::Button(no_muscle ? "Close" : "Cancel") ||
                        ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) ||
                        (no_muscle && ImGui::IsKeyPressed(GLFW_KEY_ENTER, false));
    if (add) {
        const Outcome o = allowed.ok()
                              ? recorder_->add(ftp_->muscle, ftp_->side, ftp_->units, ftp_->point)
                              : allowed;
        if (o.ok()) {
            ImGui::CloseCurrentPopup();
            ftp_.reset();
            act(app, o);
            app.notify("Follow-the-pain site recorded.");
        } else {
            ftp_outcome_ = o.reason.empty() ? o.code : o.reason; // the state machine's refusal
            app.notify(ftp_outcome_, Severity::warning);
        }
    } else if (cancel) {
        ImGui::CloseCurrentPopup();
        ftp_.reset();
    }
    ImGui::EndPopup();
}

} // namespace injmap::gui::clinician
