#include <iostream>

#include "commands/commands.hpp"

namespace injmap::cli {
namespace {
int run_model(std::span<const std::string>) {
    std::cerr << "injmap model: not implemented yet\n";
    return exit_usage;
}
} // namespace

const Command model_command{"model", "describe a model: landmarks, muscles, measurements",
                          "Usage: injmap model [OPTIONS]\n\ndescribe a model: landmarks, muscles, measurements\n", run_model};
} // namespace injmap::cli
