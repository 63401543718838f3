// The session from start to finish: the start card (label, start), the progress line while it
// runs, finishing (the summary, the chart image) and the summary card after it.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "gui/chart.hpp"
#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"
#include "injmap/version.hpp"

namespace injmap::gui::clinician {
namespace fs = std::filesystem;

void ClinicianMode::start_card(App& app) {
    section_heading(app, "Session");
    resume_box(app);
    patient_card(app);
    ImGui::Spacing();
    const float button_w =
        ImGui::CalcTextSize("Start session  ⏎").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - button_w -
                            ImGui::GetStyle().ItemSpacing.x);
    ImGui::InputTextWithHint("##label", "Optional label", label_, sizeof label_);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Free text saved with the record, e.g. a clinic reference. No names are needed.");
    ImGui::SameLine();
    if (primary_button("Start session  ⏎", -1))
        start(app);
    if (std::strlen(label_) >= kMaxLabelBytes) // the buffer refuses more typing
        text_wrapped_coloured(colour::error,
                              "A label is at most 200 bytes; nothing more can be typed.");
    product_fields();
    // A plan past its limits cannot start (the session's check_plan): say what to lower first.
    if (plan_ && plan_->protocol_ptr() == app.protocol().protocol) {
        if (const Outcome o = plan_->check_plan(); !o.ok())
            text_wrapped_coloured(colour::error, ("Cannot start: " + o.reason).c_str());
    } else if (!start_refusal_.empty()) {
        text_wrapped_coloured(colour::error, start_refusal_.c_str());
    }
    ImGui::Spacing();
    recent_sessions(app);
}

// Who injects, the lot and its expiry, when the vial was reconstituted: optional, folded away
// until wanted; a lot past its expiry is said (not refused: the clinician decides).
void ClinicianMode::product_fields() {
    if (!ImGui::TreeNode("Product and injector (optional)"))
        return;
    const float w = ImGui::GetContentRegionAvail().x;
    const auto field = [w](const char* id, const char* hint, char* buffer, std::size_t size) {
        ImGui::SetNextItemWidth(w);
        ImGui::InputTextWithHint(id, hint, buffer, size);
    };
    field("##injector", "Injector", injector_, sizeof injector_);
    field("##lot", "Lot number", lot_, sizeof lot_);
    field("##expiry", "Expiry (YYYY-MM or YYYY-MM-DD)", expiry_, sizeof expiry_);
    field("##reconstituted", "Reconstituted at (e.g. 08:40)", reconstituted_,
          sizeof reconstituted_);
    const std::string expiry = expiry_;
    if (expiry.size() == 7 || expiry.size() == 10) {
        const std::string today =
            format_iso8601_utc(std::chrono::system_clock::now()).substr(0, expiry.size());
        if (today > expiry)
            text_wrapped_coloured(colour::warning, ("This lot expired " + expiry + ".").c_str());
    }
    ImGui::TreePop();
}

void ClinicianMode::start(App& app) {
    if (patient_id_ != patient_) // typed but not yet looked up (Start clicked straight away)
        load_patient(app);
    if (patient_blocks_start()) {
        // history.cumulative: refused unless a reason is typed, as `session play --patient`.
        start_refusal_ = "Cannot start: the cumulative limit would be passed; type the reason to "
                         "go ahead (it is filed with the treatment).";
        app.notify(start_refusal_, Severity::error);
        if (app.scripted()) {
            std::printf("session: start refused: %s [history.cumulative]\n",
                        start_refusal_.c_str());
            std::fflush(stdout);
        }
        return;
    }
    const LoadedProtocol& loaded = app.protocol();
    SessionStart info;
    info.protocol_id = loaded.protocol->id;
    info.protocol_path = loaded.path.string();
    info.protocol_sha256 = file_sha256(loaded.path).value_or("");
    info.model = app.model() ? app.model()->id : "";
    info.label = label_;
    info.injector = injector_;
    info.lot = lot_;
    info.expiry = expiry_;
    info.reconstituted = reconstituted_;
    info.injmap_version = kVersion;
    const fs::path path =
        default_record_path(loaded.protocol->id, std::chrono::system_clock::now());
    auto created =
        SessionRecorder::create(path, loaded.protocol, info, {}, SessionEntryRules::clinician());
    if (!created.diagnostics.empty() &&
        created.diagnostics.front().rule == "session.plan-over-limit") {
        // Refused before any file is written: the plan must be lowered first.
        start_refusal_ = "Cannot start: " + created.diagnostics.front().message;
        app.notify(start_refusal_, Severity::error);
        if (app.scripted()) {
            std::printf("session: start refused: %s [session.plan-over-limit]\n",
                        created.diagnostics.front().message.c_str());
            std::fflush(stdout);
        }
        return;
    }
    start_refusal_.clear();
    if (!created.value || has_errors(created.diagnostics)) {
        app.notify("Cannot start the session record: " +
                       (created.diagnostics.empty()
                            ? path.string()
                            : format_diagnostic(created.diagnostics.front())),
                   Severity::error);
        return;
    }
    recorder_.emplace(std::move(*created.value));
    if (!patient_id_.empty()) {
        // The first-treatment advice only without an earlier treatment of this indication; the
        // override reason, when the cumulative limit is let through, goes with the treatment.
        recorder_->set_first_treatment(!visit_.earlier_same_indication);
        overridden_ = has_errors(cross_) ? std::string(override_reason_) : std::string();
    }
    filed_.clear();
    prepare_checklist();
    resume_.reset();
    app.notify("Session started; recording to " + recorder_->path().string());
    last_cursor_.reset();
    after_navigation(app);
    frame_current_step(app, true);
}

