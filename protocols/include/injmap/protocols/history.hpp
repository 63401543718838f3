#pragma once
// A patient's treatment history (docs/history.md): patients, their finished treatments and each
// treatment's site actions, kept in a database behind one small interface, HistoryStore. SQLite
// (libsqlite3) is the default backend, at $XDG_DATA_HOME/injmap/injmap.db; a clinic whose rooms
// share one history sets INJMAP_DATABASE_URL=postgresql://… and gets the PostgreSQL backend
// (libpq) behind the same interface (open_history_store picks the backend from the URL; the two
// backends have the same tables and columns, and the same tests run on both).
//
// The JSON Lines record (session_record.hpp) stays the crash-safe journal of a session in progress;
// a finished session is committed to the store in one transaction, and a record can be imported
// later (import_records). A treatment is keyed by its record's SHA-256 (the bytes of the file), so
// importing the same record twice files it once. The store keeps the record's bytes and the
// protocol copy as used, so a treatment can be replayed from the store alone (replay_treatment).
//
// Cross-visit rules (check_history) run against a patient's earlier treatments:
//   history.interval    (warning) less than 12 weeks since the last treatment; below 10 weeks the
//                       message says so more strongly.
//   history.cumulative  (error) the product's cumulative limit (BOTOX: 400 U in any 90 days, all
//                       indications together) would be passed; a caller may let it through with a
//                       recorded reason (the treatment's override_reason).
//
// Store errors (stable rule ids; nothing is written when one is returned):
//   db.corrupt       the file is not a database, or is damaged
//   db.newer-schema  the database was written by a newer injmap (user_version above ours)
//   db.read-only     the file (or the store) cannot be written
//   db.locked        another process holds a write transaction (or a table) past the busy timeout
//   db.io            anything else the database reports (with its message)
//   db.unreachable   PostgreSQL: the server cannot be reached, refuses the connection (no such
//                    database, authentication failed) or the connection was lost
//   db.bad-url       INJMAP_DATABASE_URL is not a connection URL libpq can parse
//   db.unsupported   INJMAP_DATABASE_URL names a backend this build does not have
//   history.unknown-treatment, history.unknown-patient  (find_treatment, a patient not filed)
//   history.bad-record  (import: a record that cannot be read, replayed, or is not finished)
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/session.hpp"

namespace injmap {

// The schema this injmap writes (SQLite: PRAGMA user_version). Older databases are migrated on
// open for writing; a newer one is refused (db.newer-schema).
inline constexpr int kHistorySchemaVersion = 1;
// Retreatment: the label's interval, and the interval below which the warning is stronger.
inline constexpr int kRetreatmentWeeks = 12;
inline constexpr int kRetreatmentWeeksStrong = 10;

struct PatientRow {
    std::string id;                // local id or pseudonym, chosen by the clinic
    std::string sex;               // free text, may be empty
    std::optional<int> birth_year; //
    std::string model;             // model id usually shown for this patient
    std::string allergies;         // free text
    std::string contraindications; // the last checklist's answers (JSON), if any
    std::string notes;             // free text
    std::string created;           // ISO 8601 UTC
};

// One site of a treatment: what was given (or skipped) where.
struct SiteActionRow {
    std::string site;                     // protocol site id, or ftp-<n>
    std::string muscle;                   //
    std::string side;                     // left, right, midline
    std::string status;                   // injected, skipped, not_given
    double units = 0.0;                   // given (0 unless injected)
    std::string reason;                   // skip reason, or why this dose
    std::string time;                     // ISO 8601 UTC, empty if never acted on
    bool added = false;                   // a follow-the-pain site added during the session
    std::optional<glm::vec3> position_mm; // model space, when the site was placed by hand
    std::string anatomical; // the position in anatomical terms ("trapezius, left"), when moved
};

struct TreatmentRow {
    std::int64_t id = 0;
    std::string patient_id; // empty: imported without a patient
    std::string record_sha256;
    std::string record_path;   // where the record was when filed
    std::string record_text;   // the record's bytes (the journal), to replay it
    std::string protocol_text; // the protocol as used (the record's copy), empty if unknown
    std::string protocol_id;
    std::string protocol_sha256;
    std::string indication; // the protocol's indication id
    std::string product;    // the product id of the clinical-limits table (else as written)
    std::string started;    // ISO 8601 UTC
    std::string finished;   // ISO 8601 UTC
    std::string model;
    std::string label;
    std::string injector; // who injected (the record's start line; empty when not given)
    std::string lot;      // product lot (likewise)
    std::string expiry;   // lot expiry as printed on the vial (likewise)
    double units_per_0_1_ml = 0.0;
    std::string reconstituted; // when the vial was reconstituted (likewise)
    double units_given = 0.0;
    double waste_units = 0.0;
    int sites_injected = 0;
    std::string override_reason;      // why history.cumulative was overridden, if it was
    std::string checklist_json;       // the checklist answers, as JSON, empty if none
    std::vector<SiteActionRow> sites; // filled by find_treatment, not by list_treatments

