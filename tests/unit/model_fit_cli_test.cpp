// `injmap model fit` (app/commands/model_fit.cpp): argument errors, rule ids and exit codes, and
// a manifest written for a small scan (the synthetic test head, written as an OBJ) that loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <glm/geometric.hpp>
#include <nlohmann/json.hpp>

#include "injmap/models/manifest.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace injmap {
namespace {

namespace fs = std::filesystem;

// The synthetic test head as an OBJ in centimetres (one group "head"), and its required points
// as --point arguments in those units.
fs::path write_scan(const fs::path& dir, std::vector<std::string>& point_args) {
    const Model model = test::make_test_model();
    const fs::path path = dir / "head.obj";
    std::ofstream o(path);
    o << "g head\n";
    for (const auto& p : model.skin.positions)
        o << "v " << p.x / 10.0f << " " << p.y / 10.0f << " " << p.z / 10.0f << "\n";
    for (std::size_t t = 0; t < model.skin.triangle_count(); ++t)
        o << "f " << model.skin.indices[3 * t] + 1 << " " << model.skin.indices[3 * t + 1] + 1
          << " " << model.skin.indices[3 * t + 2] + 1 << "\n";
    for (const char* name : {"nasion", "tragion_left", "tragion_right", "menton"}) {
        const glm::vec3 p = model.landmarks.at(name) / 10.0f;
        std::ostringstream s;
        s << name << "=" << p.x << "," << p.y << "," << p.z;
        point_args.insert(point_args.end(), {"--point", s.str()});
    }
    return path;
}

TEST(ModelFitCli, BadPointsAndMissingOutputAreUsageErrors) {
    const fs::path dir = test::fresh_dir("model_fit_usage");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"model", "fit", "scan.obj", "--point", "nasion=1,2", "-o",
                                   (dir / "o.toml").string()},
          std::vector<std::string>{"model", "fit", "scan.obj", "--point", "nasion=1,2,x", "-o",
                                   (dir / "o.toml").string()},
          std::vector<std::string>{"model", "fit", "scan.obj", "--point", "1,2,3", "-o",
                                   (dir / "o.toml").string()},
          std::vector<std::string>{"model", "fit", "scan.obj", "--point", "nasion=1,2,3", "--point",
                                   "nasion=1,2,4", "-o", (dir / "o.toml").string()},
          std::vector<std::string>{"model", "fit", "scan.obj", "--point", "nasion=1,2,3"},
          std::vector<std::string>{"model", "fit", "scan.obj", "--sex", "female", "--template",
                                   "adult-male", "-o", (dir / "o.toml").string()}}) {
        const auto r = test::run_injmap(args);
        EXPECT_EQ(r.exit_code, 2) << args[4] << "\n" << r.err;
        EXPECT_NE(r.err.find("injmap model fit:"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(dir / "o.toml"));
}

TEST(ModelFitCli, MissingAndUnknownPointsExitOneWithRuleIds) {
    const fs::path dir = test::fresh_dir("model_fit_rules");
    std::vector<std::string> points;
    const fs::path scan = write_scan(dir, points);
    const auto r = test::run_injmap({"model", "fit", scan.string(), "--units", "cm", "--point",
                                     "nasoin=0,2,9", "-o", (dir / "o.toml").string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("[fit.missing-point]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[fit.unknown-point]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'nasion'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "o.toml"));
}

TEST(ModelFitCli, WritesAManifestThatLoads) {
    const fs::path dir = test::fresh_dir("model_fit_writes");
    std::vector<std::string> args = {
        "model",        "fit",  "",       "--units", "cm",
        "--skin-group", "head", "--json", "-o",      (dir / "fitted.toml").string()};
    args[2] = write_scan(dir, args).string();
    const auto r = test::run_injmap(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("points_given").get<int>(), 4);
    EXPECT_EQ(j.at("template").get<std::string>(), "adult-male");
    EXPECT_EQ(j.at("landmarks_written").get<int>(),
              j.at("landmarks_carried").get<int>() + j.at("points_given").get<int>());
    EXPECT_GT(j.at("landmarks_carried").get<int>(), 20);
    for (const char* key : {"scale", "points_rms_mm", "surface_mean_mm", "matched_fraction"})
        EXPECT_TRUE(j.at(key).is_number()) << key;

    const std::string text = test::read_text(dir / "fitted.toml");
    EXPECT_NE(text.find("file = \"head.obj\""), std::string::npos) << text; // relative
    EXPECT_NE(text.find("nasion = ["), std::string::npos);
    std::size_t given = 0;
    for (std::size_t at = text.find("# given\n"); at != std::string::npos;
         at = text.find("# given\n", at + 1))
        ++given;
    EXPECT_EQ(given, 4u);
    EXPECT_NE(text.find("# carried\n"), std::string::npos);
    auto loaded = load_model(dir / "fitted.toml");
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << format_diagnostic(d);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded.value->landmarks.size(), std::size_t(j.at("landmarks_written").get<int>()));
    // The given nasion is kept: in model space (mm) it is where the point was (on the skin).
    const Model model = test::make_test_model();
    EXPECT_LT(glm::length(loaded.value->landmarks.at("nasion") - model.landmarks.at("nasion")),
              0.5f);
}

} // namespace
} // namespace injmap
