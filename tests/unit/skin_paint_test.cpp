// Colour regions of the skin (models/include/injmap/models/skin_paint.hpp): hair, brows and lips
// from landmarks, on the default models (and on the MakeHuman import, which has no lip landmarks),
// checked at points a clinician would name.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include <glm/geometric.hpp>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/skin_paint.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;
using test::default_model;

namespace {

constexpr int kHair = SkinPaintChannel::hair;
constexpr int kBrow = SkinPaintChannel::brow;
constexpr int kLip = SkinPaintChannel::lip;

// The paint of the skin vertex nearest p.
glm::vec4 paint_at(const Model& m, const glm::vec3& p) {
    return m.skin_paint.at(test::nearest_skin_vertex(m, p));
}

glm::vec4 paint_at(const Model& m, const std::string& landmark) {
    const auto p = m.landmark(landmark);
    EXPECT_TRUE(p.has_value()) << landmark;
    return p ? paint_at(m, *p) : glm::vec4(0.0f);
}

class SkinPaint : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        model_ = default_model(GetParam());
        if (!model_)
            GTEST_SKIP() << GetParam() << " is not built (build injmap_default_models)";
        ASSERT_EQ(model_->skin_paint.size(), model_->skin.positions.size());
    }
    const Model& m() const { return *model_; }
    // A point on the skin: the landmark plus an offset, snapped to the skin.
    glm::vec3 near(const std::string& landmark, const glm::vec3& offset) const {
        const SurfaceIndex index(m().skin);
        return index.closest_point(*m().landmark(landmark) + offset)->point;
    }

private:
    const Model* model_ = nullptr;
};

TEST_P(SkinPaint, EveryWeightIsBetweenZeroAndOne) {
    for (const auto& p : m().skin_paint) {
        for (int c : {kHair, kBrow, kLip}) {
            ASSERT_GE(p[c], 0.0f);
            ASSERT_LE(p[c], 1.0f);
        }
        ASSERT_TRUE(std::isfinite(p[SkinPaintChannel::brow_strand]));
    }
}

TEST_P(SkinPaint, TheScalpIsHairAndTheFaceAndNeckAreNot) {
    EXPECT_GE(paint_at(m(), "vertex")[kHair], 0.9f);
    EXPECT_GE(paint_at(m(), "opisthocranion")[kHair], 0.9f);
    EXPECT_GE(paint_at(m(), "inion")[kHair], 0.9f);
    EXPECT_GE(paint_at(m(), "temporal_fossa_left")[kHair], 0.9f);
    EXPECT_GE(paint_at(m(), "temporal_fossa_right")[kHair], 0.9f);
    for (const char* bare : {"glabella", "nasion", "pronasale", "menton", "c7", "tragion_left",
                             "tragion_right", "helix_top_left", "helix_top_right", "gonion_left",
                             "zygomatic_arch_left", "lateral_canthus_right", "suprasternal_notch"})
        EXPECT_LE(paint_at(m(), bare)[kHair], 0.1f) << bare;
    // The forehead between the brows and the hairline is bare; the hairline itself is the border.
    const glm::vec3 glabella = *m().landmark("glabella");
    const glm::vec3 hairline = *m().landmark("frontal_hairline");
    EXPECT_LE(paint_at(m(), near("glabella", 0.5f * (hairline - glabella)))[kHair], 0.1f);
    const float at_line = paint_at(m(), "frontal_hairline")[kHair];
    EXPECT_GT(at_line, 0.2f);
    EXPECT_LT(at_line, 0.8f);
    EXPECT_GE(paint_at(m(), near("frontal_hairline", {0.0f, 15.0f, -10.0f}))[kHair], 0.9f);
    // The nape: hair a little above the mastoids' level, bare skin from a third of the way down
    // from the inion to C7 on.
    const glm::vec3 inion = *m().landmark("inion"), c7 = *m().landmark("c7");
    EXPECT_LE(paint_at(m(), near("c7", 0.45f * (inion - c7)))[kHair], 0.1f);
    EXPECT_GE(paint_at(m(), near("inion", 0.15f * (c7 - inion)))[kHair], 0.9f);
}

