// App: the 3D view — the camera (camera_control.hpp), the mouse on the view (drags, clicks that
// pick in the current snapshot, view_pick.hpp) and the name under the mouse (hover_text.hpp).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gui/app.hpp"
#include "gui/hover_text.hpp"
#include "gui/mode.hpp"
#include "injmap/render/picking.hpp"

namespace injmap::gui {

void App::set_camera(const render::Camera& camera) {
    camera_.set(camera);
    request_frames(1);
}

void App::move_camera(const render::Camera& target) {
    camera_.move_to(target, now());
    request_frames(2);
}

bool App::camera_moving() const {
    return camera_.moving(now());
}

void App::update_camera() {
    if (camera_.update(now()))
        request_frames(1);
}

float App::viewport_aspect() const {
    return viewport_.w > 1 && viewport_.h > 1
               ? viewport_.w / viewport_.h
               : float(options_.width) / float(std::max(1, options_.height));
}

void App::show_view(std::string_view view_name) {
    const ModelQueries* scene = mode_ ? mode_->scene(*this) : nullptr;
    const Model* shown = scene ? &scene->model() : model(); // the model on screen
    if (!shown)
        return;
    if (const auto framed = frame_model(*shown, view_name, viewport_aspect()))
        move_camera(*framed);
}

void App::frame_points(std::span<const glm::vec3> points, std::string_view view_name) {
    if (points.empty())
        return;
    move_camera(frame_points_from(points, view_name, camera_.target(), viewport_aspect()));
}

void App::frame_points(std::span<const glm::vec3> points, const render::Camera& orientation) {
    if (points.empty())
        return;
    move_camera(frame_points_oriented(points, orientation, viewport_aspect()));
}

glm::vec2 App::framebuffer_scale() const {
    const ImGuiIO& io = ImGui::GetIO();
    return {io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f,
            io.DisplayFramebufferScale.y > 0 ? io.DisplayFramebufferScale.y : 1.0f};
}

glm::ivec2 App::viewport_pixels() const {
    const glm::vec2 s = framebuffer_scale();
    return {std::max(16, int(std::lround(viewport_.w * s.x))),
            std::max(16, int(std::lround(viewport_.h * s.y)))};
}

std::optional<PickHit> App::pick(glm::vec2 window_px) const {
    if (!mode_ || !viewport_.contains(window_px))
        return std::nullopt;
    const ModelQueries* scene = mode_->scene(*this);
    const ModelQueries* q = scene ? scene : queries();
    if (!q)
        return std::nullopt;
    const glm::vec2 local = (window_px - glm::vec2(viewport_.x, viewport_.y)) * framebuffer_scale();
    return pick_in_frame(build_snapshot(), *q, local);
}

std::optional<glm::vec2> App::to_window(const glm::vec3& point) const {
    const glm::ivec2 size = viewport_pixels();
    const render::ScreenPoint sp = render::project(camera_.camera(), size.x, size.y, point);
    if (!sp.in_front)
        return std::nullopt;
    return glm::vec2(viewport_.x, viewport_.y) + sp.pixel / framebuffer_scale();
}

// Mouse on the 3D view: left drag orbits, right or middle drag (or shift + left) pans, the wheel
// zooms, a click without dragging goes to the mode.
void App::handle_viewport_input() {
    ImGuiIO& io = ImGui::GetIO();
    ViewMouse mouse;
    mouse.position = {io.MousePos.x, io.MousePos.y};
    mouse.delta = {io.MouseDelta.x, io.MouseDelta.y};
    mouse.over_view = viewport_.contains(mouse.position) && !io.WantCaptureMouse &&
                      !ImGui::IsWindowHovered(ImGuiHoveredFlags_AnyWindow);
    for (int button = 0; button < 3; ++button) {
        mouse.clicked[button] = ImGui::IsMouseClicked(button);
        mouse.down[button] = ImGui::IsMouseDown(button);
    }
    mouse.shift = io.KeyShift;
    mouse.wheel = io.MouseWheel;
    if (trace_ && mouse.clicked[0])
        std::fprintf(stderr, "trace: mouse down at %.1f,%.1f over_view=%d capture=%d\n",
                     mouse.position.x, mouse.position.y, int(mouse.over_view),
                     int(io.WantCaptureMouse));
    // The mouse turns the model around the head's centre, wherever the camera was framed.
    std::optional<glm::vec3> pivot;
    if (const ModelQueries* scene = mode_->scene(*this))
        pivot = head_centre(scene->model());
    else if (model())
        pivot = head_centre(*model());
    // A drag the mode takes (a marker moved) instead of turning the view.
    if (mode_drag_) {
        if (mouse.down[0]) {
            mode_->drag(*this, mouse.position);
        } else {
            mode_drag_ = false;
            mode_->end_drag(*this);
        }
        request_frames(1);
        return;
    }
    if (mouse.clicked[0] && mouse.over_view && !mouse.shift &&
        mode_->begin_drag(*this, mouse.position)) {
        mode_drag_ = true;
        request_frames(1);
        return;
    }
    const ViewMouseResult result =
        view_drag_.update(mouse, camera_.camera(), framebuffer_scale(), viewport_pixels().y, pivot);
    if (result.camera)
        set_camera(*result.camera);
    if (result.click) {
        const auto hit = pick(*result.click);
        if (trace_) {
            const std::string muscle = hit && hit->muscle ? hit->muscle->key() : std::string();
            std::fprintf(stderr, "trace: pick at %.1f,%.1f: %s%s%s\n", result.click->x,
                         result.click->y, hit ? "hit" : "miss", muscle.empty() ? "" : " ",
                         muscle.c_str());
        }
        if (hit)
            mode_->on_pick(*this, *hit);
    }
    if (result.released)
        request_frames(1);
    // Scripted runs (tests, screenshots) show it only after a hover-landmark action.
    show_hover_name(mouse.over_view && !view_drag_.active() && (!scripted() || script_.hovering()),
                    mouse.position);
}

// The name of the muscle or bone under the mouse as a tooltip, picked in the scene last drawn
// (what is on screen); picked again only when the mouse or the scene changed.
void App::show_hover_name(bool over_view, glm::vec2 mouse) {
    if (!over_view || !queries() || !last_scene_ || last_scene_->model != &queries()->model())
        return;
    const glm::vec2 local = (mouse - glm::vec2(viewport_.x, viewport_.y)) * framebuffer_scale();
    const bool new_scene = !hover_scene_ || !render::same_picture(*hover_scene_, *last_scene_);
    if (local != hover_pixel_ || new_scene) {
        if (new_scene) {
            hover_scene_ = last_scene_;
            hover_layout_ = render::layout_overlay(*hover_scene_, &queries()->skin());
        }
        hover_pixel_ = local;
        const render::PickResult pick =
            render::pick(*hover_scene_, *queries(), local, &hover_layout_);
        hover_text_.clear();
        if (pick.marker >= 0 &&
            static_cast<std::size_t>(pick.marker) < hover_scene_->markers.size())
            hover_text_ = mode_->marker_hover(
                hover_scene_->markers[static_cast<std::size_t>(pick.marker)].id);
        if (hover_text_.empty())
            hover_text_ = hover_text(pick);
        if (trace_)
            std::fprintf(stderr, "trace: hover at %.1f,%.1f: %s\n", mouse.x, mouse.y,
                         hover_text_.empty() ? "(nothing)" : hover_text_.c_str());
    }
    if (!hover_text_.empty())
        ImGui::SetTooltip("%s", hover_text_.c_str());
}

} // namespace injmap::gui
