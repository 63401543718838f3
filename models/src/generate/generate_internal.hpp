#pragma once
// Internals of the model generator (models/src/generate/*.cpp). Not a public interface.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "head_shape.hpp"
#include "injmap/models/generate.hpp"
#include "injmap/models/mesh.hpp"
#include "injmap/models/model.hpp"
#include "sdf_primitives.hpp"

namespace injmap::gen {

// Construction points and sizes in model space (mm), all for the subject's left side (x ≥ 0); the
// body is mirror-symmetric. Filled from BodyProportions (landmark-first): every primitive of the
// body field and every muscle attachment is placed relative to these.
struct Skeleton {
    bool male = true;
    HeadShape head;        // the head's construction values (reference mm, before scaling)
    vec3 head_scale{1.0f}; // head relative to the male reference head (breadth, height, length)
    vec3 face_scale{1.0f};
    vec3 trunk_scale{1.0f};
    float neck_scale = 1.0f;

    // Cranium and face
    vec3 cranium_centre, cranium_radii;
    vec3 eye;    // centre of the (closed) eye
    vec3 nasion; // bridge of the nose (construction point inside the skin)
    vec3 nose_tip;
    vec3 mouth;                   // stomion
    vec3 chin;                    // mental protuberance centre
    vec3 gonion;                  // angle of the jaw
    vec3 tmj;                     // jaw joint, in front of the ear
    vec3 ear_centre;              // centre of the ear's plate
    glm::mat3 ear_to_local{1.0f}; // rows: along the ear (up), across (back→front), out of its plane
    float ear_height = 0.0f, ear_width = 0.0f;
    vec3 mastoid; // tip of the mastoid process (inside the skin)
    vec3 inion;   // external occipital protuberance (inside the skin)

    // Neck
    vec3 neck_top, neck_bottom;
    float neck_top_radius = 0.0f, neck_bottom_radius = 0.0f;

    // Trunk
    float c7_height = 0.0f;           // y of the C7 spinous process
    float spine_step = 0.0f;          // vertical distance between successive spinous processes
    float suprasternal_height = 0.0f; // y of the suprasternal notch
    vec3 sternoclavicular;
    vec3 clavicle_mid;
    vec3 clavicle_lateral;
    vec3 acromion; // lateral tip of the acromion (inside the skin)
    vec3 deltoid_centre, deltoid_radii;
    vec3 scapula_superior_angle;
    vec3 scapular_spine_medial;
    float cut_height = 0.0f; // the bust is cut open at y = cut_height

    // Bounding box of the whole body (both sides).
    vec3 box_min, box_max;
};

[[nodiscard]] Skeleton make_skeleton(const BodyProportions& proportions);
// The same with the head's construction values given (the shape tuner's entry point).
[[nodiscard]] Skeleton make_skeleton(const BodyProportions& proportions, const HeadShape& head);

// The skin as a signed distance bound (mm, negative inside). Thread-safe, immutable.
class BodySdf {
public:
    explicit BodySdf(const Skeleton& skeleton);
    [[nodiscard]] float operator()(vec3 p) const;
    // The airway (oral cavity, fauces, pharynx, nasal passages) as a field of its own, negative
    // inside the hollow; the skin field is cut by it.
    [[nodiscard]] float airway(vec3 p) const;
    // Unnormalised gradient by the tetrahedron trick with step eps.
    [[nodiscard]] vec3 gradient(vec3 p, float eps = 0.5f) const;
    [[nodiscard]] vec3 normal(vec3 p, float eps = 0.5f) const;
    // Newton steps p ← p − f·∇f/|∇f|² onto the zero set.
    [[nodiscard]] vec3 project(vec3 p, int iterations = 6) const;
    // The first surface crossing going from `outside` towards `inside` (must be inside the skin).
    [[nodiscard]] std::optional<vec3> cast(vec3 outside, vec3 inside) const;
    [[nodiscard]] const Skeleton& skeleton() const { return s_; }

    struct Parts; // the primitives, placed from the skeleton (body_sdf.cpp)

private:
    void lay_relief(Parts& parts);
    Skeleton s_;
    std::shared_ptr<const Parts> parts_;
};

// Runs body(i) for i in [0, n) on `threads` threads (0 = hardware concurrency).
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& body);

