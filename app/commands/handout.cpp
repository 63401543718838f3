#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_handout(std::span<const std::string>) {
    std::cerr << "injmap handout: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command handout_command{"handout", "write a one-page patient handout (PNG)",
                          "Usage: injmap handout [OPTIONS]\n\nwrite a one-page patient handout (PNG)\n", run_handout};
} // namespace injmap::cli
