// The "Import a head…" wizard without a window (app/gui/import_wizard.hpp): the points' order,
// skip and undo, the steps' gates, the size readout, ids and paths, and the --keys commands.
#include "gui/import_wizard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "gui/key_script.hpp"
#include "gui/script_player.hpp"
#include "test_support.hpp"

using namespace injmap;
using namespace injmap::gui;

namespace {

// A closed box 200 mm wide, 240 mm tall, 220 mm deep, in centimetres, as a one-group OBJ.
std::filesystem::path write_box(const std::filesystem::path& dir) {
    const auto path = dir / "box head.obj";
    test::write_text(path, "o skin\n"
                           "v -10 0 -11\nv 10 0 -11\nv 10 24 -11\nv -10 24 -11\n"
                           "v -10 0 11\nv 10 0 11\nv 10 24 11\nv -10 24 11\n"
                           "f 1 3 2\nf 1 4 3\nf 5 6 7\nf 5 7 8\nf 1 2 6\nf 1 6 5\n"
                           "f 4 8 7\nf 4 7 3\nf 1 5 8\nf 1 8 4\nf 2 3 7\nf 2 7 6\n");
    return path;
}

} // namespace

TEST(ImportWizard, PointsComeRequiredFirstAndOnlyOptionalOnesSkip) {
    PointPicks picks;
    ASSERT_EQ(picks.order().size(), 6u);
    EXPECT_EQ(picks.next(), "nasion");
    EXPECT_FALSE(picks.skip_next()); // the nasion is required
    EXPECT_TRUE(picks.place_next({1, 2, 3}));
    EXPECT_EQ(picks.next(), "tragion_left");
    EXPECT_TRUE(picks.place_next({70, 0, 0}));
    EXPECT_TRUE(picks.place_next({-70, 0, 0}));
    EXPECT_FALSE(picks.ready());
    EXPECT_TRUE(picks.place_next({0, -120, 80}));
    EXPECT_TRUE(picks.ready());
    EXPECT_EQ(picks.next(), "vertex");
    EXPECT_TRUE(picks.skip_next());
    EXPECT_TRUE(picks.skipped("vertex"));
    EXPECT_EQ(picks.next(), "c7");
    EXPECT_TRUE(picks.skip_next());
    EXPECT_EQ(picks.next(), std::nullopt);
    EXPECT_FALSE(picks.place_next({0, 0, 0}));
    EXPECT_FALSE(picks.place("glabella", {0, 0, 0})); // not a point of the fit
}

TEST(ImportWizard, UndoTakesBackPlacesSkipsAndReplacements) {
    PointPicks picks;
    EXPECT_FALSE(picks.undo());
    picks.place_next({1, 0, 0});      // nasion
    picks.place("nasion", {2, 0, 0}); // replaced
    EXPECT_EQ(picks.points().at("nasion").x, 2.0f);
    EXPECT_TRUE(picks.undo());
    EXPECT_EQ(picks.points().at("nasion").x, 1.0f); // the replacement undone, not the point
    EXPECT_TRUE(picks.undo());
    EXPECT_FALSE(picks.points().contains("nasion"));
    EXPECT_EQ(picks.next(), "nasion");
    for (int i = 0; i < 4; ++i)
        picks.place_next({float(i), 0, 0});
    picks.skip_next(); // vertex
    EXPECT_EQ(picks.next(), "c7");
    EXPECT_TRUE(picks.undo());
    EXPECT_FALSE(picks.skipped("vertex"));
    EXPECT_EQ(picks.next(), "vertex");
    EXPECT_TRUE(picks.undo()); // menton
    EXPECT_FALSE(picks.ready());
    EXPECT_EQ(picks.next(), "menton");
}

