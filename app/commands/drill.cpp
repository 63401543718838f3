#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_drill(std::span<const std::string>) {
    std::cerr << "injmap drill: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command drill_command{"drill", "score a place-the-sites training drill",
                          "Usage: injmap drill [OPTIONS]\n\nscore a place-the-sites training drill\n", run_drill};
} // namespace injmap::cli
