// The seven PREEMPT injection regions of the skin (models/include/injmap/models/skin_regions.hpp):
// every PREEMPT site of both shipped protocols lies inside its muscle's region on both default
// models, the regions do not overlap, and they follow the landmarks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <glm/geometric.hpp>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/skin_regions.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;
using test::default_model;

namespace {

const char* const kIds[] = {"forehead", "glabella", "temple_left", "temple_right",
                            "occiput",  "neck",     "shoulders"};

class SkinRegions : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        model_ = default_model(GetParam());
        if (!model_)
            GTEST_SKIP() << GetParam() << " is not built (build injmap_default_models)";
    }
    const Model& m() const { return *model_; }

private:
    const Model* model_ = nullptr;
};

TEST_P(SkinRegions, AllSevenWithNamesAndOneWeightPerSkinVertex) {
    ASSERT_EQ(m().regions.size(), 7u);
    for (std::size_t k = 0; k < 7; ++k) {
        const SkinRegion& r = m().regions[k];
        EXPECT_EQ(r.id, kIds[k]);
        EXPECT_FALSE(r.display_name.empty());
        ASSERT_EQ(r.weight.size(), m().skin.positions.size()) << r.id;
        // Each region has an inside (weight at least 0.5) of a clinically sensible size, a centre
        // near full weight and a soft border.
        int inside = 0, border = 0;
        float most = 0.0f;
        for (float w : r.weight) {
            ASSERT_GE(w, 0.0f);
            ASSERT_LE(w, 1.0f);
            inside += w >= 0.5f;
            border += w > 0.05f && w < 0.45f;
            most = std::max(most, w);
        }
        EXPECT_GT(inside, 30) << r.id;
        EXPECT_GT(border, 30) << r.id;
        EXPECT_GT(most, 0.85f) << r.id;
        EXPECT_EQ(m().find_region(r.id), &r);
    }
}

// Every PREEMPT site (the fixed 31 and the follow-the-pain ones) lies inside its muscle's region:
// weight at least 0.5 at the skin vertex nearest it.
TEST_P(SkinRegions, EveryPreemptSiteLiesInsideItsRegion) {
    for (const char* id : {"preempt-155", "preempt-ftp-195"}) {
        const auto path = resolve_protocol(id);
        ASSERT_TRUE(path.has_value()) << id;
        const auto protocol = read_protocol_file(*path);
        ASSERT_TRUE(protocol.ok()) << id;
        const ModelQueries queries(m());
        const auto placed = place_protocol(*protocol.value, queries);
        ASSERT_TRUE(placed.value.has_value()) << id;
        const auto sites = protocol.value->sites();
        std::set<std::string> seen;
        for (std::size_t i = 0; i < sites.size(); ++i) {
            ASSERT_TRUE(placed.value->sites[i].placed) << sites[i]->id;
            const std::string region =
                region_for_muscle(sites[i]->muscle, to_string(sites[i]->side));
            ASSERT_FALSE(region.empty()) << sites[i]->id << " " << sites[i]->muscle;
            const SkinRegion* r = m().find_region(region);
            ASSERT_NE(r, nullptr) << region;
            const std::size_t v = test::nearest_skin_vertex(m(), placed.value->sites[i].position);
            std::string all;
            for (const auto& other : m().regions)
                all += " " + other.id + "=" + std::to_string(other.weight[v]);
            EXPECT_GE(r->weight[v], 0.5f)
                << id << " " << sites[i]->id << " in " << region << ":" << all;
            seen.insert(region);
        }
        EXPECT_EQ(seen.size(), 7u) << id;
    }
}

// Regions meet at soft seams: no skin vertex is more than half in two regions, and the weights of
// all regions at a vertex add up to at most 1.
TEST_P(SkinRegions, RegionsDoNotOverlap) {
    const auto& regions = m().regions;
    ASSERT_FALSE(regions.empty());
    for (std::size_t i = 0; i < m().skin.positions.size(); ++i) {
        int strong = 0;
        float sum = 0.0f;
        for (const auto& r : regions) {
            strong += r.weight[i] > 0.5f;
            sum += r.weight[i];
        }
        ASSERT_LE(strong, 1) << "vertex " << i;
        ASSERT_LE(sum, 1.0001f) << "vertex " << i;
    }
}

// Anatomy a clinician would name: the tip of the nose, the chin, the ears' tragions, the front of
// the neck lie in no region; the left temple is on the left (+X).
TEST_P(SkinRegions, LandmarksOutsideTheRegionsAreBare) {
    for (const char* name : {"pronasale", "menton", "tragion_left", "tragion_right",
                             "suprasternal_notch", "pupil_left", "pupil_right", "vertex"}) {
        const std::size_t v = test::nearest_skin_vertex(m(), *m().landmark(name));
        for (const auto& r : m().regions)
            EXPECT_LT(r.weight[v], 0.5f) << name << " in " << r.id;
    }
    const std::size_t fossa = test::nearest_skin_vertex(m(), *m().landmark("temporal_fossa_left"));
    EXPECT_GE(m().find_region("temple_left")->weight[fossa], 0.99f);
    EXPECT_EQ(m().find_region("temple_right")->weight[fossa], 0.0f);
}

// Derived from landmarks, not coordinates: move the head and the regions move with it.
TEST_P(SkinRegions, RegionsFollowTheLandmarksWhenTheModelMoves) {
    Model moved = m();
    const glm::vec3 shift{13.0f, -27.0f, 9.0f};
    for (auto& p : moved.skin.positions)
        p += shift;
    for (auto& [name, p] : moved.landmarks)
        p += shift;
    const auto regions = compute_skin_regions(moved);
    ASSERT_EQ(regions.size(), m().regions.size());
    for (std::size_t k = 0; k < regions.size(); ++k)
        for (std::size_t i = 0; i < regions[k].weight.size(); i += 7)
            ASSERT_NEAR(regions[k].weight[i], m().regions[k].weight[i], 1e-3f) << i;
}

// A region whose landmarks are missing is left out; the others stay.
TEST_P(SkinRegions, MissingLandmarksLeaveOnlyTheirRegionOut) {
    Model m2 = m();
    m2.landmarks.erase("inion");
    const auto regions = compute_skin_regions(m2);
    std::set<std::string> ids;
    for (const auto& r : regions)
        ids.insert(r.id);
    EXPECT_FALSE(ids.count("occiput"));
    EXPECT_FALSE(ids.count("neck"));
    EXPECT_TRUE(ids.count("forehead"));
    EXPECT_TRUE(ids.count("shoulders"));
    m2.landmarks.erase("vertex"); // no head frame: nothing
    EXPECT_TRUE(compute_skin_regions(m2).empty());
}

INSTANTIATE_TEST_SUITE_P(DefaultModels, SkinRegions,
                         ::testing::Values("adult-male", "adult-female"));

} // namespace
