#pragma once
// Private helpers shared by the reader, placement and the validator: "did you mean" suggestions.
#include <string>
#include <string_view>
#include <vector>

namespace injmap::detail {

// Levenshtein distance; words longer than 64 characters count as far from everything (bounded
// cost).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo, else "".
[[nodiscard]] std::string closest_match(std::string_view word,
                                        const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" — ready to append to a message.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

// Diagnostic messages are one line, but they quote names from the file, and a TOML string may
// hold an escaped newline: line breaks become spaces.
[[nodiscard]] std::string one_line(std::string text);

// Numbers in messages: "5", "2.5", "0.125" (no trailing zeros).
[[nodiscard]] std::string format_number(double value);

} // namespace injmap::detail
