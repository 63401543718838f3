// The skin's colour regions (hair, brows, lips; Model::skin_paint) as drawn: on a close front view
// of the default model, the brow, hair and lip pixels differ from the bare forehead in every skin
// tone and only while Layers::skin_paint is on; a site marker on the hair keeps its colour and
// white ring; the patient-mode glow still shows over the hair. INJMAP_PAINT_IMAGES=DIR keeps the
// images.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <glm/geometric.hpp>

#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/png.hpp"
#include "injmap/render/renderer.hpp"
#include "injmap/render/style.hpp"

using namespace injmap;
using namespace injmap::render;

namespace {

struct World {
    std::unique_ptr<EglContext> context;
    std::unique_ptr<Renderer> renderer;
    Model model;
    std::unique_ptr<SurfaceIndex> skin;
};

World* world_ = nullptr;

struct Image {
    std::vector<std::uint8_t> rgba;
    int width = 0, height = 0;

    // Mean colour of the 3×3 pixels around p (top-left origin).
    [[nodiscard]] glm::vec3 at(glm::vec2 p) const {
        glm::vec3 sum{0.0f};
        const int cx = int(p.x), cy = int(p.y);
        for (int y = cy - 1; y <= cy + 1; ++y)
            for (int x = cx - 1; x <= cx + 1; ++x) {
                const std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4;
                sum += glm::vec3(rgba[i], rgba[i + 1], rgba[i + 2]);
            }
        return sum / 9.0f;
    }
};

float difference(const glm::vec3& a, const glm::vec3& b) { // summed over the channels, 0..765
    const glm::vec3 d = glm::abs(a - b);
    return d.x + d.y + d.z;
}
float redness(const glm::vec3& c) {
    return (c.r - c.g) / std::max(c.r + c.g + c.b, 1.0f);
}
float luma(const glm::vec3& c) {
    return glm::dot(c, glm::vec3(0.2126f, 0.7152f, 0.0722f));
}

class SkinPaintRender : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ::unsetenv("DISPLAY");
        auto w = std::make_unique<World>();
        std::string error;
        w->context = EglContext::create(error);
        ASSERT_NE(w->context, nullptr) << error;
        w->renderer = Renderer::create(error);
        ASSERT_NE(w->renderer, nullptr) << error;
        auto model = load_model_by_name("adult-male");
        ASSERT_TRUE(model.ok());
        w->model = std::move(*model.value);
        w->skin = std::make_unique<SurfaceIndex>(w->model.skin);
        world_ = w.release();
    }
    static void TearDownTestSuite() {
        delete world_;
        world_ = nullptr;
    }
    void SetUp() override {
        if (!world_)
            GTEST_SKIP() << "no EGL context or model";
    }

    static const Model& model() { return world_->model; }
    static glm::vec3 landmark(const std::string& name) { return *model().landmark(name); }
    static glm::vec3 on_skin(const glm::vec3& p) { return world_->skin->closest_point(p)->point; }

    // A close view of the face (about 3 px per mm at 960×720).
    static FrameSnapshot face_view() {
        FrameSnapshot f;
        f.model = &model();
        f.skin_index = world_->skin.get();
        f.width = 960;
        f.height = 720;
        f.camera.target = 0.5f * (landmark("glabella") + landmark("stomion"));
        f.camera.target.z = 0.0f;
        f.camera.distance_mm = 520.0f;
        return f;
    }
    static Image render(const FrameSnapshot& f, const std::string& name) {
        Image image{world_->renderer->render_rgba(f), f.width, f.height};
        if (const char* dir = std::getenv("INJMAP_PAINT_IMAGES")) {
            std::string error;
            (void)write_png(std::filesystem::path(dir) / (name + ".png"), f.width, f.height,
                            image.rgba, error);
        }
        return image;
    }
    static glm::vec2 pixel(const FrameSnapshot& f, const glm::vec3& p) {
        const ScreenPoint s = project(f.camera, f.width, f.height, p);
        EXPECT_TRUE(s.in_front);
        return s.pixel;
    }
};

