#pragma once
// Private to injmap_models: reading PLY (Stanford polygon) files, as phone and structured-light
// scanners export them — ASCII, binary little-endian and binary big-endian — into the same
// ObjFile the OBJ reader gives (obj_loader.hpp), so the manifest loader reads them alike.
//
// Read: the `vertex` element's x, y, z (any numeric type), its nx, ny, nz and u, v (or s, t;
// texture_u, texture_v) when all of a set are present; the `face` element's list `vertex_indices`
// (or `vertex_index`) of 3 to 255 corners, triangulated as OBJ faces are. Every other element and
// property (colours, confidence, edges, materials, per-face texture lists) is skipped. All faces
// form one group named kPlyGroupName. Positions stay in the file's units and axes.
//
// Rule ids (errors unless marked): ply.io, ply.too-large (over kMaxObjBytes), ply.syntax (the
// header: magic, format, element, property, end_header; a vertex element without x, y, z; a face
// element without its index list; a number that is not one in an ASCII body), ply.truncated (the
// body is shorter than the header's counts need — checked against the file's size before anything
// is allocated), ply.non-finite, ply.out-of-range (as obj.*), ply.bad-index, ply.bad-face (fewer
// than 3 or more than 255 corners), ply.empty (no faces: a point cloud), ply.trailing-garbage
// (warning: bytes after the last element, ignored). Errors in the header and in ASCII bodies are
// located at their line; in a binary body at the element's header line, with the item's number and
// byte offset in the message. A value only when there is no error. Never throws.
#include <filesystem>
#include <string>

#include "injmap/diagnostic.hpp"
#include "obj_loader.hpp"

namespace injmap::detail {

inline constexpr const char* kPlyGroupName = "mesh";

[[nodiscard]] Result<ObjFile> read_ply(const std::filesystem::path& path,
                                       const std::string& display, double mm_per_unit = 1.0);

// The same from bytes already in memory (tests, fuzzing).
[[nodiscard]] Result<ObjFile> parse_ply(const std::string& bytes, const std::string& display,
                                        double mm_per_unit = 1.0);

} // namespace injmap::detail
