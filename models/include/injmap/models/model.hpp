#pragma once
// The anatomical model as plain data: skin, muscles, bones, avoid structures, named groups and
// landmarks, in model space (millimetres, +Y up, +Z forward/face, +X the subject's left). Produced
// by the generator or by loading a manifest (manifest.hpp); consumed by placement, surface queries
// and the renderer.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>
#include <glm/vec4.hpp>

#include "injmap/models/mesh.hpp"

namespace injmap {

enum class Side { left, right, midline };
[[nodiscard]] const char* to_string(Side side);
[[nodiscard]] std::optional<Side> side_from_string(std::string_view text);

// aponeurosis: a tendon sheet that belongs to a muscle (the galea aponeurotica): drawn as tendon
// (its u is 0 everywhere), never a needle's target or a step's muscle.
enum class MuscleLayer { sheet, strap, deep, aponeurosis };

struct Muscle {
    std::string id; // anatomical key shared by both sides, e.g. "sternocleidomastoid"
    Side side = Side::midline;
    MuscleLayer layer = MuscleLayer::strap;
    Mesh mesh; // mesh.uvs.x runs origin (0) → insertion (1): the fibre direction
    std::vector<glm::vec3> fibre_directions; // per vertex, unit, tangent to the muscle surface

    [[nodiscard]] std::string key() const; // "id_side" or "id" for midline, e.g. "trapezius_left"
};

// A bone of the skeleton under the skin (closed surface, drawn by the Bones layer). Optional:
// imported models may have none.
struct Bone {
    std::string id; // e.g. "cranium", "mandible", "c7", "t1", "clavicle", "scapula", "manubrium"
    Side side = Side::midline;
    Mesh mesh;

    [[nodiscard]] std::string key() const; // "id_side" or "id" for midline, e.g. "clavicle_left"
};

// One of the seven PREEMPT injection regions of the skin (skin_regions.hpp): the skin over its
// muscles, computed from the landmarks on load.
struct SkinRegion {
    std::string id;           // "forehead", "glabella", "temple_left", ... (stable, for reports)
    std::string display_name; // "Forehead", "Between the brows", ...
    // One per skin vertex (skin.positions), 0..1: 0.5 on the region's outline, linear across it
    // (from 0 at 12 mm outside to 1 at 12 mm inside; the renderer sharpens it to a ~10 mm edge).
    // At any vertex the weights of all regions add up to at most 1.
    std::vector<float> weight;
};

// A structure the needle should keep away from (nerve, artery, vein, the brachial plexus, the
// lung's apex), drawn by the Avoid layer and checked by the validator (placement.near-structure). A
// closed surface (thin tubes for nerves and vessels). Optional: imported models may have none.
struct AvoidStructure {
    std::string id; // e.g. "supraorbital_nerve", "superficial_temporal_artery", "lung_apex"
    Side side = Side::midline;
    std::string kind;         // "nerve", "artery", "vein", "plexus" or "lung"
    std::string display_name; // "Supraorbital nerve" (shown on hover and in warnings)
    float warn_mm = 5.0f;     // a needle path closer than this draws placement.near-structure
    Mesh mesh;

    [[nodiscard]] std::string key() const; // "id_side" or "id" for midline
};

// The avoid kinds and their default warning distances (mm): nerve, artery, vein, plexus 5; lung 10.
[[nodiscard]] bool is_avoid_kind(std::string_view kind);
[[nodiscard]] float default_avoid_warn_mm(std::string_view kind);

// A new value on each call, process-wide and thread-safe, never 0: for Model::generation.
[[nodiscard]] std::uint64_t next_model_generation();

// Model::generation: what caches of a model's meshes (the renderer's GPU meshes) are keyed by,
// instead of the Model's address, which a later model may reuse. Each Model made (loaded,
// generated or built in code) gets a fresh value, and so does a copy (it may be changed
// afterwards, as tests do); a move hands the value on (the moved-from model gets a fresh one).
// Code that changes a model's meshes in place after it was drawn calls renew().
class ModelGeneration {
public:
    ModelGeneration() : value_(next_model_generation()) {}
    ModelGeneration(const ModelGeneration&) : value_(next_model_generation()) {}
    ModelGeneration(ModelGeneration&& other) noexcept : value_(other.value_) { other.renew(); }
    ModelGeneration& operator=(const ModelGeneration& other) {
        if (this != &other)
            renew();
        return *this;
    }
    ModelGeneration& operator=(ModelGeneration&& other) noexcept {
        if (this != &other) {
            value_ = other.value_;
            other.renew();
        }
        return *this;
    }
    ~ModelGeneration() = default;

    [[nodiscard]] std::uint64_t value() const { return value_; }
    void renew() { value_ = next_model_generation(); }

private:
    std::uint64_t value_;
};

struct Model {
    std::string id;           // "adult-male"
    std::string display_name; // "Adult male (generated)"
    std::string sex;          // "male", "female" or "unspecified"
    std::filesystem::path manifest_path;
    std::filesystem::path skin_path; // absolute path of the OBJ holding the skin
    Mesh skin;
    std::vector<Muscle> muscles;
    std::vector<Bone> bones;                                // empty for models without a skeleton
    std::map<std::string, std::vector<std::string>> groups; // group key → muscle ids
    std::map<std::string, glm::vec3> landmarks;             // name → point on the skin (mm)
    // Colour regions of the skin, one per skin vertex (or empty): (hair, brow, lip, brow_strand),
    // weights 0..1 and a coordinate (mm) across the eyebrow's hairs, for its texture. Computed
    // from the landmarks on load (skin_paint.hpp).
    std::vector<glm::vec4> skin_paint;
    // The seven PREEMPT injection regions (or fewer, when landmarks are missing), computed from the
    // landmarks on load (skin_regions.hpp).
    std::vector<SkinRegion> regions;
    std::vector<AvoidStructure> avoid; // empty for models without them
    ModelGeneration generation;        // the key of caches of its meshes (see ModelGeneration)

    [[nodiscard]] const Muscle* find_muscle(std::string_view id, Side side) const;
    [[nodiscard]] const Bone* find_bone(std::string_view id, Side side = Side::midline) const;
    [[nodiscard]] const AvoidStructure* find_avoid(std::string_view id, Side side) const;
    [[nodiscard]] std::optional<glm::vec3> landmark(std::string_view name) const;
    // Muscle ids a key stands for: a group's members, or the key itself when it is a muscle id.
    [[nodiscard]] std::vector<std::string> expand_muscle_key(std::string_view key) const;
    [[nodiscard]] const SkinRegion* find_region(std::string_view id) const;
};

} // namespace injmap