TEST(ImportWizard, StepsOpenOnlyWhenTheirWorkIsDone) {
    const auto dir = test::fresh_dir("import-wizard-steps");
    ImportWizard w;
    EXPECT_FALSE(w.open());
    w.start();
    EXPECT_EQ(w.step(), ImportWizard::Step::file);
    std::string why;
    EXPECT_FALSE(w.go_to(ImportWizard::Step::points, why)); // no scan yet
    EXPECT_FALSE(why.empty());
    EXPECT_FALSE(w.load(true, why)); // no path
    w.path = (dir / "missing.obj").string();
    EXPECT_TRUE(w.load(true, why));
    EXPECT_EQ(w.scene(), nullptr);
    EXPECT_TRUE(has_errors(w.load_diagnostics()));

    w.path = write_box(dir).string();
    w.frame.units = "cm";
    EXPECT_TRUE(w.load(true, why)) << why;
    ASSERT_NE(w.scene(), nullptr) << (w.load_diagnostics().empty()
                                          ? ""
                                          : format_diagnostic(w.load_diagnostics().front()));
    EXPECT_EQ(w.scene()->scan.frame.skin_group, "skin"); // the file's one group
    EXPECT_EQ(w.model_id, "box-head");
    EXPECT_TRUE(w.go_to(ImportWizard::Step::points, why));
    EXPECT_FALSE(w.go_to(ImportWizard::Step::review, why)); // no fit yet
    EXPECT_FALSE(w.fit(true, why));                         // points missing
    EXPECT_NE(why.find("nasion"), std::string::npos) << why;
    std::filesystem::path written;
    EXPECT_FALSE(w.save(written, why));
    EXPECT_FALSE(std::filesystem::exists(dir / "box-head.toml"));
    EXPECT_EQ(w.manifest_path(), dir / "box-head.toml");

    // The size follows the units at once (before any reload), and says when it is no head's.
    const auto size = w.size();
    ASSERT_TRUE(size);
    EXPECT_NEAR(size->height_mm, 240.0f, 0.5f);
    EXPECT_NEAR(size->width_mm, 200.0f, 0.5f);
    EXPECT_NEAR(size->depth_mm, 220.0f, 0.5f);
    EXPECT_TRUE(plausible_head_size(*size));
    w.frame.units = "mm";
    EXPECT_NEAR(w.size()->height_mm, 24.0f, 0.05f);
    EXPECT_FALSE(plausible_head_size(*w.size()));
    EXPECT_NE(size_readout(*w.size()).find("check the units"), std::string::npos);
    w.frame.up = "+z";
    w.frame.forward = "+y";
    ASSERT_TRUE(w.size());
    EXPECT_NEAR(w.size()->height_mm, 22.0f, 0.05f);
    w.frame.forward = "-z"; // not perpendicular to up
    EXPECT_FALSE(w.size());
    EXPECT_FALSE(w.load(true, why));
}

TEST(ImportWizard, IdsNamesAndTheMeshReference) {
    EXPECT_TRUE(valid_model_id("jane-doe_2"));
    EXPECT_FALSE(valid_model_id(""));
    EXPECT_FALSE(valid_model_id("Jane"));
    EXPECT_FALSE(valid_model_id("-x"));
    EXPECT_TRUE(valid_model_name("Scan of J. Doe, 2026"));
    EXPECT_FALSE(valid_model_name("a \"quoted\" name"));
    EXPECT_FALSE(valid_model_name("back\\slash"));
    EXPECT_EQ(model_id_from("/scans/Jane Doe (2).OBJ"), "jane-doe-2");
    EXPECT_EQ(model_id_from("/scans/___.obj"), "scan");
    EXPECT_EQ(mesh_reference("/a/b/m.toml", "/a/b/meshes/head.obj"), "meshes/head.obj");
    EXPECT_EQ(mesh_reference("/a/b/m.toml", "/a/c/head.obj"), "/a/c/head.obj");
    EXPECT_EQ(landmark_display_name("tragion_left"), "Tragion (left)");
    EXPECT_EQ(landmark_display_name("c7"), "C7");
    EXPECT_NE(point_prompt("nasion").find("bridge of the nose"), std::string::npos);
}

TEST(ImportWizard, FolderListShowsFoldersThenMeshFiles) {
    const auto dir = test::fresh_dir("import-wizard-folder");
    std::filesystem::create_directories(dir / "sub");
    test::write_text(dir / "b.OBJ", "");
    test::write_text(dir / "a.stl", "");
    test::write_text(dir / "notes.txt", "");
    test::write_text(dir / ".hidden.obj", "");
    const auto entries = folder_entries(dir);
    EXPECT_EQ(entries, (std::vector<std::string>{"sub/", "a.stl", "b.OBJ"}));
    EXPECT_TRUE(folder_entries(dir / "nope").empty());
    test::write_text(dir / "g.obj", "o one\nv 0 0 0\ng two\ng one\n");
    EXPECT_EQ(obj_group_names(dir / "g.obj"), (std::vector<std::string>{"one", "two"}));
}

