#include "injmap/render/picking.hpp"

#include <glm/geometric.hpp>

#include "injmap/render/camera.hpp"

namespace injmap::render {

PickResult pick(const FrameSnapshot& frame, const ModelQueries& queries, glm::vec2 pixel,
                const OverlayLayout* layout) {
    PickResult result;
    const Ray ray = pixel_ray(frame.camera, frame.width, frame.height, pixel);
    const float max_distance = far_plane(frame.camera);

    if (auto hit = queries.skin().ray_cast(ray.origin, ray.direction, max_distance)) {
        result.hit = true;
        result.point = hit->point;
        result.normal = hit->normal;
        result.distance_mm = hit->distance;
    }

    const Model& model = queries.model();
    if (frame.layers.muscles || frame.layers.xray) {
        float best = max_distance;
        for (std::size_t i = 0; i < model.muscles.size(); ++i)
            if (auto hit = queries.muscle_index(i).ray_cast(ray.origin, ray.direction, best)) {
                best = hit->distance;
                result.muscle = &model.muscles[i];
            }
    }
    if (!result.muscle && result.hit)
        result.muscle = queries.muscle_under(result.point, result.normal);
    if (frame.layers.avoid) {
        float best = max_distance;
        for (std::size_t i = 0; i < model.avoid.size(); ++i)
            if (auto hit = queries.avoid_index(i).ray_cast(ray.origin, ray.direction, best)) {
                best = hit->distance;
                result.avoid = &model.avoid[i];
            }
    }

    OverlayLayout computed;
    if (!layout) {
        computed = layout_overlay(frame, &queries.skin());
        layout = &computed;
    }
    const float slack = 3.0f * layout->metrics.ui_scale;
    float best_px = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < layout->markers.size() && i < frame.markers.size(); ++i) {
        const MarkerScreen& m = layout->markers[i];
        if (!m.visible)
            continue;
        const float d = glm::length(m.centre - pixel);
        if (d <= m.radius_px + slack && d < best_px) {
            best_px = d;
            result.marker = int(i);
        }
    }
    if (result.hit)
        for (std::size_t i = 0; i < frame.markers.size(); ++i) {
            const float d = glm::length(frame.markers[i].position - result.point);
            if (d < result.nearest_marker_mm) {
                result.nearest_marker_mm = d;
                result.nearest_marker = int(i);
            }
        }
    return result;
}

} // namespace injmap::render
