#pragma once
// The treatment session: a state machine over a protocol's sites, shared by the GUI and the
// headless `injmap session` command. Plain data, no I/O (the record on disk is session_record.hpp).
//
// Model
// - sites(): the protocol's sites in treatment order (steps in order, sites in order), then the
//   follow-the-pain (FTP) sites added during the session, in the order they were added.
// - A cursor (current()) points at one protocol site. inject/skip act on it; next/previous/go_to
//   move it without recording anything (the GUI uses them to review). After an inject or skip the
//   cursor moves to the next pending site after it (wrapping to the first pending one), or to none
//   when no protocol site is pending.
// - Recorded actions: start, checklist, inject, skip, back, add, finish. Each successful action is
//   appended to
//   history() with everything a replay needs (site, resolved units, time); session_record.hpp
//   writes exactly that. apply() takes such an action and is how a record is replayed.
// - checklist records the pre-treatment checklist (checklist.hpp): every answer (id → yes/no, a
//   reason for each yes) and that the boxed warning was shown and acknowledged. Once per session,
//   after start and before the first inject or add; it cannot be undone. In a session of record
//   format 3 or later (SessionStart::format; every new session) inject and add are refused until it
//   is done (session.checklist-required). Sessions started in format 1 or 2 (records written
//   before the checklist existed) replay and continue without it; they may still record one.
//   With a checklist definition (set_checklist), every question must be answered exactly once and
//   no other id is accepted; without one (replaying a record, whose questions may have been those
//   of an older checklist file) the ids are taken as recorded.
// - back undoes the last inject, skip or add (a stack: repeated backs keep undoing), restoring the
//   site's earlier state and putting the cursor back on it. start and finish cannot be undone.
// - add records an FTP site as already injected (follow-the-pain sites are added where the pain is,
//   and given at once). Its position comes from the GUI (a click on the skin); without one (the
//   headless command) the muscle's first protocol site on the same side, else on any side, stands
//   in for it: stand_in_site names that site and position_mm stays empty.
// - can_add asks, without recording anything, whether add would be accepted with the same
//   arguments: it runs the very checks add runs (add is can_add and then the change), so its
//   refusal carries the same code and reason add would give. The GUI uses it to explain and grey
//   out an add before it is tried.
// - inject_elsewhere is inject plus where the needle actually went, when the clinician moved the
//   site (over half of headache clinicians move PREEMPT sites): the actual and the planned points
//   are recorded on the inject line ("position_mm", "planned_mm"), so the offset is known without
//   the model (site_offset.hpp describes it in anatomical terms).
// - inject takes an optional reason, recorded on the inject line ("reason"), e.g. why a dose is
//   above the site's planned units. A dose above the plan is accepted within every error-severity
//   limit (the clinical-limits table's and the file's, as any dose); over_plan() tells whether a
//   dose is one. A skipped site can be injected later: go_to it (or name it) and inject; back
//   undoes that inject and the site is skipped again.
// - check_plan() asks whether the protocol's required sites, each at its planned units, stay
//   within every error-severity limit; when not, the refusal (session.plan-over-limit) names the
//   muscle and side to lower and by how much.
// - Entry rules (SessionEntryRules, set_entry_rules): rules for a person entering actions in the
//   GUI, off by default so the headless command, its scripts and every replay of a record keep
//   their behaviour: start refuses a plan past its limits (check_plan), inject refuses a dose
//   above the plan without a reason (session.over-plan-reason) and an optional site that was not
//   confirmed as such (session.optional-unconfirmed; an optional site counts as a
//   follow-the-pain extra). apply() of a replayed record is never subject to them.
// - finish is allowed any time after start (with or without the checklist); pending sites become
// not_given. Nothing is accepted
//   after finish.
//
// Limits: dose_limits() of the protocol (dose_limits.hpp) — the clinical-limits table's row for
// its indication, product and paradigm, plus the file's [limits]. The same list `check` applies:
// - error-severity limits are refused at inject and add: per site (a fixed dose such as PREEMPT's
//   5 U may be given less, never more), per side, session total and cumulative, site count,
//   per muscle, follow-the-pain extra units, sites and sites per muscle (extra = added sites +
//   injected optional protocol sites; add is also refused for muscles not in the FTP list);
// - warning-severity limits (per-muscle caps such as the SCM's 100 U, the suggested FTP sites per
//   muscle, the US label's 155 U, first-treatment advice) are never refused: warnings() lists
//   those the injected sites are past, and tallies() carries the per-muscle caps (over()).
//
// Refusal codes (stable; tests and the CLI use them):
//   session.not-started, session.already-started, session.finished, session.protocol-mismatch,
//   session.no-current-site, session.unknown-site, session.already-injected,
//   session.already-skipped, session.bad-units, session.units-required, session.over-site-limit,
//   session.over-total, session.over-site-count, session.reason-required, session.nothing-to-undo,
//   session.ftp-not-allowed, session.ftp-muscle, session.ftp-max-sites, session.ftp-max-units,
//   session.ftp-muscle-sites, session.no-next, session.no-previous, session.record-mismatch,
//   session.bad-position, session.too-long, session.checklist-required,
//   session.checklist-reason, session.checklist-incomplete, session.checklist-unknown,
//   session.checklist-duplicate, session.checklist-done, session.checklist-late,
//   session.bad-format, session.over-side-total, session.over-muscle-total,
//   session.plan-over-limit, session.over-plan-reason, session.optional-unconfirmed.
//
// Text limits (bytes of UTF-8; kMax*Bytes below): checked at entry — start, checklist, skip and
// add, and SessionRecorder's actions — and refused with session.too-long, so no line injmap writes
// is too long to read back. apply() alone (replaying a record) does not check them: limits are kept
// when text is typed or passed, never when a record is read.
//
// Time comes from the SessionClock given to the constructor (tests pass a fixed clock), truncated
// to whole seconds so a replay from the record (ISO 8601, seconds) gives back identical state.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/protocols/reconstitution.hpp"

