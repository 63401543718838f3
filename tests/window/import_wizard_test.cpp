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
                             kSixPoints + ",fit,wait:15,drag-landmark:glabella:0:-30,wait:2," +
                             "drag:pronasale:0:6.909:1.6807," + "save:" + manifest.string() +
                             ",wait:3";
    const auto run = run_gui(
        dir, {"--mode", "author", "--protocol", "preempt-155", "--keys", keys, "--frames", "60"});
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
    near("pronasale", {0.0f, 6.909f, 1.6807f}, 1.5f); // `drag:` to the hand point, on the skin
    // The glabella's marker dragged 30 pixels up the screen: well above the nasion now.
    EXPECT_NE(err.find("import: glabella moved to"), std::string::npos) << err;
    EXPECT_GT(model.value->landmarks.at("glabella").y, 732.0f + 20.0f);

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

// Every step of the wizard at the smallest supported window, 1024×640, with --check-layout (as
// tests/window/layout_test.cpp does for the modes): no text cut. A box stands in for a head.
TEST(ImportWizard, EveryStepLaysOutAt1024x640) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("import-wizard-layout");
    const auto box = dir / "head.obj";
    write_text(box, "o skin\nv -10 0 -11\nv 10 0 -11\nv 10 24 -11\nv -10 24 -11\n"
                    "v -10 0 11\nv 10 0 11\nv 10 24 11\nv -10 24 11\n"
                    "f 1 3 2\nf 1 4 3\nf 5 6 7\nf 5 7 8\nf 1 2 6\nf 1 6 5\n"
                    "f 4 8 7\nf 4 7 3\nf 1 5 8\nf 1 8 4\nf 2 3 7\nf 2 7 6\n");
    const std::string keys =
        "wait:3,import:cm:+y:+z:" + box.string() +
        ",wait:2,click-point:nasion:0:18:11,click-point:tragion_left:10:16:0,wait:2,"
        "click-point:tragion_right:-10:16:0,click-point:menton:0:4:11,wait:2,fit,wait:2,"
        "wizard:save,wait:2,import:mm:+y:+z:" +
        box.string() + ",wait:2";
    const auto run = run_gui(dir, {"--mode", "author", "--keys", keys, "--frames", "30", "--size",
                                   "1024x640", "--check-layout"});
    EXPECT_NE(run.result.err.find("layout: 0 cut text run(s)"), std::string::npos)
        << run.result.err;
    EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(run.result.err.find("injmap gui: script:"), std::string::npos) << run.result.err;
}
