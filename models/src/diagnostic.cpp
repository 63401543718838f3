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

std::string escape_control(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    const auto escape = [&](unsigned char c) {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            escape(c);
        } else if (c == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            escape(c); // a C1 control (U+0080..U+009F) in UTF-8, e.g. U+009B, the 8-bit CSI
            escape(static_cast<unsigned char>(text[++i]));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string format_diagnostic(const Diagnostic& d) {
    std::string out = d.where.file.empty() ? std::string("<input>") : escape_control(d.where.file);
    if (d.where.line > 0) {
        out += ":" + std::to_string(d.where.line);
        if (d.where.column > 0)
            out += ":" + std::to_string(d.where.column);
    }
    out += ": ";
    out += to_string(d.severity);
    out += ": " + escape_control(d.message);
    if (!d.rule.empty())
        out += " [" + escape_control(d.rule) + "]";
    return out;
}

} // namespace injmap
