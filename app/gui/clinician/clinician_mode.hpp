#pragma once
// The clinician session guide's class, shared by the files that draw and drive it (private to
// app/gui; the mode is made by make_clinician_mode, mode.hpp). One file, one job:
//   mode_clinician.cpp        the mode's state and frame: protocol changes, the right column's
//                             layout, the cursor, navigation and how outcomes are reported
//   clinician/input.cpp       keys and clicks on the model
//   clinician/scene.cpp       what the 3D view shows: markers, labels, highlights, framing
//   clinician/steps_panel.cpp the step list in the left column
//   clinician/step_card.cpp   the current step and site card (units, depth, needle, sources)
//   clinician/site_actions.cpp the inject / skip / navigate / undo buttons, the skip dialog and
//                             the dialogs the session's entry rules ask for (a reason for a dose
//                             above the plan, the confirmation of an optional site)
//   clinician/dose_tally.cpp  the dose tally per muscle and side against the limits
//   clinician/session_flow.cpp starting, the progress line, finishing and the summary card
//   clinician/resume.cpp      offering and resuming an unfinished session's record
//   clinician/recent_sessions.cpp every unfinished session, any protocol, to resume at the start
//   clinician/checklist_card.cpp the pre-treatment checklist and boxed warning
//   clinician/ftp.cpp         adding a follow-the-pain site by clicking the skin
//   clinician/elsewhere.cpp   recording the current site as injected at another point of the skin
//   clinician/patient_card.cpp the patient: the field and list on the start card, the last
//                             treatment and the cross-visit rules, filing the finished session in
//                             the treatment history, the last visit's ghost and this visit vs last
// Every decision about what may be injected, skipped or added is the protocols library's (Session,
// SessionRecorder, find_session_records); these files only present and forward, and show the
// session's refusals in its own words.
#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <glm/vec3.hpp>

#include "gui/mode.hpp"
#include "gui/patient_visit.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/resumable_records.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/session_record.hpp"

namespace injmap::gui::clinician {

// The current marker pulses this long after it changes, then rests.
inline constexpr double kPulseSeconds = 2.4;
inline constexpr double kPulsePeriod = 0.8;

class ClinicianMode final : public Mode {
public:
    explicit ClinicianMode(App& app);

    // mode_clinician.cpp
    void on_protocol_changed(App& app) override;
    bool locks_protocol() const override { return recorder_ && !recorder_->session().finished(); }
    bool animating(const App& app) const override;
    void right_panel(App& app) override;
    void overlays(App& app) override;
    // clinician/input.cpp
    std::vector<Shortcut> shortcut_list() const override;
    void shortcuts(App& app) override;
    void on_pick(App& app, const PickHit& hit) override;
    void frame_current(App& app) override { frame_current_step(app, true); }
    // clinician/scene.cpp
    void decorate(const App& app, render::FrameSnapshot& frame) const override;
    // clinician/steps_panel.cpp
    void left_panel(App& app) override;
    // clinician/patient_card.cpp
    [[nodiscard]] std::string marker_hover(const std::string& id) const override;

private:
    // A follow-the-pain site proposed by a click on the skin, before it is added.
    struct FtpProposal {
        glm::vec3 point{0.0f};
        std::string muscle; // empty: no muscle under the point
        Side side = Side::midline;
        double units = 5.0;
    };
    // A protocol site injected elsewhere: the point clicked, before it is recorded.
    struct ElsewhereProposal {
        std::size_t site = 0; // session site index (the current one when proposed)
        glm::vec3 point{0.0f};
        glm::vec3 planned{0.0f};
        std::string muscle_under; // empty: no muscle under the point
        Side side_under = Side::midline;
        bool site_muscle_below = false; // the site's own muscle is under the point, within reach
    };
    // The checklist being answered: per question -1 (not yet), 0 no, 1 yes, and the reasons.
    struct ChecklistDraft {
        std::vector<int> answer;
        std::vector<std::array<char, kMaxChecklistReasonBytes + 1>> reasons;
        bool acknowledged = false;
        std::string refusal;
        int focus_reason = -1; // the question whose reason field takes the keyboard next frame
    };

