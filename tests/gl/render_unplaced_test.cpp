// `injmap render` with a site the model cannot place (issue #19: a head-only scan could not render
// at all): the image is written with the placed sites, the unplaced ones are listed in a box at the
// bottom left and in the report, and the exit code is 1.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "image_compare.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

// A 90 mm sphere (a head with only two landmarks) as OBJ text, counter-clockwise from outside.
std::string sphere_obj() {
    constexpr float kRadius = 90.0f;
    constexpr int kRings = 24, kSegments = 48;
    std::ostringstream out;
    out << "o skin\nv 0 " << kRadius << " 0\n";
    for (int i = 1; i < kRings; ++i)
        for (int j = 0; j < kSegments; ++j) {
            const double th = M_PI * i / kRings, ph = 2.0 * M_PI * j / kSegments;
            out << "v " << kRadius * std::sin(th) * std::sin(ph) << " " << kRadius * std::cos(th)
                << " " << kRadius * std::sin(th) * std::cos(ph) << "\n";
        }
    out << "v 0 " << -kRadius << " 0\n";
    const auto at = [](int i, int j) { return 2 + (i - 1) * kSegments + (j % kSegments); };
    const int last = 2 + (kRings - 1) * kSegments;
    for (int j = 0; j < kSegments; ++j)
        out << "f 1 " << at(1, j) << " " << at(1, j + 1) << "\n";
    for (int i = 1; i < kRings - 1; ++i)
        for (int j = 0; j < kSegments; ++j) {
            out << "f " << at(i, j) << " " << at(i + 1, j) << " " << at(i + 1, j + 1) << "\n";
            out << "f " << at(i, j) << " " << at(i + 1, j + 1) << " " << at(i, j + 1) << "\n";
        }
    for (int j = 0; j < kSegments; ++j)
        out << "f " << last << " " << at(kRings - 1, j + 1) << " " << at(kRings - 1, j) << "\n";
    return out.str();
}

std::string protocol(bool with_shoulder) {
    std::string text = R"toml(schema_version = 1
id = "p"
title = "P"
indication = "other"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"
source = "S"
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
[[steps.sites]]
id = "g"
muscle = "frontalis"
side = "midline"
units = 5
at = { landmark = "glabella", up_mm = 15 }
)toml";
    if (with_shoulder)
        text += "[[steps.sites]]\nid = \"a\"\nmuscle = \"trapezius\"\nside = \"left\"\nunits = "
                "5\nat = { landmark = \"acromion\" }\n";
    return text;
}

} // namespace

TEST(RenderUnplaced, TheMapIsDrawnWithThePlacedSitesAndListsTheOthers) {
    const fs::path dir = test::fresh_dir("render_unplaced");
    test::write_text(dir / "s.obj", sphere_obj());
    test::write_text(dir / "s.toml", "schema_version = 1\nid = \"s\"\n[mesh]\nfile = \"s.obj\"\n"
                                     "units = \"mm\"\n[skin]\ngroup = \"skin\"\n[landmarks]\n"
                                     "glabella = [0, 23.3, 86.9]\nvertex = [0, 90, 0]\n");
    test::write_text(dir / "p.toml", protocol(true));
    test::write_text(dir / "q.toml", protocol(false));
    const auto run = [&](const std::string& p, const std::string& out) {
        return test::run_injmap({"render", "--model", (dir / "s.toml").string(), "--protocol",
                                 (dir / p).string(), "--size", "640x400", "-o",
                                 (dir / (out + ".png")).string(), "--report",
                                 (dir / (out + ".json")).string()},
                                test::headless_env());
    };
    const auto with = run("p.toml", "with");
    ASSERT_EQ(with.exit_code, 1) << with.err;
    EXPECT_NE(with.err.find("placement.unknown-landmark"), std::string::npos) << with.err;
    const auto report = test::read_json(dir / "with.json");
    EXPECT_EQ(report.at("unplaced"), nlohmann::json::array({"a"}));
    ASSERT_EQ(report.at("images").size(), 1u);
    ASSERT_EQ(report["images"][0]["sites"].size(), 1u);
    EXPECT_EQ(report["images"][0]["sites"][0]["id"], "g");
    EXPECT_TRUE(report["images"][0]["sites"][0]["visible"].get<bool>());

    const auto without = run("q.toml", "without");
    ASSERT_EQ(without.exit_code, 0) << without.err;
    EXPECT_EQ(test::read_json(dir / "without.json").at("unplaced"), nlohmann::json::array());
    // The list's box at the bottom left is drawn only when a site is missing.
    test::Image a, b;
    ASSERT_TRUE(test::load_png(dir / "with.png", a));
    ASSERT_TRUE(test::load_png(dir / "without.png", b));
    int differing = 0;
    for (int y = 340; y < 395; ++y)
        for (int x = 5; x < 120; ++x)
            differing += std::abs(int(a.pixel(x, y)[0]) - int(b.pixel(x, y)[0])) > 8 ? 1 : 0;
    EXPECT_GT(differing, 500);
    int elsewhere = 0; // the rest of the picture is the same (the same site, the same framing)
    for (int y = 0; y < 300; ++y)
        for (int x = 200; x < 640; ++x)
            elsewhere += std::abs(int(a.pixel(x, y)[0]) - int(b.pixel(x, y)[0])) > 8 ? 1 : 0;
    EXPECT_LT(elsewhere, 50);
}
