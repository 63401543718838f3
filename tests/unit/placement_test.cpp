// Placement: landmark (or a fraction towards another) + offsets in the anatomical frame, projected
// onto the skin. On a synthetic sphere first (exact expectations), then on the default models and
// the MakeHuman import when they are available.
#include <gtest/gtest.h>

#include <filesystem>

#include <glm/geometric.hpp>

#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

const Model& sphere_model() {
    static const Model model = test::make_test_model();
    return model;
}
const ModelQueries& sphere_queries() {
    static const ModelQueries queries(sphere_model());
    return queries;
}

// A protocol with one step and the given site tables (TOML text after [[steps]]).
Protocol protocol_with(const std::string& sites) {
    const std::string text = R"toml(schema_version = 1
id = "p"
title = "P"
indication = "other"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"
[[sources]]
key = "S"
citation = "S."
[reconstitution]
vial_units = 100
diluent_ml = 2.0
[needle]
gauge = 30
length_inch = 0.5
[[steps]]
id = "s"
title = "S"
)toml" + sites;
    auto r = read_protocol_text(text, "p.toml");
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
    return r.value ? *r.value : Protocol{};
}

std::string site(const std::string& id, const std::string& side, const std::string& at,
                 const std::string& muscle = "frontalis") {
    return "[[steps.sites]]\nid = \"" + id + "\"\nmuscle = \"" + muscle + "\"\nside = \"" + side +
           "\"\nunits = 5\nat = " + at + "\n";
}

glm::vec3 mirror(glm::vec3 p) {
    return {-p.x, p.y, p.z};
}

// Distance from the sphere's surface (the mesh is within a fraction of a mm of the true sphere).
float off_sphere(glm::vec3 p) {
    return std::abs(glm::length(p) - test::kTestHeadRadius);
}

} // namespace

