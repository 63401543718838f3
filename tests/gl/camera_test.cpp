// Camera math (render/camera.hpp): no GL is used, but the code lives in injmap_render.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <glm/geometric.hpp>

#include "injmap/render/camera.hpp"

using namespace injmap::render;

namespace {

void expect_near(const glm::vec3& a, const glm::vec3& b, float tol) {
    EXPECT_NEAR(a.x, b.x, tol);
    EXPECT_NEAR(a.y, b.y, tol);
    EXPECT_NEAR(a.z, b.z, tol);
}

Camera some_camera() {
    Camera c;
    c.target = {10.0f, -30.0f, 5.0f};
    c.yaw_deg = 30.0f;
    c.pitch_deg = 15.0f;
    c.distance_mm = 700.0f;
    return c;
}

} // namespace

TEST(Camera, NamedViewsLookFromTheRightSide) {
    EXPECT_EQ(view_names().size(), 10u);
    for (auto name : {"front", "back", "left", "right", "top", "oblique-left", "oblique-right",
                      "back-above", "left-back", "right-back"})
        EXPECT_TRUE(named_view(name).has_value()) << name;
    EXPECT_FALSE(named_view("sideways").has_value());
    EXPECT_FALSE(is_view_name("Front"));

    Camera base;
    base.target = glm::vec3(0.0f);
    base.distance_mm = 500.0f;
    expect_near(camera_eye(*named_view("front", base)), {0, 0, 500}, 1e-3f);
    expect_near(camera_eye(*named_view("back", base)), {0, 0, -500}, 1e-3f);
    // "left" shows the subject's left side, which is +X.
    expect_near(camera_eye(*named_view("left", base)), {500, 0, 0}, 1e-3f);
    expect_near(camera_eye(*named_view("right", base)), {-500, 0, 0}, 1e-3f);
    EXPECT_GT(camera_eye(*named_view("top", base)).y, 499.0f);
    EXPECT_GT(camera_eye(*named_view("oblique-left", base)).x, 100.0f);
    EXPECT_LT(camera_eye(*named_view("oblique-right", base)).x, -100.0f);
    // Behind and above; behind the subject's left or right shoulder.
    const glm::vec3 back_above = camera_eye(*named_view("back-above", base));
    EXPECT_LT(back_above.z, -100.0f);
    EXPECT_GT(back_above.y, 100.0f);
    const glm::vec3 left_back = camera_eye(*named_view("left-back", base));
    EXPECT_GT(left_back.x, 100.0f);
    EXPECT_LT(left_back.z, -100.0f);
    const glm::vec3 right_back = camera_eye(*named_view("right-back", base));
    EXPECT_LT(right_back.x, -100.0f);
    EXPECT_LT(right_back.z, -100.0f);
}

TEST(Camera, BasisIsOrthonormalAndLooksAtTarget) {
    for (float pitch : {-89.0f, -30.0f, 0.0f, 45.0f, 89.0f, 90.0f}) {
        Camera c = some_camera();
        c.pitch_deg = pitch;
        const CameraBasis b = camera_basis(c);
        EXPECT_NEAR(glm::length(b.forward), 1.0f, 1e-4f);
        EXPECT_NEAR(glm::length(b.up), 1.0f, 1e-4f);
        EXPECT_NEAR(glm::dot(b.forward, b.up), 0.0f, 1e-4f);
        EXPECT_NEAR(glm::dot(b.forward, b.right), 0.0f, 1e-4f);
        expect_near(b.eye + b.forward * c.distance_mm, c.target, 1e-2f);
    }
}

TEST(Camera, ProjectUnprojectRoundTrip) {
    const Camera c = some_camera();
    const glm::vec3 p{40.0f, 20.0f, -10.0f};
    const ScreenPoint s = project(c, 800, 600, p);
    ASSERT_TRUE(s.in_front);
    expect_near(unproject(c, 800, 600, s.pixel, s.depth), p, 0.05f);
    // The target is in the middle of the image.
    const ScreenPoint t = project(c, 800, 600, c.target);
    EXPECT_NEAR(t.pixel.x, 400.0f, 0.05f); // float matrices: a few hundredths of a pixel
    EXPECT_NEAR(t.pixel.y, 300.0f, 0.05f);
    EXPECT_NEAR(t.view_distance, c.distance_mm, 1e-2f);
}

