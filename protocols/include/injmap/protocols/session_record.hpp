#pragma once
// The session record on disk: JSON Lines, one object per recorded action (docs/session-record.md).
//
// Guarantees
// - Every action is written as one line with a single write loop and then fsync'ed before the
//   action counts as done (SessionRecorder::apply returns). A new record's folder is fsync'ed after
//   the file is created. A crash or kill at any moment therefore loses at most the line in flight.
// - A line counts only when it ends with a newline. On reading, the last line is ignored with the
//   warning record.truncated when it has no newline or is not valid JSON (the line in flight); any
//   other unreadable line is the error record.corrupt-line with its line number.
// - Reading never writes: read_session_record, replay_session_record and the summaries functions
//   never change the record. Only appending (RecordFile::open_for_append, i.e.
//   SessionRecorder::resume) cuts a damaged tail off, after copying it to
//   <record>.damaged-<YYYYmmddTHHMMSSZ> beside the record (fsync'ed, never overwriting; warning
//   record.tail-kept), so new lines never join old garbage and no byte is lost.
// - Reading replays the lines through the Session state machine; an action it refuses is the error
//   record.bad-action with the line number.
//
// Rule ids (stable): record.io, record.too-large, record.empty, record.truncated (warning),
// record.corrupt-line, record.format, record.bad-action, record.protocol-mismatch,
// record.protocol-changed (warning), record.exists, record.tail-kept (warning), record.locked,
// record.chain-broken (warning when reading, error in verify), record.protocol-copy (warning).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/record_time.hpp" // format_iso8601_utc, parse_iso8601_utc
#include "injmap/protocols/session.hpp"

namespace injmap {

// Format 2 adds the hash chain ("prev", "self"); format 3 the checklist action (and requires it
// before the first inject or add). Format 1 and 2 records are still read, verified and replayed.
inline constexpr int kSessionRecordFormat = kSessionFormat;
// Lines longer than this are never written by injmap; a longer one is corrupt (or the cut tail).
inline constexpr std::size_t kMaxRecordLineBytes = 64 * 1024;
// An upper bound on any line injmap writes: every text field at its entry limit (session.hpp),
// each byte escaped to the longest JSON form ("\u0001": 6 bytes), plus 1 KiB for the keys, the
// time, the numbers and the hashes. Reading accepts every line injmap can write.
inline constexpr std::size_t kMaxWrittenLineBytes =
    6 * (3 * kMaxIdBytes + kMaxProtocolPathBytes + kMaxDigestBytes + kMaxLabelBytes +
         kMaxReasonBytes) +
    1024;
static_assert(kMaxWrittenLineBytes < kMaxRecordLineBytes,
              "a line injmap writes must never be one it refuses to read");
// The same bound for a checklist line: every answer's id and reason at their limits, escaped, plus
// 64 bytes of keys per answer and 1 KiB for the rest.
inline constexpr std::size_t kMaxWrittenChecklistLineBytes =
    kMaxChecklistAnswers * (6 * (kMaxIdBytes + kMaxChecklistReasonBytes) + 64) + 1024;
static_assert(kMaxWrittenChecklistLineBytes < kMaxRecordLineBytes,
              "a checklist line injmap writes must never be one it refuses to read");
// Records are a few kilobytes; anything above this is not a record and is not read.
inline constexpr std::uintmax_t kMaxRecordBytes = 64ull * 1024 * 1024;

// One action as one record line (no newline), and back. parse_record_line returns nullopt and sets
// `error` for anything that is not a well-formed action object.
//
// Tamper evidence (format 2): every line ends with "self", the SHA-256 (hex) of the line's own
// bytes as they would be without it — everything before `,"self":"` followed by `}` — and every
// line but the start carries "prev", the SHA-256 of the previous line's bytes (the whole line,
// without its newline). `prev_sha256` empty: no "prev" (the start line).
[[nodiscard]] std::string record_line(const SessionAction& action,
                                      std::string_view prev_sha256 = {});
// The "self" check of one format-2 line: true when it ends with a "self" matching its bytes.
[[nodiscard]] bool record_line_self_ok(std::string_view line);
[[nodiscard]] std::optional<SessionAction> parse_record_line(std::string_view line,
                                                             std::string& error);

// A record as read: the intact actions with their line numbers.
struct SessionRecord {
    std::filesystem::path path;
    std::vector<SessionAction> actions; // the first is `start`
    std::vector<int> lines;             // 1-based line of each action
    std::uintmax_t valid_bytes = 0;     // length of the intact part (without a cut last line)
    std::uintmax_t read_bytes = 0;      // length of everything read, damaged tail included
    bool truncated = false;             // a cut last line was ignored
    int format = 0;                     // the start line's format (1: no hash chain)
    std::string last_line_sha256;       // SHA-256 of the last intact line (the chain's head)
    int chain_broken_line = 0;          // format 2: the first line breaking the chain, or 0

