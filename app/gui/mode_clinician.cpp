// The clinician session guide: step list, current step card, dose tally, and a treatment session
// run through the protocols library's state machine (Session via SessionRecorder, which appends
// every action to the JSON Lines record before it counts). Before the first injection the
// pre-treatment checklist and the boxed warning are asked. This file holds the mode's state and
// frame (protocol changes, the right column's layout, the cursor and navigation); the parts it
// draws are in app/gui/clinician/ (one job per file: clinician/clinician_mode.hpp lists them).
// Every decision about what may be injected, skipped or added is the state machine's, and its
// refusals are shown with their reasons.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

ClinicianMode::ClinicianMode(App& app) {
    std::snprintf(label_, sizeof label_, "%s", app.options().label.c_str());
    // --patient: loaded with the first start card drawn, not before the window is up.
    std::snprintf(patient_, sizeof patient_, "%s", app.options().patient.c_str());
    load_patient_pending_ = patient_[0] != '\0';
}

void ClinicianMode::on_protocol_changed(App& app) {
    // A finished session's summary belongs to its protocol: another protocol starts afresh. (A
    // running session locks the protocol and the model, so it is never replaced under it.)
    if (finished() && app.protocol().protocol != recorder_->session().protocol_ptr()) {
        recorder_.reset();
        last_cursor_.reset();
    }
    index_protocol(app);
    if (!recorder_) {
        preview_ = 0;
        find_resume_offer(app);
        refresh_visit(app); // the rules and the ghost are the protocol's
    }
    framed_step_ = -2;
    frame_current_step(app, true);
}

bool ClinicianMode::animating(const App& app) const {
    return pulse_start_ >= 0 && app.now() - pulse_start_ < kPulseSeconds;
}

void ClinicianMode::right_panel(App& app) {
    if (!app.protocol().usable()) {
        section_heading(app, "No protocol");
        text_muted("Choose a protocol on the left, or open a file by its path.");
        return;
    }
    if (finished()) {
        summary_card(app);
        ImGui::Spacing();
        dose_tally(app);
        return;
    }
    if (!started())
        start_card(app);
    else
        progress_line(app);
    if (needs_checklist()) {
        // The checklist takes the panel until it is recorded (nothing is given before it, so
        // the tally would be all zeros): no injecting before.
        checklist_card(app, std::max(220.0f, ImGui::GetContentRegionAvail().y));
        return;
    }
    // The card takes what the actions and the tally (measured on the previous frame) leave.
    const float reserve = tally_height_ + (started() ? actions_height_ : 0.0f);
    step_card(app, std::max(140.0f, ImGui::GetContentRegionAvail().y - reserve));
    if (started()) {
        const float y0 = ImGui::GetCursorPosY();
        actions(app);
        actions_height_ = ImGui::GetCursorPosY() - y0;
    }
    const float y0 = ImGui::GetCursorPosY();
    dose_tally(app);
    tally_height_ = ImGui::GetCursorPosY() - y0 + ImGui::GetStyle().ItemSpacing.y;
}

void ClinicianMode::overlays(App& app) {
    skip_popup(app);
    optional_popup(app);
    dose_reason_popup(app);
    ftp_popup(app);
    elsewhere_popup(app);
    finish_popup(app);
}

// The protocol site shown as current: the session's cursor, or the preview before starting.
std::optional<std::size_t> ClinicianMode::cursor_index() const {
    if (!started())
        return site_step_.empty() ? std::nullopt : std::optional<std::size_t>(preview_);
    const auto c = session().current();
    if (c && *c < session().protocol_site_count())
        return c;
    return std::nullopt;
}

int ClinicianMode::current_step_index(const App&) const {
    const auto c = cursor_index();
    return c && *c < site_step_.size() ? site_step_[*c] : -1;
}

void ClinicianMode::index_protocol(const App& app) {
    site_step_.clear();
    if (!app.protocol().usable())
        return;
    const Protocol& p = *app.protocol().protocol;
    for (std::size_t s = 0; s < p.steps.size(); ++s)
        for (std::size_t k = 0; k < p.steps[s].sites.size(); ++k)
            site_step_.push_back(static_cast<int>(s));
    if (preview_ >= site_step_.size())
        preview_ = 0;
}

void ClinicianMode::move_preview(App& app, int delta) {
    if (site_step_.empty())
        return;
    const long n = static_cast<long>(site_step_.size());
    preview_ = static_cast<std::size_t>(std::clamp(static_cast<long>(preview_) + delta, 0L, n - 1));
    frame_current_step(app, false);
    scroll_to_current_ = true;
    pulse_start_ = app.now();
}

// After any cursor move: frame a new step, pulse the marker, reset the units field.
void ClinicianMode::after_navigation(App& app) {
    const auto c = started() ? session().current() : std::optional<std::size_t>(preview_);
    if (c != last_cursor_) {
        last_cursor_ = c;
        last_refusal_.clear();
        pulse_start_ = app.now();
        scroll_to_current_ = true;
        if (started())
            if (const SessionSite* s = session().current_site())
                units_input_ = s->planned_units;
        frame_current_step(app, false);
        app.request_frames(2);
    }
}

// Navigation that cannot go further (first or last site) is only a notice.
void ClinicianMode::navigate(App& app, const Outcome& outcome) {
    if (!outcome.ok())
        app.notify(outcome.reason.empty() ? outcome.code : outcome.reason);
    after_navigation(app);
}

void ClinicianMode::report(App& app, const Outcome& outcome) {
    if (!outcome.ok()) {
        last_refusal_ = outcome.reason.empty() ? outcome.code : outcome.reason;
        app.notify(last_refusal_, Severity::warning);
    } else {
        last_refusal_.clear();
    }
}

// A recorded action: report, then follow the cursor.
void ClinicianMode::act(App& app, const Outcome& outcome) {
    report(app, outcome);
    after_navigation(app);
}

} // namespace injmap::gui::clinician

namespace injmap::gui {

std::unique_ptr<Mode> make_clinician_mode(App& app) {
    return std::make_unique<clinician::ClinicianMode>(app);
}

} // namespace injmap::gui
