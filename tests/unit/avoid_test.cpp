// Structures to avoid: the segment-to-mesh distance on a synthetic box, the needle path listing
// them as "avoid", the validator rule placement.near-structure on the generated adult-male (a site
// on top of the greater occipital nerve fires, at the site's line; a far one does not), the
// generated structures themselves and [[avoid]] in manifests.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <glm/geometric.hpp>

#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;
using test::box;

namespace {

// Skin: the top face z = 0 of a large box; a "nerve" box x ∈ [4, 6], z ∈ [-5, -3] along y.
Model nerve_model() {
    Model model;
    model.id = "nerve";
    model.skin = box({-100, -100, -100}, {100, 100, 0});
    AvoidStructure a;
    a.id = "test_nerve";
    a.side = Side::left;
    a.kind = "nerve";
    a.display_name = "Test nerve";
    a.warn_mm = 3.0f;
    a.mesh = box({4, -50, -5}, {6, 50, -3});
    model.avoid.push_back(std::move(a));
    return model;
}

TEST(AvoidDistance, SegmentToMeshDistance) {
    const Mesh nerve = box({4, -50, -5}, {6, 50, -3});
    const SurfaceIndex index(nerve);
    // Straight down at x = 0: nearest the box's face x = 4 at depth 3–5 mm.
    EXPECT_NEAR(segment_distance(index, {0, 0, 0}, {0, 0, -10}), 4.0f, 0.05f);
    // Stopping above the box: the nearest point is the end (0, 0, -2) to the edge (4, ·, -3).
    EXPECT_NEAR(segment_distance(index, {0, 0, 0}, {0, 0, -2}), std::sqrt(17.0f), 0.05f);
    // Through it, and ending inside it: 0.
    EXPECT_EQ(segment_distance(index, {5, 0, 0}, {5, 0, -10}), 0.0f);
    EXPECT_EQ(segment_distance(index, {5, 0, 0}, {5, 0, -4}), 0.0f);
    // Far away.
    EXPECT_NEAR(segment_distance(index, {30, 0, 0}, {30, 0, -10}), 24.0f, 0.05f);
}

TEST(AvoidDistance, NeedlePathListsTheStructureAsAvoid) {
    const Model model = nerve_model();
    const ModelQueries queries(model);
    const auto path = needle_path(queries, glm::vec3(5, 0, 0), glm::vec3(0, 0, -1), 20.0f);
    const auto it = std::find_if(path.begin(), path.end(), [](const NeedleSegment& s) {
        return s.kind == StructureKind::avoid;
    });
    ASSERT_NE(it, path.end());
    EXPECT_EQ(it->structure, "test_nerve");
    EXPECT_EQ(it->side, Side::left);
    EXPECT_NEAR(it->enters_mm, 3.0f, 0.01f);
    EXPECT_NEAR(it->leaves_mm, 5.0f, 0.01f);
    EXPECT_NE(describe_needle_path(path).find("through test nerve (to avoid) from 3 mm"),
              std::string::npos)
        << describe_needle_path(path);
    const auto near = avoid_distances(queries, glm::vec3(0, 0, 0), glm::vec3(0, 0, -1), 10.0f);
    ASSERT_EQ(near.size(), 1u);
    EXPECT_NEAR(near[0].distance_mm, 4.0f, 0.05f);
}

TEST(AvoidDistance, RuleIsInTheTable) {
    bool found = false;
    for (const auto& r : validator_rules())
        if (std::string(r.id) == "placement.near-structure") {
            found = true;
            EXPECT_EQ(r.severity, Severity::warning);
        }
    EXPECT_TRUE(found);
}

const Model& adult_male() {
    static const Model model = [] {
        auto r = load_model(test::share_dir() / "models" / "adult-male.toml");
        EXPECT_TRUE(r.ok());
        return r.value ? std::move(*r.value) : Model{};
    }();
    return model;
}

// A one-step protocol whose two sites are written at known lines.
std::string two_sites(const std::string& near_at, const std::string& far_at) {
    return "schema_version = 1\n"
           "id = \"avoid\"\n"
           "title = \"Avoid (test)\"\n"
           "indication = \"other\"\n"
           "paradigm = \"custom\"\n"
           "product = \"onabotulinumtoxinA (BOTOX)\"\n"
           "[[sources]]\n"
           "key = \"TEST\"\n"
           "citation = \"injmap test data.\"\n"
           "[reconstitution]\n"
           "vial_units = 100\n"
           "diluent_ml = 2.0\n"
           "[needle]\n"
           "gauge = 30\n"
           "length_inch = 0.5\n"
           "[[steps]]\n"
           "id = \"occiput\"\n"
           "title = \"Occiput\"\n"
           "[[steps.sites]]\n"
           "id = \"near\"\n"
           "muscle = \"occipitalis\"\n"
           "side = \"left\"\n"
           "units = 5\n"
           "depth_mm = 8\n"
           "at = " +
           near_at + // line 25
           "\n"
           "[[steps.sites]]\n"
           "id = \"far\"\n"
           "muscle = \"frontalis\"\n"
           "side = \"left\"\n"
           "units = 5\n"
           "at = " +
           far_at + // line 32
           "\n";
}

TEST(NearStructure, FiresOverTheGreaterOccipitalNerveNotFarFromIt) {
    const Model& model = adult_male();
    ASSERT_FALSE(model.avoid.empty());
    const ModelQueries queries(model);
    const AvoidStructure* gon = model.find_avoid("greater_occipital_nerve", Side::left);
    ASSERT_NE(gon, nullptr);
    // Where the nerve pierces the trapezius, ~16 mm below and ~23 mm lateral to the inion; the far
    // site high on the forehead's midline.
    const std::string text = two_sites("{ landmark = \"inion\", lateral_mm = 25, up_mm = 0 }",
                                       "{ landmark = \"glabella\", up_mm = 45, lateral_mm = 0 }");
    auto read = read_protocol_text(text, "avoid.toml");
    ASSERT_TRUE(read.ok());
    auto placed = place_protocol(*read.value, queries);
    ASSERT_TRUE(placed.value);
    const auto d = validate_on_model(*read.value, *placed.value, queries);
    std::vector<const Diagnostic*> near;
    for (const auto& x : d)
        if (x.rule == "placement.near-structure")
            near.push_back(&x);
    ASSERT_EQ(near.size(), 1u) << [&] {
        std::string all;
        for (const auto* x : near)
            all += "\n  " + format_diagnostic(*x);
        return all;
    }();
    EXPECT_EQ(near[0]->where.line, 25);
    EXPECT_EQ(near[0]->severity, Severity::warning);
    EXPECT_NE(near[0]->message.find(gon->display_name), std::string::npos) << near[0]->message;
}

TEST(GeneratedAvoid, EveryStructureOnBothSidesUnderTheSkinAndSmall) {
    const Model& model = adult_male();
    const ModelQueries queries(model);
    std::size_t triangles = 0;
    for (const char* id :
         {"supraorbital_nerve", "supratrochlear_nerve", "superficial_temporal_artery",
          "facial_nerve_temporal_branch", "greater_occipital_nerve", "lesser_occipital_nerve",
          "vertebral_artery", "external_jugular_vein", "brachial_plexus", "lung_apex"})
        for (Side side : {Side::left, Side::right}) {
            const AvoidStructure* a = model.find_avoid(id, side);
            ASSERT_NE(a, nullptr) << id;
            EXPECT_TRUE(is_avoid_kind(a->kind)) << id;
            EXPECT_GT(a->warn_mm, 0.0f) << id;
            EXPECT_FALSE(a->display_name.empty()) << id;
            triangles += a->mesh.triangle_count();
            // Closed and facing outwards: a positive enclosed volume (divergence theorem).
            double volume = 0.0;
            for (std::size_t t = 0; t + 2 < a->mesh.indices.size(); t += 3) {
                const glm::vec3 p0 = a->mesh.positions[a->mesh.indices[t]],
                                p1 = a->mesh.positions[a->mesh.indices[t + 1]],
                                p2 = a->mesh.positions[a->mesh.indices[t + 2]];
                volume += static_cast<double>(glm::dot(p0, glm::cross(p1, p2))) / 6.0;
            }
            EXPECT_GT(volume, 0.0) << id << " " << to_string(side);
            // Under the skin: every vertex at least 1 mm from it, and inside it (a ray from the
            // vertex straight up or down crosses the skin an odd number of times).
            for (const auto& p : a->mesh.positions) {
                const auto hit = queries.skin().closest_point(p);
                ASSERT_TRUE(hit);
                EXPECT_GT(hit->distance, 1.0f) << id;
                if (hit->distance <= 1.0f)
                    break;
            }
        }
    EXPECT_EQ(model.avoid.size(), 20u);
    EXPECT_LT(triangles, 8000u); // the GUI's memory budget
}

TEST(AvoidManifest, BadEntriesAreLocated) {
    const fs::path dir = fs::temp_directory_path() / "injmap-avoid-manifest-test";
    fs::create_directories(dir);
    {
        std::ofstream obj(dir / "m.obj");
        obj << "o skin\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"
               "o avoid_n_left\nv 0 0 0\nv 0.5 0 0\nv 0 0.5 0\nv 0 0 0.5\n"
               "f 5 7 6\nf 5 6 8\nf 5 8 7\nf 6 7 8\n";
    }
    const auto write = [&](const std::string& avoid) {
        std::ofstream toml(dir / "m.toml");
        toml << "schema_version = 1\nid = \"m\"\n[mesh]\nfile = \"m.obj\"\nunits = \"mm\"\n"
                "[skin]\ngroup = \"skin\"\n"
             << avoid;
    };
    write("[[avoid]]\nid = \"n\"\nside = \"left\"\nkind = \"nerve\"\nname = \"N\"\nwarn_mm = 4\n");
    {
        const auto r = load_model(dir / "m.toml");
        ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
        ASSERT_EQ(r.value->avoid.size(), 1u);
        EXPECT_EQ(r.value->avoid[0].display_name, "N");
        EXPECT_FLOAT_EQ(r.value->avoid[0].warn_mm, 4.0f);
    }
    const auto first_error = [&](const std::string& avoid) {
        write(avoid);
        const auto r = load_model(dir / "m.toml");
        for (const auto& d : r.diagnostics)
            if (d.severity == Severity::error)
                return std::make_pair(d.rule, d.where.line);
        return std::make_pair(std::string("none"), 0);
    };
    // Line 8 is the [[avoid]] header; the keys follow.
    EXPECT_EQ(first_error("[[avoid]]\nid = \"n\"\nside = \"left\"\nkind = \"nevre\"\n"),
              std::make_pair(std::string("manifest.bad-value"), 11));
    EXPECT_EQ(first_error("[[avoid]]\nid = \"n\"\nside = \"left\"\n"),
              std::make_pair(std::string("manifest.missing-key"), 8));
    EXPECT_EQ(
        first_error("[[avoid]]\nid = \"n\"\nside = \"left\"\nkind = \"nerve\"\nwarn_mm = -1\n"),
        std::make_pair(std::string("manifest.bad-value"), 12));
    EXPECT_EQ(
        first_error("[[avoid]]\nid = \"n\"\nside = \"left\"\nkind = \"nerve\"\nwarn_mm = \"5\"\n"),
        std::make_pair(std::string("manifest.type"), 12));
    EXPECT_EQ(first_error("[[avoid]]\nid = \"x\"\nside = \"left\"\nkind = \"nerve\"\n"),
              std::make_pair(std::string("manifest.unknown-group"), 8));
    fs::remove_all(dir);
}

} // namespace
