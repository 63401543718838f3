#include "skin_clusters.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include <glm/common.hpp>
#include <glm/geometric.hpp>
#include <glm/vec4.hpp>
#include <meshoptimizer.h>

namespace injmap::render {
namespace {

// Small enough that most clusters on the far side of a curved body face away as a whole, big
// enough to keep the per-frame test at a few thousand clusters (2813 for the default skin).
constexpr std::size_t kClusterTriangles = 16;

// Interleaves the low 10 bits of x with two zero bits each (x → x00x00x...).
std::uint32_t spread_bits(std::uint32_t x) {
    x &= 0x3ffu;
    x = (x | (x << 16)) & 0x030000ffu;
    x = (x | (x << 8)) & 0x0300f00fu;
    x = (x | (x << 4)) & 0x030c30c3u;
    x = (x | (x << 2)) & 0x09249249u;
    return x;
}

} // namespace

// Triangles are sorted along a Z-order (Morton) curve of their centroids and cut into runs of
// kClusterTriangles: consecutive triangles on the curve lie close together, so each run is a
// compact patch. For the skin of 100k triangles this took 12 ms where meshoptimizer's meshlet
// builder took 64 ms, and culls a little more (tests/gl/skin_clusters_test.cpp prints the share
// drawn per view; docs/performance.md).
SkinClusters build_skin_clusters(const Mesh& mesh) {
    SkinClusters out;
    const std::size_t n = mesh.positions.size();
    glm::vec3 lo(std::numeric_limits<float>::max()), hi(-std::numeric_limits<float>::max());
    for (const auto& p : mesh.positions) {
        lo = glm::min(lo, p);
        hi = glm::max(hi, p);
    }
    const glm::vec3 extent = hi - lo;
    const float longest = std::max({extent.x, extent.y, extent.z, 1e-6f});
    const float to_grid = 1023.0f / longest;

    // (Morton code << 32) | first index of the triangle: one sort key, ties broken by position.
    std::vector<std::uint64_t> keys;
    keys.reserve(mesh.indices.size() / 3);
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const auto a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
        if (a >= n || b >= n || c >= n)
            continue;
        const glm::vec3 g =
            ((mesh.positions[a] + mesh.positions[b] + mesh.positions[c]) / 3.0f - lo) * to_grid;
        if (!(std::isfinite(g.x) && std::isfinite(g.y) && std::isfinite(g.z)))
            continue;
        const auto q = glm::clamp(g, glm::vec3(0.0f), glm::vec3(1023.0f));
        const std::uint32_t code = spread_bits(std::uint32_t(q.x)) |
                                   (spread_bits(std::uint32_t(q.y)) << 1) |
                                   (spread_bits(std::uint32_t(q.z)) << 2);
        keys.push_back((std::uint64_t(code) << 32) | std::uint64_t(t));
    }
    if (keys.empty())
        return out;
    std::sort(keys.begin(), keys.end());

    out.indices.reserve(keys.size() * 3);
    for (const std::uint64_t key : keys) {
        const std::size_t t = key & 0xffffffffu;
        out.indices.insert(out.indices.end(),
                           {mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]});
    }
    const float* positions = &mesh.positions[0].x;
    out.clusters.reserve(keys.size() / kClusterTriangles + 1);
    for (std::size_t first = 0; first < out.indices.size(); first += kClusterTriangles * 3) {
        SkinClusters::Cluster c;
        c.first = std::uint32_t(first);
        c.count = std::uint32_t(std::min(kClusterTriangles * 3, out.indices.size() - first));
        const meshopt_Bounds b = meshopt_computeClusterBounds(&out.indices[first], c.count,
                                                              positions, n, sizeof(glm::vec3));
        c.centre = {b.center[0], b.center[1], b.center[2]};
        c.radius = b.radius;
        c.cone_apex = {b.cone_apex[0], b.cone_apex[1], b.cone_apex[2]};
        c.cone_axis = {b.cone_axis[0], b.cone_axis[1], b.cone_axis[2]};
        c.cone_cutoff = b.cone_cutoff;
        c.lo = c.hi = mesh.positions[out.indices[first]];
        for (std::size_t i = first; i < first + c.count; ++i) {
            c.lo = glm::min(c.lo, mesh.positions[out.indices[i]]);
            c.hi = glm::max(c.hi, mesh.positions[out.indices[i]]);
        }
        out.clusters.push_back(c);
    }
    return out;
}

void mark_visible_clusters(const SkinClusters& clusters, const glm::vec3& eye,
                           const glm::mat4& view_proj, std::vector<std::uint8_t>& visible) {
    visible.assign(clusters.clusters.size(), 0);
    // Frustum planes from the matrix rows (Gribb & Hartmann), normalised: p·x + d >= 0 inside.
    const glm::vec4 row[4] = {{view_proj[0][0], view_proj[1][0], view_proj[2][0], view_proj[3][0]},
                              {view_proj[0][1], view_proj[1][1], view_proj[2][1], view_proj[3][1]},
                              {view_proj[0][2], view_proj[1][2], view_proj[2][2], view_proj[3][2]},
                              {view_proj[0][3], view_proj[1][3], view_proj[2][3], view_proj[3][3]}};
    std::array<glm::vec4, 6> planes = {row[3] + row[0], row[3] - row[0], row[3] + row[1],
                                       row[3] - row[1], row[3] + row[2], row[3] - row[2]};
    for (auto& p : planes) {
        const float length = glm::length(glm::vec3(p));
        if (length > 0.0f)
            p /= length;
    }
    for (std::size_t i = 0; i < clusters.clusters.size(); ++i) {
        const auto& c = clusters.clusters[i];
        bool inside = true;
        for (const auto& p : planes)
            inside = inside && glm::dot(glm::vec3(p), c.centre) + p.w >= -c.radius;
        if (!inside)
            continue;
        // Every triangle faces away when the eye lies in the cluster's back-facing cone
        // (meshoptimizer's test for perspective views).
        if (c.cone_cutoff < 1.0f) {
            const glm::vec3 to_apex = c.cone_apex - eye;
            const float distance = glm::length(to_apex);
            if (distance > 0.0f && glm::dot(to_apex / distance, c.cone_axis) >= c.cone_cutoff)
                continue;
        }
        visible[i] = 1;
    }
}

void gather_cluster_indices(const SkinClusters& clusters, const std::vector<std::uint8_t>& visible,
                            std::vector<std::uint32_t>& out) {
    out.clear();
    for (std::size_t i = 0; i < clusters.clusters.size() && i < visible.size(); ++i) {
        if (!visible[i])
            continue;
        const auto& c = clusters.clusters[i];
        out.insert(out.end(), clusters.indices.begin() + c.first,
                   clusters.indices.begin() + c.first + c.count);
    }
}

} // namespace injmap::render
