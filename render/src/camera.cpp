#include "injmap/render/camera.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <glm/geometric.hpp>
#include <glm/gtc/matrix_transform.hpp>

namespace injmap::render {

namespace {

constexpr float kPi = 3.14159265358979f;
float radians(float degrees) {
    return degrees * kPi / 180.0f;
}

struct ViewDef {
    std::string_view name;
    float yaw;
    float pitch;
};
// Anatomical views are level; oblique views look slightly down, which reads better for the face.
constexpr std::array kViews = {
    ViewDef{"front", 0.0f, 0.0f},
    ViewDef{"back", 180.0f, 0.0f},
    ViewDef{"left", 90.0f, 0.0f},
    ViewDef{"right", -90.0f, 0.0f},
    ViewDef{"top", 0.0f, 89.0f},
    ViewDef{"oblique-left", 40.0f, 12.0f},
    ViewDef{"oblique-right", -40.0f, 12.0f},
    // Behind and above: the top of the shoulders (trapezius) and the back of the neck at once.
    ViewDef{"back-above", 180.0f, 40.0f},
    // Behind one side, looking slightly down: the back of the neck, the mastoid and the shoulder
    // of that side ("left-back" stands behind the subject's left shoulder).
    ViewDef{"left-back", 130.0f, 15.0f},
    ViewDef{"right-back", -130.0f, 15.0f},
};
constexpr auto kViewNames = [] {
    std::array<std::string_view, kViews.size()> names{};
    for (std::size_t i = 0; i < kViews.size(); ++i)
        names[i] = kViews[i].name;
    return names;
}();

float wrap_degrees(float d) {
    d = std::fmod(d + 180.0f, 360.0f);
    if (d < 0.0f)
        d += 360.0f;
    return d - 180.0f;
}

} // namespace

CameraBasis camera_basis(const Camera& camera) {
    const float yaw = radians(camera.yaw_deg);
    const float pitch = radians(std::clamp(camera.pitch_deg, -89.9f, 89.9f));
    // Direction from the target to the eye.
    const glm::vec3 back{std::sin(yaw) * std::cos(pitch), std::sin(pitch),
                         std::cos(yaw) * std::cos(pitch)};
    CameraBasis basis;
    basis.eye = camera.target + back * camera.distance_mm;
    basis.forward = -back;
    // Exact up vector of the orbit (derivative of `back` by pitch): stays valid looking straight
    // down.
    basis.up = glm::normalize(glm::vec3{-std::sin(yaw) * std::sin(pitch), std::cos(pitch),
                                        -std::cos(yaw) * std::sin(pitch)});
    basis.right = glm::normalize(glm::cross(basis.forward, basis.up));
    return basis;
}

glm::vec3 camera_eye(const Camera& camera) {
    return camera_basis(camera).eye;
}

float near_plane(const Camera& camera) {
    return std::max(camera.distance_mm - 800.0f, camera.distance_mm * 0.05f);
}
float far_plane(const Camera& camera) {
    return camera.distance_mm + 800.0f;
}

glm::mat4 view_matrix(const Camera& camera) {
    const CameraBasis b = camera_basis(camera);
    return glm::lookAt(b.eye, b.eye + b.forward, b.up);
}

glm::mat4 projection_matrix(const Camera& camera, float aspect) {
    return glm::perspective(radians(camera.fov_y_deg), std::max(aspect, 1e-3f), near_plane(camera),
                            far_plane(camera));
}

std::span<const std::string_view> view_names() {
    return kViewNames;
}

bool is_view_name(std::string_view name) {
    return std::any_of(kViews.begin(), kViews.end(),
                       [&](const ViewDef& v) { return v.name == name; });
}

std::optional<Camera> named_view(std::string_view name, const Camera& base) {
    for (const auto& v : kViews)
        if (v.name == name) {
            Camera c = base;
            c.yaw_deg = v.yaw;
            c.pitch_deg = v.pitch;
            return c;
        }
    return std::nullopt;
}

Camera frame_points(std::span<const glm::vec3> points, const Camera& orientation, float aspect,
                    float margin, float min_extent_mm) {
    if (points.empty())
        return orientation;
    const CameraBasis b = camera_basis(orientation);
    constexpr float inf = std::numeric_limits<float>::infinity();
    glm::vec3 lo{inf}, hi{-inf};
    for (const auto& p : points) {
        const glm::vec3 q{glm::dot(p, b.right), glm::dot(p, b.up), glm::dot(p, b.forward)};
        lo = glm::min(lo, q);
        hi = glm::max(hi, q);
    }
    const glm::vec3 centre = (lo + hi) * 0.5f;
    Camera result = orientation;
    result.target = b.right * centre.x + b.up * centre.y + b.forward * centre.z;

    const float keep = std::clamp(1.0f - margin, 0.05f, 1.0f);
    const float tan_y = std::tan(radians(orientation.fov_y_deg) * 0.5f) * keep;
    const float tan_x = tan_y * std::max(aspect, 1e-3f);
    // Eye at target - forward·d: a point at (x, y, z) relative to the target is at depth d + z and
    // fits when |x| <= (d + z)·tan_x and |y| <= (d + z)·tan_y.
    float d = 0.5f * min_extent_mm / std::min(tan_x, tan_y);
    for (const auto& p : points) {
        const glm::vec3 r = p - result.target;
        const float x = std::abs(glm::dot(r, b.right));
        const float y = std::abs(glm::dot(r, b.up));
        const float z = glm::dot(r, b.forward);
        d = std::max(d, x / tan_x - z);
        d = std::max(d, y / tan_y - z);
    }
    // Keep the nearest point well beyond the near plane.
    const float nearest = lo.z - centre.z;
    d = std::max(d, -nearest + 60.0f);
    result.distance_mm = d;
    return result;
}

std::optional<Camera> frame_points(std::span<const glm::vec3> points, std::string_view view,
                                   float aspect, float margin, float min_extent_mm) {
    auto orientation = named_view(view);
    if (!orientation)
        return std::nullopt;
    return frame_points(points, *orientation, aspect, margin, min_extent_mm);
}

Camera interpolate(const Camera& from, const Camera& to, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    Camera c;
    c.target = from.target + (to.target - from.target) * t;
    c.yaw_deg = from.yaw_deg + wrap_degrees(to.yaw_deg - from.yaw_deg) * t;
    c.pitch_deg = from.pitch_deg + (to.pitch_deg - from.pitch_deg) * t;
    c.fov_y_deg = from.fov_y_deg + (to.fov_y_deg - from.fov_y_deg) * t;
    const float d0 = std::max(from.distance_mm, 1e-3f), d1 = std::max(to.distance_mm, 1e-3f);
    c.distance_mm = d0 * std::pow(d1 / d0, t);
    if (t >= 1.0f)
        c.yaw_deg = to.yaw_deg; // end exactly where asked, not at an equivalent angle
    return c;
}

float ease_in_out(float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return t < 0.5f ? 4.0f * t * t * t : 1.0f - std::pow(-2.0f * t + 2.0f, 3.0f) * 0.5f;
}

CameraTransition::CameraTransition(const Camera& from, const Camera& to, float duration_s)
    : from_(from), to_(to), duration_(std::max(duration_s, 0.0f)) {}

Camera CameraTransition::at(float elapsed_s) const {
    if (duration_ <= 0.0f || elapsed_s >= duration_)
        return to_;
    return interpolate(from_, to_, ease_in_out(elapsed_s / duration_));
}

Camera orbit(Camera camera, float dx_px, float dy_px, float degrees_per_px) {
    camera.yaw_deg = wrap_degrees(camera.yaw_deg - dx_px * degrees_per_px);
    camera.pitch_deg = std::clamp(camera.pitch_deg + dy_px * degrees_per_px, -89.0f, 89.0f);
    return camera;
}

Camera zoom(Camera camera, float steps) {
    camera.distance_mm = std::clamp(camera.distance_mm * std::pow(0.9f, steps), 100.0f, 4000.0f);
    return camera;
}

Camera pan(Camera camera, float dx_px, float dy_px, int height_px) {
    const CameraBasis b = camera_basis(camera);
    const float mm_per_px = 1.0f / pixels_per_mm(camera, height_px, camera.distance_mm);
    camera.target += (-b.right * dx_px + b.up * dy_px) * mm_per_px;
    return camera;
}

ScreenPoint project(const Camera& camera, int width, int height, const glm::vec3& point) {
    const glm::mat4 view = view_matrix(camera);
    const glm::mat4 proj = projection_matrix(camera, float(width) / float(std::max(height, 1)));
    const glm::vec4 eye_space = view * glm::vec4(point, 1.0f);
    const glm::vec4 clip = proj * eye_space;
    ScreenPoint s;
    s.view_distance = -eye_space.z;
    s.in_front = s.view_distance > near_plane(camera);
    if (std::abs(clip.w) < 1e-6f)
        return s;
    const glm::vec3 ndc = glm::vec3(clip) / clip.w;
    s.pixel = {(ndc.x * 0.5f + 0.5f) * float(width),
               (1.0f - (ndc.y * 0.5f + 0.5f)) * float(height)};
    s.depth = ndc.z * 0.5f + 0.5f;
    return s;
}

glm::vec3 unproject(const Camera& camera, int width, int height, const glm::vec2& pixel,
                    float depth) {
    const glm::mat4 view = view_matrix(camera);
    const glm::mat4 proj = projection_matrix(camera, float(width) / float(std::max(height, 1)));
    const glm::vec4 ndc{pixel.x / float(width) * 2.0f - 1.0f, 1.0f - pixel.y / float(height) * 2.0f,
                        depth * 2.0f - 1.0f, 1.0f};
    const glm::vec4 p = glm::inverse(proj * view) * ndc;
    return glm::vec3(p) / p.w;
}

Ray pixel_ray(const Camera& camera, int width, int height, const glm::vec2& pixel) {
    const CameraBasis b = camera_basis(camera);
    const float tan_y = std::tan(radians(camera.fov_y_deg) * 0.5f);
    const float aspect = float(width) / float(std::max(height, 1));
    const float x = (pixel.x / float(width) * 2.0f - 1.0f) * tan_y * aspect;
    const float y = (1.0f - pixel.y / float(height) * 2.0f) * tan_y;
    return {b.eye, glm::normalize(b.forward + b.right * x + b.up * y)};
}

float pixels_per_mm(const Camera& camera, int height_px, float distance_mm) {
    const float visible =
        2.0f * std::max(distance_mm, 1e-3f) * std::tan(radians(camera.fov_y_deg) * 0.5f);
    return float(height_px) / visible;
}

} // namespace injmap::render
