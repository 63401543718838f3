#pragma once
// Spelling help for diagnostics, shared by every reader and checker (model manifests, protocols,
// clinical limits, the checklist, placement, the validator): one edit distance, one "close enough"
// threshold, one " (did you mean 'x'?)" text, and one-line message text. No TOML here (that is
// toml_diagnostics.hpp), so any source may include it.
#include <cstddef>
#include <string>
#include <string_view>

namespace injmap::detail {

// Levenshtein distance. Words longer than kMaxSuggestWord characters count as far from everything:
// the cost stays bounded whatever a hostile file holds.
inline constexpr std::size_t kMaxSuggestWord = 64;
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// Whether `candidate`, at edit distance `distance` from `word`, is a likely typo of it: one or two
// slips in a short word, about a third of a long one, never a "suggestion" that shares almost
// nothing with what was typed.
[[nodiscard]] bool close_enough(std::string_view word, std::string_view candidate,
                                std::size_t distance);

// The candidate closest to `word` when it is close enough to be a likely typo, else "".
// `candidates`: any range of things convertible to std::string_view (strings, const char*).
template <class Range>
[[nodiscard]] std::string closest_match(std::string_view word, const Range& candidates) {
    std::size_t best = static_cast<std::size_t>(-1);
    std::string best_word;
    for (const auto& c : candidates) {
        const std::string_view candidate(c);
        const std::size_t d = edit_distance(word, candidate);
        if (d < best && close_enough(word, candidate, d)) {
            best = d;
            best_word = std::string(candidate);
        }
    }
    return best_word;
}

// " (did you mean 'x'?)" or "" — ready to append to a message.
template <class Range>
[[nodiscard]] std::string did_you_mean(std::string_view word, const Range& candidates) {
    const std::string match = closest_match(word, candidates);
    return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

// Diagnostic messages are one line, but they quote names from files, and a TOML string may hold
// an escaped newline (toml++ also quotes the character it stopped at): line breaks become spaces.
[[nodiscard]] std::string one_line(std::string_view text);

} // namespace injmap::detail
