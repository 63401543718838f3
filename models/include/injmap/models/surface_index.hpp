#pragma once
// Spatial queries on triangle meshes through a bounding volume hierarchy: closest point, ray cast,
// and (ModelQueries) the muscle under a point of the skin. Used by site placement, picking and
// training scores. Builds once per mesh; queries are const and thread-safe.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"

namespace injmap {

struct SurfaceHit {
    glm::vec3 point{0.0f};
    glm::vec3 normal{0.0f, 1.0f, 0.0f}; // interpolated vertex normal (face normal without normals)
    std::uint32_t triangle = 0;
    float distance = 0.0f; // from the query point, or along the ray
};

// One crossing of a ray with a mesh's surface (SurfaceIndex::ray_crossings).
struct RayCrossing {
    float distance = 0.0f; // along the ray (mm when the direction's length is ignored: it is)
    bool entering = false; // the ray goes against the triangle's outward (counter-clockwise) face
    std::uint32_t triangle = 0; // the mesh's triangle index
};

class SurfaceIndex {
public:
    SurfaceIndex();
    explicit SurfaceIndex(const Mesh& mesh); // copies what it needs; the mesh may go away
    ~SurfaceIndex();
    SurfaceIndex(SurfaceIndex&&) noexcept;
    SurfaceIndex& operator=(SurfaceIndex&&) noexcept;

    [[nodiscard]] bool empty() const;
    // Closest point on the surface; nullopt only for an empty mesh. With a max_distance, nullopt
    // also when no surface lies within it (the bound prunes the search: far misses are cheap).
    [[nodiscard]] std::optional<SurfaceHit>
    closest_point(const glm::vec3& p,
                  float max_distance = std::numeric_limits<float>::infinity()) const;
    // First hit along origin + t·direction for t in (0, max_distance]; direction need not be unit.
    [[nodiscard]] std::optional<SurfaceHit>
    ray_cast(const glm::vec3& origin, const glm::vec3& direction,
             float max_distance = std::numeric_limits<float>::infinity()) const;
    // Every crossing along origin + t·direction for t in (0, max_distance], nearest first (a ray
    // through a shared edge or vertex may report each triangle there). For a closed mesh the
    // crossings alternate entering/leaving once such duplicates are merged (needle_path does).
    [[nodiscard]] std::vector<RayCrossing>
    ray_crossings(const glm::vec3& origin, const glm::vec3& direction,
                  float max_distance = std::numeric_limits<float>::infinity()) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Skin, muscle and bone indices for one model. The skin's is built at construction; a muscle's or
// bone's the first time a query needs it (muscle_under() skips muscles whose bounding box is out of
// reach), so placing a protocol's sites indexes only the muscles near them. Thread-safe like the
// indices.
class ModelQueries {
public:
    explicit ModelQueries(const Model& model); // keeps a reference: the model must outlive this
    ~ModelQueries();
    ModelQueries(const ModelQueries&) = delete;
    ModelQueries& operator=(const ModelQueries&) = delete;

    [[nodiscard]] const Model& model() const { return model_; }
    [[nodiscard]] const SurfaceIndex& skin() const { return skin_; }
    // The muscle under a skin point: the first muscle surface met going inward along -normal within
    // max_depth_mm, else the muscle whose surface is nearest within max_depth_mm. nullptr if none.
    [[nodiscard]] const Muscle* muscle_under(const glm::vec3& skin_point,
                                             const glm::vec3& skin_normal,
                                             float max_depth_mm = 30.0f) const;
    // Built on first use.
    [[nodiscard]] const SurfaceIndex& muscle_index(std::size_t muscle) const;
    [[nodiscard]] const SurfaceIndex& bone_index(std::size_t bone) const;
    // Bounding boxes of the meshes (computed at construction, no index needed).
    [[nodiscard]] const Bounds& muscle_bounds(std::size_t muscle) const;
    [[nodiscard]] const Bounds& bone_bounds(std::size_t bone) const;
    // The structures to avoid (Model::avoid), likewise: index built on first use, bounds now.
    [[nodiscard]] const SurfaceIndex& avoid_index(std::size_t avoid) const;
    [[nodiscard]] const Bounds& avoid_bounds(std::size_t avoid) const;

private:
    struct LazyIndex;
    const Model& model_;
    SurfaceIndex skin_;
    std::unique_ptr<LazyIndex[]> muscles_; // parallel to model.muscles
    std::unique_ptr<LazyIndex[]> bones_;   // parallel to model.bones
    std::unique_ptr<LazyIndex[]> avoid_;   // parallel to model.avoid
};

} // namespace injmap
