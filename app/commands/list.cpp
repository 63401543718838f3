#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_list(std::span<const std::string>) {
    std::cerr << "injmap list: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command list_command{"list", "list the models and protocols found",
                          "Usage: injmap list [OPTIONS]\n\nlist the models and protocols found\n", run_list};
} // namespace injmap::cli
