#include "injmap/diagnostic.hpp"

#include <algorithm>

namespace injmap {

const char* to_string(Severity severity) {
    switch (severity) {
    case Severity::error:
        return "error";
    case Severity::warning:
        return "warning";
    case Severity::note:
        return "note";
    }
    return "error";
}

bool has_errors(const Diagnostics& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::string format_diagnostic(const Diagnostic& d) {
    std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
    if (d.where.line > 0) {
        out += ":" + std::to_string(d.where.line);
        if (d.where.column > 0)
            out += ":" + std::to_string(d.where.column);
    }
    out += ": ";
    out += to_string(d.severity);
    out += ": " + d.message;
    if (!d.rule.empty())
        out += " [" + d.rule + "]";
    return out;
}

} // namespace injmap