    // Units given per muscle (every side together), from `sites` or the stored totals.
    std::map<std::string, double> per_muscle;
};

// What opening a store may do. busy_timeout_ms: how long a write waits for another writer before
// db.locked (INJMAP_DB_BUSY_TIMEOUT_MS overrides the default for the CLI).
struct HistoryOpenOptions {
    bool create = true;     // create (and migrate) the database when it does not exist
    bool read_only = false; // never write (reads only; writes are db.read-only)
    int busy_timeout_ms = 5000;
    // The defaults, with busy_timeout_ms from INJMAP_DB_BUSY_TIMEOUT_MS when it is a number.
    [[nodiscard]] static HistoryOpenOptions from_environment();
};

// The storage interface. Every call returns its errors as diagnostics with the rule ids above;
// every write is one transaction (BEGIN IMMEDIATE in SQLite): all of it or nothing.
class HistoryStore {
public:
    virtual ~HistoryStore() = default;
    HistoryStore() = default;
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Every patient's id, sorted (the clinician window's list to pick from).
    [[nodiscard]] virtual Result<std::vector<std::string>> list_patient_ids() = 0;
    [[nodiscard]] virtual Result<PatientRow> find_patient(std::string_view id) = 0;
    // Creates the patient when absent; an existing one keeps its fields (empty fields given are
    // left as they are). Returns whether a patient was created.
    [[nodiscard]] virtual Result<bool> ensure_patient(const PatientRow& patient) = 0;
    // A patient's treatments, oldest first, with per_muscle filled and `sites`, record_text and
    // protocol_text left empty (the timeline; cheap for hundreds of treatments).
    [[nodiscard]] virtual Result<std::vector<TreatmentRow>>
    list_treatments(std::string_view patient_id) = 0;
    // One treatment with everything: sites, the record's bytes and the protocol as used (enough
    // for replay_treatment). history.unknown-treatment when there is none.
    [[nodiscard]] virtual Result<TreatmentRow> find_treatment(std::int64_t id) = 0;
    // Files treatments (with their sites) in one transaction. A treatment whose record_sha256 is
    // already filed is skipped. Returns the ids, 0 for each skipped one; patients named and
    // missing are created.
    [[nodiscard]] virtual Result<std::vector<std::int64_t>>
    add_treatments(std::span<const TreatmentRow> treatments) = 0;
    // What `injmap db info` prints: where, schema version, counts.
    struct Info {
        std::string backend;  // "sqlite" or "postgresql"
        std::string location; // a file path, or the URL without its password
        int schema_version = 0;
        std::int64_t patients = 0;
        std::int64_t treatments = 0;
    };
    [[nodiscard]] virtual Result<Info> info() = 0;
};

