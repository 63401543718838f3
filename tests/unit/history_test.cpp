// The treatment history (protocols/history.hpp, docs/history.md): the store, importing records,
// the cross-visit rules, `injmap session play --patient`, `injmap history` and `injmap db`, and a
// database that cannot be used (corrupt, newer, read-only, locked, unreachable).
//
// The storage tests are value-parameterized over the backend (…/SQLite, …/PostgreSQL) and run
// the same cases on both. The PostgreSQL ones use the server INJMAP_TEST_DATABASE_URL names
// (./scripts/test starts a throw-away one: scripts/lib/postgres.sh), each test in a fresh schema
// of its own (dropped at the end) so that they can run in parallel; without it they skip.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using injmap::test::data_dir;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::run_injmap;
using injmap::test::write_text;
namespace fs = std::filesystem;
using namespace injmap;
using std::chrono::hours;

const std::string kChecklist =
    "checklist allergy=no infection=no neuromuscular=no pregnancy=no anticoagulant=no "
    "recent_toxin=no swallowing_breathing=no warning=acknowledged\n";

SessionTime at(const char* iso) {
    return *parse_iso8601_utc(iso);
}

std::shared_ptr<const Protocol> mini_protocol() {
    static const auto protocol = [] {
        auto read = read_protocol_file(data_dir() / "sessions" / "mini-ftp.toml");
        EXPECT_TRUE(read.ok());
        return std::make_shared<const Protocol>(std::move(*read.value));
    }();
    return protocol;
}

// A finished record of the mini protocol, written in-process with a fixed clock: `injected`
// sites of 5 U each.
fs::path make_record(const fs::path& dir, const std::string& name, SessionTime start,
                     int injected = 3) {
    SessionStart info;
    info.protocol_path = (data_dir() / "sessions" / "mini-ftp.toml").string();
    info.protocol_sha256 = file_sha256(info.protocol_path).value_or("");
    const fs::path path = dir / (name + ".jsonl");
    auto recorder = SessionRecorder::create(path, mini_protocol(), info, [start] { return start; });
    EXPECT_TRUE(recorder.ok());
    ChecklistAnswers answers;
    answers.warning_acknowledged = true;
    for (const char* id : {"allergy", "infection", "neuromuscular", "pregnancy", "anticoagulant",
                           "recent_toxin", "swallowing_breathing"})
        answers.answers.push_back(ChecklistAnswer{id, false, {}});
    EXPECT_TRUE(recorder.value->answer_checklist(answers).ok());
    for (int i = 0; i < injected; ++i)
        EXPECT_TRUE(recorder.value->inject().ok());
    EXPECT_TRUE(recorder.value->finish().ok());
    return path;
}

std::unique_ptr<HistoryStore> open_store(const fs::path& path, HistoryOpenOptions options = {}) {
    auto store = open_sqlite_history(path, options);
    EXPECT_TRUE(store.ok()) << (store.diagnostics.empty() ? "" : store.diagnostics[0].message);
    return store.ok() ? std::move(*store.value) : nullptr;
}

std::string first_rule(const Diagnostics& d) {
    return d.empty() ? "" : d.front().rule;
}

int count_treatments(const fs::path& db) {
    auto store = open_store(db);
    return store ? static_cast<int>(store->info().value->treatments) : -1;
}

// ---------------------------------------------------------------------------------------------
// The backends

enum class Backend { sqlite, postgres };

// gtest prints the parameter in test lists (ctest's names): the backend's name, not its bytes.
void PrintTo(Backend backend, std::ostream* os) {
    *os << (backend == Backend::sqlite ? "SQLite" : "PostgreSQL");
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

constexpr const char* kPostgresSkip = "PostgreSQL tests skipped: INJMAP_TEST_DATABASE_URL is not "
                                      "set (./scripts/test starts a throw-away server)";

std::string postgres_test_url() {
    const char* url = std::getenv("INJMAP_TEST_DATABASE_URL");
    return url ? url : "";
}

// A connection of the test's own to the test server: creating, changing and dropping a schema.
class PgAdmin {
public:
    PgAdmin() : conn_(PQconnectdb(postgres_test_url().c_str())) {
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr); // DROP … CASCADE's list
    }
    ~PgAdmin() { PQfinish(conn_); }
    PgAdmin(const PgAdmin&) = delete;
    PgAdmin& operator=(const PgAdmin&) = delete;
    [[nodiscard]] bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    // Runs SQL: "" when it worked, else the server's message.
    std::string exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        const ExecStatusType status = PQresultStatus(r);
        std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                                ? ""
                                : std::string(PQresultErrorMessage(r)) + PQerrorMessage(conn_);
        PQclear(r);
        return error;
    }

private:
    PGconn* conn_;
};

