#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_cd(std::span<const std::string>) {
    std::cerr << "injmap cd: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command cd_command{"cd", "plan a cervical dystonia session from the head/neck posture",
                          "Usage: injmap cd [OPTIONS]\n\nplan a cervical dystonia session from the head/neck posture\n", run_cd};
} // namespace injmap::cli
