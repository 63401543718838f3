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

// The pre-treatment checklist by keys: No to each of the seven questions, acknowledge the boxed
// warning, record (Enter). 18 frames.
const std::string kChecklistKeys = "n,n,n,n,n,n,n,a,enter";

} // namespace

TEST(Session, KeysStepThroughSitesAndEveryActionIsRecorded) {
    INJMAP_NEED_DISPLAY();
    // Start; inject sites 1 and 2; skip 3 with a reason; inject 4; look back and forward; undo the
    // last inject (site 4).
    const auto run = run_gui(
        fresh_dir("stepping"),
        {"--keys",
         "enter," + kChecklistKeys + ",enter,enter,s:patient declined,enter,left,right,backspace",
         "--frames", "60", "--label", "window test"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "inject", "inject",
                                                      "skip", "inject", "back"}));
    EXPECT_EQ(lines[0]["protocol"], "preempt-155");
    EXPECT_EQ(lines[0]["label"], "window test");
    EXPECT_EQ(lines[1]["answers"].size(), 7u);
    EXPECT_EQ(lines[1]["warning_acknowledged"], true);
    EXPECT_EQ(lines[2]["site"], "corrugator_left");
    EXPECT_EQ(lines[2]["units"], 5.0);
    EXPECT_EQ(lines[3]["site"], "corrugator_right");
    EXPECT_EQ(lines[4]["site"], "procerus");
    EXPECT_EQ(lines[4]["reason"], "patient declined");
    EXPECT_EQ(lines[6]["site"], lines[5]["site"]);

    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 1280);
    EXPECT_EQ(image.height, 800);
    EXPECT_GT(distinct_colours(image), 400u);
}

TEST(Session, SkipNeedsAReasonAndEscapeCancels) {
    INJMAP_NEED_DISPLAY();
    // S then Enter with an empty reason is refused by the state machine; Escape closes the dialog.
    const auto run = run_gui(
        fresh_dir("skip-no-reason"),
        {"--keys", "enter," + kChecklistKeys + ",s,wait,enter,escape,enter", "--frames", "44"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "inject"}));
    EXPECT_EQ(lines[2]["site"], "corrugator_left");
}

TEST(Session, FinishWritesSummaryCsvAndChart) {
    INJMAP_NEED_DISPLAY();
    const auto run =
        run_gui(fresh_dir("finish"),
                {"--keys", "enter," + kChecklistKeys + ",enter,enter,f,enter", "--frames", "40"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines),
              (std::vector<std::string>{"start", "checklist", "inject", "inject", "finish"}));
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
    const auto first =
        run_gui(dir, {"--keys", "enter," + kChecklistKeys + ",enter", "--frames", "28"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    // The second window offers the unfinished session; R resumes it, Enter injects the next site.
    const auto second = run_gui(dir, {"--keys", "r,enter", "--frames", "10"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    const auto lines = only_record(second);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "inject", "inject"}));
    EXPECT_EQ(lines[3]["site"], "corrugator_right");
}

TEST(Session, FollowThePainClickAddsASiteWhereAllowed) {
    INJMAP_NEED_DISPLAY();
    // Go to the last site (the trapezius step, seen from the back), click the skin above the first
    // trapezius site, confirm.
    std::string keys = "enter," + kChecklistKeys;
    for (int i = 0; i < 40; ++i)
        keys += ",right";
    keys += ",wait:15,click-site:trapezius_1_left:0:-30,wait:2,enter";
    const auto run = run_gui(fresh_dir("ftp"),
                             {"--protocol", "preempt-ftp-195", "--keys", keys, "--frames", "130"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "add"}));
    EXPECT_EQ(lines[2]["muscle"], "trapezius");
    EXPECT_EQ(lines[2]["side"], "left");
    ASSERT_TRUE(lines[2]["position_mm"].is_array());
}