// One test's database: an SQLite file, or a fresh schema on the PostgreSQL test server (the
// connection's search_path, set in the URL) dropped at the end.
class TestDatabase {
public:
    TestDatabase() = default;
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    ~TestDatabase() {
        if (!schema_.empty()) {
            PgAdmin admin;
            if (admin.ok())
                (void)admin.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        }
    }
    // false: this backend cannot run here (PostgreSQL without a test server).
    [[nodiscard]] bool create(Backend backend, const fs::path& sqlite_file) {
        backend_ = backend;
        if (backend == Backend::sqlite) {
            url_ = sqlite_file.string();
            return true;
        }
        if (postgres_test_url().empty())
            return false;
        std::random_device random;
        char name[32];
        std::snprintf(name, sizeof name, "injmap_test_%08x%08x", random(), random());
        PgAdmin admin;
        EXPECT_TRUE(admin.ok()) << "cannot connect to " << postgres_test_url();
        const std::string error = admin.exec(std::string("CREATE SCHEMA ") + name);
        EXPECT_EQ(error, "");
        schema_ = name;
        url_ = url_with("");
        return true;
    }
    [[nodiscard]] Backend backend() const { return backend_; }
    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] const std::string& schema() const { return schema_; }
    // PostgreSQL: the URL with more server settings ("-c name=value …") after the search_path.
    [[nodiscard]] std::string url_with(const std::string& settings) const {
        std::string options =
            "-c search_path=" + schema_ + (settings.empty() ? "" : " ") + settings;
        std::string encoded;
        for (const char c : options)
            encoded += c == ' '   ? std::string("%20")
                       : c == '=' ? std::string("%3D")
                                  : std::string(1, c);
        const std::string base = postgres_test_url();
        return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=" + encoded;
    }
    [[nodiscard]] Result<std::unique_ptr<HistoryStore>>
    open(HistoryOpenOptions options = {}) const {
        return open_history_store(url_, options);
    }
    [[nodiscard]] int count_treatments() const {
        auto store = open();
        EXPECT_TRUE(store.ok()) << (store.diagnostics.empty() ? "" : store.diagnostics[0].message);
        return store.ok() ? static_cast<int>((*store.value)->info().value->treatments) : -1;
    }

private:
    Backend backend_ = Backend::sqlite;
    std::string url_;
    std::string schema_;
};

// ---------------------------------------------------------------------------------------------
// The store, on both backends

class HistoryBackend : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        dir_ = fresh_dir("db");
        if (!db_.create(GetParam(), dir_ / "injmap.db"))
            GTEST_SKIP() << kPostgresSkip;
    }
    std::unique_ptr<HistoryStore> open(HistoryOpenOptions options = {}) const {
        auto store = db_.open(options);
        EXPECT_TRUE(store.ok()) << (store.diagnostics.empty() ? "" : store.diagnostics[0].message);
        return store.ok() ? std::move(*store.value) : nullptr;
    }
    fs::path dir_;
    TestDatabase db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryBackend,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

TEST_P(HistoryBackend, AFreshDatabaseIsMigratedToTheCurrentSchema) {
    // Without create, an empty database is db.missing and nothing is created.
    HistoryOpenOptions no_create;
    no_create.create = false;
    EXPECT_EQ(first_rule(db_.open(no_create).diagnostics), "db.missing");
    EXPECT_EQ(first_rule(db_.open(no_create).diagnostics), "db.missing");
    if (GetParam() == Backend::sqlite)
        write_text(dir_ / "injmap.db", ""); // an empty file is a fresh database too
    auto store = open();
    ASSERT_TRUE(store);
    const auto info = store->info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.value->backend, GetParam() == Backend::sqlite ? "sqlite" : "postgresql");
    EXPECT_EQ(info.value->schema_version, kHistorySchemaVersion);
    EXPECT_EQ(info.value->treatments, 0);
    const auto none = store->list_treatments("nobody");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->empty());
    EXPECT_EQ(first_rule(store->find_patient("nobody").diagnostics), "history.unknown-patient");
    EXPECT_EQ(first_rule(store->find_treatment(1).diagnostics), "history.unknown-treatment");
    // A second open finds it current and changes nothing.
    store.reset();
    EXPECT_EQ(open()->info().value->schema_version, kHistorySchemaVersion);
    EXPECT_TRUE(db_.open(no_create).ok());
}

TEST_P(HistoryBackend, EveryFieldIsStoredAsGiven) {
    auto store = open();
    ASSERT_TRUE(store);
    PatientRow p;
    p.id = "p-ü 1";
    p.sex = "f";
    p.birth_year = 1971;
    p.allergies = "latex; \"quoted\"";
    p.created = "2026-01-01T00:00:00Z";
    auto created = store->ensure_patient(p);
    ASSERT_TRUE(created.ok());
    EXPECT_TRUE(*created.value);
    p.sex = "changed";
    created = store->ensure_patient(p); // an existing patient keeps its fields
    ASSERT_TRUE(created.ok());
    EXPECT_FALSE(*created.value);
    const auto found = store->find_patient("p-ü 1");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found.value->sex, "f");
    EXPECT_EQ(found.value->birth_year, 1971);
    EXPECT_EQ(found.value->allergies, "latex; \"quoted\"");
    EXPECT_EQ(found.value->created, "2026-01-01T00:00:00Z");

    TreatmentRow t;
    t.patient_id = p.id;
    t.record_sha256 = std::string(64, 'a');
    t.record_text = "line 1\nline 2 ✓\n";
    t.protocol_text = "id = \"x\"\n";
    t.started = "2026-01-05T09:00:00Z";
    t.units_per_0_1_ml = 2.5;
    t.units_given = 0.1 + 0.2; // not a short decimal: stored exactly all the same
    t.waste_units = 1.0 / 3.0;
    t.sites_injected = 2;
    SiteActionRow a;
    a.site = "s1";
    a.muscle = "frontalis";
    a.side = "left";
    a.status = "injected";
    a.units = 2.5;
    a.added = true;
    a.position_mm = glm::vec3(-12.25f, 80.5f, 1.0e-3f);
    a.anatomical = "frontalis, left";
    t.sites = {a, a};
    t.sites[1].site = "s2";
    t.sites[1].position_mm.reset();
    t.sites[1].added = false;
    TreatmentRow orphan = t; // no patient
    orphan.patient_id.clear();
    orphan.record_sha256 = std::string(64, 'b');
    const std::array rows{t, orphan};
    const auto ids = store->add_treatments(rows);
    ASSERT_TRUE(ids.ok()) << first_rule(ids.diagnostics);
    ASSERT_EQ(ids.value->size(), 2u);
    EXPECT_NE((*ids.value)[0], (*ids.value)[1]);
    const auto back = store->find_treatment((*ids.value)[0]);
    ASSERT_TRUE(back.ok());
    const TreatmentRow& b = *back.value;
    EXPECT_EQ(b.patient_id, p.id);
    EXPECT_EQ(b.record_text, t.record_text);
    EXPECT_EQ(b.protocol_text, t.protocol_text);
    EXPECT_EQ(b.units_given, t.units_given); // exact, not near
    EXPECT_EQ(b.waste_units, t.waste_units);
    EXPECT_EQ(b.units_per_0_1_ml, 2.5);
    EXPECT_EQ(b.sites_injected, 2);
    ASSERT_EQ(b.sites.size(), 2u);
    EXPECT_TRUE(b.sites[0].added);
    ASSERT_TRUE(b.sites[0].position_mm);
    EXPECT_EQ(*b.sites[0].position_mm, *a.position_mm);
    EXPECT_FALSE(b.sites[1].position_mm);
    EXPECT_FALSE(b.sites[1].added);
    EXPECT_EQ(b.sites[1].site, "s2");
    EXPECT_EQ(b.per_muscle.at("frontalis"), 5.0);
    EXPECT_EQ(store->find_treatment((*ids.value)[1]).value->patient_id, "");
    const auto list = store->list_treatments(p.id);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list.value->size(), 1u);
    EXPECT_EQ(list.value->front().per_muscle.at("frontalis"), 5.0);
    EXPECT_EQ(list.value->front().record_text, ""); // the timeline leaves the bytes out
    // Filing the same two again: both skipped (0), nothing added.
    const auto again = store->add_treatments(rows);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again.value, (std::vector<std::int64_t>{0, 0}));
    EXPECT_EQ(store->info().value->treatments, 2);
    EXPECT_EQ(store->info().value->patients, 1);
}