    [[nodiscard]] const SessionStart* start() const {
        return actions.empty() || actions.front().kind != ActionKind::start
                   ? nullptr
                   : &actions.front().start;
    }
};

// Parses a record (no replay). Errors: record.io, record.too-large, record.empty (no intact line),
// record.corrupt-line, record.format (first line not a start of format 1 to 3). In format 2 the
// first line breaking the hash chain is the warning record.chain-broken with its line: the record
// is still read (see verify_session_record for the strict check).
[[nodiscard]] Result<SessionRecord> read_session_record(const std::filesystem::path& path);
[[nodiscard]] Result<SessionRecord> parse_session_record(std::string_view text,
                                                         const std::string& display_path);

// Replays a parsed record through a fresh Session for `protocol`. Errors: record.protocol-mismatch
// (the record names another protocol id), record.bad-action (with the line).
[[nodiscard]] Result<Session> replay_session_record(const SessionRecord& record,
                                                    std::shared_ptr<const Protocol> protocol,
                                                    SessionClock clock = {});

// The strict check behind `injmap session verify`: every byte of the record accounted for.
// Format 2: intact when every line parses, every "self" matches its line, every "prev" its
// previous line, no last line is cut, and — when the summary next to the record exists and names
// the chain's head — the record ends with that line. Otherwise `diagnostics` holds the first
// problem as an error with its line: record.chain-broken (altered, removed, inserted or
// reordered lines), record.corrupt-line, record.truncated, record.format, record.empty.
// Format 1 (no chain) is checked for readability only. record.io / record.too-large: unreadable.
struct RecordVerification {
    int format = 0; // 0 when not even the start line could be read
    int lines = 0;  // intact lines read
    Diagnostics diagnostics;
    [[nodiscard]] bool intact() const { return format >= 2 && diagnostics.empty(); }
};
[[nodiscard]] RecordVerification verify_session_record(const std::filesystem::path& path);
// The same over bytes in memory; `summary_json` is the summary's text, empty when there is none.
[[nodiscard]] RecordVerification verify_session_record_text(std::string_view text,
                                                            std::string_view summary_json,
                                                            const std::string& display_path);

// <user_data_dir()>/sessions/<YYYYmmdd-HHMMSS>-<protocol>.jsonl, the time in UTC.
[[nodiscard]] std::filesystem::path default_sessions_dir();
[[nodiscard]] std::filesystem::path default_record_path(std::string_view protocol_id,
                                                        SessionTime time);

// SHA-256 of a file as 64 lowercase hex digits; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> file_sha256(const std::filesystem::path& path);
[[nodiscard]] std::string sha256_hex(std::string_view data);

// The summary next to a record: <name>.summary.json and <name>.summary.csv (<name> = the record's
// file name without .jsonl). CSV columns: site,muscle,side,units_given,status,time,reason,
// moved_mm,moved_direction (the last two empty unless the site was injected elsewhere).
[[nodiscard]] std::filesystem::path summary_json_path(const std::filesystem::path& record_path);
[[nodiscard]] std::filesystem::path summary_csv_path(const std::filesystem::path& record_path);
// The chain's head, written into the summary ("record_lines", "record_last_line_sha256") so that
// removing lines from the end of a finished record is noticed by verify.
struct RecordChainHead {
    int lines = 0;
    std::string last_line_sha256;
};
[[nodiscard]] std::string session_summary_json(const Session& session,
                                               const RecordChainHead* head = nullptr);
[[nodiscard]] std::string session_summary_csv(const Session& session);
// Writes both (each to a temporary file, fsync'ed, then renamed). Errors: record.io.
[[nodiscard]] Diagnostics write_session_summary(const Session& session,
                                                const std::filesystem::path& record_path,
                                                const RecordChainHead* head = nullptr);

// Self-contained records: SessionRecorder::create copies the protocol file as used to
// <name>.protocol.toml beside the record (0600, fsync'ed, before the start line) and sets the start
// line's protocol_sha256 to the copy's digest; a protocol file that cannot be copied is the warning
// record.protocol-copy (the record then depends on the file, as format 1 records do).
[[nodiscard]] std::filesystem::path
record_protocol_copy_path(const std::filesystem::path& record_path);
// The copy to replay `record` with: its path when it exists and matches the start line's
// protocol_sha256, else nullopt (a copy that does not match is the warning record.protocol-copy).
// When the copy is used, a protocol file that changed or vanished since is the warning
// record.protocol-changed — never an error.
[[nodiscard]] std::optional<std::filesystem::path> recorded_protocol(const SessionRecord& record,
                                                                     Diagnostics& diagnostics);

// The pid holding the record's append lock (from /proc/locks on Linux); nullopt when none is
// found (not locked, another OS, or the holder not visible from here).
[[nodiscard]] std::optional<long> record_lock_holder(const std::filesystem::path& path);

// An open record file: an append-only POSIX descriptor, closed on destruction. While open it holds
// an exclusive flock (LOCK_EX) on the file: one writer at a time. A second RecordFile on the same
// file — in another process or this one — fails with record.locked naming the holder's pid.
class RecordFile {
public:
    RecordFile() = default;
    ~RecordFile();
    RecordFile(RecordFile&& other) noexcept;
    RecordFile& operator=(RecordFile&& other) noexcept;
    RecordFile(const RecordFile&) = delete;
    RecordFile& operator=(const RecordFile&) = delete;

