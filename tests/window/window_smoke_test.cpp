// Window smoke tests: the real program in a GLFW window under Xvfb (tests/window/with-xvfb.sh), and
// the gui command's usage errors, which must not need a display.
#include <cstring>

#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

TEST(Window, GuiHelpRunsUnderXvfb) {
    INJMAP_NEED_DISPLAY();
    const auto r = run_injmap({"gui", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--keys"), std::string::npos);
}

TEST(Window, ClinicianWindowOpensOnPreemptAndDrawsTheModel) {
    INJMAP_NEED_DISPLAY();
    const auto run = run_gui(fresh_dir("clinician"), {"--frames", "6", "--size", "1100x720"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 1100);
    EXPECT_EQ(image.height, 720);
    EXPECT_GT(distinct_colours(image), 400u); // shaded skin, text, markers: not a cleared window
    // The 3D area in the middle is not just the background: the model is drawn there.
    const std::uint8_t background[3] = {237, 240, 242};
    const std::size_t model_pixels = pixels_unlike(image, 450, 200, 650, 500, background);
    EXPECT_GT(model_pixels, 200u * 300u / 4);
    // No session was started, so nothing was recorded.
    EXPECT_TRUE(files_with(sessions_dir(run), ".jsonl").empty());
}

// --screenshot alone (no --frames, no --keys) draws a fixed number of frames, saves and exits
// (it used to wait for input for ever; ctest's timeout would fail this test).
TEST(Window, ScreenshotAloneSavesAndExits) {
    INJMAP_NEED_DISPLAY();
    const auto run = run_gui(fresh_dir("screenshot-alone"), {"--size", "900x600"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 900);
    EXPECT_GT(distinct_colours(image), 400u);
}

TEST(Window, BadOptionsAreUsageErrorsWithoutOpeningAWindow) {
    // No display needed: these are refused before the window opens.
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"gui", "--mode", "dentist"},
                                               {"gui", "--size", "12x9000"},
                                               {"gui", "--frames", "0"},
                                               {"gui", "--bench-frames", "many"},
                                               {"gui", "--keys", "right,frobnicate"},
                                               {"gui", "--keys", "click:10"},
                                               {"gui", "stray"}}) {
        const auto r = run_injmap(args, {"DISPLAY="});
        EXPECT_EQ(r.exit_code, 2) << args.back();
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
}

TEST(Window, MissingProtocolIsAUsageError) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("missing");
    const auto run = run_gui(dir, {"--protocol", (dir / "nope.toml").string(), "--frames", "2"});
    EXPECT_EQ(run.result.exit_code, 2);
    EXPECT_NE(run.result.err.find("nope"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(run.screenshot));
}

TEST(Window, ASmallWindowStillLaysOutAndDraws) {
    INJMAP_NEED_DISPLAY();
    // The columns shrink to their minimum widths; the 3D view keeps what is left.
    const auto run = run_gui(fresh_dir("small"), {"--frames", "3", "--size", "800x600"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 800);
    EXPECT_EQ(image.height, 600);
    const std::uint8_t background[3] = {237, 240, 242};
    EXPECT_GT(pixels_unlike(image, 330, 150, 470, 450, background), 140u * 300u / 4);
}

TEST(Window, BenchPrintsExactlyOneLine) {
    INJMAP_NEED_DISPLAY();
    const auto r = run_injmap({"gui", "--bench-frames", "5", "--size", "640x480"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_EQ(r.out.rfind("frame_ms median=", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(" p95="), std::string::npos);
}

// Unchanged panels are copied from an image of the last frame's (app/gui/panel_layer.hpp): a
// change in them must still show. Starting a session (Enter) replaces the right column's "Start
// session" block; the same frames without the key leave it.
TEST(Window, PanelsShowTheirLatestContent) {
    INJMAP_NEED_DISPLAY();
    const auto plain = run_gui(fresh_dir("panels-plain"), {"--frames", "12"});
    const auto started =
        run_gui(fresh_dir("panels-started"), {"--keys", "enter", "--frames", "12"});
    ASSERT_EQ(plain.result.exit_code, 0) << plain.result.err;
    ASSERT_EQ(started.result.exit_code, 0) << started.result.err;
    Image a, b;
    ASSERT_TRUE(load_png(plain.screenshot, a));
    ASSERT_TRUE(load_png(started.screenshot, b));
    ASSERT_EQ(a.width, b.width);
    ASSERT_EQ(a.height, b.height);
    // The right column (the 3D view ends about 360 px from the right edge at 1280x800).
    std::size_t changed = 0, left_changed = 0;
    for (int y = 30; y < 780; ++y) {
        for (int x = a.width - 340; x < a.width; ++x)
            changed += std::memcmp(a.pixel(x, y), b.pixel(x, y), 3) != 0 ? 1 : 0;
    }
    EXPECT_GT(changed, 2000u) << "the right column did not change after the session started";
    // The status bar at the bottom is the same in both (nothing there depends on the session).
    for (int y = a.height - 12; y < a.height; ++y)
        for (int x = 0; x < 200; ++x)
            left_changed += std::memcmp(a.pixel(x, y), b.pixel(x, y), 3) != 0 ? 1 : 0;
    EXPECT_EQ(left_changed, 0u);
}