TEST_P(HistoryBackend, KnownPatientsAreListedInOrder) {
    auto store = open();
    ASSERT_TRUE(store);
    for (const char* id : {"p-2", "p-10", "a"}) {
        PatientRow p;
        p.id = id;
        ASSERT_TRUE(store->ensure_patient(p).ok());
    }
    const auto ids = store->list_patient_ids();
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(*ids.value, (std::vector<std::string>{"a", "p-10", "p-2"}));
}

TEST_P(HistoryBackend, ImportingTheSameRecordTwiceFilesOneTreatmentThatReplays) {
    const fs::path record = make_record(dir_, "r1", at("2026-01-05T09:00:00Z"), 3);
    auto store = open();
    ASSERT_TRUE(store);
    const std::vector<fs::path> records{record, record};
    const ImportSummary first = import_records(*store, records, "p1");
    EXPECT_EQ(first.imported, 1);
    EXPECT_EQ(first.skipped, 1); // the same record twice in one call
    EXPECT_EQ(first.failed, 0);
    const ImportSummary again = import_records(*store, std::span(records).first(1), "p1");
    EXPECT_EQ(again.imported, 0);
    EXPECT_EQ(again.skipped, 1);
    const auto list = store->list_treatments("p1");
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list.value->size(), 1u);
    const TreatmentRow& row = list.value->front();
    EXPECT_EQ(row.started, "2026-01-05T09:00:00Z");
    EXPECT_EQ(row.protocol_id, "mini-ftp");
    EXPECT_DOUBLE_EQ(row.units_given, 15.0);
    EXPECT_EQ(row.sites_injected, 3);
    EXPECT_EQ(row.record_sha256, file_sha256(record).value_or(""));
    EXPECT_FALSE(row.per_muscle.empty());

    // find_treatment: everything an export needs to replay the treatment from the store alone.
    const auto found = store->find_treatment(row.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found.value->record_text, read_text(record));
    EXPECT_FALSE(found.value->protocol_text.empty());
    EXPECT_EQ(found.value->sites.size(), 8u); // 7 protocol sites + the optional one
    fs::remove(record);
    fs::remove(record_protocol_copy_path(record));
    const auto replayed = replay_treatment(*found.value);
    ASSERT_TRUE(replayed.ok()) << first_rule(replayed.diagnostics);
    EXPECT_TRUE(replayed.value->finished());
    EXPECT_DOUBLE_EQ(replayed.value->tallies().total.units, 15.0);
}

TEST_P(HistoryBackend, AnUnfinishedOrUnreadableRecordIsNotImported) {
    const fs::path record = make_record(dir_, "r1", at("2026-01-05T09:00:00Z"));
    // Drop the finish line: an unfinished session.
    std::string text = read_text(record);
    text.erase(text.rfind('\n', text.size() - 2) + 1);
    write_text(dir_ / "cut.jsonl", text);
    write_text(dir_ / "junk.jsonl", "not a record\n");
    auto store = open();
    ASSERT_TRUE(store);
    const std::vector<fs::path> records{dir_ / "cut.jsonl", dir_ / "junk.jsonl",
                                        dir_ / "none.jsonl"};
    const ImportSummary s = import_records(*store, records);
    EXPECT_EQ(s.imported, 0);
    EXPECT_EQ(s.failed, 3);
    int bad = 0;
    for (const Diagnostic& d : s.diagnostics)
        bad += d.rule == "history.bad-record";
    EXPECT_EQ(bad, 3);
    EXPECT_EQ(store->info().value->treatments, 0);
}

// ---------------------------------------------------------------------------------------------
// Cross-visit rules, on rows

TreatmentRow row(std::string started, double units, std::string indication = "chronic_migraine",
                 std::string product = "onabotulinumtoxinA") {
    TreatmentRow t;
    t.started = std::move(started);
    t.units_given = units;
    t.indication = std::move(indication);
    t.product = std::move(product);
    t.protocol_id.assign(1, 'x');
    return t;
}

std::shared_ptr<const Protocol> shipped(const char* id) {
    auto read = read_protocol_file(*resolve_protocol(id));
    EXPECT_TRUE(read.ok());
    return std::make_shared<const Protocol>(std::move(*read.value));
}

