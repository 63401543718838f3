#pragma once
// `injmap gui --bench-frames N`: the frame-time statistics it prints, one line on stdout:
//   frame_ms median=M p95=P
// (docs/performance.md). No ImGui and no clock: the window measures, this summarises.
#include <optional>
#include <string>
#include <vector>

namespace injmap::gui {

struct FrameTimeStats {
    double median_ms = 0.0; // the middle time; the mean of the two middle ones for an even count
    double p95_ms = 0.0;    // nearest rank: the ceil(0.95·n)-th smallest time
};

// nullopt for no frames.
[[nodiscard]] std::optional<FrameTimeStats> frame_time_stats(std::vector<double> frame_ms);

// "frame_ms median=12.34 p95=15.00" (two decimals, no newline).
[[nodiscard]] std::string bench_line(const FrameTimeStats& stats);

} // namespace injmap::gui