TEST_P(SkinPaint, BrowsFollowTheOrbitalRimWithAGapOverTheGlabella) {
    for (const char* side : {"left", "right"}) {
        const std::string s = side;
        const glm::vec3 medial = *m().landmark("brow_medial_" + s);
        const glm::vec3 lateral = *m().landmark("brow_lateral_" + s);
        // The brow arches a little above the straight line from its head to its tail: along that
        // line it is found within 3 mm above or below.
        const SurfaceIndex index(m().skin);
        for (float t : {0.2f, 0.4f, 0.6f}) {
            glm::vec4 best{0.0f};
            for (float dy = -3.0f; dy <= 3.0f; dy += 1.0f) {
                const glm::vec3 on_band =
                    index.closest_point(medial + t * (lateral - medial) + glm::vec3(0, dy, 0))
                        ->point;
                const glm::vec4 p = paint_at(m(), on_band);
                if (p[kBrow] > best[kBrow])
                    best = p;
            }
            EXPECT_GE(best[kBrow], 0.8f) << s << " t=" << t;
            EXPECT_LE(best[kHair], 0.1f) << s << " t=" << t;
        }
        EXPECT_GE(paint_at(m(), medial)[kBrow], 0.3f) << s; // the brow's head starts there
        // Above the brow, on the forehead, and below it on the lid: bare.
        EXPECT_LE(paint_at(m(), near("brow_medial_" + s, {0.0f, 14.0f, 0.0f}))[kBrow], 0.1f) << s;
        EXPECT_LE(paint_at(m(), "pupil_" + s)[kBrow], 0.1f) << s;
        EXPECT_LE(paint_at(m(), "medial_canthus_" + s)[kBrow], 0.1f) << s;
        // Past the tail, towards the temple: bare.
        EXPECT_LE(paint_at(m(), near("brow_lateral_" + s, 0.5f * (lateral - medial)))[kBrow], 0.1f)
            << s;
    }
    const glm::vec4 glabella = paint_at(m(), "glabella");
    EXPECT_LE(glabella[kBrow], 0.1f);
    EXPECT_LE(glabella[kHair], 0.1f);
    EXPECT_LE(paint_at(m(), "nasion")[kBrow], 0.1f);
    // Nothing of the brow on the back of the head.
    EXPECT_LE(paint_at(m(), "opisthocranion")[kBrow], 0.0f);
}

TEST_P(SkinPaint, LipsAreTheVermilionAroundTheMouthAndNotTheChin) {
    for (const char* lip : {"stomion", "labrale_superius", "labrale_inferius"})
        EXPECT_GE(paint_at(m(), lip)[kLip], 0.8f) << lip;
    // Half way to each corner, on both lips.
    const glm::vec3 stomion = *m().landmark("stomion");
    const glm::vec3 upper = *m().landmark("labrale_superius");
    const glm::vec3 lower = *m().landmark("labrale_inferius");
    for (const char* corner : {"cheilion_left", "cheilion_right"}) {
        const glm::vec3 c = *m().landmark(corner);
        const SurfaceIndex index(m().skin);
        for (const glm::vec3& lip : {upper, lower}) {
            const glm::vec3 half = 0.5f * (c - stomion) + 0.6f * (lip - stomion);
            EXPECT_GE(paint_at(m(), index.closest_point(stomion + half)->point)[kLip], 0.8f)
                << corner;
        }
    }
    for (const char* bare : {"menton", "subnasale", "pronasale", "gonion_left", "glabella"})
        EXPECT_LE(paint_at(m(), bare)[kLip], 0.1f) << bare;
    // The chin between the lower lip and menton; the cheek beside the corner.
    const glm::vec3 menton = *m().landmark("menton");
    EXPECT_LE(paint_at(m(), near("labrale_inferius", 0.6f * (menton - lower)))[kLip], 0.1f);
    const glm::vec3 corner = *m().landmark("cheilion_left");
    EXPECT_LE(paint_at(m(), near("cheilion_left", 0.5f * (corner - stomion)))[kLip], 0.1f);
}

