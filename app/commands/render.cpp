#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_render(std::span<const std::string>) {
    std::cerr << "injmap render: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command render_command{"render", "render site maps to PNG without a display (EGL)",
                          "Usage: injmap render [OPTIONS]\n\nrender site maps to PNG without a display (EGL)\n", run_render};
} // namespace injmap::cli
