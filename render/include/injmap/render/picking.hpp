#pragma once
// Picking (no GL): from a pixel of the rendered frame to the skin point under it, the muscle there,
// the structure to avoid (Avoid layer) and the markers around it. Uses the snapshot's camera and
// image size, so it answers for exactly what Renderer::draw showed for that snapshot.
#include <cstdint>
#include <limits>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/surface_index.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::render {

struct PickResult {
    bool hit = false;         // the ray met the skin
    glm::vec3 point{0.0f};    // skin point (model space, mm)
    glm::vec3 normal{0.0f};   // outward skin normal there
    float distance_mm = 0.0f; // from the eye
    // With muscles shown (muscles or x-ray layer) the first muscle surface along the ray; otherwise
    // (or when the ray misses every muscle) the muscle under the skin point. nullptr if none.
    // Muscles in frame.hidden_muscles are never picked.
    const Muscle* muscle = nullptr;
    // With the bones layer on and the bones seen (alone, under x-ray skin, or under the skin shown
    // with muscles), the first bone surface along the ray; nullptr otherwise or if none.
    const Bone* bone = nullptr;
    // The bone is what the pixel shows: it lies in front of every shown muscle the ray meets (or
    // no muscle is shown there).
    bool bone_in_front = false;
    int marker = -1;         // visible marker whose badge is under the pixel (nearest centre)
    int nearest_marker = -1; // marker nearest to `point` in 3D (only when hit)
    float nearest_marker_mm = std::numeric_limits<float>::infinity();
    // With regions shown (FrameSnapshot::regions, Layers::regions) the one under the skin point:
    // the largest weight, at least 0.5, among the hit triangle's corners. nullptr if none.
    const SkinRegion* region = nullptr;
    // With the Avoid layer on, the first structure to avoid along the ray (drawn on top of the
    // muscles, so it wins over them). nullptr if none or the layer is off.
    const AvoidStructure* avoid = nullptr;
};

// The region shown in `frame` (FrameSnapshot::regions, with Layers::regions on) at `point` on skin
// triangle `triangle` of `model`: the largest weight, at least 0.5, at the triangle's corner
// nearest the point. nullptr if none.
[[nodiscard]] const SkinRegion* region_under(const FrameSnapshot& frame, const Model& model,
                                             std::uint32_t triangle, const glm::vec3& point);

// `pixel` in the frame's pixels, top-left origin (a mouse position can be passed as is). `layout`
// is the overlay drawn for this frame (Renderer::last_layout()); when null it is recomputed.
// `queries` must be for frame.model.
[[nodiscard]] PickResult pick(const FrameSnapshot& frame, const ModelQueries& queries,
                              glm::vec2 pixel, const OverlayLayout* layout = nullptr);

} // namespace injmap::render
