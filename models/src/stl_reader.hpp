#pragma once
// Private to injmap_models: reading STL files (binary and ASCII), as scanners and CAD tools export
// them, into the same ObjFile the OBJ reader gives (obj_loader.hpp).
//
// Binary or ASCII is decided by size, not by the first word: a file of exactly 84 + 50 × the
// header's triangle count bytes is binary (many binary exporters begin their header with "solid"
// too); otherwise a file beginning with "solid" with "facet" or "endsolid" in its first kilobyte
// is ASCII (else binary, with a header that does not match its size). An STL is triangle soup:
// corners at bit-identical positions become one vertex here (the manifest's weld then merges those
// within its tolerance). Facet normals and binary colour attributes are not used: vertex normals
// are computed. All triangles form one group named kStlGroupName; several `solid`s in one ASCII
// file are merged.
//
// Rule ids (errors unless marked): stl.io, stl.too-large (over kMaxObjBytes), stl.empty (a
// zero-byte file, or no triangles), stl.truncated (the binary header claims more triangles than
// the file holds — checked before anything is allocated; an ASCII file ending inside a facet or
// before `endsolid`), stl.syntax (ASCII: a keyword out of place, a vertex not of 3 numbers, a facet
// of fewer than 3 vertices), stl.non-finite, stl.out-of-range (as obj.*), stl.trailing-garbage
// (warning: bytes after the header's triangles or text after `endsolid`, ignored). ASCII errors are
// located at their line and column; binary ones name the triangle and its byte offset. A value only
// when there is no error. Never throws.
#include <filesystem>
#include <string>

#include "injmap/diagnostic.hpp"
#include "obj_loader.hpp"

namespace injmap::detail {

inline constexpr const char* kStlGroupName = "mesh";

[[nodiscard]] Result<ObjFile> read_stl(const std::filesystem::path& path,
                                       const std::string& display, double mm_per_unit = 1.0);

// The same from bytes already in memory (tests, fuzzing).
[[nodiscard]] Result<ObjFile> parse_stl(const std::string& bytes, const std::string& display,
                                        double mm_per_unit = 1.0);

} // namespace injmap::detail
