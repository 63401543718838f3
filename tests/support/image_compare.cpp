#include "image_compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

namespace {

std::vector<double> luminance(const Image& image) {
    std::vector<double> y(std::size_t(image.width) * image.height);
    for (std::size_t i = 0; i < y.size(); ++i)
        y[i] = 0.299 * image.rgba[i * 4] + 0.587 * image.rgba[i * 4 + 1] +
               0.114 * image.rgba[i * 4 + 2];
    return y;
}

} // namespace

SsimScore ssim(const Image& a, const Image& b) {
    SsimScore score;
    if (a.width != b.width || a.height != b.height || a.width < kSsimWindow ||
        a.height < kSsimWindow)
        return score;
    const std::vector<double> ya = luminance(a), yb = luminance(b);
    constexpr double c1 = (0.01 * 255) * (0.01 * 255);
    constexpr double c2 = (0.03 * 255) * (0.03 * 255);
    constexpr double n = double(kSsimWindow * kSsimWindow);
    score.windows_x = (a.width - kSsimWindow) / kSsimStep + 1;
    const int windows_y = (a.height - kSsimWindow) / kSsimStep + 1;
    score.min_window = 2.0;
    double total = 0.0;
    for (int wy = 0; wy < windows_y; ++wy)
        for (int wx = 0; wx < score.windows_x; ++wx) {
            const int x0 = wx * kSsimStep, y0 = wy * kSsimStep;
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int y = y0; y < y0 + kSsimWindow; ++y)
                for (int x = x0; x < x0 + kSsimWindow; ++x) {
                    const std::size_t i = std::size_t(y) * a.width + x;
                    sa += ya[i];
                    sb += yb[i];
                    saa += ya[i] * ya[i];
                    sbb += yb[i] * yb[i];
                    sab += ya[i] * yb[i];
                }
            const double ma = sa / n, mb = sb / n;
            const double va = std::max(0.0, saa / n - ma * ma);
            const double vb = std::max(0.0, sbb / n - mb * mb);
            const double cov = sab / n - ma * mb;
            const double s =
                ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            score.windows.push_back(s);
            total += s;
            if (s < score.min_window) {
                score.min_window = s;
                score.min_x = x0;
                score.min_y = y0;
            }
        }
    score.mean = total / double(score.windows.size());
    return score;
}

ImageComparison compare_images(const Image& actual, const Image& baseline, const std::string& name,
                               const ImageTolerance& tol) {
    ImageComparison result;
    const fs::path actual_path = output_dir() / "images" / (name + ".actual.png");
    const fs::path diff_path = output_dir() / "images" / (name + ".diff.png");
    if (baseline.width != actual.width || baseline.height != actual.height) {
        save_png(actual_path, actual);
        result.message =
            name + ": size differs from the baseline; actual kept at " + actual_path.string();
        return result;
    }
    result.score = ssim(actual, baseline);
    const SsimScore& s = result.score;
    std::printf("image-compare: %s mean_ssim=%.6f min_window_ssim=%.6f at %d,%d\n", name.c_str(),
                s.mean, s.min_window, s.min_x, s.min_y);
    std::fflush(stdout);
    result.passed =
        !s.windows.empty() && s.mean >= tol.min_mean_ssim && s.min_window >= tol.min_window_ssim;
    if (!result.passed) {
        // Diff image: grey copy of the baseline, windows below the per-window threshold in red.
        Image diff{actual.width, actual.height, std::vector<std::uint8_t>(actual.rgba.size(), 255)};
        for (std::size_t i = 0; i < std::size_t(actual.width) * actual.height; ++i) {
            const std::uint8_t grey = std::uint8_t(baseline.rgba[i * 4] / 3 + 160);
            diff.rgba[i * 4 + 0] = diff.rgba[i * 4 + 1] = diff.rgba[i * 4 + 2] = grey;
        }
        for (std::size_t w = 0; w < s.windows.size(); ++w) {
            if (s.windows[w] >= tol.min_window_ssim)
                continue;
            const int x0 = int(w % std::size_t(s.windows_x)) * kSsimStep;
            const int y0 = int(w / std::size_t(s.windows_x)) * kSsimStep;
            for (int y = y0; y < y0 + kSsimWindow; ++y)
                for (int x = x0; x < x0 + kSsimWindow; ++x) {
                    auto* p = diff.pixel(x, y);
                    p[0] = 255;
                    p[1] = p[2] = 0;
                }
        }
        save_png(actual_path, actual);
        save_png(diff_path, diff);
        std::ostringstream msg;
        msg << name << ": mean SSIM " << s.mean << " (at least " << tol.min_mean_ssim
            << "), worst 8x8 window " << s.min_window << " at " << s.min_x << "," << s.min_y
            << " (at least " << tol.min_window_ssim << "); actual " << actual_path.string()
            << ", diff " << diff_path.string();
        result.message = msg.str();
    }
    return result;
}

ImageComparison compare_to_baseline(const Image& actual, const std::string& name,
                                    const ImageTolerance& tol) {
    const fs::path baseline_path = fs::path(INJMAP_BASELINE_DIR) / (name + ".png");
    Image baseline;
    if (!load_png(baseline_path, baseline)) {
        save_png(baseline_path, actual);
        ImageComparison result;
        result.message = "no baseline " + baseline_path.string() +
                         ": wrote the actual image there; look at it, then commit it";
        return result;
    }
    return compare_images(actual, baseline, name, tol);
}

void paint_disc(Image& image, int cx, int cy, int radius, const std::uint8_t rgb[3]) {
    for (int y = cy - radius; y <= cy + radius; ++y)
        for (int x = cx - radius; x <= cx + radius; ++x) {
            if (x < 0 || y < 0 || x >= image.width || y >= image.height ||
                (x - cx) * (x - cx) + (y - cy) * (y - cy) > radius * radius)
                continue;
            auto* p = image.pixel(x, y);
            p[0] = rgb[0];
            p[1] = rgb[1];
            p[2] = rgb[2];
        }
}

} // namespace injmap::test