namespace injmap {

using SessionTime = std::chrono::system_clock::time_point;
using SessionClock = std::function<SessionTime()>;

// Maximum lengths (bytes) of what a session records; longer text is refused at entry
// (session.too-long). label and reason are free text; ids are the protocol's, the model's, a
// muscle's and a site's; the protocol path is the file's absolute path; the digest is hex SHA-256.
inline constexpr std::size_t kMaxLabelBytes = 200;
inline constexpr std::size_t kMaxReasonBytes = 1000;
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::size_t kMaxProtocolPathBytes = 4096;
inline constexpr std::size_t kMaxDigestBytes = 64;
// A checklist answer's reason (shorter than a skip's: up to kMaxChecklistQuestions of them share
// one record line), and the most answers one checklist action may hold.
inline constexpr std::size_t kMaxChecklistReasonBytes = 300;
inline constexpr std::size_t kMaxChecklistAnswers = kMaxChecklistQuestions;

// The record format a new session is written in (session_record.hpp): 3 adds the checklist.
inline constexpr int kSessionFormat = 3;
// The first format whose sessions must record the checklist before injecting.
inline constexpr int kChecklistRequiredFormat = 3;

struct Outcome;
struct SessionAction;
// The text limits above for one action: done, or session.too-long naming the field and its limit.
[[nodiscard]] Outcome check_text_limits(const SessionAction& action);

// Stored states are pending, injected, skipped and not_given; `current` is what status() reports
// for the pending site under the cursor.
enum class SiteStatus { pending, current, injected, skipped, not_given };
enum class ActionKind { start, inject, skip, back, add, finish, checklist };

[[nodiscard]] const char* to_string(SiteStatus status);
[[nodiscard]] const char* to_string(ActionKind kind);
[[nodiscard]] std::optional<ActionKind> action_kind_from_string(std::string_view text);

// What a session is about; written on the record's first line. No patient-identifying data is
// needed: `label` is free text chosen by the user.
struct SessionStart {
    std::string protocol_id;     // empty: taken from the protocol
    std::string protocol_path;   // the file the protocol was read from
    std::string protocol_sha256; // optional: hex digest of that file, to notice a changed protocol
    std::string model;           // optional: model id shown
    std::string label;           // optional free text
    // optional: the injmap that wrote the record (`injmap --version`); empty in older records
    std::string injmap_version;
    int format = kSessionFormat; // the record format the session is written in (1 to 3)
};

// One recorded action. Fields a kind does not use stay empty.
struct SessionAction {
    ActionKind kind = ActionKind::inject;
    // inject/skip: the site acted on (empty: the current site); back: the site whose action was
    // undone; add: the new site's id (empty: assigned). A non-empty site is checked on apply.
    std::string site;
    std::optional<double> units; // inject/add; empty: the default (see inject/add)
    std::string reason;          // skip (required); inject (optional: why this dose)
    // inject: the person confirmed an optional site as an extra (entry rules; never recorded)
    bool optional_confirmed = false;
    std::optional<SessionTime> time; // empty: now, from the clock
    std::string muscle;              // add
    Side side = Side::midline;       // add
    // add: where on the skin (model space, mm), if known; inject: where the site was actually
    // injected when that was elsewhere than planned ("injected elsewhere"), with planned_mm
    std::optional<glm::vec3> position_mm;
    std::optional<glm::vec3> planned_mm; // inject elsewhere: where the plan put the site
    SessionStart start;                  // start
    ChecklistAnswers checklist;          // checklist
};

// The answer to an action or a navigation: done, or refused with a stable code and a reason.
struct Outcome {
    std::string code;   // empty when done; otherwise a refusal code listed above
    std::string reason; // one line, human readable
    [[nodiscard]] bool ok() const { return code.empty(); }
};

struct SessionSite {
    const Site* site = nullptr; // the protocol site; nullptr for an added FTP site
    std::string id;             // the protocol site id, or "ftp-<n>" for the n-th added site
    std::string muscle;
    Side side = Side::midline;
    double planned_units = 0.0; // the protocol's units (added sites: the units given)
    bool optional = false;      // an optional protocol site (counts as FTP extra when injected)
    bool added = false;         // an FTP site added during the session
    SiteStatus status = SiteStatus::pending; // stored state (never `current`)
    double units_given = 0.0;                // > 0 only when injected
    std::string reason; // why it was skipped; injected: the reason given with the dose, if any
    std::optional<SessionTime> time; // when it was injected or skipped
    // added sites: the position given, if any; protocol sites injected elsewhere: where
    std::optional<glm::vec3> position_mm;
    std::optional<glm::vec3> planned_mm; // injected elsewhere: where the plan put the site
    std::string stand_in_site; // added sites without a position: the protocol site standing in

