#include "injmap/render/picking.hpp"

#include <set>
#include <string>

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
    // Hidden muscles (ids, group keys or "<id>_<side>" keys, as the renderer reads them).
    std::set<std::string> hidden_ids, hidden_keys;
    for (const auto& k : frame.hidden_muscles) {
        for (auto& id : model.expand_muscle_key(k))
            hidden_ids.insert(id);
        hidden_keys.insert(k);
    }
    auto hidden = [&](const Muscle& m) {
        return hidden_ids.count(m.id) > 0 || hidden_keys.count(m.key()) > 0;
    };
    const bool muscles_shown = frame.layers.muscles || frame.layers.xray;
    float muscle_distance = max_distance;
    if (muscles_shown) {
        for (std::size_t i = 0; i < model.muscles.size(); ++i) {
            if (hidden(model.muscles[i]))
                continue;
            if (auto hit =
                    queries.muscle_index(i).ray_cast(ray.origin, ray.direction, muscle_distance)) {
                muscle_distance = hit->distance;
                result.muscle = &model.muscles[i];
            }
        }
    }
    if (!result.muscle && result.hit) {
        result.muscle = queries.muscle_under(result.point, result.normal);
        if (result.muscle && hidden(*result.muscle))
            result.muscle = nullptr;
    }
    // Bones are seen alone, through the x-ray skin or through the skin shown with muscles (the
    // renderer's layers); under opaque skin they are not.
    const bool bones_seen =
        frame.layers.bones && (!frame.layers.skin || frame.layers.xray || frame.layers.muscles);
    if (bones_seen) {
        float best = max_distance;
        for (std::size_t i = 0; i < model.bones.size(); ++i)
            if (auto hit = queries.bone_index(i).ray_cast(ray.origin, ray.direction, best)) {
                best = hit->distance;
                result.bone = &model.bones[i];
            }
        result.bone_in_front =
            result.bone && (!muscles_shown || !result.muscle || best < muscle_distance);
    }
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