int count_rule(const Diagnostics& d, const char* rule) {
    int n = 0;
    for (const Diagnostic& x : d)
        n += x.rule == rule;
    return n;
}

TEST(HistoryRules, IntervalAndCumulativeAcrossIndications) {
    const auto preempt = shipped("preempt-155");
    const std::vector<TreatmentRow> one{row("2026-01-05T09:00:00Z", 155)};
    const SessionTime t0 = at("2026-01-05T09:00:00Z");
    // 13 weeks: nothing; 11 and 9 weeks: history.interval, a warning.
    EXPECT_TRUE(check_history(one, *preempt, t0 + hours(24 * 7 * 13), 155, "s").empty());
    for (int weeks : {11, 9}) {
        const Diagnostics d = check_history(one, *preempt, t0 + hours(24 * 7 * weeks), 155, "s");
        ASSERT_EQ(d.size(), 1u) << weeks;
        EXPECT_EQ(d[0].rule, "history.interval");
        EXPECT_EQ(d[0].severity, Severity::warning);
    }
    // 400 U in any 90 days, all indications of the product together: a cervical dystonia
    // treatment of 250 U counts against a migraine session; another product does not.
    const std::vector<TreatmentRow> mixed{row("2026-01-05T09:00:00Z", 250, "cervical_dystonia"),
                                          row("2026-01-20T09:00:00Z", 100, "other", "other")};
    const SessionTime later = t0 + hours(24 * 7 * 13); // 91 days: outside the window
    EXPECT_EQ(count_rule(check_history(mixed, *preempt, t0 + hours(24 * 80), 155, "s"),
                         "history.cumulative"),
              1);
    EXPECT_TRUE(has_errors(check_history(mixed, *preempt, t0 + hours(24 * 80), 155, "s")));
    EXPECT_EQ(count_rule(check_history(mixed, *preempt, t0 + hours(24 * 80), 150, "s"),
                         "history.cumulative"),
              0); // exactly 400 U
    EXPECT_EQ(count_rule(check_history(mixed, *preempt, later, 155, "s"), "history.cumulative"), 0);
    // A product without a cumulative limit (the test protocol's) is never refused.
    EXPECT_EQ(count_rule(check_history(mixed, *mini_protocol(), t0 + hours(24), 1000, "s"),
                         "history.cumulative"),
              0);

    // The first-treatment advice: an earlier treatment of the same indication only.
    EXPECT_TRUE(visit_context(mixed, later, "cervical_dystonia").earlier_same_indication);
    EXPECT_FALSE(visit_context(mixed, later, "chronic_migraine").earlier_same_indication);
    EXPECT_FALSE(visit_context(mixed, t0 - hours(1), "cervical_dystonia").earlier_same_indication);
    const VisitContext c = visit_context(one, t0 + hours(24 * 7 * 11), "chronic_migraine");
    ASSERT_TRUE(c.last && c.weeks_since && c.next_due);
    EXPECT_NEAR(*c.weeks_since, 11.0, 1e-9);
    EXPECT_EQ(*c.next_due, "2026-03-30");
}

// ---------------------------------------------------------------------------------------------
// Bad databases: a clear error, nothing written