    // A new file (never overwrites: record.exists), its folder created and fsync'ed.
    static Result<RecordFile> create(const std::filesystem::path& path);
    // An existing file, cut to `valid_bytes` and fsync'ed. A damaged tail beyond `valid_bytes` is
    // first copied to <path>.damaged-<YYYYmmddTHHMMSSZ> (-2, -3... if that exists), fsync'ed with
    // its folder, and reported as the warning record.tail-kept naming that file; nothing is cut
    // when the copy fails (record.io).
    // With `read_bytes` (the size the file had when it was read), a file of another size once
    // locked is record.io: it changed since (e.g. another writer appended) and is not cut.
    static Result<RecordFile> open_for_append(const std::filesystem::path& path,
                                              std::uintmax_t valid_bytes,
                                              std::optional<std::uintmax_t> read_bytes = {});

    // Writes line + '\n' and fsyncs; false (with errno text in `error`) when that failed.
    bool append_line(std::string_view line, std::string& error);
    [[nodiscard]] bool is_open() const { return fd_ >= 0; }
    [[nodiscard]] int lines_written() const { return lines_written_; }

    // Testing only (crash tests; set by `injmap session` from INJMAP_TEST_DIE_AFTER /
    // INJMAP_TEST_DIE_DURING): the process kills itself with SIGKILL right after the n-th line
    // appended in this process (through any RecordFile) is fsync'ed or, with `mid_line`, after
    // writing and syncing only the first half of the n-th line. 0 turns it off.
    static void set_test_kill(int nth_line, bool mid_line) {
        test_kill_at_ = nth_line;
        test_kill_mid_line_ = mid_line;
    }

private:
    explicit RecordFile(int fd) : fd_(fd) {}
    int fd_ = -1;
    int lines_written_ = 0;
    static inline int test_kill_at_ = 0;
    static inline bool test_kill_mid_line_ = false;
    static inline int test_lines_appended_ = 0;
};

// A Session with its record: every successful action is appended (and fsync'ed) before apply
// returns; an action whose line cannot be written is not done (record.io). finish also writes
// the summary files.
class SessionRecorder {
public:
    // Creates the record file and writes the start line. `rules`: the session's entry rules
    // (Session::set_entry_rules; a start they refuse creates no file).
    static Result<SessionRecorder> create(const std::filesystem::path& path,
                                          std::shared_ptr<const Protocol> protocol,
                                          SessionStart start, SessionClock clock = {},
                                          SessionEntryRules rules = {});
    // Replays `record` and continues appending to its file (see RecordFile::open_for_append).
    // Only for appending: to look at a record, use replay_session_record, which writes nothing.
    // A finished record whose summary files are missing (a crash right after the finish line) gets
    // them written (a failure there is a record.io warning).
    static Result<SessionRecorder> resume(const SessionRecord& record,
                                          std::shared_ptr<const Protocol> protocol,
                                          SessionClock clock = {});

