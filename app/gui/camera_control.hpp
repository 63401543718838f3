#pragma once
// The window's camera: where it is, smooth moves to where a mode or view wants it, framing the
// model or a set of points, and the mouse on the 3D view (left drag orbits, right or middle drag —
// or shift + left — pans, the wheel zooms, a left click without dragging picks). No ImGui and no
// clock: App (app_view.cpp) passes the time and copies the mouse state from ImGui; tests drive it
// directly.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {

// A mouse press that moves less than this (window pixels) before release is a click.
inline constexpr float kClickSlopPx = 5.0f;

class CameraMotion {
public:
    [[nodiscard]] const render::Camera& camera() const { return camera_; }
    // Where the camera is going (or is).
    [[nodiscard]] const render::Camera& target() const { return target_; }
    void set(const render::Camera& camera); // immediate
    void move_to(const render::Camera& target, double now);
    [[nodiscard]] bool moving(double now) const;
    // Advances a move to `now`; true while a move was under way (the window draws another frame).
    bool update(double now);

private:
    render::Camera camera_;
    render::Camera target_;
    render::CameraTransition transition_;
    double start_ = -1.0; // < 0: not moving
};

// Eight corners of the head-and-shoulders box (models/framing.hpp: the landmarks' box with a
// margin, or the skin's box without enough landmarks): what "the whole model" frames.
[[nodiscard]] std::vector<glm::vec3> model_corners(const Model& model);
// The whole model from a named view; nullopt for an unknown view name.
[[nodiscard]] std::optional<render::Camera> frame_model(const Model& model, std::string_view view,
                                                        float aspect);
// `points` from a named view, or (empty or unknown name) from the orientation of `current`.
[[nodiscard]] render::Camera frame_points_from(std::span<const glm::vec3> points,
                                               std::string_view view, const render::Camera& current,
                                               float aspect);
// `points` from the yaw, pitch and field of view of `orientation`.
[[nodiscard]] render::Camera frame_points_oriented(std::span<const glm::vec3> points,
                                                   const render::Camera& orientation, float aspect);

// The head's centre: halfway between nasion and inion (the skull's front and back on the midline),
// or the skin's bounding-box centre when the model lacks them. The mouse orbits around it.
[[nodiscard]] glm::vec3 head_centre(const Model& model);
// The head and neck's outline points (vertex, nasion, inion, c7 where present): framed together
// with a step's sites, the whole head stays in view.
[[nodiscard]] std::vector<glm::vec3> head_points(const Model& model);
// Turns the camera by a mouse drag (render::orbit's yaw and pitch change) around `pivot` instead of
// the camera's target: the eye and target turn rigidly about the pivot, so the pivot keeps its
// place in the image and a head framed off-centre turns in place rather than swinging out.
[[nodiscard]] render::Camera orbit_about(const render::Camera& camera, const glm::vec3& pivot,
                                         float dx_px, float dy_px);

// The mouse as the 3D view sees it this frame (window pixels).
struct ViewMouse {
    glm::vec2 position{0.0f};
    glm::vec2 delta{0.0f};
    bool over_view = false;                  // over the 3D view and not over a panel
    bool clicked[3] = {false, false, false}; // pressed this frame: left, right, middle
    bool down[3] = {false, false, false};
    bool shift = false;
    float wheel = 0.0f;
};

struct ViewMouseResult {
    std::optional<render::Camera> camera; // the camera moved by a drag or the wheel
    std::optional<glm::vec2> click;       // a left click (press position) to pick at
    bool released = false;                // a button went up (the window redraws)
};

// Drags on the 3D view: a press over the view starts one; it becomes a drag once the mouse moves
// more than kClickSlopPx from the press; a left press released before that is a click.
class ViewDrag {
public:
    // `framebuffer_scale`: framebuffer pixels per window unit; `view_height_px`: the 3D image
    // height in framebuffer pixels (pan speed).
    // `pivot`: what a left drag orbits around (nullopt: the camera's target).
    ViewMouseResult update(const ViewMouse& mouse, const render::Camera& camera,
                           glm::vec2 framebuffer_scale, int view_height_px,
                           std::optional<glm::vec3> pivot = std::nullopt);
    [[nodiscard]] bool active() const { return button_ >= 0; } // a button is held
    [[nodiscard]] bool dragging() const { return dragging_; }

private:
    glm::vec2 start_{0.0f};
    bool dragging_ = false;
    int button_ = -1;
};

} // namespace injmap::gui
