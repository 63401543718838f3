#include "cli.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <streambuf>

#include "injmap/diagnostic.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define INJMAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INJMAP_ASAN 1
#endif
#endif

namespace injmap::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

std::optional<ParsedArgs> parse_args(std::span<const std::string> args,
                                     const std::vector<OptionSpec>& spec, std::string& error) {
    ParsedArgs parsed;
    bool only_positionals = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (only_positionals || arg.size() < 2 || arg[0] != '-') {
            parsed.positionals.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positionals = true;
            continue;
        }
        std::string name = arg, inline_value;
        bool has_inline = false;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
            has_inline = true;
        }
        const OptionSpec* option = nullptr;
        for (const auto& s : spec)
            if (s.name == name)
                option = &s;
        if (!option) {
            error = "unknown option '" + name + "'";
            return std::nullopt;
        }
        if (!option->repeatable && parsed.has(name)) {
            error = "option '" + name + "' given twice";
            return std::nullopt;
        }
        if (!option->takes_value) {
            if (has_inline) {
                error = "option '" + name + "' takes no value";
                return std::nullopt;
            }
            parsed.values[name].push_back("");
            continue;
        }
        if (has_inline) {
            parsed.values[name].push_back(inline_value);
        } else if (i + 1 < args.size()) {
            parsed.values[name].push_back(args[++i]);
        } else {
            error = "option '" + name + "' needs a value";
            return std::nullopt;
        }
    }
    return parsed;
}

int usage_error(std::string_view command, std::string_view message) {
    std::cerr << "injmap";
    if (!command.empty())
        std::cerr << " " << command;
    // Messages name files and repeat arguments: their control characters are escaped.
    std::cerr << ": " << escape_control(message) << " (see 'injmap " << command
              << (command.empty() ? "" : " ") << "--help')\n";
    return exit_usage;
}

std::optional<std::pair<int, int>> parse_size(std::string_view text) {
    const auto x = text.find('x');
    if (x == std::string_view::npos)
        return std::nullopt;
    int w = 0, h = 0;
    auto [p1, e1] = std::from_chars(text.data(), text.data() + x, w);
    auto [p2, e2] = std::from_chars(text.data() + x + 1, text.data() + text.size(), h);
    if (e1 != std::errc() || e2 != std::errc() || p1 != text.data() + x ||
        p2 != text.data() + text.size())
        return std::nullopt;
    if (w < 16 || h < 16 || w > 8192 || h > 8192)
        return std::nullopt;
    return std::pair{w, h};
}

namespace {

// The first failure writing stdout, as errno: a big output fails in the middle of the command,
// long before finish_stdout, and errno would be lost by then.
int stdout_errno = 0;

// std::cout's buffer: C stdio's stdout, as the default (unbuffered) one, keeping the reason of the
// first failed write.
class StdoutBuffer : public std::streambuf {
protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof()))
            return traits_type::not_eof(c);
        if (std::fputc(c, stdout) == EOF) {
            note(errno);
            return traits_type::eof();
        }
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        const std::size_t written = std::fwrite(s, 1, static_cast<std::size_t>(n), stdout);
        if (written < static_cast<std::size_t>(n))
            note(errno);
        return static_cast<std::streamsize>(written);
    }
    int sync() override {
        if (std::fflush(stdout) != 0) {
            note(errno);
            return -1;
        }
        return 0;
    }

private:
    static void note(int err) {
        if (stdout_errno == 0)
            stdout_errno = err != 0 ? err : EIO;
    }
};

} // namespace

void capture_stdout_errors() {
    // Never destroyed: std::cout is flushed by the library's own exit handler, after every static
    // of ours is gone (a destroyed buffer there crashed under AddressSanitizer).
    static StdoutBuffer* const buffer = new StdoutBuffer;
    std::cout.rdbuf(buffer);
}

int finish_stdout(int code) {
    errno = 0;
    std::cout.flush();
    const bool flushed = std::fflush(stdout) == 0;
    if (!flushed && stdout_errno == 0)
        stdout_errno = errno;
    if (!std::cout || !flushed || std::ferror(stdout)) {
        std::cerr << "injmap: cannot write the output: "
                  << (stdout_errno != 0 ? std::strerror(stdout_errno) : "write error") << "\n";
        return exit_usage;
    }
    return code;
}

void exit_now(int code) {
#ifndef INJMAP_ASAN
    code = finish_stdout(code);
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);
#else
    (void)code;
#endif
}

} // namespace injmap::cli
