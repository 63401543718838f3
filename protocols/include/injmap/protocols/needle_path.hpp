#pragma once
// The needle path of a placed site: the structures (muscles, bones, structures to avoid) the
// straight needle line crosses from the skin point along the needle direction, with the depth at
// which it enters and leaves each, skin = 0 mm. Used by `injmap check --json` (needle_path), the
// validator rule placement.muscle-not-reached and the drill's muscle hit.
//
// How: a ray from 2 mm outside the skin point along the direction is crossed with every muscle,
// bone and avoid-structure mesh whose bounding box it meets (ModelQueries builds those indices
// lazily); each closed mesh's crossings are paired entering/leaving by the triangles' facing. The
// path reaches kNeedleReachMm, or stops after the first bone it enters (structures entered past
// that bone's far side are left out). A structure still entered at the reach leaves "at" the reach;
// one the ray starts inside enters at 0.
//
// Depth: the site's depth_mm when the protocol states one, else a default per muscle key
// (default_needle_depths(), each with its basis; docs/protocol-format.md lists them).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

inline constexpr float kNeedleReachMm = 60.0f;

enum class StructureKind { muscle, bone, avoid };
[[nodiscard]] const char* to_string(StructureKind kind);

struct NeedleSegment {
    std::string structure; // the muscle's, bone's or avoid structure's id, e.g. "frontalis"
    StructureKind kind = StructureKind::muscle;
    Side side = Side::midline;
    float enters_mm = 0.0f; // along the needle from the skin point
    float leaves_mm = 0.0f;
    std::size_t index = 0; // into Model::muscles, Model::bones or Model::avoid (by kind)
};

// Which structures a path looks at: muscles_and_bones also takes the structures to avoid
// (Model::avoid). Muscles only skips the bones' indices (the skull's is the largest to build): for
// a question about muscles within a needle's length, where the bones lie under the muscles anyway.
enum class PathStructures { muscles_and_bones, muscles };

// Ordered by enters_mm. Empty for a zero or not finite direction.
[[nodiscard]] std::vector<NeedleSegment>
needle_path(const ModelQueries& queries, const glm::vec3& skin_point, const glm::vec3& direction,
            float reach_mm = kNeedleReachMm,
            PathStructures structures = PathStructures::muscles_and_bones);
// The path of a placed site (empty when it was not placed).
[[nodiscard]] std::vector<NeedleSegment>
needle_path(const ModelQueries& queries, const PlacedSite& site, float reach_mm = kNeedleReachMm,
            PathStructures structures = PathStructures::muscles_and_bones);

// The distance from the needle segment (skin point → depth_mm along the direction) to the surface
// of a structure to avoid: 0 when the segment enters it.
struct AvoidDistance {
    std::size_t index = 0; // into Model::avoid
    float distance_mm = 0.0f;
};
// The distance from the segment a → b to a closed mesh's surface, 0 when the segment crosses it or
// lies inside. Sampled every 0.5 mm and refined around the nearest sample (error well under
// 0.05 mm for the thin tubes of the default models). Infinity for an empty index.
[[nodiscard]] float segment_distance(const SurfaceIndex& index, const glm::vec3& a,
                                     const glm::vec3& b);
// Every structure to avoid with its distance from the needle segment, nearest first.
[[nodiscard]] std::vector<AvoidDistance> avoid_distances(const ModelQueries& queries,
                                                         const glm::vec3& skin_point,
                                                         const glm::vec3& direction,
                                                         float depth_mm);

struct NeedleDepthDefault {
    const char* muscle; // muscle id or group key; "" for every other muscle
    double depth_mm;
    const char* basis;
};
[[nodiscard]] const std::vector<NeedleDepthDefault>& default_needle_depths();
[[nodiscard]] double default_needle_depth_mm(std::string_view muscle_key);
// The site's stated depth_mm, else the default for its muscle key.
[[nodiscard]] double needle_depth_mm(const Site& site);

// Whether `muscle` is one the site's key stands for (a group's members included,
// Model::expand_muscle_key) on the site's side; midline sites and midline muscles match either
// side.
[[nodiscard]] bool is_site_target(const Model& model, const Site& site, const Muscle& muscle);
// The depth at which the path first enters one of the site's target muscles, if it does.
[[nodiscard]] std::optional<float> target_entered_mm(const Model& model, const Site& site,
                                                     const std::vector<NeedleSegment>& path);

// The path in words for the clinician's step card, depths to 0.1 mm (".0" dropped), e.g. "through
// frontalis 2.5–5.5 mm; corrugator from 6.5 mm; bone (cranium) from 9 mm": each muscle with its
// span ("from" when it is still entered at the end of the path), then the first bone; a structure
// to avoid as its id in words, e.g. "supratrochlear nerve (to avoid) from 3.4 mm". "" when the path
// is empty.
[[nodiscard]] std::string describe_needle_path(const std::vector<NeedleSegment>& path);

} // namespace injmap