TEST(HistoryBadDatabase, CorruptNewerReadOnlyAndLocked) {
    const fs::path dir = fresh_dir("bad");
    const fs::path record = make_record(dir, "r1", at("2026-01-05T09:00:00Z"));

    // Random bytes: db.corrupt, the file untouched.
    std::string junk(8192, '\0');
    for (std::size_t i = 0; i < junk.size(); ++i)
        junk[i] = static_cast<char>((i * 2654435761u) >> 13);
    write_text(dir / "corrupt.db", junk);
    EXPECT_EQ(first_rule(open_sqlite_history(dir / "corrupt.db").diagnostics), "db.corrupt");
    EXPECT_EQ(read_text(dir / "corrupt.db"), junk);

    // A newer schema: db.newer-schema, nothing migrated.
    { ASSERT_TRUE(open_store(dir / "newer.db")); }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "newer.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_EQ(first_rule(open_sqlite_history(dir / "newer.db").diagnostics), "db.newer-schema");

    // Read-only (every write bit cleared, which holds even for root): reads work, writes are
    // db.read-only and nothing is filed.
    const fs::path ro = dir / "ro.db";
    { ASSERT_TRUE(open_store(ro)); }
    fs::permissions(ro, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    {
        auto store = open_store(ro);
        ASSERT_TRUE(store);
        EXPECT_TRUE(store->list_treatments("p").ok());
        const ImportSummary s = import_records(*store, std::vector<fs::path>{record}, "p");
        EXPECT_EQ(s.imported, 0);
        EXPECT_EQ(first_rule(s.diagnostics), "db.read-only");
        EXPECT_EQ(store->info().value->treatments, 0);
    }
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(count_treatments(ro), 0);

    // Locked: another connection holds a write transaction; a write waits its busy timeout, then
    // db.locked, nothing filed; once the other is done, the same import succeeds.
    const fs::path locked = dir / "locked.db";
    { ASSERT_TRUE(open_store(locked)); }
    ASSERT_EQ(sqlite3_open(locked.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    {
        HistoryOpenOptions quick;
        quick.busy_timeout_ms = 20;
        auto store = open_store(locked, quick);
        ASSERT_TRUE(store);
        const ImportSummary s = import_records(*store, std::vector<fs::path>{record}, "p");
        EXPECT_EQ(s.imported, 0);
        EXPECT_EQ(first_rule(s.diagnostics), "db.locked");
        ASSERT_EQ(sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
        EXPECT_EQ(import_records(*store, std::vector<fs::path>{record}, "p").imported, 1);
    }
    sqlite3_close(raw);
}

// ---------------------------------------------------------------------------------------------
// The CLI

// The CLI against the backend of backend(): SQLite at the default place (XDG_DATA_HOME), or a
// fresh PostgreSQL schema named by INJMAP_DATABASE_URL.
class HistoryCliBase : public ::testing::Test {
protected:
    virtual Backend backend() const { return Backend::sqlite; }
    void SetUp() override {
        // The children get only ours (an inherited variable would win over an appended one).
        for (const char* name :
             {"XDG_DATA_HOME", "INJMAP_DATABASE_URL", "INJMAP_DB_BUSY_TIMEOUT_MS"})
            ::unsetenv(name);
        dir_ = fresh_dir("cli");
        env_ = {"XDG_DATA_HOME=" + (dir_ / "data").string()};
        if (!db_.create(backend(), db()))
            GTEST_SKIP() << kPostgresSkip;
        if (backend() == Backend::postgres)
            env_.push_back("INJMAP_DATABASE_URL=" + db_.url());
    }
    fs::path db() const { return dir_ / "data" / "injmap" / "injmap.db"; }
    fs::path sessions() const { return dir_ / "data" / "injmap" / "sessions"; }
    int records() const {
        int n = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(sessions(), ec))
            n += e.path().extension() == ".jsonl";
        return n;
    }
    int count_treatments() const { return db_.count_treatments(); }
    std::unique_ptr<HistoryStore> open_store() const {
        auto store = db_.open();
        EXPECT_TRUE(store.ok()) << (store.diagnostics.empty() ? "" : store.diagnostics[0].message);
        return store.ok() ? std::move(*store.value) : nullptr;
    }
    // A whole session of `protocol`: the checklist, `injects` injects, finish.
    fs::path script(const std::string& name, int injects) {
        std::string text = kChecklist;
        for (int i = 0; i < injects; ++i)
            text += "inject\n";
        text += "finish\n";
        write_text(dir_ / name, text);
        return dir_ / name;
    }
    // `env` comes first: its variables win over the fixture's.
    injmap::test::CommandResult play(const std::string& protocol, const fs::path& s,
                                     const std::string& patient, const std::string& when,
                                     std::vector<std::string> more = {},
                                     std::vector<std::string> env = {}) {
        std::vector<std::string> args{"session",  "play",      "--protocol", protocol, "--script",
                                      s.string(), "--patient", patient,      "--at",   when};
        args.insert(args.end(), more.begin(), more.end());
        env.insert(env.end(), env_.begin(), env_.end());
        return run_injmap(args, env);
    }
    std::string mini() const { return (data_dir() / "sessions" / "mini-ftp.toml").string(); }

    fs::path dir_;
    std::vector<std::string> env_;
    TestDatabase db_;
};

class HistoryCli : public HistoryCliBase, public ::testing::WithParamInterface<Backend> {
protected:
    Backend backend() const override { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryCli,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

TEST_P(HistoryCli, PlayFilesUnderThePatientAndHistoryPrintsTheTimeline) {
    const fs::path s = script("s.txt", 3);
    auto r = play(mini(), s, "p-17", "2026-01-05T09:00:00Z");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("filed: treatment 1"), std::string::npos) << r.out;
    // 13 weeks later: no interval warning; the last treatment is shown.
    r = play(mini(), s, "p-17", "2026-04-06T09:00:00Z");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("history.interval"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("2026-01-05"), std::string::npos) << r.out;

    r = run_injmap({"history", "p-17", "--json"}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j["patient"], "p-17");
    ASSERT_EQ(j["treatments"].size(), 2u);
    const auto& t = j["treatments"][0];
    EXPECT_EQ(t.size(), 5u);
    EXPECT_EQ(t["id"], 1);
    EXPECT_EQ(t["date"], "2026-01-05T09:00:00Z");
    EXPECT_EQ(t["protocol"], "mini-ftp");
    EXPECT_EQ(t["units_given"], 15.0);
    EXPECT_EQ(t["sites_injected"], 3);
    EXPECT_EQ(j["treatments"][1]["date"], "2026-04-06T09:00:00Z");

    r = run_injmap({"history", "nobody"}, env_);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("[history.unknown-patient]"), std::string::npos) << r.err;

    // Importing the records already filed skips them; db info counts.
    std::vector<std::string> args{"db", "import"};
    for (const auto& e : fs::directory_iterator(sessions()))
        if (e.path().extension() == ".jsonl")
            args.push_back(e.path().string());
    r = run_injmap(args, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "imported 0, skipped 2, failed 0\n");
    r = run_injmap({"db", "info", "--json"}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto info = nlohmann::json::parse(r.out);
    EXPECT_EQ(info["treatments"], 2);
    EXPECT_EQ(info["backend"], GetParam() == Backend::sqlite ? "sqlite" : "postgresql");
    EXPECT_EQ(info["location"], GetParam() == Backend::sqlite ? db().string() : db_.url());
}

TEST_P(HistoryCli, ExportTakesTheTreatmentIdsHistoryPrints) {
    const fs::path s = script("s.txt", 2);
    ASSERT_EQ(play(mini(), s, "p-9", "2026-01-05T09:00:00Z").exit_code, 0);
    const fs::path out = dir_ / "t1.csv";
    auto r = run_injmap({"export", "1", "--format", "csv", "-o", out.string()}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string csv = injmap::test::read_text(out);
    // One row per site of the protocol, the two given ones injected.
    std::size_t injected = 0;
    for (auto at = csv.find(",injected,"); at != std::string::npos;
         at = csv.find(",injected,", at + 1))
        ++injected;
    EXPECT_EQ(injected, 2u) << csv;
    // The FHIR export names the patient the treatment is filed under.
    const fs::path fhir = dir_ / "t1.json";
    r = run_injmap({"export", "1", "--format", "fhir", "-o", fhir.string()}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(injmap::test::read_text(fhir).find("\"p-9\""), std::string::npos);
    // An id the history does not have is its rule, exit 1; nothing written.
    r = run_injmap({"export", "7", "--format", "csv", "-o", (dir_ / "t7.csv").string()}, env_);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[history.unknown-treatment]"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "t7.csv"));
}

TEST_P(HistoryCli, IntervalWarnsUnderTwelveWeeks) {
    const fs::path s = script("s.txt", 1);
    ASSERT_EQ(play(mini(), s, "p", "2026-01-05T09:00:00Z").exit_code, 0);
    // 11 weeks later, then 9 weeks after that: history.interval both times, and still given.
    auto r = play(mini(), s, "p", "2026-03-23T09:00:00Z");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[history.interval]"), std::string::npos) << r.err;
    r = play(mini(), s, "p", "2026-05-25T09:00:00Z");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[history.interval]"), std::string::npos) << r.err;
    EXPECT_EQ(count_treatments(), 3);
}

TEST_P(HistoryCli, CumulativeOverFourHundredIsRefusedUnlessOverridden) {
    const fs::path s = script("s.txt", 31);
    ASSERT_EQ(play("preempt-155", s, "p", "2026-01-05T09:00:00Z").exit_code, 0);
    ASSERT_EQ(play("preempt-155", s, "p", "2026-02-16T09:00:00Z").exit_code, 0);
    ASSERT_EQ(records(), 2);
    // 155 U more within 90 days of the first two: 465 U. Refused: exit 1, no record, not filed.
    auto r = play("preempt-155", s, "p", "2026-03-30T09:00:00Z");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[history.cumulative]"), std::string::npos) << r.err;
    EXPECT_EQ(records(), 2);
    EXPECT_EQ(count_treatments(), 2);
    // With a reason: given, filed, and the reason kept with the treatment.
    r = play("preempt-155", s, "p", "2026-03-30T09:00:00Z",
             {"--override-reason", "second opinion: documented"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[history.cumulative]"), std::string::npos) << r.err;
    EXPECT_EQ(records(), 3);
    auto store = open_store();
    ASSERT_TRUE(store);
    const auto list = store->list_treatments("p");
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list.value->size(), 3u);
    EXPECT_EQ(list.value->back().override_reason, "second opinion: documented");
    EXPECT_EQ(list.value->front().override_reason, "");
    // --override-reason needs --patient.
    EXPECT_EQ(run_injmap({"session", "play", "--protocol", "preempt-155", "--script", s.string(),
                          "--override-reason", "x"},
                         env_)
                  .exit_code,
              2);
}

TEST_P(HistoryCli, FirstCervicalDystoniaCapOnlyWithoutAnEarlierOne) {
    const std::string cd = (data_dir() / "history" / "cd-test.toml").string();
    const fs::path s = script("s.txt", 5); // 250 U: above the 200 U first-session advice
    auto r = play(cd, s, "p", "2026-01-05T09:00:00Z");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[dose.first-session]"), std::string::npos) << r.err;
    r = play(cd, s, "p", "2026-04-13T09:00:00Z");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("[dose.first-session]"), std::string::npos) << r.err;
    // Another patient whose earlier treatment was for migraine: still a first CD session.
    ASSERT_EQ(play(mini(), script("m.txt", 1), "q", "2026-01-05T09:00:00Z").exit_code, 0);
    r = play(cd, s, "q", "2026-04-13T10:00:00Z");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[dose.first-session]"), std::string::npos) << r.err;

    // `cd plan --patient`: the plan's first-session cap (cd.first-session) likewise.
    const auto plan_rules = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"cd",     "plan", "--form", "torticaput",
                                      "--side", "left", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto out = run_injmap(args, env_);
        EXPECT_EQ(out.exit_code, 0) << out.err;
        std::vector<std::string> rules;
        const auto j = nlohmann::json::parse(out.out);
        for (const auto& w : j["warnings"])
            rules.push_back(w["rule"]);
        return rules;
    };
    const auto has = [](const std::vector<std::string>& v, const char* rule) {
        return std::find(v.begin(), v.end(), rule) != v.end();
    };
    EXPECT_TRUE(has(plan_rules({}), "cd.first-session"));
    EXPECT_TRUE(has(plan_rules({"--patient", "nobody"}), "cd.first-session"));
    EXPECT_FALSE(has(plan_rules({"--patient", "p"}), "cd.first-session"));
    EXPECT_TRUE(has(plan_rules({"--patient", "p"}), "cd.session-total")); // the rest unchanged
}

using HistoryCliSqlite = HistoryCliBase;

TEST_F(HistoryCliSqlite, InjectorLotExpiryAndReconstitutionAreFiled) {
    const fs::path s = script("s.txt", 1);
    const auto r = play(mini(), s, "p", "2026-01-05T09:00:00Z",
                        {"--injector", "Dr A. Example", "--lot", "C1234", "--expiry", "2027-05",
                         "--reconstituted", "2026-01-05T08:40:00Z"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto store = open_sqlite_history(db());
    ASSERT_TRUE(store.ok());
    const auto t = (*store.value)->find_treatment(1);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.value->injector, "Dr A. Example");
    EXPECT_EQ(t.value->lot, "C1234");
    EXPECT_EQ(t.value->expiry, "2027-05");
    EXPECT_EQ(t.value->reconstituted, "2026-01-05T08:40:00Z");
    EXPECT_EQ(r.err.find("session.lot-expired"), std::string::npos) << r.err;
    // A lot past its expiry is noted, not refused.
    const auto late =
        play(mini(), s, "p", "2027-06-01T09:00:00Z", {"--lot", "C1234", "--expiry", "2027-05"});
    EXPECT_EQ(late.exit_code, 0) << late.err;
    EXPECT_NE(late.err.find("expired 2027-05 [session.lot-expired]"), std::string::npos)
        << late.err;
    // They are on the record's start line too, so a re-import gives the same row.
    EXPECT_NE(t.value->record_text.find("\"lot\":\"C1234\""), std::string::npos);
}

TEST_F(HistoryCliSqlite, AnUnusableDatabaseKeepsTheJournal) {
    const fs::path s = script("s.txt", 2);
    ASSERT_EQ(play(mini(), s, "p", "2026-01-05T09:00:00Z").exit_code, 0);

    // Read-only: the session is given and recorded, not filed (exit 2), and can be imported.
    fs::permissions(db(), fs::perms::owner_read);
    auto r = play(mini(), s, "p", "2026-04-06T09:00:00Z");
    fs::permissions(db(), fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.read-only]"), std::string::npos) << r.err;
    EXPECT_EQ(count_treatments(), 1);
    const fs::path kept = sessions() / "20260406-090000-mini-ftp.jsonl";
    ASSERT_TRUE(fs::exists(kept));
    EXPECT_NE(read_text(kept).find("\"action\":\"finish\""), std::string::npos);

    // Locked by another writer: the same, with db.locked.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    r = play(mini(), s, "p", "2026-07-06T09:00:00Z", {}, {"INJMAP_DB_BUSY_TIMEOUT_MS=50"});
    sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.locked]"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(sessions() / "20260706-090000-mini-ftp.jsonl"));
    EXPECT_EQ(count_treatments(), 1);

    // Both kept records are filed later.
    r = run_injmap({"db", "import", "--patient", "p", kept.string(),
                    (sessions() / "20260706-090000-mini-ftp.jsonl").string()},
                   env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "imported 2, skipped 0, failed 0\n");

    // Corrupt: refused before anything is given (exit 2, no new record).
    const int before = records();
    write_text(db(), std::string(4096, 'x'));
    for (const char* side : {"-wal", "-shm"})
        fs::remove(db().string() + side);
    r = play(mini(), s, "p", "2026-10-05T09:00:00Z");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.corrupt]"), std::string::npos) << r.err;
    EXPECT_EQ(records(), before);
}

// Two rooms at once: two processes import the same six records (in opposite orders, so each
// may wait on the other's rows), then two processes each run two whole sessions for the same
// patient. Every treatment is filed once: none lost, none twice.
TEST_P(HistoryCli, TwoProcessesFilingAtOnceLoseNothing) {
    std::vector<std::string> forward{"db", "import", "--patient", "p"};
    std::vector<std::string> backward = forward;
    std::vector<fs::path> made;
    for (int i = 0; i < 6; ++i) {
        const std::string when = "2026-01-0" + std::to_string(i + 1) + "T09:00:00Z";
        made.push_back(make_record(dir_, "r" + std::to_string(i), at(when.c_str()), 1 + i % 3));
        forward.push_back(made.back().string());
    }
    for (auto it = made.rbegin(); it != made.rend(); ++it)
        backward.push_back(it->string());
    injmap::test::CommandResult a, b;
    {
        std::thread first([&] { a = run_injmap(forward, env_); });
        std::thread second([&] { b = run_injmap(backward, env_); });
        first.join();
        second.join();
    }
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    int imported = 0, skipped = 0;
    for (const auto* r : {&a, &b}) {
        int i = -1, k = -1, f = -1;
        ASSERT_EQ(std::sscanf(r->out.c_str(), "imported %d, skipped %d, failed %d", &i, &k, &f), 3)
            << r->out;
        EXPECT_EQ(f, 0);
        imported += i;
        skipped += k;
    }
    EXPECT_EQ(imported, 6);
    EXPECT_EQ(skipped, 6);

    const fs::path s = script("s.txt", 1);
    injmap::test::CommandResult plays[2][2];
    {
        std::vector<std::thread> rooms;
        for (int room = 0; room < 2; ++room)
            rooms.emplace_back([&, room] {
                for (int visit = 0; visit < 2; ++visit)
                    plays[room][visit] = play(mini(), s, "p",
                                              "2026-0" + std::to_string(6 + visit) + "-01T1" +
                                                  std::to_string(room) + ":00:00Z");
            });
        for (std::thread& t : rooms)
            t.join();
    }
    for (const auto& room : plays)
        for (const auto& r : room) {
            EXPECT_EQ(r.exit_code, 0) << r.err;
            EXPECT_NE(r.out.find("filed: treatment"), std::string::npos) << r.out;
        }
    auto store = open_store();
    ASSERT_TRUE(store);
    const auto list = store->list_treatments("p");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list.value->size(), 10u);
    std::set<std::string> hashes;
    std::set<std::int64_t> ids;
    for (const TreatmentRow& t : *list.value) {
        hashes.insert(t.record_sha256);
        ids.insert(t.id);
    }
    EXPECT_EQ(hashes.size(), 10u);
    EXPECT_EQ(ids.size(), 10u);
    for (const fs::path& r : made)
        EXPECT_EQ(hashes.count(file_sha256(r).value_or("")), 1u) << r;
    EXPECT_EQ(store->info().value->treatments, 10);
}

// PostgreSQL's own ways of being unusable: a read-only server or user, a table held by another
// connection, a newer schema. The session is given and recorded, and not filed (exit 2); the
// records are imported later.
class HistoryCliPostgres : public HistoryCliBase {
protected:
    Backend backend() const override { return Backend::postgres; }
};

TEST_F(HistoryCliPostgres, ReadOnlyLockedOrNewerKeepsTheJournal) {
    const fs::path s = script("s.txt", 2);
    ASSERT_EQ(play(mini(), s, "p", "2026-01-05T09:00:00Z").exit_code, 0);

    // Read-only (every transaction of the connection): the session is given, not filed.
    const std::string read_only = db_.url_with("-c default_transaction_read_only=on");
    auto r = play(mini(), s, "p", "2026-04-06T09:00:00Z", {}, {"INJMAP_DATABASE_URL=" + read_only});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.read-only]"), std::string::npos) << r.err;
    EXPECT_EQ(count_treatments(), 1);
    const fs::path kept = sessions() / "20260406-090000-mini-ftp.jsonl";
    ASSERT_TRUE(fs::exists(kept));
    EXPECT_NE(read_text(kept).find("\"action\":\"finish\""), std::string::npos);

    // Another connection holds the treatments table: the write waits its lock timeout, then
    // db.locked.
    PgAdmin other;
    ASSERT_TRUE(other.ok());
    ASSERT_EQ(other.exec("BEGIN; LOCK TABLE " + db_.schema() + ".treatments IN EXCLUSIVE MODE"),
              "");
    r = play(mini(), s, "p", "2026-07-06T09:00:00Z", {}, {"INJMAP_DB_BUSY_TIMEOUT_MS=50"});
    ASSERT_EQ(other.exec("ROLLBACK"), "");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.locked]"), std::string::npos) << r.err;
    const fs::path kept2 = sessions() / "20260706-090000-mini-ftp.jsonl";
    EXPECT_TRUE(fs::exists(kept2));
    EXPECT_EQ(count_treatments(), 1);

    r = run_injmap({"db", "import", "--patient", "p", kept.string(), kept2.string()}, env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "imported 2, skipped 0, failed 0\n");

    // A newer schema: refused before anything is given, nothing migrated or written.
    ASSERT_EQ(other.exec("UPDATE " + db_.schema() + ".injmap_schema SET version = 99"), "");
    const int before = records();
    r = play(mini(), s, "p", "2026-10-05T09:00:00Z");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.newer-schema]"), std::string::npos) << r.err;
    EXPECT_EQ(records(), before);
    r = run_injmap({"db", "info"}, env_);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("[db.newer-schema]"), std::string::npos) << r.err;
}

