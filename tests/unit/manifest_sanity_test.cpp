// Manifest sanity checks (models/src/manifest/sanity_checks.cpp): wrong [mesh] units, up or
// forward, and swapped _left/_right landmarks are located errors with a suggested fix, and a check
// whose landmarks are absent is skipped.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "injmap/models/manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

// A head-sized box in centimetres with Blender's axes (+Z up, -Y toward the face): 16 wide, 20
// deep, 24 tall, counter-clockwise quads seen from outside.
constexpr const char* kBoxObj =
    "o skin\n"
    "v -8 -10 0\nv 8 -10 0\nv 8 10 0\nv -8 10 0\n"
    "v -8 -10 24\nv 8 -10 24\nv 8 10 24\nv -8 10 24\n"
    "f 1 4 3 2\nf 5 6 7 8\nf 1 2 6 5\nf 3 4 8 7\nf 2 3 7 6\nf 4 1 5 8\n";

// Landmarks on that box, as a clinician would place them on a head of those proportions.
struct Landmarks {
    std::string vertex = "[0, 0, 24]";
    std::string menton = "[0, -10, 2]";
    std::string glabella = "[0, -10, 18]";
    std::string pronasale = "[0, -10, 16]";
    std::string opisthocranion = "[0, 10, 18]";
    std::string tragion_left = "[8, 0, 14]";
    std::string tragion_right = "[-8, 0, 14]";
    std::string mastoid_left = "[8, 2, 11]";
    std::string mastoid_right = "[-8, 2, 11]";
};

// Line numbers below: 5 units, 6 up, 7 forward, 11… the landmarks in this order.
std::string manifest(const std::string& units, const std::string& up, const std::string& forward,
                     const Landmarks& l, bool all = true) {
    std::string text = "schema_version = 1\nid = \"s\"\n[mesh]\nfile = \"box.obj\"\nunits = \"" +
                       units + "\"\nup = \"" + up + "\"\nforward = \"" + forward +
                       "\"\n[skin]\ngroup = \"skin\"\n[landmarks]\n";
    text += "vertex = " + l.vertex + "\n"; // 11
    if (all) {
        text += "menton = " + l.menton + "\n";                 // 12
        text += "glabella = " + l.glabella + "\n";             // 13
        text += "pronasale = " + l.pronasale + "\n";           // 14
        text += "opisthocranion = " + l.opisthocranion + "\n"; // 15
        text += "tragion_left = " + l.tragion_left + "\n";     // 16
        text += "tragion_right = " + l.tragion_right + "\n";   // 17
        text += "mastoid_left = " + l.mastoid_left + "\n";     // 18
        text += "mastoid_right = " + l.mastoid_right + "\n";   // 19
    }
    return text;
}

Result<Model> load(const std::string& name, const std::string& text) {
    const auto dir = test::fresh_dir("manifest_sanity_" + name);
    test::write_text(dir / "box.obj", kBoxObj);
    test::write_text(dir / "m.toml", text);
    return load_model(dir / "m.toml");
}

std::string listing(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += format_diagnostic(d) + "\n";
    return out;
}

std::vector<const Diagnostic*> with_rule(const Diagnostics& diagnostics, const std::string& rule) {
    std::vector<const Diagnostic*> out;
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            out.push_back(&d);
    return out;
}

bool any_sanity_rule(const Diagnostics& diagnostics) {
    for (const char* rule : {"manifest.units-scale", "manifest.up-axis", "manifest.forward-axis",
                             "manifest.handedness"})
        if (!with_rule(diagnostics, rule).empty())
            return true;
    return false;
}

} // namespace

TEST(ManifestSanity, AConsistentManifestLoadsWithoutFindings) {
    const auto r = load("good", manifest("cm", "+z", "-y", {}));
    ASSERT_TRUE(r.ok()) << listing(r.diagnostics);
    EXPECT_FALSE(any_sanity_rule(r.diagnostics)) << listing(r.diagnostics);
    EXPECT_GT(r.value->landmark("tragion_left")->x, 0.0f);
}

TEST(ManifestSanity, WrongUnitsAreAnErrorOnTheUnitsLineWithTheUnitThatFits) {
    for (const auto& [written, expected] :
         {std::pair<std::string, std::string>{"mm", "cm"}, {"m", "cm"}, {"in", "cm"}}) {
        const auto r = load("units_" + written, manifest(written, "+z", "-y", {}));
        EXPECT_FALSE(r.ok()) << written;
        const auto found = with_rule(r.diagnostics, "manifest.units-scale");
        ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
        EXPECT_EQ(found[0]->severity, Severity::error);
        EXPECT_EQ(found[0]->where.line, 5);
        EXPECT_NE(found[0]->message.find("units = \"" + expected + "\""), std::string::npos)
            << found[0]->message;
    }
}

