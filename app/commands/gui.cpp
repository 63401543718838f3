#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_gui(std::span<const std::string>) {
    std::cerr << "injmap gui: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command gui_command{"gui", "open the window: session guide, patient, training, author and CD modes (default)",
                          "Usage: injmap gui [OPTIONS]\n\nopen the window: session guide, patient, training, author and CD modes (default)\n", run_gui};
} // namespace injmap::cli
