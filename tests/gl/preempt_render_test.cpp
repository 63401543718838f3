// The renderer on the default model with the shipped PREEMPT protocol, in process: label layout in
// every named view, picking of sites and muscles, and framing a step's sites.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <set>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/picking.hpp"
#include "injmap/render/renderer.hpp"

using namespace injmap;
using namespace injmap::render;

namespace {

struct World {
    std::unique_ptr<EglContext> context;
    std::unique_ptr<Renderer> renderer;
    Model model;
    std::unique_ptr<ModelQueries> queries;
    Protocol protocol;
    PlacedProtocol placed;
    std::vector<const Site*> sites; // parallel to frame markers
    FrameSnapshot frame;
};

class PreemptRender : public ::testing::Test {
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
        w->queries = std::make_unique<ModelQueries>(w->model);
        const auto path = resolve_protocol("preempt-155");
        ASSERT_TRUE(path.has_value());
        auto protocol = read_protocol_file(*path);
        ASSERT_TRUE(protocol.ok());
        w->protocol = std::move(*protocol.value);
        auto placed = place_protocol(w->protocol, *w->queries);
        ASSERT_TRUE(placed.value.has_value());
        w->placed = std::move(*placed.value);
        const auto sites = w->protocol.sites();
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const PlacedSite& p = w->placed.sites[i];
            ASSERT_TRUE(p.placed) << sites[i]->id;
            Marker m;
            m.id = sites[i]->id;
            m.number = int(i) + 1;
            m.position = p.position;
            m.normal = p.normal;
            m.needle_direction = p.needle_direction;
            m.label = sites[i]->muscle + " \u00b7 5 U";
            w->frame.markers.push_back(m);
            w->sites.push_back(sites[i]);
        }
        w->frame.model = &w->model;
        w->frame.skin_index = &w->queries->skin();
        w->frame.width = 1280;
        w->frame.height = 800;
        world_ = w.release();
    }
    static void TearDownTestSuite() { delete world_; }

    static FrameSnapshot framed(std::string_view view) {
        FrameSnapshot f = world_->frame;
        f.camera = *frame_points(world_->model.skin.positions, view, 1.6f * 0.66f, 0.06f);
        return f;
    }

    static World* world_;
};
World* PreemptRender::world_ = nullptr;

bool overlap(const LabelScreen& a, const LabelScreen& b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
}

} // namespace

TEST_F(PreemptRender, LabelsNeverOverlapInAnyView) {
    ASSERT_NE(world_, nullptr);
    for (auto view : view_names()) {
        const FrameSnapshot f = framed(view);
        (void)world_->renderer->render_rgba(f);
        const OverlayLayout& layout = world_->renderer->last_layout();
        std::size_t visible = 0;
        for (const auto& m : layout.markers)
            visible += m.visible;
        // With room beside the model every visible site keeps its label.
        EXPECT_EQ(layout.labels.size(), visible) << view;
        for (std::size_t i = 0; i < layout.labels.size(); ++i) {
            EXPECT_TRUE(layout.markers[layout.labels[i].marker].visible) << view;
            EXPECT_GE(layout.labels[i].min.x, 0.0f) << view;
            EXPECT_LE(layout.labels[i].max.x, 1280.0f) << view;
            EXPECT_GE(layout.labels[i].min.y, 0.0f) << view;
            EXPECT_LE(layout.labels[i].max.y, 800.0f) << view;
            for (std::size_t j = i + 1; j < layout.labels.size(); ++j)
                EXPECT_FALSE(overlap(layout.labels[i], layout.labels[j]))
                    << view << ": labels of " << world_->frame.markers[layout.labels[i].marker].id
                    << " and " << world_->frame.markers[layout.labels[j].marker].id;
        }
    }
}

TEST_F(PreemptRender, PickingReturnsTheSiteAndItsMuscle) {
    ASSERT_NE(world_, nullptr);
    int checked = 0;
    for (auto view : {"front", "back", "left", "right"}) {
        const FrameSnapshot f = framed(view);
        const OverlayLayout layout = layout_overlay(f, f.skin_index);
        for (std::size_t i = 0; i < f.markers.size(); ++i) {
            const MarkerScreen& m = layout.markers[i];
            if (!m.visible)
                continue;
            const PickResult pick = render::pick(f, *world_->queries, m.centre, &layout);
            ASSERT_TRUE(pick.hit) << view << " " << f.markers[i].id;
            // Badges of neighbouring sites can overlap: the pick is this site, or another whose
            // badge centre coincides with it.
            ASSERT_GE(pick.marker, 0) << view << " " << f.markers[i].id;
            if (pick.marker != int(i)) {
                EXPECT_LE(glm::length(layout.markers[std::size_t(pick.marker)].centre - m.centre),
                          1e-3f)
                    << view << " " << f.markers[i].id << " picked "
                    << f.markers[std::size_t(pick.marker)].id;
            }
            EXPECT_EQ(pick.nearest_marker, int(i)) << view << " " << f.markers[i].id;
            EXPECT_LT(pick.nearest_marker_mm, 2.0f) << view << " " << f.markers[i].id;
            // The muscle under the picked point is the one placement found under the site.
            const PlacedSite& placed = world_->placed.sites[i];
            if (placed.muscle_hit) {
                ASSERT_NE(pick.muscle, nullptr) << view << " " << f.markers[i].id;
                EXPECT_EQ(pick.muscle->key(), placed.muscle_hit->key())
                    << view << " " << f.markers[i].id;
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 31);
}

TEST_F(PreemptRender, PickedMuscleIsTheSitesTargetForMostSites) {
    ASSERT_NE(world_, nullptr);
    // The protocol names each site's muscle (or group); the model should have it under the site.
    int matching = 0, total = 0;
    for (std::size_t i = 0; i < world_->sites.size(); ++i) {
        const PlacedSite& p = world_->placed.sites[i];
        const auto expected = world_->model.expand_muscle_key(world_->sites[i]->muscle);
        const Muscle* under = world_->queries->muscle_under(p.position, p.normal);
        ++total;
        matching +=
            under && std::find(expected.begin(), expected.end(), under->id) != expected.end();
    }
    EXPECT_GE(matching * 10, total * 8) << matching << " of " << total;
}

TEST_F(PreemptRender, FramingAStepKeepsItsSitesInView) {
    ASSERT_NE(world_, nullptr);
    std::size_t k = 0;
    for (const auto& step : world_->protocol.steps) {
        std::vector<glm::vec3> points;
        for (std::size_t s = 0; s < step.sites.size(); ++s, ++k)
            points.push_back(world_->placed.sites[k].position);
        const std::string view = step.view.empty() ? "front" : step.view;
        auto camera = frame_points(points, view, 1.6f, 0.15f);
        ASSERT_TRUE(camera.has_value()) << step.id << " view " << view;
        for (const auto& p : points) {
            const ScreenPoint sp = project(*camera, 1280, 800, p);
            EXPECT_TRUE(sp.in_front) << step.id;
            EXPECT_GE(sp.pixel.x, 0.0f) << step.id;
            EXPECT_LE(sp.pixel.x, 1280.0f) << step.id;
            EXPECT_GE(sp.pixel.y, 0.0f) << step.id;
            EXPECT_LE(sp.pixel.y, 800.0f) << step.id;
        }
    }
}
