#pragma once
// Printing a file with CUPS' `lp`, without blocking the window: the command is found on PATH
// (find_program), run on a worker thread (posix_spawn, its output captured), and its outcome read
// by polling from the frame loop. No window, no GL (injmap_app_core); patient mode prints the
// handout's PDF with it.
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace injmap::gui {

// The executable `name` in the directories of `path_list` (a PATH value, ':'-separated; empty
// entries are the current directory); nullopt when none is found.
[[nodiscard]] std::optional<std::filesystem::path> find_program(std::string_view name,
                                                                std::string_view path_list);
// The same in $PATH.
[[nodiscard]] std::optional<std::filesystem::path> find_program(std::string_view name);

struct PrintOutcome {
    bool ok = false;
    std::string message; // lp's output (e.g. "request id is office-12 (1 file(s))") or why not
};

// One print job: `program args... file` on a worker thread. Destroying it waits for the command.
class PrintJob {
public:
    PrintJob(std::filesystem::path program, std::vector<std::string> args);
    PrintJob(const PrintJob&) = delete;
    PrintJob& operator=(const PrintJob&) = delete;
    ~PrintJob();

    // The outcome once the command has ended (once: later calls give nullopt); nullopt while it
    // runs. Never waits.
    [[nodiscard]] std::optional<PrintOutcome> poll();
    // Waits for the outcome (tests, shutdown).
    [[nodiscard]] PrintOutcome wait();
    [[nodiscard]] bool running() const { return future_.valid(); }

private:
    std::future<PrintOutcome> future_;
};

} // namespace injmap::gui