TEST(Session, FollowThePainIsRefusedWithoutTheOption) {
    INJMAP_NEED_DISPLAY();
    std::string keys = "enter," + kChecklistKeys;
    for (int i = 0; i < 32; ++i)
        keys += ",right";
    keys += ",wait:15,click-site:trapezius_1_left:0:-30,wait:2,enter,escape";
    const auto run = run_gui(fresh_dir("ftp-refused"), {"--keys", keys, "--frames", "115"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(kinds(only_record(run)), (std::vector<std::string>{"start", "checklist"}));
}

TEST(Session, NothingIsInjectedBeforeTheChecklistIsRecorded) {
    INJMAP_NEED_DISPLAY();
    // Enter records the checklist, not an injection: with only four questions answered and the
    // warning not acknowledged it is refused (nothing written); then the rest, and it goes on.
    const auto run = run_gui(
        fresh_dir("checklist-first"),
        {"--keys", "enter,n,n,n,n,enter,enter,y,n,n,enter,a,enter,enter", "--frames", "40"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    // The yes (question 5) has no reason: refused too. Nothing but the start is recorded.
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start"}));
}

TEST(Session, AYesTakesItsReasonAndTheChecklistReachesTheRecordAndTheChart) {
    INJMAP_NEED_DISPLAY();
    // Y puts the keyboard in that question's reason field; Enter there leaves it.
    const auto run = run_gui(
        fresh_dir("checklist-yes"),
        {"--keys",
         "enter,n,n,n,n,y,wait:2,type:takes apixaban; pressure held 2 min,enter,wait:2,n,n,a,"
         "enter,wait:2,enter,f,wait:2,enter,wait:3",
         "--frames", "70"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "inject", "finish"}));
    const auto& answers = lines[1]["answers"];
    ASSERT_EQ(answers.size(), 7u);
    EXPECT_EQ(answers[4]["id"], "anticoagulant");
    EXPECT_EQ(answers[4]["answer"], "yes");
    EXPECT_EQ(answers[4]["reason"], "takes apixaban; pressure held 2 min");
    EXPECT_EQ(answers[5]["answer"], "no");
    const auto dir = sessions_dir(run);
    ASSERT_EQ(files_with(dir, ".chart.png").size(), 1u);
    const auto summary = nlohmann::json::parse(read_text(files_with(dir, ".summary.json").front()));
    EXPECT_EQ(summary["checklist"]["yes"], 1);
}

TEST(Session, TheChecklistAndTheBoxedWarningAreShownOnceStarted) {
    INJMAP_NEED_DISPLAY();
    const auto before = run_gui(fresh_dir("checklist-shown-before"), {"--frames", "12"});
    const auto after =
        run_gui(fresh_dir("checklist-shown"), {"--keys", "enter,wait:4", "--frames", "14"});
    ASSERT_EQ(after.result.exit_code, 0) << after.result.err;
    Image a, b;
    ASSERT_TRUE(load_png(before.screenshot, a));
    ASSERT_TRUE(load_png(after.screenshot, b));
    // The boxed warning's red rule in the right column (colour::error, about 189,41,41).
    const auto reds = [](const Image& image) {
        std::size_t n = 0;
        for (int y = 30; y < image.height - 30; ++y)
            for (int x = image.width - 340; x < image.width; ++x) {
                const std::uint8_t* p = image.pixel(x, y);
                n += p[0] > 160 && p[1] < 80 && p[2] < 80 ? 1 : 0;
            }
        return n;
    };
    EXPECT_GT(reds(b), 600u);
    EXPECT_LT(reds(a), 100u);
}

TEST(Session, InjectedElsewhereRecordsWhereTheNeedleWent) {
    INJMAP_NEED_DISPLAY();
    // E arms the view, a click on the skin beside the first site (left corrugator) proposes that
    // point, Enter records the injection there with both points.
    const auto run = run_gui(
        fresh_dir("elsewhere"),
        {"--keys",
         "enter," + kChecklistKeys + ",wait:10,e,click-site:corrugator_left:14:-12,wait:2,enter",
         "--frames", "50"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_EQ(kinds(lines), (std::vector<std::string>{"start", "checklist", "inject"}));
    EXPECT_EQ(lines[2]["site"], "corrugator_left");
    ASSERT_TRUE(lines[2]["position_mm"].is_array());
    ASSERT_TRUE(lines[2]["planned_mm"].is_array());
    // 14 pixels right and 12 up on screen: seen from the front, towards the patient's left
    // (+X: their left is on the viewer's right) and up (+Y), a few millimetres.
    const double dx =
        lines[2]["position_mm"][0].get<double>() - lines[2]["planned_mm"][0].get<double>();
    const double dy =
        lines[2]["position_mm"][1].get<double>() - lines[2]["planned_mm"][1].get<double>();
    EXPECT_GT(dx, 1.0);
    EXPECT_GT(dy, 1.0);
}

TEST(Session, LotAndExpiryAreNotedOnTheStartLine) {
    INJMAP_NEED_DISPLAY();
    // Unfold "Product and injector", type the lot and an expiry long past, start with the mouse
    // (the fields sit in the right panel's start card at 1280x800).
    const auto run =
        run_gui(fresh_dir("lot"), {"--keys",
                                   "wait:3,click:1060:171,wait:3,click:1060:230,type:C1234,"
                                   "click:1060:262,type:2020-01,wait:2,click:1195:144,wait:3",
                                   "--frames", "24"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = only_record(run);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0]["action"], "start");
    EXPECT_EQ(lines[0]["lot"], "C1234");
    EXPECT_EQ(lines[0]["expiry"], "2020-01");
    EXPECT_FALSE(lines[0].contains("injector")); // left empty: not written
}
