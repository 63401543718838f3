#include "injmap/models/framing.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>

#include <glm/common.hpp>

namespace injmap {
namespace {

// The landmarks that outline the head, neck and shoulders (a sided name stands for both sides).
constexpr std::array<std::string_view, 16> kOutline = {"vertex",
                                                       "menton",
                                                       "pronasale",
                                                       "glabella",
                                                       "opisthocranion",
                                                       "inion",
                                                       "c7",
                                                       "t1",
                                                       "t2",
                                                       "t3",
                                                       "t4",
                                                       "suprasternal_notch",
                                                       "tragion",
                                                       "zygomatic_arch",
                                                       "acromion",
                                                       "scapula_superior_angle"};

} // namespace

Bounds framing_bounds(const Model& model) {
    const Bounds skin = bounds_of(model.skin);
    Bounds box{glm::vec3(std::numeric_limits<float>::max()),
               glm::vec3(std::numeric_limits<float>::lowest())};
    int count = 0;
    const auto add = [&](const std::string& name) {
        if (const auto p = model.landmark(name)) {
            box.min = glm::min(box.min, *p);
            box.max = glm::max(box.max, *p);
            ++count;
        }
    };
    for (std::string_view name : kOutline) {
        add(std::string(name));
        add(std::string(name) + "_left");
        add(std::string(name) + "_right");
    }
    if (count < kFramingMinLandmarks)
        return skin;
    const glm::vec3 margin =
        glm::max(glm::vec3(kFramingMarginMm), (box.max - box.min) * kFramingMarginFraction);
    box.min = glm::max(box.min - margin, skin.min);
    box.max = glm::min(box.max + margin, skin.max);
    if (!(box.min.x <= box.max.x && box.min.y <= box.max.y && box.min.z <= box.max.z))
        return skin; // landmarks outside the skin's box: not to be trusted for framing
    return box;
}

std::vector<glm::vec3> framing_corners(const Model& model) {
    const Bounds b = framing_bounds(model);
    std::vector<glm::vec3> corners;
    for (int i = 0; i < 8; ++i)
        corners.push_back({(i & 1) ? b.max.x : b.min.x, (i & 2) ? b.max.y : b.min.y,
                           (i & 4) ? b.max.z : b.min.z});
    return corners;
}

std::vector<glm::vec3> framing_skin_points(const Model& model, std::size_t max_points) {
    const Bounds b = framing_bounds(model);
    const auto& pos = model.skin.positions;
    const std::size_t stride =
        std::max<std::size_t>(1, pos.size() / std::max<std::size_t>(1, max_points));
    std::vector<glm::vec3> points;
    for (std::size_t i = 0; i < pos.size(); i += stride) {
        const glm::vec3& p = pos[i];
        if (p.x >= b.min.x && p.x <= b.max.x && p.y >= b.min.y && p.y <= b.max.y &&
            p.z >= b.min.z && p.z <= b.max.z)
            points.push_back(p);
    }
    return points;
}

} // namespace injmap
