#pragma once
// Meshes from OBJ groups, in model space: the OBJ's corners (each with its own position, texture
// coordinate and normal indices) welded into shared vertices. Normals come from the file when
// every corner has a usable one, else they are computed.
#include "../obj_loader.hpp"
#include "injmap/models/mesh.hpp"
#include "manifest_internal.hpp"

namespace injmap::detail {

// Welded by position only, for the skin, bones and avoid structures: texture seams must not cut a
// surface into pieces (it would gain false boundaries and creased normals).
[[nodiscard]] Mesh weld_by_position(const ObjFile& obj, const ObjGroup& group, const Frame& frame);

// Welded by (position, texture coordinate), for muscles: u must stay exact per corner (it gives the
// fibre direction). `has_uvs` says whether every corner had a texture coordinate (else none are
// kept).
[[nodiscard]] Mesh weld_by_position_and_uv(const ObjFile& obj, const ObjGroup& group,
                                           const Frame& frame, bool& has_uvs);

} // namespace injmap::detail
