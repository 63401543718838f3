#include "skin_clusters.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <glm/geometric.hpp>
#include <glm/vec4.hpp>
#include <meshoptimizer.h>

namespace injmap::render {
namespace {

// Big enough to keep the per-frame work at a few hundred clusters, small enough that most
// clusters on the far side of a curved body face away as a whole.
constexpr std::size_t kMaxVertices = 64;
constexpr std::size_t kMaxTriangles = 32;
// Balances compact clusters against narrow normal cones (meshoptimizer's cone_weight).
constexpr float kConeWeight = 0.9f;

} // namespace

SkinClusters build_skin_clusters(const Mesh& mesh) {
    SkinClusters out;
    const std::size_t n = mesh.positions.size();
    std::vector<std::uint32_t> indices;
    indices.reserve(mesh.indices.size());
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        if (mesh.indices[t] < n && mesh.indices[t + 1] < n && mesh.indices[t + 2] < n)
            indices.insert(indices.end(),
                           {mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]});
    if (indices.empty())
        return out;

    const std::size_t max_meshlets =
        meshopt_buildMeshletsBound(indices.size(), kMaxVertices, kMaxTriangles);
    std::vector<meshopt_Meshlet> meshlets(max_meshlets);
    std::vector<unsigned int> meshlet_vertices(max_meshlets * kMaxVertices);
    std::vector<unsigned char> meshlet_triangles(max_meshlets * kMaxTriangles * 3);
    const float* positions = &mesh.positions[0].x;
    const std::size_t count = meshopt_buildMeshlets(
        meshlets.data(), meshlet_vertices.data(), meshlet_triangles.data(), indices.data(),
        indices.size(), positions, n, sizeof(glm::vec3), kMaxVertices, kMaxTriangles, kConeWeight);

    out.indices.reserve(indices.size());
    out.clusters.reserve(count);
    for (std::size_t m = 0; m < count; ++m) {
        const meshopt_Meshlet& ml = meshlets[m];
        SkinClusters::Cluster c;
        c.first = std::uint32_t(out.indices.size());
        c.count = ml.triangle_count * 3;
        for (std::size_t k = 0; k < std::size_t(ml.triangle_count) * 3; ++k)
            out.indices.push_back(
                meshlet_vertices[ml.vertex_offset + meshlet_triangles[ml.triangle_offset + k]]);
        const meshopt_Bounds b = meshopt_computeMeshletBounds(
            &meshlet_vertices[ml.vertex_offset], &meshlet_triangles[ml.triangle_offset],
            ml.triangle_count, positions, n, sizeof(glm::vec3));
        c.centre = {b.center[0], b.center[1], b.center[2]};
        c.radius = b.radius;
        c.cone_apex = {b.cone_apex[0], b.cone_apex[1], b.cone_apex[2]};
        c.cone_axis = {b.cone_axis[0], b.cone_axis[1], b.cone_axis[2]};
        c.cone_cutoff = b.cone_cutoff;
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