// The sites a clinician injects on the bare forehead stay bare; the occipital and temporal ones
// (in the hair, where the pending marker's white ring keeps it readable) lie in the hair.
TEST_P(SkinPaint, PreemptForeheadSitesAreNotHairAndOccipitalSitesAre) {
    const auto path = resolve_protocol("preempt-155");
    ASSERT_TRUE(path.has_value());
    const auto protocol = read_protocol_file(*path);
    ASSERT_TRUE(protocol.ok());
    const ModelQueries queries(m());
    const auto placed = place_protocol(*protocol.value, queries);
    ASSERT_TRUE(placed.value.has_value());
    const auto sites = protocol.value->sites();
    int forehead = 0, occipital = 0;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const auto& muscle = sites[i]->muscle;
        const glm::vec4 p = paint_at(m(), placed.value->sites[i].position);
        if (muscle == "frontalis" || muscle == "procerus" || muscle == "corrugator") {
            ++forehead;
            EXPECT_LE(p[kHair], 0.1f) << sites[i]->id;
        }
        if (muscle == "occipitalis") {
            ++occipital;
            EXPECT_GE(p[kHair], 0.9f) << sites[i]->id;
        }
    }
    EXPECT_GE(forehead, 5);
    EXPECT_GE(occipital, 2);
}

// Derived from landmarks, not coordinates: move the head and the regions move with it.
TEST_P(SkinPaint, RegionsFollowTheLandmarksWhenTheModelMoves) {
    Model moved = m();
    const glm::vec3 shift{13.0f, -27.0f, 9.0f};
    for (auto& p : moved.skin.positions)
        p += shift;
    for (auto& [name, p] : moved.landmarks)
        p += shift;
    const auto paint = compute_skin_paint(moved);
    ASSERT_EQ(paint.size(), m().skin_paint.size());
    for (std::size_t i = 0; i < paint.size(); i += 7)
        for (int c : {kHair, kBrow, kLip})
            ASSERT_NEAR(paint[i][c], m().skin_paint[i][c], 1e-3f) << i;
}

INSTANTIATE_TEST_SUITE_P(DefaultModels, SkinPaint, ::testing::Values("adult-male", "adult-female"));

TEST(SkinPaintLandmarks, MissingLandmarksLeaveTheirRegionBare) {
    const Model* full = default_model("adult-male");
    if (!full)
        GTEST_SKIP() << "adult-male is not built";
    Model m = *full;
    for (const char* name : {"stomion", "cheilion_left"})
        m.landmarks.erase(name);
    m.landmarks.erase("frontal_hairline");
    const auto paint = compute_skin_paint(m);
    ASSERT_EQ(paint.size(), m.skin.positions.size());
    float hair = 0.0f, lip = 0.0f, brow = 0.0f;
    for (const auto& p : paint) {
        hair = std::max(hair, p[kHair]);
        lip = std::max(lip, p[kLip]);
        brow = std::max(brow, p[kBrow]);
    }
    EXPECT_EQ(hair, 0.0f);
    EXPECT_EQ(lip, 0.0f);
    EXPECT_GT(brow, 0.9f); // the brows' landmarks are still there

    Model bare;
    EXPECT_TRUE(compute_skin_paint(bare).empty());
}

// An imported model (MakeHuman, no lip landmarks) gets hair and brows from its landmarks alone.
TEST(SkinPaintLandmarks, AnImportedModelGetsHairAndBrows) {
    const fs::path manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    if (!fs::exists(test::shared_dir() / "meshes"))
        GTEST_SKIP() << "no ../shared/meshes";
    const auto r = load_model(manifest);
    ASSERT_TRUE(r.ok());
    const Model& m = *r.value;
    ASSERT_EQ(m.skin_paint.size(), m.skin.positions.size());
    EXPECT_GE(paint_at(m, "vertex")[kHair], 0.9f);
    EXPECT_LE(paint_at(m, "glabella")[kHair], 0.1f);
    EXPECT_LE(paint_at(m, "pronasale")[kHair], 0.1f);
    EXPECT_LE(paint_at(m, "glabella")[kBrow], 0.1f);
    const glm::vec3 medial = *m.landmark("brow_medial_left");
    const glm::vec3 lateral = *m.landmark("brow_lateral_left");
    const SurfaceIndex index(m.skin);
    EXPECT_GE(paint_at(m, index.closest_point(0.6f * medial + 0.4f * lateral)->point)[kBrow], 0.8f);
    for (const auto& p : m.skin_paint)
        ASSERT_EQ(p[kLip], 0.0f);
}

} // namespace
