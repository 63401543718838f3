// Issue 20 in the window: a cervical dystonia plan past the session cap cannot start and names
// the muscle to lower; a dose above a site's plan is recorded with the reason typed for it; Enter
// does not give an optional (follow-the-pain) site without its own confirmation (O).
#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

// No to the seven checklist questions, acknowledge the boxed warning, record (Enter).
const std::string kChecklistKeys = "n,n,n,n,n,n,n,a,enter";

std::vector<nlohmann::json> injects(const std::vector<nlohmann::json>& lines) {
    std::vector<nlohmann::json> out;
    for (const auto& l : lines)
        if (l.value("action", std::string()) == "inject")
            out.push_back(l);
    return out;
}

std::string enters(int n) {
    std::string keys;
    for (int i = 0; i < n; ++i)
        keys += ",enter";
    return keys;
}

} // namespace

TEST(EntryRules, ACdPlanOverTheCapCannotStartAndNamesTheMuscleToLower) {
    INJMAP_NEED_DISPLAY();
    // Up five times: every dose at the top of its range, 325 U for torticaput to the left.
    const auto run =
        run_gui(fresh_dir("entry-cd-cap"),
                {"--mode", "cd", "--keys", "wait:3,up,up,up,up,up,wait:2,enter,wait:4"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_NE(run.result.out.find("plan=325 startable=no"), std::string::npos) << run.result.out;
    const auto refused = run.result.out.find("cd: start refused: ");
    ASSERT_NE(refused, std::string::npos) << run.result.out;
    const std::string line =
        run.result.out.substr(refused, run.result.out.find('\n', refused) - refused);
    EXPECT_NE(line.find("lower right sternocleidomastoid"), std::string::npos) << line;
    EXPECT_NE(line.find("[cd.plan-over-limit]"), std::string::npos) << line;
    // Nothing started: no record.
    EXPECT_TRUE(files_with(sessions_dir(run), ".jsonl").empty());
}

TEST(EntryRules, ADoseAboveThePlanIsRecordedWithItsReason) {
    INJMAP_NEED_DISPLAY();
    // U focuses the units, 30 replaces the planned 12.5 U; Enter asks for a reason; the reason
    // typed and Enter record the dose.
    const auto run =
        run_gui(fresh_dir("entry-over-plan"),
                {"--protocol", "cd-torticaput", "--keys",
                 "enter," + kChecklistKeys +
                     ",wait:3,u,wait,type:30,enter,wait:2,enter,wait:3,type:stronger pull on "
                     "examination,enter,wait:3"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto records = files_with(sessions_dir(run), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    const auto given = injects(record_lines(records.front()));
    ASSERT_EQ(given.size(), 1u);
    EXPECT_EQ(given[0]["site"], "splenius_capitis_upper");
    EXPECT_EQ(given[0]["units"], 30.0);
    EXPECT_EQ(given[0]["reason"], "stronger pull on examination");
}

TEST(EntryRules, EnterDoesNotGiveAnOptionalSiteWithoutItsConfirmation) {
    INJMAP_NEED_DISPLAY();
    // preempt-ftp-195: eleven required 5-U sites come before the first optional one (site 12).
    const auto dir = fresh_dir("entry-optional");
    const auto held =
        run_gui(dir / "held", {"--protocol", "preempt-ftp-195", "--keys",
                               "enter," + kChecklistKeys + ",wait:3" + enters(30) + ",wait:3"});
    ASSERT_EQ(held.result.exit_code, 0) << held.result.err;
    auto records = files_with(sessions_dir(held), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    const auto held_injects = injects(record_lines(records.front()));
    EXPECT_EQ(held_injects.size(), 11u);
    for (const auto& l : held_injects)
        EXPECT_EQ(l["site"].get<std::string>().find("ftp"), std::string::npos) << l.dump();
    // O confirms it: then it is given.
    const auto confirmed = run_gui(dir / "confirmed", {"--protocol", "preempt-ftp-195", "--keys",
                                                       "enter," + kChecklistKeys + ",wait:3" +
                                                           enters(12) + ",wait:2,o,wait:3"});
    ASSERT_EQ(confirmed.result.exit_code, 0) << confirmed.result.err;
    records = files_with(sessions_dir(confirmed), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    const auto confirmed_injects = injects(record_lines(records.front()));
    ASSERT_EQ(confirmed_injects.size(), 12u);
    EXPECT_EQ(confirmed_injects.back()["site"], "temporalis_ftp_left");
}

TEST(EntryRules, ASkippedSiteIsInjectedLaterAndANewSessionStartsWithoutTheLabel) {
    INJMAP_NEED_DISPLAY();
    // Skip site 1, go back to it and inject it; finish; N for a new session, Enter starts it.
    const auto run = run_gui(fresh_dir("entry-skipped"),
                             {"--label", "room 2", "--keys",
                              "enter," + kChecklistKeys +
                                  ",wait:3,s:bruise,wait:3,left,wait:3,enter,wait:3,f,wait:2,"
                                  "enter,wait:4,n,wait:3,enter,wait:3"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    auto records = files_with(sessions_dir(run), ".jsonl");
    ASSERT_EQ(records.size(), 2u);
    std::sort(records.begin(), records.end());
    auto first = record_lines(records[0]);
    auto second = record_lines(records[1]);
    if (first.size() < second.size())
        std::swap(first, second); // the finished one has more lines (names may share a second)
    ASSERT_GE(first.size(), 5u);
    EXPECT_EQ(first[0]["label"], "room 2");
    EXPECT_EQ(first[2]["action"], "skip");
    EXPECT_EQ(first[3]["action"], "inject");
    EXPECT_EQ(first[3]["site"], "corrugator_left");
    ASSERT_FALSE(second.empty());
    EXPECT_EQ(second[0]["action"], "start");
    EXPECT_FALSE(second[0].contains("label")) << second[0].dump();
}
