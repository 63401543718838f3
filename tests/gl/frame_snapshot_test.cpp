// FrameSnapshot comparison (issue #21): the window redraws only when the snapshot changed, so a
// field the comparison forgets freezes the picture. Each struct's fields are counted at compile
// time and every field has a mutation below; adding a field without a mutation fails to compile,
// and a comparison that ignores a field fails the mutation's test. No GL context needed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "injmap/render/frame.hpp"

using namespace injmap;
using namespace injmap::render;

namespace {

// The number of fields of an aggregate: the most initialisers T{...} accepts, each an AnyField
// (convertible to any member type, so no brace elision into nested aggregates).
struct AnyField {
    template <class T>
    operator T() const; // NOLINT: declared only, used in unevaluated contexts
};

template <class T, class... Fields>
consteval std::size_t field_count() {
    if constexpr (requires { T{Fields{}..., AnyField{}}; })
        return field_count<T, Fields..., AnyField>();
    else
        return sizeof...(Fields);
}

using Mutation = std::pair<const char*, std::function<void(FrameSnapshot&)>>;

// One mutation per field of each struct, in declaration order. The static_asserts tie each list's
// length to the struct's field count: a new field needs a new line here.
const Model kOtherModel{};
const SurfaceIndex kSomeIndex{};

const std::vector<Mutation> kFrameMutations = {
    {"model", [](FrameSnapshot& f) { f.model = &kOtherModel; }},
    {"layers", [](FrameSnapshot& f) { f.layers.xray = !f.layers.xray; }},
    {"skin_tone", [](FrameSnapshot& f) { f.skin_tone += 1; }},
    {"highlighted_muscles", [](FrameSnapshot& f) { f.highlighted_muscles.push_back("frontalis"); }},
    {"soft_highlighted_muscles",
     [](FrameSnapshot& f) { f.soft_highlighted_muscles.push_back("procerus"); }},
    {"markers", [](FrameSnapshot& f) { f.markers.emplace_back(); }},
    {"camera", [](FrameSnapshot& f) { f.camera.yaw_deg += 1.0f; }},
    {"width", [](FrameSnapshot& f) { f.width += 1; }},
    {"height", [](FrameSnapshot& f) { f.height += 1; }},
    {"antialias", [](FrameSnapshot& f) { f.antialias = !f.antialias; }},
    {"background", [](FrameSnapshot& f) { f.background.g += 0.01f; }},
    {"ui_scale", [](FrameSnapshot& f) { f.ui_scale += 0.5f; }},
    {"skin_index", [](FrameSnapshot& f) { f.skin_index = &kSomeIndex; }},
    {"regions",
     [](FrameSnapshot& f) {
         f.regions.push_back({"forehead", 1.0f});
     }},
    {"skin_muscle_tint", [](FrameSnapshot& f) { f.skin_muscle_tint = !f.skin_muscle_tint; }},
    {"hidden_muscles", [](FrameSnapshot& f) { f.hidden_muscles.push_back("masseter"); }},
    {"notes", [](FrameSnapshot& f) { f.notes.push_back("Not placed: trapezius_1_left"); }},
};
constexpr std::size_t kFrameFields = 17;
static_assert(field_count<FrameSnapshot>() == kFrameFields,
              "FrameSnapshot gained or lost a field: update kFrameMutations and kFrameFields");

const std::vector<Mutation> kLayerMutations = {
    {"layers.skin", [](FrameSnapshot& f) { f.layers.skin = !f.layers.skin; }},
    {"layers.muscles", [](FrameSnapshot& f) { f.layers.muscles = !f.layers.muscles; }},
    {"layers.xray", [](FrameSnapshot& f) { f.layers.xray = !f.layers.xray; }},
    {"layers.bones", [](FrameSnapshot& f) { f.layers.bones = !f.layers.bones; }},
    {"layers.markers", [](FrameSnapshot& f) { f.layers.markers = !f.layers.markers; }},
    {"layers.labels", [](FrameSnapshot& f) { f.layers.labels = !f.layers.labels; }},
    {"layers.needles", [](FrameSnapshot& f) { f.layers.needles = !f.layers.needles; }},
    {"layers.fibres", [](FrameSnapshot& f) { f.layers.fibres = !f.layers.fibres; }},
    {"layers.skin_paint", [](FrameSnapshot& f) { f.layers.skin_paint = !f.layers.skin_paint; }},
    {"layers.regions", [](FrameSnapshot& f) { f.layers.regions = !f.layers.regions; }},
    {"layers.avoid", [](FrameSnapshot& f) { f.layers.avoid = !f.layers.avoid; }},
};
constexpr std::size_t kLayerFields = 11;
static_assert(field_count<Layers>() == kLayerFields,
              "Layers gained or lost a field: update kLayerMutations and kLayerFields");

const std::vector<Mutation> kCameraMutations = {
    {"camera.target", [](FrameSnapshot& f) { f.camera.target.z += 1.0f; }},
    {"camera.yaw_deg", [](FrameSnapshot& f) { f.camera.yaw_deg += 1.0f; }},
    {"camera.pitch_deg", [](FrameSnapshot& f) { f.camera.pitch_deg += 1.0f; }},
    {"camera.distance_mm", [](FrameSnapshot& f) { f.camera.distance_mm += 1.0f; }},
    {"camera.fov_y_deg", [](FrameSnapshot& f) { f.camera.fov_y_deg += 1.0f; }},
};
constexpr std::size_t kCameraFields = 5;
static_assert(field_count<Camera>() == kCameraFields,
              "Camera gained or lost a field: update kCameraMutations and kCameraFields");

// The base frame has one marker and one region: these change them in place.
const std::vector<Mutation> kMarkerMutations = {
    {"marker.id", [](FrameSnapshot& f) { f.markers[0].id += "x"; }},
    {"marker.number", [](FrameSnapshot& f) { f.markers[0].number += 1; }},
    {"marker.position", [](FrameSnapshot& f) { f.markers[0].position.x += 0.001f; }},
    {"marker.normal", [](FrameSnapshot& f) { f.markers[0].normal.y += 0.001f; }},
    {"marker.needle_direction",
     [](FrameSnapshot& f) { f.markers[0].needle_direction.x += 0.001f; }},
    {"marker.state", [](FrameSnapshot& f) { f.markers[0].state = MarkerState::done; }},
    {"marker.label", [](FrameSnapshot& f) { f.markers[0].label = "Frontalis 4 U"; }},
    {"marker.pulse", [](FrameSnapshot& f) { f.markers[0].pulse += 0.1f; }},
};
constexpr std::size_t kMarkerFields = 8;
static_assert(field_count<Marker>() == kMarkerFields,
              "Marker gained or lost a field: update kMarkerMutations and kMarkerFields");

const std::vector<Mutation> kRegionMutations = {
    {"region.id", [](FrameSnapshot& f) { f.regions[0].id = "glabella"; }},
    {"region.strength", [](FrameSnapshot& f) { f.regions[0].strength = 0.35f; }},
};
constexpr std::size_t kRegionFields = 2;
static_assert(field_count<RegionHighlight>() == kRegionFields,
              "RegionHighlight gained or lost a field: update kRegionMutations and kRegionFields");

FrameSnapshot base_frame() {
    FrameSnapshot f;
    Marker m;
    m.id = "frontalis_1";
    m.number = 1;
    m.position = {10.0f, 20.0f, 30.0f};
    m.label = "Frontalis 5 U";
    f.markers.push_back(m);
    f.regions.push_back({"forehead", 1.0f});
    return f;
}

void expect_each_mutation_differs(const std::vector<Mutation>& mutations, std::size_t fields) {
    ASSERT_EQ(mutations.size(), fields);
    for (const auto& [name, mutate] : mutations) {
        const FrameSnapshot base = base_frame();
        FrameSnapshot changed = base;
        mutate(changed);
        EXPECT_FALSE(changed == base) << name;
        EXPECT_TRUE(changed != base) << name;
        // Antialiasing is the one field that does not change the picture.
        EXPECT_EQ(same_picture(base, changed), std::string(name) == "antialias") << name;
        EXPECT_EQ(same_picture(changed, base), std::string(name) == "antialias") << name;
    }
}

TEST(FrameSnapshot, CopiesCompareEqual) {
    const FrameSnapshot a = base_frame();
    const FrameSnapshot b = a;
    EXPECT_TRUE(a == b);
    EXPECT_TRUE(same_picture(a, b));
    EXPECT_TRUE(FrameSnapshot{} == FrameSnapshot{});
}

TEST(FrameSnapshot, EveryTopLevelFieldTakesPart) {
    expect_each_mutation_differs(kFrameMutations, kFrameFields);
}

TEST(FrameSnapshot, EveryLayerTakesPart) {
    expect_each_mutation_differs(kLayerMutations, kLayerFields);
}

TEST(FrameSnapshot, EveryCameraFieldTakesPart) {
    expect_each_mutation_differs(kCameraMutations, kCameraFields);
}

TEST(FrameSnapshot, EveryMarkerFieldTakesPart) {
    expect_each_mutation_differs(kMarkerMutations, kMarkerFields);
}

TEST(FrameSnapshot, EveryRegionFieldTakesPart) {
    expect_each_mutation_differs(kRegionMutations, kRegionFields);
}

// Floats compare exactly, as the hand-written comparison did: a camera nudged by one ulp is a new
// picture (the window must not keep a stale image during a slow drag).
TEST(FrameSnapshot, FloatsCompareExactly) {
    const FrameSnapshot a = base_frame();
    FrameSnapshot b = a;
    b.camera.distance_mm = std::nextafter(b.camera.distance_mm, 1e9f);
    EXPECT_FALSE(a == b);
}

// same_picture ignores antialiasing only: an antialiased copy of a changed frame still differs.
TEST(FrameSnapshot, SamePictureIgnoresOnlyAntialias) {
    FrameSnapshot a = base_frame();
    FrameSnapshot b = a;
    b.antialias = true;
    EXPECT_TRUE(same_picture(a, b));
    EXPECT_FALSE(a == b);
    b.width += 1;
    EXPECT_FALSE(same_picture(a, b));
    EXPECT_FALSE(same_picture(b, a));
}

} // namespace
