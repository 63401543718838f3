#pragma once
// Helpers for the window tests: run `injmap gui` with its own $XDG_DATA_HOME, look at the
// screenshot, and read the session record it wrote.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image_compare.hpp"
#include "test_support.hpp"

namespace injmap::test::window {

inline bool has_display() {
    return std::getenv("DISPLAY") != nullptr;
}

#define INJMAP_NEED_DISPLAY()                                                                      \
    do {                                                                                           \
        if (!::injmap::test::window::has_display())                                                \
            GTEST_SKIP() << "no X server (run through tests/window/with-xvfb.sh)";                 \
    } while (0)

struct GuiRun {
    CommandResult result;
    std::filesystem::path dir;        // the test's folder (also $XDG_DATA_HOME)
    std::filesystem::path screenshot; // dir/window.png
};

// Runs the gui with a fresh $XDG_DATA_HOME under `dir`, taking a screenshot.
inline GuiRun run_gui(const std::filesystem::path& dir, std::vector<std::string> args) {
    GuiRun run;
    run.dir = dir;
    run.screenshot = dir / "window.png";
    args.insert(args.begin(), "gui");
    args.push_back("--screenshot");
    args.push_back(run.screenshot.string());
    run.result =
        run_injmap(args, {"XDG_DATA_HOME=" + (dir / "xdg").string(), "LIBGL_ALWAYS_SOFTWARE=1"});
    return run;
}

inline std::filesystem::path sessions_dir(const GuiRun& run) {
    return run.dir / "xdg" / "injmap" / "sessions";
}

inline std::vector<std::filesystem::path> files_with(const std::filesystem::path& dir,
                                                     const std::string& suffix) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() >= suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The record's lines as JSON objects.
inline std::vector<nlohmann::json> record_lines(const std::filesystem::path& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(nlohmann::json::parse(line));
    return lines;
}

inline std::vector<std::string> kinds(const std::vector<nlohmann::json>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines)
        out.push_back(l.value("action", l.value("kind", std::string("?"))));
    return out;
}

// Not blank: many distinct colours (a cleared window has one; panels alone have a few dozen).
inline std::size_t distinct_colours(const Image& image) {
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4)
        colours.insert(std::uint32_t(image.rgba[i]) << 16 | std::uint32_t(image.rgba[i + 1]) << 8 |
                       image.rgba[i + 2]);
    return colours.size();
}

// How many pixels of a rectangle differ clearly from `reference` (a background colour).
inline std::size_t pixels_unlike(const Image& image, int x0, int y0, int x1, int y1,
                                 const std::uint8_t reference[3]) {
    std::size_t n = 0;
    for (int y = std::max(0, y0); y < std::min(image.height, y1); ++y)
        for (int x = std::max(0, x0); x < std::min(image.width, x1); ++x) {
            const std::uint8_t* p = image.pixel(x, y);
            if (std::abs(p[0] - reference[0]) + std::abs(p[1] - reference[1]) +
                    std::abs(p[2] - reference[2]) >
                40)
                ++n;
        }
    return n;
}

} // namespace injmap::test::window
