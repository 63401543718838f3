#pragma once
// Cheap ambient occlusion for the skin (private to injmap_render): how far each vertex lies in a
// crease, from how much the surface around it bulges outwards (Laplacian smoothing at two scales,
// measured along the vertex normal). It darkens eye sockets, nostrils, the lips' line, ears and the
// clavicles' edges without ray casting; computed once per model in O(vertices x iterations).
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/mesh.hpp"

namespace injmap::render {

// One value per vertex in 0..1 (1 = fully open). `normals` parallel to mesh.positions.
[[nodiscard]] std::vector<float> skin_occlusion(const Mesh& mesh,
                                                const std::vector<glm::vec3>& normals);

} // namespace injmap::render
