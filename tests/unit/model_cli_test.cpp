// `injmap model` and `injmap list`: JSON fields, the readable summary, exit codes and diagnostics.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::run_injmap;
using nlohmann::json;

namespace {

fs::path corpus(const std::string& name) {
    return injmap::test::data_dir() / "models" / name;
}

long lines_in(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
}

json parse_or_fail(const std::string& text) {
    try {
        return json::parse(text);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not JSON: " << e.what() << "\n" << text;
        return json::object();
    }
}

void expect_model_fields(const json& j) {
    for (const char* key : {"id", "sex", "units", "up_axis", "mesh", "skin", "measurements_mm",
                            "landmarks", "muscles", "bones"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j.value("units", ""), "mm");
    EXPECT_EQ(j.value("up_axis", ""), "y");
    for (const char* key : {"vertices", "triangles", "closed_except_cut", "bbox_mm"})
        EXPECT_TRUE(j["skin"].contains(key)) << key;
    for (const char* key : {"head_breadth", "head_length", "tragion_to_vertex",
                            "neck_circumference", "biacromial_breadth"})
        EXPECT_TRUE(j["measurements_mm"].contains(key)) << key;
    EXPECT_TRUE(j["landmarks"].is_object());
    EXPECT_TRUE(j["muscles"].is_array());
    EXPECT_TRUE(fs::path(j.value("mesh", "")).is_absolute());
    EXPECT_TRUE(fs::exists(j.value("mesh", "")));
}

} // namespace

TEST(ModelCli, JsonDescribesACorpusModel) {
    const auto r = run_injmap({"model", corpus("box-cm.toml").string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = parse_or_fail(r.out);
    expect_model_fields(j);
    EXPECT_EQ(j["id"], "box-cm");
    EXPECT_EQ(j["sex"], "unspecified");
    EXPECT_EQ(fs::path(j["mesh"].get<std::string>()).filename(), "box-cm.obj");
    EXPECT_EQ(j["skin"]["vertices"], 8);
    EXPECT_EQ(j["skin"]["triangles"], 12);
    EXPECT_EQ(j["skin"]["closed_except_cut"], true);
    EXPECT_EQ(j["skin"]["bbox_mm"], json::parse("[[-50, 0, -40], [50, 200, 40]]"));
    EXPECT_EQ(j["landmarks"]["vertex"], json::parse("[0, 200, 0]"));
    EXPECT_EQ(j["landmarks"]["glabella"], json::parse("[0, 150, 40]"));
    ASSERT_EQ(j["muscles"].size(), 1u);
    EXPECT_EQ(j["muscles"][0]["id"], "strap");
    EXPECT_EQ(j["muscles"][0]["side"], "left");
    EXPECT_EQ(j["muscles"][0]["triangles"], 16);
}

TEST(ModelCli, OpenAtTheBottomCountsAsClosedButAHoleOnTopDoesNot) {
    const auto cut = run_injmap({"model", corpus("prism-dm.toml").string(), "--json"});
    ASSERT_EQ(cut.exit_code, 0) << cut.err;
    EXPECT_EQ(parse_or_fail(cut.out)["skin"]["closed_except_cut"], true);

    // The same prism without its top cap: a boundary loop 200 mm above the bottom.
    const auto dir = injmap::test::fresh_dir("hole_on_top");
    std::string obj = injmap::test::read_text(corpus("prism-dm.obj"));
    std::string kept;
    std::size_t pos = 0;
    while (pos < obj.size()) {
        std::size_t eol = obj.find('\n', pos);
        if (eol == std::string::npos)
            eol = obj.size();
        const std::string line = obj.substr(pos, eol - pos);
        if (line.rfind("f 13//13", 0) != 0) // the cap's fan around the top centre
            kept += line + "\n";
        pos = eol + 1;
    }
    injmap::test::write_text(dir / "prism-dm.obj", kept);
    injmap::test::write_text(dir / "open.toml",
                             "schema_version = 1\nid = \"open\"\n[mesh]\nfile = \"prism-dm.obj\"\n"
                             "units = \"dm\"\nforward = \"+x\"\n[skin]\ngroup = \"skin\"\n");
    const auto open = run_injmap({"model", (dir / "open.toml").string(), "--json"});
    ASSERT_EQ(open.exit_code, 0) << open.err;
    EXPECT_EQ(parse_or_fail(open.out)["skin"]["closed_except_cut"], false);
}

TEST(ModelCli, SummaryWithoutJsonIsReadable) {
    const auto r = run_injmap({"model", corpus("box-cm.toml").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("box-cm"), std::string::npos);
    EXPECT_NE(r.out.find("strap_left"), std::string::npos);
    EXPECT_NE(r.out.find("12 triangles"), std::string::npos);
    EXPECT_FALSE(json::accept(r.out));
}

TEST(ModelCli, UnknownModelIsAUsageErrorOnOneLine) {
    const auto r = run_injmap({"model", "no-such-model", "--json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(lines_in(r.err), 1);
    EXPECT_NE(r.err.find("no-such-model"), std::string::npos);
}

TEST(ModelCli, UnreadableManifestIsAUsageError) {
    const auto dir = injmap::test::fresh_dir("unreadable_manifest");
    injmap::test::write_text(dir / "big.toml", std::string(1100 * 1024, '#'));
    const auto r = run_injmap({"model", (dir / "big.toml").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_in(r.err), 1) << r.err;
}

TEST(ModelCli, ManifestErrorsAreFindingsWithLocatedDiagnostics) {
    const auto r = run_injmap({"model", corpus("bad-units.toml").string(), "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty());
    // FILE:LINE:COL: error: message [rule]
    EXPECT_NE(r.err.find("bad-units.toml:5:9: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[manifest.unknown-units]"), std::string::npos) << r.err;

    const auto obj = run_injmap({"model", corpus("bad-index.toml").string()});
    EXPECT_EQ(obj.exit_code, 1);
    EXPECT_NE(obj.err.find("bad-index.obj:6:7: error: "), std::string::npos) << obj.err;
    EXPECT_NE(obj.err.find("[obj.bad-index]"), std::string::npos) << obj.err;
}

TEST(ModelCli, BadArgumentsAreUsageErrors) {
    EXPECT_EQ(run_injmap({"model", "--frobnicate"}).exit_code, 2);
    EXPECT_EQ(run_injmap({"model", "a", "b"}).exit_code, 2);
    EXPECT_EQ(run_injmap({"list", "extra"}).exit_code, 2);
    EXPECT_EQ(run_injmap({"list", "--frobnicate"}).exit_code, 2);
}

TEST(ModelCli, DefaultModelIsTheGeneratedAdultMale) {
    if (!fs::exists(injmap::test::share_dir() / "models" / "adult-male.toml"))
        GTEST_SKIP() << "the generated adult-male model is not in " << injmap::test::share_dir()
                     << " (build injmap_default_models)";
    const auto r = run_injmap({"model", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = parse_or_fail(r.out);
    expect_model_fields(j);
    EXPECT_EQ(j["id"], "adult-male");
    EXPECT_EQ(j["sex"], "male");
    EXPECT_GT(j["skin"]["triangles"].get<int>(), 1000);
    EXPECT_GE(j["landmarks"].size(), 51u);
    EXPECT_FALSE(j["muscles"].empty());
    for (const auto& m : j["muscles"]) {
        EXPECT_TRUE(m["side"] == "left" || m["side"] == "right" || m["side"] == "midline") << m;
        EXPECT_GT(m["triangles"].get<int>(), 0) << m;
    }
    // Sized from ANSUR II male means: the generated head is within a few SD of them.
    const auto& mm = j["measurements_mm"];
    ASSERT_TRUE(mm["head_breadth"].is_number());
    EXPECT_NEAR(mm["head_breadth"].get<double>(), 154.0, 25.0);
    ASSERT_TRUE(mm["tragion_to_vertex"].is_number());
    EXPECT_NEAR(mm["tragion_to_vertex"].get<double>(), 131.0, 25.0);
}

TEST(ModelCli, MakeHumanManifestDescribesTheImportedMesh) {
    if (!fs::exists(injmap::test::shared_dir() / "meshes" /
                    "makehuman_hm08_head_neck_shoulders.obj"))
        GTEST_SKIP()
            << "../shared/meshes is absent (third-party test meshes are not shipped); skipping";
    const auto r = run_injmap(
        {"model", (injmap::test::share_dir() / "test-models" / "makehuman-hm08.toml").string(),
         "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = parse_or_fail(r.out);
    expect_model_fields(j);
    EXPECT_EQ(j["id"], "makehuman-hm08");
    EXPECT_EQ(j["skin"]["triangles"], 9688);
    EXPECT_EQ(j["skin"]["closed_except_cut"], true); // the only boundary is the crop
    EXPECT_TRUE(j["muscles"].empty());
    const auto& bbox = j["skin"]["bbox_mm"];
    EXPECT_NEAR(bbox[1][1].get<double>() - bbox[0][1].get<double>(), 387.7, 1.0);
}

TEST(ListCli, ListsModelsAndUserProtocols) {
    const auto dir = injmap::test::fresh_dir("list");
    fs::create_directories(dir / "data" / "models");
    fs::copy_file(corpus("box-cm.toml"), dir / "data" / "models" / "box-cm.toml");
    fs::copy_file(corpus("box-cm.obj"), dir / "data" / "models" / "box-cm.obj");
    fs::create_directories(dir / "xdg" / "injmap" / "protocols");
    injmap::test::write_text(
        dir / "xdg" / "injmap" / "protocols" / "mine.toml",
        "schema_version = 1\nid = \"my-protocol\"\ntitle = \"My own sites\"\n");
    injmap::test::write_text(dir / "xdg" / "injmap" / "protocols" / "broken.toml",
                             "id = \"broken\ntitle = 3\n");
    const std::vector<std::string> env = {"INJMAP_DATA_DIR=" + (dir / "data").string(),
                                          "XDG_DATA_HOME=" + (dir / "xdg").string()};

    const auto r = run_injmap({"list", "--json"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = parse_or_fail(r.out);
    ASSERT_TRUE(j["models"].is_array());
    ASSERT_TRUE(j["protocols"].is_array());
    const auto find = [](const json& list, const std::string& id) {
        for (const auto& e : list)
            if (e.value("id", "") == id)
                return e;
        return json();
    };
    const json box = find(j["models"], "box-cm");
    ASSERT_FALSE(box.is_null()) << j.dump(2);
    EXPECT_EQ(box["title"], "Box (cm, Z up)");
    EXPECT_TRUE(fs::exists(box["path"].get<std::string>()));

    const json mine = find(j["protocols"], "my-protocol");
    ASSERT_FALSE(mine.is_null()) << j.dump(2);
    EXPECT_EQ(mine["title"], "My own sites");
    EXPECT_EQ(mine["source"], "user");
    const json broken = find(j["protocols"], "broken");
    ASSERT_FALSE(broken.is_null()) << j.dump(2);
    EXPECT_TRUE(broken.contains("error"));
    for (const auto& p : j["protocols"]) {
        for (const char* key : {"id", "title", "path", "source"})
            EXPECT_TRUE(p.contains(key)) << p;
        EXPECT_TRUE(p["source"] == "shipped" || p["source"] == "user") << p;
    }
    // Shipped protocols, when the build has copied any, come first and are marked so.
    if (!j["protocols"].empty() && j["protocols"][0]["id"] != "broken" &&
        j["protocols"][0]["id"] != "my-protocol") {
        EXPECT_EQ(j["protocols"][0]["source"], "shipped");
    }

    const auto text = run_injmap({"list"}, env);
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("box-cm"), std::string::npos);
    EXPECT_NE(text.out.find("My own sites"), std::string::npos);
    EXPECT_NE(text.out.find("unreadable"), std::string::npos);
}

TEST(ListCli, ListsTheGeneratedModels) {
    if (!fs::exists(injmap::test::share_dir() / "models" / "adult-male.toml"))
        GTEST_SKIP() << "the generated models are not built yet (build injmap_default_models)";
    const auto r = run_injmap({"list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = parse_or_fail(r.out);
    std::vector<std::string> ids;
    for (const auto& m : j["models"])
        ids.push_back(m["id"]);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "adult-male"), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "adult-female"), ids.end());
}
