// Layers a user understands (issue #15, item 6), in process on the default model: Muscles with Skin
// on shows the muscles, hidden muscles are neither drawn nor picked, and the hover names of
// muscles and bones (app/gui/hover_text.cpp) from picking with the Bones layer on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "gui/hover_text.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/picking.hpp"
#include "injmap/render/renderer.hpp"

using namespace injmap;
using namespace injmap::render;

namespace {

struct World {
    Model model;
    std::unique_ptr<ModelQueries> queries;
};

class LayersPick : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto w = std::make_unique<World>();
        auto model = load_model_by_name("adult-male");
        ASSERT_TRUE(model.ok());
        w->model = std::move(*model.value);
        w->queries = std::make_unique<ModelQueries>(w->model);
        world_ = w.release();
    }
    static void TearDownTestSuite() { delete world_; }

    // The whole model from a named view, 640x400, nothing but the given layers.
    static FrameSnapshot frame(std::string_view view, Layers layers) {
        FrameSnapshot f;
        f.model = &world_->model;
        f.skin_index = &world_->queries->skin();
        f.width = 640;
        f.height = 400;
        f.layers = layers;
        f.layers.markers = f.layers.labels = f.layers.needles = false;
        std::vector<glm::vec3> points;
        const auto& pos = world_->model.skin.positions;
        for (std::size_t i = 0; i < pos.size(); i += 16)
            points.push_back(pos[i]);
        f.camera = *frame_points(points, view, 640.0f / 400.0f, 0.06f);
        return f;
    }

    // The pixel of the mesh's vertex nearest the camera of `f` (a point the camera sees head on),
    // among those within 10 mm (across X) of the middle of the mesh's extent in X.
    // The vertex nearest the eye in the middle band of the mesh (at or above min_y: the frontalis's
    // lowest fibres lie under the orbital orbicularis at the brow).
    static glm::vec2 nearest_vertex_pixel(const FrameSnapshot& f, const Mesh& mesh,
                                          float min_y = -1e9f) {
        float lo = 1e9f, hi = -1e9f;
        for (const auto& p : mesh.positions) {
            lo = std::min(lo, p.x);
            hi = std::max(hi, p.x);
        }
        const float mid = (lo + hi) * 0.5f;
        const glm::vec3 eye = camera_eye(f.camera);
        glm::vec3 best{1e9f};
        for (const auto& p : mesh.positions)
            if (std::abs(p.x - mid) < 10.0f && p.y >= min_y &&
                glm::length(p - eye) < glm::length(best - eye))
                best = p;
        return project(f.camera, f.width, f.height, best).pixel;
    }

    static World* world_;
};
World* LayersPick::world_ = nullptr;

Layers only(bool skin, bool muscles, bool bones, bool xray = false) {
    Layers l;
    l.skin = skin;
    l.muscles = muscles;
    l.bones = bones;
    l.xray = xray;
    return l;
}

} // namespace

TEST_F(LayersPick, HoverNamesSayWhatAndWhichSide) {
    Muscle m;
    m.id = "splenius_capitis";
    m.side = Side::left;
    EXPECT_EQ(gui::muscle_hover_name(m), "Splenius capitis (left)");
    m.id = "procerus";
    m.side = Side::midline;
    EXPECT_EQ(gui::muscle_hover_name(m), "Procerus");
    Bone b;
    b.id = "c7";
    EXPECT_EQ(gui::bone_hover_name(b), "C7 vertebra");
    b.id = "clavicle";
    b.side = Side::left;
    EXPECT_EQ(gui::bone_hover_name(b), "Left clavicle");
    b.id = "scapula";
    b.side = Side::right;
    EXPECT_EQ(gui::bone_hover_name(b), "Right scapula");
    EXPECT_EQ(gui::hover_text(PickResult{}), "");
}

TEST_F(LayersPick, PicksTheBoneUnderThePixelWithBonesShown) {
    const Model& model = world_->model;
    const Bone* clavicle = model.find_bone("clavicle", Side::left);
    const Bone* c7 = model.find_bone("c7");
    ASSERT_NE(clavicle, nullptr);
    ASSERT_NE(c7, nullptr);

    // Bones alone, and under the x-ray skin.
    for (const bool skin : {false, true}) {
        SCOPED_TRACE(skin ? "x-ray skin and bones" : "bones alone");
        const FrameSnapshot front = frame("front", only(skin, false, true, skin));
        const PickResult at_clavicle =
            pick(front, *world_->queries, nearest_vertex_pixel(front, clavicle->mesh));
        ASSERT_NE(at_clavicle.bone, nullptr);
        EXPECT_EQ(at_clavicle.bone->key(), "clavicle_left");
        EXPECT_TRUE(at_clavicle.bone_in_front);
        EXPECT_EQ(gui::hover_text(at_clavicle), "Left clavicle");

        const FrameSnapshot back = frame("back", only(skin, false, true, skin));
        const PickResult at_c7 = pick(back, *world_->queries, nearest_vertex_pixel(back, c7->mesh));
        ASSERT_NE(at_c7.bone, nullptr);
        EXPECT_EQ(at_c7.bone->id, "c7");
        EXPECT_EQ(gui::hover_text(at_c7), "C7 vertebra");
    }

    // Without the Bones layer, or under opaque skin, no bone is named.
    for (const bool bones : {false, true}) {
        const FrameSnapshot plain = frame("front", only(true, false, bones));
        const PickResult no_bone =
            pick(plain, *world_->queries, nearest_vertex_pixel(plain, clavicle->mesh));
        EXPECT_EQ(no_bone.bone, nullptr);
        EXPECT_NE(gui::hover_text(no_bone), "Left clavicle");
    }
}

