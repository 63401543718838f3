// `injmap check`: argument handling and exit codes, the diagnostic line format on stderr, the JSON
// report, the whole bad-file corpus through the real executable, and the shipped protocols on the
// default models (when they have been generated).
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::run_injmap;
using Json = nlohmann::json;

namespace {

// The synthetic test sphere written as an OBJ and a manifest, so these tests do not depend on the
// model generator. Written once per test process, into a folder of its own: ctest runs the tests
// of this file as parallel processes, which must not write the same files.
fs::path synthetic_manifest() {
    static const fs::path manifest = [] {
        const injmap::Model model = injmap::test::make_test_model();
        const fs::path dir =
            injmap::test::output_dir() / ("check_cli_model-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream obj(dir / "sphere.obj");
        std::size_t base = 1;
        auto write_mesh = [&](const std::string& group, const injmap::Mesh& mesh) {
            obj << "g " << group << "\n";
            for (const auto& p : mesh.positions)
                obj << "v " << p.x << " " << p.y << " " << p.z << "\n";
            for (std::size_t i = 0; i + 2 < mesh.indices.size(); i += 3)
                obj << "f " << base + mesh.indices[i] << " " << base + mesh.indices[i + 1] << " "
                    << base + mesh.indices[i + 2] << "\n";
            base += mesh.positions.size();
        };
        obj.precision(9);
        write_mesh("skin", model.skin);
        std::ostringstream muscles;
        for (const auto& m : model.muscles) {
            write_mesh(m.key(), m.mesh);
            muscles << "\n[[muscles]]\nid = \"" << m.id << "\"\nside = \""
                    << injmap::to_string(m.side) << "\"\ngroup = \"" << m.key()
                    << "\"\nlayer = \"sheet\"\n";
        }
        obj.close();
        std::ofstream toml(dir / "test-sphere.toml");
        toml.precision(9);
        toml << "schema_version = 1\nid = \"test-sphere\"\nname = \"Test sphere\"\nsex = "
                "\"unspecified\"\n"
                "[mesh]\nfile = \"sphere.obj\"\nunits = \"mm\"\nup = \"+y\"\nforward = \"+z\"\n"
                "[skin]\ngroup = \"skin\"\n"
             << muscles.str()
             << "\n[groups]\ncervical_paraspinal = [\"splenius_capitis\", "
                "\"semispinalis_capitis\"]\n"
             << "\n[landmarks]\n";
        for (const auto& [name, p] : model.landmarks)
            toml << name << " = [" << p.x << ", " << p.y << ", " << p.z << "]\n";
        return dir / "test-sphere.toml";
    }();
    return manifest;
}

// The test sphere's muscles lie deeper than the thin facial muscles' default needle depth under
// most sites, so placement.muscle-not-reached warns there (a finding about the schematic model).
// These are the stderr lines that are not such warnings.
std::vector<std::string> other_than_needle_depth(const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const auto& line : all)
        if (line.find(": warning: ") == std::string::npos ||
            line.find("[placement.muscle-not-reached]") == std::string::npos)
            out.push_back(line);
    return out;
}

fs::path good(const std::string& name) {
    return injmap::test::data_dir() / "protocols" / "good" / name;
}
fs::path bad(const std::string& name) {
    return injmap::test::data_dir() / "protocols" / "bad" / name;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// FILE:LINE:COL: error|warning: message [rule]
const std::regex
    kDiagnosticLine(R"(^(.+):(\d+):(\d+): (error|warning|note): (.+) \[([a-z0-9.-]+)\]$)");

bool model_generated(const std::string& id) {
    const fs::path manifest = injmap::test::share_dir() / "models" / (id + ".toml");
    return fs::exists(manifest) && fs::file_size(manifest) > 0;
}

} // namespace

TEST(CheckCli, NeedsAFile) {
    const auto r = run_injmap({"check"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(CheckCli, UnknownOptionIsAUsageError) {
    const auto r = run_injmap({"check", "--frobnicate", good("minimal.toml").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("--frobnicate"), std::string::npos);
}

TEST(CheckCli, MissingFileIsAnIoError) {
    const auto r =
        run_injmap({"check", "--model", synthetic_manifest().string(), "no-such-protocol.toml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("no-such-protocol.toml"), std::string::npos);
    // Nothing is checked when any file is missing, even a good one given first.
    const auto both = run_injmap({"check", "--model", synthetic_manifest().string(),
                                  good("minimal.toml").string(), "no-such-protocol"});
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_TRUE(both.out.empty());
}

TEST(CheckCli, UnloadableModelIsAnIoError) {
    const auto r = run_injmap({"check", "--model", "no-such-model", good("minimal.toml").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("no-such-model"), std::string::npos);
}

TEST(CheckCli, CleanFileExitsZeroWithASummary) {
    const auto r = run_injmap(
        {"check", "--model", synthetic_manifest().string(), good("preempt-compact.toml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(other_than_needle_depth(lines(r.err)).empty()) << r.err;
    // The summary names the protocol and each muscle key.
    EXPECT_NE(r.out.find("preempt-compact"), std::string::npos) << r.out;
    for (const char* muscle : {"corrugator", "procerus", "frontalis", "temporalis", "occipitalis",
                               "cervical_paraspinal", "trapezius"})
        EXPECT_NE(r.out.find(muscle), std::string::npos) << muscle;
}

TEST(CheckCli, UnitCountsShowUpToTwoDecimals) {
    // 2.25 U reads "2.25", as in the window and the render labels (format_units), not "2.2".
    std::string text = injmap::test::read_text(good("preempt-compact.toml"));
    const std::string from = "muscle = \"procerus\"\nside = \"midline\"\nunits = 5\n";
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), "muscle = \"procerus\"\nside = \"midline\"\nunits = 2.25\n");
    const fs::path path = injmap::test::fresh_dir("CheckCliUnitCounts") / "quarter.toml";
    injmap::test::write_text(path, text);
    const auto r = run_injmap({"check", "--model", synthetic_manifest().string(), path.string()});
    std::string row;
    for (const auto& line : lines(r.out))
        if (line.find("procerus") != std::string::npos && line.find(" U") != std::string::npos)
            row = line;
    EXPECT_NE(row.find(" 2.25 U"), std::string::npos) << r.out;
}

TEST(CheckCli, JsonReportHasTheAgreedShape) {
    const std::string path = good("preempt-compact.toml").string();
    const auto r = run_injmap({"check", "--json", "--model", synthetic_manifest().string(), path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const Json j = Json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    ASSERT_EQ(j.at("files").size(), 1u);
    const Json& file = j["files"][0];
    EXPECT_EQ(file.at("path"), path);
    EXPECT_TRUE(file.at("diagnostics").is_array());
    for (const Json& d : file["diagnostics"]) {
        EXPECT_EQ(d.at("rule"), "placement.muscle-not-reached") << d;
        EXPECT_EQ(d.at("severity"), "warning") << d;
    }
    const Json& p = file.at("protocol");
    EXPECT_EQ(p.at("id"), "preempt-compact");
    EXPECT_EQ(p.at("title"), "Compact PREEMPT (test)");
    EXPECT_DOUBLE_EQ(p.at("total_units").get<double>(), 155.0);
    EXPECT_EQ(p.at("site_count"), 31);
    EXPECT_EQ(p.at("muscles").size(), 7u);
    EXPECT_EQ(p["muscles"].at("corrugator").at("sites"), 2);
    EXPECT_DOUBLE_EQ(p["muscles"]["corrugator"].at("units").get<double>(), 10.0);
    EXPECT_EQ(p["muscles"].at("temporalis").at("sites"), 8);
    ASSERT_EQ(p.at("sites").size(), 31u);
    const Json& first = p["sites"][0];
    EXPECT_EQ(first.at("id"), "corrugator_left");
    EXPECT_EQ(first.at("muscle"), "corrugator");
    EXPECT_EQ(first.at("side"), "left");
    EXPECT_DOUBLE_EQ(first.at("units").get<double>(), 5.0);
    EXPECT_EQ(first.at("optional"), false);
    for (const Json& site : p["sites"]) {
        ASSERT_EQ(site.at("position_mm").size(), 3u) << site;
        const double x = site["position_mm"][0], y = site["position_mm"][1],
                     z = site["position_mm"][2];
        // On the test sphere's skin.
        EXPECT_NEAR(std::sqrt(x * x + y * y + z * z), injmap::test::kTestHeadRadius, 0.5) << site;
    }
    EXPECT_EQ(p["sites"][1].at("side"), "right");
    EXPECT_LT(p["sites"][1]["position_mm"][0].get<double>(), 0.0); // right = −X
    // Each site's needle path (needle_path.hpp): muscles in depth order, with the site's depth.
    EXPECT_DOUBLE_EQ(first.at("depth_mm").get<double>(), 6.0); // corrugator default
    for (const Json& site : p["sites"]) {
        ASSERT_TRUE(site.at("needle_path").is_array()) << site;
        ASSERT_FALSE(site["needle_path"].empty()) << site;
        EXPECT_GT(site.at("depth_mm").get<double>(), 0.0) << site;
        double last = -1.0;
        for (const Json& seg : site["needle_path"]) {
            EXPECT_EQ(seg.at("kind"), "muscle") << seg; // the test sphere has no bones
            EXPECT_TRUE(seg.at("structure").is_string()) << seg;
            EXPECT_TRUE(seg.at("side") == "left" || seg["side"] == "right" ||
                        seg["side"] == "midline")
                << seg;
            const double enters = seg.at("enters_mm"), leaves = seg.at("leaves_mm");
            EXPECT_GE(enters, last) << seg;
            EXPECT_LT(enters, leaves) << seg;
            last = enters;
        }
    }
    // The corrugator site's needle enters the left corrugator first.
    EXPECT_EQ(first["needle_path"][0].at("structure"), "corrugator");
    EXPECT_EQ(first["needle_path"][0].at("side"), "left");
    // The test sphere has no structures to avoid.
    for (const Json& site : p["sites"])
        EXPECT_TRUE(site.at("nearest_avoid").is_null()) << site;
}

TEST(CheckCli, JsonNamesTheNearestStructureToAvoidOnTheGeneratedModel) {
    const auto r = run_injmap({"check", "preempt-155", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = Json::parse(r.out);
    const Json& files = j.is_object() && j.contains("files") ? j["files"] : j;
    const Json& file = files.is_array() ? files[0] : files;
    const Json& sites = file.at("protocol").at("sites");
    ASSERT_FALSE(sites.empty());
    for (const Json& site : sites) {
        const Json& n = site.at("nearest_avoid");
        ASSERT_TRUE(n.is_object()) << site;
        EXPECT_TRUE(n.at("structure").is_string()) << n;
        EXPECT_GE(n.at("distance_mm").get<double>(), 0.0) << n;
    }
    // The corrugator sites lie on the supratrochlear nerve (docs/anatomy.md, "What to avoid"):
    // it is in their needle path as kind "avoid", and the rule names it at the site's line.
    const Json& corrugator = sites[0];
    EXPECT_EQ(corrugator.at("id"), "corrugator_left");
    EXPECT_EQ(corrugator["nearest_avoid"].at("structure"), "supratrochlear_nerve");
    EXPECT_EQ(corrugator["nearest_avoid"].at("side"), "left");
    bool in_path = false;
    for (const Json& seg : corrugator.at("needle_path"))
        in_path |= seg.at("kind") == "avoid" && seg.at("structure") == "supratrochlear_nerve";
    EXPECT_TRUE(in_path) << corrugator;
    // The line of the first corrugator site's `at` in the shipped file.
    const std::string text =
        injmap::test::read_text(injmap::test::source_dir() / "protocols" / "preempt-155.toml");
    const auto site = text.find("id = \"corrugator\"");
    ASSERT_NE(site, std::string::npos);
    const auto at = text.find("\nat = ", site);
    const int at_line = 2 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    bool warned = false;
    for (const Json& d : file.at("diagnostics"))
        warned |= d.at("rule") == "placement.near-structure" && d.at("line") == at_line;
    EXPECT_TRUE(warned) << file.at("diagnostics");
}

TEST(CheckCli, DiagnosticsAreOneLineEachInTheAgreedFormat) {
    const fs::path file = bad("preempt-site-10u.toml");
    const auto r = run_injmap({"check", "--model", synthetic_manifest().string(), file.string()});
    EXPECT_EQ(r.exit_code, 1);
    bool found = false;
    for (const auto& line : lines(r.err)) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(line, m, kDiagnosticLine)) << line;
        EXPECT_EQ(m[1].str(), file.string());
        if (m[6] == "dose.site-units" && m[2] == "48" && m[4] == "error")
            found = true;
    }
    EXPECT_TRUE(found) << r.err;
}

TEST(CheckCli, WarningsAloneExitZero) {
    const auto r = run_injmap(
        {"check", "--model", synthetic_manifest().string(), bad("needle-gauge-cm.toml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto others = other_than_needle_depth(lines(r.err));
    ASSERT_EQ(others.size(), 1u) << r.err;
    EXPECT_NE(others[0].find(": warning: "), std::string::npos);
    EXPECT_NE(others[0].find("[needle.gauge]"), std::string::npos);
    // The needle-depth warnings are warnings too: still exit 0 (checked above).
    EXPECT_GT(lines(r.err).size(), 1u) << r.err;
}

TEST(CheckCli, SeveralFilesInOneReport) {
    const auto r =
        run_injmap({"check", "--json", "--model", synthetic_manifest().string(),
                    good("minimal.toml").string(), bad("syntax-unclosed-string.toml").string()});
    EXPECT_EQ(r.exit_code, 1);
    const Json j = Json::parse(r.out);
    ASSERT_EQ(j["files"].size(), 2u);
    EXPECT_FALSE(j["files"][0]["protocol"].is_null());
    EXPECT_TRUE(j["files"][1]["protocol"].is_null()); // not readable: no protocol, only diagnostics
    ASSERT_FALSE(j["files"][1]["diagnostics"].empty());
    EXPECT_EQ(j["files"][1]["diagnostics"][0]["rule"], "toml.syntax");
    EXPECT_EQ(j["files"][1]["diagnostics"][0]["severity"], "error");
}

TEST(CheckCli, EveryCorpusFileThroughTheProgram) {
    // Each bad file: no crash, exit 1 exactly when an error is reported, the JSON parses, the
    // expected rules and lines are there, and stderr has one well-formed line per diagnostic.
    int files = 0;
    for (const auto& entry :
         fs::directory_iterator(injmap::test::data_dir() / "protocols" / "bad")) {
        if (entry.path().extension() != ".toml")
            continue;
        ++files;
        SCOPED_TRACE(entry.path().filename().string());
        const auto r = run_injmap(
            {"check", "--json", "--model", synthetic_manifest().string(), entry.path().string()});
        ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
        const Json j = Json::parse(r.out);
        const Json& diagnostics = j["files"][0]["diagnostics"];
        bool any_error = false;
        for (const Json& d : diagnostics)
            any_error = any_error || d["severity"] == "error";
        EXPECT_EQ(r.exit_code, any_error ? 1 : 0);
        EXPECT_EQ(lines(r.err).size(), diagnostics.size()) << r.err;
        for (const auto& line : lines(r.err))
            EXPECT_TRUE(std::regex_match(line, kDiagnosticLine)) << line;
        std::ifstream in(entry.path(), std::ios::binary);
        for (std::string line; std::getline(in, line) && line.rfind("# expect: ", 0) == 0;) {
            std::istringstream fields(line.substr(10));
            std::string rule;
            int at = 0;
            fields >> rule >> at;
            bool found = false;
            for (const Json& d : diagnostics)
                found = found || (d["rule"] == rule && d["line"] == at);
            EXPECT_TRUE(found) << rule << " at " << at << "\n" << r.err;
        }
    }
    EXPECT_GE(files, 30);
}

TEST(CheckCli, ShippedProtocolIdsResolve) {
    const auto r =
        run_injmap({"check", "--json", "--model", synthetic_manifest().string(), "preempt-155"});
    if (r.exit_code == 2 && r.err.find("preempt-155") != std::string::npos)
        GTEST_SKIP() << "no shipped preempt-155 yet: " << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["files"][0]["protocol"]["id"], "preempt-155");
    EXPECT_NE(j["files"][0]["path"].get<std::string>().find("preempt-155.toml"), std::string::npos);
}

TEST(CheckCli, ShippedProtocolsAreCleanOnTheDefaultModels) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(injmap::test::source_dir() / "protocols"))
        if (entry.path().extension() == ".toml")
            files.push_back(entry.path().string());
    if (files.empty())
        GTEST_SKIP() << "no shipped protocols yet";
    int models = 0;
    for (const char* model : {"adult-male", "adult-female"}) {
        if (!model_generated(model))
            continue;
        ++models;
        std::vector<std::string> args = {"check", "--model", model};
        args.insert(args.end(), files.begin(), files.end());
        const auto r = run_injmap(args);
        EXPECT_EQ(r.exit_code, 0) << model << ":\n" << r.err;
        // Warnings are allowed (bilateral SCM, the FTP US-label note, ...) but shown for review.
        if (!r.err.empty())
            std::cout << "[ note     ] warnings on " << model << ":\n" << r.err;
    }
    if (models == 0)
        GTEST_SKIP() << "the default models have not been generated";
}
