// Crash consistency of the session record: whatever moment a crash or kill hits, reading and
// resuming the record loses nothing but the line being written.
//
// 1. Every byte offset: a complete record cut at each offset must read back as exactly its complete
//    lines (with record.truncated when the cut is inside a line) and replay to the same state as
//    those lines; at each line boundary, the byte after it and mid-line, the cut file on disk must
//    also resume and take more lines.
// 2. The real program: `injmap session play` killed with SIGKILL after each of its lines is synced
//    (INJMAP_TEST_DIE_AFTER=N) and halfway through writing each line (INJMAP_TEST_DIE_DURING=N),
//    then `injmap session resume` with the rest of the script must end exactly where an
//    uninterrupted run ends. These environment variables are a testing-only hook of `injmap
//    session`.
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using injmap::test::data_dir;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::run_injmap;
using injmap::test::write_text;
using std::chrono::seconds;
namespace fs = std::filesystem;

const SessionTime kT0 = SessionTime{} + seconds(1714555800);

SessionClock ticking_clock() {
    auto ticks = std::make_shared<int>(0);
    return [ticks] { return kT0 + seconds((*ticks)++); };
}

std::shared_ptr<const Protocol> mini_protocol() {
    Protocol p;
    p.id = "mini";
    p.reconstitution = {100.0, 2.0};
    Step step;
    step.id = "all";
    for (const auto& [id, muscle, side] :
         {std::tuple{"corrugator_left", "corrugator", Side::left},
          std::tuple{"corrugator_right", "corrugator", Side::right},
          std::tuple{"procerus", "procerus", Side::midline},
          std::tuple{"trapezius_1_left", "trapezius", Side::left},
          std::tuple{"trapezius_1_right", "trapezius", Side::right}}) {
        Site s;
        s.id = id;
        s.muscle = muscle;
        s.side = side;
        s.units = 5.0;
        step.sites.push_back(s);
    }
    p.steps = {step};
    p.limits.units_per_site = 5.0;
    FollowThePainLimits ftp;
    ftp.max_extra_units = 20;
    ftp.max_extra_sites = 4;
    ftp.muscles = {"trapezius"};
    p.limits.follow_the_pain = ftp;
    return std::make_shared<const Protocol>(std::move(p));
}

// The checklist, answered (no definition is set: the ids are taken as given).
ChecklistAnswers answered() {
    ChecklistAnswers a;
    a.answers = {{"allergy", false, ""}, {"anticoagulant", true, "warfarin"}};
    a.warning_acknowledged = true;
    return a;
}

