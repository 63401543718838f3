// The SQLite backend of HistoryStore (history.hpp): RAII owners for sqlite3* and sqlite3_stmt*,
// a versioned schema (PRAGMA user_version) migrated in one transaction, WAL, foreign keys on, a
// busy timeout, and every write in one BEGIN IMMEDIATE transaction (the write lock is taken at
// the start, so a transaction never fails half way on another writer). The SQL of the schema and
// the queries is kept portable (TEXT, INTEGER, REAL; no SQLite-only functions): a PostgreSQL
// backend would reuse it with its own placeholders and id column.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <unordered_map>

#include "injmap/protocols/history.hpp"
#include "injmap/protocols/record_time.hpp"

namespace injmap {
namespace {
namespace fs = std::filesystem;

// Migration n (1-based) takes the schema from version n-1 to n. Never edit a shipped one: add.
constexpr const char* kMigrations[] = {
    // 1: patients, treatments, site actions.
    R"sql(
CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    sex TEXT NOT NULL DEFAULT '',
    birth_year INTEGER,
    model TEXT NOT NULL DEFAULT '',
    allergies TEXT NOT NULL DEFAULT '',
    contraindications TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);
CREATE TABLE treatments (
    id INTEGER PRIMARY KEY,
    patient_id TEXT REFERENCES patients(id),
    record_sha256 TEXT NOT NULL UNIQUE,
    record_path TEXT NOT NULL,
    record_text TEXT NOT NULL,
    protocol_text TEXT NOT NULL,
    protocol_id TEXT NOT NULL,
    protocol_sha256 TEXT NOT NULL,
    indication TEXT NOT NULL,
    product TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    model TEXT NOT NULL,
    label TEXT NOT NULL,
    injector TEXT NOT NULL,
    lot TEXT NOT NULL,
    expiry TEXT NOT NULL,
    units_per_0_1_ml REAL NOT NULL,
    reconstituted TEXT NOT NULL,
    units_given REAL NOT NULL,
    waste_units REAL NOT NULL,
    sites_injected INTEGER NOT NULL,
    override_reason TEXT NOT NULL,
    checklist_json TEXT NOT NULL
);
CREATE INDEX treatments_by_patient ON treatments (patient_id, started);
CREATE TABLE site_actions (
    treatment_id INTEGER NOT NULL REFERENCES treatments(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    site TEXT NOT NULL,
    muscle TEXT NOT NULL,
    side TEXT NOT NULL,
    status TEXT NOT NULL,
    units REAL NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL,
    added INTEGER NOT NULL,
    x REAL,
    y REAL,
    z REAL,
    anatomical TEXT NOT NULL,
    PRIMARY KEY (treatment_id, ordinal)
);
)sql",
};
static_assert(std::size(kMigrations) == kHistorySchemaVersion, "one migration per schema version");

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

std::string rule_for(int rc) {
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return "db.corrupt";
    case SQLITE_READONLY:
        return "db.read-only";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "db.locked";
    default:
        return "db.io";
    }
}

std::string advice_for(const std::string& rule) {
    if (rule == "db.corrupt")
        return "the file is not an injmap database or is damaged: move it aside; the records "
               "stay in the sessions folder and can be imported again with 'injmap db import'";
    if (rule == "db.read-only")
        return "the database cannot be written; check its permissions";
    if (rule == "db.locked")
        return "another injmap is writing to the database; try again when it is done";
    return "";
}

Diagnostic make_error(std::string rule, std::string message, const std::string& location) {
    Diagnostic d;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = location;
    return d;
}

Diagnostic db_diag(const std::string& location, int rc, sqlite3* db, std::string_view doing) {
    const std::string rule = rule_for(rc);
    std::string message =
        std::string(doing) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (const std::string advice = advice_for(rule); !advice.empty())
        message += " (" + advice + ")";
    return make_error(rule, std::move(message), location);
}

