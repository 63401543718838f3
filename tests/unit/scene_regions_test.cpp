// The skin regions of each frame (app/gui/scene_regions.cpp, no window): the current step's regions
// strong and the rest faint, all alike with no step current; a cervical dystonia protocol tints the
// muscles instead and highlights the current site's side.
#include <gtest/gtest.h>

#include <map>

#include "gui/scene_regions.hpp"
#include "protocol_test_model.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;

Protocol two_step_protocol(std::string indication) {
    Protocol p;
    p.id = "p";
    p.indication = std::move(indication);
    Step a;
    a.id = "a";
    Site procerus;
    procerus.id = "procerus";
    procerus.muscle = "procerus";
    procerus.side = Side::midline;
    a.sites.push_back(procerus);
    Step b;
    b.id = "b";
    Site temple;
    temple.id = "temporalis_left";
    temple.muscle = "temporalis";
    temple.side = Side::left;
    b.sites.push_back(temple);
    p.steps = {a, b};
    return p;
}

Model model_with_regions() {
    Model m = test::make_test_model();
    for (const char* id : {"forehead", "glabella", "temple_left", "temple_right"}) {
        SkinRegion r;
        r.id = id;
        m.regions.push_back(r);
    }
    return m;
}

render::FrameSnapshot frame_with(const std::string& current_site) {
    render::FrameSnapshot frame;
    for (const char* id : {"procerus", "temporalis_left"}) {
        render::Marker m;
        m.id = id;
        m.state = id == current_site ? render::MarkerState::current : render::MarkerState::pending;
        frame.markers.push_back(m);
    }
    return frame;
}

std::map<std::string, float> strengths(const render::FrameSnapshot& frame) {
    std::map<std::string, float> out;
    for (const auto& r : frame.regions)
        out[r.id] = r.strength;
    return out;
}

TEST(SceneRegions, CurrentStepStrongOthersFaint) {
    const Model model = model_with_regions();
    const Protocol protocol = two_step_protocol("chronic_migraine");
    render::FrameSnapshot frame = frame_with("temporalis_left");
    add_scene_regions(frame, &protocol, &model, "clinician");
    EXPECT_FALSE(frame.skin_muscle_tint);
    const auto s = strengths(frame);
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s.at("temple_left"), kRegionCurrent);
    EXPECT_EQ(s.at("temple_right"), kRegionOther);
    EXPECT_EQ(s.at("glabella"), kRegionOther);
    EXPECT_LT(kRegionOther, kRegionAll);
}

TEST(SceneRegions, NoCurrentStepAllAlike) {
    const Model model = model_with_regions();
    const Protocol protocol = two_step_protocol("chronic_migraine");
    render::FrameSnapshot frame = frame_with("");
    add_scene_regions(frame, &protocol, &model, "patient");
    for (const auto& [id, strength] : strengths(frame))
        EXPECT_EQ(strength, kRegionAll) << id;
    // No protocol at all: the same.
    render::FrameSnapshot bare;
    add_scene_regions(bare, nullptr, &model, "clinician");
    EXPECT_EQ(bare.regions.size(), 4u);
}

TEST(SceneRegions, CervicalDystoniaTintsMusclesAndHighlightsTheSide) {
    const Model model = model_with_regions();
    const Protocol protocol = two_step_protocol(std::string(kCervicalDystonia));
    render::FrameSnapshot frame = frame_with("temporalis_left");
    add_scene_regions(frame, &protocol, &model, "clinician");
    EXPECT_TRUE(frame.skin_muscle_tint);
    EXPECT_TRUE(frame.regions.empty());
    EXPECT_EQ(frame.highlighted_muscles, std::vector<std::string>{"temporalis_left"});
    // The CD planner highlights by itself: only the tint.
    render::FrameSnapshot planner = frame_with("temporalis_left");
    add_scene_regions(planner, nullptr, &model, "cd");
    EXPECT_TRUE(planner.skin_muscle_tint);
    EXPECT_TRUE(planner.highlighted_muscles.empty());
    EXPECT_TRUE(planner.regions.empty());
}

TEST(SceneRegions, ModelWithoutRegionsShowsNone) {
    const Model model = test::make_test_model();
    const Protocol protocol = two_step_protocol("chronic_migraine");
    render::FrameSnapshot frame = frame_with("procerus");
    add_scene_regions(frame, &protocol, &model, "clinician");
    EXPECT_TRUE(frame.regions.empty());
    EXPECT_FALSE(frame.skin_muscle_tint);
}

} // namespace
