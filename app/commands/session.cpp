#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_session(std::span<const std::string>) {
    std::cerr << "injmap session: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command session_command{"session", "play or resume a session record headlessly",
                          "Usage: injmap session [OPTIONS]\n\nplay or resume a session record headlessly\n", run_session};
} // namespace injmap::cli