// One prepared statement, finalized on destruction.
class Stmt {
public:
    Stmt(sqlite3* db, std::string_view sql) : db_(db) {
        rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    }
    ~Stmt() { sqlite3_finalize(stmt_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    [[nodiscard]] int prepared() const { return rc_; }
    Stmt& bind(int i, std::string_view text) {
        sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, double v) {
        sqlite3_bind_double(stmt_, i, v);
        return *this;
    }
    Stmt& bind_int(int i, std::int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Stmt& bind_null(int i) {
        sqlite3_bind_null(stmt_, i);
        return *this;
    }
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(stmt_); }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    [[nodiscard]] std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    [[nodiscard]] double real(int col) const { return sqlite3_column_double(stmt_, col); }
    [[nodiscard]] std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    [[nodiscard]] bool null(int col) const {
        return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
    }

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    int rc_ = SQLITE_OK;
};

// Binds parameters 1, 2, 3… in order, one call each.
class Binder {
public:
    explicit Binder(Stmt& s) : s_(s) {}
    void operator()(std::string_view text) { s_.bind(next_++, text); }
    void operator()(double v) { s_.bind(next_++, v); }
    void integer(std::int64_t v) { s_.bind_int(next_++, v); }
    void null() { s_.bind_null(next_++); }

private:
    Stmt& s_;
    int next_ = 1;
};

constexpr const char* kTreatmentColumns =
    "id, patient_id, record_sha256, record_path, protocol_id, protocol_sha256, indication, "
    "product, started, finished, model, label, injector, lot, expiry, units_per_0_1_ml, "
    "reconstituted, units_given, waste_units, sites_injected, override_reason, checklist_json";

TreatmentRow read_treatment(const Stmt& s) {
    TreatmentRow t;
    int c = 0;
    t.id = s.integer(c++);
    t.patient_id = s.text(c++);
    t.record_sha256 = s.text(c++);
    t.record_path = s.text(c++);
    t.protocol_id = s.text(c++);
    t.protocol_sha256 = s.text(c++);
    t.indication = s.text(c++);
    t.product = s.text(c++);
    t.started = s.text(c++);
    t.finished = s.text(c++);
    t.model = s.text(c++);
    t.label = s.text(c++);
    t.injector = s.text(c++);
    t.lot = s.text(c++);
    t.expiry = s.text(c++);
    t.units_per_0_1_ml = s.real(c++);
    t.reconstituted = s.text(c++);
    t.units_given = s.real(c++);
    t.waste_units = s.real(c++);
    t.sites_injected = static_cast<int>(s.integer(c++));
    t.override_reason = s.text(c++);
    t.checklist_json = s.text(c++);
    return t;
}

class SqliteStore final : public HistoryStore {
public:
    SqliteStore(DbPtr db, std::string location, bool read_only)
        : db_(std::move(db)), location_(std::move(location)), read_only_(read_only) {}

    // Runs SQL without results; an error as a diagnostic.
    std::optional<Diagnostic> exec(const char* sql, std::string_view doing) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
        sqlite3_free(err);
        if (rc != SQLITE_OK)
            return db_diag(location_, rc, db_.get(), doing);
        return std::nullopt;
    }

    Result<int> user_version() {
        Stmt s(db_.get(), "PRAGMA user_version");
        if (s.prepared() != SQLITE_OK)
            return {std::nullopt,
                    {db_diag(location_, s.prepared(), db_.get(), "cannot read the database")}};
        const int rc = s.step();
        if (rc != SQLITE_ROW)
            return {std::nullopt, {db_diag(location_, rc, db_.get(), "cannot read the database")}};
        return {static_cast<int>(s.integer(0)), {}};
    }

    std::optional<Diagnostic> read_only_error(std::string_view doing) const {
        if (!read_only_)
            return std::nullopt;
        return make_error("db.read-only",
                          std::string(doing) + ": the database is read-only (" +
                              advice_for("db.read-only") + ")",
                          location_);
    }

    // BEGIN IMMEDIATE … COMMIT around `body`; ROLLBACK when it fails.
    template <class F>
    std::optional<Diagnostic> write_transaction(std::string_view doing, F&& body) {
        if (auto e = read_only_error(doing))
            return e;
        if (auto e = exec("BEGIN IMMEDIATE", doing))
            return e;
        std::optional<Diagnostic> e = body();
        if (!e)
            e = exec("COMMIT", doing);
        if (e)
            (void)exec("ROLLBACK", doing);
        return e;
    }

    std::optional<Diagnostic> migrate(int from) {
        return write_transaction(
            "creating the database's tables", [&]() -> std::optional<Diagnostic> {
                // Another process may have migrated between our check and our lock.
                const Result<int> now = user_version();
                if (!now.ok())
                    return now.diagnostics.front();
                for (int v = std::max(from, *now.value); v < kHistorySchemaVersion; ++v)
                    if (auto e = exec(kMigrations[v], "creating the database's tables"))
                        return e;
                const std::string set =
                    "PRAGMA user_version = " + std::to_string(kHistorySchemaVersion);
                return exec(set.c_str(), "creating the database's tables");
            });
    }

    Result<std::vector<std::string>> list_patient_ids() override {
        Stmt s(db_.get(), "SELECT id FROM patients ORDER BY id");
        if (s.prepared() != SQLITE_OK)
            return {std::nullopt,
                    {db_diag(location_, s.prepared(), db_.get(), "listing patients")}};
        std::vector<std::string> ids;
        int rc = SQLITE_ROW;
        while ((rc = s.step()) == SQLITE_ROW)
            ids.push_back(s.text(0));
        if (rc != SQLITE_DONE)
            return {std::nullopt, {db_diag(location_, rc, db_.get(), "listing patients")}};
        return {std::move(ids), {}};
    }

    Result<PatientRow> find_patient(std::string_view id) override {
        Stmt s(db_.get(), "SELECT id, sex, birth_year, model, allergies, contraindications, "
                          "notes, created FROM patients WHERE id = ?");
        if (s.prepared() != SQLITE_OK)
            return {std::nullopt,
                    {db_diag(location_, s.prepared(), db_.get(), "reading a patient")}};
        s.bind(1, id);
        const int rc = s.step();
        if (rc == SQLITE_DONE)
            return {
                std::nullopt,
                {make_error("history.unknown-patient",
                            "no patient '" + std::string(id) + "' in the database", location_)}};
        if (rc != SQLITE_ROW)
            return {std::nullopt, {db_diag(location_, rc, db_.get(), "reading a patient")}};
        PatientRow p;
        p.id = s.text(0);
        p.sex = s.text(1);
        if (!s.null(2))
            p.birth_year = static_cast<int>(s.integer(2));
        p.model = s.text(3);
        p.allergies = s.text(4);
        p.contraindications = s.text(5);
        p.notes = s.text(6);
        p.created = s.text(7);
        return {std::move(p), {}};
    }

    // Inside a transaction: creates the patient if absent. Sets `created`.
    std::optional<Diagnostic> insert_patient(const PatientRow& p, bool& created) {
        Stmt s(db_.get(), "INSERT INTO patients (id, sex, birth_year, model, allergies, "
                          "contraindications, notes, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO NOTHING");
        if (s.prepared() != SQLITE_OK)
            return db_diag(location_, s.prepared(), db_.get(), "filing a patient");
        s.bind(1, p.id).bind(2, p.sex);
        if (p.birth_year)
            s.bind_int(3, *p.birth_year);
        else
            s.bind_null(3);
        s.bind(4, p.model).bind(5, p.allergies).bind(6, p.contraindications).bind(7, p.notes);
        s.bind(8, p.created.empty() ? format_iso8601_utc(std::chrono::system_clock::now())
                                    : p.created);
        const int rc = s.step();
        if (rc != SQLITE_DONE)
            return db_diag(location_, rc, db_.get(), "filing a patient");
        created = sqlite3_changes(db_.get()) > 0;
        return std::nullopt;
    }

    Result<bool> ensure_patient(const PatientRow& patient) override {
        bool created = false;
        if (auto e = write_transaction("filing a patient",
                                       [&] { return insert_patient(patient, created); }))
            return {std::nullopt, {*e}};
        return {created, {}};
    }

    Result<std::vector<TreatmentRow>> list_treatments(std::string_view patient_id) override {
        const std::string doing = "reading the treatments of '" + std::string(patient_id) + "'";
        std::vector<TreatmentRow> out;
        {
            Stmt s(db_.get(), std::string("SELECT ") + kTreatmentColumns +
                                  " FROM treatments WHERE patient_id = ? ORDER BY started, id");
            if (s.prepared() != SQLITE_OK)
                return {std::nullopt, {db_diag(location_, s.prepared(), db_.get(), doing)}};
            s.bind(1, patient_id);
            int rc = 0;
            while ((rc = s.step()) == SQLITE_ROW)
                out.push_back(read_treatment(s));
            if (rc != SQLITE_DONE)
                return {std::nullopt, {db_diag(location_, rc, db_.get(), doing)}};
        }
        std::unordered_map<std::int64_t, std::size_t> index;
        for (std::size_t i = 0; i < out.size(); ++i)
            index[out[i].id] = i;
        Stmt s(db_.get(), "SELECT a.treatment_id, a.muscle, SUM(a.units) FROM site_actions a "
                          "JOIN treatments t ON t.id = a.treatment_id "
                          "WHERE t.patient_id = ? AND a.status = 'injected' "
                          "GROUP BY a.treatment_id, a.muscle");
        if (s.prepared() != SQLITE_OK)
            return {std::nullopt, {db_diag(location_, s.prepared(), db_.get(), doing)}};
        s.bind(1, patient_id);
        int rc = 0;
        while ((rc = s.step()) == SQLITE_ROW)
            if (const auto it = index.find(s.integer(0)); it != index.end())
                out[it->second].per_muscle[s.text(1)] = s.real(2);
        if (rc != SQLITE_DONE)
            return {std::nullopt, {db_diag(location_, rc, db_.get(), doing)}};
        return {std::move(out), {}};
    }

    Result<TreatmentRow> find_treatment(std::int64_t id) override {
        const std::string doing = "reading treatment " + std::to_string(id);
        TreatmentRow t;
        {
            Stmt s(db_.get(), std::string("SELECT ") + kTreatmentColumns +
                                  ", record_text, protocol_text FROM treatments WHERE id = ?");
            if (s.prepared() != SQLITE_OK)
                return {std::nullopt, {db_diag(location_, s.prepared(), db_.get(), doing)}};
            s.bind_int(1, id);
            const int rc = s.step();
            if (rc == SQLITE_DONE)
                return {std::nullopt,
                        {make_error("history.unknown-treatment",
                                    "no treatment " + std::to_string(id) + " in the database",
                                    location_)}};
            if (rc != SQLITE_ROW)
                return {std::nullopt, {db_diag(location_, rc, db_.get(), doing)}};
            t = read_treatment(s);
            t.record_text = s.text(22);
            t.protocol_text = s.text(23);
        }
        Stmt s(db_.get(), "SELECT site, muscle, side, status, units, reason, time, added, x, y, z, "
                          "anatomical FROM site_actions WHERE treatment_id = ? ORDER BY ordinal");
        if (s.prepared() != SQLITE_OK)
            return {std::nullopt, {db_diag(location_, s.prepared(), db_.get(), doing)}};
        s.bind_int(1, id);
        int rc = 0;
        while ((rc = s.step()) == SQLITE_ROW) {
            SiteActionRow a;
            a.site = s.text(0);
            a.muscle = s.text(1);
            a.side = s.text(2);
            a.status = s.text(3);
            a.units = s.real(4);
            a.reason = s.text(5);
            a.time = s.text(6);
            a.added = s.integer(7) != 0;
            if (!s.null(8))
                a.position_mm =
                    glm::vec3(static_cast<float>(s.real(8)), static_cast<float>(s.real(9)),
                              static_cast<float>(s.real(10)));
            a.anatomical = s.text(11);
            if (a.status == "injected")
                t.per_muscle[a.muscle] += a.units;
            t.sites.push_back(std::move(a));
        }
        if (rc != SQLITE_DONE)
            return {std::nullopt, {db_diag(location_, rc, db_.get(), doing)}};
        return {std::move(t), {}};
    }

    Result<std::vector<std::int64_t>>
    add_treatments(std::span<const TreatmentRow> treatments) override {
        std::vector<std::int64_t> ids;
        const auto e = write_transaction("filing treatments", [&]() -> std::optional<Diagnostic> {
            const char* doing = "filing a treatment";
            Stmt exists(db_.get(), "SELECT id FROM treatments WHERE record_sha256 = ?");
            Stmt insert(db_.get(),
                        "INSERT INTO treatments (patient_id, record_sha256, record_path, "
                        "record_text, protocol_text, protocol_id, protocol_sha256, indication, "
                        "product, started, finished, model, label, injector, lot, expiry, "
                        "units_per_0_1_ml, reconstituted, units_given, waste_units, "
                        "sites_injected, override_reason, checklist_json) VALUES (?, ?, ?, ?, ?, "
                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            Stmt site(db_.get(), "INSERT INTO site_actions (treatment_id, ordinal, site, muscle, "
                                 "side, status, units, reason, time, added, x, y, z, anatomical) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (const Stmt* s : {&exists, &insert, &site})
                if (s->prepared() != SQLITE_OK)
                    return db_diag(location_, s->prepared(), db_.get(), doing);
            for (const TreatmentRow& t : treatments) {
                exists.reset();
                exists.bind(1, t.record_sha256);
                int rc = exists.step();
                if (rc == SQLITE_ROW) {
                    ids.push_back(0);
                    continue;
                }
                if (rc != SQLITE_DONE)
                    return db_diag(location_, rc, db_.get(), doing);
                if (!t.patient_id.empty()) {
                    PatientRow p;
                    p.id = t.patient_id;
                    p.model = t.model;
                    p.contraindications = t.checklist_json;
                    bool created = false;
                    if (auto pe = insert_patient(p, created))
                        return pe;
                }
                insert.reset();
                Binder b(insert);
                if (t.patient_id.empty())
                    b.null();
                else
                    b(t.patient_id);
                for (const std::string* text :
                     {&t.record_sha256, &t.record_path, &t.record_text, &t.protocol_text,
                      &t.protocol_id, &t.protocol_sha256, &t.indication, &t.product, &t.started,
                      &t.finished, &t.model, &t.label, &t.injector, &t.lot, &t.expiry})
                    b(*text);
                b(t.units_per_0_1_ml);
                b(t.reconstituted);
                b(t.units_given);
                b(t.waste_units);
                b.integer(t.sites_injected);
                b(t.override_reason);
                b(t.checklist_json);
                if ((rc = insert.step()) != SQLITE_DONE)
                    return db_diag(location_, rc, db_.get(), doing);
                const std::int64_t id = sqlite3_last_insert_rowid(db_.get());
                ids.push_back(id);
                int ordinal = 0;
                for (const SiteActionRow& a : t.sites) {
                    site.reset();
                    Binder sb(site);
                    sb.integer(id);
                    sb.integer(ordinal++);
                    for (const std::string* text : {&a.site, &a.muscle, &a.side, &a.status})
                        sb(*text);
                    sb(a.units);
                    sb(a.reason);
                    sb(a.time);
                    sb.integer(a.added ? 1 : 0);
                    if (a.position_mm) {
                        sb(static_cast<double>(a.position_mm->x));
                        sb(static_cast<double>(a.position_mm->y));
                        sb(static_cast<double>(a.position_mm->z));
                    } else {
                        sb.null();
                        sb.null();
                        sb.null();
                    }
                    sb(a.anatomical);
                    if ((rc = site.step()) != SQLITE_DONE)
                        return db_diag(location_, rc, db_.get(), doing);
                }
            }
            return std::nullopt;
        });
        if (e)
            return {std::nullopt, {*e}};
        return {std::move(ids), {}};
    }

    Result<Info> info() override {
        Info i;
        i.backend = "sqlite";
        i.location = location_;
        const Result<int> v = user_version();
        if (!v.ok())
            return {std::nullopt, v.diagnostics};
        i.schema_version = *v.value;
        for (const auto& [sql, out] :
             {std::pair{"SELECT COUNT(*) FROM patients", &i.patients},
              std::pair{"SELECT COUNT(*) FROM treatments", &i.treatments}}) {
            Stmt s(db_.get(), sql);
            if (s.prepared() != SQLITE_OK)
                return {std::nullopt, {db_diag(location_, s.prepared(), db_.get(), "counting")}};
            const int rc = s.step();
            if (rc != SQLITE_ROW)
                return {std::nullopt, {db_diag(location_, rc, db_.get(), "counting")}};
            *out = s.integer(0);
        }
        return {std::move(i), {}};
    }

private:
    DbPtr db_;
    std::string location_;
    bool read_only_ = false;
};

// The file exists and nobody may write it (its mode has no write bit, or access() says no).
// Root passes access(); a file with every write bit cleared is still taken as read-only.
bool file_read_only(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return false;
    return (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(path.c_str(), W_OK) != 0;
}

} // namespace

Result<std::unique_ptr<HistoryStore>> open_sqlite_history(const fs::path& path,
                                                          HistoryOpenOptions options) {
    const std::string location = path.string();
    auto fail = [&](Diagnostic d) {
        return Result<std::unique_ptr<HistoryStore>>{std::nullopt, {std::move(d)}};
    };
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (!exists && !options.create)
        return fail(make_error("db.missing", "no database here yet", location));
    if (exists && !fs::is_regular_file(path, ec))
        return fail(make_error("db.io", "not a regular file", location));
    const bool read_only = options.read_only || (exists && file_read_only(path));
    if (!exists && !read_only && path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            return fail(make_error("db.io", "cannot create its folder: " + ec.message(), location));
    }
    sqlite3* raw = nullptr;
    const int flags =
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
        SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(location.c_str(), &raw, flags, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK)
        return fail(db_diag(location, rc, raw, "cannot open the database"));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    if (!read_only && !exists)
        ::chmod(location.c_str(), 0600); // patients' treatments: the user's only
    auto store = std::make_unique<SqliteStore>(std::move(db), location, read_only);
    // The first read: a file that is not a database fails here (db.corrupt).
    const Result<int> version = store->user_version();
    if (!version.ok())
        return {std::nullopt, version.diagnostics};
    if (*version.value > kHistorySchemaVersion)
        return fail(make_error("db.newer-schema",
                               "the database has schema version " + std::to_string(*version.value) +
                                   "; this injmap knows up to " +
                                   std::to_string(kHistorySchemaVersion) +
                                   " (written by a newer injmap: use that one, or a copy)",
                               location));
    if (auto e = store->exec("PRAGMA foreign_keys = ON", "cannot open the database"))
        return fail(*e);
    if (!read_only) {
        if (auto e = store->exec("PRAGMA journal_mode = WAL", "cannot open the database"))
            return fail(*e);
        if (auto e = store->exec("PRAGMA synchronous = FULL", "cannot open the database"))
            return fail(*e);
        if (*version.value < kHistorySchemaVersion)
            if (auto e = store->migrate(*version.value))
                return fail(*e);
    } else if (*version.value < kHistorySchemaVersion) {
        return fail(make_error("db.read-only",
                               "the database has schema version " + std::to_string(*version.value) +
                                   " and cannot be brought up to date: it is read-only",
                               location));
    }
    return {std::unique_ptr<HistoryStore>(std::move(store)), {}};
}

} // namespace injmap
