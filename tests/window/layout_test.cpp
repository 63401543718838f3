// Every mode at the smallest supported window, 1024×640, walked through by scripted keys with
// --check-layout: no text may be cut by its panel, leave the window or lie under another panel
// (layout_check.hpp). The program prints one "layout:" line per cut text run and exits 3.
#include <gtest/gtest.h>

#include <sstream>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

std::string layout_lines(const std::string& err) {
    std::istringstream in(err);
    std::string line, out;
    while (std::getline(in, line))
        if (line.rfind("layout: frame", 0) == 0)
            out += line + "\n";
    return out;
}

void expect_no_cut_text(const std::string& name, std::vector<std::string> args) {
    args.insert(args.end(), {"--size", "1024x640", "--check-layout"});
    const auto run = run_gui(fresh_dir("layout-" + name), args);
    // The check ran (its summary line) and found nothing.
    EXPECT_NE(run.result.err.find("layout: 0 cut text run(s)"), std::string::npos)
        << run.result.err;
    EXPECT_EQ(layout_lines(run.result.err), "");
    EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
}

} // namespace

// The check itself: a window too narrow for its panels cuts text, and the run says so.
TEST(Layout, CheckReportsTextCutByANarrowWindow) {
    INJMAP_NEED_DISPLAY();
    const auto run = run_gui(fresh_dir("layout-narrow"), {"--mode", "cd", "--frames", "6", "--size",
                                                          "520x400", "--check-layout"});
    EXPECT_EQ(run.result.exit_code, 3) << run.result.err;
    EXPECT_NE(layout_lines(run.result.err), "");
}

TEST(Layout, ClinicianSessionAt1024x640) {
    INJMAP_NEED_DISPLAY();
    // The plan, the checklist, two injections, the site card and tally, the F1 list, the finish
    // dialog.
    expect_no_cut_text("clinician", {"--keys", "right,right,left,enter,wait:4,n,n,n,n,n,n,n,a,"
                                               "enter,wait:4,enter,wait:4,enter,wait:4,f1,wait:2,"
                                               "f1,f,wait:4"});
}

TEST(Layout, PatientAt1024x640) {
    INJMAP_NEED_DISPLAY();
    expect_no_cut_text("patient", {"--mode", "patient", "--keys",
                                   "right,right,right,right,right,right,right,right,wait:4,o"});
}

TEST(Layout, AuthorAt1024x640) {
    INJMAP_NEED_DISPLAY();
    expect_no_cut_text("author",
                       {"--mode", "author", "--keys", "right,right,wait:4,f1,wait:4,f1,wait:2"});
}

TEST(Layout, TrainingAt1024x640) {
    INJMAP_NEED_DISPLAY();
    expect_no_cut_text("training", {"--mode", "training", "--keys", "wait:4,r,wait:4"});
}

TEST(Layout, CervicalDystoniaPlanAndSessionAt1024x640) {
    INJMAP_NEED_DISPLAY();
    expect_no_cut_text("cd-plan", {"--mode", "cd", "--keys", "wait:4"});
    // Enter turns the plan into a session (the clinician guide), Enter starts it; the checklist,
    // two sites injected (the tally's "Given" column: "50 / 50"), the finish dialog.
    expect_no_cut_text("cd-session", {"--mode", "cd", "--keys",
                                      "enter,wait:6,enter,wait:4,n,n,n,n,n,n,n,a,enter,wait:4,"
                                      "enter,wait:4,enter,wait:4,f,wait:4"});
}
