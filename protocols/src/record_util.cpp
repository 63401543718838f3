// Helpers shared by the session record's sources (record_util.hpp).
#include "record_util.hpp"

#include <algorithm>
#include <cmath>

#include "injmap/models/atomic_file.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace detail {

Diagnostic record_error(std::string rule, std::string message, const std::string& file, int line) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    // One line: messages quote record text, and JSON strings may hold escaped newlines.
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::replace(message.begin(), message.end(), '\r', ' ');
    d.message = std::move(message);
    d.where.file = file;
    d.where.line = line;
    return d;
}

Diagnostic record_warning(std::string rule, std::string message, const std::string& file,
                          int line) {
    Diagnostic d = record_error(std::move(rule), std::move(message), file, line);
    d.severity = Severity::warning;
    return d;
}

bool write_record_file(const fs::path& path, std::string_view text, std::string& err) {
    return io::write_file_atomically(path, text, err, 0600);
}

double hundredths(float v) {
    return std::round(static_cast<double>(v) * 100.0) / 100.0;
}

std::string record_stem(const fs::path& record_path) {
    std::string name = record_path.filename().string();
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0)
        name.resize(name.size() - 6);
    return name;
}

} // namespace detail

} // namespace injmap
