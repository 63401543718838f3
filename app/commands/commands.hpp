#pragma once
// The subcommands, one per file in app/commands/.
#include "cli.hpp"

namespace injmap::cli {
extern const Command gui_command;
extern const Command check_command;
extern const Command render_command;
extern const Command model_command;
extern const Command list_command;
extern const Command session_command;
extern const Command cd_command;
extern const Command drill_command;
extern const Command handout_command;
extern const Command export_command;
extern const Command db_command;
extern const Command history_command;
} // namespace injmap::cli