    // Applies and records. For finish, `Outcome::code` is "record.io" if the summary could not be
    // written although the finish itself was recorded (finished() tells).
    Outcome apply(const SessionAction& action);
    Outcome inject(std::optional<double> units = std::nullopt, std::string reason = {},
                   bool confirm_optional = false);
    Outcome inject_elsewhere(glm::vec3 actual_mm, glm::vec3 planned_mm,
                             std::optional<double> units = std::nullopt, std::string reason = {},
                             bool confirm_optional = false);
    // Session::set_first_treatment (the first-treatment advice, from a patient's history).
    void set_first_treatment(std::optional<bool> first) { session_.set_first_treatment(first); }
    // The session's entry rules (Session::set_entry_rules), e.g. after resume.
    void set_entry_rules(SessionEntryRules rules) { session_.set_entry_rules(rules); }
    Outcome skip(std::string reason);
    Outcome back();
    Outcome add(std::string muscle, Side side, std::optional<double> units = std::nullopt,
                std::optional<glm::vec3> position_mm = std::nullopt);
    Outcome finish();
    Outcome answer_checklist(ChecklistAnswers answers);
    // The checklist the answers are checked against (Session::set_checklist).
    void set_checklist(std::shared_ptr<const Checklist> checklist) {
        session_.set_checklist(std::move(checklist));
    }

    // Navigation is not recorded.
    Outcome next() { return session_.next(); }
    Outcome previous() { return session_.previous(); }
    Outcome go_to(std::string_view site_id) { return session_.go_to(site_id); }

    [[nodiscard]] const Session& session() const { return session_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] int lines() const { return lines_; } // lines in the file, including earlier ones
    // SHA-256 of the last line in the file (the next line's "prev").
    [[nodiscard]] const std::string& last_line_sha256() const { return last_sha256_; }
    RecordFile& file() { return file_; }

private:
    SessionRecorder(Session session, RecordFile file, std::filesystem::path path, int lines,
                    std::string last_sha256)
        : session_(std::move(session)), file_(std::move(file)), path_(std::move(path)),
          lines_(lines), last_sha256_(std::move(last_sha256)) {}

    Session session_;
    RecordFile file_;
    std::filesystem::path path_;
    int lines_ = 0;
    std::string last_sha256_; // of the last line in the file: the next line's "prev"
};

} // namespace injmap
