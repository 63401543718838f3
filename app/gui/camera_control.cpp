#include "gui/camera_control.hpp"

#include <glm/geometric.hpp>

#include "injmap/models/framing.hpp"
#include "injmap/models/mesh.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {

void CameraMotion::set(const render::Camera& camera) {
    camera_ = camera;
    target_ = camera;
    transition_ = render::CameraTransition();
    start_ = -1.0;
}

void CameraMotion::move_to(const render::Camera& target, double now) {
    target_ = target;
    transition_ = render::CameraTransition(camera_, target);
    start_ = now;
}

bool CameraMotion::moving(double now) const {
    return start_ >= 0.0 && !transition_.finished(static_cast<float>(now - start_));
}

bool CameraMotion::update(double now) {
    if (start_ < 0.0)
        return false;
    const float elapsed = static_cast<float>(now - start_);
    camera_ = transition_.at(elapsed);
    if (transition_.finished(elapsed))
        start_ = -1.0;
    return true;
}

std::vector<glm::vec3> model_corners(const Model& model) {
    return framing_corners(model); // the head and shoulders, not a whole body (framing.hpp)
}

std::optional<render::Camera> frame_model(const Model& model, std::string_view view, float aspect) {
    const auto corners = model_corners(model);
    return render::frame_points(corners, view, aspect, 0.06f);
}

render::Camera frame_points_from(std::span<const glm::vec3> points, std::string_view view,
                                 const render::Camera& current, float aspect) {
    std::optional<render::Camera> framed;
    if (!view.empty())
        framed = render::frame_points(points, view, aspect, 0.22f, 200.0f);
    if (!framed)
        framed = render::frame_points(points, current, aspect, 0.22f, 200.0f);
    return *framed;
}

render::Camera frame_points_oriented(std::span<const glm::vec3> points,
                                     const render::Camera& orientation, float aspect) {
    return render::frame_points(points, orientation, aspect, 0.22f, 200.0f);
}

glm::vec3 head_centre(const Model& model) {
    const auto nasion = model.landmarks.find("nasion");
    const auto inion = model.landmarks.find("inion");
    if (nasion != model.landmarks.end() && inion != model.landmarks.end())
        return (nasion->second + inion->second) * 0.5f;
    const Bounds b = bounds_of(model.skin);
    return (b.min + b.max) * 0.5f;
}

std::vector<glm::vec3> head_points(const Model& model) {
    std::vector<glm::vec3> points;
    for (const char* name : {"vertex", "nasion", "inion", "c7"})
        if (const auto it = model.landmarks.find(name); it != model.landmarks.end())
            points.push_back(it->second);
    return points;
}

render::Camera orbit_about(const render::Camera& camera, const glm::vec3& pivot, float dx_px,
                           float dy_px) {
    const render::CameraBasis before = render::camera_basis(camera);
    render::Camera turned = render::orbit(camera, dx_px, dy_px);
    const render::CameraBasis after = render::camera_basis(turned);
    // The target's offset from the pivot in the camera's frame stays the same.
    const glm::vec3 r = camera.target - pivot;
    turned.target = pivot + after.right * glm::dot(r, before.right) +
                    after.up * glm::dot(r, before.up) + after.forward * glm::dot(r, before.forward);
    return turned;
}

ViewMouseResult ViewDrag::update(const ViewMouse& mouse, const render::Camera& camera,
                                 glm::vec2 framebuffer_scale, int view_height_px,
                                 std::optional<glm::vec3> pivot) {
    ViewMouseResult out;
    for (int button = 0; button < 3; ++button) {
        if (mouse.clicked[button] && mouse.over_view && button_ < 0) {
            button_ = button;
            start_ = mouse.position;
            dragging_ = false;
        }
    }
    if (button_ >= 0) {
        const int b = button_;
        if (mouse.down[b]) {
            if (glm::length(mouse.position - start_) > kClickSlopPx)
                dragging_ = true;
            if (dragging_ && (mouse.delta.x != 0.0f || mouse.delta.y != 0.0f)) {
                const bool pan = b != 0 || mouse.shift;
                out.camera = pan     ? render::pan(camera, mouse.delta.x * framebuffer_scale.x,
                                                   mouse.delta.y * framebuffer_scale.y, view_height_px)
                             : pivot ? orbit_about(camera, *pivot, mouse.delta.x, mouse.delta.y)
                                     : render::orbit(camera, mouse.delta.x, mouse.delta.y);
            }
        } else {
            if (!dragging_ && b == 0)
                out.click = start_;
            button_ = -1;
            dragging_ = false;
            out.released = true;
        }
    }
    if (mouse.over_view && mouse.wheel != 0.0f)
        out.camera = render::zoom(out.camera.value_or(camera), mouse.wheel);
    return out;
}

} // namespace injmap::gui
