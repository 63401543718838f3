#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_check(std::span<const std::string>) {
    std::cerr << "injmap check: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command check_command{"check", "validate protocol files and print their sites, units and diagnostics",
                          "Usage: injmap check [OPTIONS]\n\nvalidate protocol files and print their sites, units and diagnostics\n", run_check};
} // namespace injmap::cli
