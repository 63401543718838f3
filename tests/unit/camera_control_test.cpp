// The window's camera and mouse drags (app/gui/camera_control.cpp, no window): a press released
// within the click slop is a click (left button only), a move beyond it orbits (left) or pans
// (right, middle, shift + left), the wheel zooms, and smooth moves end at their target.
#include <gtest/gtest.h>

#include "gui/camera_control.hpp"
#include "protocol_test_model.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;

ViewMouse at(glm::vec2 p, glm::vec2 delta = glm::vec2(0.0f)) {
    ViewMouse m;
    m.position = p;
    m.delta = delta;
    m.over_view = true;
    return m;
}

ViewMouse press(glm::vec2 p, int button = 0) {
    ViewMouse m = at(p);
    m.clicked[button] = true;
    m.down[button] = true;
    return m;
}

ViewMouse held(glm::vec2 p, glm::vec2 delta, int button = 0) {
    ViewMouse m = at(p, delta);
    m.down[button] = true;
    return m;
}

constexpr glm::vec2 kScale{1.0f, 1.0f};

TEST(ViewDrag, PressAndReleaseInPlaceIsAClickAtThePress) {
    ViewDrag drag;
    const render::Camera camera;
    EXPECT_FALSE(drag.update(press({100, 100}), camera, kScale, 600).click);
    EXPECT_TRUE(drag.active());
    // Moving 3 px (within the 5 px slop) neither drags nor turns the camera.
    const auto moved = drag.update(held({103, 100}, {3, 0}), camera, kScale, 600);
    EXPECT_FALSE(moved.camera);
    EXPECT_FALSE(drag.dragging());
    const auto released = drag.update(at({103, 100}), camera, kScale, 600);
    ASSERT_TRUE(released.click);
    EXPECT_EQ(*released.click, glm::vec2(100, 100));
    EXPECT_TRUE(released.released);
    EXPECT_FALSE(drag.active());
}

TEST(ViewDrag, LeftDragBeyondTheSlopOrbitsAndDoesNotClick) {
    ViewDrag drag;
    const render::Camera camera;
    (void)drag.update(press({100, 100}), camera, kScale, 600);
    const auto moved = drag.update(held({120, 100}, {20, 0}), camera, kScale, 600);
    ASSERT_TRUE(moved.camera);
    EXPECT_TRUE(drag.dragging());
    EXPECT_EQ(*moved.camera, render::orbit(camera, 20, 0));
    EXPECT_NE(moved.camera->yaw_deg, camera.yaw_deg);
    EXPECT_EQ(moved.camera->target, camera.target); // orbiting keeps the centre
    const auto released = drag.update(at({120, 100}), camera, kScale, 600);
    EXPECT_FALSE(released.click);
    EXPECT_TRUE(released.released);
}

TEST(ViewDrag, RightDragAndShiftLeftDragPan) {
    const render::Camera camera;
    for (int variant = 0; variant < 2; ++variant) {
        ViewDrag drag;
        const int button = variant == 0 ? 1 : 0;
        (void)drag.update(press({100, 100}, button), camera, kScale, 600);
        ViewMouse m = held({100, 130}, {0, 30}, button);
        m.shift = variant == 1;
        const auto moved = drag.update(m, camera, {2.0f, 2.0f}, 600);
        ASSERT_TRUE(moved.camera) << variant;
        EXPECT_EQ(*moved.camera, render::pan(camera, 0, 60, 600)) << variant; // framebuffer px
        EXPECT_EQ(moved.camera->yaw_deg, camera.yaw_deg);
        // Releasing a right drag (or any right press) is never a click.
        m = at({100, 130});
        EXPECT_FALSE(drag.update(m, camera, kScale, 600).click);
    }
    ViewDrag right_click;
    (void)right_click.update(press({50, 50}, 1), camera, kScale, 600);
    EXPECT_FALSE(right_click.update(at({50, 50}), camera, kScale, 600).click);
}

TEST(ViewDrag, PressOutsideTheViewIsIgnoredButTheWheelZoomsOverIt) {
    ViewDrag drag;
    const render::Camera camera;
    ViewMouse outside = press({10, 10});
    outside.over_view = false;
    (void)drag.update(outside, camera, kScale, 600);
    EXPECT_FALSE(drag.active());
    ViewMouse wheel = at({200, 200});
    wheel.wheel = 2.0f;
    const auto zoomed = drag.update(wheel, camera, kScale, 600);
    ASSERT_TRUE(zoomed.camera);
    EXPECT_LT(zoomed.camera->distance_mm, camera.distance_mm);
    wheel.over_view = false;
    EXPECT_FALSE(drag.update(wheel, camera, kScale, 600).camera);
}

