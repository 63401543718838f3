// Recent sessions at the clinician's start (any protocol's unfinished session, resumed into its
// protocol) and the patient presentation view (no clinical controls; the handout printed by lp).
#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

const std::string kChecklistKeys = "n,n,n,n,n,n,n,a,enter";

} // namespace

TEST(RecentSessions, AnotherProtocolsUnfinishedSessionIsResumedIntoItsProtocol) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("recent-sessions");
    // A blepharospasm session left unfinished after two injections.
    const auto first =
        run_gui(dir, {"--protocol", "blepharospasm", "--label", "left open", "--keys",
                      "enter," + kChecklistKeys + ",enter,enter", "--frames", "40"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    const auto records = files_with(sessions_dir(first), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    ASSERT_EQ(kinds(record_lines(records[0])),
              (std::vector<std::string>{"start", "checklist", "inject", "inject"}));
    // The default protocol (preempt-155) opens; R resumes the newest recent session, which opens
    // blepharospasm, and Enter injects its third site into the same record.
    const auto second = run_gui(dir, {"--keys", "wait:4,r,enter", "--frames", "40"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    ASSERT_EQ(files_with(sessions_dir(second), ".jsonl"), records); // no new record
    const auto lines = record_lines(records[0]);
    ASSERT_EQ(kinds(lines),
              (std::vector<std::string>{"start", "checklist", "inject", "inject", "inject"}));
    EXPECT_EQ(lines[0]["protocol"], "blepharospasm");
    EXPECT_EQ(lines[0]["label"], "left open");
    EXPECT_EQ(lines[4]["site"], "upper_lid_lateral_left"); // a blepharospasm site
}

TEST(RecentSessions, AFinishedSessionIsNotOffered) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("recent-finished");
    const auto first =
        run_gui(dir, {"--protocol", "blepharospasm", "--keys",
                      "enter," + kChecklistKeys + ",enter,f,enter", "--frames", "40"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    ASSERT_EQ(files_with(sessions_dir(first), ".jsonl").size(), 1u);
    // R has nothing to resume; Enter starts a new preempt-155 session.
    const auto second = run_gui(dir, {"--keys", "wait:4,r,enter", "--frames", "40"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    const auto records = files_with(sessions_dir(second), ".jsonl");
    ASSERT_EQ(records.size(), 2u);
    std::size_t preempt = 0;
    for (const auto& r : records)
        preempt += record_lines(r)[0]["protocol"] == "preempt-155";
    EXPECT_EQ(preempt, 1u);
}
