#pragma once
// Anthropometric measurements taken on a model's skin mesh and landmarks, in millimetres, named
// after the ANSUR II measures they imitate (used by `injmap model --json` and the generator's
// tests). A value that cannot be measured (a landmark it needs is missing, or the section is not
// found) is NaN; nlohmann_json writes NaN as null.
#include "injmap/models/model.hpp"

namespace injmap {

struct Measurements {
    // Largest left-right breadth of the cranium above the ears (skin vertices 5 mm or more above
    // the helix tops, or above 30 % of the tragion→vertex height without helix_top landmarks).
    float head_breadth = 0.0f;
    // Distance glabella → opisthocranion.
    float head_length = 0.0f;
    // Height of the vertex above the mean of the two tragions (along +Y, perpendicular to the
    // Frankfort plane in model space).
    float tragion_to_vertex = 0.0f;
    // Girth of the neck just below the larynx, as ANSUR takes it: perpendicular to the neck's long
    // axis. The section plane contains the left-right axis and passes through the front midline
    // 35 % of the way from the menton down to the suprasternal notch and, behind, 20 mm above C7
    // (the neck leans forward, so a horizontal plane there would cut the upper back). Without a
    // c7 landmark the plane is horizontal. The loop around the neck's centre is measured.
    float neck_circumference = 0.0f;
    // Distance acromion_left → acromion_right.
    float biacromial_breadth = 0.0f;
    // Largest left-right breadth across the zygomatic arches: skin vertices in front of the ears
    // (10 mm or more in front of the tragions) within 12 mm of the tragions' height, where the
    // arches run (the Frankfort plane).
    float bizygomatic_breadth = 0.0f;
    // Face height, menton → sellion (the deepest point of the nasal root: injmap's `nasion`).
    float menton_sellion = 0.0f;
};

// Never throws; fields that cannot be measured are NaN.
[[nodiscard]] Measurements measure_model(const Model& model);

} // namespace injmap
