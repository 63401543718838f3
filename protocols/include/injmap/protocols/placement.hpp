#pragma once
// Anatomical placement: landmark (or a fraction t between two landmarks) + offsets in mm in the
// local anatomical frame (up = +Y, lateral = towards the site's own side, forward = +Z), then
// projected onto the skin along the anchor's normal line (the outermost skin surface on it, near
// the point), or to the closest skin point when that line misses the skin. The same protocol thus
// places on any model that carries the landmarks. Each site records how far, and which way, the
// projection moved it.
//
// Rule ids: placement.unknown-landmark (with a "did you mean"; the site stays unplaced),
// placement.off-skin, placement.moved (warning: moved more than kPlacementMovedWarnMm).
#include <cstddef>
#include <string>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

struct PlacedSite {
    const Site* site = nullptr;
    glm::vec3 position{0.0f};           // on the skin, model space (mm)
    glm::vec3 normal{0.0f};             // outward skin normal there
    glm::vec3 needle_direction{0.0f};   // unit, pointing into the body
    const Muscle* muscle_hit = nullptr; // the muscle under the site on this model, if any
    bool placed = false;
    // The point the landmarks and offsets give before projection, and how projection moved it
    // (moved = position - target). along_normal: projected along the anchor's normal line; false
    // when it fell back to the closest skin point.
    glm::vec3 target{0.0f};
    glm::vec3 moved{0.0f};
    float moved_mm = 0.0f;
    bool along_normal = false;
};

struct PlacedProtocol {
    std::vector<PlacedSite> sites; // parallel to protocol.sites()
    [[nodiscard]] std::size_t placed_count() const;
};

// Projection moving a site further than this (mm) is a placement.moved warning: the offsets do not
// follow this model's surface, so the site is not where its numbers say.
inline constexpr float kPlacementMovedWarnMm = 35.0f;

// Which way a placed site was moved, in the subject's words: the components of `moved` of at least
// a quarter of its length, largest first — "up", "down", "forward", "back", and "medial"/"lateral"
// for a sided site ("left"/"right", the subject's, for a midline one), e.g. "back, up". "none"
// under 0.05 mm.
[[nodiscard]] std::string moved_direction(const PlacedSite& placed);

[[nodiscard]] Result<PlacedProtocol> place_protocol(const Protocol& protocol,
                                                    const ModelQueries& model);

// The sites that could not be placed, as lines for a map's corner: "Not placed on
// makehuman-hm08 (2 of 31 sites):" then their ids, wrapped at about 70 characters. Empty when all
// are placed.
[[nodiscard]] std::vector<std::string>
unplaced_notes(const std::string& model_id, const Protocol& protocol, const PlacedProtocol& placed);

// The landmark name a placement uses for a site on `side` ("brow_medial" → "brow_medial_left").
[[nodiscard]] std::string resolve_landmark_name(const Model& model, const std::string& name,
                                                Side side);

} // namespace injmap
