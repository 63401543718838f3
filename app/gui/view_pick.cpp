#include "gui/view_pick.hpp"

#include <algorithm>
#include <limits>

#include <glm/geometric.hpp>

#include "injmap/render/camera.hpp"
#include "injmap/render/picking.hpp"

namespace injmap::gui {

std::optional<std::size_t> marker_at(const render::OverlayLayout& layout, glm::vec2 pixel) {
    std::optional<std::size_t> found;
    float best = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < layout.markers.size(); ++i) {
        const auto& m = layout.markers[i];
        if (!m.visible)
            continue;
        const float d = glm::length(m.centre - pixel);
        if (d <= std::max(m.radius_px * 1.4f, 8.0f) && d < best) {
            best = d;
            found = i;
        }
    }
    return found;
}

std::optional<PickHit> pick_in_frame(const render::FrameSnapshot& frame,
                                     const ModelQueries& queries, glm::vec2 pixel) {
    PickHit hit;
    // A marker badge under the mouse wins over the skin behind it.
    if (!frame.markers.empty()) {
        render::OverlayLayout layout = render::layout_overlay(frame, &queries.skin());
        // The last visit's ghosts are shown, not clicked: a click there is on the skin (e.g.
        // injecting elsewhere where the site was given last time).
        for (std::size_t i = 0; i < frame.markers.size() && i < layout.markers.size(); ++i)
            if (frame.markers[i].state == render::MarkerState::ghost)
                layout.markers[i].visible = false;
        hit.marker = marker_at(layout, pixel);
    }
    const render::Ray ray = render::pixel_ray(frame.camera, frame.width, frame.height, pixel);
    const Model& model = queries.model();
    if (frame.layers.avoid) {
        // Drawn on top of everything under the skin: the first one along the ray.
        float nearest = std::numeric_limits<float>::infinity();
        for (std::size_t i = 0; i < model.avoid.size(); ++i)
            if (auto a = queries.avoid_index(i).ray_cast(ray.origin, ray.direction, nearest)) {
                nearest = a->distance;
                hit.avoid = &model.avoid[i];
            }
    }
    const auto surface = queries.skin().ray_cast(ray.origin, ray.direction);
    if (!surface && !hit.marker)
        return std::nullopt;
    if (surface) {
        hit.point = surface->point;
        hit.normal = surface->normal;
        hit.muscle = queries.muscle_under(surface->point, surface->normal);
        hit.region = render::region_under(frame, model, surface->triangle, surface->point);
    }
    return hit;
}

} // namespace injmap::gui