    // A protocol site injected away from its planned point (position_mm and planned_mm both set).
    [[nodiscard]] bool moved() const { return !added && position_mm && planned_mm; }
};

// Units and site count against an optional limit.
struct Tally {
    double units = 0.0;
    int sites = 0;
    std::optional<double> limit; // units
    [[nodiscard]] bool over() const { return limit && units > *limit + 1e-9; }
};

// One muscle's units by side: what a dose table shows in its rows (the GUI's dose tally).
struct MuscleSideTally {
    std::string muscle;
    std::map<Side, Tally> given;    // injected units and sites, by the site's side
    std::map<Side, double> planned; // the required (non-optional, not added) sites' units by side
    double given_units = 0.0;       // over every side
    double planned_units = 0.0;     // over every side
    std::optional<double> limit;    // the muscle's cap (as per_muscle[muscle].limit)
    [[nodiscard]] bool over() const { return limit && given_units > *limit + 1e-9; }
    // The units on one side: given, or planned when `planned_only`.
    [[nodiscard]] double units(Side side, bool planned_only) const;
};

struct SessionTallies {
    Tally total; // injected units; limit = max_total_units
    // injected; limit = the tightest muscle_units limit of dose_limits() for the muscle (error or
    // warning severity, e.g. the file's max_units_per_muscle or the table's SCM cap)
    std::map<std::string, Tally> per_muscle;
    std::map<Side, Tally> per_side; // injected, by the site's side
    // Per muscle and side, one entry per muscle in the order the muscles first appear in sites()
    // (treatment order, added sites last). A session not started yet gives the plan.
    std::vector<MuscleSideTally> per_muscle_side;
    Tally extra; // FTP: added + injected optional sites; limit = max_extra_units
    std::optional<int> extra_sites_limit; // max_extra_sites
    std::optional<int> max_sites;         // limits.max_sites
    int injected = 0, skipped = 0, pending = 0, not_given = 0, added = 0;
    double planned_units = 0.0;   // the protocol's required (non-optional) sites
    double projected_units = 0.0; // given so far + planned units of pending required sites
    double units_per_0_1_ml = 0.0;
    DoseLogistics given;     // 0.1 mL injections, vials and waste for the units given
    DoseLogistics projected; // the same for projected_units (what to draw up)
};

// Rules for actions a person enters (see the header comment); all off by default.
struct SessionEntryRules {
    bool plan_within_limits = false; // start: refused when check_plan() refuses
    bool over_plan_reason = false;   // inject above the planned units needs a reason
    bool confirm_optional = false;   // inject of an optional site needs optional_confirmed
    // The rules the GUI applies to a clinician's entries: all of them.
    [[nodiscard]] static SessionEntryRules clinician() { return {true, true, true}; }
};

class Session {
public:
    // A missing clock means the system clock.
    explicit Session(std::shared_ptr<const Protocol> protocol, SessionClock clock = {});