// Naive surface nets over the narrow band of the field, cut open at y = skeleton.cut_height;
// vertices projected onto the zero set, normals from the gradient; exactly mirror-symmetric in x.
// With target_triangles > 0, decimated to about that many triangles (decimate_mirrored).
[[nodiscard]] Mesh mesh_skin(const BodySdf& sdf, float voxel, unsigned threads,
                             std::size_t target_triangles = 0);

// Quadric-error decimation (meshoptimizer) of a mesh that is its own mirror image in x: the left
// half is simplified with its borders locked (the bust cut and the strip of triangles across the
// midline), the right half is rebuilt as its mirror, so the result stays exactly symmetric.
// `mirror[v]` is v's mirror vertex, `left[v]` whether v lies left of the midline. Vertices keep
// their positions and normals (a subset of the input's); the index order is optimised for the
// post-transform vertex cache. Returns about target_triangles triangles.
[[nodiscard]] Mesh decimate_mirrored(const Mesh& mesh, const std::vector<std::uint32_t>& mirror,
                                     const std::vector<std::uint8_t>& left,
                                     std::size_t target_triangles);

// Every standard landmark (landmark_names.hpp), snapped onto the mesh, left/right mirrored.
// Throws std::logic_error if one is missing (a bug in the generator, never bad input).
[[nodiscard]] std::map<std::string, glm::vec3> place_landmarks(const BodySdf& sdf,
                                                               const Mesh& skin);

// Points on the skin, found the way the muscle and structure builders place their attachments
// (shaping.cpp): cast from outside towards a point inside (or, when the ray misses, the skin point
// nearest to it), looking at the face (front), at the back, or at the left side.
struct SkinPoints {
    const BodySdf& sdf;
    [[nodiscard]] vec3 cast(vec3 outside, vec3 inside) const;
    [[nodiscard]] vec3 front(float x, float y, float z_in = 0.0f) const;
    [[nodiscard]] vec3 back(float x, float y, float z_in = 0.0f) const;
    [[nodiscard]] vec3 lateral(float y, float z) const;
    [[nodiscard]] vec3 on_skin(vec3 p) const;
};

// Shared by the builders of muscles, bones and structures to avoid (shaping.cpp):
// the uniform Catmull-Rom spline through `points` at t in [0, 1] (ends extrapolated);
[[nodiscard]] vec3 catmull_rom(const std::vector<vec3>& points, float t);
// every vertex pushed at least min_depth under the skin field, then the normals recomputed;
void sink_under_skin(const BodySdf& sdf, Mesh& mesh, float min_depth);
// the mirror image in x (positions, normals, winding) of a left-side mesh.
[[nodiscard]] Mesh mirrored_mesh(const Mesh& mesh);

// The muscles of both sides (right = mirror of left), under the skin.
[[nodiscard]] std::vector<Muscle> build_muscles(const BodySdf& sdf,
                                                const std::map<std::string, glm::vec3>& landmarks);

// Surface nets of any field (negative inside) over the box [lo, hi] with cell size h, without the
// skin's mirroring or cut (field_mesh.cpp): normals from the field's gradient, specks dropped and,
// with target_triangles > 0, decimated to about that many triangles.
[[nodiscard]] Mesh mesh_field(const std::function<float(vec3)>& field, vec3 lo, vec3 hi, float h,
                              unsigned threads, std::size_t target_triangles = 0);

// The bones under the skin (bones.cpp), each a field of primitives placed from the skeleton and
// kept at least a soft-tissue depth inside the skin field; left/right bones are mirror images.
[[nodiscard]] std::vector<Bone> build_bones(const BodySdf& sdf, unsigned threads);

// The structures to avoid (avoid.cpp): nerves and vessels as thin tubes along their courses, the
// brachial plexus, the lung's apex; placed from the landmarks, muscles and bones of `model`.
[[nodiscard]] std::vector<AvoidStructure> build_avoid(const BodySdf& sdf, const Model& model);

// Closest point on the mesh to p (brute force over the triangles near p's nearest vertices).
[[nodiscard]] glm::vec3 closest_on_mesh(const Mesh& mesh, glm::vec3 p);

} // namespace injmap::gen
