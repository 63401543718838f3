// Recent sessions at the clinician's start (any protocol's unfinished session, resumed into its
// protocol) and the patient presentation view (no clinical controls; the handout printed by lp).
#include <cstdlib>

#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

const std::string kChecklistKeys = "n,n,n,n,n,n,n,a,enter";

} // namespace

TEST(RecentSessions, AnotherProtocolsUnfinishedSessionIsResumedIntoItsProtocol) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("recent-sessions");
    // A blepharospasm session left unfinished after two injections.
    const auto first =
        run_gui(dir, {"--protocol", "blepharospasm", "--label", "left open", "--keys",
                      "enter," + kChecklistKeys + ",enter,enter", "--frames", "40"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    const auto records = files_with(sessions_dir(first), ".jsonl");
    ASSERT_EQ(records.size(), 1u);
    ASSERT_EQ(kinds(record_lines(records[0])),
              (std::vector<std::string>{"start", "checklist", "inject", "inject"}));
    // The default protocol (preempt-155) opens; R resumes the newest recent session, which opens
    // blepharospasm, and Enter injects its third site into the same record.
    const auto second = run_gui(dir, {"--keys", "wait:4,r,enter", "--frames", "40"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    ASSERT_EQ(files_with(sessions_dir(second), ".jsonl"), records); // no new record
    const auto lines = record_lines(records[0]);
    ASSERT_EQ(kinds(lines),
              (std::vector<std::string>{"start", "checklist", "inject", "inject", "inject"}));
    EXPECT_EQ(lines[0]["protocol"], "blepharospasm");
    EXPECT_EQ(lines[0]["label"], "left open");
    EXPECT_EQ(lines[4]["site"], "upper_lid_lateral_left"); // a blepharospasm site
}

TEST(RecentSessions, AFinishedSessionIsNotOffered) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("recent-finished");
    const auto first =
        run_gui(dir, {"--protocol", "blepharospasm", "--keys",
                      "enter," + kChecklistKeys + ",enter,f,enter", "--frames", "40"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    ASSERT_EQ(files_with(sessions_dir(first), ".jsonl").size(), 1u);
    // R has nothing to resume; Enter starts a new preempt-155 session.
    const auto second = run_gui(dir, {"--keys", "wait:4,r,enter", "--frames", "40"});
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    const auto records = files_with(sessions_dir(second), ".jsonl");
    ASSERT_EQ(records.size(), 2u);
    std::size_t preempt = 0;
    for (const auto& r : records)
        preempt += record_lines(r)[0]["protocol"] == "preempt-155";
    EXPECT_EQ(preempt, 1u);
}

namespace {

// The gui run with INJMAP_GUI_TRACE=1 and PATH set to `path` for the child (restored after).
CommandResult run_traced(const std::filesystem::path& dir, std::vector<std::string> args,
                         const std::string& path = "") {
    const char* old = std::getenv("PATH");
    const std::string saved = old ? old : "";
    if (!path.empty())
        ::setenv("PATH", path.c_str(), 1);
    args.insert(args.begin(), "gui");
    auto result = run_injmap(args, {"XDG_DATA_HOME=" + (dir / "xdg").string(),
                                    "LIBGL_ALWAYS_SOFTWARE=1", "INJMAP_GUI_TRACE=1"});
    ::setenv("PATH", saved.c_str(), 1);
    return result;
}

bool shown(const CommandResult& r, const std::string& what) {
    return r.err.find("trace: shown " + what + "\n") != std::string::npos;
}

} // namespace

TEST(PatientView, ShowsNoProtocolIdNoPickerAndNoLayerToggles) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("patient-presentation");
    const auto patient = run_traced(dir / "p", {"--mode", "patient", "--frames", "10"});
    ASSERT_EQ(patient.exit_code, 0) << patient.err;
    const auto clinician = run_traced(dir / "c", {"--frames", "10"});
    ASSERT_EQ(clinician.exit_code, 0) << clinician.err;
    // The clinician's screen has them (the trace works) ...
    EXPECT_TRUE(shown(clinician, "toggle X-ray")) << clinician.err;
    EXPECT_TRUE(shown(clinician, "protocol-chooser")) << clinician.err;
    EXPECT_NE(clinician.err.find("trace: shown menu-bar-status preempt-155"), std::string::npos)
        << clinician.err;
    // ... the patient's does not: views only, the model's name without the protocol id.
    EXPECT_TRUE(shown(patient, "toolbar Front")) << patient.err;
    EXPECT_FALSE(shown(patient, "toggle X-ray")) << patient.err;
    EXPECT_FALSE(shown(patient, "protocol-chooser")) << patient.err;
    EXPECT_NE(patient.err.find("trace: shown menu-bar-status "), std::string::npos);
    EXPECT_EQ(patient.err.find("preempt-155"), std::string::npos) << patient.err;
}

TEST(PatientView, PrintHandsTheHandoutPdfToLp) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("patient-print");
    const auto bin = dir / "bin";
    std::filesystem::create_directories(bin);
    const auto args_file = dir / "lp-args.txt";
    write_text(bin / "lp", "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '" + args_file.string() +
                               "'; done\necho 'request id is test-1'\n");
    std::filesystem::permissions(bin / "lp", std::filesystem::perms::owner_all);
    const char* old = std::getenv("PATH");
    const auto r = run_traced(dir, {"--mode", "patient", "--keys", "wait:3,h,wait:20"},
                              bin.string() + ":" + (old ? old : ""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(shown(r, "print-button enabled")) << r.err;
    const std::string args = read_text(args_file);
    const auto pdf_at = args.rfind('\n', args.size() - 2);
    ASSERT_NE(pdf_at, std::string::npos) << args;
    const std::filesystem::path pdf = args.substr(pdf_at + 1, args.size() - pdf_at - 2);
    EXPECT_EQ(pdf.extension(), ".pdf");
    EXPECT_EQ(pdf.parent_path(), dir / "xdg" / "injmap" / "handouts");
    EXPECT_EQ(read_text(pdf).substr(0, 5), "%PDF-");
    EXPECT_EQ(args.substr(0, 3), "-t\n"); // a title for the print queue
}

TEST(PatientView, WithoutLpPrintIsDisabledAndNothingIsPrinted) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("patient-no-lp");
    const auto empty = dir / "empty-bin";
    std::filesystem::create_directories(empty);
    const auto r =
        run_traced(dir, {"--mode", "patient", "--keys", "wait:3,h,wait:6"}, empty.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(shown(r, "print-button disabled")) << r.err;
    EXPECT_FALSE(shown(r, "print-button enabled")) << r.err;
    EXPECT_TRUE(files_with(dir / "xdg" / "injmap" / "handouts", ".pdf").empty());
}

TEST(PatientView, TheHeadAndNeckStayInViewAtEveryStop) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("patient-camera");
    // preempt-155's eight stops, at the smallest supported window and the default one; the
    // forehead (1), a temple (5: its caption wraps to three lines at 1024x640), the back of the
    // head (6) and the shoulders (8).
    for (const std::string size : {"1024x640", "1280x800"})
        for (const int stop : {1, 5, 6, 8}) {
            std::string keys = "wait:5";
            for (int i = 0; i < stop; ++i)
                keys += ",right";
            const auto r =
                run_traced(dir / (size + "-" + std::to_string(stop)),
                           {"--mode", "patient", "--size", size, "--keys", keys + ",wait:20"});
            ASSERT_EQ(r.exit_code, 0) << r.err;
            EXPECT_TRUE(shown(r, "head-and-neck in view"))
                << size << " stop " << stop << "\n"
                << r.err.substr(r.err.find("trace: shown"));
        }
}
