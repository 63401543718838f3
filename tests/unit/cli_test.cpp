// The CLI shell: help, version, unknown subcommands and exit codes.
#include <gtest/gtest.h>

#include "test_support.hpp"

using injmap::test::run_injmap;

TEST(Cli, HelpListsEverySubcommand) {
    const auto r = run_injmap({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* name :
         {"gui", "check", "render", "model", "list", "session", "cd", "drill", "handout"})
        EXPECT_NE(r.out.find(std::string("  ") + name + " "), std::string::npos) << name;
}

TEST(Cli, VersionPrintsOneLine) {
    const auto r = run_injmap({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("injmap ", 0), 0u);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST(Cli, SubcommandHelpShowsUsage) {
    for (const char* name : {"check", "render", "model", "list", "session", "cd", "drill", "gui"}) {
        const auto r = run_injmap({name, "--help"});
        EXPECT_EQ(r.exit_code, 0) << name;
        EXPECT_NE(r.out.find(std::string("injmap ") + name), std::string::npos) << name;
    }
}

TEST(Cli, UnknownSubcommandIsAUsageError) {
    const auto r = run_injmap({"frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("frobnicate"), std::string::npos);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}