void ClinicianMode::progress_line(App& app) {
    const SessionTallies t = session().tallies();
    const int total = static_cast<int>(session().protocol_site_count());
    const int done = t.injected + t.skipped;
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "SESSION%s%s",
                       session().start_info().label.empty() ? "" : "  ·  ",
                       session().start_info().label.c_str());
    ImGui::PopFont();
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%d of %d sites done  ·  %s U given", done, total,
                  format_units(t.total.units).c_str());
    ImGui::ProgressBar(total > 0 ? float(done) / float(total) : 0.0f, ImVec2(-1, 0), overlay);
    if (!patient_id_.empty()) {
        ImGui::PushFont(app.fonts().small);
        ImGui::TextColored(colour::muted, "Patient %s", patient_id_.c_str());
        ImGui::PopFont();
        if (!ghosts_.empty()) {
            ImGui::SameLine();
            last_visit_toggle();
        }
    }
    ImGui::Spacing();
}

void ClinicianMode::finish(App& app) {
    const Outcome outcome = recorder_->finish();
    if (!finished()) {
        report(app, outcome);
        return;
    }
    if (!outcome.ok())
        app.notify("Session finished, but the summary could not be written: " + outcome.reason,
                   Severity::error);
    chart_path_ = recorder_->path();
    chart_path_.replace_extension(".chart.png");
    std::string error;
    if (!write_session_chart(app, session(), chart_path_, error)) {
        app.notify("Session finished; the chart image could not be made: " + error,
                   Severity::warning);
        chart_path_.clear();
    } else {
        app.notify("Session finished. Summary and chart saved next to the record.");
    }
    file_in_history(app);
    // Every site from the front, close enough to read the numbers.
    std::vector<glm::vec3> points;
    for (const PlacedSite& placed : app.protocol().placed.sites)
        if (placed.placed)
            points.push_back(placed.position);
    if (points.empty())
        app.show_view("front");
    else
        app.frame_points(points, "front");
}

void ClinicianMode::finish_popup(App& app) {
    if (open_finish_ && started() && !finished())
        ImGui::OpenPopup("Finish session");
    open_finish_ = false;
    ImGui::SetNextWindowSize({px(420), 0});
    if (!ImGui::BeginPopupModal("Finish session", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    const SessionTallies t = session().tallies();
    ImGui::TextWrapped("Finish the session now? %d sites injected (%s U), %d skipped.", t.injected,
                       format_units(t.total.units).c_str(), t.skipped);
    if (t.pending > 0)
        text_wrapped_coloured(
            colour::warning,
            (std::to_string(t.pending) + " sites not done yet will be recorded as not given.")
                .c_str());
    text_muted("The summary (JSON, CSV) and a chart image are saved next to the record.");
    const bool confirm = primary_button("Finish  ⏎") || ImGui::IsKeyPressed(GLFW_KEY_ENTER, false);
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (confirm) {
        ImGui::CloseCurrentPopup();
        finish(app);
    } else if (cancel) {
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void ClinicianMode::summary_card(App& app) {
    section_heading(app, "Session finished");
    const SessionTallies t = session().tallies();
    ImGui::Text("%d injected · %d skipped · %d not given · %d added", t.injected, t.skipped,
                t.not_given, t.added);
    if (!session().start_info().label.empty())
        ImGui::TextColored(colour::muted, "Label: %s", session().start_info().label.c_str());
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "Saved in");
    ImGui::TextWrapped("%s", recorder_->path().parent_path().c_str());
    ImGui::Spacing();
    ImGui::PopFont();
    ImGui::PushFont(app.fonts().mono);
    for (const fs::path& p : {recorder_->path(), summary_json_path(recorder_->path()),
                              summary_csv_path(recorder_->path()), chart_path_}) {
        if (p.empty())
            continue;
        ImGui::TextUnformatted(p.filename().c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", p.c_str());
    }
    ImGui::PopFont();
    if (!filed_.empty())
        text_wrapped_coloured(filed_ok_ ? colour::done : colour::error, filed_.c_str());
    ImGui::Spacing();
    comparison_table(app);
    ImGui::Spacing();
    if (ImGui::Button("Copy folder path"))
        ImGui::SetClipboardText(recorder_->path().parent_path().c_str());
    ImGui::SameLine();
    if (primary_button("New session  N"))
        new_session(app);
}

void ClinicianMode::new_session(App& app) {
    recorder_.reset();
    label_[0] = '\0'; // the previous session's label is not the next one's
    clear_patient();  // nor its patient
    filed_.clear();
    start_refusal_.clear();
    last_cursor_.reset();
    preview_ = 0;
    framed_step_ = -2;
    frame_current_step(app, true);
}

} // namespace injmap::gui::clinician
