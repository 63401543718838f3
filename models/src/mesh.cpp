#include "injmap/models/mesh.hpp"

#include <algorithm>

#include <glm/geometric.hpp>

namespace injmap {

void compute_vertex_normals(Mesh& mesh) {
    mesh.normals.assign(mesh.positions.size(), glm::vec3(0.0f));
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const auto a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
        // Unnormalised cross product = area weighting.
        const glm::vec3 n = glm::cross(mesh.positions[b] - mesh.positions[a],
                                       mesh.positions[c] - mesh.positions[a]);
        mesh.normals[a] += n;
        mesh.normals[b] += n;
        mesh.normals[c] += n;
    }
    for (auto& n : mesh.normals) {
        const float len = glm::length(n);
        n = len > 0.0f ? n / len : glm::vec3(0.0f, 1.0f, 0.0f);
    }
}

Bounds bounds_of(const Mesh& mesh) {
    if (mesh.positions.empty())
        return {};
    Bounds b{mesh.positions.front(), mesh.positions.front()};
    for (const auto& p : mesh.positions) {
        b.min = glm::min(b.min, p);
        b.max = glm::max(b.max, p);
    }
    return b;
}

} // namespace injmap