TEST(Placement, LandmarkAloneLandsOnTheLandmark) {
    const Protocol p = protocol_with(site("g", "midline", "{ landmark = \"glabella\" }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value->sites.size(), 1u);
    const PlacedSite& s = r.value->sites[0];
    EXPECT_TRUE(s.placed);
    EXPECT_EQ(s.site, p.sites()[0]);
    EXPECT_LT(glm::length(s.position - *sphere_model().landmark("glabella")), 0.5f);
    // Outward normal, needle straight in.
    EXPECT_GT(glm::dot(s.normal, glm::normalize(s.position)), 0.99f);
    EXPECT_NEAR(glm::length(s.normal), 1.0f, 1e-4f);
    EXPECT_LT(glm::length(s.needle_direction + s.normal), 1e-5f);
}

TEST(Placement, OffsetsMoveInTheAnatomicalFrameThenProject) {
    const Protocol p =
        protocol_with(site("up", "midline", "{ landmark = \"glabella\", up_mm = 20 }") +
                      site("lat", "left", "{ landmark = \"glabella\", lateral_mm = 20 }") +
                      site("fwd", "midline", "{ landmark = \"vertex\", forward_mm = 20 }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    const glm::vec3 glabella = *sphere_model().landmark("glabella");
    const glm::vec3 vertex = *sphere_model().landmark("vertex");
    const auto& up = r.value->sites[0];
    const auto& lat = r.value->sites[1];
    const auto& fwd = r.value->sites[2];
    EXPECT_GT(up.position.y, glabella.y + 15.0f);
    EXPECT_NEAR(up.position.x, 0.0f, 0.1f);
    EXPECT_GT(lat.position.x, 15.0f); // left = +X
    EXPECT_NEAR(lat.position.y, glabella.y, 2.0f);
    EXPECT_GT(fwd.position.z, vertex.z + 15.0f);
    for (const auto& s : r.value->sites) {
        EXPECT_TRUE(s.placed);
        EXPECT_LT(off_sphere(s.position), 0.5f);
    }
}

TEST(Placement, MirroredPairsAreSymmetricOnASymmetricModel) {
    const Protocol p = protocol_with(
        site("f", "both",
             "{ landmark = \"supraorbital_rim\", up_mm = 30, lateral_mm = -8, forward_mm = 2 }") +
        site("t", "both",
             "{ landmark = \"helix_top\", toward = \"temporal_fossa\", t = 0.4, up_mm = 10 }") +
        // An explicitly sided name in a pair is mirrored for the right site.
        site("x", "both",
             "{ landmark = \"brow_medial_left\", toward = \"brow_lateral_left\", t = 0.5, up_mm = "
             "25 }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value->sites.size(), 6u);
    for (std::size_t i = 0; i < 6; i += 2) {
        const auto& left = r.value->sites[i];
        const auto& right = r.value->sites[i + 1];
        EXPECT_GT(left.position.x, 0.0f) << left.site->id;
        EXPECT_LT(right.position.x, 0.0f) << right.site->id;
        EXPECT_LT(glm::length(left.position - mirror(right.position)), 0.01f) << left.site->id;
        EXPECT_LT(glm::length(left.normal - mirror(right.normal)), 1e-3f) << left.site->id;
    }
}

TEST(Placement, TowardMovesAFractionOfTheWay) {
    const Protocol p = protocol_with(
        site("a", "left", "{ landmark = \"brow_medial\", toward = \"brow_lateral\", t = 0.0 }") +
        site("b", "left", "{ landmark = \"brow_medial\", toward = \"brow_lateral\", t = 1.0 }") +
        site("c", "left", "{ landmark = \"brow_medial\", toward = \"brow_lateral\", t = 0.5 }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    const glm::vec3 m = *sphere_model().landmark("brow_medial_left");
    const glm::vec3 l = *sphere_model().landmark("brow_lateral_left");
    EXPECT_LT(glm::length(r.value->sites[0].position - m), 0.5f);
    EXPECT_LT(glm::length(r.value->sites[1].position - l), 0.5f);
    const glm::vec3 mid = glm::normalize((m + l) * 0.5f) * test::kTestHeadRadius;
    EXPECT_LT(glm::length(r.value->sites[2].position - mid), 0.5f);
}

TEST(Placement, MidlineSiteOnASidedNameUsesThePairsMidpoint) {
    const Protocol p = protocol_with(
        site("m", "midline", "{ landmark = \"brow_medial\", up_mm = 5 }", "procerus"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r.value->sites[0].position.x, 0.0f, 0.1f);
    EXPECT_GT(r.value->sites[0].position.y, sphere_model().landmark("brow_medial_left")->y);
}

TEST(Placement, ResolvesLandmarkNamesPerSide) {
    const Model& m = sphere_model();
    EXPECT_EQ(resolve_landmark_name(m, "glabella", Side::left), "glabella");
    EXPECT_EQ(resolve_landmark_name(m, "brow_medial", Side::left), "brow_medial_left");
    EXPECT_EQ(resolve_landmark_name(m, "brow_medial", Side::right), "brow_medial_right");
    EXPECT_EQ(resolve_landmark_name(m, "brow_medial_left", Side::right), "brow_medial_left");
    EXPECT_EQ(resolve_landmark_name(m, "brow_medial", Side::midline), "brow_medial");
}

TEST(Placement, UnknownLandmarkIsLocatedWithASuggestion) {
    const std::string sites =
        site("a", "left", "{ landmark = \"glabella\" }") +
        site("b", "left", "{ landmark = \"brow_medail\", up_mm = 20 }") +
        site("c", "left", "{ landmark = \"glabella\", toward = \"nasionn\", t = 0.5 }");
    const Protocol p = protocol_with(sites);
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.value);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.value->sites[0].placed);
    EXPECT_FALSE(r.value->sites[1].placed);
    EXPECT_FALSE(r.value->sites[2].placed);
    int unknown = 0;
    for (const auto& d : r.diagnostics) {
        ASSERT_EQ(d.rule, "placement.unknown-landmark");
        EXPECT_EQ(d.where.file, "p.toml");
        EXPECT_GT(d.where.column, 0);
        ++unknown;
    }
    EXPECT_EQ(unknown, 2);
    // Lines: the landmark value of each site (header + 20 lines of fixed text before the sites).
    EXPECT_EQ(r.diagnostics[0].where.line, p.sites()[1]->where.line + 5);
    EXPECT_EQ(r.diagnostics[1].where.line, p.sites()[2]->where.line + 5);
    // The suggestion names the landmark (base name for a sided one).
    EXPECT_NE(r.diagnostics[0].message.find("'brow_medial'"), std::string::npos);
    EXPECT_NE(r.diagnostics[1].message.find("'nasion'"), std::string::npos);
}

TEST(Placement, PointsFarFromTheSkinAreRefused) {
    const Protocol p =
        protocol_with(site("far", "midline", "{ landmark = \"vertex\", up_mm = 60 }") +
                      site("in", "midline", "{ landmark = \"vertex\", up_mm = -60 }") +
                      site("near", "midline", "{ landmark = \"vertex\", up_mm = 30 }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.value);
    ASSERT_EQ(r.diagnostics.size(), 2u);
    EXPECT_EQ(r.diagnostics[0].rule, "placement.off-skin");
    EXPECT_EQ(r.diagnostics[1].rule, "placement.off-skin");
    EXPECT_EQ(r.diagnostics[0].where.line, p.sites()[0]->where.line + 5);
    EXPECT_FALSE(r.value->sites[0].placed);
    EXPECT_FALSE(r.value->sites[1].placed);
    EXPECT_TRUE(r.value->sites[2].placed); // 30 mm out: within the 40 mm allowance
}

TEST(Placement, ReportsTheMuscleUnderTheSite) {
    const Protocol p =
        protocol_with(site("f", "left", "{ landmark = \"supraorbital_rim\", up_mm = 50 }") +
                      site("t", "right", "{ landmark = \"helix_top\", up_mm = 25 }", "temporalis") +
                      site("v", "midline", "{ landmark = \"vertex\" }"));
    const auto r = place_protocol(p, sphere_queries());
    ASSERT_TRUE(r.ok());
    ASSERT_NE(r.value->sites[0].muscle_hit, nullptr);
    EXPECT_EQ(r.value->sites[0].muscle_hit->id, "frontalis");
    EXPECT_EQ(r.value->sites[0].muscle_hit->side, Side::left);
    ASSERT_NE(r.value->sites[1].muscle_hit, nullptr);
    EXPECT_EQ(r.value->sites[1].muscle_hit->key(), "temporalis_right");
    EXPECT_EQ(r.value->sites[2].muscle_hit, nullptr); // nothing under the vertex
}

TEST(Placement, ModelWithoutSkinRefusesEverySite) {
    Model empty;
    empty.id = "empty";
    empty.landmarks["glabella"] = glm::vec3(0.0f);
    const ModelQueries queries(empty);
    const Protocol p = protocol_with(site("g", "midline", "{ landmark = \"glabella\" }"));
    const auto r = place_protocol(p, queries);
    ASSERT_TRUE(r.value);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].rule, "placement.off-skin");
    EXPECT_FALSE(r.value->sites[0].placed);
}

// ---------------------------------------------------------------------------------------------
// Real models: the default generated ones and the MakeHuman import.

namespace {

// Places every shipped protocol whose file name starts with `prefix` ("" = all) and expects every
// site on the skin, without a diagnostic.
void place_shipped_on(const Model& model, bool expect_symmetric, const std::string& prefix = "") {
    const ModelQueries queries(model);
    int files = 0;
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "protocols")) {
        if (entry.path().extension() != ".toml" ||
            entry.path().filename().string().rfind(prefix, 0) != 0)
            continue;
        const auto read = read_protocol_file(entry.path());
        ASSERT_TRUE(read.ok()) << entry.path();
        ++files;
        const auto placed = place_protocol(*read.value, queries);
        ASSERT_TRUE(placed.value);
        for (const auto& d : placed.diagnostics)
            ADD_FAILURE() << model.id << ": " << format_diagnostic(d);
        const auto sites = read.value->sites();
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const PlacedSite& s = placed.value->sites[i];
            EXPECT_TRUE(s.placed) << sites[i]->id;
            if (!s.placed)
                continue;
            EXPECT_NEAR(glm::length(s.normal), 1.0f, 1e-3f) << sites[i]->id;
            // On the skin: the closest skin point to the placed point is the point itself.
            const auto hit = queries.skin().closest_point(s.position);
            ASSERT_TRUE(hit);
            EXPECT_LT(hit->distance, 0.01f) << sites[i]->id;
            // Mirrored pairs (left then right with one base id) mirror each other.
            if (expect_symmetric && i + 1 < sites.size() && sites[i]->side_spec == SideSpec::both &&
                sites[i]->side == Side::left && sites[i + 1]->base_id == sites[i]->base_id &&
                placed.value->sites[i + 1].placed) {
                const float d =
                    glm::length(s.position - mirror(placed.value->sites[i + 1].position));
                EXPECT_LT(d, 1.0f) << model.id << ": " << sites[i]->base_id;
            }
        }
    }
    if (files == 0)
        GTEST_SKIP() << "no shipped protocols in protocols/ yet";
}

std::optional<Model> load_if_present(const fs::path& manifest) {
    if (!fs::exists(manifest))
        return std::nullopt;
    auto r = load_model(manifest);
    if (!r.ok()) {
        for (const auto& d : r.diagnostics)
            ADD_FAILURE() << format_diagnostic(d);
        return std::nullopt;
    }
    return std::move(r.value);
}

} // namespace

TEST(Placement, ShippedPreemptProtocolsOnTheSyntheticModel) {
    // The sphere is head-shaped only near the face and skull; the neck templates' offsets assume a
    // neck.
    place_shipped_on(sphere_model(), true, "preempt");
}

TEST(Placement, ShippedProtocolsOnTheDefaultModels) {
    for (const char* id : {"adult-male", "adult-female"}) {
        const fs::path manifest = test::share_dir() / "models" / (std::string(id) + ".toml");
        if (!fs::exists(manifest) || fs::file_size(manifest) == 0)
            GTEST_SKIP() << "the default model " << manifest << " has not been generated";
        auto model = load_if_present(manifest);
        ASSERT_TRUE(model) << id;
        SCOPED_TRACE(id);
        place_shipped_on(*model, true);
    }
}

TEST(Placement, ShippedProtocolsOnTheMakeHumanImport) {
    if (!fs::exists(test::shared_dir() / "meshes"))
        GTEST_SKIP() << "/work/shared (the MakeHuman test mesh) is absent on this machine";
    const fs::path manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    if (!fs::exists(manifest))
        GTEST_SKIP() << "the MakeHuman manifest " << manifest << " has not been configured";
    auto model = load_if_present(manifest);
    ASSERT_TRUE(model);
    // A real mesh is not exactly symmetric: only placement itself is checked. The PREEMPT layouts
    // use head and shoulder landmarks only and must place on any model that carries them; the
    // cervical dystonia templates' neck offsets are tuned on the generated models (checked there).
    place_shipped_on(*model, false, "preempt");
}
