// The clinician window for a patient (--patient, docs/history.md): the last treatment from the
// history on the start card, the last visit's sites as ghosts, the finished session filed under
// the patient exactly as `session play --patient` files it, and the cumulative limit refusing to
// start without a reason.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

const std::string kChecklistKeys = "n,n,n,n,n,n,n,a,enter";
const std::string kChecklistLine =
    "checklist allergy=no infection=no neuromuscular=no pregnancy=no anticoagulant=no "
    "recent_toxin=no swallowing_breathing=no warning=acknowledged\n";

// An ISO 8601 UTC time `days` before now (the window checks the rules against its clock).
std::string days_ago(int days) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                               std::chrono::hours(24 * days));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// `injmap session play --patient` of a whole preempt-155 session (31 sites, 155 U) at `when`.
CommandResult play_preempt(const std::filesystem::path& dir, const std::string& patient,
                           const std::string& when) {
    std::string script = kChecklistLine;
    for (int i = 0; i < 31; ++i)
        script += "inject\n";
    script += "finish\n";
    write_text(dir / "preempt.txt", script);
    return run_injmap({"session", "play", "--protocol", "preempt-155", "--script",
                       (dir / "preempt.txt").string(), "--patient", patient, "--at", when},
                      {"XDG_DATA_HOME=" + (dir / "xdg").string()});
}

class Visits : public ::testing::Test {
protected:
    void SetUp() override {
        // Never the user's database: the children get only the test's $XDG_DATA_HOME.
        for (const char* name : {"INJMAP_DATABASE_URL", "INJMAP_DB_BUSY_TIMEOUT_MS"})
            ::unsetenv(name);
    }
};

} // namespace

TEST_F(Visits, StartCardShowsTheLastTreatmentAndFinishingFilesTheNextOne) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("visits-file");
    const auto first = play_preempt(dir, "P-7", "2026-01-05T09:00:00Z");
    ASSERT_EQ(first.exit_code, 0) << first.err;

    const auto run =
        run_gui(dir, {"--patient", "P-7", "--keys",
                      "enter," + kChecklistKeys + ",enter,enter,f,enter", "--frames", "44"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string& out = run.result.out;
    EXPECT_NE(out.find("patient P-7: last treatment\n"), std::string::npos) << out;
    EXPECT_NE(out.find("  5 January 2026 · preempt-155 · 155 U\n"), std::string::npos) << out;
    EXPECT_NE(out.find("Corrugator 10 U"), std::string::npos) << out;
    EXPECT_NE(out.find("  Next due 30 March 2026 (12 weeks after)\n"), std::string::npos) << out;
    EXPECT_NE(out.find("  ghost markers: 31\n"), std::string::npos) << out;
    EXPECT_NE(out.find("session: filed treatment 2 for patient P-7"), std::string::npos) << out;

    const auto history =
        run_injmap({"history", "P-7", "--json"}, {"XDG_DATA_HOME=" + (dir / "xdg").string()});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    const auto j = nlohmann::json::parse(history.out);
    ASSERT_EQ(j["treatments"].size(), 2u);
    EXPECT_EQ(j["treatments"][1]["units_given"], 10.0);
    EXPECT_EQ(j["treatments"][1]["sites_injected"], 2);
}

TEST_F(Visits, TheCumulativeLimitRefusesToStartWithoutAReason) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("visits-cumulative");
    // 310 U in the last three weeks; this session's 155 U would make 465 U in 90 days.
    ASSERT_EQ(play_preempt(dir, "P-8", days_ago(21)).exit_code, 0);
    ASSERT_EQ(play_preempt(dir, "P-8", days_ago(7)).exit_code, 0);
    const auto run = run_gui(dir, {"--patient", "P-8", "--keys", "enter", "--frames", "8"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string& out = run.result.out;
    EXPECT_NE(out.find("[history.interval]"), std::string::npos) << out;
    EXPECT_NE(out.find("error: "), std::string::npos) << out;
    EXPECT_NE(out.find("[history.cumulative]"), std::string::npos) << out;
    EXPECT_NE(out.find("session: start refused"), std::string::npos) << out;
    // Nothing recorded: only the two sessions played before.
    EXPECT_EQ(files_with(sessions_dir(run), ".jsonl").size(), 2u);
}

TEST_F(Visits, AnUnusableDatabaseIsShownAndTheJournalKeepsWorking) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("visits-corrupt");
    std::filesystem::create_directories(dir / "xdg" / "injmap");
    write_text(dir / "xdg" / "injmap" / "injmap.db", std::string(4096, 'x'));
    const auto run = run_gui(dir, {"--patient", "P-9", "--keys",
                                   "enter," + kChecklistKeys + ",enter,f,enter", "--frames", "40"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string& out = run.result.out;
    EXPECT_NE(out.find("[db.corrupt]"), std::string::npos) << out;
    EXPECT_NE(out.find("session: not filed"), std::string::npos) << out;
    // The session was recorded and finished all the same; the damaged file was not touched.
    const auto records = files_with(sessions_dir(run), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(kinds(record_lines(records.front())),
              (std::vector<std::string>{"start", "checklist", "inject", "finish"}));
    EXPECT_EQ(read_text(dir / "xdg" / "injmap" / "injmap.db"), std::string(4096, 'x'));
}