    [[nodiscard]] bool started() const { return recorder_ && recorder_->session().started(); }
    [[nodiscard]] bool finished() const { return recorder_ && recorder_->session().finished(); }
    [[nodiscard]] const Session& session() const { return recorder_->session(); }

    // mode_clinician.cpp: the cursor and navigation.
    // The protocol site shown as current: the session's cursor, or the preview before starting.
    [[nodiscard]] std::optional<std::size_t> cursor_index() const;
    [[nodiscard]] int current_step_index(const App&) const;
    void index_protocol(const App& app);
    void move_preview(App& app, int delta);
    void after_navigation(App& app);
    void navigate(App& app, const Outcome& outcome);
    void report(App& app, const Outcome& outcome);
    void act(App& app, const Outcome& outcome);

    // clinician/scene.cpp
    void frame_current_step(App& app, bool force);

    // clinician/step_card.cpp
    void step_card(App& app, float height);
    const std::string& needle_path_text(App& app, std::size_t i);

    // clinician/site_actions.cpp
    void actions(App& app);
    // Tries the inject; the entry rules' refusals open their dialog instead of an error.
    void inject(App& app);
    // The current site with the named modal begun (the caller ends it), or null (see
    // site_actions.cpp).
    const SessionSite* begin_site_modal(const char* name, float width);
    void skip_popup(App& app);
    void dose_reason_popup(App& app);
    void optional_popup(App& app);

    // clinician/dose_tally.cpp
    void dose_tally(App& app);

    // clinician/session_flow.cpp
    void start_card(App& app);
    void product_fields();
    void start(App& app);
    void progress_line(App& app);
    void finish(App& app);
    void finish_popup(App& app);
    void summary_card(App& app);
    void new_session(App& app); // after finishing: back to the start card, the label cleared

    // clinician/resume.cpp
    void find_resume_offer(const App& app);
    void resume_box(App& app);
    void resume(App& app);

    // clinician/recent_sessions.cpp
    void scan_recent_sessions(const App& app);
    void recent_sessions(App& app);
    void resume_recent(App& app, std::size_t index);
    bool resume_newest_recent(App& app);

    // clinician/checklist_card.cpp
    [[nodiscard]] bool needs_checklist() const {
        return started() && !finished() && !session().checklist_satisfied();
    }
    void prepare_checklist();
    void answer_next(int value);
    void record_checklist(App& app);
    void checklist_card(App& app, float height);

    // clinician/ftp.cpp
    void propose_ftp(App& app, const PickHit& hit);
    void ftp_popup(App& app);

    // clinician/patient_card.cpp
    bool open_store(App& app); // opened the first time a patient is wanted; false: error shown
    void patient_card(App& app);
    void load_patient(App& app);  // the typed or picked id: its treatments, or a new patient
    void refresh_visit(App& app); // the context, rules and ghost for the current protocol
    void clear_patient();         //
    [[nodiscard]] bool patient_blocks_start() const; // history.cumulative without a reason
    void file_in_history(App& app); // after finishing: the treatment filed for the patient
    void last_visit_toggle();
    void comparison_table(App& app);
    void append_ghosts(render::FrameSnapshot& frame) const;

    // clinician/elsewhere.cpp
    [[nodiscard]] std::optional<glm::vec3> planned_point(const App& app, std::size_t index) const;
    void arm_elsewhere(App& app);
    void propose_elsewhere(App& app, const PickHit& hit);
    void elsewhere_popup(App& app);

