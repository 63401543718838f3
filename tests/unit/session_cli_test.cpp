// `injmap session play|resume`: scripts, the record they leave, --json output and exit codes.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using injmap::test::data_dir;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::run_injmap;
using injmap::test::write_text;
namespace fs = std::filesystem;

// "r3.jsonl" (written out because GCC 12 warns falsely about "r" + std::to_string(n)).
std::string numbered(const char* prefix, int n, const char* ext) {
    std::string s = prefix;
    s += std::to_string(n);
    s += ext;
    return s;
}

std::string protocol_file() {
    return (data_dir() / "sessions" / "mini-ftp.toml").string();
}

int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<nlohmann::json> record_lines(const fs::path& path) {
    std::vector<nlohmann::json> out;
    std::istringstream in(read_text(path));
    for (std::string line; std::getline(in, line);)
        out.push_back(nlohmann::json::parse(line));
    return out;
}

// The pre-treatment checklist, every answer no: the line every script needs before injecting.
#define CHECKLIST                                                                                  \
    "checklist allergy=no infection=no neuromuscular=no pregnancy=no anticoagulant=no "            \
    "recent_toxin=no swallowing_breathing=no warning=acknowledged\n"
const std::string kChecklist = CHECKLIST;

const char* kFullScript = "# a whole session\n" CHECKLIST "inject\n"
                          "inject 2.5\n"
                          "\n"
                          "skip bruise, left side\n"
                          "back\n"
                          "   skip patient asked\n"
                          "add trapezius left 3\n"
                          "inject\n"
                          "finish\n";

