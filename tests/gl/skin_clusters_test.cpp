// Skin cluster culling (render/src/skin_clusters.hpp, private to injmap_render; no GL needed):
// every triangle lands in exactly one cluster, culling never drops a triangle that faces the
// camera inside the view, and on the default model it drops a worthwhile share of the skin.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include <glm/geometric.hpp>
#include <glm/vec4.hpp>

#include "../../render/src/skin_clusters.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::render {
namespace {

using Triangle = std::array<std::uint32_t, 3>;

std::vector<Triangle> triangles_of(const std::vector<std::uint32_t>& indices) {
    std::vector<Triangle> out;
    for (std::size_t t = 0; t + 2 < indices.size(); t += 3)
        out.push_back({indices[t], indices[t + 1], indices[t + 2]});
    std::sort(out.begin(), out.end());
    return out;
}

struct DefaultModel : ::testing::Test {
    static void SetUpTestSuite() {
        auto loaded = load_model_by_name("adult-male");
        ASSERT_TRUE(loaded.ok());
        model_ = new Model(std::move(*loaded.value));
        clusters_ = new SkinClusters(build_skin_clusters(model_->skin));
    }
    static void TearDownTestSuite() {
        delete clusters_;
        delete model_;
    }
    static glm::mat4 view_proj(const Camera& camera) {
        return projection_matrix(camera, 1.6f) * view_matrix(camera);
    }
    static Camera camera_for(std::string_view view) {
        const auto& pos = model_->skin.positions;
        return frame_points(pos, view, 1.6f, 0.06f).value();
    }
    static Model* model_;
    static SkinClusters* clusters_;
};
Model* DefaultModel::model_ = nullptr;
SkinClusters* DefaultModel::clusters_ = nullptr;

TEST_F(DefaultModel, EveryTriangleIsInExactlyOneCluster) {
    ASSERT_FALSE(clusters_->clusters.empty());
    EXPECT_EQ(triangles_of(clusters_->indices), triangles_of(model_->skin.indices));
    std::uint32_t next = 0;
    for (const auto& c : clusters_->clusters) {
        EXPECT_EQ(c.first, next);
        EXPECT_GT(c.count, 0u);
        EXPECT_EQ(c.count % 3, 0u);
        next = c.first + c.count;
    }
    EXPECT_EQ(next, clusters_->indices.size());
}

// A triangle whose centroid is inside the frustum and which faces the eye must be drawn.
TEST_F(DefaultModel, CullingKeepsEveryFrontFacingTriangleInView) {
    const auto& pos = model_->skin.positions;
    for (const auto view : view_names()) {
        const Camera camera = camera_for(view);
        const glm::vec3 eye = camera_basis(camera).eye;
        const glm::mat4 vp = view_proj(camera);
        std::vector<std::uint8_t> visible;
        mark_visible_clusters(*clusters_, eye, vp, visible);
        for (std::size_t k = 0; k < clusters_->clusters.size(); ++k) {
            if (visible[k])
                continue;
            const auto& c = clusters_->clusters[k];
            for (std::uint32_t i = c.first; i < c.first + c.count; i += 3) {
                const glm::vec3 a = pos[clusters_->indices[i]], b = pos[clusters_->indices[i + 1]],
                                d = pos[clusters_->indices[i + 2]];
                const glm::vec3 centroid = (a + b + d) / 3.0f;
                const glm::vec4 clip = vp * glm::vec4(centroid, 1.0f);
                const bool inside = clip.w > 0.0f && std::abs(clip.x) < clip.w &&
                                    std::abs(clip.y) < clip.w && std::abs(clip.z) < clip.w;
                const glm::vec3 normal = glm::cross(b - a, d - a);
                const bool facing = glm::dot(normal, eye - centroid) > 1e-6f * glm::length(normal);
                ASSERT_FALSE(inside && facing)
                    << view << ": cluster " << k << " culled with a visible triangle";
            }
        }
    }
}

// The point of clustering: about half the skin faces away from any view. Clusters straddling the
// silhouette are drawn whole, so a quarter or more is dropped in every standard view (a third to a
// half with the 100k-triangle skin's smaller clusters; 28-50 % with the 45k skin).
TEST_F(DefaultModel, CullingDropsAQuarterOfTheSkinInTheStandardViews) {
    for (const auto view : {"front", "back", "left", "oblique-left"}) {
        const Camera camera = camera_for(view);
        std::vector<std::uint8_t> visible;
        mark_visible_clusters(*clusters_, camera_basis(camera).eye, view_proj(camera), visible);
        std::size_t drawn = 0;
        for (std::size_t k = 0; k < visible.size(); ++k)
            if (visible[k])
                drawn += clusters_->clusters[k].count;
        const double share = double(drawn) / double(clusters_->indices.size());
        RecordProperty(std::string("drawn_share_") + view, std::to_string(share));
        std::printf("%s: %.1f %% of the skin's triangles drawn\n", view, 100.0 * share);
        EXPECT_LT(share, 0.75) << view;
    }
}

} // namespace
} // namespace injmap::render
