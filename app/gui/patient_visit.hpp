#pragma once
// A session for a patient, without a window (docs/history.md): what `injmap session play
// --patient` and the clinician window both do with the treatment history, so the two cannot
// drift apart. Filing a finished session (file_finished_session) and letting history.cumulative
// through with a recorded reason (apply_history_override) are shared; the rest is what the window
// shows: the last treatment in plain words, the previous treatment's sites as faint "ghost"
// markers over this one's, and units per muscle and side, this visit against the last.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "injmap/protocols/history.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/render/frame.hpp"

namespace injmap {

// Turns the history.cumulative errors of `cross` into warnings that say "overridden: REASON" when
// `reason` is not empty. Returns whether one was overridden (the treatment then carries the
// reason as its override_reason).
bool apply_history_override(Diagnostics& cross, const std::string& reason);

// Files a finished session under `patient` in one transaction: reads the record's bytes back and
// the protocol as used (the copy beside the record, else `protocol_path`), builds the treatment
// row, sets its patient and override reason, and adds it. The treatment's id, or the diagnostics
// (db.io when the record or protocol cannot be read back; the store's db.* otherwise). A record
// already filed gives id 0.
[[nodiscard]] Result<std::int64_t> file_finished_session(HistoryStore& store,
                                                         const Session& session,
                                                         const std::filesystem::path& record_path,
                                                         const std::filesystem::path& protocol_path,
                                                         const std::string& patient,
                                                         const std::string& override_reason);

} // namespace injmap

namespace injmap::gui {

// "12 weeks and 3 days", "1 week", "5 days" (whole days, rounded down).
[[nodiscard]] std::string weeks_and_days(double weeks);
// "5 January 2026" from an ISO 8601 date or time; the text itself when it is not one.
[[nodiscard]] std::string plain_date(const std::string& iso);

// The "Last treatment" box: one line each, in calm plain words. Empty when there is none.
//   "5 January 2026 · preempt-155 · 155 U"
//   "Corrugator 10 U, Frontalis 20 U, …"
//   "12 weeks and 3 days ago" ("Today" the same day)
//   "Next due 30 March 2026 (12 weeks after)"
[[nodiscard]] std::vector<std::string> last_treatment_lines(const VisitContext& context);

// The units the plan gives: the protocol's required sites at their planned units (what the
// cross-visit rules weigh before anything is given).
[[nodiscard]] double planned_units(const Protocol& protocol);

// The previous treatment's sites as ghost markers (render::MarkerState::ghost), for the sites it
// injected: a site given elsewhere at the position recorded, any other at the same site's
// placement on the current model (`placed` parallel to protocol.sites()); a site with neither is
// left out. Each marker's hover text (kept beside it: the snapshot holds only what is drawn) says
// what was given there last time, and for a moved site how far and which way from the current
// plan's point: "last visit: moved 8 mm: 6 mm lateral, 5 mm up · Frontalis (left) 5 U". Markers are
// numbered after `first_number`.
struct GhostMarker {
    render::Marker marker; // id "last:<site id>", state ghost, no label
    std::string hover;     // what the mouse resting on it shows
};
[[nodiscard]] std::vector<GhostMarker> ghost_markers(const TreatmentRow& last,
                                                     const Protocol& protocol,
                                                     const PlacedProtocol& placed,
                                                     int first_number);

// Units by muscle and side, this visit against the last (rows sorted by muscle, then side; a
// muscle given in either visit has a row).
struct MuscleComparison {
    std::string muscle;
    std::string side; // left, right, midline
    double now = 0.0;
    double last = 0.0;
};
[[nodiscard]] std::vector<MuscleComparison> compare_by_muscle(const Session& now,
                                                              const TreatmentRow& last);

} // namespace injmap::gui