TEST_F(SkinPaintRender, BrowHairAndLipsDifferFromTheForeheadInEveryTone) {
    const glm::vec3 glabella = landmark("glabella"), hairline = landmark("frontal_hairline");
    const glm::vec3 forehead = on_skin(glabella + 0.45f * (hairline - glabella));
    const glm::vec3 medial = landmark("brow_medial_left"), lateral = landmark("brow_lateral_left");
    const glm::vec3 brow = on_skin(medial + 0.35f * (lateral - medial));
    const glm::vec3 hair = on_skin(hairline + glm::vec3(0.0f, 16.0f, -6.0f));
    const glm::vec3 stomion = landmark("stomion");
    const glm::vec3 upper_lip = on_skin(stomion + 0.6f * (landmark("labrale_superius") - stomion));
    const glm::vec3 lower_lip = on_skin(stomion + 0.6f * (landmark("labrale_inferius") - stomion));

    for (int tone = 0; tone < int(skin_tones().size()); ++tone) {
        SCOPED_TRACE("skin tone " + std::to_string(tone));
        FrameSnapshot f = face_view();
        f.skin_tone = tone;
        const Image on = render(f, "paint-face-tone" + std::to_string(tone));
        f.layers.skin_paint = false;
        const Image off = render(f, "paint-face-tone" + std::to_string(tone) + "-off");

        const glm::vec3 bare = on.at(pixel(f, forehead));
        // The skin is drawn opaque in its tone: warm, neither white nor black.
        EXPECT_GT(redness(bare), 0.04f);
        EXPECT_LT(luma(bare), 235.0f);
        EXPECT_GT(luma(bare), 40.0f);
        // The forehead is not painted: the same with the layer on or off.
        EXPECT_LT(difference(bare, off.at(pixel(f, forehead))), 6.0f);
        for (const auto& [name, p, darker] :
             {std::tuple{"brow", brow, true}, std::tuple{"hair", hair, true},
              std::tuple{"upper lip", upper_lip, false},
              std::tuple{"lower lip", lower_lip, false}}) {
            const glm::vec3 painted = on.at(pixel(f, p));
            const glm::vec3 plain = off.at(pixel(f, p));
            EXPECT_GT(difference(painted, bare), 24.0f) << name;
            EXPECT_GT(difference(painted, plain), 24.0f) << name;
            if (darker) // hair and brows are darker than the skin they grow on
                EXPECT_LT(luma(painted), luma(plain) - 8.0f) << name;
            else // lips: rosier (red over green, relative to the brightness) than the skin
                EXPECT_GT(redness(painted), redness(plain) + 0.02f) << name;
        }
    }
}

// Close-ups for looking at (only with INJMAP_PAINT_IMAGES): the brows and lips at GUI zoom.
TEST_F(SkinPaintRender, CloseUpsForReview) {
    if (!std::getenv("INJMAP_PAINT_IMAGES"))
        GTEST_SKIP() << "set INJMAP_PAINT_IMAGES=DIR to write the close-ups";
    for (int tone : {0, 2, 5}) {
        FrameSnapshot f = face_view();
        f.skin_tone = tone;
        f.camera.target = landmark("glabella");
        f.camera.distance_mm = 200.0f;
        (void)render(f, "paint-close-brow-tone" + std::to_string(tone));
        f.camera.target = landmark("stomion");
        (void)render(f, "paint-close-lips-tone" + std::to_string(tone));
        f.camera.target = landmark("temporal_fossa_left");
        f.camera.yaw_deg = 60.0f;
        f.camera.distance_mm = 400.0f;
        (void)render(f, "paint-close-temple-tone" + std::to_string(tone));
    }
}

