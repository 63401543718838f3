// Assisted landmarking (scan_fit.hpp): the rule ids of a fit that cannot be made, and the accuracy
// of a real fit — the MakeHuman test mesh fitted from six of its hand landmarks, every other
// landmark and the PREEMPT sites compared with the hand-landmarked manifest's.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include <glm/geometric.hpp>

#include "injmap/models/manifest.hpp"
#include "injmap/models/model_cache.hpp"
#include "injmap/models/scan_fit.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace injmap {
namespace {

namespace fs = std::filesystem;

// A generated default model through the model cache (the suite's cache folder): a fraction of the
// OBJ parse. nullptr when it is not built.
const Model* cached_model(const std::string& id) {
    static std::map<std::string, std::optional<Model>> models;
    auto& slot = models[id];
    if (!slot) {
        const fs::path manifest = test::share_dir() / "models" / (id + ".toml");
        if (!fs::exists(manifest))
            return nullptr;
        auto r = load_model_cached(manifest);
        if (!r.ok())
            return nullptr;
        slot = std::move(*r.value);
    }
    return &*slot;
}

bool has_rule(const std::vector<Diagnostic>& diagnostics, const std::string& rule) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.rule == rule; });
}

// A scan that is the synthetic test head itself (model space, mm).
Scan synthetic_scan(const Model& model) {
    Scan scan;
    scan.path = "synthetic.obj";
    scan.skin = model.skin;
    if (scan.skin.normals.empty())
        compute_vertex_normals(scan.skin);
    return scan;
}

std::map<std::string, glm::vec3> required_points(const Model& model) {
    std::map<std::string, glm::vec3> points;
    for (auto name : kFitRequiredPoints)
        points[std::string(name)] = model.landmarks.at(std::string(name));
    return points;
}

TEST(ScanFit, MissingAndUnknownPointsAreErrors) {
    const Model model = test::make_test_model();
    const Scan scan = synthetic_scan(model);
    auto points = required_points(model);
    points.erase("menton");
    points["nasoin"] = model.landmarks.at("nasion");
    const auto fit = fit_landmarks(scan, points, model);
    EXPECT_FALSE(fit.ok());
    EXPECT_TRUE(has_rule(fit.diagnostics, "fit.missing-point"));
    EXPECT_TRUE(has_rule(fit.diagnostics, "fit.unknown-point"));
    const auto unknown =
        std::find_if(fit.diagnostics.begin(), fit.diagnostics.end(),
                     [](const Diagnostic& d) { return d.rule == "fit.unknown-point"; });
    ASSERT_NE(unknown, fit.diagnostics.end());
    EXPECT_NE(unknown->message.find("'nasion'"), std::string::npos) << unknown->message;
}

TEST(ScanFit, PointsOnALineAreDegenerate) {
    const Model model = test::make_test_model();
    const Scan scan = synthetic_scan(model);
    std::map<std::string, glm::vec3> points;
    float y = 0.0f;
    for (auto name : kFitRequiredPoints) {
        points[std::string(name)] = {0.0f, y, 90.0f};
        y += 20.0f;
    }
    const auto fit = fit_landmarks(scan, points, model);
    EXPECT_FALSE(fit.ok());
    EXPECT_TRUE(has_rule(fit.diagnostics, "fit.degenerate"));
}

TEST(ScanFit, SwappedSidesAndWrongUnitsAreAMismatch) {
    const Model model = test::make_test_model();
    Scan scan = synthetic_scan(model);
    auto points = required_points(model);
    std::swap(points["tragion_left"], points["tragion_right"]);
    const auto swapped = fit_landmarks(scan, points, model);
    EXPECT_FALSE(swapped.ok());
    EXPECT_TRUE(has_rule(swapped.diagnostics, "fit.points-mismatch"));

    // The scan read in the wrong units: the head comes out a tenth of the template's size.
    for (auto& p : scan.skin.positions)
        p *= 0.1f;
    points = required_points(model);
    for (auto& [name, p] : points)
        p *= 0.1f;
    const auto small = fit_landmarks(scan, points, model);
    EXPECT_FALSE(small.ok());
    EXPECT_TRUE(has_rule(small.diagnostics, "fit.points-mismatch"));
}

