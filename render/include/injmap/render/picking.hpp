#pragma once
// Picking (no GL): from a pixel of the rendered frame to the skin point under it, the muscle there,
// the structure to avoid (Avoid layer) and the markers around it. Uses the snapshot's camera and
// image size, so it answers for exactly what Renderer::draw showed for that snapshot.
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
    const Muscle* muscle = nullptr;
    int marker = -1;         // visible marker whose badge is under the pixel (nearest centre)
    int nearest_marker = -1; // marker nearest to `point` in 3D (only when hit)
    float nearest_marker_mm = std::numeric_limits<float>::infinity();
    // With the Avoid layer on, the first structure to avoid along the ray (drawn on top of the
    // muscles, so it wins over them). nullptr if none or the layer is off.
    const AvoidStructure* avoid = nullptr;
};

// `pixel` in the frame's pixels, top-left origin (a mouse position can be passed as is). `layout`
// is the overlay drawn for this frame (Renderer::last_layout()); when null it is recomputed.
// `queries` must be for frame.model.
[[nodiscard]] PickResult pick(const FrameSnapshot& frame, const ModelQueries& queries,
                              glm::vec2 pixel, const OverlayLayout* layout = nullptr);

} // namespace injmap::render