TEST_F(LayersPick, HiddenMusclesAreNotPicked) {
    const Muscle* frontalis = world_->model.find_muscle("frontalis", Side::left);
    ASSERT_NE(frontalis, nullptr);
    FrameSnapshot f = frame("front", only(false, true, false));
    const glm::vec2 px =
        nearest_vertex_pixel(f, frontalis->mesh, world_->model.landmark("glabella")->y + 25.0f);
    const PickResult shown = pick(f, *world_->queries, px);
    ASSERT_NE(shown.muscle, nullptr);
    EXPECT_EQ(shown.muscle->key(), "frontalis_left");
    EXPECT_EQ(gui::hover_text(shown), "Frontalis (left)");

    f.hidden_muscles = {"frontalis"};
    const PickResult hidden = pick(f, *world_->queries, px);
    EXPECT_TRUE(hidden.muscle == nullptr || hidden.muscle->id != "frontalis");
}

class LayersRender : public LayersPick {
protected:
    static void SetUpTestSuite() {
        ::unsetenv("DISPLAY");
        LayersPick::SetUpTestSuite();
        std::string error;
        context_ = EglContext::create(error).release();
        ASSERT_NE(context_, nullptr) << error;
        renderer_ = Renderer::create(error).release();
        ASSERT_NE(renderer_, nullptr) << error;
    }
    static void TearDownTestSuite() {
        delete renderer_;
        delete context_;
        LayersPick::TearDownTestSuite();
    }
    static glm::ivec3 pixel(const std::vector<std::uint8_t>& rgba, int width, glm::vec2 at) {
        const std::size_t i = (std::size_t(at.y) * std::size_t(width) + std::size_t(at.x)) * 4;
        return {rgba[i], rgba[i + 1], rgba[i + 2]};
    }
    static EglContext* context_;
    static Renderer* renderer_;
};
EglContext* LayersRender::context_ = nullptr;
Renderer* LayersRender::renderer_ = nullptr;

TEST_F(LayersRender, MusclesWithSkinOnShowTheMuscles) {
    const FrameSnapshot skin = frame("front", only(true, false, false));
    const FrameSnapshot both = frame("front", only(true, true, false));
    const auto a = renderer_->render_rgba(skin);
    const auto b = renderer_->render_rgba(both);
    ASSERT_EQ(a.size(), b.size());
    // Where the model is (not backdrop in either), the muscles change the picture clearly and
    // make it redder (the muscles' colour through the skin).
    int model_pixels = 0, changed = 0;
    double redness_skin = 0.0, redness_both = 0.0;
    const auto background = renderer_->render_rgba(frame("front", only(false, false, false)));
    for (std::size_t i = 0; i < a.size(); i += 4) {
        int d_bg = 0, d = 0;
        for (int c = 0; c < 3; ++c) {
            d_bg = std::max(d_bg, std::abs(int(a[i + c]) - int(background[i + c])));
            d = std::max(d, std::abs(int(a[i + c]) - int(b[i + c])));
        }
        if (d_bg > 8) {
            ++model_pixels;
            if (d > 24) {
                ++changed;
                redness_skin += int(a[i]) - int(a[i + 1]);
                redness_both += int(b[i]) - int(b[i + 1]);
            }
        }
    }
    ASSERT_GT(model_pixels, 1000);
    // The front shows frontalis, temporalis, sternocleidomastoid, scalenes and trapezius.
    EXPECT_GT(double(changed) / model_pixels, 0.08) << changed << " of " << model_pixels;
    EXPECT_GT(redness_both, redness_skin * 1.1);
}

TEST_F(LayersRender, SkinAloneIsUnchangedByTheMuscleLayerBeingOff) {
    // Skin alone and Skin with hidden muscles listed draw the same (the list only matters with
    // muscles shown).
    FrameSnapshot skin = frame("front", only(true, false, false));
    const auto a = renderer_->render_rgba(skin);
    skin.hidden_muscles = {"frontalis", "trapezius"};
    EXPECT_EQ(renderer_->render_rgba(skin), a);
}

TEST_F(LayersRender, HiddenMusclesAreNotDrawn) {
    FrameSnapshot f = frame("front", only(false, true, false));
    const Muscle* frontalis = world_->model.find_muscle("frontalis", Side::left);
    ASSERT_NE(frontalis, nullptr);
    const glm::vec2 px =
        nearest_vertex_pixel(f, frontalis->mesh, world_->model.landmark("glabella")->y + 25.0f);
    const auto background = renderer_->render_rgba(frame("front", only(false, false, false)));
    const auto shown = renderer_->render_rgba(f);
    f.hidden_muscles = {"frontalis_left"};
    const auto hidden = renderer_->render_rgba(f);
    const glm::ivec3 bg = pixel(background, f.width, px);
    const glm::ivec3 s = pixel(shown, f.width, px), h = pixel(hidden, f.width, px);
    // Shown: muscle colour, not the backdrop; hidden: something else there.
    EXPECT_GT(glm::length(glm::vec3(s - bg)), 30.0f);
    EXPECT_GT(glm::length(glm::vec3(h - s)), 30.0f);
    // The right frontalis is still drawn.
    const Muscle* right = world_->model.find_muscle("frontalis", Side::right);
    ASSERT_NE(right, nullptr);
    const glm::vec2 rpx =
        nearest_vertex_pixel(f, right->mesh, world_->model.landmark("glabella")->y + 25.0f);
    EXPECT_EQ(pixel(shown, f.width, rpx), pixel(hidden, f.width, rpx));
}
