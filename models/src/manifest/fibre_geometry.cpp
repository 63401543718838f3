#include "fibre_geometry.hpp"

#include <cmath>

#include <glm/geometric.hpp>

namespace injmap::detail {
namespace {

// A unit tangent at a vertex when u gives none: the projection of "up" (or of "forward" where the
// surface faces up), so downstream code always gets a usable direction.
glm::vec3 fallback_tangent(const glm::vec3& normal) {
    glm::vec3 t = glm::vec3(0, 1, 0) - normal * normal.y;
    if (glm::length(t) < 1e-3f)
        t = glm::vec3(0, 0, 1) - normal * normal.z;
    return glm::normalize(t);
}

} // namespace

std::vector<glm::vec3> fibre_directions(const Mesh& mesh) {
    std::vector<glm::vec3> dirs(mesh.positions.size(), glm::vec3(0.0f));
    if (mesh.uvs.size() == mesh.positions.size()) {
        for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
            const auto a = mesh.indices[3 * t], b = mesh.indices[3 * t + 1],
                       c = mesh.indices[3 * t + 2];
            const glm::vec3 e1 = mesh.positions[b] - mesh.positions[a];
            const glm::vec3 e2 = mesh.positions[c] - mesh.positions[a];
            const glm::vec3 n = glm::cross(e1, e2);
            const float n2 = glm::dot(n, n);
            if (!(n2 > 0.0f))
                continue;
            const float du1 = mesh.uvs[b].x - mesh.uvs[a].x, du2 = mesh.uvs[c].x - mesh.uvs[a].x;
            // grad u · e1 = du1 and grad u · e2 = du2, grad u in the triangle's plane
            const glm::vec3 grad = (du1 * glm::cross(e2, n) + du2 * glm::cross(n, e1)) / n2;
            const glm::vec3 weighted = grad * std::sqrt(n2); // area weighting (×2, irrelevant)
            dirs[a] += weighted;
            dirs[b] += weighted;
            dirs[c] += weighted;
        }
    }
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        const glm::vec3& normal = mesh.normals[i];
        glm::vec3 d = dirs[i] - normal * glm::dot(dirs[i], normal);
        const float len = glm::length(d);
        dirs[i] = len > 1e-9f && std::isfinite(len) ? d / len : fallback_tangent(normal);
    }
    return dirs;
}

} // namespace injmap::detail
