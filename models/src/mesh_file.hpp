#pragma once
// Private to injmap_models: one entry for every mesh file a manifest (or a scan) may name — OBJ,
// PLY or STL, chosen by the file's extension (case-insensitive; anything else is read as OBJ) —
// giving the same ObjFile whatever the format. PLY and STL files have one group, "mesh".
#include <filesystem>
#include <string>

#include "injmap/diagnostic.hpp"
#include "obj_loader.hpp"

namespace injmap::detail {

enum class MeshFormat { obj, ply, stl };

// By extension: ".ply" → ply, ".stl" → stl (any case), anything else → obj.
[[nodiscard]] MeshFormat mesh_format_of(const std::filesystem::path& path);

// read_obj, read_ply or read_stl by mesh_format_of(path); rule ids obj.*, ply.* or stl.*.
[[nodiscard]] Result<ObjFile> read_mesh_file(const std::filesystem::path& path,
                                             const std::string& display, double mm_per_unit = 1.0);

} // namespace injmap::detail
