#pragma once
// The head's own frame from landmarks, for the skin's colour regions (skin_paint.cpp) and injection
// regions (skin_regions.cpp): origin mid-tragion, x towards tragion_left, y towards the vertex
// (made perpendicular to x), z = x × y (the face). Private to injmap_models.
#include <algorithm>
#include <optional>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"

namespace injmap::detail {

// 0 at edge0, 1 at edge1, linear between. The regions' weights are linear across their borders so
// that the renderer, interpolating them over triangles larger than a border is wide, still draws a
// straight, even edge (it sharpens them per pixel).
inline float ramp(float edge0, float edge1, float x) {
    return std::clamp((x - edge0) / (edge1 - edge0), 0.0f, 1.0f);
}

struct HeadFrame {
    glm::vec3 origin{0.0f}, x{1, 0, 0}, y{0, 1, 0}, z{0, 0, 1};

    [[nodiscard]] glm::vec3 local(const glm::vec3& p) const {
        const glm::vec3 d = p - origin;
        return {glm::dot(d, x), glm::dot(d, y), glm::dot(d, z)};
    }
    [[nodiscard]] glm::vec3 local_direction(const glm::vec3& d) const {
        return {glm::dot(d, x), glm::dot(d, y), glm::dot(d, z)};
    }
};

// nullopt without tragion_left, tragion_right and vertex, or when they are degenerate.
inline std::optional<HeadFrame> head_frame(const Model& model) {
    const auto left = model.landmark("tragion_left");
    const auto right = model.landmark("tragion_right");
    const auto vertex = model.landmark("vertex");
    if (!left || !right || !vertex)
        return std::nullopt;
    HeadFrame f;
    f.origin = 0.5f * (*left + *right);
    const glm::vec3 across = *left - *right;
    if (glm::length(across) < 1e-3f)
        return std::nullopt;
    f.x = glm::normalize(across);
    const glm::vec3 up = *vertex - f.origin;
    const glm::vec3 up_perp = up - f.x * glm::dot(up, f.x);
    if (glm::length(up_perp) < 1e-3f)
        return std::nullopt;
    f.y = glm::normalize(up_perp);
    f.z = glm::cross(f.x, f.y);
    return f;
}

} // namespace injmap::detail
