// --bench-frames statistics (app/gui/frame_stats.cpp): median and nearest-rank 95th percentile of
// the frame times, and the line printed.
#include <gtest/gtest.h>

#include <vector>

#include "gui/frame_stats.hpp"

namespace {
using namespace injmap::gui;

TEST(FrameStats, NoFramesNoStatistics) {
    EXPECT_FALSE(frame_time_stats({}).has_value());
}

TEST(FrameStats, OddCountMedianIsTheMiddleTime) {
    const auto s = frame_time_stats({9.0, 1.0, 5.0});
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median_ms, 5.0);
    EXPECT_DOUBLE_EQ(s->p95_ms, 9.0); // ceil(0.95·3) = 3rd smallest
}

TEST(FrameStats, EvenCountMedianIsTheMeanOfTheMiddleTwo) {
    const auto s = frame_time_stats({4.0, 1.0, 3.0, 2.0});
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median_ms, 2.5);
}

TEST(FrameStats, P95IsTheNearestRank) {
    // 1..100 ms, shuffled: the 95th smallest is 95 (not 96, not an interpolation).
    std::vector<double> ms;
    for (int i = 100; i >= 1; --i)
        ms.push_back(double((i * 37) % 100 + 1));
    const auto s = frame_time_stats(ms);
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->p95_ms, 95.0);
    EXPECT_DOUBLE_EQ(s->median_ms, 50.5);
    // 20 frames: ceil(19) = 19th smallest, so one slow frame out of 20 is above the p95.
    std::vector<double> twenty(19, 10.0);
    twenty.push_back(500.0);
    EXPECT_DOUBLE_EQ(frame_time_stats(twenty)->p95_ms, 10.0);
    twenty.push_back(600.0); // 21 frames: ceil(19.95) = 20th smallest
    EXPECT_DOUBLE_EQ(frame_time_stats(twenty)->p95_ms, 500.0);
}

TEST(FrameStats, OneFrame) {
    const auto s = frame_time_stats({7.25});
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median_ms, 7.25);
    EXPECT_DOUBLE_EQ(s->p95_ms, 7.25);
}

TEST(FrameStats, BenchLine) {
    EXPECT_EQ(bench_line({12.3456, 15.0}), "frame_ms median=12.35 p95=15.00");
}

} // namespace
