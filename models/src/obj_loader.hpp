#pragma once
// Private to injmap_models: reading Wavefront OBJ files for the manifest loader, and the ObjFile
// every mesh reader (OBJ here, PLY in ply_reader.hpp, STL in stl_reader.hpp) gives it.
//
// One pass over the bytes with our own line scanner: it knows lines and columns, so every finding
// is located (malformed or non-finite numbers, face indices out of range, faces of fewer than 3
// or more than 255 corners), and it keeps the data as it goes. Nothing is converted here:
// positions stay in the file's units and axes; the manifest loader converts.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "injmap/diagnostic.hpp"

namespace injmap::detail {

inline constexpr std::uintmax_t kMaxObjBytes = 512ull * 1024 * 1024;
// Vertex positions beyond this (after unit conversion) are refused: obj.out-of-range.
inline constexpr double kMaxCoordinateMm = 1e6;

// One corner of a triangle: 0-based indices into ObjFile's arrays, -1 when absent.
struct ObjCorner {
    int v = -1;
    int vt = -1;
    int vn = -1;
};

// All faces under one object/group name (the last `o` or `g` line before them), triangulated:
// three corners per triangle, counter-clockwise order kept from the file. Triangles of a name that
// appears several times in the file are merged.
struct ObjGroup {
    std::string name;
    std::vector<ObjCorner> corners;
    int first_line = 0; // line of the first face of this group
};

struct ObjFile {
    std::vector<float> positions; // x y z per `v`
    std::vector<float> texcoords; // u v per `vt`
    std::vector<float> normals;   // x y z per `vn`
    std::vector<ObjGroup> groups; // in order of first appearance

    [[nodiscard]] const ObjGroup* find_group(const std::string& name) const;
};

// Reads and checks an OBJ file. `display` is the file name used in diagnostics; `mm_per_unit` the
// manifest's unit scale (positions beyond ±kMaxCoordinateMm after it are refused). LF, CRLF and a
// lone CR all end a line. Errors use the rule ids obj.io, obj.too-large, obj.syntax,
// obj.non-finite, obj.out-of-range, obj.bad-index, obj.empty; a value is returned only when there
// is no error. Warnings: obj.trailing-garbage (binary bytes — NUL, control characters — after the
// last OBJ statement are ignored, located at the first of them; before an OBJ statement they are
// an obj.syntax error), obj.material (read_obj only: the first `mtllib` names a file that is not
// next to the OBJ; at most one per file). A UTF-8 byte order mark is skipped. Never throws.
[[nodiscard]] Result<ObjFile> read_obj(const std::filesystem::path& path,
                                       const std::string& display, double mm_per_unit = 1.0);

// The same from bytes already in memory (tests, fuzzing).
[[nodiscard]] Result<ObjFile> parse_obj(const std::string& bytes, const std::string& display,
                                        double mm_per_unit = 1.0);

} // namespace injmap::detail