// A connection the server dropped (restarted, an idle connection cut while a session ran) is
// re-opened: the next read reads and the next write files.
using HistoryPostgres = HistoryCliPostgres;

TEST_F(HistoryPostgres, ADroppedConnectionIsReopened) {
    const fs::path record = make_record(dir_, "r1", at("2026-01-05T09:00:00Z"));
    // Our connections carry the schema's name, so that only they are cut.
    auto opened = open_history_store(db_.url() + "&application_name=" + db_.schema());
    ASSERT_TRUE(opened.ok());
    HistoryStore& store = **opened.value;
    PgAdmin admin;
    ASSERT_TRUE(admin.ok());
    const std::string cut = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE "
                            "application_name = '" +
                            db_.schema() + "'";
    ASSERT_EQ(admin.exec(cut), "");
    const ImportSummary s = import_records(store, std::vector<fs::path>{record}, "p");
    EXPECT_EQ(s.imported, 1) << first_rule(s.diagnostics);
    ASSERT_EQ(admin.exec(cut), "");
    const auto list = store.list_treatments("p");
    ASSERT_TRUE(list.ok()) << first_rule(list.diagnostics);
    EXPECT_EQ(list.value->size(), 1u);
    EXPECT_EQ(count_treatments(), 1);
}

// No server is needed for these: a closed port, a URL libpq cannot parse, and the password that
// is never shown.
TEST(HistoryPostgresUrl, AnUnreachableServerOrABadUrlIsAClearErrorAndNothingIsGiven) {
    EXPECT_EQ(history_backend("postgresql://h/d"), "postgresql");
    EXPECT_EQ(history_backend("postgres://h/d"), "postgresql");
    EXPECT_EQ(history_backend("/tmp/x.db"), "sqlite");
    EXPECT_EQ(
        display_history_location("postgresql://u:s3cret@h:5432/d?password=s3cret&sslmode=require"),
        "postgresql://u:***@h:5432/d?password=***&sslmode=require");
    EXPECT_EQ(display_history_location("postgresql://u@h/d"), "postgresql://u@h/d");
    EXPECT_EQ(display_history_location("/a:b@c/injmap.db"), "/a:b@c/injmap.db");

    // Port 1: nothing listens there (a port below 1024 is root's, and no server uses it).
    const std::string closed = "postgresql://injmap:s3cret@127.0.0.1:1/injmap";
    const auto opened = open_history_store(closed);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(first_rule(opened.diagnostics), "db.unreachable");
    EXPECT_EQ(opened.diagnostics[0].where.file, "postgresql://injmap:***@127.0.0.1:1/injmap");
    EXPECT_EQ(opened.diagnostics[0].message.find("s3cret"), std::string::npos);
    EXPECT_EQ(first_rule(open_history_store("postgresql://h/d?no_such_setting=1").diagnostics),
              "db.bad-url");
    EXPECT_EQ(first_rule(open_history_store("postgresql:h").diagnostics), "db.bad-url");

    const fs::path dir = fresh_dir("unreachable");
    const std::vector<std::string> env{"INJMAP_DATABASE_URL=" + closed,
                                       "XDG_DATA_HOME=" + (dir / "data").string()};
    // A session for a patient: refused before anything is given (exit 2, no record).
    write_text(dir / "s.txt", kChecklist + "inject\nfinish\n");
    auto r = run_injmap({"session", "play", "--protocol",
                         (data_dir() / "sessions" / "mini-ftp.toml").string(), "--script",
                         (dir / "s.txt").string(), "--patient", "p"},
                        env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.unreachable]"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "data" / "injmap" / "sessions"));
    // Import: the record stays as it is.
    const fs::path record = make_record(dir, "r1", at("2026-01-05T09:00:00Z"));
    const std::string bytes = read_text(record);
    r = run_injmap({"db", "import", record.string()}, env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.unreachable]"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(record), bytes);
    r = run_injmap({"db", "info"}, env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.unreachable]"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
}

} // namespace
