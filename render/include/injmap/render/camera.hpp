#pragma once
// Camera math for the orbit camera of FrameSnapshot (no GL): view and projection matrices, the
// named views, framing a set of points, smooth eased moves, mouse orbit/zoom/pan, and projecting
// between model space and pixels.
//
// Conventions: model space in mm, +Y up, +Z the face, +X the subject's left. yaw 0 puts the camera
// on +Z looking at the face; yaw +90 puts it on +X (looking at the subject's LEFT side). Pixels
// have their origin at the top-left corner of the image, +y down; pixel (i, j) covers [i, i+1) ×
// [j, j+1), so its centre is (i + 0.5, j + 0.5).
#include <optional>
#include <span>
#include <string_view>

#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "injmap/render/frame.hpp"

namespace injmap::render {

// Orthonormal camera frame. forward points from the eye to the target.
struct CameraBasis {
    glm::vec3 eye{0.0f};
    glm::vec3 forward{0.0f, 0.0f, -1.0f};
    glm::vec3 right{1.0f, 0.0f, 0.0f};
    glm::vec3 up{0.0f, 1.0f, 0.0f};
};
[[nodiscard]] CameraBasis camera_basis(const Camera& camera);
[[nodiscard]] glm::vec3 camera_eye(const Camera& camera);

// Near/far planes follow the orbit distance so depth precision stays good at every zoom.
[[nodiscard]] float near_plane(const Camera& camera);
[[nodiscard]] float far_plane(const Camera& camera);
[[nodiscard]] glm::mat4 view_matrix(const Camera& camera);
[[nodiscard]] glm::mat4 projection_matrix(const Camera& camera,
                                          float aspect); // aspect = width / height

// Named views: front, back, left, right, top, oblique-left, oblique-right, back-above, left-back,
// right-back ("left" shows the subject's left side; "left-back" looks from behind the subject's
// left shoulder; "back-above" from behind and above, for the top of the shoulders). named_view()
// sets only yaw and pitch on a copy of `base`.
[[nodiscard]] std::span<const std::string_view> view_names();
[[nodiscard]] bool is_view_name(std::string_view name);
[[nodiscard]] std::optional<Camera> named_view(std::string_view name, const Camera& base = {});

// A camera with `orientation`'s yaw, pitch and field of view whose target and distance make every
// point visible in a width/height = aspect image, `margin` (fraction of the half-size) kept free at
// the edges. Fewer than one point returns `orientation` unchanged. Clusters smaller than
// min_extent_mm across are framed as if they were that large, so a single site is not filled edge
// to edge.
[[nodiscard]] Camera frame_points(std::span<const glm::vec3> points, const Camera& orientation,
                                  float aspect, float margin = 0.1f, float min_extent_mm = 80.0f);
// The same from a named view; nullopt for an unknown view name.
[[nodiscard]] std::optional<Camera> frame_points(std::span<const glm::vec3> points,
                                                 std::string_view view, float aspect,
                                                 float margin = 0.1f, float min_extent_mm = 80.0f);

// Straight interpolation (t in 0..1): target linearly, yaw along the shorter arc, pitch and field
// of view linearly, distance geometrically (so zooming feels even).
[[nodiscard]] Camera interpolate(const Camera& from, const Camera& to, float t);
// Cubic ease-in-out on 0..1 (clamped).
[[nodiscard]] float ease_in_out(float t);

// A smooth "frame these sites" move: eased interpolation over `duration_s` (default 0.35 s; the
// contract is < 0.4 s). at() clamps elapsed time, so it returns `to` once finished.
class CameraTransition {
public:
    CameraTransition() = default; // already finished, at() returns a default Camera
    CameraTransition(const Camera& from, const Camera& to, float duration_s = 0.35f);
    [[nodiscard]] Camera at(float elapsed_s) const;
    [[nodiscard]] bool finished(float elapsed_s) const { return elapsed_s >= duration_; }
    [[nodiscard]] float duration() const { return duration_; }
    [[nodiscard]] const Camera& target() const { return to_; }

private:
    Camera from_;
    Camera to_;
    float duration_ = 0.0f;
};

// Mouse interaction. orbit: the model follows the mouse (dragging right turns it to the viewer's
// right, i.e. yaw decreases; dragging down tips its top towards the viewer, i.e. the camera rises).
// Pitch is clamped to ±89°.
[[nodiscard]] Camera orbit(Camera camera, float dx_px, float dy_px, float degrees_per_px = 0.35f);
// steps > 0 zooms in (each step 10 %); distance clamped to [100, 4000] mm.
[[nodiscard]] Camera zoom(Camera camera, float steps);
// Moves the target so the model follows the mouse in an image `height_px` tall.
[[nodiscard]] Camera pan(Camera camera, float dx_px, float dy_px, int height_px);

struct ScreenPoint {
    glm::vec2 pixel{0.0f};      // top-left origin
    float depth = 1.0f;         // window depth in 0..1 (GL convention)
    float view_distance = 0.0f; // along the view direction, mm (negative = behind the camera)
    bool in_front = false;      // in front of the near plane
};
[[nodiscard]] ScreenPoint project(const Camera& camera, int width, int height,
                                  const glm::vec3& point);
// The model-space point at `pixel` and window depth `depth` (0 = near plane, 1 = far plane).
[[nodiscard]] glm::vec3 unproject(const Camera& camera, int width, int height,
                                  const glm::vec2& pixel, float depth);

struct Ray {
    glm::vec3 origin{0.0f};
    glm::vec3 direction{0.0f, 0.0f, -1.0f}; // unit
};
// The ray from the eye through a pixel position (use i + 0.5 for the centre of pixel i).
[[nodiscard]] Ray pixel_ray(const Camera& camera, int width, int height, const glm::vec2& pixel);
// How many pixels one millimetre spans at `distance_mm` from the eye, in an image `height_px` tall.
[[nodiscard]] float pixels_per_mm(const Camera& camera, int height_px, float distance_mm);

} // namespace injmap::render