TEST(SessionCrash, EveryByteOffset) {
    const fs::path dir = fresh_dir("offsets");
    const fs::path full_path = dir / "full.jsonl";
    {
        auto r = SessionRecorder::create(full_path, mini_protocol(), {}, ticking_clock());
        ASSERT_TRUE(r.ok());
        SessionRecorder& rec = *r.value;
        ASSERT_TRUE(rec.answer_checklist(answered()).ok());
        ASSERT_TRUE(rec.inject().ok());
        ASSERT_TRUE(rec.skip("bruise").ok());
        ASSERT_TRUE(rec.back().ok());
        ASSERT_TRUE(rec.inject(2.5).ok());
        ASSERT_TRUE(rec.add("trapezius", Side::left, 3.0, glm::vec3(1.5f, 2.0f, 3.0f)).ok());
        ASSERT_TRUE(rec.inject().ok());
    }
    const std::string full = read_text(full_path);
    const fs::path cut_path = dir / "cut.jsonl";
    for (std::size_t k = 0; k <= full.size(); ++k) {
        const std::string prefix = full.substr(0, k);
        const int complete = static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
        const bool mid_line = k > 0 && prefix.back() != '\n';
        // Reading and resuming from the disk costs an O_TRUNC rewrite and fsyncs, so the file is
        // written at every line boundary, the byte after it and the middle of each line; every
        // other offset is parsed from memory (read_session_record is that same parser over the
        // file's bytes) and takes the same path as its sampled neighbours.
        const std::size_t line_start = prefix.rfind('\n') + 1; // 0 when there is no newline
        const std::size_t line_end = full.find('\n', line_start);
        const bool sampled = k == line_start || k == line_start + 1 || k == line_end ||
                             k == (line_start + line_end) / 2;
        Result<SessionRecord> record;
        if (sampled) {
            write_text(cut_path, prefix);
            record = read_session_record(cut_path);
        } else {
            record = parse_session_record(prefix, cut_path.string());
        }
        if (complete == 0) {
            // Not even the start line survived: nothing to resume.
            EXPECT_FALSE(record.ok()) << k;
            continue;
        }
        ASSERT_TRUE(record.ok()) << "offset " << k;
        ASSERT_EQ(record.value->actions.size(), static_cast<std::size_t>(complete)) << k;
        EXPECT_EQ(record.value->truncated, mid_line) << k;
        EXPECT_EQ(record.value->valid_bytes, line_start) << k;

        // The cut record replays to the same state as the first `complete` lines of the full one.
        auto replayed = replay_session_record(*record.value, mini_protocol());
        ASSERT_TRUE(replayed.ok()) << k;
        auto reference = parse_session_record(full.substr(0, line_start), "ref");
        auto expected = replay_session_record(*reference.value, mini_protocol());
        ASSERT_TRUE(expected.ok());
        EXPECT_EQ(session_summary_json(*replayed.value), session_summary_json(*expected.value))
            << k;
        if (!sampled)
            continue;

        // Resume and take one more action; the file reads back whole, without warnings.
        auto rec = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
        ASSERT_TRUE(rec.ok()) << k;
        // (An add is allowed in every state of this record once the checklist is answered — only
        // the start line survived: answer it first — and writes no summary.)
        const int more = complete == 1 ? 2 : 1;
        if (complete == 1) {
            ASSERT_TRUE(rec.value->answer_checklist(answered()).ok()) << k;
        }
        ASSERT_TRUE(rec.value->add("trapezius", Side::right, 1.0).ok()) << k;
        auto after = read_session_record(cut_path);
        ASSERT_TRUE(after.ok()) << k;
        EXPECT_TRUE(after.diagnostics.empty()) << k;
        EXPECT_EQ(after.value->actions.size(), static_cast<std::size_t>(complete + more)) << k;
    }
}

// ---------------------------------------------------------------------------------------------
// The real program, killed.

const std::vector<std::string> kScript = {
    "checklist allergy=no infection=no neuromuscular=no pregnancy=no "
    "anticoagulant=yes:\"apixaban, pressure held\" recent_toxin=no swallowing_breathing=no "
    "warning=acknowledged",
    "inject",
    "inject 2.5",
    "skip sore",
    "back",
    "skip patient asked",
    "add trapezius left 3",
    "inject",
    "finish"};

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

std::string script_text(std::size_t from) {
    std::string text;
    for (std::size_t i = from; i < kScript.size(); ++i)
        text += kScript[i] + "\n";
    return text;
}

