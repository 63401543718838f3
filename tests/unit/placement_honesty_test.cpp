// Honest placement (issue #19): projection follows the offset's anatomical direction, lands on the
// outermost of two skin shells, reports how far and which way it moved each site
// (placement.moved past kPlacementMovedWarnMm), and a site that cannot be placed is counted as
// unplaced while the others are placed (a head-only scan: check and render still work).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <glm/geometric.hpp>
#include <nlohmann/json.hpp>

#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

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

std::string site(const std::string& id, const std::string& side, const std::string& at) {
    return "[[steps.sites]]\nid = \"" + id + "\"\nmuscle = \"frontalis\"\nside = \"" + side +
           "\"\nunits = 5\nat = " + at + "\n";
}

const Model& sphere() {
    static const Model model = test::make_test_model();
    return model;
}

// The test sphere with a second, hidden shell inside: a copy scaled by 0.97 (2.7 mm under the
// skin), as a scan with hair over the scalp or an inner shell has.
const Model& two_shells() {
    static const Model model = [] {
        Model m = test::make_test_model();
        const Mesh inner = test::symmetric_sphere(glm::vec3(0.0f), 0.97f * test::kTestHeadRadius);
        const auto base = static_cast<std::uint32_t>(m.skin.positions.size());
        m.skin.positions.insert(m.skin.positions.end(), inner.positions.begin(),
                                inner.positions.end());
        m.skin.normals.insert(m.skin.normals.end(), inner.normals.begin(), inner.normals.end());
        for (std::uint32_t i : inner.indices)
            m.skin.indices.push_back(base + i);
        return m;
    }();
    return model;
}

std::size_t count_rule(const Diagnostics& diagnostics, const std::string& rule) {
    std::size_t n = 0;
    for (const auto& d : diagnostics)
        n += d.rule == rule ? 1 : 0;
    return n;
}

} // namespace

TEST(PlacementHonesty, ALateralOffsetAtTheBackKeepsItsWidth) {
    // 45 mm lateral of a landmark at the back of the head: the closest skin point would pull it in
    // to about 40 mm; along the landmark's normal line it stays 45 mm from the midline.
    const ModelQueries queries(sphere());
    const Protocol p =
        protocol_with(site("a", "left", "{ landmark = \"opisthocranion\", lateral_mm = 45 }"));
    const auto r = place_protocol(p, queries);
    ASSERT_TRUE(r.ok());
    const PlacedSite& s = r.value->sites[0];
    ASSERT_TRUE(s.placed);
    EXPECT_TRUE(s.along_normal);
    EXPECT_NEAR(s.position.x, 45.0f, 0.5f);
    EXPECT_NEAR(glm::length(s.position), test::kTestHeadRadius, 0.5f);
    // It moved straight in along the landmark's inward normal (forward, a little down).
    const glm::vec3 target = *sphere().landmark("opisthocranion") + glm::vec3(45.0f, 0.0f, 0.0f);
    const glm::vec3 inward = -glm::normalize(*sphere().landmark("opisthocranion"));
    EXPECT_GT(glm::dot(glm::normalize(s.moved), inward), 0.999f);
    EXPECT_LT(glm::distance(s.target, target), 1e-3f);
    EXPECT_NEAR(s.moved_mm, glm::distance(s.position, target), 1e-3f);
    EXPECT_GT(s.moved_mm, 5.0f);
    EXPECT_EQ(moved_direction(s), "forward");
    const auto closest = queries.skin().closest_point(target);
    EXPECT_LT(closest->point.x, 42.0f); // what the old projection did
}

TEST(PlacementHonesty, SitesLandOnTheOuterOfTwoShells) {
    const ModelQueries queries(two_shells());
    // A target 2 mm under the skin at the vertex is nearer the inner shell (0.7 mm) than the
    // outer one (2 mm): the closest point alone would hide the site under the skin.
    const glm::vec3 under = *sphere().landmark("vertex") - glm::vec3(0.0f, 2.0f, 0.0f);
    const auto closest = queries.skin().closest_point(under);
    ASSERT_TRUE(closest);
    ASSERT_LT(glm::length(closest->point), 0.98f * test::kTestHeadRadius); // the test can fail
    const Protocol p = protocol_with(
        site("v", "midline", "{ landmark = \"vertex\", up_mm = -2 }") +
        site("f", "both", "{ landmark = \"supraorbital_rim\", up_mm = 25, forward_mm = -4 }") +
        site("t", "both", "{ landmark = \"helix_top\", up_mm = 30, lateral_mm = -3 }") +
        site("o", "both", "{ landmark = \"inion\", up_mm = 20, lateral_mm = 30, forward_mm = 3 }") +
        site("n", "both", "{ landmark = \"inion\", up_mm = -30, lateral_mm = 15 }"));
    const auto r = place_protocol(p, queries);
    ASSERT_TRUE(r.value);
    ASSERT_EQ(r.value->placed_count(), r.value->sites.size());
    for (const PlacedSite& s : r.value->sites)
        EXPECT_NEAR(glm::length(s.position), test::kTestHeadRadius, 0.5f) << s.site->id;
}