    float tally_height_ = 320.0f; // measured each frame, used the next
    float actions_height_ = 110.0f;
    std::optional<SessionRecorder> recorder_;
    // Before the session starts: the protocol as a session not started, for the planned tallies.
    std::optional<Session> plan_;
    // The unfinished record offered for resuming (record_to_resume of find_session_records).
    std::optional<ResumableRecord> resume_;
    float resume_height_ = 0.0f; // the offer's height, measured each frame, used the next
    // Every unfinished record in the sessions folder (find_unfinished_records), with the title of
    // each one's protocol; read again every few seconds while shown.
    std::vector<ResumableRecord> recent_;
    std::vector<std::string> recent_titles_;
    double recent_scanned_at_ = -1.0;
    bool recent_show_all_ = false; // the first few, or all of them
    std::map<std::string, std::shared_ptr<const Protocol>> recent_protocols_; // read once, by id
    std::vector<int> site_step_; // protocol site index → step index
    std::size_t preview_ = 0;    // before the session starts: the site being looked at
    std::optional<std::size_t> last_cursor_;
    int framed_step_ = -2;
    double pulse_start_ = -1.0;
    bool scroll_to_current_ = true;
    double units_input_ = 5.0;
    char label_[kMaxLabelBytes + 1] = ""; // the buffer caps typing at the record's limit
    // Product and injector, noted on the record's start line and filed with the treatment; kept
    // from one session to the next (the same vial and hands through a clinic's morning).
    char injector_[kMaxLabelBytes + 1] = "";
    char lot_[kMaxLabelBytes + 1] = "";
    char expiry_[kMaxLabelBytes + 1] = "";
    char reconstituted_[kMaxLabelBytes + 1] = "";
    std::string last_refusal_;
    bool open_skip_ = false, focus_reason_ = false;
    char reason_[kMaxReasonBytes + 1] = "";
    std::string skip_refusal_;
    // Entry-rule dialogs (SessionEntryRules::clinician): the refusal that opened each, the
    // optional site confirmed for the pending inject, the reason typed for a dose above the plan.
    bool open_dose_reason_ = false, focus_dose_reason_ = false, open_optional_ = false;
    bool optional_confirmed_ = false;
    std::string entry_prompt_, dose_reason_refusal_;
    char dose_reason_[kMaxReasonBytes + 1] = "";
    bool focus_units_ = false;  // U: the units field takes the keyboard next frame
    std::string start_refusal_; // why the last start was refused (e.g. a plan past its limits)
    bool open_ftp_ = false;
    std::optional<FtpProposal> ftp_;
    std::string ftp_outcome_;
    // The step card's needle path in words, for one placed site at one position (cached: the
    // path is a few dozen ray queries, not worth redoing every frame).
    std::size_t path_site_ = static_cast<std::size_t>(-1);
    glm::vec3 path_position_{0.0f};
    std::string path_text_;
    // Injected elsewhere: armed (the next click on the skin is where), then the dialog.
    bool placing_elsewhere_ = false, open_elsewhere_ = false, elsewhere_optional_ = false;
    std::optional<ElsewhereProposal> elsewhere_;
    double elsewhere_units_ = 5.0;
    char elsewhere_reason_[kMaxReasonBytes + 1] = "";
    std::string elsewhere_refusal_;
    bool open_finish_ = false;
    std::filesystem::path chart_path_;
    std::shared_ptr<const Checklist> checklist_;
    std::string checklist_error_;
    ChecklistDraft draft_;
    // The patient (docs/history.md): the store, opened lazily; the id typed or picked; what the
    // history says for this protocol now; the last treatment's sites as ghosts.
    std::unique_ptr<HistoryStore> store_;
    bool store_tried_ = false;
    std::string store_error_;
    std::vector<std::string> known_patients_;
    char patient_[kMaxIdBytes + 1] = "";
    std::string patient_id_; // the patient loaded (empty: none)
    bool load_patient_pending_ = false;
    bool new_patient_ = false;
    int sex_ = 0;        // 0 not given, 1 female, 2 male, 3 other
    int birth_year_ = 0; // 0: not given
    std::vector<TreatmentRow> treatments_;
    VisitContext visit_;
    Diagnostics cross_; // the cross-visit rules at start (check_history)
    char override_reason_[kMaxReasonBytes + 1] = "";
    std::string filed_;      // after finishing: what filing said
    bool filed_ok_ = false;  //
    std::string overridden_; // the override reason the started session carries (empty: none)
    std::optional<TreatmentRow> last_full_; // the last treatment with its sites
    std::vector<GhostMarker> ghosts_;
    bool show_last_visit_ = true;
    float last_box_height_ = 0.0f; // measured each frame, used the next
};

} // namespace injmap::gui::clinician