// A pending (blue) marker on dark hair at the occiput and at the temple: drawn over the hair with
// its colour and its white ring.
TEST_F(SkinPaintRender, MarkersOnTheHairKeepTheirColourAndWhiteRing) {
    const glm::vec3 inion = landmark("inion"), vertex = landmark("vertex");
    struct Case {
        const char* name;
        glm::vec3 site;
        float yaw;
    };
    const Case cases[] = {
        {"occiput", on_skin(inion + 0.3f * (vertex - inion)), 180.0f},
        {"temple", landmark("temporal_fossa_left"), 90.0f},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        FrameSnapshot f = face_view();
        f.skin_tone = 5; // the darkest hair
        f.camera.yaw_deg = c.yaw;
        f.camera.target = c.site;
        f.camera.distance_mm = 700.0f;
        Marker m;
        m.id = "site";
        m.number = 7;
        m.position = c.site;
        m.normal = world_->skin->closest_point(c.site)->normal;
        m.needle_direction = -m.normal;
        f.markers.push_back(m);
        const Image image = render(f, std::string("paint-marker-") + c.name);
        const auto& layout = world_->renderer->last_layout();
        ASSERT_EQ(layout.markers.size(), 1u);
        ASSERT_TRUE(layout.markers[0].visible);
        const glm::vec2 centre = layout.markers[0].centre;
        const float r = layout.markers[0].radius_px;
        // The hair around the marker is dark; the disc blue; the ring white.
        const glm::vec3 hair = image.at(centre + glm::vec2(2.5f * r, 0.0f));
        EXPECT_LT(luma(hair), 90.0f);
        int blue = 0, disc = 0, white = 0, ring = 0;
        for (int dy = -int(r) - 2; dy <= int(r) + 2; ++dy)
            for (int dx = -int(r) - 2; dx <= int(r) + 2; ++dx) {
                const float d = std::hypot(float(dx), float(dy));
                const int x = int(centre.x) + dx, y = int(centre.y) + dy;
                const std::size_t i = (std::size_t(y) * std::size_t(f.width) + std::size_t(x)) * 4;
                const glm::vec3 c3(image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]);
                if (d < 0.75f * r) {
                    ++disc;
                    blue += (c3.b > 140.0f && c3.b > c3.r + 80.0f) ? 1 : 0;
                } else if (d > 0.85f * r && d < 1.0f * r) {
                    ++ring;
                    white += (c3.r > 200.0f && c3.g > 200.0f && c3.b > 200.0f) ? 1 : 0;
                }
            }
        EXPECT_GT(blue, disc / 3) << blue << " of " << disc;
        EXPECT_GT(white, ring / 3) << white << " of " << ring;
    }
}

// The patient-mode glow (a warm tint over a soft-highlighted muscle) shows over the hair.
TEST_F(SkinPaintRender, PatientGlowShowsOverTheHair) {
    const Muscle* occipitalis = model().find_muscle("occipitalis", Side::left);
    ASSERT_NE(occipitalis, nullptr);
    glm::vec3 centre{0.0f};
    for (const auto& p : occipitalis->mesh.positions)
        centre += p;
    centre /= float(occipitalis->mesh.positions.size());
    const glm::vec3 site = on_skin(centre);
    FrameSnapshot f = face_view();
    f.skin_tone = 4;
    f.camera.yaw_deg = 180.0f;
    f.camera.target = site;
    f.camera.distance_mm = 700.0f;
    const Image plain = render(f, "paint-glow-off");
    f.soft_highlighted_muscles = {"occipitalis"};
    const Image glowing = render(f, "paint-glow-on");
    const glm::vec2 p = pixel(f, site);
    const glm::vec3 before = plain.at(p), after = glowing.at(p);
    EXPECT_LT(luma(before), 90.0f); // on the hair
    EXPECT_GT(difference(after, before), 30.0f);
    EXPECT_GT(after.r - after.b, before.r - before.b); // warmer
}

} // namespace
