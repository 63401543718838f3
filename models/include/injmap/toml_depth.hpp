#pragma once
// A guard for every TOML reader (model manifests, protocols): toml++ limits nested arrays and
// inline tables itself, but builds one table per part of a dotted key ([a.b.c] or a.b.c = 1)
// recursively, so a few tens of thousands of parts overflow the stack and crash the process. No
// injmap file needs more than a handful, so readers refuse a line with too many dots before calling
// toml::parse.
#include <string_view>

namespace injmap {

inline constexpr int kMaxTomlDotsPerLine = 256;

// The 1-based line of the first line with more than `max_dots` dots outside strings and comments
// (a lexical scan: basic, literal and multi-line strings and comments are skipped), or 0.
[[nodiscard]] int find_too_deep_toml_line(std::string_view text,
                                          int max_dots = kMaxTomlDotsPerLine);

} // namespace injmap
