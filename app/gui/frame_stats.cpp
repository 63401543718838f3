#include "gui/frame_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace injmap::gui {

std::optional<FrameTimeStats> frame_time_stats(std::vector<double> frame_ms) {
    if (frame_ms.empty())
        return std::nullopt;
    std::sort(frame_ms.begin(), frame_ms.end());
    const std::size_t n = frame_ms.size();
    FrameTimeStats stats;
    stats.median_ms = n % 2 ? frame_ms[n / 2] : 0.5 * (frame_ms[n / 2 - 1] + frame_ms[n / 2]);
    const auto rank = static_cast<std::size_t>(std::ceil(0.95 * double(n)));
    stats.p95_ms = frame_ms[std::min(n - 1, std::max<std::size_t>(rank, 1) - 1)];
    return stats;
}

std::string bench_line(const FrameTimeStats& stats) {
    char line[96];
    std::snprintf(line, sizeof line, "frame_ms median=%.2f p95=%.2f", stats.median_ms,
                  stats.p95_ms);
    return line;
}

} // namespace injmap::gui
