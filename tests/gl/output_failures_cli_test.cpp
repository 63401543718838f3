// `injmap render` and `injmap handout` when an output cannot be written (issue #16 item 6): exit 2,
// and an existing image, page or report is left as it was (each output is written to a temporary
// file in its folder and renamed; a full disk never leaves a truncated file in its place).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kEnv = {"DISPLAY=", "LIBGL_ALWAYS_SOFTWARE=1"};

// Runs injmap through the shell after `prefix` (shell commands, e.g. a file-size limit).
injmap::test::CommandResult run_after(const std::string& prefix,
                                      const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/sh", "-c", prefix + "; exec \"$0\" \"$@\"",
                                     injmap::test::injmap_exe().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return injmap::test::run(argv, kEnv);
}

// Files may not grow beyond one block (512 or 1024 bytes): every write of a real image, page or
// report fails with EFBIG, as on a full disk. Unlike a read-only folder, this stops root too.
const std::string kTinyFiles = "trap '' XFSZ; ulimit -f 1";

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST(OutputFailures, RenderIntoAFullDeviceExitsTwo) {
    const auto r =
        injmap::test::run_injmap({"render", "--size", "320x200", "-o", "/dev/full"}, kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    const auto report = injmap::test::run_injmap(
        {"render", "--size", "320x200", "-o", "/dev/null", "--report", "/dev/full"}, kEnv);
    EXPECT_EQ(report.exit_code, 2) << report.err;
}

TEST(OutputFailures, AFailedRenderLeavesTheOldImageIntact) {
    const fs::path dir = injmap::test::fresh_dir("OutputFailuresRender");
    const fs::path png = dir / "map.png";
    injmap::test::write_text(png, "old image");
    const auto r = run_after(kTinyFiles, {"render", "--size", "320x200", "-o", png.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(injmap::test::read_text(png), "old image");
    EXPECT_EQ(files_in(dir), std::vector<std::string>{"map.png"}); // no temporary file left
}

TEST(OutputFailures, AFailedReportLeavesTheOldReportIntact) {
    const fs::path dir = injmap::test::fresh_dir("OutputFailuresReport");
    const fs::path report = dir / "map.json";
    injmap::test::write_text(report, "{}");
    const auto r =
        run_after(kTinyFiles, {"render", "--protocol", "preempt-155", "--size", "320x200", "-o",
                               "/dev/null", "--report", report.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(injmap::test::read_text(report), "{}");
    EXPECT_EQ(files_in(dir), std::vector<std::string>{"map.json"});
}

TEST(OutputFailures, AFailedHandoutLeavesTheOldPageIntact) {
    const fs::path dir = injmap::test::fresh_dir("OutputFailuresHandout");
    for (const std::string name : {"page.png", "page.pdf"}) {
        const fs::path page = dir / name;
        injmap::test::write_text(page, "old page");
        const auto r =
            run_after(kTinyFiles, {"handout", "--protocol", "preempt-155", "-o", page.string()});
        EXPECT_EQ(r.exit_code, 2) << name << r.err;
        EXPECT_EQ(injmap::test::read_text(page), "old page") << name;
    }
    EXPECT_EQ(files_in(dir), (std::vector<std::string>{"page.pdf", "page.png"}));
}