    // Recorded actions.
    Outcome start(SessionStart info = {});
    // Injects the current site; units default to its planned units. Refused when units are not
    // finite or ≤ 0, above the per-site limit, or past the session/FTP limits. `reason` (optional)
    // is recorded with the dose; `confirm_optional` confirms an optional site (entry rules).
    Outcome inject(std::optional<double> units = std::nullopt, std::string reason = {},
                   bool confirm_optional = false);
    // inject, recording that the site was injected at `actual_mm` instead of its planned point
    // `planned_mm` (both model space, on the skin; the caller knows the placement, the session
    // does not). Refused with session.bad-position for a non-finite point.
    Outcome inject_elsewhere(glm::vec3 actual_mm, glm::vec3 planned_mm,
                             std::optional<double> units = std::nullopt, std::string reason = {},
                             bool confirm_optional = false);
    // Whether inject with the same arguments would be accepted now (same code, same reason as
    // inject would give). Records nothing.
    [[nodiscard]] Outcome can_inject(std::optional<double> units = std::nullopt,
                                     std::string_view reason = {},
                                     bool confirm_optional = false) const;
    // Whether `units` at site `index` is above its planned units (a dose that wants a reason).
    [[nodiscard]] bool over_plan(std::size_t index, double units) const;
    // Whether the protocol's required sites at their planned units stay within every
    // error-severity limit: done, or session.plan-over-limit naming the muscle to lower.
    [[nodiscard]] Outcome check_plan() const;
    void set_entry_rules(SessionEntryRules rules) { entry_rules_ = rules; }
    [[nodiscard]] const SessionEntryRules& entry_rules() const { return entry_rules_; }
    Outcome skip(std::string reason); // a reason is required
    Outcome back();
    // Adds and injects an FTP site. Units default to the muscle's first protocol site's units, else
    // limits.units_per_site (session.units-required when neither exists).
    Outcome add(std::string muscle, Side side, std::optional<double> units = std::nullopt,
                std::optional<glm::vec3> position_mm = std::nullopt);
    // Whether add with the same arguments would be accepted now: done, or the refusal add would
    // give (same code, same reason). Records nothing.
    [[nodiscard]] Outcome can_add(std::string_view muscle, Side side,
                                  std::optional<double> units = std::nullopt,
                                  std::optional<glm::vec3> position_mm = std::nullopt) const;
    Outcome finish();
    // Records the pre-treatment checklist (see the header comment).
    Outcome answer_checklist(ChecklistAnswers answers);
    // The general form of the six above, used to replay a record.
    Outcome apply(const SessionAction& action);

    // Navigation: moves the cursor over the protocol sites; nothing is recorded.
    Outcome next();
    Outcome previous();
    Outcome go_to(std::string_view site_id);

    [[nodiscard]] const Protocol& protocol() const { return *protocol_; }
    [[nodiscard]] const std::shared_ptr<const Protocol>& protocol_ptr() const { return protocol_; }
    [[nodiscard]] bool started() const { return started_at_.has_value(); }
    [[nodiscard]] bool finished() const { return finished_at_.has_value(); }
    [[nodiscard]] std::optional<SessionTime> started_at() const { return started_at_; }
    [[nodiscard]] std::optional<SessionTime> finished_at() const { return finished_at_; }
    [[nodiscard]] const SessionStart& start_info() const { return start_; }

    // The checklist the answers are checked against (none: ids are not checked; see above).
    void set_checklist(std::shared_ptr<const Checklist> checklist) {
        checklist_ = std::move(checklist);
    }
    [[nodiscard]] const std::shared_ptr<const Checklist>& checklist() const { return checklist_; }
    // Whether inject and add wait for the checklist (a session of format 3 or later).
    [[nodiscard]] bool checklist_required() const {
        return start_.format >= kChecklistRequiredFormat;
    }
    // The answers recorded, if any, and when.
    [[nodiscard]] const std::optional<ChecklistAnswers>& checklist_answers() const {
        return checklist_answers_;
    }
    [[nodiscard]] std::optional<SessionTime> checklist_time() const { return checklist_at_; }
    // True when inject and add may go ahead as far as the checklist is concerned.
    [[nodiscard]] bool checklist_satisfied() const {
        return checklist_answers_.has_value() || !checklist_required();
    }

