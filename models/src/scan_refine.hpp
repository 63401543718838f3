#pragma once
// The last step of fit_landmarks (scan_fit.hpp): landmarks with a crisp definition on the skin,
// found again on the scan's own skin near where the registration carried them. Internal to
// injmap_models.
#include <map>
#include <set>
#include <string>

#include <glm/vec3.hpp>

#include "injmap/models/surface_index.hpp"
#include "scan_register.hpp"

namespace injmap::detail {

// `landmarks` holds the carried landmarks on the scan (scan space, millimetres); those named in
// `given` (the user's points) are never moved. `template_landmarks` are the template's own, in its
// model space, which `similarity` takes onto the scan. A landmark whose definition is not found
// near its carried place (no hollow, no arm, no eye opening) keeps the carried place.
void refine_landmarks(const SurfaceIndex& skin, const Similarity& similarity,
                      const std::map<std::string, glm::vec3>& template_landmarks,
                      const std::set<std::string>& given,
                      std::map<std::string, glm::vec3>& landmarks);

} // namespace injmap::detail
