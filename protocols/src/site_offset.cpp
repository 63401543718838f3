#include "injmap/protocols/site_offset.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <glm/geometric.hpp>

namespace injmap {

SiteOffset describe_offset(const glm::vec3& planned_mm, const glm::vec3& actual_mm, Side side) {
    SiteOffset out;
    out.delta_mm = actual_mm - planned_mm;
    out.distance_mm = glm::length(out.delta_mm);
    struct Part {
        float mm;
        const char* word;
    };
    const glm::vec3 d = out.delta_mm;
    std::vector<Part> parts;
    parts.push_back({std::fabs(d.y), d.y > 0 ? "up" : "down"});
    parts.push_back({std::fabs(d.z), d.z > 0 ? "forward" : "back"});
    if (side == Side::midline) {
        parts.push_back({std::fabs(d.x), d.x > 0 ? "to the left" : "to the right"});
    } else {
        // +X is the subject's left: a left site moves laterally towards +X, a right one towards −X.
        const float outward = side == Side::left ? d.x : -d.x;
        parts.push_back({std::fabs(d.x), outward > 0 ? "lateral" : "medial"});
    }
    std::stable_sort(parts.begin(), parts.end(),
                     [](const Part& a, const Part& b) { return a.mm > b.mm; });
    for (const Part& p : parts) {
        const long mm = std::lround(p.mm);
        if (mm < 1)
            continue;
        if (!out.direction.empty())
            out.direction += ", ";
        out.direction += std::to_string(mm) + " mm " + p.word;
    }
    return out;
}

} // namespace injmap