    [[nodiscard]] const std::vector<SessionSite>& sites() const { return sites_; }
    [[nodiscard]] std::size_t protocol_site_count() const { return protocol_sites_; }
    [[nodiscard]] std::optional<std::size_t> current() const {
        return cursor_;
    } // index into sites()
    [[nodiscard]] const SessionSite* current_site() const;
    [[nodiscard]] SiteStatus
    status(std::size_t index) const; // `current` for the cursor's pending site
    [[nodiscard]] std::optional<std::size_t> find(std::string_view site_id) const;

    [[nodiscard]] const std::vector<SessionAction>& history() const { return history_; }
    [[nodiscard]] bool can_undo() const { return !undo_.empty(); }
    [[nodiscard]] SessionTallies tallies() const;

    // The tightest refused per-site dose (error-severity limits of dose_limits()).
    [[nodiscard]] std::optional<double> site_unit_limit() const;
    // Warning-severity limits the injected sites are past, one line each ("muscle.cap: past at
    // most 100 U in sternocleidomastoid (label, STO)"). Shown, never refused — as in `check`.
    [[nodiscard]] std::vector<std::string> warnings() const;
    [[nodiscard]] const std::vector<DoseLimit>& limits() const { return dose_limits_; }
    // Whether this is the patient's first treatment of the protocol's indication, when a patient
    // is known (history.hpp): false drops the first-treatment advice (dose.first-session,
    // dose.first-session-site) from warnings(); unknown (the default) keeps it, as before.
    void set_first_treatment(std::optional<bool> first) { first_treatment_ = first; }
    [[nodiscard]] std::optional<bool> first_treatment() const { return first_treatment_; }
    // What add would give this muscle when no units are stated.
    [[nodiscard]] std::optional<double> default_add_units(std::string_view muscle) const;
    // The protocol site standing in for an added site's position (empty when the muscle has none).
    [[nodiscard]] std::string stand_in_site(std::string_view muscle, Side side) const;

private:
    struct Undo {
        ActionKind kind;
        std::size_t index;                 // the site acted on (add: the added site)
        SessionSite before;                // its state before the action
        std::optional<std::size_t> cursor; // the cursor before the action
    };

    Outcome check_active() const;
    // Every check of an inject or skip but the text limits; on success `index` is the site.
    Outcome check_site_action(const SessionAction& action, std::size_t& index) const;
    Outcome check_checklist(const ChecklistAnswers& answers, ChecklistAnswers& normalised) const;
    Outcome check_dose(const SessionSite& target, double units, bool extra) const;
    // Every check of an add action but the text limits (those are checked at entry, by add and
    // can_add alike; apply, replaying a record, does not); on success `site` is the site add
    // would append (id, muscle, side, units; not yet injected).
    Outcome check_add(const SessionAction& action, SessionSite& site) const;
    bool counts_towards(const DoseLimit& limit, const SessionSite& s, Side side) const;
    double quantity(const DoseLimit& limit, Side side) const;
    double quantity_with(const DoseLimit& limit, const SessionSite& target, double units,
                         bool extra) const;
    SessionTime now(const SessionAction& action) const;
    void advance_from(std::size_t index);
    int injected_sites() const;

    std::shared_ptr<const Protocol> protocol_;
    SessionClock clock_;
    SessionStart start_;
    std::vector<SessionSite> sites_;
    std::size_t protocol_sites_ = 0;
    std::optional<std::size_t> cursor_;
    std::optional<SessionTime> started_at_, finished_at_;
    std::vector<Undo> undo_;
    std::vector<SessionAction> history_;
    std::vector<DoseLimit> dose_limits_;         // the table's and the file's (dose_limits.hpp)
    std::vector<std::string> table_ftp_muscles_; // the table's FTP muscles (empty: no narrowing)
    std::shared_ptr<const Checklist> checklist_;
    std::optional<ChecklistAnswers> checklist_answers_;
    std::optional<SessionTime> checklist_at_;
    SessionEntryRules entry_rules_;
    std::optional<bool> first_treatment_;
};

} // namespace injmap
