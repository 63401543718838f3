// --screenshot writing (app/gui/screenshot.cpp, no window): the PNG is written with its folder
// created; no pixels, or a path that cannot be written, is an error and writes nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "gui/screenshot.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap::gui;

TEST(Screenshot, WritesAPngIntoANewFolder) {
    const auto dir = injmap::test::fresh_dir("screenshot_test");
    const auto path = dir / "a" / "b" / "shot.png";
    std::vector<std::uint8_t> rgba(4 * 3 * 4, 200);
    std::string error;
    ASSERT_TRUE(write_screenshot(path, 4, 3, rgba, error)) << error;
    const std::string bytes = injmap::test::read_text(path);
    ASSERT_GT(bytes.size(), 8u);
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

TEST(Screenshot, NoPixelsIsAnError) {
    const auto dir = injmap::test::fresh_dir("screenshot_empty");
    std::string error;
    EXPECT_FALSE(write_screenshot(dir / "shot.png", 0, 0, {}, error));
    EXPECT_EQ(error, "cannot read the window's pixels");
    EXPECT_FALSE(std::filesystem::exists(dir / "shot.png"));
    // Fewer bytes than the size says is no image either.
    EXPECT_FALSE(write_screenshot(dir / "shot.png", 4, 4, std::vector<std::uint8_t>(12, 0), error));
    EXPECT_FALSE(std::filesystem::exists(dir / "shot.png"));
}

TEST(Screenshot, UnwritablePathIsAnError) {
    const auto dir = injmap::test::fresh_dir("screenshot_unwritable");
    // A file where the folder should be.
    injmap::test::write_text(dir / "file", "x");
    std::string error;
    const auto path = dir / "file" / "shot.png";
    EXPECT_FALSE(write_screenshot(path, 2, 2, std::vector<std::uint8_t>(16, 1), error));
    EXPECT_EQ(error, "cannot write screenshot " + path.string());
}

} // namespace
