#pragma once
// Muscle fibre directions from the muscle mesh's texture coordinates (docs/model-manifest.md: the
// u coordinate runs along the fibres).
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/mesh.hpp"

namespace injmap::detail {

// One unit direction per vertex: the surface gradient of u, area-weighted over the triangles around
// the vertex and projected onto its tangent plane. Where u gives none (no texture coordinates, a
// flat u), the projection of "up" (or of "forward" where the surface faces up), so downstream code
// always gets a usable direction. Needs the mesh's normals.
[[nodiscard]] std::vector<glm::vec3> fibre_directions(const Mesh& mesh);

} // namespace injmap::detail
