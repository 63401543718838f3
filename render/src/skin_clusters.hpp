#pragma once
// Cluster culling for the skin (private to injmap_render). On llvmpipe every triangle costs
// vertex shading, clipping and binning on one thread even when it faces away or lies outside the
// view, and the skin is most of the triangles. So the skin's triangles are grouped into spatially
// compact clusters (runs along a Morton curve) with a bounding sphere and a normal cone each; a
// frame draws only the clusters that can show: inside the view frustum and not wholly back-facing.
#include <cstdint>
#include <vector>

#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/mesh.hpp"

namespace injmap::render {

struct SkinClusters {
    struct Cluster {
        std::uint32_t first = 0; // offset into `indices`
        std::uint32_t count = 0; // indices (3 per triangle)
        glm::vec3 centre{0.0f};
        float radius = 0.0f;
        glm::vec3 cone_apex{0.0f};
        glm::vec3 cone_axis{0.0f};
        float cone_cutoff = 1.0f;     // cos of the cone's half angle; >= 1: no back-face test
        glm::vec3 lo{0.0f}, hi{0.0f}; // bounding box of the cluster's vertices
    };
    std::vector<std::uint32_t> indices; // the mesh's triangles, cluster after cluster
    std::vector<Cluster> clusters;
};

// Every triangle of `mesh` lands in exactly one cluster (same winding). Triangles with an index
// out of range are dropped.
[[nodiscard]] SkinClusters build_skin_clusters(const Mesh& mesh);

// Marks in `visible` (resized to the cluster count) the clusters that may cover a pixel for a
// perspective camera at `eye` with `view_proj`. Conservative: a cluster is dropped only when its
// bounding sphere lies wholly outside a frustum plane or every triangle in it faces away.
void mark_visible_clusters(const SkinClusters& clusters, const glm::vec3& eye,
                           const glm::mat4& view_proj, std::vector<std::uint8_t>& visible);

// The indices of the marked clusters, in order (replaces `out`).
void gather_cluster_indices(const SkinClusters& clusters, const std::vector<std::uint8_t>& visible,
                            std::vector<std::uint32_t>& out);

} // namespace injmap::render
