// The treatment history (protocols/history.hpp, docs/history.md): the SQLite store, importing
// records, the cross-visit rules, `injmap session play --patient`, `injmap history` and
// `injmap db`, and a database that cannot be used (corrupt, newer, read-only, locked).
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>

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
// The store

TEST(History, AnEmptyFileIsMigratedToTheCurrentSchema) {
    const fs::path dir = fresh_dir("db");
    write_text(dir / "injmap.db", "");
    auto store = open_store(dir / "injmap.db");
    ASSERT_TRUE(store);
    const auto info = store->info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info.value->schema_version, kHistorySchemaVersion);
    EXPECT_EQ(info.value->treatments, 0);
    const auto none = store->list_treatments("nobody");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->empty());
    EXPECT_EQ(first_rule(store->find_patient("nobody").diagnostics), "history.unknown-patient");
    EXPECT_EQ(first_rule(store->find_treatment(1).diagnostics), "history.unknown-treatment");
    // A second open finds it current and changes nothing.
    store.reset();
    EXPECT_EQ(open_store(dir / "injmap.db")->info().value->schema_version, kHistorySchemaVersion);
    // Reading a file that does not exist without create is db.missing, and creates nothing.
    HistoryOpenOptions no_create;
    no_create.create = false;
    EXPECT_EQ(first_rule(open_sqlite_history(dir / "absent.db", no_create).diagnostics),
              "db.missing");
    EXPECT_FALSE(fs::exists(dir / "absent.db"));
}

TEST(History, ImportingTheSameRecordTwiceFilesOneTreatmentThatReplays) {
    const fs::path dir = fresh_dir("import");
    const fs::path record = make_record(dir, "r1", at("2026-01-05T09:00:00Z"), 3);
    auto store = open_store(dir / "injmap.db");
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

TEST(History, AnUnfinishedOrUnreadableRecordIsNotImported) {
    const fs::path dir = fresh_dir("unfinished");
    const fs::path record = make_record(dir, "r1", at("2026-01-05T09:00:00Z"));
    // Drop the finish line: an unfinished session.
    std::string text = read_text(record);
    text.erase(text.rfind('\n', text.size() - 2) + 1);
    write_text(dir / "cut.jsonl", text);
    write_text(dir / "junk.jsonl", "not a record\n");
    auto store = open_store(dir / "injmap.db");
    ASSERT_TRUE(store);
    const std::vector<fs::path> records{dir / "cut.jsonl", dir / "junk.jsonl", dir / "none.jsonl"};
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

class HistoryCli : public ::testing::Test {
protected:
    void SetUp() override {
        // The children get only ours (an inherited variable would win over an appended one).
        for (const char* name :
             {"XDG_DATA_HOME", "INJMAP_DATABASE_URL", "INJMAP_DB_BUSY_TIMEOUT_MS"})
            ::unsetenv(name);
        dir_ = fresh_dir("cli");
        env_ = {"XDG_DATA_HOME=" + (dir_ / "data").string()};
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
    // A whole session of `protocol`: the checklist, `injects` injects, finish.
    fs::path script(const std::string& name, int injects) {
        std::string text = kChecklist;
        for (int i = 0; i < injects; ++i)
            text += "inject\n";
        text += "finish\n";
        write_text(dir_ / name, text);
        return dir_ / name;
    }
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
};

TEST_F(HistoryCli, PlayFilesUnderThePatientAndHistoryPrintsTheTimeline) {
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
    EXPECT_EQ(nlohmann::json::parse(r.out)["treatments"], 2);
}

TEST_F(HistoryCli, ExportTakesTheTreatmentIdsHistoryPrints) {
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

TEST_F(HistoryCli, IntervalWarnsUnderTwelveWeeks) {
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
    EXPECT_EQ(count_treatments(db()), 3);
}

TEST_F(HistoryCli, CumulativeOverFourHundredIsRefusedUnlessOverridden) {
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
    EXPECT_EQ(count_treatments(db()), 2);
    // With a reason: given, filed, and the reason kept with the treatment.
    r = play("preempt-155", s, "p", "2026-03-30T09:00:00Z",
             {"--override-reason", "second opinion: documented"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[history.cumulative]"), std::string::npos) << r.err;
    EXPECT_EQ(records(), 3);
    auto store = open_store(db());
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

TEST_F(HistoryCli, FirstCervicalDystoniaCapOnlyWithoutAnEarlierOne) {
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

TEST_F(HistoryCli, AnUnusableDatabaseKeepsTheJournal) {
    const fs::path s = script("s.txt", 2);
    ASSERT_EQ(play(mini(), s, "p", "2026-01-05T09:00:00Z").exit_code, 0);

    // Read-only: the session is given and recorded, not filed (exit 2), and can be imported.
    fs::permissions(db(), fs::perms::owner_read);
    auto r = play(mini(), s, "p", "2026-04-06T09:00:00Z");
    fs::permissions(db(), fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[db.read-only]"), std::string::npos) << r.err;
    EXPECT_EQ(count_treatments(db()), 1);
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
    EXPECT_EQ(count_treatments(db()), 1);

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

} // namespace
