// The needle path (needle_path.hpp) on a synthetic model of boxes stacked under a flat skin, the
// validator rule placement.muscle-not-reached and the drill's muscle hit that follow it.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <glm/geometric.hpp>

#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/drill.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/validator.hpp"
#include "test_support.hpp"

using namespace injmap;
using test::box;

namespace {

Muscle muscle(const std::string& id, Side side, Mesh mesh) {
    Muscle m;
    m.id = id;
    m.side = side;
    m.layer = MuscleLayer::sheet;
    m.mesh = std::move(mesh);
    return m;
}

// Skin: the top face z = 0 of a large box. Under (0, 0, 0), going -Z:
//   frontalis (left)   z ∈ [-5, -1]     → 1–5 mm
//   corrugator (left)  z ∈ [-9, -6.5]   → 6.5–9 mm, deeper than its default depth (6 mm)
//   cranium (bone)     z ∈ [-20, -12]   → 12–20 mm
//   temporalis (left)  z ∈ [-30, -25]   → past the bone: left out
// The "corrugator" on the right (x < 0) is not on the left site's side.
Model stacked_model() {
    Model model;
    model.id = "stacked";
    model.skin = box({-100, -100, -100}, {100, 100, 0});
    model.muscles.push_back(muscle("frontalis", Side::left, box({0, -20, -5}, {20, 20, -1})));
    model.muscles.push_back(muscle("corrugator", Side::left, box({0, -20, -9}, {20, 20, -6.5f})));
    model.muscles.push_back(muscle("corrugator", Side::right, box({-20, -20, -4}, {-1, 20, -2})));
    model.muscles.push_back(muscle("temporalis", Side::left, box({0, -20, -30}, {20, 20, -25})));
    Bone cranium;
    cranium.id = "cranium";
    cranium.mesh = box({-50, -50, -20}, {50, 50, -12});
    model.bones.push_back(std::move(cranium));
    model.groups["glabellar"] = {"corrugator", "procerus"};
    return model;
}

const Model& the_model() {
    static const Model model = stacked_model();
    return model;
}
const ModelQueries& the_queries() {
    static const ModelQueries queries(the_model());
    return queries;
}

Site site(const std::string& id, const std::string& key, std::optional<double> depth = {}) {
    Site s;
    s.id = id;
    s.base_id = id;
    s.muscle = key;
    s.side = Side::left;
    s.side_spec = SideSpec::left;
    s.units = 5;
    s.depth_mm = depth;
    return s;
}

// A protocol of the given sites, all placed at `where` with the needle straight down (-Z).
struct OneSpot {
    Protocol protocol;
    PlacedProtocol placed;
    OneSpot(std::vector<Site> sites, glm::vec3 where = {10, 0, 0}) {
        protocol.id = "needle-test";
        Step step;
        step.id = "all";
        step.sites = std::move(sites);
        protocol.steps.push_back(std::move(step));
        for (const Site* s : protocol.sites()) {
            PlacedSite ps;
            ps.site = s;
            ps.position = where;
            ps.normal = {0, 0, 1};
            ps.needle_direction = {0, 0, -1};
            ps.placed = true;
            placed.sites.push_back(ps);
        }
    }
};

std::vector<std::string> rules_for(const Diagnostics& d, const std::string& rule) {
    std::vector<std::string> out;
    for (const auto& x : d)
        if (x.rule == rule)
            out.push_back(x.rule);
    return out;
}

} // namespace

TEST(SurfaceIndexCrossings, AllCrossingsOfAClosedBoxInOrder) {
    const SurfaceIndex index(box({-1, -1, -3}, {1, 1, -1}));
    const auto hits = index.ray_crossings({0.1f, 0.2f, 5}, {0, 0, -1});
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_NEAR(hits[0].distance, 6.0f, 1e-4f);
    EXPECT_TRUE(hits[0].entering);
    EXPECT_NEAR(hits[1].distance, 8.0f, 1e-4f);
    EXPECT_FALSE(hits[1].entering);
    // Bounded: only the first within 7 mm.
    EXPECT_EQ(index.ray_crossings({0.1f, 0.2f, 5}, {0, 0, -1}, 7.0f).size(), 1u);
    EXPECT_TRUE(index.ray_crossings({5, 5, 5}, {0, 0, -1}).empty());
}

TEST(NeedlePath, ListsMusclesAndTheBoneInOrderAndStopsAfterTheBone) {
    const auto path = needle_path(the_queries(), glm::vec3{10, 0, 0}, glm::vec3{0, 0, -2});
    ASSERT_EQ(path.size(), 3u);
    EXPECT_EQ(path[0].structure, "frontalis");
    EXPECT_EQ(path[0].kind, StructureKind::muscle);
    EXPECT_EQ(path[0].side, Side::left);
    EXPECT_NEAR(path[0].enters_mm, 1.0f, 0.1f);
    EXPECT_NEAR(path[0].leaves_mm, 5.0f, 0.1f);
    EXPECT_EQ(path[1].structure, "corrugator");
    EXPECT_NEAR(path[1].enters_mm, 6.5f, 0.1f);
    EXPECT_NEAR(path[1].leaves_mm, 9.0f, 0.1f);
    EXPECT_EQ(path[2].structure, "cranium");
    EXPECT_EQ(path[2].kind, StructureKind::bone);
    EXPECT_EQ(path[2].side, Side::midline);
    EXPECT_NEAR(path[2].enters_mm, 12.0f, 0.1f);
    EXPECT_NEAR(path[2].leaves_mm, 20.0f, 0.1f);
    EXPECT_STREQ(to_string(path[2].kind), "bone");
}

