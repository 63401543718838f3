// Sites injected elsewhere than planned: the offset in anatomical terms, the session keeping the
// actual and planned points, the record line carrying them through a replay, and the summaries.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/protocols/session.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/protocols/site_offset.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using std::chrono::seconds;
namespace fs = std::filesystem;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

SessionClock ticking_clock() {
    auto ticks = std::make_shared<int>(0);
    return [ticks] { return kT0 + seconds((*ticks)++); };
}

std::shared_ptr<const Protocol> two_site_protocol() {
    Protocol p;
    p.id = "two";
    p.reconstitution = {100.0, 2.0};
    Step step;
    step.id = "all";
    for (Side side : {Side::left, Side::right}) {
        Site s;
        s.id = std::string("trapezius_") + to_string(side);
        s.base_id = s.id;
        s.muscle = "trapezius";
        s.side = side;
        s.units = 5.0;
        step.sites.push_back(s);
    }
    p.steps = {step};
    p.limits.units_per_site = 5.0;
    p.limits.max_total_units = 20.0;
    return std::make_shared<const Protocol>(std::move(p));
}

SessionAction checklist_action() {
    SessionAction a;
    a.kind = ActionKind::checklist;
    a.checklist.answers = {{"allergy", false, ""}};
    a.checklist.warning_acknowledged = true;
    a.checklist.version = 1;
    a.time = kT0;
    return a;
}

TEST(SiteOffset, NamesTheAxesThatMovedLargestFirst) {
    // A left site moved 12 mm up and 4 mm towards +X (the subject's left: lateral for it).
    const SiteOffset left = describe_offset({50, 100, 0}, {54, 112, 0.3f}, Side::left);
    EXPECT_NEAR(left.distance_mm, std::sqrt(16.0f + 144.0f + 0.09f), 1e-3);
    EXPECT_EQ(left.direction, "12 mm up, 4 mm lateral");
    // The same movement on a right site is towards the midline.
    EXPECT_EQ(describe_offset({-50, 100, 0}, {-46, 88, 0}, Side::right).direction,
              "12 mm down, 4 mm medial");
    // A midline site says which side, the patient's.
    EXPECT_EQ(describe_offset({0, 0, 0}, {-6, 0, -2}, Side::midline).direction,
              "6 mm to the right, 2 mm back");
    EXPECT_EQ(describe_offset({0, 0, 0}, {0.2f, 0.4f, 0}, Side::left).direction, "");
}

TEST(InjectedElsewhere, TheSessionKeepsActualAndPlannedPoints) {
    Session s(two_site_protocol(), ticking_clock());
    ASSERT_TRUE(s.start().ok());
    ASSERT_TRUE(s.apply(checklist_action()).ok());
    ASSERT_TRUE(s.inject_elsewhere({60, 130, -40}, {55, 120, -42}, 4.0, "tender point").ok());
    const SessionSite& moved = s.sites()[0];
    EXPECT_TRUE(moved.moved());
    EXPECT_EQ(moved.units_given, 4.0);
    EXPECT_EQ(*moved.position_mm, glm::vec3(60, 130, -40));
    EXPECT_EQ(*moved.planned_mm, glm::vec3(55, 120, -42));
    ASSERT_TRUE(s.inject().ok());
    EXPECT_FALSE(s.sites()[1].moved());
    // back restores the site as it was: not injected, not moved.
    ASSERT_TRUE(s.back().ok());
    ASSERT_TRUE(s.back().ok());
    EXPECT_FALSE(s.sites()[0].moved());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::pending);
}

TEST(InjectedElsewhere, ANonFinitePointIsRefused) {
    Session s(two_site_protocol(), ticking_clock());
    ASSERT_TRUE(s.start().ok());
    ASSERT_TRUE(s.apply(checklist_action()).ok());
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(s.inject_elsewhere({nan, 0, 0}, {0, 0, 0}).code, "session.bad-position");
    EXPECT_EQ(s.sites()[0].status, SiteStatus::pending);
}

TEST(InjectedElsewhere, TheRecordCarriesItThroughAReplayAndTheSummaries) {
    const fs::path dir = fresh_dir("injected-elsewhere");
    const fs::path path = dir / "moved.jsonl";
    {
        auto r = SessionRecorder::create(path, two_site_protocol(), {}, ticking_clock());
        ASSERT_TRUE(r.ok());
        ASSERT_TRUE(r.value->apply(checklist_action()).ok());
        ASSERT_TRUE(r.value->inject_elsewhere({60.004f, 130, -40}, {55, 120, -42}).ok());
        ASSERT_TRUE(r.value->inject().ok());
        ASSERT_TRUE(r.value->finish().ok());
    }
    const std::string text = read_text(path);
    EXPECT_NE(text.find("\"position_mm\":[60.0,130.0,-40.0],\"planned_mm\":[55.0,120.0,-42.0]"),
              std::string::npos)
        << text;
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto replayed = replay_session_record(*record.value, two_site_protocol());
    ASSERT_TRUE(replayed.ok());
    ASSERT_TRUE(replayed.value->sites()[0].moved());
    EXPECT_EQ(*replayed.value->sites()[0].position_mm, glm::vec3(60, 130, -40));
    EXPECT_FALSE(replayed.value->sites()[1].moved());

    const auto summary = nlohmann::json::parse(read_text(summary_json_path(path)));
    const auto& moved = summary["sites"][0]["injected_elsewhere"];
    EXPECT_EQ(moved["direction"], "10 mm up, 5 mm lateral, 2 mm forward");
    EXPECT_NEAR(moved["offset_mm"].get<double>(), std::sqrt(25.0 + 100.0 + 4.0), 0.01);
    EXPECT_FALSE(summary["sites"][1].contains("injected_elsewhere"));
    const std::string csv = read_text(summary_csv_path(path));
    EXPECT_NE(csv.find(",11.36,\"10 mm up, 5 mm lateral, 2 mm forward\"\n"), std::string::npos)
        << csv;
}

TEST(InjectedElsewhere, ARecordLineWithOnlyOneOfThePointsIsCorrupt) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.site = "trapezius_left";
    a.units = 5.0;
    a.time = kT0;
    a.position_mm = glm::vec3(1, 2, 3);
    a.planned_mm = glm::vec3(1, 2, 4);
    std::string line = record_line(a, "");
    std::string error;
    ASSERT_TRUE(parse_record_line(line, error).has_value()) << line << error;
    // Drop planned_mm (the line's hashes no longer matter to the parser's field checks).
    const auto at = line.find(",\"planned_mm\"");
    ASSERT_NE(at, std::string::npos);
    line.erase(at, line.find(']', at) - at + 1);
    EXPECT_FALSE(parse_record_line(line, error).has_value()) << line;
}

} // namespace
