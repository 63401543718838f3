#pragma once
// Private to injmap_models: what the mesh readers (obj_loader, ply_reader, stl_reader) share —
// capped located diagnostics under one rule prefix, reading a whole file within the size limit,
// the coordinate checks, and the triangulation of a polygon into an ObjGroup's corners.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "obj_loader.hpp"

namespace injmap::detail {

// Collects one file's diagnostics: at most kMaxReportedErrors errors, then one note, so a broken
// half-gigabyte file cannot flood the terminal. Rules are "<prefix>.<name>".
class MeshReporter {
public:
    static constexpr std::size_t kMaxReportedErrors = 50;

    MeshReporter(std::string file, std::string prefix)
        : file_(std::move(file)), prefix_(std::move(prefix)) {}

    void error(std::string_view rule, std::string message, int line = 0, int column = 0);
    void warning(std::string_view rule, std::string message, int line = 0, int column = 0);
    [[nodiscard]] bool full() const { return errors_ > kMaxReportedErrors; }
    [[nodiscard]] std::size_t errors() const { return errors_; }
    [[nodiscard]] const std::string& file() const { return file_; }
    Diagnostics take() { return std::move(diagnostics_); }

private:
    std::string rule_id(std::string_view rule) const;

    std::string file_;
    std::string prefix_;
    std::size_t errors_ = 0;
    Diagnostics diagnostics_;
};

// The whole file's bytes, or nullopt after a "<prefix>.io" / "<prefix>.too-large" error (a file
// over kMaxObjBytes is refused by its size before anything is read).
[[nodiscard]] std::optional<std::string> read_mesh_bytes(const std::filesystem::path& path,
                                                         MeshReporter& report,
                                                         std::string_view format_name);

// Whether a vertex coordinate (in the file's units) is usable: finite as a float in millimetres
// and within ±kMaxCoordinateMm after the unit conversion.
enum class CoordinateStatus { ok, non_finite, out_of_range };
[[nodiscard]] CoordinateStatus check_coordinate(double value, double mm_per_unit);

// Appends polygon `face` (n ≥ 3 corners, positions in `positions`) as triangles: a quad split
// along its shorter diagonal (fewer slivers on curved skin), larger polygons as a fan from the
// first corner (assumed convex). Counter-clockwise order is kept.
void append_polygon(const std::vector<float>& positions, const ObjCorner* face, std::size_t n,
                    std::vector<ObjCorner>& out);

} // namespace injmap::detail