TEST(ManifestSanity, AHeadInMetresWrittenAsCentimetresSuggestsMetres) {
    Landmarks l; // the same box, its landmarks and mesh written 100 times smaller
    const auto dir = test::fresh_dir("manifest_sanity_metres");
    test::write_text(dir / "box.obj", "o skin\n"
                                      "v -.08 -.1 0\nv .08 -.1 0\nv .08 .1 0\nv -.08 .1 0\n"
                                      "v -.08 -.1 .24\nv .08 -.1 .24\nv .08 .1 .24\nv -.08 .1 .24\n"
                                      "f 1 4 3 2\nf 5 6 7 8\nf 1 2 6 5\nf 3 4 8 7\nf 2 3 7 6\n"
                                      "f 4 1 5 8\n");
    test::write_text(dir / "m.toml",
                     "schema_version = 1\nid = \"s\"\n[mesh]\nfile = \"box.obj\"\nunits = \"cm\"\n"
                     "up = \"+z\"\nforward = \"-y\"\n[skin]\ngroup = \"skin\"\n[landmarks]\n"
                     "glabella = [0, -0.1, 0.18]\nopisthocranion = [0, 0.1, 0.18]\n");
    const auto r = load_model(dir / "m.toml");
    const auto found = with_rule(r.diagnostics, "manifest.units-scale");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_NE(found[0]->message.find("units = \"m\""), std::string::npos) << found[0]->message;
}

TEST(ManifestSanity, AWrongUpAxisIsAnErrorOnTheUpLine) {
    // The author took the OBJ convention (+y up, +z forward) for a Blender export.
    const auto r = load("up", manifest("cm", "+y", "+z", {}));
    EXPECT_FALSE(r.ok());
    const auto found = with_rule(r.diagnostics, "manifest.up-axis");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_EQ(found[0]->where.line, 6);
    EXPECT_NE(found[0]->message.find("up = \"+z\""), std::string::npos) << found[0]->message;
    // Nothing more is said about forward or sides while up is wrong.
    EXPECT_TRUE(with_rule(r.diagnostics, "manifest.forward-axis").empty());
    EXPECT_TRUE(with_rule(r.diagnostics, "manifest.handedness").empty());
}

TEST(ManifestSanity, AReversedForwardAxisIsAnErrorOnTheForwardLine) {
    const auto r = load("forward", manifest("cm", "+z", "+y", {}));
    EXPECT_FALSE(r.ok());
    const auto found = with_rule(r.diagnostics, "manifest.forward-axis");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_EQ(found[0]->where.line, 7);
    EXPECT_NE(found[0]->message.find("forward = \"-y\""), std::string::npos) << found[0]->message;
    EXPECT_TRUE(with_rule(r.diagnostics, "manifest.handedness").empty());
}

TEST(ManifestSanity, AnAbsentUpKeyIsReportedAtTheMeshTable) {
    const auto r = load("up_default", "schema_version = 1\nid = \"s\"\n[mesh]\nfile = \"box.obj\"\n"
                                      "units = \"cm\"\n[skin]\ngroup = \"skin\"\n[landmarks]\n"
                                      "vertex = [0, 0, 24]\nmenton = [0, -10, 2]\n");
    const auto found = with_rule(r.diagnostics, "manifest.up-axis");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_EQ(found[0]->where.line, 3);
}

TEST(ManifestSanity, AllSidesSwappedIsOneErrorAtTheFirstLeftLandmark) {
    Landmarks l;
    std::swap(l.tragion_left, l.tragion_right);
    std::swap(l.mastoid_left, l.mastoid_right);
    const auto r = load("mirrored", manifest("cm", "+z", "-y", l));
    EXPECT_FALSE(r.ok());
    const auto found = with_rule(r.diagnostics, "manifest.handedness");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_EQ(found[0]->where.line, 16);
}

TEST(ManifestSanity, OneSwappedPairIsAnErrorAtThatLandmark) {
    Landmarks l;
    l.mastoid_left = "[-8, 2, 11]";
    l.mastoid_right = "[8, 2, 11]";
    l.tragion_left = "[8, 0, 14]";
    // Two pairs, one swapped: not a majority, so the pair itself is named.
    const auto r = load("one_pair", manifest("cm", "+z", "-y", l));
    const auto found = with_rule(r.diagnostics, "manifest.handedness");
    ASSERT_EQ(found.size(), 1u) << listing(r.diagnostics);
    EXPECT_EQ(found[0]->where.line, 18);
}

TEST(ManifestSanity, ChecksWithoutTheirLandmarksAreSkipped) {
    // Only the vertex: no measure of size, up, forward or sides, so wrong units and axes pass.
    const auto r = load("skipped", manifest("cm", "+y", "+z", {}, false));
    EXPECT_FALSE(any_sanity_rule(r.diagnostics)) << listing(r.diagnostics);
}

TEST(ManifestSanity, TheMakeHumanManifestPasses) {
    const fs::path manifest_path = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    if (!fs::exists(test::shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj"))
        GTEST_SKIP() << "the MakeHuman test mesh (../shared/meshes) is not here";
    const auto r = load_model(manifest_path);
    ASSERT_TRUE(r.ok()) << listing(r.diagnostics);
    EXPECT_FALSE(any_sanity_rule(r.diagnostics)) << listing(r.diagnostics);
}
