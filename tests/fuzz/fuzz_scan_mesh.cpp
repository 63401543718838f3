// fuzz_scan_mesh: the fuzzed bytes are a scanner's mesh file, read both as PLY (detail::parse_ply)
// and as STL (detail::parse_stl); every mesh read is welded by position as the manifest loader
// welds a skin (tolerance, union of groups). Checks the reader contract, whole triangles and
// indices in range, then a welded mesh with finite positions and normals.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "manifest/mesh_weld.hpp" // models/src: private to injmap_models
#include "ply_reader.hpp"         // models/src
#include "stl_reader.hpp"         // models/src

namespace {

using namespace injmap;

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

void check(const Result<detail::ObjFile>& r, const char* reader) {
    fuzz::check_diagnostics(r.diagnostics, reader);
    if (!r.value)
        return;
    const detail::ObjFile& f = *r.value;
    if (f.groups.size() != 1 || f.groups.front().corners.empty())
        fuzz::contract_violation(reader, "a mesh read must be one group of triangles");
    std::vector<const detail::ObjGroup*> groups;
    for (const auto& g : f.groups) {
        groups.push_back(&g);
        if (g.corners.size() % 3 != 0)
            fuzz::contract_violation(reader, "a group's corners are not whole triangles");
        for (const auto& c : g.corners)
            if (c.v < 0 || static_cast<std::size_t>(c.v) * 3 >= f.positions.size() ||
                (c.vt >= 0 && static_cast<std::size_t>(c.vt) * 2 >= f.texcoords.size()) ||
                (c.vn >= 0 && static_cast<std::size_t>(c.vn) * 3 >= f.normals.size()))
                fuzz::contract_violation(reader, "a corner index out of range");
    }
    for (const float p : f.positions)
        if (!std::isfinite(p))
            fuzz::contract_violation(reader, "a non-finite position");
    // As the manifest loader: millimetres, a rotated frame, welded by position.
    detail::Frame frame;
    frame.scale = 10.0f;
    frame.up = {0, 0, 1};
    frame.forward = {0, -1, 0};
    frame.left = glm::cross(frame.up, frame.forward);
    const Mesh mesh = detail::weld_by_position(f, groups, frame);
    if (mesh.indices.size() != f.groups.front().corners.size())
        fuzz::contract_violation("weld_by_position", "the weld lost or added corners");
    if (mesh.normals.size() != mesh.positions.size())
        fuzz::contract_violation("weld_by_position", "normals not one per position");
    for (const std::uint32_t i : mesh.indices)
        if (i >= mesh.positions.size())
            fuzz::contract_violation("weld_by_position", "index out of range");
    for (const glm::vec3& p : mesh.positions)
        if (!finite(p))
            fuzz::contract_violation("weld_by_position", "a non-finite position");
    for (const glm::vec3& n : mesh.normals)
        if (!finite(n))
            fuzz::contract_violation("weld_by_position", "a non-finite normal");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        check(detail::parse_ply(bytes, "fuzzed.ply"), "parse_ply");
        check(detail::parse_stl(bytes, "fuzzed.stl"), "parse_stl");
    } catch (const std::exception& e) {
        fuzz::contract_violation("scan mesh readers",
                                 std::string("exception escaped: ") + e.what());
    } catch (...) {
        fuzz::contract_violation("scan mesh readers", "a non-std exception escaped");
    }
    return 0;
}
