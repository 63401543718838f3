#pragma once
// Anatomical placement: landmark (or a fraction t between two landmarks) + offsets in mm in the
// local anatomical frame (up = +Y, lateral = towards the site's own side, forward = +Z), then
// projected onto the skin (closest point). The same protocol thus places on any model that carries
// the landmarks.
//
// Rule ids: placement.unknown-landmark (with a "did you mean"), placement.off-skin.
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
};

struct PlacedProtocol {
    std::vector<PlacedSite> sites; // parallel to protocol.sites()
};

[[nodiscard]] Result<PlacedProtocol> place_protocol(const Protocol& protocol,
                                                    const ModelQueries& model);

// The landmark name a placement uses for a site on `side` ("brow_medial" → "brow_medial_left").
[[nodiscard]] std::string resolve_landmark_name(const Model& model, const std::string& name,
                                                Side side);

} // namespace injmap
