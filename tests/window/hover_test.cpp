// The name under the mouse (issue #15, item 6) in the real window: a scripted hover-landmark rests
// the mouse on the model, and the tooltip's text (app/gui/hover_text.cpp) is traced on stderr.
#include "gui_window_support.hpp"

namespace fs = std::filesystem;
using injmap::test::run_injmap;

namespace {

injmap::test::CommandResult run_traced(const fs::path& dir, const std::string& keys) {
    return run_injmap({"gui", "--protocol", "preempt-155", "--keys", keys, "--frames", "40",
                       "--screenshot", (dir / "window.png").string()},
                      {"XDG_DATA_HOME=" + (dir / "xdg").string(), "LIBGL_ALWAYS_SOFTWARE=1",
                       "INJMAP_GUI_TRACE=1"});
}

} // namespace

TEST(GuiHover, RestingOnTheModelNamesTheMuscleUnderTheMouse) {
    INJMAP_NEED_DISPLAY();
    const fs::path dir = injmap::test::fresh_dir("GuiHover_glabella");
    const auto r = run_traced(dir, "wait:10,hover-landmark:glabella,wait:5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The glabella lies in the "Between the brows" region with the procerus under it (Skin layer
    // with regions: the region and the muscle under the skin point).
    EXPECT_NE(r.err.find("trace: hover at"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": Between the brows \u00b7 Procerus\n"), std::string::npos) << r.err;
}

TEST(GuiHover, ScriptedRunsWithoutAHoverShowNoName) {
    INJMAP_NEED_DISPLAY();
    const fs::path dir = injmap::test::fresh_dir("GuiHover_none");
    const auto r = run_traced(dir, "wait:10,click-landmark:glabella,wait:5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("trace: hover at"), std::string::npos) << r.err;
}