TEST(NeedlePath, ReachCapsTheLastStructureAndStartsInsideAtZero) {
    // Reach 8 mm: the corrugator is entered and "leaves" at the reach; the bone is not met.
    auto path = needle_path(the_queries(), glm::vec3{10, 0, 0}, glm::vec3{0, 0, -1}, 8.0f);
    ASSERT_EQ(path.size(), 2u);
    EXPECT_NEAR(path[1].enters_mm, 6.5f, 0.1f);
    EXPECT_NEAR(path[1].leaves_mm, 8.0f, 0.1f);
    // Starting 3 mm down, inside the frontalis: it is entered at 0 and left 2 mm on.
    path = needle_path(the_queries(), glm::vec3{10, 0, -3}, glm::vec3{0, 0, -1});
    ASSERT_FALSE(path.empty());
    EXPECT_EQ(path[0].structure, "frontalis");
    EXPECT_NEAR(path[0].enters_mm, 0.0f, 0.1f);
    EXPECT_NEAR(path[0].leaves_mm, 2.0f, 0.1f);
    // Beside every muscle (x = -30) only the bone; a zero direction gives nothing.
    path = needle_path(the_queries(), glm::vec3{-30, 0, 0}, glm::vec3{0, 0, -1});
    ASSERT_EQ(path.size(), 1u);
    EXPECT_EQ(path[0].structure, "cranium");
    EXPECT_TRUE(needle_path(the_queries(), glm::vec3{10, 0, 0}, glm::vec3{0.0f}).empty());
}

TEST(NeedlePath, DepthIsTheSitesOrTheMusclesDefault) {
    EXPECT_DOUBLE_EQ(needle_depth_mm(site("a", "corrugator", 7.5)), 7.5);
    EXPECT_DOUBLE_EQ(needle_depth_mm(site("a", "corrugator")), 6.0);
    EXPECT_DOUBLE_EQ(needle_depth_mm(site("a", "frontalis")), 5.0);
    EXPECT_DOUBLE_EQ(needle_depth_mm(site("a", "sternocleidomastoid")), 25.4);
    for (const auto& d : default_needle_depths()) {
        EXPECT_GT(d.depth_mm, 0.0);
        EXPECT_LE(d.depth_mm, static_cast<double>(kNeedleReachMm));
    }
}

TEST(MuscleNotReached, FiresWhenTheMuscleIsDeeperThanTheDepth) {
    // Corrugator 6.5 mm down: beyond its default 6 mm and a stated 5 mm; within a stated 7 mm.
    // Frontalis (1 mm down) and the group "glabellar" with a 7 mm depth are reached.
    const OneSpot spot({site("deep", "corrugator"), site("short", "corrugator", 5.0),
                        site("long", "corrugator", 7.0), site("front", "frontalis"),
                        site("group", "glabellar", 7.0)});
    const auto d = validate_on_model(spot.protocol, spot.placed, the_queries());
    std::vector<std::string> fired;
    for (const auto& x : d)
        if (x.rule == "placement.muscle-not-reached") {
            EXPECT_EQ(x.severity, Severity::warning);
            fired.push_back(x.message.substr(0, x.message.find(':')));
        }
    EXPECT_EQ(fired, (std::vector<std::string>{"site 'deep'", "site 'short'"}));
}

TEST(MuscleNotReached, OtherSideDoesNotCountAndRightSideFires) {
    // Under x = -10 lies the right corrugator (2–4 mm) only: a left corrugator site there does not
    // reach its muscle; a right one does.
    Site right = site("r", "corrugator");
    right.side = Side::right;
    right.side_spec = SideSpec::right;
    const OneSpot spot({site("l", "corrugator", 30.0), right}, {-10, 0, 0});
    const auto d = validate_on_model(spot.protocol, spot.placed, the_queries());
    EXPECT_EQ(rules_for(d, "placement.muscle-not-reached").size(), 1u);
    const auto path = needle_path(the_queries(), spot.placed.sites[0]);
    EXPECT_FALSE(target_entered_mm(the_model(), *spot.placed.sites[0].site, path).has_value());
    ASSERT_TRUE(target_entered_mm(the_model(), *spot.placed.sites[1].site, path).has_value());
}

TEST(MuscleNotReached, IsInTheRuleTable) {
    bool found = false;
    for (const auto& r : validator_rules())
        if (std::string(r.id) == "placement.muscle-not-reached") {
            found = true;
            EXPECT_EQ(r.severity, Severity::warning);
        }
    EXPECT_TRUE(found);
}

TEST(DrillNeedle, CorrugatorAnswerThatReachesOnlyTheFrontalisIsAMiss) {
    const OneSpot spot({site("c", "corrugator")});
    auto score = score_drill(spot.protocol, spot.placed, the_queries(), {{"c", {10, 0, 0}}});
    ASSERT_EQ(score.sites.size(), 1u);
    EXPECT_EQ(score.sites[0].hit_muscle, "frontalis_left"); // what lies under the mark
    EXPECT_FALSE(score.sites[0].muscle_hit);                // the corrugator is 6.5 mm down
    EXPECT_FALSE(score.passed);
    // With a 7 mm depth the same answer reaches it.
    const OneSpot deeper({site("c", "corrugator", 7.0)});
    score = score_drill(deeper.protocol, deeper.placed, the_queries(), {{"c", {10, 0, 0}}});
    EXPECT_TRUE(score.sites[0].muscle_hit);
    EXPECT_TRUE(score.passed);
}

TEST(NeedlePath, DescribedInWordsForTheStepCard) {
    const auto path = needle_path(the_queries(), glm::vec3{10, 0, 0}, glm::vec3{0, 0, -1});
    EXPECT_EQ(describe_needle_path(path),
              "through frontalis 1–5 mm; corrugator 6.5–9 mm; bone (cranium) from 12 mm");
    EXPECT_EQ(describe_needle_path({}), "");
}