TEST(SessionCli, PlayRecordsEveryActionAndWritesTheSummary) {
    const fs::path dir = fresh_dir("play");
    write_text(dir / "s.txt", kFullScript);
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                               (dir / "s.txt").string(), "--record", record.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 10u);
    EXPECT_EQ(lines[0]["action"], "start");
    EXPECT_EQ(lines[0]["protocol"], "mini-ftp");
    EXPECT_EQ(lines[0]["format"], 3);
    EXPECT_TRUE(fs::path(lines[0]["protocol_path"].get<std::string>()).is_absolute());
    EXPECT_EQ(lines[0]["protocol_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(lines[1]["action"], "checklist");
    EXPECT_EQ(lines[1]["answers"].size(), 7u);
    EXPECT_EQ(lines[1]["warning_acknowledged"], true);
    EXPECT_EQ(lines[2]["site"], "corrugator_left");
    EXPECT_EQ(lines[3]["units"], 2.5);
    EXPECT_EQ(lines[4]["reason"], "bruise, left side");
    EXPECT_EQ(lines[5]["action"], "back");
    EXPECT_EQ(lines[5]["site"], "procerus");
    EXPECT_EQ(lines[7]["action"], "add");
    EXPECT_EQ(lines[7]["site"], "ftp-1");
    EXPECT_TRUE(lines[7]["position_mm"].is_null());
    EXPECT_EQ(lines[8]["site"], "temporalis_1_left");
    EXPECT_EQ(lines[9]["action"], "finish");
    for (const auto& line : lines)
        EXPECT_EQ(line["time"].get<std::string>().size(), 20u);
    EXPECT_TRUE(fs::exists(dir / "out.summary.json"));
    EXPECT_EQ(count_lines(read_text(dir / "out.summary.csv")), 10); // header + 8 + 1 added
    EXPECT_NE(r.out.find("out.summary.json"), std::string::npos);
}

// LF, CRLF and a lone CR end a script's lines alike: the same session, the same actions, and a
// refusal names the same line.
TEST(SessionCli, ScriptLineEndsCrLfAndCrReadTheSame) {
    const fs::path dir = fresh_dir("line-ends");
    const auto with_ends = [](const std::string& text, const std::string& eol) {
        std::string out;
        for (const char c : text)
            out += c == '\n' ? eol : std::string(1, c);
        return out;
    };
    std::vector<std::string> actions;
    int n = 0;
    for (const std::string eol : {"\n", "\r\n", "\r"}) {
        ++n;
        const fs::path script = dir / numbered("s", n, ".txt");
        write_text(script, with_ends(kFullScript, eol));
        const fs::path record = dir / numbered("r", n, ".jsonl");
        const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                                   script.string(), "--record", record.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::string these;
        for (const auto& line : record_lines(record))
            these += line["action"].get<std::string>() + line.value("site", "") + " ";
        actions.push_back(these);
        // A refused line is located at the same line number whatever the line ends.
        const fs::path bad = dir / numbered("bad", n, ".txt");
        write_text(bad, with_ends(kChecklist + "inject\n# c\n\nfrobnicate\n", eol));
        const auto refused =
            run_injmap({"session", "play", "--protocol", protocol_file(), "--script", bad.string(),
                        "--record", (dir / numbered("x", n, ".jsonl")).string()});
        EXPECT_EQ(refused.exit_code, 1) << refused.err;
        EXPECT_NE(refused.err.find(":5: error:"), std::string::npos) << refused.err;
        EXPECT_NE(refused.err.find("[script.unknown-action]"), std::string::npos) << refused.err;
    }
    EXPECT_EQ(actions[1], actions[0]);
    EXPECT_EQ(actions[2], actions[0]);
}

TEST(SessionCli, ResumeJsonHasExactlyTheAgreedFields) {
    const fs::path dir = fresh_dir("json");
    write_text(dir / "s.txt", kFullScript);
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    const std::string before = read_text(record);
    const auto r = run_injmap({"session", "resume", record.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string answers;
    for (const char* id : {"allergy", "infection", "neuromuscular", "pregnancy", "anticoagulant",
                           "recent_toxin", "swallowing_breathing"})
        answers += std::string(answers.empty() ? "" : ",") + "{\"id\":\"" + id +
                   "\",\"answer\":\"no\",\"reason\":\"\"}";
    EXPECT_EQ(r.out, "{\"protocol\":\"mini-ftp\",\"actions\":10,\"injected\":4,\"skipped\":1,"
                     "\"units_given\":15.5,\"finished\":true,\"checklist\":{"
                     "\"warning_acknowledged\":true,\"yes\":0,\"answers\":[" +
                         answers + "]}}\n");
    EXPECT_EQ(read_text(record), before); // resume without a script writes nothing

    const auto human = run_injmap({"session", "resume", record.string()});
    EXPECT_EQ(human.exit_code, 0);
    EXPECT_NE(human.out.find("finished"), std::string::npos);
    EXPECT_NE(human.out.find("\nchecklist: 0 yes of 7, boxed warning acknowledged\n"),
              std::string::npos)
        << human.out;
}

TEST(SessionCli, ResumeContinuesTheRecord) {
    const fs::path dir = fresh_dir("resume");
    write_text(dir / "a.txt", kChecklist + "inject\nskip later\n");
    write_text(dir / "b.txt", "back\ninject 4\nadd temporalis right\nfinish\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "a.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    EXPECT_FALSE(fs::exists(dir / "out.summary.json"));
    const auto r = run_injmap(
        {"session", "resume", record.string(), "--script", (dir / "b.txt").string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["actions"], 8);
    EXPECT_EQ(j["injected"], 3);
    EXPECT_EQ(j["skipped"], 0);
    EXPECT_EQ(j["units_given"], 14.0);
    EXPECT_EQ(j["finished"], true);
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 8u);
    EXPECT_EQ(lines[4]["action"], "back");
    EXPECT_EQ(lines[4]["site"], "corrugator_right");
    EXPECT_EQ(lines[5]["site"], "corrugator_right");
    EXPECT_EQ(lines[5]["units"], 4.0);
    EXPECT_TRUE(fs::exists(dir / "out.summary.csv"));
}

TEST(SessionCli, ARefusedActionStopsWithItsScriptLine) {
    const fs::path dir = fresh_dir("refused");
    const std::string script = (dir / "s.txt").string();
    write_text(script, kChecklist + "inject\n# comment\nadd frontalis left\ninject\n");
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script", script,
                               "--record", record.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.rfind(script + ":4: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("[session.ftp-muscle]\n"), std::string::npos) << r.err;
    EXPECT_EQ(count_lines(r.err), 1);
    EXPECT_EQ(count_lines(read_text(record)), 3); // start + checklist + the first inject
}

TEST(SessionCli, RefusalsCarryTheStateMachineCode) {
    const fs::path dir = fresh_dir("codes");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"inject 6\n", "session.over-site-limit"},  {"inject 0\n", "session.bad-units"},
        {"inject nan\n", "session.bad-units"},      {"skip\n", "session.reason-required"},
        {"back\n", "session.nothing-to-undo"},      {"add masseter left\n", "session.ftp-muscle"},
        {"finish\ninject\n", "session.finished"},   {"goto nowhere\n", "session.unknown-site"},
        {"jump\n", "script.unknown-action"},        {"inject five\n", "script.bad-argument"},
        {"inject 5 5\n", "script.bad-argument"},    {"add trapezius up\n", "script.bad-argument"},
        {"add trapezius\n", "script.bad-argument"}, {"back now\n", "script.bad-argument"},
    };
    int n = 0;
    for (const auto& [script, code] : cases) {
        const fs::path s = dir / numbered("s", n, ".txt");
        write_text(s, kChecklist + script);
        const auto r =
            run_injmap({"session", "play", "--protocol", protocol_file(), "--script", s.string(),
                        "--record", (dir / numbered("r", n++, ".jsonl")).string()});
        EXPECT_EQ(r.exit_code, 1) << script;
        EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << script << r.err;
    }
}

TEST(SessionCli, NavigationInAScript) {
    const fs::path dir = fresh_dir("nav");
    write_text(dir / "s.txt", kChecklist + "next\nnext\ninject\nprevious\nprevious\ninject\ngoto "
                                           "trapezius_1_right\ninject\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[2]["site"], "procerus");
    EXPECT_EQ(lines[3]["site"], "corrugator_right");
    EXPECT_EQ(lines[4]["site"], "trapezius_1_right");
}

TEST(SessionCli, LabelAndModelAreNoted) {
    const fs::path dir = fresh_dir("label");
    write_text(dir / "s.txt", "");
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                               (dir / "s.txt").string(), "--record", record.string(), "--label",
                               "room 2, morning", "--model", "adult-female"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["label"], "room 2, morning");
    EXPECT_EQ(lines[0]["model"], "adult-female");
}

TEST(SessionCli, DefaultRecordGoesToTheUsersDataFolder) {
    const fs::path dir = fresh_dir("xdg");
    write_text(dir / "s.txt", kChecklist + "inject\n");
    ::unsetenv("XDG_DATA_HOME"); // the child gets only ours
    const auto r = run_injmap(
        {"session", "play", "--protocol", protocol_file(), "--script", (dir / "s.txt").string()},
        {"XDG_DATA_HOME=" + (dir / "data").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r.out.rfind("record: ", 0), 0u) << r.out;
    const fs::path path = r.out.substr(8, r.out.find('\n') - 8);
    EXPECT_EQ(path.parent_path(), dir / "data" / "injmap" / "sessions");
    const std::string name = path.filename().string();
    EXPECT_EQ(name.size(), std::string("20240501-093000-mini-ftp.jsonl").size()) << name;
    EXPECT_EQ(name.substr(15), "-mini-ftp.jsonl");
    EXPECT_EQ(count_lines(read_text(path)), 3);
}

TEST(SessionCli, UsageAndIoErrorsExit2) {
    const fs::path dir = fresh_dir("usage");
    write_text(dir / "s.txt", "inject\n");
    write_text(dir / "broken.toml", "schema_version = 1\nid = [\n");
    const std::string script = (dir / "s.txt").string();
    const std::string existing = (dir / "existing.jsonl").string();
    write_text(existing, "not mine\n");
    write_text(dir / "corrupt.jsonl", "garbage\n{\"x\":1}\n");
    const std::vector<std::vector<std::string>> cases = {
        {"session"},
        {"session", "frobnicate"},
        {"session", "play", "--protocol", protocol_file()},
        {"session", "play", "--script", script},
        {"session", "play", "--protocol", protocol_file(), "--script",
         (dir / "missing.txt").string()},
        {"session", "play", "--protocol", "no-such-protocol", "--script", script},
        {"session", "play", "--protocol", (dir / "broken.toml").string(), "--script", script},
        {"session", "play", "--protocol", protocol_file(), "--script", script, "--record",
         existing},
        {"session", "play", "--protocol", protocol_file(), "--script", script, "--model",
         "no-such-model"},
        {"session", "play", "--protocol", protocol_file(), "--script", script, "--bogus"},
        {"session", "play", "--protocol", protocol_file(), "--script", script, "extra"},
        {"session", "resume"},
        {"session", "resume", (dir / "missing.jsonl").string()},
        {"session", "resume", (dir / "corrupt.jsonl").string()},
        {"session", "resume", existing, existing},
        {"session", "resume", existing, "--script", (dir / "missing.txt").string()},
    };
    for (const auto& args : cases) {
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        const auto r = run_injmap(args);
        EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
        EXPECT_FALSE(r.err.empty()) << joined;
    }
    EXPECT_EQ(read_text(existing), "not mine\n"); // never overwritten
}

TEST(SessionCli, ResumeWarnsAboutACutLastLineAndRepairsIt) {
    const fs::path dir = fresh_dir("cut");
    write_text(dir / "s.txt", kChecklist + "inject\ninject\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    write_text(record, read_text(record) + "{\"action\":\"inj");
    auto r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find(record.string() + ":5: warning:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[record.truncated]"), std::string::npos) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["actions"], 4);

    write_text(dir / "t.txt", "finish\n");
    r = run_injmap(
        {"session", "resume", record.string(), "--script", (dir / "t.txt").string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(record_lines(record).size(), 5u); // parses: the cut tail is gone
    r = run_injmap({"session", "resume", record.string()});
    EXPECT_TRUE(r.err.empty()) << r.err;
}

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Plays `script` into dir/out.jsonl and returns the record's path.
fs::path played_record(const fs::path& dir, const std::string& script) {
    write_text(dir / "play.txt",
               script.rfind("# a whole session", 0) == 0 ? script : kChecklist + script);
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                               (dir / "play.txt").string(), "--record", record.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return record;
}

// The damaged tails a record may have: a complete last line with one byte changed (no longer
// JSON), and a last line cut short.
std::vector<std::pair<std::string, std::string>> damaged_variants(const std::string& whole) {
    const std::size_t last = whole.rfind('\n', whole.size() - 2) + 1;
    std::string changed = whole;
    changed[last] = 'X'; // "{" -> "X"
    const std::string cut = whole.substr(0, whole.size() - 7);
    return {{"changed", changed}, {"cut", cut}};
}

TEST(SessionCli, ResumeWithoutAScriptNeverChangesAByte) {
    for (const auto& [name, text] :
         damaged_variants(read_text(played_record(fresh_dir("read-only"), "inject\ninject\n")))) {
        const fs::path dir = fresh_dir("read-only-" + name);
        const fs::path record = dir / "r.jsonl";
        write_text(record, text);
        const auto before = files_in(dir);
        for (const auto& args :
             std::vector<std::vector<std::string>>{{"session", "resume", record.string(), "--json"},
                                                   {"session", "resume", record.string()}}) {
            const auto r = run_injmap(args);
            EXPECT_EQ(r.exit_code, 0) << name << r.err;
            EXPECT_NE(r.err.find(record.string() + ":4: warning:"), std::string::npos)
                << name << r.err;
            EXPECT_NE(r.err.find("[record.truncated]"), std::string::npos) << name << r.err;
        }
        EXPECT_EQ(read_text(record), text) << name; // byte for byte
        EXPECT_EQ(files_in(dir), before) << name;   // and nothing written beside it
    }
}

TEST(SessionCli, ResumeWithoutAScriptWritesNoSummary) {
    // A finished record whose summaries are missing (killed before they were written): only
    // appending writes them.
    const fs::path dir = fresh_dir("no-summary");
    const fs::path record = played_record(dir, "inject\nfinish\n");
    fs::remove(injmap::summary_json_path(record));
    fs::remove(injmap::summary_csv_path(record));
    const auto before = files_in(dir);
    const auto r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(files_in(dir), before);
    write_text(dir / "empty.txt", "");
    EXPECT_EQ(
        run_injmap({"session", "resume", record.string(), "--script", (dir / "empty.txt").string()})
            .exit_code,
        0);
    EXPECT_TRUE(fs::exists(injmap::summary_json_path(record)));
}

TEST(SessionCli, AppendingKeepsTheDamagedTailBesideTheRecord) {
    for (const auto& [name, text] :
         damaged_variants(read_text(played_record(fresh_dir("keep"), "inject\ninject\n")))) {
        const fs::path dir = fresh_dir("keep-" + name);
        const fs::path record = dir / "r.jsonl";
        write_text(record, text);
        const std::size_t intact = text.rfind('\n', text.size() - 2) + 1;
        const std::string tail = text.substr(intact);
        write_text(dir / "t.txt", "finish\n");
        const auto r = run_injmap(
            {"session", "resume", record.string(), "--script", (dir / "t.txt").string()});
        EXPECT_EQ(r.exit_code, 0) << name << r.err;
        EXPECT_NE(r.err.find("[record.tail-kept]"), std::string::npos) << name << r.err;
        std::vector<fs::path> kept;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().filename().string().rfind("r.jsonl.damaged-", 0) == 0)
                kept.push_back(e.path());
        ASSERT_EQ(kept.size(), 1u) << name;
        // r.jsonl.damaged-YYYYmmddTHHMMSSZ
        EXPECT_EQ(kept[0].filename().string().size(), std::string("r.jsonl.damaged-").size() + 16)
            << kept[0];
        EXPECT_EQ(read_text(kept[0]), tail) << name;
        EXPECT_EQ(read_text(record).substr(0, intact), text.substr(0, intact)) << name;
        EXPECT_EQ(record_lines(record).size(), 4u) << name; // the intact 3 + finish
    }
}

TEST(SessionCli, ASecondWriterIsRefusedWithTheHoldersPid) {
    const fs::path dir = fresh_dir("locked");
    const fs::path record = played_record(dir, "inject\n");
    const std::string before = read_text(record);
    // This test process holds the record open for appending, as another injmap would.
    auto held = injmap::RecordFile::open_for_append(record, before.size());
    ASSERT_TRUE(held.ok());
    write_text(dir / "t.txt", "inject\n");
    const auto r =
        run_injmap({"session", "resume", record.string(), "--script", (dir / "t.txt").string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("[record.locked]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("process " + std::to_string(::getpid())), std::string::npos) << r.err;
    EXPECT_EQ(read_text(record), before);
    // Reading needs no lock.
    const auto read = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(read.exit_code, 0) << read.err;
}

// Runs injmap under `timeout`, so a command that waits forever fails the test instead of hanging
// it (no timing is asserted: 124 is simply not the expected exit code).
injmap::test::CommandResult run_bounded(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"timeout", "120", injmap::test::injmap_exe().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return injmap::test::run(argv);
}

TEST(SessionCli, AScriptMustBeASmallRegularFile) {
    const fs::path dir = fresh_dir("script-kinds");
    const fs::path fifo = dir / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::string secret = "inject # SECRET-CONTENT\n";
    std::string big;
    while (big.size() <= 1024 * 1024)
        big += secret;
    write_text(dir / "big.txt", big);
    fs::create_directories(dir / "folder");
    for (const fs::path& script : {fifo, dir / "big.txt", dir / "folder"}) {
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"session", "play", "--protocol", protocol_file(), "--script", script.string(),
                  "--record", (dir / "r.jsonl").string()},
                 {"session", "resume", (dir / "r.jsonl").string(), "--script", script.string()}}) {
            const auto r = run_bounded(args);
            EXPECT_EQ(r.exit_code, 2) << script << r.err;
            EXPECT_NE(r.err.find(script.string()), std::string::npos) << r.err;
            EXPECT_EQ(r.err.find("SECRET"), std::string::npos) << r.err; // content never echoed
        }
    }
    EXPECT_FALSE(fs::exists(dir / "r.jsonl"));
    const auto fifo_err =
        run_bounded({"session", "play", "--protocol", protocol_file(), "--script", fifo.string()})
            .err;
    EXPECT_NE(fifo_err.find("not a regular file"), std::string::npos) << fifo_err;

    // Exactly 1 MiB is allowed.
    std::string limit = kChecklist + "inject\n";
    limit += std::string(1024 * 1024 - limit.size() - 1, '#') + "\n";
    ASSERT_EQ(limit.size(), 1024u * 1024u);
    write_text(dir / "limit.txt", limit);
    const auto ok =
        run_bounded({"session", "play", "--protocol", protocol_file(), "--script",
                     (dir / "limit.txt").string(), "--record", (dir / "ok.jsonl").string()});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(count_lines(read_text(dir / "ok.jsonl")), 3);
}

TEST(SessionCli, TooLongTextIsRefusedWhenPassed) {
    const fs::path dir = fresh_dir("too-long");
    write_text(dir / "s.txt", "inject\n");
    const std::string label(injmap::kMaxLabelBytes + 1, 'l');
    auto r = run_bounded({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", (dir / "r.jsonl").string(),
                          "--label", label});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("session.too-long"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "r.jsonl"));
    // The window refuses it before opening.
    r = run_bounded({"gui", "--label", label, "--frames", "1"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("session.too-long"), std::string::npos) << r.err;

    write_text(dir / "t.txt", kChecklist + "inject\nskip " +
                                  std::string(injmap::kMaxReasonBytes + 1, 'r') + "\ninject\n");
    r = run_bounded({"session", "play", "--protocol", protocol_file(), "--script",
                     (dir / "t.txt").string(), "--record", (dir / "t.jsonl").string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.rfind((dir / "t.txt").string() + ":3: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("[session.too-long]"), std::string::npos) << r.err;
    EXPECT_EQ(count_lines(read_text(dir / "t.jsonl")), 3);
}

TEST(SessionCli, VerifySaysIntactOrNamesTheFirstBrokenLine) {
    const fs::path dir = fresh_dir("verify");
    const fs::path record = played_record(dir, kFullScript);
    auto r = run_injmap({"session", "verify", record.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, record.string() + ": intact (10 lines, format 3)\n");
    EXPECT_TRUE(r.err.empty()) << r.err;

    // Line 4 (inject 2.5) says 3.5 now: still valid JSON, still replays.
    std::string text = read_text(record);
    const std::size_t at = text.find("\"units\":2.5");
    ASSERT_NE(at, std::string::npos);
    text[at + 8] = '3';
    write_text(record, text);
    r = run_injmap({"session", "verify", record.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.rfind(record.string() + ":4: error:", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("[record.chain-broken]"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("NOT intact from line 4"), std::string::npos) << r.out;
    // resume warns and still shows what is there.
    r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(record.string() + ":4: warning:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[record.chain-broken]"), std::string::npos) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["units_given"], 16.5);
    EXPECT_EQ(read_text(record), text);

    // Format 1: nothing to check against.
    write_text(dir / "old.jsonl", "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini-ftp\","
                                  "\"time\":\"2024-05-01T09:30:00Z\"}\n");
    r = run_injmap({"session", "verify", (dir / "old.jsonl").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("format 1: no chain"), std::string::npos) << r.out;
    // Unreadable: 2.
    EXPECT_EQ(run_injmap({"session", "verify", (dir / "missing.jsonl").string()}).exit_code, 2);
    EXPECT_EQ(run_injmap({"session", "verify"}).exit_code, 2);
}

TEST(SessionCli, ARecordCarriesItsProtocol) {
    const fs::path dir = fresh_dir("self-contained");
    const fs::path protocol = dir / "p.toml";
    const std::string protocol_text = read_text(protocol_file());
    write_text(protocol, protocol_text);
    write_text(dir / "s.txt", kChecklist + "inject\ninject\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol.string(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    // The protocol as used, beside the record, named by the start line's digest.
    const fs::path copy = dir / "out.protocol.toml";
    ASSERT_TRUE(fs::exists(copy));
    EXPECT_EQ(read_text(copy), protocol_text);
    EXPECT_EQ(record_lines(record)[0]["protocol_sha256"], injmap::sha256_hex(protocol_text));

    // The file is edited into something else entirely: a warning, the recorded protocol is used.
    write_text(protocol, "id = [ not a protocol\n");
    auto r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(record.string() + ":1: warning:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[record.protocol-changed]"), std::string::npos) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["actions"], 4);

    // ... or it vanishes: the same, and the session can go on.
    fs::remove(protocol);
    write_text(dir / "t.txt", "inject\nfinish\n");
    r = run_injmap(
        {"session", "resume", record.string(), "--script", (dir / "t.txt").string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("no longer exists"), std::string::npos) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["finished"], true);
    EXPECT_TRUE(fs::exists(dir / "out.summary.json"));
    EXPECT_EQ(run_injmap({"session", "verify", record.string()}).exit_code, 0);

    // A copy that does not match the record is not used (a warning), the file is.
    write_text(protocol, protocol_text);
    write_text(copy, protocol_text + "# edited\n");
    r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("[record.protocol-copy]"), std::string::npos) << r.err;
}

TEST(SessionCli, ResumeReportsARefusedRecordedAction) {
    const fs::path dir = fresh_dir("badaction");
    write_text(dir / "s.txt", kChecklist + "inject\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    // The same site twice (the line after the checklist, copied).
    const auto lines = read_text(record);
    const std::size_t inject_at = lines.find('\n', lines.find('\n') + 1) + 1;
    write_text(record, lines + lines.substr(inject_at));
    const auto r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(record.string() + ":4: error:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[record.bad-action]"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(SessionCli, AFinishedRecordRefusesMore) {
    const fs::path dir = fresh_dir("finished");
    write_text(dir / "s.txt", "finish\n");
    const fs::path record = dir / "out.jsonl";
    ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                          (dir / "s.txt").string(), "--record", record.string()})
                  .exit_code,
              0);
    write_text(dir / "more.txt", "inject\n");
    const auto r = run_injmap(
        {"session", "resume", record.string(), "--script", (dir / "more.txt").string(), "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("more.txt:1: error:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[session.finished]"), std::string::npos);
    // The state is still printed.
    EXPECT_EQ(nlohmann::json::parse(r.out)["finished"], true);
    EXPECT_EQ(count_lines(read_text(record)), 2);
}

// ---------------------------------------------------------------------------------------------
// The checklist line

TEST(SessionCli, ChecklistAnswersAndReasonsAreRecorded) {
    const fs::path dir = fresh_dir("checklist");
    write_text(dir / "s.txt",
               "checklist allergy=no infection=no neuromuscular=no pregnancy=no\t"
               "anticoagulant=yes:\"takes apixaban; pressure \\\"held\\\" 2 min\" recent_toxin=no "
               "swallowing_breathing=yes:mild_dysphagia warning=acknowledged\n"
               "inject\nfinish\n");
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                               (dir / "s.txt").string(), "--record", record.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 4u);
    const auto& c = lines[1];
    EXPECT_EQ(c["action"], "checklist");
    EXPECT_EQ(c["checklist_version"], 1);
    ASSERT_EQ(c["answers"].size(), 7u);
    EXPECT_EQ(c["answers"][4]["id"], "anticoagulant");
    EXPECT_EQ(c["answers"][4]["answer"], "yes");
    EXPECT_EQ(c["answers"][4]["reason"], "takes apixaban; pressure \"held\" 2 min");
    EXPECT_EQ(c["answers"][6]["reason"], "mild_dysphagia");
    EXPECT_EQ(c["answers"][0]["answer"], "no");

    const auto summary = nlohmann::json::parse(read_text(dir / "out.summary.json"));
    EXPECT_EQ(summary["checklist"]["yes"], 2);
    const auto json = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_EQ(nlohmann::json::parse(json.out)["checklist"]["answers"][4]["reason"],
              "takes apixaban; pressure \"held\" 2 min");
    const auto human = run_injmap({"session", "resume", record.string()});
    EXPECT_NE(human.out.find("anticoagulant: yes: takes apixaban"), std::string::npos) << human.out;
    EXPECT_EQ(run_injmap({"session", "verify", record.string()}).exit_code, 0);
}

TEST(SessionCli, ChecklistRefusalsCarryTheirCodes) {
    const fs::path dir = fresh_dir("checklist-codes");
    const std::string rest = "neuromuscular=no pregnancy=no anticoagulant=no recent_toxin=no "
                             "swallowing_breathing=no";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"inject\n", "session.checklist-required"},
        {"add trapezius left\n", "session.checklist-required"},
        {"checklist allergy=yes infection=no " + rest + " warning=acknowledged\n",
         "session.checklist-reason"},
        {"checklist allergy=yes:\"  \" infection=no " + rest + " warning=acknowledged\n",
         "session.checklist-reason"},
        {"checklist allergy=no " + rest + " warning=acknowledged\n",
         "session.checklist-incomplete"},
        {"checklist allergy=no infection=no " + rest + "\n", "session.checklist-incomplete"},
        {"checklist allergy=no infection=no itching=no " + rest + " warning=acknowledged\n",
         "session.checklist-unknown"},
        {"checklist allergy=no allergy=no infection=no " + rest + " warning=acknowledged\n",
         "session.checklist-duplicate"},
        {kChecklist + kChecklist, "session.checklist-done"},
        {"checklist allergy=no infection=yes:\"" + std::string(301, 'r') + "\" " + rest +
             " warning=acknowledged\n",
         "session.too-long"},
        {"checklist\n", "script.bad-argument"},
        {"checklist allergy=maybe\n", "script.bad-argument"},
        {"checklist allergy\n", "script.bad-argument"},
        {"checklist allergy=yes:\"not closed\n", "script.bad-argument"},
        {"checklist warning=seen\n", "script.bad-argument"},
    };
    int n = 0;
    for (const auto& [script, code] : cases) {
        const fs::path s = dir / numbered("s", n, ".txt");
        write_text(s, script);
        const fs::path record = dir / numbered("r", n++, ".jsonl");
        const auto r = run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                                   s.string(), "--record", record.string()});
        EXPECT_EQ(r.exit_code, 1) << script;
        EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << script << r.err;
        // Nothing refused is written: the start line, plus the first checklist when it was twice.
        EXPECT_EQ(count_lines(read_text(record)), code == "session.checklist-done" ? 2 : 1)
            << script;
    }
}

TEST(SessionCli, AFormat2RecordResumesWithoutAChecklist) {
    const fs::path dir = fresh_dir("format2");
    const fs::path record = dir / "old.jsonl";
    fs::copy_file(injmap::test::data_dir() / "sessions" / "format2-preempt-155.jsonl", record);
    auto r = run_injmap({"session", "resume", record.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("checklist: not answered (not required: a record of format 2)"),
              std::string::npos)
        << r.out;
    r = run_injmap({"session", "resume", record.string(), "--json"});
    EXPECT_TRUE(nlohmann::json::parse(r.out)["checklist"].is_null());
    write_text(dir / "t.txt", "inject\nfinish\n");
    r = run_injmap({"session", "resume", record.string(), "--script", (dir / "t.txt").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run_injmap({"session", "verify", record.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("format 2"), std::string::npos) << r.out;
}

} // namespace

namespace {

// `session list`: the records of one protocol in a folder, newest first, with progress and damage,
// and the one the GUI would offer (find_session_records, record_to_resume).
TEST(SessionCli, ListShowsTheProtocolsRecordsNewestFirstAndTheOffer) {
    const fs::path dir = fresh_dir("list");
    const fs::path sessions = dir / "sessions";
    write_text(dir / "a.txt", kChecklist + "inject\n");
    write_text(dir / "b.txt", kChecklist + "inject\ninject\nskip later\n");
    const fs::path older = sessions / "20240501-093000-mini-ftp.jsonl";
    const fs::path newer = sessions / "20240501-103000-mini-ftp.jsonl";
    for (const auto& [script, record] : {std::pair{dir / "a.txt", older}, {dir / "b.txt", newer}})
        ASSERT_EQ(run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                              script.string(), "--record", record.string(), "--label", "L"})
                      .exit_code,
                  0);
    write_text(sessions / "notes.jsonl", "{\"hello\":1}\n"); // not a record: not listed
    // The newer record's last line cut off while being written: listed as tail_cut.
    write_text(newer, read_text(newer) + "{\"action\":\"inj");
    const std::string before = read_text(newer);

    const auto r = run_injmap(
        {"session", "list", "--protocol", protocol_file(), "--dir", sessions.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["protocol"], "mini-ftp");
    ASSERT_EQ(j["records"].size(), 2u) << r.out;
    EXPECT_EQ(j["records"][0]["path"], newer.string());
    EXPECT_EQ(j["records"][0]["injected"], 2);
    EXPECT_EQ(j["records"][0]["skipped"], 1);
    EXPECT_EQ(j["records"][0]["damage"], "tail_cut");
    EXPECT_EQ(j["records"][0]["resumable"], true);
    EXPECT_EQ(j["records"][0]["label"], "L");
    EXPECT_EQ(j["records"][1]["path"], older.string());
    EXPECT_EQ(j["records"][1]["injected"], 1);
    EXPECT_EQ(j["records"][1]["damage"], "none");
    EXPECT_EQ(j["resume"], newer.string());
    EXPECT_EQ(read_text(newer), before); // listing only reads

    const auto human =
        run_injmap({"session", "list", "--protocol", protocol_file(), "--dir", sessions.string()});
    ASSERT_EQ(human.exit_code, 0) << human.err;
    EXPECT_NE(human.out.find(newer.string() + ": started "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("damaged: tail_cut"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("\nresume: " + newer.string() + "\n"), std::string::npos) << human.out;

    EXPECT_EQ(run_injmap({"session", "list", "--dir", sessions.string()}).exit_code, 2);
}

} // namespace

// `inject UNITS "REASON"`: the quoted reason is recorded on the inject line (unquoted words after
// the units stay a bad argument, as before); a
// dose above the plan within the limits goes ahead; a reason never lifts a limit; a skipped site
// is injected later after `goto`.
TEST(SessionCli, InjectWithAReasonRecordsItAndASkippedSiteCanBeInjectedLater) {
    const fs::path dir = fresh_dir("inject-reason");
    write_text(dir / "s.txt", kChecklist + "inject 30 \"stronger pull on examination\"\n"
                                           "skip bruise\n"
                                           "goto splenius_capitis_lower\n"
                                           "inject\n");
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol", "cd-torticaput", "--script",
                               (dir / "s.txt").string(), "--record", record.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = record_lines(record);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[2]["site"], "splenius_capitis_upper");
    EXPECT_EQ(lines[2]["units"], 30.0);
    EXPECT_EQ(lines[2]["reason"], "stronger pull on examination");
    EXPECT_EQ(lines[3]["action"], "skip");
    EXPECT_EQ(lines[3]["site"], "splenius_capitis_lower");
    EXPECT_EQ(lines[4]["action"], "inject");
    EXPECT_EQ(lines[4]["site"], "splenius_capitis_lower");
    EXPECT_FALSE(lines[4].contains("reason")); // none given, none written
    // Past the per-site limit (50 U): refused whatever the reason.
    write_text(dir / "over.txt", kChecklist + "inject 60 \"very strong pull\"\n");
    const auto over =
        run_injmap({"session", "play", "--protocol", "cd-torticaput", "--script",
                    (dir / "over.txt").string(), "--record", (dir / "over.jsonl").string()});
    EXPECT_EQ(over.exit_code, 1);
    EXPECT_NE(over.err.find("[session.over-site-limit]"), std::string::npos) << over.err;
    write_text(dir / "open.txt", kChecklist + "inject 30 \"not closed\n");
    const auto open =
        run_injmap({"session", "play", "--protocol", "cd-torticaput", "--script",
                    (dir / "open.txt").string(), "--record", (dir / "open.jsonl").string()});
    EXPECT_EQ(open.exit_code, 1);
    EXPECT_NE(open.err.find("[script.bad-argument]"), std::string::npos) << open.err;
}
