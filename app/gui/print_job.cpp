#include "gui/print_job.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace injmap::gui {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxOutputBytes = 4096;

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

PrintOutcome run(const fs::path& program, const std::vector<std::string>& args) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return {false, std::string("cannot start ") + program.filename().string() + ": " +
                           std::strerror(errno)};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    std::vector<std::string> argv_strings{program.string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (spawned != 0) {
        close(pipe_fds[0]);
        return {false, "cannot start " + program.string() + ": " + std::strerror(spawned)};
    }
    std::string output;
    std::array<char, 512> buffer{};
    for (;;) {
        const ssize_t n = read(pipe_fds[0], buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (output.size() < kMaxOutputBytes)
            output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    output = trimmed(output.substr(0, kMaxOutputBytes));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {true, output};
    const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                              : std::string("stopped by a signal");
    return {false, program.filename().string() + " failed (" + how + ")" +
                       (output.empty() ? "" : ": " + output)};
}

} // namespace

std::optional<fs::path> find_program(std::string_view name, std::string_view path_list) {
    if (name.empty() || name.find('/') != std::string_view::npos)
        return std::nullopt;
    std::size_t begin = 0;
    for (;;) {
        const std::size_t end = path_list.find(':', begin);
        const std::string_view dir = path_list.substr(
            begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
        const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (end == std::string_view::npos)
            return std::nullopt;
        begin = end + 1;
    }
}

std::optional<fs::path> find_program(std::string_view name) {
    const char* path = std::getenv("PATH");
    return find_program(name, path ? std::string_view(path) : std::string_view());
}

PrintJob::PrintJob(fs::path program, std::vector<std::string> args)
    : future_(
          std::async(std::launch::async, [program = std::move(program), args = std::move(args)] {
              return run(program, args);
          })) {}

PrintJob::~PrintJob() {
    if (future_.valid())
        future_.wait();
}

std::optional<PrintOutcome> PrintJob::poll() {
    if (!future_.valid() || future_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return std::nullopt;
    return future_.get();
}

PrintOutcome PrintJob::wait() {
    if (!future_.valid())
        return {false, "no print job"};
    return future_.get();
}

} // namespace injmap::gui
