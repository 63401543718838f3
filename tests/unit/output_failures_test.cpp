// Outputs that cannot be written (issue #16 item 6): every file goes to a temporary file in the
// same folder and is renamed, so a failed write leaves an existing file as it was; a command whose
// stdout could not be written exits 2 (never 0, which for `drill` means "passed").
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "injmap/models/atomic_file.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::run;

namespace {

// Runs injmap with its stdout on /dev/full (a device whose every write fails with ENOSPC).
injmap::test::CommandResult run_into_full_stdout(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" > /dev/full",
                                     injmap::test::injmap_exe().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

// Files in `dir` other than `keep`: temporary files left behind.
std::vector<std::string> others(const fs::path& dir, const std::string& keep) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename() != keep)
            out.push_back(e.path().filename().string());
    return out;
}

// Files may grow to at most `bytes` while alive (writes beyond fail with EFBIG, not a signal);
// root is not exempt, unlike read-only folders.
struct FileSizeLimit {
    rlimit old{};
    void (*old_handler)(int) = nullptr;
    explicit FileSizeLimit(rlim_t bytes) {
        old_handler = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &old);
        rlimit now = old;
        now.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &now);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);
    }
};

} // namespace

TEST(AtomicFile, WritesAndReplacesLeavingNoTemporaryFile) {
    const fs::path dir = injmap::test::fresh_dir("AtomicFileWrites");
    const fs::path file = dir / "out.json";
    std::string reason;
    ASSERT_TRUE(injmap::io::write_file_atomically(file, std::string_view("old\n"), reason))
        << reason;
    ASSERT_TRUE(injmap::io::write_file_atomically(file, std::string_view("new\n"), reason))
        << reason;
    EXPECT_EQ(injmap::test::read_text(file), "new\n");
    EXPECT_TRUE(others(dir, "out.json").empty());
}

TEST(AtomicFile, AFailedWriteLeavesTheOldFileIntact) {
    const fs::path dir = injmap::test::fresh_dir("AtomicFileFails");
    const fs::path file = dir / "out.png";
    injmap::test::write_text(file, "old image");
    std::string reason;
    {
        const FileSizeLimit limit(4096);
        EXPECT_FALSE(injmap::io::write_file_atomically(file, std::string(100000, 'x'), reason));
    }
    EXPECT_FALSE(reason.empty());
    EXPECT_EQ(injmap::test::read_text(file), "old image");
    EXPECT_TRUE(others(dir, "out.png").empty());
}

TEST(AtomicFile, ADeviceIsWrittenInPlaceAndItsErrorsReported) {
    std::string reason;
    EXPECT_FALSE(injmap::io::write_file_atomically("/dev/full", std::string_view("x"), reason));
    EXPECT_FALSE(reason.empty());
    EXPECT_TRUE(fs::is_character_file("/dev/full")); // not replaced by a rename
    EXPECT_TRUE(injmap::io::write_file_atomically("/dev/null", std::string_view("x"), reason));
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(AtomicFile, NoFolderIsAnError) {
    const fs::path dir = injmap::test::fresh_dir("AtomicFileNoFolder");
    std::string reason;
    EXPECT_FALSE(injmap::io::write_file_atomically(dir / "missing" / "x.csv", std::string_view("x"),
                                                   reason));
    EXPECT_FALSE(reason.empty());
}

// --json into a full stdout: exit 2 with one line on stderr, whatever the command found.
TEST(FullStdout, JsonOutputsExitTwo) {
    const std::vector<std::vector<std::string>> cases = {
        {"check", "preempt-155", "--json"},
        {"model", (injmap::test::data_dir() / "models" / "box-cm.toml").string(), "--json"},
        {"list", "--json"},
        {"list"},
        {"cd", "plan", "--form", "anterocollis", "--json"},
        {"--version"},
        {"check", "--help"},
    };
    for (const auto& args : cases) {
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        const auto plain = injmap::test::run_injmap(args);
        EXPECT_NE(plain.exit_code, 2) << joined << plain.err; // the command itself works
        const auto r = run_into_full_stdout(args);
        EXPECT_EQ(r.exit_code, 2) << joined << r.err;
        EXPECT_FALSE(r.err.empty()) << joined; // the reason
    }
}
