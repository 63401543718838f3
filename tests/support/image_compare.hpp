#pragma once
// Image comparison against PNG baselines in tests/baselines/.
//
// Tolerance (documented in docs/testing.md): a pixel "differs" when any channel differs by more
// than `channel_tolerance` (default 24 of 255, which absorbs llvmpipe rasterisation noise on
// edges); the comparison passes when at most `max_differing_fraction` of pixels differ (default 0.5
// %) and the mean absolute channel difference is at most `max_mean_difference` (default 1.5). A
// missing baseline writes the actual image to the baseline path and fails, so a new baseline is
// always looked at before it is committed. On failure, <name>.actual.png and <name>.diff.png are
// kept in the test output folder for inspection.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace injmap::test {

struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba; // top-left origin, 4 bytes per pixel

    [[nodiscard]] const std::uint8_t* pixel(int x, int y) const {
        return &rgba[(std::size_t(y) * width + x) * 4];
    }
};

bool load_png(const std::filesystem::path& path, Image& image);
bool save_png(const std::filesystem::path& path, const Image& image);

struct ImageTolerance {
    int channel_tolerance = 24;
    double max_differing_fraction = 0.005;
    double max_mean_difference = 1.5;
};

struct ImageComparison {
    bool passed = false;
    std::string message; // why it failed, with the paths of the kept images
    double differing_fraction = 0.0;
    double mean_difference = 0.0;
};

ImageComparison compare_to_baseline(const Image& actual, const std::string& baseline_name,
                                    const ImageTolerance& tolerance = {});

} // namespace injmap::test