TEST(ImportWizard, KeyScriptCommands) {
    std::string error;
    const auto actions = parse_key_script(
        "wizard:file,import:dm:+y:+z:/a:b/head.obj,click-point:nasion:0:7.32:1.5,skip-point,"
        "undo-point,fit,drag:glabella:0:7.5:1.52,save:/tmp/x.toml",
        error);
    ASSERT_TRUE(actions) << error;
    ASSERT_EQ(actions->size(), 8u);
    for (const auto& a : *actions)
        EXPECT_EQ(a.kind, ScriptAction::Kind::command);
    EXPECT_EQ((*actions)[1].args,
              (std::vector<std::string>{"dm", "+y", "+z", "/a:b/head.obj"})); // ':' in the path
    EXPECT_EQ((*actions)[2].args, (std::vector<std::string>{"nasion", "0", "7.32", "1.5"}));
    EXPECT_EQ((*actions)[5].text, "fit");
    EXPECT_EQ((*actions)[7].args, (std::vector<std::string>{"/tmp/x.toml"}));
    for (const char* bad : {"wizard:nowhere", "import:dm:+y", "click-point:nasion:1:2",
                            "drag:glabella:x:1:2", "fit:now", "save:"}) {
        error.clear();
        EXPECT_FALSE(parse_key_script(bad, error)) << bad;
        EXPECT_NE(error.find("bad --keys token"), std::string::npos) << error;
    }
}

// mouse-drag and drag-landmark hold the button down while the mouse moves, then release.
TEST(ImportWizard, ScriptedDragsHoldTheButtonWhileMoving) {
    std::string error;
    auto actions = parse_key_script("drag-landmark:glabella:0:-30,mouse-drag:10:20:50:20", error);
    ASSERT_TRUE(actions) << error;
    ASSERT_EQ(actions->size(), 2u);
    EXPECT_EQ((*actions)[0].kind, ScriptAction::Kind::mouse_drag);
    EXPECT_EQ((*actions)[0].text, "glabella");
    ScriptPlayer player(std::move(*actions));
    EXPECT_EQ(player.frames_needed(), 20);
    const auto locate = [](const ScriptAction&) -> std::optional<glm::vec2> {
        return glm::vec2(100, 100);
    };
    ScriptInput in = player.step(locate);
    EXPECT_TRUE(in.mouse_down);
    EXPECT_EQ(in.mouse, glm::vec2(100, 100));
    int held = 0;
    for (;;) {
        in = player.step(locate);
        if (in.mouse_up)
            break;
        EXPECT_TRUE(in.mouse_held);
        ++held;
    }
    EXPECT_EQ(held, 8);
    EXPECT_EQ(in.mouse, glm::vec2(100, 70)); // ended 30 pixels up
    in = player.step(locate);                // the absolute drag
    EXPECT_TRUE(in.mouse_down);
    EXPECT_EQ(in.mouse, glm::vec2(10, 20));
    for (int i = 0; i < 8; ++i)
        in = player.step(locate);
    EXPECT_EQ(in.mouse, glm::vec2(50, 20));
    EXPECT_TRUE(player.step(locate).mouse_up);
    EXPECT_TRUE(player.finished());
    for (const char* bad : {"mouse-drag:1:2:3", "drag-landmark:glabella:1", "drag-landmark::1:2"}) {
        error.clear();
        EXPECT_FALSE(parse_key_script(bad, error)) << bad;
    }
}

// Outside scripted runs the scan loads on a worker thread: loading() until poll() collects it.
TEST(ImportWizard, LoadsOnAWorkerAndPollCollectsTheScan) {
    const auto dir = test::fresh_dir("import-wizard-async");
    ImportWizard w;
    w.start();
    w.path = write_box(dir).string();
    w.frame.units = "cm";
    std::string why;
    ASSERT_TRUE(w.load(false, why)) << why;
    EXPECT_TRUE(w.loading());
    bool changed = false;
    while (w.loading()) { // no time limit asserted: the worker finishes
        changed = w.poll() || changed;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(changed);
    ASSERT_NE(w.scene(), nullptr);
    EXPECT_EQ(w.scene()->scan.skin.indices.size(), 36u);
    EXPECT_FALSE(w.poll()); // nothing more to collect
    // A point given, then a reload (another frame): the points were on the old scan, so they go.
    EXPECT_TRUE(w.go_to(ImportWizard::Step::points, why));
    w.picks.place_next({0, 180, 110});
    w.frame.units = "mm";
    ASSERT_TRUE(w.load(true, why)) << why;
    EXPECT_TRUE(w.picks.points().empty());
    EXPECT_EQ(w.step(), ImportWizard::Step::file);
    EXPECT_NEAR(w.size()->height_mm, 24.0f, 0.05f);
}
