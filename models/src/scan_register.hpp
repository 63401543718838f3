#pragma once
// The registration behind fit_landmarks (scan_fit.hpp): a similarity from matched points (Umeyama)
// and a non-rigid ICP of a template surface onto a scan (Amberg, Romdhani and Vetter 2007: one
// affine transform per template vertex, kept alike across edges by a stiffness that is lowered
// step by step, pulled toward the closest points of the scan and held at the user's points).
// Internal to injmap_models; Eigen stays behind this header.
#include <cstdint>
#include <vector>

#include <glm/mat3x3.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/mesh.hpp"
#include "injmap/models/surface_index.hpp"

namespace injmap::detail {

struct Similarity {
    glm::mat3 rotation{1.0f};
    float scale = 1.0f;
    glm::vec3 translation{0.0f};
    float rms_mm = 0.0f; // residual at the points
    float max_mm = 0.0f;
    bool degenerate = false; // the points (either set) lie on a line or in one spot

    [[nodiscard]] glm::vec3 apply(const glm::vec3& p) const {
        return scale * (rotation * p) + translation;
    }
};

// The similarity (rotation, uniform scale, translation) taking `from` closest to `to` in the least
// squares sense; at least three pairs.
[[nodiscard]] Similarity fit_similarity(const std::vector<glm::vec3>& from,
                                        const std::vector<glm::vec3>& to);

// A point of the template surface, fixed to a triangle by barycentric weights.
struct SurfacePoint {
    std::uint32_t triangle = 0;
    glm::vec3 weights{1.0f / 3.0f};
    glm::vec3 point{0.0f}; // where it lies (it may sit a little off the triangle)
};

// A point of the template held at a target (a landmark the user gave).
struct PointConstraint {
    SurfacePoint at;
    glm::vec3 target{0.0f};
};

// The scan as registration sees it: its skin's index and which of the index's triangles touch an
// open boundary (matches there are not trusted: the scan simply stops).
struct RegistrationTarget {
    const SurfaceIndex* skin = nullptr;
    const std::vector<std::uint8_t>* boundary_triangle = nullptr;
    // Points of the scan's skin (with normals) that also pull the template toward themselves:
    // the closest template point of each (the matches the other way round, which keep a
    // template part that is wider than the scan's from staying where the similarity put it).
    std::vector<glm::vec3> samples, sample_normals;
};

struct RegistrationResult {
    float surface_mean_mm = 0.0f;  // mean distance of the matched template vertices to the scan
    float matched_fraction = 0.0f; // template vertices with a trusted match at the end
    int iterations = 0;
};

// Non-rigid ICP of `source` (a coarse template surface already placed on the scan by the
// similarity) onto the target. After run(), deform() maps a surface point of the source.
class NonRigidIcp {
public:
    explicit NonRigidIcp(const Mesh& source);
    RegistrationResult run(const RegistrationTarget& target,
                           const std::vector<PointConstraint>& constraints);
    [[nodiscard]] glm::vec3 deform(const SurfacePoint& p) const;
    [[nodiscard]] glm::vec3 deformed_normal(std::uint32_t triangle) const;
    [[nodiscard]] const std::vector<glm::vec3>& deformed_positions() const { return deformed_; }

private:
    Mesh source_;
    std::vector<std::uint8_t> source_boundary_; // per triangle: touches an open boundary
    std::vector<std::uint32_t> edges_;          // pairs of vertex indices
    std::vector<float> affine_;                 // per vertex 12 floats: a 4×3 matrix, row-major
    std::vector<glm::vec3> deformed_;           // source positions under the current affines
    glm::vec3 centre_{0.0f};
    float unit_ = 1.0f; // the solve works in (p - centre) / unit, about unit size

    void update_deformed();
};

// Triangles of `mesh` with a corner on an open boundary (an edge used by one triangle only).
[[nodiscard]] std::vector<std::uint8_t> boundary_triangles(const Mesh& mesh);

// The barycentric weights of `p` (a point on or near triangle a, b, c).
[[nodiscard]] glm::vec3 barycentric(const glm::vec3& p, const glm::vec3& a, const glm::vec3& b,
                                    const glm::vec3& c);

} // namespace injmap::detail