// The database's location: INJMAP_DATABASE_URL when set (sqlite:PATH, a plain path, or a
// postgresql:// or postgres:// URL), else <user_data_dir()>/injmap.db.
[[nodiscard]] std::string default_history_location();
// "postgresql" for a postgresql:// or postgres:// URL, else "sqlite".
[[nodiscard]] std::string history_backend(std::string_view location);
// The location as it may be shown or logged: a URL's password (user:PASSWORD@ or password=…)
// replaced by "***"; anything else as it is.
[[nodiscard]] std::string display_history_location(std::string_view location);
// Opens the store at `location` (as default_history_location gives). Errors: db.* above.
[[nodiscard]] Result<std::unique_ptr<HistoryStore>>
open_history_store(const std::string& location, HistoryOpenOptions options = {});
// The SQLite backend for a file path.
[[nodiscard]] Result<std::unique_ptr<HistoryStore>>
open_sqlite_history(const std::filesystem::path& path, HistoryOpenOptions options = {});
// The PostgreSQL backend for a libpq connection URL (postgresql://[user[:password]@]host[:port]/
// dbname[?param=value…]). The tables go in the connection's current schema (the first of its
// search_path). busy_timeout_ms is the server's lock_timeout for this connection.
[[nodiscard]] Result<std::unique_ptr<HistoryStore>>
open_postgres_history(const std::string& url, HistoryOpenOptions options = {});

// A finished session as a treatment row (sites, totals, product, logistics). `record_text` is
// the record's bytes (hashed for record_sha256), `protocol_text` the protocol as used.
[[nodiscard]] TreatmentRow treatment_from_session(const Session& session,
                                                  std::string_view record_text,
                                                  std::string_view protocol_text,
                                                  const std::filesystem::path& record_path);

// Replays a stored treatment from its record's bytes and protocol copy (no file is read).
[[nodiscard]] Result<Session> replay_treatment(const TreatmentRow& treatment);

// Reads a record file and its protocol (the copy beside it, else the file it names, else the
// shipped or user protocol of its id), replays it, and builds its treatment row. A record that is
// not finished is history.bad-record. `protocol_cache` (optional) keeps protocols read by path and
// digest across calls.
struct ProtocolCache {
    std::map<std::string, std::shared_ptr<const Protocol>> by_digest; // by the file's SHA-256
};
[[nodiscard]] Result<TreatmentRow> treatment_from_record(const std::filesystem::path& record_path,
                                                         ProtocolCache* protocol_cache = nullptr);

// `injmap db import`: each record read (treatment_from_record), then all filed in one
// transaction under `patient_id` (empty: none). Records that cannot be read are reported and
// counted as failed; those already filed are skipped.
struct ImportSummary {
    int imported = 0;
    int skipped = 0; // already filed (same record hash)
    int failed = 0;  // not a finished, readable record
    Diagnostics diagnostics;
};
[[nodiscard]] ImportSummary import_records(HistoryStore& store,
                                           std::span<const std::filesystem::path> records,
                                           const std::string& patient_id = {});

// The last treatment before a session: what starting a session for a patient shows.
struct VisitContext {
    std::optional<TreatmentRow> last;     // the latest treatment before `at`
    std::optional<double> weeks_since;    // from the last treatment's start to `at`
    std::optional<std::string> next_due;  // ISO 8601 date (YYYY-MM-DD): last + 12 weeks
    bool earlier_same_indication = false; // some earlier treatment has this indication
};
[[nodiscard]] VisitContext visit_context(std::span<const TreatmentRow> history,
                                         std::chrono::system_clock::time_point at,
                                         std::string_view indication);

// The cross-visit rules for a session of `protocol` starting at `at` that gives `units`:
// history.interval (warning) and history.cumulative (error) as above. `where` names the file
// the diagnostics point at (e.g. the script).
[[nodiscard]] Diagnostics check_history(std::span<const TreatmentRow> history,
                                        const Protocol& protocol,
                                        std::chrono::system_clock::time_point at, double units,
                                        const std::string& where);

// {"patient": ID, "treatments": [{"id", "date", "protocol", "units_given", "sites_injected"}]}
[[nodiscard]] std::string history_timeline_json(std::string_view patient_id,
                                                std::span<const TreatmentRow> treatments);

} // namespace injmap
