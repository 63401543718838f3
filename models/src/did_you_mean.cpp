#include "injmap/did_you_mean.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace injmap::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    if (a.size() > kMaxSuggestWord || b.size() > kMaxSuggestWord)
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

bool close_enough(std::string_view word, std::string_view candidate, std::size_t distance) {
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    return distance <= limit && distance < std::max(word.size(), candidate.size());
}

std::string one_line(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c == '\n' || c == '\r')
            c = ' ';
    return out;
}

} // namespace injmap::detail
