#pragma once
// Colour regions of the skin — scalp hair, eyebrows, lips — as soft per-vertex weights, derived
// from the model's landmarks and its skin mesh only (so imported models get them too). The renderer
// blends its region colours over the skin tone with them. docs/model-manifest.md describes how each
// region follows from the landmarks.
#include <vector>

#include <glm/vec4.hpp>

#include "injmap/models/model.hpp"

namespace injmap {

// Components of a Model::skin_paint entry.
struct SkinPaintChannel {
    static constexpr int hair = 0; // scalp above the hairline, 0..1
    static constexpr int brow = 1; // eyebrow, 0..1
    static constexpr int lip = 2;  // vermilion of both lips, 0..1
    // mm across the eyebrow's hairs, constant along each hair (+ up; 0 off the brow): the renderer
    // draws fine strands along its level lines.
    static constexpr int brow_strand = 3;
};

// One entry per skin vertex (model.skin.positions), each (hair, brow, lip, brow_strand). A region
// whose landmarks are missing stays 0: hair needs vertex, frontal_hairline and both tragions; the
// brows brow_medial_* and brow_lateral_*; the lips stomion, labrale_superius, labrale_inferius and
// both cheilions. Empty when the model has no skin.
[[nodiscard]] std::vector<glm::vec4> compute_skin_paint(const Model& model);

} // namespace injmap
