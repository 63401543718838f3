#include "mesh_weld.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <glm/geometric.hpp>

namespace injmap::detail {

Mesh weld_by_position(const ObjFile& obj, const ObjGroup& group, const Frame& frame) {
    Mesh mesh;
    const std::size_t v_count = obj.positions.size() / 3;
    std::vector<std::int64_t> remap(v_count, -1);
    std::vector<int> normal_of;
    bool all_normals = true;
    mesh.indices.reserve(group.corners.size());
    for (const auto& c : group.corners) {
        if (remap[c.v] < 0) {
            remap[c.v] = static_cast<std::int64_t>(mesh.positions.size());
            mesh.positions.push_back(frame.point(
                {obj.positions[3 * c.v], obj.positions[3 * c.v + 1], obj.positions[3 * c.v + 2]}));
            normal_of.push_back(c.vn);
        }
        all_normals = all_normals && c.vn >= 0;
        mesh.indices.push_back(static_cast<std::uint32_t>(remap[c.v]));
    }
    if (all_normals) {
        mesh.normals.reserve(mesh.positions.size());
        for (const int n : normal_of) {
            const glm::vec3 file_n{obj.normals[3 * n], obj.normals[3 * n + 1],
                                   obj.normals[3 * n + 2]};
            const glm::vec3 model_n = frame.direction(file_n);
            const float len = glm::length(model_n);
            if (!(len > 1e-6f) || !std::isfinite(len)) {
                all_normals = false; // a zero normal in the file: recompute them all
                break;
            }
            mesh.normals.push_back(model_n / len);
        }
    }
    if (!all_normals)
        compute_vertex_normals(mesh);
    return mesh;
}

Mesh weld_by_position_and_uv(const ObjFile& obj, const ObjGroup& group, const Frame& frame,
                             bool& has_uvs) {
    Mesh mesh;
    std::unordered_map<std::uint64_t, std::uint32_t> remap;
    std::vector<int> normal_of;
    bool all_normals = true;
    has_uvs = true;
    for (const auto& c : group.corners)
        has_uvs = has_uvs && c.vt >= 0;
    for (const auto& c : group.corners) {
        const std::uint64_t key = (static_cast<std::uint64_t>(c.v) << 32) |
                                  static_cast<std::uint32_t>(has_uvs ? c.vt : 0);
        auto [it, inserted] = remap.emplace(key, static_cast<std::uint32_t>(mesh.positions.size()));
        if (inserted) {
            mesh.positions.push_back(frame.point(
                {obj.positions[3 * c.v], obj.positions[3 * c.v + 1], obj.positions[3 * c.v + 2]}));
            if (has_uvs)
                mesh.uvs.emplace_back(obj.texcoords[2 * c.vt], obj.texcoords[2 * c.vt + 1]);
            normal_of.push_back(c.vn);
        }
        all_normals = all_normals && c.vn >= 0;
        mesh.indices.push_back(it->second);
    }
    if (all_normals) {
        for (const int n : normal_of) {
            const glm::vec3 model_n = frame.direction(
                {obj.normals[3 * n], obj.normals[3 * n + 1], obj.normals[3 * n + 2]});
            const float len = glm::length(model_n);
            if (!(len > 1e-6f) || !std::isfinite(len)) {
                all_normals = false;
                break;
            }
            mesh.normals.push_back(model_n / len);
        }
    }
    if (!all_normals)
        compute_vertex_normals(mesh);
    return mesh;
}

} // namespace injmap::detail
