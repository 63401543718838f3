// The version stamp (issue #21): `git describe` at configure time (or "unknown"), printed by
// --version and carried by new session records' start lines and their summaries; records written
// before the field existed still read.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using injmap::test::data_dir;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::run_injmap;
using injmap::test::write_text;
namespace fs = std::filesystem;

// What `injmap --version` says after "injmap ".
std::string program_version() {
    const auto r = run_injmap({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("injmap ", 0), 0u) << r.out;
    if (r.out.size() < 8 || r.out.back() != '\n')
        return "";
    return r.out.substr(7, r.out.size() - 8);
}

TEST(Version, VersionIsNonEmptyAndOneWord) {
    const std::string version = program_version();
    EXPECT_FALSE(version.empty());
    EXPECT_EQ(version.find_first_of(" \t\n"), std::string::npos) << version;
    // --help names the same version on its first line.
    const auto help = run_injmap({"--help"});
    EXPECT_EQ(help.out.rfind("injmap " + version + " ", 0), 0u) << help.out;
}

TEST(Version, ANewRecordAndItsSummaryCarryTheVersion) {
    const std::string version = program_version();
    ASSERT_FALSE(version.empty());
    const fs::path dir = fresh_dir("version-record");
    write_text(dir / "s.txt", "checklist allergy=no infection=no neuromuscular=no pregnancy=no "
                              "anticoagulant=no recent_toxin=no swallowing_breathing=no "
                              "warning=acknowledged\ninject\nfinish\n");
    const fs::path record = dir / "out.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol",
                               (data_dir() / "sessions" / "mini-ftp.toml").string(), "--script",
                               (dir / "s.txt").string(), "--record", record.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(read_text(record));
    std::string first;
    ASSERT_TRUE(std::getline(in, first));
    const auto start = nlohmann::json::parse(first);
    EXPECT_EQ(start["action"], "start");
    EXPECT_EQ(start["injmap_version"], version);
    const auto summary = nlohmann::json::parse(read_text(dir / "out.summary.json"));
    EXPECT_EQ(summary["injmap_version"], version);
    // Read back: the field is parsed, and the hash chain (which covers the start line) holds.
    const auto read = injmap::read_session_record(record);
    ASSERT_TRUE(read.ok());
    ASSERT_NE(read.value->start(), nullptr);
    EXPECT_EQ(read.value->start()->injmap_version, version);
    EXPECT_EQ(read.value->chain_broken_line, 0);
}

TEST(Version, ARecordWithoutTheVersionStillReads) {
    const auto record =
        injmap::parse_session_record("{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\","
                                     "\"time\":\"2024-05-01T09:30:00Z\"}\n",
                                     "old.jsonl");
    ASSERT_TRUE(record.ok());
    ASSERT_NE(record.value->start(), nullptr);
    EXPECT_TRUE(record.value->start()->injmap_version.empty());
    EXPECT_TRUE(record.diagnostics.empty());
}

TEST(Version, AVersionThatIsNotAStringIsRejected) {
    const auto record = injmap::parse_session_record(
        "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\",\"injmap_version\":3,"
        "\"time\":\"2024-05-01T09:30:00Z\"}\n",
        "bad.jsonl");
    EXPECT_FALSE(record.ok());
}

} // namespace
