// Framing (models/framing.hpp, app/gui/camera_control.cpp): a whole-model view frames the head and
// shoulders the landmarks outline, so a full-body scan shows its head as large as a head-and-
// shoulders one; without enough landmarks it frames the skin.
#include <gtest/gtest.h>

#include "gui/camera_control.hpp"
#include "injmap/models/framing.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;

// The model with a tall box under it (a standing body, 1.5 m of it), as one skin.
Model with_body_below(const Model& model) {
    Model out = model;
    const Bounds b = bounds_of(model.skin);
    const Mesh body = test::box({b.min.x, b.min.y - 1500.0f, b.min.z}, {b.max.x, b.min.y, b.max.z});
    const auto base = static_cast<std::uint32_t>(out.skin.positions.size());
    out.skin.positions.insert(out.skin.positions.end(), body.positions.begin(),
                              body.positions.end());
    out.skin.normals.insert(out.skin.normals.end(), body.normals.begin(), body.normals.end());
    for (std::uint32_t i : body.indices)
        out.skin.indices.push_back(base + i);
    return out;
}

void expect_same(const Bounds& a, const Bounds& b, float tolerance) {
    for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(a.min[k], b.min[k], tolerance) << k;
        EXPECT_NEAR(a.max[k], b.max[k], tolerance) << k;
    }
}

} // namespace

TEST(Framing, AFullBodyFramesTheSameHeadAsTheHeadAndShoulders) {
    const Model* model = test::default_model("adult-male");
    if (!model)
        GTEST_SKIP() << "the default model is not built";
    const Model body = with_body_below(*model);
    ASSERT_LT(bounds_of(body.skin).min.y, bounds_of(model->skin).min.y - 1000.0f);
    // The landmarks' box with its margin reaches 12 mm below the default mesh's cut at the chest:
    // framed alone the mesh ends there, with the body the box does. Otherwise the same box.
    const Bounds alone_box = framing_bounds(*model), body_box = framing_bounds(body);
    for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(body_box.max[k], alone_box.max[k], 1e-3f) << k;
        EXPECT_NEAR(body_box.min[k], alone_box.min[k], k == 1 ? 20.0f : 1e-3f) << k;
    }
    for (const char* view : {"front", "back", "left", "oblique-right"}) {
        const auto alone = gui::frame_model(*model, view, 1.6f);
        const auto tall = gui::frame_model(body, view, 1.6f);
        ASSERT_TRUE(alone && tall);
        // Nearly the same distance and target: the head is drawn the same size (within 4 %) in
        // nearly the same place.
        EXPECT_NEAR(tall->distance_mm, alone->distance_mm, 0.04f * alone->distance_mm) << view;
        EXPECT_LT(glm::distance(tall->target, alone->target), 10.0f) << view;
    }
    // The body framed whole would be far smaller.
    const Bounds all = bounds_of(body.skin);
    const auto whole =
        render::frame_points(std::vector<glm::vec3>{all.min, all.max}, "front", 1.6f);
    EXPECT_GT(whole->distance_mm, 2.0f * gui::frame_model(*model, "front", 1.6f)->distance_mm);
}

TEST(Framing, TheDefaultModelsAreFramedWhole) {
    // Their mesh is head, neck and shoulders: the landmarks' box with its margin holds it all, so
    // renders of the default models frame exactly what they did before.
    for (const char* id : {"adult-male", "adult-female"}) {
        const Model* model = test::default_model(id);
        if (!model)
            GTEST_SKIP() << id << " is not built";
        expect_same(framing_bounds(*model), bounds_of(model->skin), 1e-3f);
    }
}

TEST(Framing, WithoutEnoughLandmarksTheSkinIsFramed) {
    Model model;
    model.skin = test::box({-100.0f, -900.0f, -100.0f}, {100.0f, 100.0f, 100.0f});
    model.landmarks = {{"vertex", {0.0f, 100.0f, 0.0f}},
                       {"menton", {0.0f, -120.0f, 90.0f}},
                       {"tragion_left", {75.0f, 0.0f, 0.0f}}};
    expect_same(framing_bounds(model), bounds_of(model.skin), 1e-4f); // 3 < kFramingMinLandmarks
    model.landmarks["tragion_right"] = {-75.0f, 0.0f, 0.0f};
    const Bounds framed = framing_bounds(model);
    EXPECT_GT(framed.min.y, -300.0f); // the head and a margin, not the 900 mm below
    EXPECT_LT(framed.min.y, -120.0f);
    EXPECT_FLOAT_EQ(framed.max.y, 100.0f); // cut to the skin
    EXPECT_EQ(framing_corners(model).size(), 8u);
}
