#pragma once
// Indexed triangle meshes in model space (millimetres, +Y up, +Z forward, +X subject's left).
#include <cstdint>
#include <vector>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

namespace injmap {

struct Mesh {
    std::vector<glm::vec3> positions;
    std::vector<glm::vec3> normals; // one per position, unit length (empty until computed)
    std::vector<glm::vec2> uvs; // optional; for muscles u runs origin→insertion, v across fibres
    std::vector<std::uint32_t> indices; // three per triangle, counter-clockwise seen from outside

    [[nodiscard]] std::size_t vertex_count() const { return positions.size(); }
    [[nodiscard]] std::size_t triangle_count() const { return indices.size() / 3; }
};

// Area-weighted vertex normals from the triangles (replaces `normals`).
void compute_vertex_normals(Mesh& mesh);

struct Bounds {
    glm::vec3 min{0.0f};
    glm::vec3 max{0.0f};
};
[[nodiscard]] Bounds bounds_of(const Mesh& mesh);

} // namespace injmap
