#include "mesh_reader_support.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <system_error>

namespace injmap::detail {
namespace fs = std::filesystem;

std::string MeshReporter::rule_id(std::string_view rule) const {
    std::string id = prefix_;
    id += '.';
    id += rule;
    return id;
}

void MeshReporter::error(std::string_view rule, std::string message, int line, int column) {
    if (errors_ == kMaxReportedErrors) {
        ++errors_;
        diagnostics_.push_back({Severity::note,
                                rule_id(rule),
                                "further errors in this file are not shown",
                                {file_, 0, 0},
                                {}});
        return;
    }
    if (errors_ > kMaxReportedErrors)
        return;
    ++errors_;
    diagnostics_.push_back(
        {Severity::error, rule_id(rule), std::move(message), {file_, line, column}, {}});
}

void MeshReporter::warning(std::string_view rule, std::string message, int line, int column) {
    diagnostics_.push_back(
        {Severity::warning, rule_id(rule), std::move(message), {file_, line, column}, {}});
}

std::optional<std::string> read_mesh_bytes(const fs::path& path, MeshReporter& report,
                                           std::string_view format_name) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        report.error("io", "the mesh file does not exist");
        return std::nullopt;
    }
    if (!fs::is_regular_file(path, ec)) {
        report.error("io", "the mesh path is not a regular file");
        return std::nullopt;
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        report.error("io", "cannot read the mesh file's size: " + ec.message());
        return std::nullopt;
    }
    if (size > kMaxObjBytes) {
        report.error("too-large", "the mesh file is " + std::to_string(size / (1024 * 1024)) +
                                      " MB; injmap reads " + std::string(format_name) +
                                      " files up to " +
                                      std::to_string(kMaxObjBytes / (1024 * 1024)) + " MB");
        return std::nullopt;
    }
    std::string bytes;
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            report.error("io", "cannot open the mesh file");
            return std::nullopt;
        }
        bytes.resize(static_cast<std::size_t>(size));
        in.read(bytes.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size)) {
            report.error("io", "could not read the whole mesh file");
            return std::nullopt;
        }
    } catch (const std::bad_alloc&) {
        report.error("too-large", "not enough memory to read the mesh file");
        return std::nullopt;
    } catch (const std::exception& e) {
        report.error("io", std::string("cannot read the mesh file: ") + e.what());
        return std::nullopt;
    }
    return bytes;
}

CoordinateStatus check_coordinate(double value, double mm_per_unit) {
    if (!std::isfinite(value) || std::abs(value) > std::numeric_limits<float>::max() ||
        std::abs(value) * mm_per_unit > std::numeric_limits<float>::max())
        return CoordinateStatus::non_finite;
    if (!(std::abs(value) * mm_per_unit <= kMaxCoordinateMm))
        return CoordinateStatus::out_of_range;
    return CoordinateStatus::ok;
}

namespace {
float squared_distance(const std::vector<float>& p, int a, int b) {
    const auto ia = static_cast<std::size_t>(a) * 3, ib = static_cast<std::size_t>(b) * 3;
    const float dx = p[ia] - p[ib], dy = p[ia + 1] - p[ib + 1], dz = p[ia + 2] - p[ib + 2];
    return dx * dx + dy * dy + dz * dz;
}
} // namespace

void append_polygon(const std::vector<float>& positions, const ObjCorner* face, std::size_t n,
                    std::vector<ObjCorner>& out) {
    if (n < 3)
        return;
    if (n == 4 && squared_distance(positions, face[1].v, face[3].v) <
                      squared_distance(positions, face[0].v, face[2].v)) {
        out.insert(out.end(), {face[0], face[1], face[3], face[1], face[2], face[3]});
        return;
    }
    for (std::size_t k = 1; k + 1 < n; ++k)
        out.insert(out.end(), {face[0], face[k], face[k + 1]});
}

} // namespace injmap::detail
