#pragma once
// The injmap command line: one Command per subcommand, each in app/commands/<name>.cpp.
// Exit codes (a contract other tools rely on; see README "Command line"):
//   0 success, 1 findings (validation errors, failed checks), 2 usage or I/O errors.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace injmap::cli {

enum Exit : int { exit_ok = 0, exit_findings = 1, exit_usage = 2 };

struct Command {
    const char* name;
    const char* summary; // one line, shown by `injmap --help`
    const char* usage;   // full help, shown by `injmap <name> --help`
    int (*run)(std::span<const std::string> args);
};

// Declarative option parsing: options are "--name" (flag) or "--name" with a value
// ("--name VALUE" or "--name=VALUE"); anything else not starting with "-" is positional.
struct OptionSpec {
    std::string name;
    bool takes_value = false;
    bool repeatable = false;
};

struct ParsedArgs {
    std::map<std::string, std::vector<std::string>> values; // option → values ("" for flags)
    std::vector<std::string> positionals;

    [[nodiscard]] bool has(const std::string& name) const { return values.count(name) != 0; }
    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
};

// Returns the parsed arguments, or an error message naming the bad argument.
[[nodiscard]] std::optional<ParsedArgs> parse_args(std::span<const std::string> args,
                                                   const std::vector<OptionSpec>& spec,
                                                   std::string& error);

// One-line error on stderr ("injmap <command>: message") and the usage exit code.
int usage_error(std::string_view command, std::string_view message);

// Flushes stdout and returns `code`, or exit_usage with the reason on stderr ("injmap: cannot
// write the output: No space left on device") when any of the output never reached it: a full disk
// or a closed pipe behind stdout is an I/O error, never a silent success (issue #16 item 6).
[[nodiscard]] int finish_stdout(int code);
// Makes std::cout keep the reason of a failed write for finish_stdout (once, first in main).
void capture_stdout_errors();

// Ends the process with `code` now: flushes stdout and stderr, then skips destructors and atexit
// handlers. For a command whose last act would be freeing its whole heap and tearing the GL
// driver down (~6 ms of a ~150 ms `injmap render`, docs/performance.md). Every file the command
// wrote must be closed before. Builds with AddressSanitizer return normally from here instead
// (the caller then returns `code`), so that leak checking still sees the whole run.
// A failed stdout turns `code` into exit_usage, as finish_stdout.
void exit_now(int code);

// "1280x800" → {1280, 800}; nullopt unless both are in 16..8192.
[[nodiscard]] std::optional<std::pair<int, int>> parse_size(std::string_view text);

} // namespace injmap::cli
