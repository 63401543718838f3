#include "mesh_weld.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <glm/geometric.hpp>

namespace injmap::detail {

namespace {

// Vertices within kWeldToleranceMm of an earlier one, merged into it: a hash grid of cells 16 times
// the tolerance, so a point's neighbours within the tolerance lie in its own cell or, when it is
// within the tolerance of a cell's face, in the cells across (most points probe one cell).
// Returns, per input point, the index of its representative (the first point of its cluster, in
// input order). Non-finite or far-off points are never merged.
class PointWelder {
public:
    explicit PointWelder(std::size_t expected) {
        std::size_t capacity = 16;
        while (capacity < 2 * expected)
            capacity *= 2;
        slots_.assign(capacity, Slot{});
        mask_ = capacity - 1;
        next_.assign(expected, -1);
    }

    // The representative of p (its own index `self` when it starts a cluster).
    std::uint32_t add(const glm::vec3& p, std::uint32_t self,
                      const std::vector<glm::vec3>& points) {
        constexpr double cell = 16.0 * kWeldToleranceMm;
        constexpr double margin = 1.01 * kWeldToleranceMm; // a little over, for rounding
        constexpr float limit = 1e7f; // mm: beyond this, cell indices would overflow
        if (!(std::fabs(p.x) < limit && std::fabs(p.y) < limit && std::fabs(p.z) < limit))
            return self;
        // Per axis, the cells to look in: its own, and the neighbour whose face is near.
        int c[3], lo[3], hi[3];
        for (int k = 0; k < 3; ++k) {
            const double scaled = static_cast<double>(p[k]) / cell;
            c[k] = static_cast<int>(std::floor(scaled));
            const double offset = (scaled - c[k]) * cell; // 0..cell
            lo[k] = offset <= margin ? c[k] - 1 : c[k];
            hi[k] = cell - offset <= margin ? c[k] + 1 : c[k];
        }
        constexpr float tolerance2 = kWeldToleranceMm * kWeldToleranceMm;
        for (int x = lo[0]; x <= hi[0]; ++x)
            for (int y = lo[1]; y <= hi[1]; ++y)
                for (int z = lo[2]; z <= hi[2]; ++z) {
                    const Slot* slot = find(x, y, z);
                    if (!slot)
                        continue;
                    for (std::int32_t rep = slot->head; rep >= 0;
                         rep = next_[static_cast<std::size_t>(rep)]) {
                        const glm::vec3 d = points[static_cast<std::size_t>(rep)] - p;
                        if (glm::dot(d, d) <= tolerance2)
                            return static_cast<std::uint32_t>(rep);
                    }
                }
        // A new representative, first of its cell's chain.
        if (next_.size() <= self)
            next_.resize(static_cast<std::size_t>(self) + 1, -1);
        Slot& slot = insert(c[0], c[1], c[2]);
        next_[self] = slot.head;
        slot.head = static_cast<std::int32_t>(self);
        return self;
    }

private:
    struct Slot {
        int x = 0, y = 0, z = 0;
        std::int32_t head = -1; // -1: empty slot
    };

    [[nodiscard]] std::size_t hash(int x, int y, int z) const {
        std::uint64_t h = static_cast<std::uint32_t>(x) * 0x9E3779B97F4A7C15ull;
        h ^= static_cast<std::uint32_t>(y) * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
        h ^= static_cast<std::uint32_t>(z) * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h ^ (h >> 29)) & mask_;
    }
    [[nodiscard]] const Slot* find(int x, int y, int z) const {
        for (std::size_t i = hash(x, y, z);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.head < 0)
                return nullptr;
            if (s.x == x && s.y == y && s.z == z)
                return &s;
        }
    }
    Slot& insert(int x, int y, int z) {
        for (std::size_t i = hash(x, y, z);; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (s.head < 0) {
                s.x = x;
                s.y = y;
                s.z = z;
                return s;
            }
            if (s.x == x && s.y == y && s.z == z)
                return s;
        }
    }

    std::vector<Slot> slots_; // at most half full: one cell per point at worst
    std::size_t mask_ = 0;
    std::vector<std::int32_t> next_; // the next representative in the same cell
};

} // namespace

Mesh weld_by_position(const ObjFile& obj, const std::vector<const ObjGroup*>& groups,
                      const Frame& frame) {
    // 1. Corners of one OBJ vertex share it; the vertices used, in order of first use.
    const std::size_t v_count = obj.positions.size() / 3;
    std::vector<std::int64_t> local(v_count, -1);
    std::vector<glm::vec3> points;
    std::vector<int> normal_of;
    std::vector<std::uint32_t> corners;
    bool all_normals = true;
    std::size_t corner_count = 0;
    for (const ObjGroup* group : groups)
        corner_count += group->corners.size();
    corners.reserve(corner_count);
    for (const ObjGroup* group : groups) {
        for (const auto& c : group->corners) {
            const auto v = static_cast<std::size_t>(c.v);
            if (local[v] < 0) {
                local[v] = static_cast<std::int64_t>(points.size());
                points.push_back(frame.point(
                    {obj.positions[3 * v], obj.positions[3 * v + 1], obj.positions[3 * v + 2]}));
                normal_of.push_back(c.vn);
            }
            all_normals = all_normals && c.vn >= 0;
            corners.push_back(static_cast<std::uint32_t>(local[v]));
        }
    }
    std::vector<std::int64_t>().swap(local);

    // 2. Vertices within the tolerance of an earlier one are merged into it.
    Mesh mesh;
    std::vector<std::uint32_t> welded(points.size());
    std::vector<int> welded_normal;
    {
        PointWelder welder(points.size());
        std::vector<std::uint32_t> out_index(points.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            const std::uint32_t rep = welder.add(points[i], static_cast<std::uint32_t>(i), points);
            if (rep == i) {
                out_index[i] = static_cast<std::uint32_t>(mesh.positions.size());
                mesh.positions.push_back(points[i]);
                welded_normal.push_back(normal_of[i]);
            }
            welded[i] = out_index[rep];
        }
    }
    mesh.indices.resize(corners.size());
    for (std::size_t i = 0; i < corners.size(); ++i)
        mesh.indices[i] = welded[corners[i]];

    if (all_normals) {
        mesh.normals.reserve(mesh.positions.size());
        for (const int n : welded_normal) {
            const auto k = static_cast<std::size_t>(n);
            const glm::vec3 file_n{obj.normals[3 * k], obj.normals[3 * k + 1],
                                   obj.normals[3 * k + 2]};
            const glm::vec3 model_n = frame.direction(file_n);
            const float len = glm::length(model_n);
            if (!(len > 1e-6f) || !std::isfinite(len)) {
                all_normals = false; // a zero normal in the file: recompute them all
                mesh.normals.clear();
                break;
            }
            mesh.normals.push_back(model_n / len);
        }
    }
    if (!all_normals)
        compute_vertex_normals(mesh);
    return mesh;
}

Mesh weld_by_position(const ObjFile& obj, const ObjGroup& group, const Frame& frame) {
    return weld_by_position(obj, std::vector<const ObjGroup*>{&group}, frame);
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
