// The training drills' window-free choices (app/gui/training_drill.cpp): a question's camera shows
// the region, not the answer (the same camera for every question from a side, and never an asked
// site near the view's centre), each drill's layers show its question, and sites are named in
// words.
#include <gtest/gtest.h>

#include "gui/training_drill.hpp"
#include "injmap/render/camera.hpp"
#include "protocol_test_model.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;

constexpr float kAspect = 640.0f / 740.0f;

TEST(DrillRegion, HoldsTheHeadAndEverySite) {
    const Model model = test::make_test_model();
    const glm::vec3 shoulder{120.0f, -300.0f, 0.0f};
    const auto region = drill_region(model, std::span<const glm::vec3>(&shoulder, 1));
    ASSERT_FALSE(region.empty());
    EXPECT_EQ(region.front(), shoulder);
    const Bounds b = bounds_of(model.skin);
    float top = -1e9f, bottom = 1e9f;
    for (const glm::vec3& p : region) {
        top = std::max(top, p.y);
        bottom = std::min(bottom, p.y);
    }
    EXPECT_FLOAT_EQ(top, b.max.y);
    EXPECT_FLOAT_EQ(bottom, -300.0f);
}

TEST(DrillCamera, IsTheSameForEveryQuestionFromASide) {
    const Model model = test::make_test_model();
    const auto region = drill_region(model, {});
    // Two sites far from the middle of the front view: the camera does not follow them.
    const glm::vec3 a{60.0f, 40.0f, 60.0f}, b{-60.0f, -40.0f, 60.0f};
    const auto ca = drill_camera(region, "front", kAspect, std::span<const glm::vec3>(&a, 1));
    const auto cb = drill_camera(region, "front", kAspect, std::span<const glm::vec3>(&b, 1));
    const auto none = drill_camera(region, "front", kAspect, {});
    ASSERT_TRUE(ca && cb && none);
    EXPECT_EQ(*ca, *none);
    EXPECT_EQ(*cb, *none);
    // Another side is another view; an unknown view name falls back to the front.
    const auto left = drill_camera(region, "left", kAspect, {});
    ASSERT_TRUE(left);
    EXPECT_NE(left->yaw_deg, none->yaw_deg);
    EXPECT_EQ(*drill_camera(region, "no-such-view", kAspect, {}), *none);
    EXPECT_FALSE(drill_camera({}, "front", kAspect, {}));
}

TEST(DrillCamera, NeverHasAnAskedSiteNearTheCentre) {
    const Model model = test::make_test_model();
    const auto region = drill_region(model, {});
    const auto plain = drill_camera(region, "front", kAspect, {});
    ASSERT_TRUE(plain);
    // Points on the face around where the plain view's centre falls, each asked in turn: the
    // chosen camera keeps every one of them out of the middle of the view.
    int moved = 0;
    for (float dx = -20.0f; dx <= 20.0f; dx += 10.0f)
        for (float dy = -20.0f; dy <= 20.0f; dy += 10.0f) {
            const glm::vec3 site{plain->target.x + dx, plain->target.y + dy, test::kTestHeadRadius};
            const bool central = drill_centre_distance(*plain, kAspect, site) < kDrillKeepOut;
            const auto cam =
                drill_camera(region, "front", kAspect, std::span<const glm::vec3>(&site, 1));
            ASSERT_TRUE(cam);
            EXPECT_GE(drill_centre_distance(*cam, kAspect, site), kDrillKeepOut) << dx << "," << dy;
            // Only the view moves: same side, same zoom.
            EXPECT_EQ(cam->yaw_deg, plain->yaw_deg);
            EXPECT_EQ(cam->distance_mm, plain->distance_mm);
            moved += central && !(*cam == *plain);
        }
    EXPECT_GT(moved, 0); // the grid did reach into the middle
    // Two asked points one above the other across the centre: both kept out.
    const glm::vec3 two[] = {{plain->target.x, plain->target.y + 8.0f, test::kTestHeadRadius},
                             {plain->target.x, plain->target.y - 8.0f, test::kTestHeadRadius}};
    const auto cam = drill_camera(region, "front", kAspect, two);
    ASSERT_TRUE(cam);
    for (const glm::vec3& p : two)
        EXPECT_GE(drill_centre_distance(*cam, kAspect, p), kDrillKeepOut);
}

TEST(DrillLayers, EachDrillShowsItsQuestion) {
    render::Layers user;
    user.skin = false;
    user.muscles = true;
    user.xray = true;
    user.bones = true;
    user.needles = true;
    user.avoid = true;
    const render::Layers place = drill_layers(DrillKind::place_sites, user);
    EXPECT_TRUE(place.skin);
    EXPECT_FALSE(place.xray);
    EXPECT_FALSE(place.muscles);
    EXPECT_FALSE(place.bones);
    EXPECT_FALSE(place.avoid);
    EXPECT_FALSE(place.needles);
    EXPECT_TRUE(place.markers);
    // The default layers (skin alone) hide a glowing muscle: both muscle drills see through.
    for (const DrillKind d : {DrillKind::find_muscle, DrillKind::name_muscle}) {
        const render::Layers l = drill_layers(d, render::Layers{});
        EXPECT_TRUE(l.skin);
        EXPECT_TRUE(l.xray);
        EXPECT_FALSE(l.needles);
    }
}

TEST(SiteDisplayName, WordsAndSideNotTheId) {
    Site mirrored;
    mirrored.id = "paraspinal_1_right";
    mirrored.base_id = "paraspinal_1";
    mirrored.side = Side::right;
    EXPECT_EQ(site_display_name(mirrored), "Paraspinal 1 (right)");
    Site written_per_side;
    written_per_side.id = "corrugator_left";
    written_per_side.base_id = "corrugator_left";
    written_per_side.side = Side::left;
    EXPECT_EQ(site_display_name(written_per_side), "Corrugator (left)");
    Site midline;
    midline.id = "procerus";
    midline.base_id = "procerus";
    EXPECT_EQ(site_display_name(midline), "Procerus");
    Site no_base;
    no_base.id = "frontalis_medial_left";
    no_base.side = Side::left;
    EXPECT_EQ(site_display_name(no_base), "Frontalis medial (left)");
}

} // namespace