// The registration itself, free of any difference in how landmarks are placed: the adult-male
// template fitted onto the adult-female model's skin (another size and shape, the same landmark
// rules) from her six points must find her other landmarks.
TEST(ScanFit, TheMaleTemplateFindsTheFemaleModelsLandmarks) {
#if defined(__SANITIZE_ADDRESS__)
    // An accuracy figure; its code paths run under the sanitizers in the MakeHuman test and
    // ModelFitCli.WritesAManifestThatLoads (the dev suite's time is spent once, not three times).
    GTEST_SKIP() << "accuracy only: not repeated under AddressSanitizer";
#endif
    const Model* templ = cached_model("adult-male");
    const Model* female = cached_model("adult-female");
    if (!templ || !female)
        GTEST_SKIP() << "the default models are not built";
    Scan scan;
    scan.path = female->skin_path;
    scan.skin = female->skin;
    std::map<std::string, glm::vec3> points;
    for (const char* name : {"nasion", "tragion_left", "tragion_right", "menton", "vertex", "c7"})
        points[name] = female->landmarks.at(name);
    // 12 mm off the skin: snapped onto it, with a warning.
    const glm::vec3 out = glm::normalize(points["menton"] - glm::vec3(0.0f, 0.0f, 0.0f));
    points["menton"] += 12.0f * out;
    const auto fit = fit_landmarks(scan, points, *templ);
    ASSERT_TRUE(fit.ok());
    EXPECT_TRUE(has_rule(fit.diagnostics, "fit.point-off-skin"));
    const LandmarkFit& f = *fit.value;
    EXPECT_EQ(f.given.size(), 6u);
    EXPECT_TRUE(f.uncovered.empty());
    EXPECT_LT(f.scale, 1.0f); // she is smaller
    float sum = 0.0f, worst = 0.0f;
    int carried = 0;
    for (const auto& [name, p] : female->landmarks) {
        ASSERT_TRUE(f.landmarks.contains(name)) << name;
        if (f.given.contains(name))
            continue;
        const float d = glm::length(f.landmarks.at(name) - p);
        sum += d;
        worst = std::max(worst, d);
        ++carried;
        EXPECT_LT(d, 7.0f) << name;
    }
    std::printf("male template on the female model: %d carried, mean %.2f mm, max %.2f mm\n",
                carried, sum / float(carried), worst);
    EXPECT_LE(sum / float(carried), 2.0f); // reached: 1.83 mm
}

// ---- The MakeHuman mesh, fitted from six hand landmarks --------------------------------------

const char* const kGiven[] = {"nasion", "tragion_left", "tragion_right", "menton", "vertex", "c7"};

