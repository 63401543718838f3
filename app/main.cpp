// injmap: maps botulinum toxin injection sites on a 3D head, neck and upper back.
// This file only dispatches to the subcommands; each lives in app/commands/<name>.cpp.
#include <array>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands/commands.hpp"
#include "injmap/version.hpp"

namespace {

using injmap::cli::Command;

const std::array<const Command*, 12> kCommands = {
    &injmap::cli::gui_command,    &injmap::cli::check_command, &injmap::cli::render_command,
    &injmap::cli::model_command,  &injmap::cli::list_command,  &injmap::cli::session_command,
    &injmap::cli::cd_command,     &injmap::cli::drill_command, &injmap::cli::handout_command,
    &injmap::cli::export_command, &injmap::cli::db_command,    &injmap::cli::history_command,
};

void print_help() {
    std::cout
        << "injmap " INJMAP_VERSION " — botulinum toxin injection-site maps and session guide\n"
           "An educational and planning aid, not a prescribing device: the clinician decides.\n\n"
           "Usage: injmap [SUBCOMMAND] [OPTIONS]   (no subcommand: gui)\n\n"
           "Subcommands:\n";
    for (const Command* c : kCommands)
        std::cout << "  " << c->name << std::string(10 - std::string(c->name).size(), ' ')
                  << c->summary << "\n";
    std::cout << "\nOptions:\n  --help     this text\n  --version  print the version\n\n"
                 "'injmap SUBCOMMAND --help' describes one subcommand.\n"
                 "Exit codes: 0 success, 1 findings (validation errors, failed checks), 2 usage or "
                 "I/O errors.\n";
}

bool wants_help(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--")
            return false;
        if (a == "--help" || a == "-h")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    injmap::cli::capture_stdout_errors();
    try {
        if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
            print_help();
            return injmap::cli::finish_stdout(0);
        }
        if (!args.empty() && args[0] == "--version") {
            std::cout << "injmap " INJMAP_VERSION "\n";
            return injmap::cli::finish_stdout(0);
        }
        const Command* command = &injmap::cli::gui_command;
        if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
            command = nullptr;
            for (const Command* c : kCommands)
                if (args[0] == c->name)
                    command = c;
            if (!command)
                return injmap::cli::usage_error("", "unknown subcommand '" + args[0] + "'");
            args.erase(args.begin());
        }
        if (wants_help(args)) {
            std::cout << command->usage;
            return injmap::cli::finish_stdout(0);
        }
        return injmap::cli::finish_stdout(command->run(args));
    } catch (const std::exception& e) {
        // Last resort: every reader reports located diagnostics; reaching here is a bug, not a
        // crash.
        std::cerr << "injmap: internal error: " << e.what() << "\n";
        return injmap::cli::exit_usage;
    }
}