TEST(Camera, PixelOriginIsTopLeft) {
    Camera c;
    c.target = glm::vec3(0.0f);
    // From the front, +Y (up) is towards the top of the image and +X (subject's left) to the right.
    const ScreenPoint up = project(c, 640, 480, {0.0f, 50.0f, 0.0f});
    const ScreenPoint left = project(c, 640, 480, {50.0f, 0.0f, 0.0f});
    EXPECT_LT(up.pixel.y, 240.0f);
    EXPECT_GT(left.pixel.x, 320.0f);
}

TEST(Camera, PixelRayPassesThroughProjectedPoint) {
    const Camera c = some_camera();
    const glm::vec3 p{-60.0f, 90.0f, 30.0f};
    const ScreenPoint s = project(c, 1280, 800, p);
    const Ray ray = pixel_ray(c, 1280, 800, s.pixel);
    EXPECT_NEAR(glm::length(ray.direction), 1.0f, 1e-5f);
    const glm::vec3 to_p = p - ray.origin;
    const float along = glm::dot(to_p, ray.direction);
    EXPECT_GT(along, 0.0f);
    EXPECT_LT(glm::length(to_p - ray.direction * along), 0.05f);
}

TEST(Camera, FramePointsKeepsEveryPointInTheViewport) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> coord(-250.0f, 250.0f);
    for (auto view : view_names()) {
        for (int trial = 0; trial < 5; ++trial) {
            std::vector<glm::vec3> points;
            const glm::vec3 offset{coord(rng), coord(rng), coord(rng)};
            const float spread = 5.0f + float(trial) * 60.0f;
            for (int i = 0; i < 40; ++i)
                points.push_back(offset +
                                 glm::vec3(coord(rng), coord(rng), coord(rng)) * (spread / 250.0f));
            for (auto [w, h] : {std::pair{1280, 800}, std::pair{600, 900}}) {
                auto camera = frame_points(points, view, float(w) / float(h), 0.1f);
                ASSERT_TRUE(camera.has_value());
                float min_x = 1e9f, max_x = -1e9f, min_y = 1e9f, max_y = -1e9f;
                for (const auto& p : points) {
                    const ScreenPoint s = project(*camera, w, h, p);
                    ASSERT_TRUE(s.in_front) << view;
                    EXPECT_GE(s.pixel.x, 0.0f) << view;
                    EXPECT_LE(s.pixel.x, float(w)) << view;
                    EXPECT_GE(s.pixel.y, 0.0f) << view;
                    EXPECT_LE(s.pixel.y, float(h)) << view;
                    min_x = std::min(min_x, s.pixel.x);
                    max_x = std::max(max_x, s.pixel.x);
                    min_y = std::min(min_y, s.pixel.y);
                    max_y = std::max(max_y, s.pixel.y);
                }
                // Framing, not just "somewhere inside": a large cluster fills a good part of the
                // image.
                if (spread > 200.0f) {
                    EXPECT_GT(std::max((max_x - min_x) / float(w), (max_y - min_y) / float(h)),
                              0.5f)
                        << view;
                }
            }
        }
    }
}

TEST(Camera, FramingASingleSiteDoesNotZoomToInfinity) {
    const std::vector<glm::vec3> one{{0.0f, 50.0f, 90.0f}};
    auto camera = frame_points(one, "front", 1.6f);
    ASSERT_TRUE(camera.has_value());
    expect_near(camera->target, one[0], 1e-3f);
    // min_extent_mm = 80: about 80 mm visible across the shorter side.
    EXPECT_GT(camera->distance_mm, 100.0f);
    EXPECT_FALSE(frame_points(one, "nowhere", 1.6f).has_value());
}

