#pragma once
// Meshes from OBJ groups, in model space: the OBJ's corners (each with its own position, texture
// coordinate and normal indices) welded into shared vertices. Normals come from the file when
// every corner has a usable one, else they are computed.
#include <vector>

#include "../obj_loader.hpp"
#include "injmap/models/mesh.hpp"
#include "manifest_internal.hpp"

namespace injmap::detail {

// Corners closer than this in model space (mm) become one vertex in weld_by_position: far below a
// scanner's resolution (~0.1 mm) and any skin triangle's edges, far above the rounding of float
// or 6-digit text coordinates of a head (≤ 1e-4 mm), so copies of one point written twice (a
// vertex repeated per group or per texture seam, an STL's triangle soup) become one.
inline constexpr float kWeldToleranceMm = 0.01f;

// Welded by position, for the skin, bones and avoid structures: corners of one OBJ vertex, and
// vertices within kWeldToleranceMm of one another (after the conversion to model space), are one
// vertex: texture seams and repeated vertices must not cut a surface into pieces (it would gain
// false boundaries and creased normals). Several groups are welded into one mesh (a skin named by
// several groups is their union). Triangles are kept as they are, in the groups' order.
[[nodiscard]] Mesh weld_by_position(const ObjFile& obj, const std::vector<const ObjGroup*>& groups,
                                    const Frame& frame);
[[nodiscard]] Mesh weld_by_position(const ObjFile& obj, const ObjGroup& group, const Frame& frame);

// Welded by (position, texture coordinate), for muscles: u must stay exact per corner (it gives the
// fibre direction). `has_uvs` says whether every corner had a texture coordinate (else none are
// kept).
[[nodiscard]] Mesh weld_by_position_and_uv(const ObjFile& obj, const ObjGroup& group,
                                           const Frame& frame, bool& has_uvs);

} // namespace injmap::detail