std::string resume_json(const fs::path& record, const fs::path& script = {}) {
    std::vector<std::string> args = {"session", "resume", record.string(), "--json"};
    if (!script.empty()) {
        args.push_back("--script");
        args.push_back(script.string());
    }
    const auto r = run_injmap(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

// The uninterrupted run.
std::string reference_json(const fs::path& dir) {
    write_text(dir / "all.txt", script_text(0));
    const auto r =
        run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                    (dir / "all.txt").string(), "--record", (dir / "all.jsonl").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return resume_json(dir / "all.jsonl");
}

int lines_in(const fs::path& path) {
    const std::string text = read_text(path);
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(SessionCrash, KilledAfterEachLine) {
    const fs::path dir = fresh_dir("killed-after");
    const std::string expected = reference_json(dir);
    ASSERT_NE(expected.find("\"actions\":10"), std::string::npos) << expected;
    write_text(dir / "all.txt", script_text(0));
    const int total_lines = static_cast<int>(kScript.size()) + 1;
    for (int n = 1; n <= total_lines; ++n) {
        const fs::path record = dir / numbered("r", n, ".jsonl");
        const auto killed =
            run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                        (dir / "all.txt").string(), "--record", record.string()},
                       {"INJMAP_TEST_DIE_AFTER=" + std::to_string(n)});
        EXPECT_EQ(killed.exit_code, -1) << "n=" << n << " (expected death by SIGKILL)";
        EXPECT_EQ(lines_in(record), n) << n;
        const std::string state = resume_json(record);
        EXPECT_NE(state.find("\"actions\":" + std::to_string(n) + ","), std::string::npos)
            << n << state;
        // Play the rest: line n+1 is script action n (line 1 is the start).
        const fs::path rest = dir / numbered("rest", n, ".txt");
        write_text(rest, script_text(static_cast<std::size_t>(n - 1)));
        // The killed writer's lock died with it: the resume appends (record.locked otherwise).
        EXPECT_EQ(resume_json(record, rest), expected) << n;
        EXPECT_EQ(lines_in(record), total_lines) << n;
        // Killed between the finish line and the summary: resume wrote it.
        EXPECT_TRUE(fs::exists(summary_json_path(record))) << n;
        // The hash chain runs unbroken across the kill and the resume.
        const auto verify = run_injmap({"session", "verify", record.string()});
        EXPECT_EQ(verify.exit_code, 0) << n << verify.out << verify.err;
    }
}

TEST(SessionCrash, KilledHalfwayThroughEachLine) {
    const fs::path dir = fresh_dir("killed-during");
    const std::string expected = reference_json(dir);
    write_text(dir / "all.txt", script_text(0));
    const int total_lines = static_cast<int>(kScript.size()) + 1;
    for (int n = 1; n <= total_lines; ++n) {
        const fs::path record = dir / numbered("r", n, ".jsonl");
        const auto killed =
            run_injmap({"session", "play", "--protocol", protocol_file(), "--script",
                        (dir / "all.txt").string(), "--record", record.string()},
                       {"INJMAP_TEST_DIE_DURING=" + std::to_string(n)});
        EXPECT_EQ(killed.exit_code, -1) << n;
        EXPECT_EQ(lines_in(record), n - 1) << n; // the n-th line is only half there
        EXPECT_NE(read_text(record).back(), '\n') << n;
        if (n == 1) {
            // The start line itself was cut: there is no session to resume.
            const auto r = run_injmap({"session", "resume", record.string()});
            EXPECT_EQ(r.exit_code, 2);
            EXPECT_NE(r.err.find("[record.empty]"), std::string::npos) << r.err;
            continue;
        }
        auto r = run_injmap({"session", "resume", record.string(), "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.err.find("[record.truncated]"), std::string::npos) << n << r.err;
        EXPECT_NE(r.out.find("\"actions\":" + std::to_string(n - 1) + ","), std::string::npos) << n;
        // Only the line in flight is lost: replaying from it on gives the uninterrupted result.
        const fs::path rest = dir / numbered("rest", n, ".txt");
        write_text(rest, script_text(static_cast<std::size_t>(n - 2)));
        // Before appending, the cut line is not vouched for: verify names it.
        const auto cut = run_injmap({"session", "verify", record.string()});
        EXPECT_EQ(cut.exit_code, 1) << n << cut.out << cut.err;
        EXPECT_EQ(resume_json(record, rest), expected) << n;
        r = run_injmap({"session", "resume", record.string()});
        EXPECT_TRUE(r.err.empty()) << n << r.err; // repaired: no warning any more
        // The cut tail was kept aside and the chain runs on from the last complete line.
        const auto verify = run_injmap({"session", "verify", record.string()});
        EXPECT_EQ(verify.exit_code, 0) << n << verify.out << verify.err;
    }
}

} // namespace
