// The clinician session guide driven by scripted keys (--keys): every action reaches the session
// record, refusals leave no line, finishing writes the summary and the chart.
#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

std::vector<nlohmann::json> only_record(const GuiRun& run) {
    const auto records = files_with(sessions_dir(run), ".jsonl");
    EXPECT_EQ(records.size(), 1u);
    return records.empty() ? std::vector<nlohmann::json>{} : record_lines(records.front());
}

} // namespace

TEST(Session, KeysStepThroughSitesAndEveryActionIsRecorded) {
    INJMAP_NEED_DISPLAY();
    // Start; inject sites 1 and 2; skip 3 with a reason; inject 4; look back and forward; undo the
    // last inject (site 4).
    const auto run =
        run_gui(fresh_dir("stepping"),
                {"--keys", "enter,enter,enter,s:patient declined,enter,left,right,backspace",
                 "--frames", "40", "--label", "window test"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines),
              (std::vector<std::string>{"start", "inject", "inject", "skip", "inject", "back"}));
    EXPECT_EQ(lines[0]["protocol"], "preempt-155");
    EXPECT_EQ(lines[0]["label"], "window test");
    EXPECT_EQ(lines[1]["site"], "corrugator_left");
    EXPECT_EQ(lines[1]["units"], 5.0);
    EXPECT_EQ(lines[2]["site"], "corrugator_right");
    EXPECT_EQ(lines[3]["site"], "procerus");
    EXPECT_EQ(lines[3]["reason"], "patient declined");
    EXPECT_EQ(lines[5]["site"], lines[4]["site"]);

    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 1280);
    EXPECT_EQ(image.height, 800);
    EXPECT_GT(distinct_colours(image), 400u);
}

TEST(Session, SkipNeedsAReasonAndEscapeCancels) {
    INJMAP_NEED_DISPLAY();
    // S then Enter with an empty reason is refused by the state machine; Escape closes the dialog.
    const auto run = run_gui(fresh_dir("skip-no-reason"),
                             {"--keys", "enter,s,wait,enter,escape,enter", "--frames", "24"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "inject"}));
    EXPECT_EQ(lines[1]["site"], "corrugator_left");
}

TEST(Session, FinishWritesSummaryCsvAndChart) {
    INJMAP_NEED_DISPLAY();
    const auto run =
        run_gui(fresh_dir("finish"), {"--keys", "enter,enter,enter,f,enter", "--frames", "20"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "inject", "inject", "finish"}));
    const auto dir = sessions_dir(run);
    ASSERT_EQ(files_with(dir, ".summary.json").size(), 1u);
    ASSERT_EQ(files_with(dir, ".summary.csv").size(), 1u);
    const auto charts = files_with(dir, ".chart.png");
    ASSERT_EQ(charts.size(), 1u);
    Image chart;
    ASSERT_TRUE(load_png(charts.front(), chart));
    EXPECT_GT(chart.width, 1000);
    EXPECT_GT(chart.height, 800);
    EXPECT_GT(distinct_colours(chart), 300u); // four rendered views and the table
    const std::string csv = read_text(files_with(dir, ".summary.csv").front());
    EXPECT_NE(csv.find("corrugator_left"), std::string::npos);
}

TEST(Session, OfferedResumeContinuesTheSameRecord) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("resume");
    const auto first = run_gui(dir, {"--keys", "enter,enter", "--frames", "8"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    // The second window offers the unfinished session; R resumes it, Enter injects the next site.
    const auto second = run_gui(dir, {"--keys", "r,enter", "--frames", "10"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    const auto lines = only_record(second);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "inject", "inject"}));
    EXPECT_EQ(lines[2]["site"], "corrugator_right");
}

TEST(Session, FollowThePainClickAddsASiteWhereAllowed) {
    INJMAP_NEED_DISPLAY();
    // Go to the last site (the trapezius step, seen from the back), click the skin above the first
    // trapezius site, confirm.
    std::string keys = "enter";
    for (int i = 0; i < 40; ++i)
        keys += ",right";
    keys += ",wait:15,click-site:trapezius_1_left:0:-30,wait:2,enter";
    const auto run = run_gui(fresh_dir("ftp"),
                             {"--protocol", "preempt-ftp-195", "--keys", keys, "--frames", "110"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "add"}));
    EXPECT_EQ(lines[1]["muscle"], "trapezius");
    EXPECT_EQ(lines[1]["side"], "left");
    ASSERT_TRUE(lines[1]["position_mm"].is_array());
}

TEST(Session, FollowThePainIsRefusedWithoutTheOption) {
    INJMAP_NEED_DISPLAY();
    std::string keys = "enter";
    for (int i = 0; i < 32; ++i)
        keys += ",right";
    keys += ",wait:15,click-site:trapezius_1_left:0:-30,wait:2,enter,escape";
    const auto run = run_gui(fresh_dir("ftp-refused"), {"--keys", keys, "--frames", "95"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(kinds(only_record(run)), (std::vector<std::string>{"start"}));
}
