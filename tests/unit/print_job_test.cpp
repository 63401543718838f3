// Printing without blocking the window (app/gui/print_job.hpp): lp found on a PATH, run on a worker
// thread with its arguments, its output and failures reported; and the patient view's framing
// points (patient_content.hpp) that keep the head and neck in frame.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "gui/patient_content.hpp"
#include "gui/print_job.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::write_text;
namespace fs = std::filesystem;

fs::path script(const fs::path& dir, const std::string& name, const std::string& body) {
    const fs::path path = dir / name;
    write_text(path, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
}

TEST(PrintJob, FindsAnExecutableOnThePathOnly) {
    const fs::path dir = fresh_dir("print-find");
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    write_text(dir / "a" / "lp", "not executable\n"); // skipped: not executable
    const fs::path lp = script(dir / "b", "lp", "exit 0\n");
    const std::string path_list = (dir / "a").string() + ":" + (dir / "b").string();
    const auto found = find_program("lp", path_list);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, lp);
    EXPECT_FALSE(find_program("lp", (dir / "a").string()).has_value());
    EXPECT_FALSE(find_program("lp", "").has_value());
    EXPECT_FALSE(find_program("b/lp", dir.string()).has_value()); // names only, no paths
}

TEST(PrintJob, RunsTheCommandWithItsArgumentsAndReportsItsOutput) {
    const fs::path dir = fresh_dir("print-run");
    const fs::path args_file = dir / "args.txt";
    const fs::path lp = script(dir, "lp",
                               "for a in \"$@\"; do echo \"$a\" >> '" + args_file.string() +
                                   "'; done\necho 'request id is office-7 (1 file(s))'\n");
    PrintJob job(lp, {"-t", "My handout", "/tmp/handout.pdf"});
    const PrintOutcome outcome = job.wait();
    EXPECT_TRUE(outcome.ok) << outcome.message;
    EXPECT_EQ(outcome.message, "request id is office-7 (1 file(s))");
    EXPECT_EQ(read_text(args_file), "-t\nMy handout\n/tmp/handout.pdf\n");
    EXPECT_FALSE(job.running());
    EXPECT_FALSE(job.poll().has_value()); // reported once
}

TEST(PrintJob, AFailingCommandIsReportedWithWhatItSaid) {
    const fs::path dir = fresh_dir("print-fail");
    const fs::path lp = script(dir, "lp", "echo 'lp: No default destination.' >&2\nexit 1\n");
    PrintJob job(lp, {"x.pdf"});
    const PrintOutcome outcome = job.wait();
    EXPECT_FALSE(outcome.ok);
    EXPECT_NE(outcome.message.find("exit status 1"), std::string::npos) << outcome.message;
    EXPECT_NE(outcome.message.find("No default destination"), std::string::npos) << outcome.message;
    PrintJob missing(dir / "absent", {"x.pdf"});
    EXPECT_FALSE(missing.wait().ok);
}

TEST(PatientFramePoints, TheHeadAndNeckAreAlwaysInTheFramedPoints) {
    Model model;
    model.landmarks = {{"vertex", {0, 135, 1}},      {"menton", {0, -98, 86}},
                       {"c7", {0, -108, -74}},       {"opisthocranion", {0, 34, -103}},
                       {"pronasale", {0, -17, 120}}, {"glabella", {0, 34, 99}}};
    const std::vector<glm::vec3> shoulder = {{150, -200, -20}, {-150, -200, -20}};
    const auto points = patient_frame_points(model, shoulder);
    const auto has = [&](glm::vec3 p) {
        return std::find(points.begin(), points.end(), p) != points.end();
    };
    EXPECT_TRUE(has(shoulder[0]));
    EXPECT_TRUE(has(shoulder[1]));
    EXPECT_TRUE(has({0, 135, 1}));    // the top of the head
    EXPECT_TRUE(has({0, -98, 86}));   // the chin
    EXPECT_TRUE(has({0, -108, -74})); // the back of the neck
    EXPECT_FALSE(has({0, 34, 99}));   // not a bound of the head
    EXPECT_EQ(points.size(), 7u);
    EXPECT_EQ(patient_frame_points(Model{}, shoulder).size(), 2u);
}

} // namespace
