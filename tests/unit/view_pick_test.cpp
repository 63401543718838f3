// Clicks on the 3D view picked from a frame snapshot alone (app/gui/view_pick.cpp): no renderer,
// no GL. The markers are where render::layout_overlay puts them for that snapshot; a marker hidden
// behind the head, or the markers layer off, is not picked; the skin point and the muscle under it
// come with the hit.
#include <gtest/gtest.h>

#include <glm/geometric.hpp>

#include "gui/view_pick.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/picking.hpp"
#include "protocol_test_model.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;

class ViewPick : public ::testing::Test {
protected:
    void SetUp() override {
        model_ = test::make_test_model();
        queries_ = std::make_unique<ModelQueries>(model_);
        frame_.model = &model_;
        frame_.skin_index = &queries_->skin();
        frame_.width = 800;
        frame_.height = 600;
        frame_.camera.target = glm::vec3(0.0f);
        frame_.camera.distance_mm = 600.0f;
        // A marker on the forehead (facing the camera on +Z) and one on the back of the head.
        add_marker("front", test::direction(18, 40) * test::kTestHeadRadius);
        add_marker("back", test::direction(180, 10) * test::kTestHeadRadius);
    }
    void add_marker(const std::string& id, glm::vec3 p) {
        render::Marker m;
        m.id = id;
        m.number = int(frame_.markers.size()) + 1;
        m.position = p;
        m.normal = glm::normalize(p);
        frame_.markers.push_back(m);
    }
    glm::vec2 pixel_of(glm::vec3 p) const {
        return render::project(frame_.camera, frame_.width, frame_.height, p).pixel;
    }

    Model model_;
    std::unique_ptr<ModelQueries> queries_;
    render::FrameSnapshot frame_;
};

TEST_F(ViewPick, MarkerUnderThePixelIsPicked) {
    const glm::vec2 badge = pixel_of(frame_.markers[0].position);
    const auto hit = pick_in_frame(frame_, *queries_, badge + glm::vec2(3.0f, -2.0f));
    ASSERT_TRUE(hit);
    ASSERT_TRUE(hit->marker);
    EXPECT_EQ(*hit->marker, 0u);
    // The skin behind the badge comes with it: the frontalis (left) under the forehead site.
    EXPECT_LT(glm::distance(hit->point, frame_.markers[0].position), 5.0f);
    ASSERT_NE(hit->muscle, nullptr);
    EXPECT_EQ(hit->muscle->key(), "frontalis_left");
}

TEST_F(ViewPick, ALastVisitGhostIsNotClickedTheSkinUnderItIs) {
    // The front marker turned into a last visit's ghost: the click lands on the skin there.
    frame_.markers[0].state = render::MarkerState::ghost;
    const glm::vec2 badge = pixel_of(frame_.markers[0].position);
    const auto hit = pick_in_frame(frame_, *queries_, badge + glm::vec2(3.0f, -2.0f));
    ASSERT_TRUE(hit);
    EXPECT_FALSE(hit->marker);
    EXPECT_LT(glm::distance(hit->point, frame_.markers[0].position), 5.0f);
}

TEST_F(ViewPick, SkinAwayFromMarkersHasNoMarker) {
    const glm::vec2 badge = pixel_of(frame_.markers[0].position);
    const auto hit = pick_in_frame(frame_, *queries_, badge + glm::vec2(40.0f, 0.0f));
    ASSERT_TRUE(hit); // still on the skin
    EXPECT_FALSE(hit->marker);
    // Beside the head: nothing at all.
    EXPECT_FALSE(pick_in_frame(frame_, *queries_, glm::vec2(2.0f, 2.0f)));
}

TEST_F(ViewPick, HiddenMarkerIsNotPicked) {
    // The back marker projects inside the head's outline, but the head hides it: the click lands
    // on the skin in front.
    const glm::vec2 behind = pixel_of(frame_.markers[1].position);
    const auto layout = render::layout_overlay(frame_, &queries_->skin());
    ASSERT_EQ(layout.markers.size(), 2u);
    EXPECT_TRUE(layout.markers[0].visible);
    EXPECT_FALSE(layout.markers[1].visible);
    const auto hit = pick_in_frame(frame_, *queries_, behind);
    ASSERT_TRUE(hit);
    EXPECT_FALSE(hit->marker);
    EXPECT_GT(hit->point.z, 0.0f); // the front of the head
}

TEST_F(ViewPick, MarkersLayerOffPicksNoMarker) {
    frame_.layers.markers = false;
    const glm::vec2 badge = pixel_of(frame_.markers[0].position);
    const auto hit = pick_in_frame(frame_, *queries_, badge);
    ASSERT_TRUE(hit);
    EXPECT_FALSE(hit->marker);
    const auto layout = render::layout_overlay(frame_, &queries_->skin());
    ASSERT_EQ(layout.markers.size(), 2u);
    EXPECT_FALSE(layout.markers[0].visible);
    // render::pick without a layout lays the overlay out itself: the same rule.
    EXPECT_EQ(render::pick(frame_, *queries_, badge).marker, -1);
    frame_.layers.markers = true;
    EXPECT_EQ(render::pick(frame_, *queries_, badge).marker, 0);
}

TEST_F(ViewPick, TheSnapshotsCameraDecides) {
    // Turn the head around: the back marker is now the visible one under its own pixel.
    frame_.camera.yaw_deg = 180.0f;
    const auto hit = pick_in_frame(frame_, *queries_, pixel_of(frame_.markers[1].position));
    ASSERT_TRUE(hit);
    ASSERT_TRUE(hit->marker);
    EXPECT_EQ(*hit->marker, 1u);
    const auto front = pick_in_frame(frame_, *queries_, pixel_of(frame_.markers[0].position));
    EXPECT_TRUE(!front || !front->marker); // the forehead is out of sight now
}

TEST(MarkerAt, NearestVisibleBadgeWithinReach) {
    render::OverlayLayout layout;
    render::MarkerScreen a, b, hidden;
    a.centre = {100, 100};
    a.radius_px = 10;
    a.visible = true;
    b.centre = {120, 100};
    b.radius_px = 10;
    b.visible = true;
    hidden.centre = {111, 100};
    hidden.radius_px = 10;
    layout.markers = {a, b, hidden};
    EXPECT_EQ(marker_at(layout, {108, 100}), std::optional<std::size_t>(0));
    EXPECT_EQ(marker_at(layout, {112, 100}), std::optional<std::size_t>(1));
    EXPECT_EQ(marker_at(layout, {100, 113.5f}), std::optional<std::size_t>(0)); // 1.4 × radius
    EXPECT_FALSE(marker_at(layout, {100, 115}));
    // Small badges are still 8 px wide targets.
    layout.markers = {a};
    layout.markers[0].radius_px = 2;
    EXPECT_TRUE(marker_at(layout, {107.5f, 100}));
    EXPECT_FALSE(marker_at(layout, {108.5f, 100}));
}

} // namespace
