// Author mode's "Import a head…" wizard in the real window, driven by --keys: the MakeHuman test
// mesh imported with its six points, fitted, one landmark dragged, saved and opened as the model.
#include <gtest/gtest.h>

#include <glm/geometric.hpp>

#include "gui_window_support.hpp"
#include "injmap/models/manifest.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

std::filesystem::path makehuman_mesh() {
    return shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj";
}

// The hand landmarks of models/manifests/makehuman-hm08.toml.in (dm, +y up, +z forward).
const char* kSixPoints = "click-point:nasion:0:7.32:1.5059,"
                         "click-point:tragion_left:0.7291:7.12:0.61,"
                         "click-point:tragion_right:-0.7291:7.12:0.61,"
                         "click-point:menton:0:6.1556:1.23,"
                         "click-point:vertex:0:8.4913:0.6961,"
                         "click-point:c7:0:5.86:-0.2557";

} // namespace

// One run does the whole import (a fit on a real mesh is the heavy part): every step, and the
// saved manifest checked as a model.
TEST(ImportWizard, MakeHumanSixPointsFitDragSaveAndOpen) {
    INJMAP_NEED_DISPLAY();
    if (!std::filesystem::exists(makehuman_mesh()))
        GTEST_SKIP() << "the MakeHuman test mesh is not in " << shared_dir() / "meshes";
    const auto dir = fresh_dir("import-wizard");
    const auto manifest = dir / "mh-scan.toml";
    const std::string keys = "wait:3,import:dm:+y:+z:" + makehuman_mesh().string() + "," +
                             kSixPoints + ",fit,drag:glabella:0:7.5:1.5277," +
                             "save:" + manifest.string() + ",wait:3";
    const auto run = run_gui(
        dir, {"--mode", "author", "--protocol", "preempt-155", "--keys", keys, "--frames", "30"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string& err = run.result.err;
    EXPECT_EQ(err.find("injmap gui: script:"), std::string::npos) << err; // every command ran
    EXPECT_NE(err.find("import: loaded"), std::string::npos) << err;
    EXPECT_NE(err.find("skin group body"), std::string::npos) << err;
    EXPECT_NE(err.find("import: fitted"), std::string::npos) << err;
    EXPECT_NE(err.find("import: saved " + manifest.string()), std::string::npos) << err;

    // The manifest loads as a model with every landmark of the template, on the scan's skin.
    ASSERT_TRUE(std::filesystem::exists(manifest));
    const auto model = injmap::load_model(manifest);
    ASSERT_TRUE(model.value) << (model.diagnostics.empty()
                                     ? std::string()
                                     : injmap::format_diagnostic(model.diagnostics.front()));
    EXPECT_FALSE(injmap::has_errors(model.diagnostics));
    EXPECT_EQ(model.value->id, "mh-scan");
    const injmap::Model* templ = default_model("adult-male");
    ASSERT_NE(templ, nullptr);
    for (const auto& [name, p] : templ->landmarks)
        EXPECT_TRUE(model.value->landmarks.contains(name)) << name;
    // The given points stay where they were given (mm, model space), the dragged one moved there.
    const auto near = [&](const char* name, glm::vec3 file_dm, float tolerance_mm) {
        const auto it = model.value->landmarks.find(name);
        ASSERT_NE(it, model.value->landmarks.end()) << name;
        EXPECT_LT(glm::length(it->second - file_dm * 100.0f), tolerance_mm) << name;
    };
    near("nasion", {0.0f, 7.32f, 1.5059f}, 2.0f);
    near("tragion_left", {0.7291f, 7.12f, 0.61f}, 2.0f);
    near("menton", {0.0f, 6.1556f, 1.23f}, 2.0f);
    near("glabella", {0.0f, 7.5f, 1.5277f}, 1.5f); // the hand glabella, on the skin

    // The window shows the new model with the protocol's sites on it.
    Image image;
    ASSERT_TRUE(load_png(run.screenshot, image));
    EXPECT_GT(distinct_colours(image), 400u);
}

// A click on the scan gives the next point (a ray cast on its skin); Backspace takes it back, so
// the next click gives the same point again. A file that cannot be read changes nothing.
TEST(ImportWizard, ClicksOnTheScanGiveTheNextPointAndBackspaceUndoes) {
    INJMAP_NEED_DISPLAY();
    if (!std::filesystem::exists(makehuman_mesh()))
        GTEST_SKIP() << "the MakeHuman test mesh is not in " << shared_dir() / "meshes";
    const auto dir = fresh_dir("import-wizard-clicks");
    // 1280x800: the 3D view spans x 282..922; its middle shows the face.
    const std::string keys = "wait:3,import:mm:+y:+z:" + (dir / "missing.obj").string() +
                             ",import:dm:+y:+z:" + makehuman_mesh().string() +
                             ",wizard:points,wait:15,click:602:380,wait:2,click:602:300,wait:2,"
                             "backspace,wait:2,click:602:300,wait:2";
    const auto run = run_gui(
        dir, {"--mode", "author", "--protocol", "preempt-155", "--keys", keys, "--frames", "45"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string& err = run.result.err;
    EXPECT_NE(err.find("injmap gui: script: import:"), std::string::npos)
        << err; // the missing file
    const auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = err.find(what); at != std::string::npos; at = err.find(what, at + 1))
            ++n;
        return n;
    };
    EXPECT_EQ(count("import: nasion at"), 1u) << err;
    EXPECT_EQ(count("import: tragion_left at"), 2u) << err; // given, undone, given again
}
