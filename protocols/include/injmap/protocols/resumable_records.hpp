#pragma once
// Finding session records to resume: the records of one protocol in a folder (the GUI's sessions
// folder, default_sessions_dir()), each read and replayed, newest first, with what a clinician
// needs to choose one: when it was started, its label, how far it got and whether it is damaged.
// Reads only: nothing is written, cut or locked (resuming is SessionRecorder::resume).
//
// What is listed
// - Files ending in .jsonl whose first line is a session start for the protocol's id. Anything
//   else in the folder is skipped without a word: other files (summaries, protocol copies, damaged
//   tails kept aside), records of other protocols, .jsonl files that are not records (no start
//   line), sub-folders, and files over kMaxRecordBytes.
// - Order: newest first, by file name (record names begin with the UTC start time,
//   default_record_path), the order the GUI offers them in.
// - Each record is replayed with `protocol` (the one the GUI has loaded).
//
// Damage (RecordDamage), shown with the record:
//   none          reads and replays in full;
//   tail_cut      the last line was cut (record.truncated: a crash while writing it); resumable,
//                 and resuming keeps the cut line aside (record.tail-kept);
//   chain_broken  the hash chain breaks at damage_line (record.chain-broken: changed outside
//                 injmap); resumable, the change is shown;
//   unreadable    a record of this protocol that cannot be read in full (record.corrupt-line) or
//                 replayed (record.bad-action); listed, never resumable.
// diagnostics holds what reading and replaying said (errors for unreadable, warnings otherwise).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/session_record.hpp"

namespace injmap {

enum class RecordDamage { none, tail_cut, chain_broken, unreadable };
[[nodiscard]] const char* to_string(RecordDamage damage);

struct ResumableRecord {
    std::filesystem::path path;
    std::string protocol_id;
    std::string label;                  // the start line's free text
    std::optional<SessionTime> started; // the start line's time
    bool finished = false;              // unreadable: the last intact line is a finish
    // Progress (from the replay; all zero when unreadable).
    int injected = 0, skipped = 0, pending = 0, added = 0;
    int protocol_sites = 0; // the protocol's sites
    double units_given = 0.0;
    RecordDamage damage = RecordDamage::none;
    int damage_line = 0; // the line the damage is at (chain_broken, unreadable), else 0
    Diagnostics diagnostics;
    std::optional<SessionRecord> record; // as read, for SessionRecorder::resume (not unreadable)
    // find_unfinished_records: false when no protocol could be found for the start line (the
    // record is listed with its label and start time, progress unknown, and is not resumable).
    bool protocol_found = true;
    std::string protocol_path; // the start line's protocol file (SessionStart::protocol_path)

    [[nodiscard]] bool resumable() const {
        return protocol_found && !finished && damage != RecordDamage::unreadable &&
               record.has_value();
    }
};

// The records of `protocol` in `folder`, newest first (see above). A folder that does not exist
// or cannot be listed gives an empty list.
[[nodiscard]] std::vector<ResumableRecord>
find_session_records(const std::filesystem::path& folder,
                     const std::shared_ptr<const Protocol>& protocol);

// The protocol a record was started with, found from its start line (protocol_id and
// protocol_path): null when it cannot be found or read.
using RecordProtocolLookup =
    std::function<std::shared_ptr<const Protocol>(const SessionStart& start)>;

// Every unfinished session record in `folder`, whatever its protocol, newest first: the GUI's
// "Recent sessions" list at start. Each record's protocol comes from `lookup` (called once per
// protocol id) and the record is listed as find_session_records lists it (progress, damage).
// Listed: records whose last action is not a finish, unreadable ones included (damage shown, not
// resumable), and records whose protocol `lookup` cannot give (protocol_found false). Skipped:
// finished records, files that are not session records, sub-folders, other files.
[[nodiscard]] std::vector<ResumableRecord>
find_unfinished_records(const std::filesystem::path& folder, const RecordProtocolLookup& lookup);

// The one record the GUI offers to resume: the newest record, if it is unfinished and resumable.
// Unreadable records are passed over unless their last line reads as a finish; when the newest
// one is finished there is nothing to resume (an older unfinished session was left behind on
// purpose). nullptr: none.
[[nodiscard]] const ResumableRecord* record_to_resume(const std::vector<ResumableRecord>& records);

// record_to_resume(find_session_records(folder, protocol)) without reading every record: records
// are read newest first, those of other protocols skipped by their start line, and the search
// stops at the record that decides. What the GUI offers at start, cheap when the folder holds
// years of sessions.
[[nodiscard]] std::optional<ResumableRecord>
find_record_to_resume(const std::filesystem::path& folder,
                      const std::shared_ptr<const Protocol>& protocol);

} // namespace injmap
