#pragma once
// The seven PREEMPT regions of the skin — forehead, between the brows, both temples, back of the
// head, back of the neck, tops of the shoulders — as soft per-vertex weights over the skin above
// their muscles, derived from the model's landmarks and skin mesh only (so an imported model gets
// them too). docs/model-manifest.md ("Injection regions") describes how each follows from the
// landmarks.
#include <string>
#include <vector>

#include "injmap/models/model.hpp"

namespace injmap {

// struct SkinRegion is in model.hpp (Model::regions).

// The regions in a fixed order (forehead, glabella, temple_left, temple_right, occiput, neck,
// shoulders); a region whose landmarks are missing is left out. Empty when the model has no skin
// or no head frame (both tragions and the vertex).
[[nodiscard]] std::vector<SkinRegion> compute_skin_regions(const Model& model);

// The region a protocol muscle id belongs to ("frontalis" → "forehead", "corrugator" and
// "procerus" → "glabella", "temporalis" → "temple_<side>", "occipitalis" → "occiput",
// "cervical_paraspinal" and its members → "neck", "trapezius" → "shoulders"); empty when none.
// `side`: "left" or "right" (only the temples need it).
[[nodiscard]] std::string region_for_muscle(const std::string& muscle, const std::string& side);

} // namespace injmap
