#include "image_compare.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include <stb_image.h>
#include <stb_image_write.h>

#include "test_support.hpp"

namespace injmap::test {
namespace fs = std::filesystem;

bool load_png(const fs::path& path, Image& image) {
    int w = 0, h = 0, channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &channels, 4);
    if (!data)
        return false;
    image.width = w;
    image.height = h;
    image.rgba.assign(data, data + std::size_t(w) * h * 4);
    stbi_image_free(data);
    return true;
}

bool save_png(const fs::path& path, const Image& image) {
    fs::create_directories(path.parent_path());
    return stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(),
                          image.width * 4) != 0;
}

ImageComparison compare_to_baseline(const Image& actual, const std::string& name,
                                    const ImageTolerance& tol) {
    ImageComparison result;
    const fs::path baseline_path = fs::path(INJMAP_BASELINE_DIR) / (name + ".png");
    const fs::path actual_path = output_dir() / "images" / (name + ".actual.png");
    const fs::path diff_path = output_dir() / "images" / (name + ".diff.png");

    Image baseline;
    if (!load_png(baseline_path, baseline)) {
        save_png(baseline_path, actual);
        result.message = "no baseline " + baseline_path.string() +
                         ": wrote the actual image there; look at it, then commit it";
        return result;
    }
    if (baseline.width != actual.width || baseline.height != actual.height) {
        save_png(actual_path, actual);
        result.message = "size differs from baseline " + baseline_path.string() +
                         "; actual kept at " + actual_path.string();
        return result;
    }
    Image diff{actual.width, actual.height, std::vector<std::uint8_t>(actual.rgba.size(), 255)};
    std::size_t differing = 0;
    double total = 0.0;
    const std::size_t pixels = std::size_t(actual.width) * actual.height;
    for (std::size_t i = 0; i < pixels; ++i) {
        int worst = 0;
        for (int c = 0; c < 3; ++c) {
            const int d = std::abs(int(actual.rgba[i * 4 + c]) - int(baseline.rgba[i * 4 + c]));
            worst = std::max(worst, d);
            total += d;
        }
        const bool differs = worst > tol.channel_tolerance;
        differing += differs;
        // Diff image: grey copy of the baseline, differing pixels in red.
        const std::uint8_t grey = std::uint8_t(baseline.rgba[i * 4] / 3 + 160);
        diff.rgba[i * 4 + 0] = differs ? 255 : grey;
        diff.rgba[i * 4 + 1] = differs ? 0 : grey;
        diff.rgba[i * 4 + 2] = differs ? 0 : grey;
    }
    result.differing_fraction = pixels ? double(differing) / double(pixels) : 0.0;
    result.mean_difference = pixels ? total / double(pixels * 3) : 0.0;
    result.passed = result.differing_fraction <= tol.max_differing_fraction &&
                    result.mean_difference <= tol.max_mean_difference;
    if (!result.passed) {
        save_png(actual_path, actual);
        save_png(diff_path, diff);
        std::ostringstream msg;
        msg << name << ": " << result.differing_fraction * 100.0 << "% of pixels differ (allowed "
            << tol.max_differing_fraction * 100.0 << "%), mean difference "
            << result.mean_difference << " (allowed " << tol.max_mean_difference << "); actual "
            << actual_path.string() << ", diff " << diff_path.string();
        result.message = msg.str();
    }
    return result;
}

} // namespace injmap::test
