#pragma once
// Clicks on the 3D view: from a pixel of a frame snapshot to the skin point, the muscle under it,
// the marker badge, the injection region and (Avoid layer) the structure to avoid there. Picks in
// the snapshot alone — the markers where render::layout_overlay puts them, as the renderer draws
// them — so it needs no renderer, no GL and no ImGui.
#include <cstddef>
#include <optional>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::gui {

// A hit on the skin under the mouse.
struct PickHit {
    glm::vec3 point{0.0f};
    glm::vec3 normal{0.0f};
    const Muscle* muscle = nullptr;        // the muscle under the skin there, if any
    std::optional<std::size_t> marker;     // index into the snapshot's markers, if a badge was hit
    const SkinRegion* region = nullptr;    // the injection region shown there, if any
    const AvoidStructure* avoid = nullptr; // Avoid layer on: the structure under the mouse, if any
};

// The visible marker whose badge is under `pixel` (nearest centre; a badge is generously sized for
// the mouse: 1.4 times its radius, at least 8 pixels), if any.
[[nodiscard]] std::optional<std::size_t> marker_at(const render::OverlayLayout& layout,
                                                   glm::vec2 pixel);

// `pixel` in the snapshot's image (frame.width × frame.height, top-left origin). `queries` must be
// for frame.model. nullopt when the pixel shows neither skin nor a marker badge.
[[nodiscard]] std::optional<PickHit> pick_in_frame(const render::FrameSnapshot& frame,
                                                   const ModelQueries& queries, glm::vec2 pixel);

} // namespace injmap::gui
