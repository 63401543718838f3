#include "text_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace injmap::detail {

namespace {
constexpr std::size_t kMaxWord = 64;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    if (a.size() > kMaxWord || b.size() > kMaxWord)
        return std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    // Why this threshold: one or two slips in a short word, about a third of a long one; never a
    // "suggestion" that shares almost nothing with what was typed.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    std::size_t best = std::numeric_limits<std::size_t>::max();
    std::string best_word;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best && d <= limit && d < std::max(word.size(), c.size())) {
            best = d;
            best_word = c;
        }
    }
    return best_word;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    const std::string match = closest_match(word, candidates);
    return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

std::string format_number(double value) {
    if (!std::isfinite(value))
        return value != value ? "nan" : (value > 0 ? "inf" : "-inf");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", value);
    std::string s(buf);
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    if (s == "-0")
        s = "0";
    return s;
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

} // namespace injmap::detail