TEST(CameraMotion, MoveEndsAtTheTarget) {
    CameraMotion motion;
    render::Camera from, to;
    to.yaw_deg = 90.0f;
    to.distance_mm = 500.0f;
    motion.set(from);
    EXPECT_FALSE(motion.moving(0.0));
    EXPECT_FALSE(motion.update(0.0));
    motion.move_to(to, 10.0);
    EXPECT_EQ(motion.target(), to);
    EXPECT_TRUE(motion.moving(10.1));
    EXPECT_TRUE(motion.update(10.1));
    EXPECT_NE(motion.camera(), to); // under way
    EXPECT_NE(motion.camera(), from);
    EXPECT_TRUE(motion.update(11.0)); // the last step of the move
    EXPECT_EQ(motion.camera(), to);
    EXPECT_FALSE(motion.moving(11.0));
    EXPECT_FALSE(motion.update(12.0));
    // set() is immediate and cancels a move.
    motion.move_to(from, 20.0);
    motion.set(to);
    EXPECT_FALSE(motion.moving(20.1));
    EXPECT_EQ(motion.camera(), to);
}

TEST(CameraFraming, WholeModelFromANamedView) {
    const Model model = test::make_test_model();
    const auto corners = model_corners(model);
    ASSERT_EQ(corners.size(), 8u);
    const auto front = frame_model(model, "front", 1.5f);
    ASSERT_TRUE(front);
    const auto left = frame_model(model, "left", 1.5f);
    ASSERT_TRUE(left);
    EXPECT_NE(front->yaw_deg, left->yaw_deg);
    EXPECT_FALSE(frame_model(model, "no-such-view", 1.5f));
    // An unknown view name keeps the orientation of the current camera.
    render::Camera current;
    current.yaw_deg = 33.0f;
    const render::Camera kept = frame_points_from(corners, "no-such-view", current, 1.5f);
    EXPECT_FLOAT_EQ(kept.yaw_deg, 33.0f);
}

// A drag with a pivot turns the camera about the pivot: the pivot stays at the same pixel, the
// eye keeps its distance from it, and a camera framed on a site beside the head (target off the
// pivot) moves its target rather than swinging the head out of the image.
TEST(ViewDrag, LeftDragOrbitsAroundThePivot) {
    render::Camera camera;
    camera.target = {60.0f, 20.0f, 40.0f}; // framed on a site beside the head
    camera.distance_mm = 400.0f;
    const glm::vec3 pivot{0.0f, 0.0f, 0.0f};
    ViewDrag drag;
    (void)drag.update(press({100, 100}), camera, kScale, 600, pivot);
    const auto moved = drag.update(held({160, 130}, {60, 30}), camera, kScale, 600, pivot);
    ASSERT_TRUE(moved.camera);
    const render::Camera& c = *moved.camera;
    const render::Camera plain = render::orbit(camera, 60, 30);
    EXPECT_FLOAT_EQ(c.yaw_deg, plain.yaw_deg);
    EXPECT_FLOAT_EQ(c.pitch_deg, plain.pitch_deg);
    EXPECT_FLOAT_EQ(c.distance_mm, camera.distance_mm);
    EXPECT_GT(glm::length(c.target - camera.target), 10.0f); // the target moved with the turn
    const auto before = render::project(camera, 800, 600, pivot);
    const auto after = render::project(c, 800, 600, pivot);
    EXPECT_NEAR(after.pixel.x, before.pixel.x, 0.05f);
    EXPECT_NEAR(after.pixel.y, before.pixel.y, 0.05f);
    EXPECT_NEAR(glm::length(render::camera_eye(c) - pivot),
                glm::length(render::camera_eye(camera) - pivot), 0.01f);
    // Orbiting about the target itself is render::orbit.
    const render::Camera same = orbit_about(camera, camera.target, 60, 30);
    EXPECT_NEAR(glm::length(same.target - plain.target), 0.0f, 1e-3f);
    // Without a pivot the drag orbits around the target, as before.
    ViewDrag plain_drag;
    (void)plain_drag.update(press({100, 100}), camera, kScale, 600);
    EXPECT_EQ(*plain_drag.update(held({160, 130}, {60, 30}), camera, kScale, 600).camera, plain);
}

TEST(CameraFraming, HeadCentreIsBetweenNasionAndInion) {
    Model model = test::make_test_model();
    model.landmarks["nasion"] = {0.0f, 10.0f, 90.0f};
    model.landmarks["inion"] = {0.0f, -10.0f, -100.0f};
    const glm::vec3 c = head_centre(model);
    EXPECT_FLOAT_EQ(c.y, 0.0f);
    EXPECT_FLOAT_EQ(c.z, -5.0f);
    model.landmarks["vertex"] = {0.0f, 120.0f, 0.0f};
    EXPECT_GE(head_points(model).size(), 3u);
    model.landmarks.erase("nasion");
    const auto corners = model_corners(model);
    const glm::vec3 box = (corners.front() + corners.back()) * 0.5f;
    EXPECT_NEAR(glm::length(head_centre(model) - box), 0.0f, 1e-3f);
}

} // namespace