TEST(ScanFit, MakeHumanFromSixPointsMatchesTheHandLandmarks) {
    if (!fs::exists(test::shared_dir() / "meshes"))
        GTEST_SKIP() << "/work/shared (the MakeHuman test mesh) is absent on this machine";
    const fs::path hand_manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    const Model* templ = cached_model("adult-male");
    if (!fs::exists(hand_manifest) || !templ)
        GTEST_SKIP() << "the MakeHuman manifest or the default model is not built";
    auto hand = load_model(hand_manifest);
    ASSERT_TRUE(hand.ok());

    ScanFrame frame;
    frame.units = "dm";
    frame.skin_group = "body";
    auto scan =
        load_scan(test::shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj", frame);
    ASSERT_TRUE(scan.ok());
    std::map<std::string, glm::vec3> points;
    for (const char* name : kGiven)
        points[name] = hand.value->landmarks.at(name);
    const auto start = std::chrono::steady_clock::now();
    const auto fit = fit_landmarks(*scan.value, points, *templ);
    std::printf("fit in %.0f ms\n",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
    for (const auto& d : fit.diagnostics)
        std::printf("  %s: %s\n", d.rule.c_str(), d.message.c_str());
    ASSERT_TRUE(fit.ok());
    EXPECT_FALSE(has_rule(fit.diagnostics, "fit.point-off-skin"));
    const LandmarkFit& f = *fit.value;
    std::printf("scale %.3f, points rms %.2f mm, surface mean %.2f mm, matched %.0f %%\n", f.scale,
                f.points_rms_mm, f.surface_mean_mm, 100.0 * f.matched_fraction);
    EXPECT_LT(f.surface_mean_mm, 3.0f);

    // Every landmark of the hand manifest, carried (the six given ones are exact).
    float sum = 0.0f, worst = 0.0f, head_sum = 0.0f;
    std::string worst_name;
    int carried = 0, head = 0;
    const float below_chin = hand.value->landmarks.at("menton").y - 10.0f;
    for (const auto& [name, p] : hand.value->landmarks) {
        if (f.given.contains(name)) {
            EXPECT_LT(glm::length(f.landmarks.at(name) - p), 0.5f) << name;
            continue;
        }
        ASSERT_TRUE(f.landmarks.contains(name)) << name;
        const float d = glm::length(f.landmarks.at(name) - p);
        const glm::vec3 q = f.landmarks.at(name);
        std::printf("  %-30s %6.2f mm  (fitted %.0f %.0f %.0f, hand %.0f %.0f %.0f)\n",
                    name.c_str(), d, q.x, q.y, q.z, p.x, p.y, p.z);
        sum += d;
        ++carried;
        if (p.y > below_chin) {
            head_sum += d;
            ++head;
        }
        if (d > worst) {
            worst = d;
            worst_name = name;
        }
    }
    ASSERT_GT(carried, 30);
    const float mean = sum / float(carried);
    const float head_mean = head_sum / float(std::max(head, 1));
    std::printf("carried landmarks: %d, mean error %.2f mm, max %.2f mm (%s); head and face "
                "(%d): mean %.2f mm\n",
                carried, mean, worst, worst_name.c_str(), head, head_mean);
    // Issue #19 asks for 4 mm (mean) over all of them. Reached (docs/model-manifest.md), with
    // the refinement step (scan_refine.cpp: landmarks found again on the scan's own skin by their
    // definitions): 3.8 mm, 3.9 mm on the head and face. What is left is where the template's
    // rules and the hand placement differ: the brows' lateral ends (14 mm), the temples (12 mm),
    // the clavicles' middle (10 mm across), the zygomatic arches (7 mm).
    EXPECT_LE(mean, 4.0f);
    EXPECT_LE(head_mean, 4.5f);
    for (const char* name :
         {"acromion_left", "acromion_right", "suprasternal_notch", "sternoclavicular_left",
          "sternoclavicular_right", "t1", "t2", "t3", "t4"})
        EXPECT_LE(glm::length(f.landmarks.at(name) - hand.value->landmarks.at(name)), 7.0f) << name;
    for (const char* name : {"gonion_left", "gonion_right", "pupil_left", "pupil_right",
                             "medial_canthus_left", "medial_canthus_right", "subnasale", "glabella",
                             "frontal_hairline", "helix_top_left", "helix_top_right"})
        EXPECT_LE(glm::length(f.landmarks.at(name) - hand.value->landmarks.at(name)), 5.0f) << name;
    for (const char* name : {"clavicle_mid_left", "clavicle_mid_right"})
        EXPECT_LE(glm::length(f.landmarks.at(name) - hand.value->landmarks.at(name)), 12.0f)
            << name;

    // The manifest written for it loads, and PREEMPT places its sites near the hand manifest's.
    const fs::path dir = test::fresh_dir("scan_fit_makehuman");
    const fs::path fitted_manifest = dir / "fitted.toml";
    {
        std::ofstream o(fitted_manifest);
        o << fit_manifest_text(*scan.value, f, "makehuman-fitted", "MakeHuman (fitted)",
                               scan.value->path.string());
    }
    auto fitted = load_model(fitted_manifest);
    for (const auto& d : fitted.diagnostics)
        ADD_FAILURE() << format_diagnostic(d);
    ASSERT_TRUE(fitted.ok());
    auto protocol = read_protocol_file(test::source_dir() / "protocols" / "preempt-155.toml");
    ASSERT_TRUE(protocol.ok());
    const ModelQueries hand_queries(*hand.value), fitted_queries(*fitted.value);
    auto on_hand = place_protocol(*protocol.value, hand_queries);
    auto on_fitted = place_protocol(*protocol.value, fitted_queries);
    ASSERT_TRUE(on_hand.ok());
    ASSERT_TRUE(on_fitted.ok());
    ASSERT_EQ(on_hand.value->sites.size(), on_fitted.value->sites.size());
    float site_sum = 0.0f, site_worst = 0.0f;
    int sites = 0;
    for (std::size_t i = 0; i < on_hand.value->sites.size(); ++i) {
        const auto& a = on_hand.value->sites[i];
        const auto& b = on_fitted.value->sites[i];
        ASSERT_TRUE(a.placed && b.placed) << i;
        const float d = glm::length(a.position - b.position);
        std::printf("  site %-28s %6.2f mm\n", a.site->id.c_str(), d);
        // Every site within the 6 mm (the trapezius's follow the refined acromion).
        EXPECT_LE(d, 6.0f) << a.site->id;
        site_sum += d;
        site_worst = std::max(site_worst, d);
        ++sites;
    }
    std::printf("PREEMPT sites: %d, mean %.2f mm, max %.2f mm\n", sites, site_sum / float(sites),
                site_worst);
    EXPECT_LE(site_sum / float(sites), 2.5f); // reached: 1.5 mm

    // A head-only scan (the same mesh above the chin, five points): the neck's and shoulders'
    // landmarks are left out with a warning rather than put on the scan's cut edge, and the
    // head's stay where they were.
    Scan head_scan = *scan.value;
    head_scan.skin.indices.clear();
    const float cut = hand.value->landmarks.at("menton").y - 15.0f;
    for (std::size_t t = 0; t < scan.value->skin.triangle_count(); ++t) {
        const auto* tri = &scan.value->skin.indices[3 * t];
        if (scan.value->skin.positions[tri[0]].y > cut &&
            scan.value->skin.positions[tri[1]].y > cut &&
            scan.value->skin.positions[tri[2]].y > cut)
            head_scan.skin.indices.insert(head_scan.skin.indices.end(), tri, tri + 3);
    }
    points.erase("c7");
    const auto head_fit = fit_landmarks(head_scan, points, *templ);
    ASSERT_TRUE(head_fit.ok());
    EXPECT_TRUE(has_rule(head_fit.diagnostics, "fit.landmark-uncovered"));
    for (const char* name : {"c7", "t1", "t4", "acromion_left", "suprasternal_notch"}) {
        EXPECT_FALSE(head_fit.value->landmarks.contains(name)) << name;
        EXPECT_NE(
            std::find(head_fit.value->uncovered.begin(), head_fit.value->uncovered.end(), name),
            head_fit.value->uncovered.end())
            << name;
    }
    float moved = 0.0f;
    int compared = 0;
    for (const auto& [name, p] : head_fit.value->landmarks) {
        if (!f.landmarks.contains(name) || f.landmarks.at(name).y < cut + 15.0f)
            continue;
        moved += glm::length(p - f.landmarks.at(name));
        ++compared;
    }
    ASSERT_GT(compared, 20);
    std::printf("head-only scan: %zu landmarks, %zu left out; the head's %d moved %.2f mm (mean) "
                "from the whole scan's fit\n",
                head_fit.value->landmarks.size(), head_fit.value->uncovered.size(), compared,
                moved / float(compared));
    EXPECT_LE(moved / float(compared), 5.0f);
}

} // namespace
} // namespace injmap
