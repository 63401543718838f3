// Offering the newest unfinished session of the protocol (find_session_records and
// record_to_resume decide which) and resuming it: the record is replayed and appended to again.
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {
namespace {

std::string local_time(SessionTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

} // namespace

void ClinicianMode::find_resume_offer(const App& app) {
    resume_.reset();
    if (!app.protocol().usable())
        return;
    resume_ = find_record_to_resume(default_sessions_dir(), app.protocol().protocol);
}

// The offer above the start card: when the session was started, how far it got, its label, and
// any damage the record shows (it can still be resumed).
void ClinicianMode::resume_box(App& app) {
    if (!resume_)
        return;
    // Its height is that of its content on the previous frame (the label and the damage notice
    // wrap); the first frame guesses.
    const float guess =
        ImGui::GetFrameHeightWithSpacing() * (resume_->damage != RecordDamage::none ? 4.4f : 3.2f);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4{0.99f, 0.96f, 0.88f, 1.0f});
    ImGui::BeginChild("##resume", ImVec2(0, resume_height_ > 0.0f ? resume_height_ : guess), true,
                      ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted("An unfinished session can be resumed");
    ImGui::PopFont();
    const std::string when = resume_->started ? local_time(*resume_->started) : std::string();
    ImGui::TextWrapped("Started %s · %d injected, %d skipped%s%s", when.c_str(), resume_->injected,
                       resume_->skipped, resume_->label.empty() ? "" : " · ",
                       resume_->label.c_str());
    if (resume_->damage == RecordDamage::chain_broken) // record.chain-broken: shown, not fatal
        text_wrapped_coloured(colour::error,
                              ("Its hash chain breaks at line " +
                               std::to_string(resume_->damage_line) +
                               ": the file was changed outside injmap since it was written.")
                                  .c_str());
    else if (resume_->damage == RecordDamage::tail_cut) // record.truncated: a crash mid-line
        text_wrapped_coloured(colour::warning,
                              "Its last line was cut off while being written; resuming keeps it "
                              "aside in a file next to the record.");
    if (primary_button("Resume  R"))
        resume(app);
    ImGui::SameLine();
    if (ImGui::Button("Start a new one instead"))
        resume_.reset();
    resume_height_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y -
                     ImGui::GetStyle().ItemSpacing.y;
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

void ClinicianMode::resume(App& app) {
    if (!resume_)
        return;
    auto resumed = SessionRecorder::resume(*resume_->record, app.protocol().protocol);
    if (!resumed.value && !resumed.diagnostics.empty() &&
        resumed.diagnostics.front().rule == "record.locked") {
        // One writer at a time: say who has it, in words.
        const auto holder = record_lock_holder(resume_->path);
        app.notify(
            "This record is open in another injmap window (" +
                (holder ? "process " + std::to_string(*holder) : std::string("another process")) +
                "). Close the session there to continue it here.",
            Severity::error);
        return;
    }
    if (!resumed.value || has_errors(resumed.diagnostics)) {
        app.notify("Cannot resume: " + (resumed.diagnostics.empty()
                                            ? resume_->path.string()
                                            : format_diagnostic(resumed.diagnostics.front())),
                   Severity::error);
        return;
    }
    for (const Diagnostic& d : resumed.diagnostics)
        if (d.severity == Severity::warning)
            app.notify(escape_control(d.message), Severity::warning);
    recorder_.emplace(std::move(*resumed.value));
    recorder_->set_entry_rules(SessionEntryRules::clinician()); // as for a new session
    if (!patient_id_.empty()) {
        // A patient chosen before resuming: the session is filed under them when finished.
        recorder_->set_first_treatment(!visit_.earlier_same_indication);
        overridden_ = has_errors(cross_) ? std::string(override_reason_) : std::string();
    }
    prepare_checklist();
    std::snprintf(label_, sizeof label_, "%s", recorder_->session().start_info().label.c_str());
    resume_.reset();
    app.notify("Session resumed: " + recorder_->path().filename().string());
    last_cursor_.reset();
    after_navigation(app);
    frame_current_step(app, true);
}

} // namespace injmap::gui::clinician