TEST(PlacementHonesty, AFarProjectionIsAWarningWithItsDistanceAndDirection) {
    const ModelQueries queries(sphere());
    const Protocol p =
        protocol_with(site("near", "midline", "{ landmark = \"vertex\" }") +
                      site("far", "midline", "{ landmark = \"vertex\", up_mm = 38 }"));
    const auto r = place_protocol(p, queries);
    ASSERT_TRUE(r.value);
    EXPECT_TRUE(r.ok()); // a warning only
    EXPECT_EQ(count_rule(r.diagnostics, "placement.moved"), 1u);
    EXPECT_EQ(r.diagnostics[0].where.line, p.sites()[1]->placement.where.line);
    EXPECT_LT(r.value->sites[0].moved_mm, 0.5f);
    EXPECT_NEAR(r.value->sites[1].moved_mm, 38.0f, 0.5f);
    EXPECT_GT(r.value->sites[1].moved_mm, kPlacementMovedWarnMm);
    EXPECT_EQ(moved_direction(r.value->sites[1]), "down");
    EXPECT_EQ(moved_direction(r.value->sites[0]), "none");
}

TEST(PlacementHonesty, DirectionWordsAreMedialAndLateralForSidedSites) {
    PlacedSite s;
    Site left, right;
    left.side = Side::left;
    right.side = Side::right;
    s.moved = {-10.0f, 4.0f, 0.0f};
    s.site = &left;
    EXPECT_EQ(moved_direction(s), "medial, up");
    s.site = &right;
    EXPECT_EQ(moved_direction(s), "lateral, up");
    s.site = nullptr;
    EXPECT_EQ(moved_direction(s), "right, up");
}

// A head-only scan: the MakeHuman mesh cut above the neck, with the landmarks that remain.
class HeadOnly : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const fs::path obj =
            test::shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj";
        const fs::path manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
        if (!fs::exists(obj) || !fs::exists(manifest))
            return;
        dir_ = test::fresh_dir("placement_head_only");
        // Faces with every corner above 6.0 dm (2 cm under the chin): head and upper neck.
        std::ifstream in(obj);
        std::ostringstream out;
        std::vector<float> heights;
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("v ", 0) == 0) {
                std::istringstream v(line.substr(2));
                float x = 0, y = 0;
                v >> x >> y;
                heights.push_back(y);
            } else if (line.rfind("f ", 0) == 0) {
                std::istringstream f(line.substr(2));
                bool keep = true;
                for (std::string corner; f >> corner;)
                    keep = keep && heights.at(std::stoul(corner) - 1) >= 6.0f;
                if (!keep)
                    continue;
            }
            out << line << "\n";
        }
        test::write_text(dir_ / "head.obj", out.str());
        std::ifstream m(manifest);
        std::ostringstream text;
        for (std::string line; std::getline(m, line);) {
            if (line.rfind("file =", 0) == 0)
                line = "file = \"head.obj\"";
            else if (line.rfind("id =", 0) == 0)
                line = "id = \"head-only\"";
            const auto open = line.find(" = [");
            if (open != std::string::npos) {
                std::istringstream xyz(line.substr(open + 4));
                float x = 0, y = 0;
                char comma = 0;
                xyz >> x >> comma >> y;
                if (y < 6.05f)
                    continue; // below the cut: the scan does not have it
            }
            text << line << "\n";
        }
        test::write_text(dir_ / "head.toml", text.str());
    }
    void SetUp() override {
        if (dir_.empty())
            GTEST_SKIP()
                << "the MakeHuman test mesh (../shared/meshes) or its manifest is not here";
    }
    static fs::path dir_;
};
fs::path HeadOnly::dir_;

TEST_F(HeadOnly, CheckCountsTheUnplacedSitesAndPlacesTheOthers) {
    const auto model = load_model(dir_ / "head.toml");
    ASSERT_TRUE(model.ok());
    EXPECT_FALSE(model.value->landmark("acromion_left"));
    const ModelQueries queries(*model.value);
    const auto protocol = read_protocol_file(test::share_dir() / "protocols" / "preempt-155.toml");
    ASSERT_TRUE(protocol.ok());
    const auto r = place_protocol(*protocol.value, queries);
    ASSERT_TRUE(r.value);
    EXPECT_EQ(r.value->sites.size(), 31u);
    EXPECT_EQ(r.value->placed_count(), 25u); // the six trapezius sites need the shoulders
    for (std::size_t i = 0; i < r.value->sites.size(); ++i)
        EXPECT_EQ(r.value->sites[i].placed, protocol.value->sites()[i]->muscle != "trapezius")
            << protocol.value->sites()[i]->id;
    EXPECT_EQ(count_rule(r.diagnostics, "placement.unknown-landmark"), 6u);

    const auto cli =
        test::run_injmap({"check", "--model", (dir_ / "head.toml").string(), "preempt-155"});
    EXPECT_EQ(cli.exit_code, 1);
    EXPECT_NE(cli.out.find("25 of 31 placed"), std::string::npos) << cli.out;
    const auto json = test::run_injmap(
        {"check", "--json", "--model", (dir_ / "head.toml").string(), "preempt-155"});
    EXPECT_EQ(json.exit_code, 1);
    const auto report = nlohmann::json::parse(json.out);
    const auto& p = report["files"][0]["protocol"];
    EXPECT_EQ(p["placed_count"], 25);
    EXPECT_EQ(p["unplaced"].size(), 6u);
    for (const auto& s : p["sites"]) {
        if (s["placed"].get<bool>()) {
            EXPECT_TRUE(s["moved_mm"].is_number());
            EXPECT_TRUE(s["moved_direction"].is_string());
            EXPECT_EQ(s["moved_vector_mm"].size(), 3u);
        } else {
            EXPECT_TRUE(s["moved_mm"].is_null());
        }
    }
}
