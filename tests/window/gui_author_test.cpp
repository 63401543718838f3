// Author mode: a watched protocol file, broken files kept on screen, reload on change.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

std::filesystem::path copy_shipped(const std::filesystem::path& dir, const std::string& id) {
    const auto to = dir / (id + ".toml");
    std::filesystem::copy_file(share_dir() / "protocols" / (id + ".toml"), to,
                               std::filesystem::copy_options::overwrite_existing);
    return to;
}

} // namespace

TEST(Author, OpensAProtocolFileAndClicksShowPlacements) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("author");
    const auto file = copy_shipped(dir, "preempt-155");
    const auto run =
        run_gui(dir, {"--mode", "author", "--protocol", file.string(), "--keys",
                      "wait:3,click-landmark:glabella,wait:2,click-site:frontalis_medial_left",
                      "--frames", "14"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_EQ(image.width, 1280);
    EXPECT_GT(distinct_colours(image), 400u);
    // Author mode never starts a session.
    EXPECT_TRUE(files_with(sessions_dir(run), ".jsonl").empty());
}

TEST(Author, ABrokenFileStillOpensWithItsErrors) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("author-broken");
    const auto file = dir / "draft.toml";
    write_text(file, "schema_version = 1\nid = \"draft\"\ntitle = \"unterminated\n");
    const auto run =
        run_gui(dir, {"--mode", "author", "--protocol", file.string(), "--frames", "4"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_GT(distinct_colours(image), 400u); // the model is still shown
}

TEST(Author, ASavedChangeIsReloadedAndErrorsKeepTheLastGoodVersion) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("author-reload");
    const auto file = copy_shipped(dir, "preempt-155");
    const std::string good = read_text(file);
    // Keep saving a broken version while the window runs; author mode reports each reload on
    // stderr.
    std::atomic<bool> done{false};
    GuiRun run;
    std::thread window([&] {
        run = run_gui(dir, {"--mode", "author", "--protocol", file.string(), "--frames", "150",
                            "--size", "800x600"});
        done = true;
    });
    for (int i = 0; !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        write_text(file,
                   good + "\n[[steps]]\nid = \"broken" + std::to_string(i) + "\"\ntitle = \n");
    }
    window.join();
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_NE(run.result.err.find("injmap gui: reloaded"), std::string::npos) << run.result.err;
    EXPECT_NE(run.result.err.find("keeping the last readable version"), std::string::npos)
        << run.result.err;
}
