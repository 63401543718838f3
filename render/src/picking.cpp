#include "injmap/render/picking.hpp"

#include <glm/geometric.hpp>

#include "injmap/render/camera.hpp"

namespace injmap::render {

const SkinRegion* region_under(const FrameSnapshot& frame, const Model& model,
                               std::uint32_t triangle, const glm::vec3& point) {
    const std::size_t t = std::size_t(triangle) * 3;
    if (!frame.layers.regions || frame.regions.empty() || t + 2 >= model.skin.indices.size())
        return nullptr;
    // The corner nearest the point decides (triangles are small against a region's 10 mm border).
    std::uint32_t corner = model.skin.indices[t];
    float corner_d = glm::distance(model.skin.positions[corner], point);
    for (std::size_t c = 1; c < 3; ++c) {
        const std::uint32_t v = model.skin.indices[t + c];
        const float d = glm::distance(model.skin.positions[v], point);
        if (d < corner_d) {
            corner_d = d;
            corner = v;
        }
    }
    const SkinRegion* best = nullptr;
    float best_w = 0.5f;
    for (const auto& shown : frame.regions) {
        const SkinRegion* r = model.find_region(shown.id);
        if (!r || shown.strength <= 0.0f || corner >= r->weight.size())
            continue;
        if (r->weight[corner] >= best_w) {
            best_w = r->weight[corner];
            best = r;
        }
    }
    return best;
}

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
        result.region = region_under(frame, queries.model(), hit->triangle, hit->point);
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
