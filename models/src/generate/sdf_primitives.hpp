#pragma once
// Signed distance primitives and blends (after Inigo Quilez's "distfunctions" and "smin" articles,
// re-derived here). Distances in mm, negative inside. Ellipsoids and scaled shapes are bounds, not
// exact distances, which is enough for meshing and projection.
#include <algorithm>
#include <cmath>

#include <glm/geometric.hpp>
#include <glm/mat3x3.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

namespace injmap::gen {

using glm::vec2;
using glm::vec3;

// Quadratic polynomial smooth minimum: k is the width of the blend band in mm.
inline float smin(float a, float b, float k) {
    if (k <= 0.0f)
        return std::min(a, b);
    const float h = std::max(k - std::abs(a - b), 0.0f) / k;
    return std::min(a, b) - h * h * k * 0.25f;
}
inline float smax(float a, float b, float k) {
    return -smin(-a, -b, k);
}
// Removes b from a with a rounded edge of width k.
inline float ssub(float a, float b, float k) {
    return smax(a, -b, k);
}

inline float sd_sphere(vec3 p, vec3 c, float r) {
    return glm::length(p - c) - r;
}

inline float sd_ellipsoid(vec3 p, vec3 r) {
    const float k0 = glm::length(p / r);
    const float k1 = glm::length(p / (r * r));
    if (k1 < 1e-12f)
        return -std::min(r.x, std::min(r.y, r.z));
    return k0 * (k0 - 1.0f) / k1;
}
inline float sd_ellipsoid(vec3 p, vec3 c, vec3 r) {
    return sd_ellipsoid(p - c, r);
}

inline float sd_capsule(vec3 p, vec3 a, vec3 b, float r) {
    const vec3 pa = p - a, ba = b - a;
    const float h = std::clamp(glm::dot(pa, ba) / glm::dot(ba, ba), 0.0f, 1.0f);
    return glm::length(pa - ba * h) - r;
}

// A cone with spherical ends of radii r1 (at a) and r2 (at b).
inline float sd_round_cone(vec3 p, vec3 a, vec3 b, float r1, float r2) {
    const vec3 ba = b - a;
    const float l2 = glm::dot(ba, ba);
    const float rr = r1 - r2;
    const float a2 = l2 - rr * rr;
    const float il2 = 1.0f / l2;
    const vec3 pa = p - a;
    const float y = glm::dot(pa, ba);
    const float z = y - l2;
    const vec3 xv = pa * l2 - ba * y;
    const float x2 = glm::dot(xv, xv);
    const float y2 = y * y * l2;
    const float z2 = z * z * l2;
    const float k = (rr > 0.0f ? 1.0f : (rr < 0.0f ? -1.0f : 0.0f)) * rr * rr * x2;
    if ((z > 0.0f ? 1.0f : -1.0f) * a2 * z2 > k)
        return std::sqrt(x2 + z2) * il2 - r2;
    if ((y > 0.0f ? 1.0f : -1.0f) * a2 * y2 < k)
        return std::sqrt(x2 + y2) * il2 - r1;
    return (std::sqrt(x2 * a2 * il2) + y * rr) * il2 - r1;
}

// An ellipsoid with its own axes (rows of `axes` are the unit local axes in model space).
struct OrientedEllipsoid {
    vec3 centre{0.0f};
    glm::mat3 to_local{1.0f}; // model → local
    vec3 radii{1.0f};
    [[nodiscard]] float operator()(vec3 p) const {
        return sd_ellipsoid(to_local * (p - centre), radii);
    }
};

// Lower bound of the distance from p to a ball (for skipping features that cannot matter).
inline float ball_distance(vec3 p, vec3 c, float r) {
    return glm::length(p - c) - r;
}

} // namespace injmap::gen
