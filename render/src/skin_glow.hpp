#pragma once
// Which muscles lie under each skin vertex (private to injmap_render), for the patient-mode glow:
// up to four muscles per vertex with a closeness weight (1 within `full_mm`, fading to 0 at
// `radius_mm`). Computed on the CPU once per model, from a spatial hash of decimated muscle
// vertices.
#include <vector>

#include <glm/vec4.hpp>

#include "injmap/models/model.hpp"

namespace injmap::render {

struct SkinGlow {
    std::vector<glm::vec4> ids;     // muscle indices (as floats); unused slots have weight 0
    std::vector<glm::vec4> weights; // parallel to ids, per skin vertex
};

[[nodiscard]] SkinGlow compute_skin_glow(const Model& model, float full_mm = 10.0f,
                                         float radius_mm = 28.0f);

} // namespace injmap::render
