#pragma once
// The TOML diagnostics toolkit every injmap TOML reader is built on (model manifests in models/;
// protocols, clinical limits and the pre-treatment checklist in protocols/): where a node is,
// what type it is called in messages, a capped list of located diagnostics with the reader's rule
// prefix, the unknown-key check with its "did you mean", and one guarded parse (size limit, dotted
// key depth, toml++ errors as a located syntax diagnostic). Including it needs toml++ on the
// include path (injmap_models and injmap_protocols link it privately); it is for readers, not for
// app/ or public interfaces. A new reader: make a TomlDiagnostics with its file and prefix, call
// parse_toml, read the table with check_keys / loc / type_name, then take() the diagnostics.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <toml++/toml.h>

#include "injmap/diagnostic.hpp"
#include "injmap/did_you_mean.hpp"
#include "injmap/toml_depth.hpp"

namespace injmap::detail {

// What a node is, for "must be X, not <type_name>" messages.
inline const char* type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

// A file's located diagnostics with rule ids "<prefix>.<kind>" ("manifest", "protocol", "rules",
// "checklist"). Messages are made one line; past kMaxTomlDiagnostics the rest are consequences
// or noise, and one "<prefix>.too-many-errors" says so.
class TomlDiagnostics {
public:
    static constexpr std::size_t kMaxTomlDiagnostics = 200;

    TomlDiagnostics(std::string file, std::string prefix)
        : file_(std::move(file)), prefix_(std::move(prefix)) {}

    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] const std::string& prefix() const { return prefix_; }
    [[nodiscard]] const Diagnostics& diagnostics() const { return diagnostics_; }
    [[nodiscard]] bool failed() const { return has_errors(diagnostics_); }
    Diagnostics take() { return std::move(diagnostics_); }

    // toml++ counts from 1; a hostile file cannot push a line number past int.
    [[nodiscard]] SourceLocation loc(const toml::source_region& region) const {
        return {file_, static_cast<int>(std::min<std::uint32_t>(region.begin.line, 1u << 30)),
                static_cast<int>(std::min<std::uint32_t>(region.begin.column, 1u << 30))};
    }
    [[nodiscard]] SourceLocation loc(const toml::node& node) const { return loc(node.source()); }
    [[nodiscard]] SourceLocation file_start() const { return {file_, 1, 1}; }
    [[nodiscard]] SourceLocation whole_file() const { return {file_, 0, 0}; }

    void report(Severity severity, std::string rule, std::string_view message,
                SourceLocation where) {
        if (diagnostics_.size() == kMaxTomlDiagnostics) {
            diagnostics_.push_back({Severity::error,
                                    prefix_ + ".too-many-errors",
                                    "too many problems; stopped reporting after " +
                                        std::to_string(kMaxTomlDiagnostics),
                                    where,
                                    {}});
        }
        if (diagnostics_.size() > kMaxTomlDiagnostics)
            return;
        diagnostics_.push_back(
            {severity, std::move(rule), one_line(message), std::move(where), {}});
    }
    void error(std::string rule, std::string_view message, SourceLocation where) {
        report(Severity::error, std::move(rule), message, std::move(where));
    }
    void warning(std::string rule, std::string_view message, SourceLocation where) {
        report(Severity::warning, std::move(rule), message, std::move(where));
    }

    // "<prefix>.unknown-key" for each key of `table` not in `allowed`, at the key, with a "did
    // you mean" from the allowed ones; `name` says which table ("[mesh]", "the checklist").
    void check_keys(const toml::table& table, std::string_view name,
                    std::initializer_list<std::string_view> allowed) {
        for (auto&& [key, node] : table) {
            (void)node;
            if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end())
                continue;
            error(prefix_ + ".unknown-key",
                  "unknown key '" + std::string(key.str()) + "' in " + std::string(name) +
                      did_you_mean(key.str(), allowed),
                  loc(key.source()));
        }
    }

private:
    std::string file_;
    std::string prefix_;
    Diagnostics diagnostics_;
};

// `text` parsed as TOML, or nullopt with one located error in `out`:
//   - longer than `max_bytes`: "<prefix>.too-large" at the whole file (`what` names the kind of
//     file in the message: "a protocol");
//   - a line with too many dotted key parts (toml_depth.hpp): `syntax_rule` at that line;
//   - toml++'s own errors: `syntax_rule` where toml++ stopped.
inline std::optional<toml::table> parse_toml(std::string_view text, TomlDiagnostics& out,
                                             const std::string& syntax_rule, std::size_t max_bytes,
                                             std::string_view what) {
    if (text.size() > max_bytes) {
        const bool mib = max_bytes % (1024u * 1024u) == 0;
        out.error(out.prefix() + ".too-large",
                  "the file is " + std::to_string(text.size()) + " bytes; " + std::string(what) +
                      " may be at most " +
                      (mib ? std::to_string(max_bytes / (1024u * 1024u)) + " MiB"
                           : std::to_string(max_bytes / 1024u) + " KiB"),
                  out.whole_file());
        return std::nullopt;
    }
    if (const int line = find_too_deep_toml_line(text)) {
        out.error(syntax_rule,
                  "a key with more than " + std::to_string(kMaxTomlDotsPerLine) +
                      " dotted parts; tables this deeply nested are refused",
                  {out.file(), line, 1});
        return std::nullopt;
    }
    try {
        return toml::parse(text, std::string_view(out.file()));
    } catch (const toml::parse_error& e) {
        out.error(syntax_rule, std::string(e.description()), out.loc(e.source()));
        return std::nullopt;
    }
}

} // namespace injmap::detail
