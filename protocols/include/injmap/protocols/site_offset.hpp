#pragma once
// How far and which way a site was moved: a protocol site injected elsewhere than planned
// (Session::inject_elsewhere), described in the anatomical terms a clinician charts it in.
#include <string>

#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"

namespace injmap {

struct SiteOffset {
    glm::vec3 delta_mm{
        0.0f}; // actual − planned, model space (+X the subject's left, +Y up, +Z face)
    float distance_mm = 0.0f;
    // Whole millimetres along each anatomical axis that moved at least 1 mm, largest first:
    // "12 mm up, 4 mm lateral". Up/down, forward/back; for a sided site lateral/medial (away from
    // or towards the midline), for a midline site "to the left"/"to the right" (the patient's).
    // Empty when no axis moved 1 mm.
    std::string direction;
};

[[nodiscard]] SiteOffset describe_offset(const glm::vec3& planned_mm, const glm::vec3& actual_mm,
                                         Side side);

} // namespace injmap
