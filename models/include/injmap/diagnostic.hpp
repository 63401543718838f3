#pragma once
// Located diagnostics shared by every reader (model manifests, OBJ files, protocols, session
// records). Tests assert on `rule` and `where.line`, never on `message` text, so rule ids are a
// stable interface.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace injmap {

enum class Severity { error, warning, note };

[[nodiscard]] const char* to_string(Severity severity);

struct SourceLocation {
    std::string file; // as given by the caller (path or "<memory>")
    int line = 0;     // 1-based; 0 = the whole file
    int column = 0;   // 1-based; 0 = unknown
};

struct Diagnostic {
    Severity severity = Severity::error;
    std::string rule; // stable id, e.g. "toml.syntax", "manifest.unknown-units", "dose.site-units"
    std::string message; // one line, human readable
    SourceLocation where;
    std::string
        basis; // for clinical rules: "label", "trial protocol", "common practice"; else empty
};

using Diagnostics = std::vector<Diagnostic>;

[[nodiscard]] bool has_errors(const Diagnostics& diagnostics);

// "FILE:LINE:COL: error: message [rule]" (LINE/COL omitted when unknown) — the format of `injmap
// check`. Control characters in any part are escaped (escape_control): one diagnostic is one line
// and a crafted file cannot drive the terminal.
[[nodiscard]] std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with every control character written as \xHH: C0 (below 0x20, newline and tab
// included), DEL, and the C1 controls U+0080..U+009F. For text from files shown on a terminal or
// in the window (diagnostics, listings). Other bytes, valid UTF-8 or not, are kept.
[[nodiscard]] std::string escape_control(std::string_view text);

// A reader's answer: the value when it could be produced, plus every diagnostic found on the way.
// A value may be present together with warnings; errors mean the value must not be used.
template <class T>
struct Result {
    std::optional<T> value;
    Diagnostics diagnostics;

    [[nodiscard]] bool ok() const { return value.has_value() && !has_errors(diagnostics); }
};

} // namespace injmap
