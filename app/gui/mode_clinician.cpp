// The clinician session guide: step list, current step card, dose tally, and a treatment session
// run through the protocols library's state machine (Session via SessionRecorder, which appends
// every action to the JSON Lines record before it counts). Before the first injection the
// pre-treatment checklist and the boxed warning are asked (the answers are kept here, per frame
// shown by ImGui, and recorded in one checklist action). This file only presents and forwards:
// every decision about what may be injected, skipped or added is the state machine's, and its
// refusals are shown with their reasons.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include "gui/chart.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/version.hpp"

#include <glm/trigonometric.hpp>

namespace injmap::gui {
namespace {
namespace fs = std::filesystem;

constexpr double kPulseSeconds =
    2.4; // the current marker pulses this long after it changes, then rests
constexpr double kPulsePeriod = 0.8;

const char* status_symbol(SiteStatus s) {
    switch (s) {
    case SiteStatus::injected:
        return "✓";
    case SiteStatus::skipped:
        return "—";
    case SiteStatus::not_given:
        return "×";
    case SiteStatus::current:
        return "▶";
    case SiteStatus::pending:
        return "";
    }
    return "";
}

ImVec4 status_colour(SiteStatus s) {
    switch (s) {
    case SiteStatus::injected:
        return colour::done;
    case SiteStatus::skipped:
    case SiteStatus::not_given:
        return colour::skipped;
    case SiteStatus::current:
        return colour::current;
    case SiteStatus::pending:
        return colour::text;
    }
    return colour::text;
}

std::string local_time(SessionTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string guidance_text(Guidance g) {
    switch (g) {
    case Guidance::none:
        return "";
    case Guidance::emg:
        return "EMG guidance recommended";
    case Guidance::ultrasound:
        return "Ultrasound guidance recommended";
    case Guidance::emg_or_ultrasound:
        return "EMG or ultrasound guidance recommended";
    }
    return "";
}

// An unfinished record of this protocol, the newest, offered for resuming.
struct ResumeOffer {
    SessionRecord record;
    std::string when;
    int injected = 0, skipped = 0;
    std::string label;
};

class ClinicianMode final : public Mode {
public:
    explicit ClinicianMode(App& app) {
        std::snprintf(label_, sizeof label_, "%s", app.options().label.c_str());
    }

    void on_protocol_changed(App& app) override {
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
        }
        framed_step_ = -2;
        frame_current_step(app, true);
    }

    bool locks_protocol() const override { return recorder_ && !recorder_->session().finished(); }

    bool animating(const App& app) const override {
        return pulse_start_ >= 0 && app.now() - pulse_start_ < kPulseSeconds;
    }

    std::vector<Shortcut> shortcut_list() const override {
        return {{"→ or Space", "next site"},
                {"←", "previous site"},
                {"Enter", "start the session / mark the current site injected (units as entered)"},
                {"S", "skip the current site (a reason is asked)"},
                {"Backspace", "undo the last inject, skip or added site"},
                {"F", "finish the session (asks first)"},
                {"R", "resume the unfinished session offered at the start"},
                {"N / Y", "checklist: answer the next unanswered question No / Yes"},
                {"A", "checklist: acknowledge the boxed warning"},
                {"Enter (checklist)", "record the checklist (every question answered first)"},
                {"Click a site", "go to that site"},
                {"Click the skin", "add a follow-the-pain site there (allowed muscles only)"}};
    }

    // ---- keys ----
    void shortcuts(App& app) override {
        const bool next = ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) ||
                          ImGui::IsKeyPressed(GLFW_KEY_SPACE, false);
        const bool prev = ImGui::IsKeyPressed(GLFW_KEY_LEFT, false);
        const bool enter = ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) ||
                           ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false);
        if (!started()) {
            if (resume_ && ImGui::IsKeyPressed(GLFW_KEY_R, false)) {
                resume(app);
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
        if (finished())
            return;
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
        if (ImGui::IsKeyPressed(GLFW_KEY_BACKSPACE, false))
            act(app, recorder_->back());
        if (ImGui::IsKeyPressed(GLFW_KEY_F, false))
            open_finish_ = true;
        after_navigation(app);
    }

    // ---- clicks on the model ----
    void on_pick(App& app, const PickHit& hit) override {
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
        if (!started() || finished()) {
            app.notify(started() ? "The session is finished."
                                 : "Start the session to add follow-the-pain sites.");
            return;
        }
        FtpProposal p;
        p.point = hit.point;
        if (!hit.muscle) {
            p.refusal = "No muscle under this point of the skin.";
        } else {
            p.muscle = hit.muscle->id;
            p.side = hit.muscle->side;
            if (auto u = session().default_add_units(p.muscle))
                p.units = *u;
            const auto& ftp = session().protocol().limits.follow_the_pain;
            if (!ftp)
                p.refusal = "This protocol has no follow-the-pain option.";
            else if (std::find(ftp->muscles.begin(), ftp->muscles.end(), p.muscle) ==
                     ftp->muscles.end())
                p.refusal =
                    display_name(p.muscle) + " is not a follow-the-pain muscle in this protocol.";
        }
        ftp_ = p;
        open_ftp_ = true;
    }

    // ---- the frame snapshot ----
    void decorate(const App& app, render::FrameSnapshot& frame) const override {
        if (!app.protocol().usable())
            return;
        const Protocol& protocol = *app.protocol().protocol;
        const auto sites = protocol.sites();
        const int step = current_step_index(app);
        const Model* model = app.model();
        const double pulse_age = pulse_start_ >= 0 ? app.now() - pulse_start_ : kPulseSeconds;
        for (render::Marker& m : frame.markers) {
            const std::size_t i = static_cast<std::size_t>(m.number - 1);
            if (i >= sites.size())
                continue;
            const Site* site = sites[i];
            if (started() && i < session().sites().size()) {
                switch (session().status(i)) {
                case SiteStatus::injected:
                    m.state = render::MarkerState::done;
                    break;
                case SiteStatus::skipped:
                case SiteStatus::not_given:
                    m.state = render::MarkerState::skipped;
                    break;
                case SiteStatus::current:
                    m.state = render::MarkerState::current;
                    break;
                case SiteStatus::pending:
                    break;
                }
            } else if (!started() && i == preview_) {
                m.state = render::MarkerState::current;
            }
            if (m.state == render::MarkerState::current && pulse_age < kPulseSeconds)
                m.pulse = static_cast<float>(std::fmod(pulse_age, kPulsePeriod) / kPulsePeriod);
            if (step >= 0 && site_step_[i] == step && app.layers.labels)
                m.label = display_name(site->muscle) + " " + side_short(site->side) + " · " +
                          format_units(site->units) + " U";
        }
        if (started()) {
            // Added follow-the-pain sites, numbered after the protocol's.
            const auto& all = session().sites();
            for (std::size_t i = session().protocol_site_count(); i < all.size(); ++i) {
                const SessionSite& s = all[i];
                if (!s.position_mm)
                    continue;
                render::Marker m;
                m.id = s.id;
                m.number = static_cast<int>(i) + 1;
                m.position = *s.position_mm;
                m.normal = glm::vec3(0, 0, 1);
                if (app.queries())
                    if (auto hit = app.queries()->skin().closest_point(*s.position_mm)) {
                        m.normal = hit->normal;
                        m.needle_direction = -hit->normal;
                    }
                m.state = render::MarkerState::done;
                m.label = app.layers.labels ? "FTP " + display_name(s.muscle) + " · " +
                                                  format_units(s.units_given) + " U"
                                            : "";
                frame.markers.push_back(std::move(m));
            }
        }
        if (step >= 0 && model) {
            for (const Site& site : protocol.steps[static_cast<std::size_t>(step)].sites)
                for (const std::string& id : model->expand_muscle_key(site.muscle))
                    if (std::find(frame.highlighted_muscles.begin(),
                                  frame.highlighted_muscles.end(),
                                  id) == frame.highlighted_muscles.end())
                        frame.highlighted_muscles.push_back(id);
        }
    }

    // ---- panels ----
    void left_panel(App& app) override {
        if (!app.protocol().usable())
            return;
        section_heading(app, "Steps");
        ImGui::BeginChild("##steps", ImVec2(0, 0), false);
        const Protocol& protocol = *app.protocol().protocol;
        const auto sites = protocol.sites();
        const std::optional<std::size_t> cursor = cursor_index();
        std::size_t index = 0;
        for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
            const Step& step = protocol.steps[s];
            int done = 0;
            for (std::size_t k = 0; k < step.sites.size(); ++k)
                if (started() && session().sites()[index + k].status == SiteStatus::injected)
                    ++done;
            ImGui::PushFont(app.fonts().bold);
            const bool is_current_step = cursor && site_step_[*cursor] == static_cast<int>(s);
            ImGui::TextColored(is_current_step ? colour::accent : colour::text, "%zu  %s", s + 1,
                               step.title.c_str());
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::TextColored(colour::muted, "%d/%zu", done, step.sites.size());
            for (const Site& site : step.sites) {
                const std::size_t i = index++;
                const SiteStatus st =
                    started() ? session().status(i)
                              : (i == preview_ ? SiteStatus::current : SiteStatus::pending);
                ImGui::PushID(static_cast<int>(i));
                char row[160];
                std::snprintf(row, sizeof row, "%2zu   %-4s %s U%s", i + 1, side_short(site.side),
                              format_units(started() && st == SiteStatus::injected
                                               ? session().sites()[i].units_given
                                               : site.units)
                                  .c_str(),
                              site.optional ? "  (optional)" : "");
                ImGui::Indent(px(12));
                ImGui::PushStyleColor(ImGuiCol_Text, status_colour(st));
                if (ImGui::Selectable(row, cursor && *cursor == i)) {
                    if (started())
                        report(app, recorder_->go_to(site.id)), after_navigation(app);
                    else
                        preview_ = i, frame_current_step(app, false);
                }
                ImGui::PopStyleColor();
                if (cursor && *cursor == i && scroll_to_current_) {
                    ImGui::SetScrollHereY(0.4f);
                    scroll_to_current_ = false;
                }
                const char* sym = status_symbol(st);
                if (*sym) {
                    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - px(20));
                    ImGui::TextColored(status_colour(st), "%s", sym);
                }
                ImGui::Unindent(px(12));
                ImGui::PopID();
            }
            ImGui::Spacing();
        }
        if (started()) {
            const auto& all = session().sites();
            if (all.size() > session().protocol_site_count()) {
                ImGui::PushFont(app.fonts().bold);
                ImGui::TextColored(colour::optional, "Follow-the-pain sites");
                ImGui::PopFont();
                for (std::size_t i = session().protocol_site_count(); i < all.size(); ++i)
                    ImGui::TextColored(colour::done, "    %2zu   %-4s %s U  %s  ✓", i + 1,
                                       side_short(all[i].side),
                                       format_units(all[i].units_given).c_str(),
                                       display_name(all[i].muscle).c_str());
            }
        }
        ImGui::EndChild();
    }

    void right_panel(App& app) override {
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

    void overlays(App& app) override {
        skip_popup(app);
        ftp_popup(app);
        finish_popup(app);
    }

private:
    struct FtpProposal {
        glm::vec3 point{0.0f};
        std::string muscle;
        Side side = Side::midline;
        double units = 5.0;
        std::string refusal; // shown before asking (the state machine has the final word)
    };

    [[nodiscard]] bool started() const { return recorder_ && recorder_->session().started(); }
    [[nodiscard]] bool finished() const { return recorder_ && recorder_->session().finished(); }
    [[nodiscard]] const Session& session() const { return recorder_->session(); }

    // The protocol site shown as current: the session's cursor, or the preview before starting.
    [[nodiscard]] std::optional<std::size_t> cursor_index() const {
        if (!started())
            return site_step_.empty() ? std::nullopt : std::optional<std::size_t>(preview_);
        const auto c = session().current();
        if (c && *c < session().protocol_site_count())
            return c;
        return std::nullopt;
    }

    [[nodiscard]] int current_step_index(const App&) const {
        const auto c = cursor_index();
        return c && *c < site_step_.size() ? site_step_[*c] : -1;
    }

    void index_protocol(const App& app) {
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

    void move_preview(App& app, int delta) {
        if (site_step_.empty())
            return;
        const long n = static_cast<long>(site_step_.size());
        preview_ =
            static_cast<std::size_t>(std::clamp(static_cast<long>(preview_) + delta, 0L, n - 1));
        frame_current_step(app, false);
        scroll_to_current_ = true;
        pulse_start_ = app.now();
    }

    // Frames the current step's sites when the step changed (or always with `force`).
    void frame_current_step(App& app, bool force) {
        const int step = current_step_index(app);
        if (step < 0 || !app.protocol().usable()) {
            framed_step_ = step;
            return;
        }
        if (step == framed_step_ && !force)
            return;
        framed_step_ = step;
        const Protocol& p = *app.protocol().protocol;
        std::vector<glm::vec3> points;
        glm::vec3 normal_sum{0.0f};
        std::size_t first = 0;
        for (int s = 0; s < step; ++s)
            first += p.steps[static_cast<std::size_t>(s)].sites.size();
        const Step& st = p.steps[static_cast<std::size_t>(step)];
        for (std::size_t k = 0; k < st.sites.size(); ++k) {
            const std::size_t i = first + k;
            if (i < app.protocol().placed.sites.size() && app.protocol().placed.sites[i].placed) {
                points.push_back(app.protocol().placed.sites[i].position);
                normal_sum += app.protocol().placed.sites[i].normal;
            }
        }
        const std::string view = st.view.empty() ? "front" : st.view;
        auto orientation = render::named_view(view);
        if (!orientation || view == "top" || points.empty()) {
            app.frame_points(points, view);
            return;
        }
        // The step's direction, tilted towards where the skin at its sites faces: sites on top of
        // the shoulders (normals up) are seen from above, not edge-on from a level back view.
        const float up = glm::length(normal_sum) > 1e-3f ? glm::normalize(normal_sum).y : 0.0f;
        orientation->pitch_deg =
            std::clamp(glm::degrees(std::asin(std::clamp(up, -1.0f, 1.0f))) * 0.8f, -15.0f, 50.0f);
        app.frame_points(points, *orientation);
    }

    // After any cursor move: frame a new step, pulse the marker, reset the units field.
    void after_navigation(App& app) {
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
    void navigate(App& app, const Outcome& outcome) {
        if (!outcome.ok())
            app.notify(outcome.reason.empty() ? outcome.code : outcome.reason);
        after_navigation(app);
    }

    void report(App& app, const Outcome& outcome) {
        if (!outcome.ok()) {
            last_refusal_ = outcome.reason.empty() ? outcome.code : outcome.reason;
            app.notify(last_refusal_, Severity::warning);
        } else {
            last_refusal_.clear();
        }
    }

    // A recorded action: report, then follow the cursor.
    void act(App& app, const Outcome& outcome) {
        report(app, outcome);
        after_navigation(app);
    }

    void find_resume_offer(const App& app) {
        resume_.reset();
        if (!app.protocol().usable())
            return;
        std::error_code ec;
        const fs::path dir = default_sessions_dir();
        if (!fs::is_directory(dir, ec))
            return;
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".jsonl")
                files.push_back(e.path());
        std::sort(files.begin(), files.end()); // names start with the UTC start time
        for (auto it = files.rbegin(); it != files.rend(); ++it) {
            auto read = read_session_record(*it);
            if (!read.value || has_errors(read.diagnostics) || !read.value->start())
                continue;
            const SessionRecord& record = *read.value;
            if (record.start()->protocol_id != app.protocol().protocol->id)
                continue;
            if (record.actions.back().kind == ActionKind::finish)
                return; // the newest session of this protocol is finished: nothing to resume
            auto replay = replay_session_record(record, app.protocol().protocol);
            if (!replay.value || has_errors(replay.diagnostics))
                continue;
            ResumeOffer offer{record, "", 0, 0, record.start()->label};
            if (auto t = replay.value->started_at())
                offer.when = local_time(*t);
            const SessionTallies t = replay.value->tallies();
            offer.injected = t.injected;
            offer.skipped = t.skipped;
            resume_ = std::move(offer);
            return;
        }
    }

    void start(App& app) {
        const LoadedProtocol& loaded = app.protocol();
        SessionStart info;
        info.protocol_id = loaded.protocol->id;
        info.protocol_path = loaded.path.string();
        info.protocol_sha256 = file_sha256(loaded.path).value_or("");
        info.model = app.model() ? app.model()->id : "";
        info.label = label_;
        info.injmap_version = kVersion;
        const fs::path path =
            default_record_path(loaded.protocol->id, std::chrono::system_clock::now());
        auto created = SessionRecorder::create(path, loaded.protocol, info);
        if (!created.value || has_errors(created.diagnostics)) {
            app.notify("Cannot start the session record: " +
                           (created.diagnostics.empty()
                                ? path.string()
                                : format_diagnostic(created.diagnostics.front())),
                       Severity::error);
            return;
        }
        recorder_.emplace(std::move(*created.value));
        prepare_checklist();
        resume_.reset();
        app.notify("Session started; recording to " + recorder_->path().string());
        last_cursor_.reset();
        after_navigation(app);
        frame_current_step(app, true);
    }

    void resume(App& app) {
        if (!resume_)
            return;
        auto resumed = SessionRecorder::resume(resume_->record, app.protocol().protocol);
        if (!resumed.value && !resumed.diagnostics.empty() &&
            resumed.diagnostics.front().rule == "record.locked") {
            // One writer at a time: say who has it, in words.
            const auto holder = record_lock_holder(resume_->record.path);
            app.notify("This record is open in another injmap window (" +
                           (holder ? "process " + std::to_string(*holder)
                                   : std::string("another process")) +
                           "). Close the session there to continue it here.",
                       Severity::error);
            return;
        }
        if (!resumed.value || has_errors(resumed.diagnostics)) {
            app.notify("Cannot resume: " + (resumed.diagnostics.empty()
                                                ? resume_->record.path.string()
                                                : format_diagnostic(resumed.diagnostics.front())),
                       Severity::error);
            return;
        }
        for (const Diagnostic& d : resumed.diagnostics)
            if (d.severity == Severity::warning)
                app.notify(escape_control(d.message), Severity::warning);
        recorder_.emplace(std::move(*resumed.value));
        prepare_checklist();
        std::snprintf(label_, sizeof label_, "%s", recorder_->session().start_info().label.c_str());
        resume_.reset();
        app.notify("Session resumed: " + recorder_->path().filename().string());
        last_cursor_.reset();
        after_navigation(app);
        frame_current_step(app, true);
    }

    void inject(App& app) { act(app, recorder_->inject(units_input_)); }

    void finish(App& app) {
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

    // ---- the pre-treatment checklist ----
    bool needs_checklist() const {
        return started() && !finished() && !session().checklist_satisfied();
    }

    // Reads the shipped checklist once, gives it to the session, and clears the answers.
    void prepare_checklist() {
        if (!checklist_ && checklist_error_.empty()) {
            Result<Checklist> read = read_shipped_checklist();
            if (read.ok())
                checklist_ = std::make_shared<const Checklist>(std::move(*read.value));
            else
                checklist_error_ = read.diagnostics.empty()
                                       ? std::string("unreadable")
                                       : format_diagnostic(read.diagnostics.front());
        }
        recorder_->set_checklist(checklist_);
        draft_ = ChecklistDraft{};
        if (checklist_) {
            draft_.answer.assign(checklist_->questions.size(), -1);
            draft_.reasons.assign(checklist_->questions.size(), {});
        }
    }

    // A yes by key puts the keyboard in its reason field (Enter there leaves it).
    void answer_next(int value) {
        for (std::size_t i = 0; i < draft_.answer.size(); ++i)
            if (draft_.answer[i] < 0) {
                draft_.answer[i] = value;
                if (value == 1)
                    draft_.focus_reason = static_cast<int>(i);
                return;
            }
    }

    void record_checklist(App& app) {
        if (!checklist_)
            return;
        ChecklistAnswers answers;
        answers.warning_acknowledged = draft_.acknowledged;
        for (std::size_t i = 0; i < checklist_->questions.size(); ++i) {
            if (draft_.answer[i] < 0)
                continue; // unanswered: the state machine names it
            const bool yes = draft_.answer[i] == 1;
            answers.answers.push_back(
                {checklist_->questions[i].id, yes, yes ? draft_.reasons[i].data() : ""});
        }
        const Outcome o = recorder_->answer_checklist(std::move(answers));
        draft_.refusal = o.ok() ? std::string() : o.reason;
        if (o.ok())
            app.notify("Checklist recorded; the session can go on.");
        act(app, o);
    }

    void checklist_card(App& app, float height) {
        section_heading(app, checklist_ ? checklist_->title.c_str() : "Before the first injection");
        ImGui::BeginChild("##checklist", ImVec2(0, height), false);
        if (!checklist_) {
            text_wrapped_coloured(colour::error,
                                  ("The pre-treatment checklist cannot be read, so this session "
                                   "cannot inject: " +
                                   checklist_error_)
                                      .c_str());
            ImGui::EndChild();
            return;
        }
        // The boxed warning, once per session, in a red-ruled box.
        const BoxedWarning& w = checklist_->boxed_warning;
        const ImVec2 top_left = ImGui::GetCursorScreenPos();
        ImGui::Indent(px(8));
        ImGui::Dummy(ImVec2(0, px(2)));
        ImGui::PushFont(app.fonts().bold);
        ImGui::PushStyleColor(ImGuiCol_Text, colour::error);
        ImGui::TextWrapped("%s", w.title.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::PushTextWrapPos(ImGui::GetContentRegionMax().x - px(8));
        ImGui::TextUnformatted(w.text.c_str());
        ImGui::PopTextWrapPos();
        if (draft_.acknowledged) {
            ImGui::TextColored(colour::done, "✓ Shown and acknowledged");
        } else if (primary_button("I have read the warning   A")) {
            draft_.acknowledged = true;
        }
        ImGui::Dummy(ImVec2(0, px(2)));
        ImGui::Unindent(px(8));
        const ImVec2 bottom_right(top_left.x + ImGui::GetContentRegionAvail().x,
                                  ImGui::GetCursorScreenPos().y);
        ImGui::GetWindowDrawList()->AddRect(top_left, bottom_right,
                                            ImGui::GetColorU32(colour::error), px(4), 0, px(2));
        ImGui::Spacing();

        text_muted("Ask before the first injection. A yes shows its guidance and needs a reason to "
                   "go on.");
        for (std::size_t i = 0; i < checklist_->questions.size(); ++i) {
            const ChecklistQuestion& q = checklist_->questions[i];
            ImGui::PushID(static_cast<int>(i));
            ImGui::Spacing();
            ImGui::TextWrapped("%zu. %s", i + 1, q.text.c_str());
            ImGui::RadioButton("No", &draft_.answer[i], 0);
            ImGui::SameLine();
            ImGui::RadioButton("Yes", &draft_.answer[i], 1);
            if (draft_.answer[i] == 1) {
                const bool contraindication = q.kind == ChecklistKind::contraindication;
                text_wrapped_coloured(
                    contraindication ? colour::error : colour::warning,
                    ((contraindication ? "Contraindication (label): " : "Caution: ") + q.guidance)
                        .c_str());
                std::string sources;
                for (const std::string& key : q.sources)
                    sources += (sources.empty() ? "" : ", ") + key;
                ImGui::PushFont(app.fonts().small);
                text_muted(("Source: " + sources + " · " + to_string(q.certainty)).c_str());
                ImGui::PopFont();
                ImGui::SetNextItemWidth(-1);
                if (draft_.focus_reason == static_cast<int>(i)) {
                    ImGui::SetKeyboardFocusHere();
                    draft_.focus_reason = -1;
                }
                ImGui::InputTextWithHint("##reason", "Reason to go on (required)",
                                         draft_.reasons[i].data(), draft_.reasons[i].size());
                if (std::strlen(draft_.reasons[i].data()) >= kMaxChecklistReasonBytes)
                    text_wrapped_coloured(colour::error, "A reason is at most 300 bytes.");
            }
            ImGui::PopID();
        }
        ImGui::Spacing();
        if (!draft_.refusal.empty())
            text_wrapped_coloured(colour::error, draft_.refusal.c_str());
        if (primary_button("Record the checklist  ⏎", -1))
            record_checklist(app);
        text_muted("Injecting is possible once the checklist is recorded.");
        ImGui::EndChild();
    }

    // ---- cards ----
    void start_card(App& app) {
        section_heading(app, "Session");
        if (resume_) {
            ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4{0.99f, 0.96f, 0.88f, 1.0f});
            const int broken_at = resume_->record.chain_broken_line;
            ImGui::BeginChild(
                "##resume",
                ImVec2(0, ImGui::GetFrameHeightWithSpacing() * (broken_at > 0 ? 4.4f : 3.2f)),
                true);
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextUnformatted("An unfinished session can be resumed");
            ImGui::PopFont();
            ImGui::TextWrapped("Started %s · %d injected, %d skipped%s%s", resume_->when.c_str(),
                               resume_->injected, resume_->skipped,
                               resume_->label.empty() ? "" : " · ", resume_->label.c_str());
            if (broken_at > 0) // record.chain-broken: shown, not fatal
                text_wrapped_coloured(
                    colour::error, ("Its hash chain breaks at line " + std::to_string(broken_at) +
                                    ": the file was changed outside injmap since it was written.")
                                       .c_str());
            if (primary_button("Resume  R"))
                resume(app);
            ImGui::SameLine();
            if (ImGui::Button("Start a new one instead"))
                resume_.reset();
            ImGui::EndChild();
            ImGui::PopStyleColor();
        }
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
        ImGui::Spacing();
    }

    void progress_line(App& app) {
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
        ImGui::Spacing();
    }

    void step_card(App& app, float height) {
        const Protocol& protocol = *app.protocol().protocol;
        const auto sites = protocol.sites();
        const auto cursor = cursor_index();
        if (!cursor || *cursor >= sites.size()) {
            section_heading(app, "All sites done");
            text_muted("Every site has been injected or skipped. Finish the session to write the "
                       "summary and chart, "
                       "or add follow-the-pain sites by clicking the skin.");
            if (primary_button("Finish session…   F", -1))
                open_finish_ = true;
            return;
        }
        const std::size_t i = *cursor;
        const Site& site = *sites[i];
        const int step_index = site_step_[i];
        const Step& step = protocol.steps[static_cast<std::size_t>(step_index)];

        ImGui::PushStyleColor(ImGuiCol_ChildBg, colour::card);
        ImGui::BeginChild("##card", ImVec2(0, height), true);
        ImGui::PushFont(app.fonts().small);
        ImGui::TextColored(colour::muted, "STEP %d OF %zu  ·  SITE %zu OF %zu", step_index + 1,
                           protocol.steps.size(), i + 1, sites.size());
        ImGui::PopFont();
        ImGui::PushFont(app.fonts().heading);
        ImGui::TextWrapped("%s", step.title.c_str());
        ImGui::PopFont();
        ImGui::TextColored(colour::accent, "%s  ·  %s%s", display_name(site.muscle).c_str(),
                           side_long(site.side), site.optional ? "  ·  optional" : "");
        if (started()) {
            const SiteStatus st = session().status(i);
            if (st == SiteStatus::injected)
                ImGui::TextColored(colour::done, "✓ Injected %s U",
                                   format_units(session().sites()[i].units_given).c_str());
            else if (st == SiteStatus::skipped)
                ImGui::TextColored(colour::skipped, "Skipped: %s",
                                   session().sites()[i].reason.c_str());
        }
        ImGui::Separator();

        if (!step.instruction.empty())
            ImGui::TextWrapped("%s", step.instruction.c_str());
        ImGui::Spacing();
        if (ImGui::BeginTable("##facts", 2, ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
            auto row = [&](const char* key, const std::string& value, const ImVec4* c = nullptr) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextColored(colour::muted, "%s", key);
                ImGui::TableSetColumnIndex(1);
                if (c)
                    ImGui::PushStyleColor(ImGuiCol_Text, *c);
                ImGui::TextWrapped("%s", value.c_str());
                if (c)
                    ImGui::PopStyleColor();
            };
            const double per = protocol.stated_units_per_0_1_ml.value_or(
                protocol.reconstitution.units_per_0_1_ml());
            std::string units = format_units(site.units) + " U";
            if (per > 0) {
                char vol[48];
                std::snprintf(vol, sizeof vol, "  =  %.2g mL", site.units / per * 0.1);
                units += vol;
            }
            row("Units", units);
            std::string depth = site.depth_note;
            if (site.depth_mm)
                depth += (depth.empty() ? "" : "  ") + std::string("(about ") +
                         format_units(*site.depth_mm) + " mm)";
            if (!depth.empty())
                row("Depth, angle", depth);
            if (const std::string& path = needle_path_text(app, i); !path.empty())
                row("On this model",
                    path + " (site depth " + format_units(needle_depth_mm(site)) + " mm)",
                    &colour::muted);
            char needle[96];
            std::snprintf(needle, sizeof needle, "%d G, %s inch", protocol.needle.gauge,
                          format_units(protocol.needle.length_inch).c_str());
            row("Needle", needle);
            const std::string guidance = guidance_text(site.guidance);
            if (!guidance.empty())
                row("Guidance", guidance, &colour::warning);
            // Where the site comes from and how sure that is (protocol-format.md: source,
            // certainty), so a provisional position never looks like an established one.
            std::string sources;
            for (const std::string& key : site.sources)
                sources += (sources.empty() ? "" : ", ") + key;
            if (sources.empty())
                sources = "none named";
            const bool established = site.certainty == Certainty::established;
            row("Source", sources + " (" + to_string(site.certainty) + ")",
                established ? nullptr : &colour::muted);
            if (site.certainty == Certainty::provisional)
                row("Position", "Commonly taught; not verified against a source figure.",
                    &colour::muted);
            else if (site.certainty == Certainty::expert_opinion)
                row("Position", "Expert opinion; no published source.", &colour::muted);
            ImGui::EndTable();
        }
        if (!step.cautions.empty()) {
            ImGui::Spacing();
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextColored(colour::warning, "Cautions");
            ImGui::PopFont();
            for (const std::string& c : step.cautions) {
                ImGui::Bullet();
                ImGui::TextWrapped("%s", c.c_str());
            }
        }
        if (!protocol.needle.note.empty()) {
            ImGui::Spacing();
            ImGui::PushFont(app.fonts().small);
            text_muted(protocol.needle.note.c_str());
            ImGui::PopFont();
        }
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }

    void actions(App& app) {
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
        const float w =
            (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
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
        const float w2 =
            (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
        ImGui::BeginDisabled(!session().can_undo());
        if (ImGui::Button("Undo last  ⌫", ImVec2(w2, 0)))
            act(app, recorder_->back());
        ImGui::EndDisabled();
        ImGui::SameLine();
        if (ImGui::Button("Finish session…  F", ImVec2(w2, 0)))
            open_finish_ = true;
    }

    // Per muscle and side, from the sites the session (or, before it starts, the protocol) has.
    void dose_tally(App& app) {
        const Protocol& protocol = *app.protocol().protocol;
        section_heading(app, started() ? "Dose tally" : "Planned dose");
        struct Row {
            double left = 0, right = 0, mid = 0;
            double planned = 0;
        };
        std::map<std::string, Row> rows;
        std::vector<std::string> order;
        auto row_for = [&](const std::string& muscle) -> Row& {
            if (!rows.count(muscle))
                order.push_back(muscle);
            return rows[muscle];
        };
        if (started()) {
            for (const SessionSite& s : session().sites()) {
                Row& r = row_for(s.muscle);
                if (!s.optional && !s.added)
                    r.planned += s.planned_units;
                if (s.status != SiteStatus::injected)
                    continue;
                (s.side == Side::left    ? r.left
                 : s.side == Side::right ? r.right
                                         : r.mid) += s.units_given;
            }
        } else {
            for (const Site* s : protocol.sites()) {
                Row& r = row_for(s->muscle);
                if (s->optional)
                    continue;
                r.planned += s->units;
                (s->side == Side::left    ? r.left
                 : s->side == Side::right ? r.right
                                          : r.mid) += s->units;
            }
        }
        const SessionTallies t = started() ? session().tallies() : SessionTallies{};
        if (ImGui::BeginTable("##tally", 5,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn("Muscle", ImGuiTableColumnFlags_WidthStretch, 3.2f);
            ImGui::TableSetupColumn("L", ImGuiTableColumnFlags_WidthStretch, 0.7f);
            ImGui::TableSetupColumn("R", ImGuiTableColumnFlags_WidthStretch, 0.7f);
            ImGui::TableSetupColumn("Mid", ImGuiTableColumnFlags_WidthStretch, 0.8f);
            ImGui::TableSetupColumn(started() ? "Given" : "Total",
                                    ImGuiTableColumnFlags_WidthStretch, 1.4f);
            ImGui::TableHeadersRow();
            for (const std::string& m : order) {
                const Row& r = rows[m];
                const double total = r.left + r.right + r.mid;
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(display_name(m).c_str());
                for (int c = 0; c < 3; ++c) {
                    ImGui::TableSetColumnIndex(c + 1);
                    const double v = c == 0 ? r.left : c == 1 ? r.right : r.mid;
                    if (v > 0)
                        ImGui::TextUnformatted(format_units(v).c_str());
                    else
                        ImGui::TextColored(colour::muted, "·");
                }
                ImGui::TableSetColumnIndex(4);
                std::string cell = format_units(total);
                if (started())
                    cell += " / " + format_units(r.planned);
                const auto limit = protocol.limits.max_units_per_muscle.find(m);
                const bool over = limit != protocol.limits.max_units_per_muscle.end() &&
                                  total > limit->second + 1e-9;
                ImGui::TextColored(over ? colour::error : colour::text, "%s", cell.c_str());
                if (limit != protocol.limits.max_units_per_muscle.end() && ImGui::IsItemHovered())
                    ImGui::SetTooltip("Advised maximum for this muscle: %s U",
                                      format_units(limit->second).c_str());
            }
            ImGui::EndTable();
        }
        // Totals against the limits.
        const double planned = started() ? t.planned_units : protocol.total_units(false);
        const double given = started() ? t.total.units : 0.0;
        // The tightest refused total: the clinical-limits table's and the file's (dose_limits.hpp),
        // the same the session refuses past.
        std::optional<double> cap = t.total.limit;
        if (!started())
            for (const DoseLimit& d : dose_limits(protocol, applied_rules(protocol)))
                if (d.severity == Severity::error && d.scope == DoseScope::session_units)
                    cap = cap ? std::min(*cap, d.value) : d.value;
        ImGui::Spacing();
        ImGui::PushFont(app.fonts().bold);
        if (started())
            ImGui::Text("Total  %s U given  of  %s planned", format_units(given).c_str(),
                        format_units(planned).c_str());
        else
            ImGui::Text("Total  %s U  in %zu sites", format_units(planned).c_str(),
                        protocol.sites().size());
        ImGui::PopFont();
        if (cap) {
            const float fraction =
                static_cast<float>(std::min(1.0, (started() ? given : planned) / *cap));
            const bool over = started() ? t.total.over() : planned > *cap + 1e-9;
            ImGui::PushStyleColor(ImGuiCol_PlotHistogram, over ? ImVec4{0.95f, 0.70f, 0.70f, 1.0f}
                                                               : ImVec4{0.62f, 0.82f, 0.85f, 1.0f});
            char overlay[64];
            std::snprintf(overlay, sizeof overlay, "limit %s U", format_units(*cap).c_str());
            ImGui::ProgressBar(fraction, ImVec2(-1, 0), overlay);
            ImGui::PopStyleColor();
        }
        if (started() && (t.extra.units > 0 || protocol.limits.follow_the_pain)) {
            std::string extra = "Follow-the-pain  " + format_units(t.extra.units) + " U, " +
                                std::to_string(t.extra.sites) + " sites";
            if (t.extra.limit)
                extra += "  (max " + format_units(*t.extra.limit) + " U";
            if (t.extra_sites_limit)
                extra += ", " + std::to_string(*t.extra_sites_limit) + " sites)";
            else if (t.extra.limit)
                extra += ")";
            ImGui::TextColored(t.extra.over() ? colour::error : colour::optional, "%s",
                               extra.c_str());
        }
        // Warning limits the given doses are past: shown as `check` shows them, never refused.
        for (const std::string& w : started() ? session().warnings() : std::vector<std::string>{}) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(colour::warning, "%s", w.c_str());
            ImGui::PopTextWrapPos();
        }
        // Logistics: concentration, 0.1 mL injections, vials and waste.
        const Reconstitution& rc = protocol.reconstitution;
        const double per = rc.units_per_0_1_ml();
        const DoseLogistics logistics = dose_logistics(rc, started() ? t.projected_units : planned);
        ImGui::PushFont(app.fonts().small);
        ImGui::TextColored(colour::muted, "%s U per 0.1 mL  ·  %s U vial + %s mL saline",
                           format_units(per).c_str(), format_units(rc.vial_units).c_str(),
                           format_units(rc.diluent_ml).c_str());
        ImGui::TextColored(
            colour::muted, "%.0f × 0.1 mL%s  ·  %d vial%s  ·  %s U waste",
            started() ? t.given.injections_of_0_1_ml : logistics.injections_of_0_1_ml,
            started() ? " given" : "", logistics.vials_needed,
            logistics.vials_needed == 1 ? "" : "s", format_units(logistics.waste_units).c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Vials and waste for the planned dose (given so far plus the sites still to do).");
        ImGui::PopFont();
    }

    void summary_card(App& app) {
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
        ImGui::Spacing();
        if (ImGui::Button("Copy folder path"))
            ImGui::SetClipboardText(recorder_->path().parent_path().c_str());
        ImGui::SameLine();
        if (primary_button("New session")) {
            recorder_.reset();
            last_cursor_.reset();
            preview_ = 0;
            framed_step_ = -2;
            frame_current_step(app, true);
        }
    }

    // ---- popups ----
    void skip_popup(App& app) {
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
        bool confirm =
            ImGui::InputTextWithHint("##reason", "Reason (required)", reason_, sizeof reason_,
                                     ImGuiInputTextFlags_EnterReturnsTrue);
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

    void ftp_popup(App& app) {
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
        if (ftp_->muscle.empty()) {
            text_wrapped_coloured(colour::error, ftp_->refusal.c_str());
        } else {
            ImGui::TextWrapped("Add a follow-the-pain site in %s (%s) and record it as injected?",
                               display_name(ftp_->muscle).c_str(), side_long(ftp_->side));
            if (!ftp_->refusal.empty())
                text_wrapped_coloured(colour::warning, ftp_->refusal.c_str());
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("Units");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(px(120));
            ImGui::InputDouble("##ftpunits", &ftp_->units, 0.5, 1.0, "%.1f");
        }
        if (!ftp_outcome_.empty())
            text_wrapped_coloured(colour::error, ftp_outcome_.c_str());
        bool add = false;
        if (!ftp_->muscle.empty()) {
            add = primary_button("Add and record") ||
                  (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_ENTER, false));
            ImGui::SameLine();
        }
        const bool cancel = ImGui::Button(ftp_->muscle.empty() ? "Close" : "Cancel") ||
                            ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) ||
                            (ftp_->muscle.empty() && ImGui::IsKeyPressed(GLFW_KEY_ENTER, false));
        if (add) {
            const Outcome o = recorder_->add(ftp_->muscle, ftp_->side, ftp_->units, ftp_->point);
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

    void finish_popup(App& app) {
        if (open_finish_ && started() && !finished())
            ImGui::OpenPopup("Finish session");
        open_finish_ = false;
        ImGui::SetNextWindowSize({px(420), 0});
        if (!ImGui::BeginPopupModal("Finish session", nullptr,
                                    ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
            return;
        const SessionTallies t = session().tallies();
        ImGui::TextWrapped("Finish the session now? %d sites injected (%s U), %d skipped.",
                           t.injected, format_units(t.total.units).c_str(), t.skipped);
        if (t.pending > 0)
            text_wrapped_coloured(
                colour::warning,
                (std::to_string(t.pending) + " sites not done yet will be recorded as not given.")
                    .c_str());
        text_muted("The summary (JSON, CSV) and a chart image are saved next to the record.");
        const bool confirm =
            primary_button("Finish  ⏎") || ImGui::IsKeyPressed(GLFW_KEY_ENTER, false);
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

    float tally_height_ = 320.0f; // measured each frame, used the next
    float actions_height_ = 110.0f;
    std::optional<SessionRecorder> recorder_;
    std::optional<ResumeOffer> resume_;
    std::vector<int> site_step_; // protocol site index → step index
    std::size_t preview_ = 0;    // before the session starts: the site being looked at
    std::optional<std::size_t> last_cursor_;
    int framed_step_ = -2;
    double pulse_start_ = -1.0;
    bool scroll_to_current_ = true;
    double units_input_ = 5.0;
    char label_[kMaxLabelBytes + 1] = ""; // the buffer caps typing at the record's limit
    std::string last_refusal_;
    bool open_skip_ = false, focus_reason_ = false;
    char reason_[kMaxReasonBytes + 1] = "";
    std::string skip_refusal_;
    bool open_ftp_ = false;
    std::optional<FtpProposal> ftp_;
    // The step card's needle path in words, for one placed site at one position (cached: the
    // path is a few dozen ray queries, not worth redoing every frame).
    std::size_t path_site_ = static_cast<std::size_t>(-1);
    glm::vec3 path_position_{0.0f};
    std::string path_text_;

    const std::string& needle_path_text(App& app, std::size_t i) {
        const auto& placed = app.protocol().placed.sites;
        if (!app.queries() || i >= placed.size() || !placed[i].placed) {
            path_site_ = static_cast<std::size_t>(-1);
            path_text_.clear();
            return path_text_;
        }
        if (path_site_ != i || path_position_ != placed[i].position) {
            path_site_ = i;
            path_position_ = placed[i].position;
            path_text_ = describe_needle_path(needle_path(*app.queries(), placed[i]));
        }
        return path_text_;
    }
    std::string ftp_outcome_;
    bool open_finish_ = false;
    fs::path chart_path_;
    // The checklist being answered: per question -1 (not yet), 0 no, 1 yes, and the reasons.
    struct ChecklistDraft {
        std::vector<int> answer;
        std::vector<std::array<char, kMaxChecklistReasonBytes + 1>> reasons;
        bool acknowledged = false;
        std::string refusal;
        int focus_reason = -1; // the question whose reason field takes the keyboard next frame
    };
    std::shared_ptr<const Checklist> checklist_;
    std::string checklist_error_;
    ChecklistDraft draft_;
};

} // namespace

std::unique_ptr<Mode> make_clinician_mode(App& app) {
    return std::make_unique<ClinicianMode>(app);
}

} // namespace injmap::gui
