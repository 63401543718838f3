#pragma once
// Image comparison against PNG baselines in tests/baselines/, by structural similarity (SSIM).
//
// The score is SSIM on luminance (Y = 0.299 R + 0.587 G + 0.114 B) over 8x8 windows stepped by 4
// pixels, with the usual constants C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2. Two numbers come out:
// the mean over all windows (the whole picture) and the worst single window (one marker painted
// over or one label moved shows there, where the mean over 300x240 pixels barely moves). Each
// baseline test passes its own ImageTolerance, chosen a documented margin below the scores
// measured on the reference machine (docs/testing.md, "Image baselines"): there is no default.
//
// A missing baseline writes the actual image to the baseline path and fails, so a new baseline is
// always looked at before it is committed. On failure, <name>.actual.png and <name>.diff.png (the
// windows below the per-window threshold in red over a grey baseline) are kept in the test output
// folder. Every comparison prints one line "image-compare: <name> mean_ssim=… min_window_ssim=…
// at X,Y" on stdout: that is how the thresholds are measured.
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
    [[nodiscard]] std::uint8_t* pixel(int x, int y) {
        return &rgba[(std::size_t(y) * width + x) * 4];
    }
};

bool load_png(const std::filesystem::path& path, Image& image);
bool save_png(const std::filesystem::path& path, const Image& image);

// SSIM window size and step (pixels).
inline constexpr int kSsimWindow = 8;
inline constexpr int kSsimStep = 4;

struct SsimScore {
    double mean = 0.0;           // mean SSIM over all windows, 1 = identical
    double min_window = 0.0;     // the worst window's SSIM
    int min_x = 0, min_y = 0;    // that window's top-left pixel
    std::vector<double> windows; // per window, row-major (columns = windows_x)
    int windows_x = 0;
};

// Both images must have the same size (at least one window); otherwise the score is 0.
[[nodiscard]] SsimScore ssim(const Image& a, const Image& b);

struct ImageTolerance {
    double min_mean_ssim = 1.0;   // the whole picture
    double min_window_ssim = 1.0; // any one 8x8 window
};

struct ImageComparison {
    bool passed = false;
    std::string message; // why it failed, with the paths of the kept images
    SsimScore score;
};

// Compares with an image in memory (`name` only names the kept files and the printed line).
ImageComparison compare_images(const Image& actual, const Image& baseline, const std::string& name,
                               const ImageTolerance& tolerance);

// Compares with tests/baselines/<baseline_name>.png.
ImageComparison compare_to_baseline(const Image& actual, const std::string& baseline_name,
                                    const ImageTolerance& tolerance);

// Paints a filled disc of `radius` pixels centred at (cx, cy) in `rgb` (for sensitivity tests).
void paint_disc(Image& image, int cx, int cy, int radius, const std::uint8_t rgb[3]);

} // namespace injmap::test
