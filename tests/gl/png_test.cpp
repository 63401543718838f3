// The PNG writer (render/png.hpp): what it writes decodes (with stb_image, an independent reader)
// to exactly the pixels given, opaque (RGB) or not (RGBA), for heights that give one band or
// several; bad input and unwritable paths are refused, not crashed on.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "image_compare.hpp"
#include "injmap/render/png.hpp"
#include "test_support.hpp"

namespace injmap::render {
namespace {

std::vector<std::uint8_t> test_image(int width, int height, bool opaque, unsigned seed) {
    std::vector<std::uint8_t> rgba(std::size_t(width) * std::size_t(height) * 4);
    std::mt19937 random(seed);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = &rgba[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
            // A gradient (long matches) with noise in one channel (literals).
            p[0] = std::uint8_t(x * 255 / std::max(width - 1, 1));
            p[1] = std::uint8_t(y * 255 / std::max(height - 1, 1));
            p[2] = std::uint8_t(random() & 0xff);
            p[3] = opaque ? 255 : std::uint8_t((x + y) & 0xff);
        }
    return rgba;
}

TEST(Png, RoundTripsExactlyForOneBandAndMany) {
    const auto dir = test::fresh_dir("png");
    for (const bool opaque : {true, false})
        for (const auto& [w, h] : {std::pair{1, 1}, {7, 63}, {64, 64}, {33, 200}, {320, 1001}}) {
            const auto rgba = test_image(w, h, opaque, unsigned(w * h));
            const auto path = dir / ("img-" + std::to_string(w) + "x" + std::to_string(h) +
                                     (opaque ? "-rgb" : "-rgba") + ".png");
            std::string error;
            ASSERT_TRUE(write_png(path, w, h, rgba, error)) << error;
            test::Image read;
            ASSERT_TRUE(test::load_png(path, read)) << path;
            EXPECT_EQ(read.width, w);
            EXPECT_EQ(read.height, h);
            EXPECT_EQ(read.rgba, rgba) << path;
        }
}

TEST(Png, OpaqueImagesAreStoredAsRgb) {
    const auto png = encode_png(4, 4, test_image(4, 4, true, 1));
    ASSERT_GT(png.size(), 26u);
    EXPECT_EQ(png[25], 2); // IHDR colour type: truecolour
    const auto translucent = encode_png(4, 4, test_image(4, 4, false, 1));
    ASSERT_GT(translucent.size(), 26u);
    EXPECT_EQ(translucent[25], 6); // truecolour with alpha
}

TEST(Png, RefusesShortImagesAndUnwritablePaths) {
    std::string error;
    EXPECT_TRUE(encode_png(4, 4, std::vector<std::uint8_t>(10)).empty());
    EXPECT_TRUE(encode_png(0, 4, {}).empty());
    EXPECT_FALSE(write_png("/tmp/x.png", 4, 4, std::vector<std::uint8_t>(10), error));
    EXPECT_FALSE(error.empty());
    const auto dir = test::fresh_dir("png-unwritable");
    error.clear();
    // A directory where the file should be.
    EXPECT_FALSE(write_png(dir, 2, 2, test_image(2, 2, true, 3), error));
    EXPECT_NE(error.find(dir.string()), std::string::npos) << error;
}

} // namespace
} // namespace injmap::render