TEST(Camera, TransitionIsEasedShortAndEndsExactly) {
    Camera from = some_camera();
    Camera to = from;
    to.yaw_deg = -150.0f;
    from.yaw_deg = 170.0f;
    to.distance_mm = 300.0f;
    to.target = {0.0f, 80.0f, 60.0f};
    const CameraTransition move(from, to);
    EXPECT_LT(move.duration(), 0.4f);
    EXPECT_GT(move.duration(), 0.1f);
    expect_near(move.at(0.0f).target, from.target, 1e-4f);
    const Camera end = move.at(move.duration());
    expect_near(end.target, to.target, 1e-4f);
    EXPECT_FLOAT_EQ(end.yaw_deg, to.yaw_deg);
    EXPECT_FLOAT_EQ(end.distance_mm, to.distance_mm);
    EXPECT_TRUE(move.finished(1.0f));
    // Yaw goes the short way round (170 → 180 → -150), never through 0.
    for (int i = 0; i <= 20; ++i) {
        const float yaw = move.at(move.duration() * float(i) / 20.0f).yaw_deg;
        const float wrapped = std::fmod(yaw + 360.0f, 360.0f);
        EXPECT_TRUE(wrapped >= 169.9f && wrapped <= 210.1f) << yaw;
    }
    // Eased: slow at the start, so the first tenth covers well under a tenth of the way.
    const float early = glm::length(move.at(move.duration() * 0.1f).target - from.target);
    EXPECT_LT(early, 0.05f * glm::length(to.target - from.target));
    // Monotone distance.
    float last = from.distance_mm;
    for (int i = 1; i <= 10; ++i) {
        const float d = move.at(move.duration() * float(i) / 10.0f).distance_mm;
        EXPECT_LE(d, last + 1e-3f);
        last = d;
    }
}

TEST(Camera, EaseInOutEndpoints) {
    EXPECT_FLOAT_EQ(ease_in_out(0.0f), 0.0f);
    EXPECT_FLOAT_EQ(ease_in_out(1.0f), 1.0f);
    EXPECT_NEAR(ease_in_out(0.5f), 0.5f, 1e-6f);
    EXPECT_FLOAT_EQ(ease_in_out(-3.0f), 0.0f);
    EXPECT_FLOAT_EQ(ease_in_out(7.0f), 1.0f);
}

TEST(Camera, OrbitZoomPan) {
    Camera c = some_camera();
    const Camera o = orbit(c, 100.0f, 1000.0f);
    EXPECT_LT(o.yaw_deg, c.yaw_deg);
    EXPECT_FLOAT_EQ(o.pitch_deg, 89.0f);
    EXPECT_LT(zoom(c, 1.0f).distance_mm, c.distance_mm);
    EXPECT_GT(zoom(c, -1.0f).distance_mm, c.distance_mm);
    EXPECT_FLOAT_EQ(zoom(c, 1000.0f).distance_mm, 100.0f);
    EXPECT_FLOAT_EQ(zoom(c, -1000.0f).distance_mm, 4000.0f);
    // Panning by (dx, dy) moves a point at the target by (dx, dy) pixels on screen.
    const Camera p = pan(c, 40.0f, -25.0f, 800);
    const ScreenPoint s = project(p, 1280, 800, c.target);
    EXPECT_NEAR(s.pixel.x, 640.0f + 40.0f, 0.5f);
    EXPECT_NEAR(s.pixel.y, 400.0f - 25.0f, 0.5f);
}

TEST(Camera, PixelsPerMillimetre) {
    Camera c;
    c.fov_y_deg = 30.0f;
    const float ppm = pixels_per_mm(c, 800, 900.0f);
    EXPECT_NEAR(ppm, 800.0f / (2.0f * 900.0f * std::tan(15.0f * 3.14159265f / 180.0f)), 1e-3f);
    EXPECT_NEAR(pixels_per_mm(c, 800, 450.0f), 2.0f * ppm, 1e-3f);
}
