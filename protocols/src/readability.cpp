#include "injmap/protocols/readability.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace injmap::readability {
namespace {

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
char lower(char c) {
    return is_upper(c) ? char(c - 'A' + 'a') : c;
}

// Spoken syllables of 0..19 and of the tens.
constexpr int kSmall[20] = {2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 2, 2, 2, 2, 3, 2, 2};
constexpr int kTens[10] = {0, 0, 2, 2, 2, 2, 2, 3, 2, 2};

int spoken_below_100(long n) {
    if (n < 20)
        return kSmall[n];
    return kTens[n / 10] + (n % 10 ? kSmall[n % 10] : 0);
}

int spoken_below_1000(long n) {
    if (n < 100)
        return spoken_below_100(n);
    return kSmall[n / 100] + 2 + (n % 100 ? spoken_below_100(n % 100) : 0); // "hundred"
}

// "1,384", "155", "0.1": digits with ',' and at most one '.' inside.
int numeral_syllables(std::string_view token) {
    std::string whole, fraction;
    bool point = false;
    for (char c : token) {
        if (c == ',')
            continue;
        if (c == '.') {
            point = true;
            continue;
        }
        (point ? fraction : whole) += c;
    }
    int total = 0;
    if (whole.empty() || whole.size() > 6) {
        total = int(whole.size()); // no number read aloud this long: one a digit
    } else {
        const long n = std::stol(whole);
        if (n == 0)
            total = kSmall[0];
        else if (n < 1000)
            total = spoken_below_1000(n);
        else
            total = spoken_below_1000(n / 1000) + 2 + (n % 1000 ? spoken_below_1000(n % 1000) : 0);
    }
    if (!fraction.empty()) {
        total += 1; // "point"
        for (char d : fraction)
            total += kSmall[d - '0'];
    }
    return total;
}

bool is_numeral(std::string_view token) {
    if (token.empty() || !is_digit(token.front()) || !is_digit(token.back()))
        return false;
    int points = 0;
    for (char c : token) {
        if (c == '.')
            ++points;
        else if (c != ',' && !is_digit(c))
            return false;
    }
    return points <= 1;
}

// Syllables of a run of letters (apostrophes and other marks already dropped).
int word_syllables(std::string_view letters) {
    const std::size_t n = letters.size();
    if (n == 0)
        return 0;
    if (n == 1)
        return 1;
    // Abbreviations: 2–4 letters with a capital after the first ("EMG", "mL", "CD").
    if (n <= 4) {
        bool capital_inside = false;
        for (std::size_t i = 1; i < n; ++i)
            capital_inside = capital_inside || is_upper(letters[i]);
        if (capital_inside) {
            int total = 0;
            for (char c : letters)
                total += lower(c) == 'w' ? 3 : 1;
            return total;
        }
    }
    std::string w;
    for (char c : letters)
        w += lower(c);
    std::vector<bool> vowel(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        const char c = w[i];
        vowel[i] = c == 'a' || c == 'e' || c == 'i' || c == 'o' || (c == 'y' && i > 0) ||
                   (c == 'u' && !(i > 0 && w[i - 1] == 'q'));
    }
    int count = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (vowel[i] && (i == 0 || !vowel[i - 1]))
            ++count;
    // Rule 4: vowel pairs read as two syllables.
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (!vowel[i] || !vowel[i + 1])
            continue;
        const char a = w[i], b = w[i + 1];
        const bool tion = a == 'i' && b == 'o' && i > 0 && (w[i - 1] == 't' || w[i - 1] == 's') &&
                          i + 2 < n && w[i + 2] == 'n';
        if ((a == 'i' && b == 'a') || (a == 'i' && b == 'o' && !tion) ||
            (a == 'u' && (b == 'a' || b == 'o')) || (a == 'e' && b == 'a' && i + 2 == n))
            ++count;
    }
    const auto consonant = [&](std::size_t i) { return !vowel[i]; };
    // Rule 2: a silent final "e".
    if (count > 1 && w[n - 1] == 'e' && consonant(n - 2) &&
        !(w[n - 2] == 'l' && n >= 3 && consonant(n - 3) && w[n - 3] != 'l'))
        --count;
    // Rule 3: silent "-es" and "-ed".
    if (count > 1 && n >= 3 && w[n - 2] == 'e' && (w[n - 1] == 's' || w[n - 1] == 'd') &&
        consonant(n - 3)) {
        const char before = w[n - 3];
        const bool le = before == 'l' && n >= 4 && consonant(n - 4) && w[n - 4] != 'l';
        bool sounded = le;
        if (w[n - 1] == 's')
            sounded = sounded || before == 'c' || before == 'g' || before == 's' || before == 'z' ||
                      before == 'x' ||
                      (before == 'h' && n >= 4 && (w[n - 4] == 'c' || w[n - 4] == 's'));
        else
            sounded = sounded || before == 't' || before == 'd';
        if (!sounded)
            --count;
    }
    return count < 1 ? 1 : count;
}

// Syllables of one part of a token (between hyphens): a numeral or a word.
int part_syllables(std::string_view part) {
    std::size_t b = 0, e = part.size();
    while (b < e && !is_letter(part[b]) && !is_digit(part[b]))
        ++b;
    while (e > b && !is_letter(part[e - 1]) && !is_digit(part[e - 1]))
        --e;
    const std::string_view core = part.substr(b, e - b);
    if (core.empty())
        return 0;
    int extra = 0;
    if (e < part.size() && part[e] == '%')
        extra = 2; // "percent"
    if (is_numeral(core))
        return numeral_syllables(core) + extra;
    // Digits mixed with letters ("3rd"): the digits read as a numeral, the letters as a word.
    std::string letters, digits;
    for (char c : core) {
        if (is_letter(c))
            letters += c;
        else if (is_digit(c))
            digits += c;
    }
    int total = extra;
    if (!digits.empty())
        total += numeral_syllables(digits);
    if (!letters.empty())
        total += word_syllables(letters);
    return total;
}

bool has_alnum(std::string_view token) {
    for (char c : token)
        if (is_letter(c) || is_digit(c))
            return true;
    return false;
}

bool ends_sentence(std::string_view token) {
    // Trailing closing marks do not hide the end: `weeks).` `"Yes!"`
    std::size_t e = token.size();
    while (e > 0) {
        const char c = token[e - 1];
        if (c == '.' || c == '!' || c == '?')
            return true;
        if (e >= 3 && token.substr(e - 3, 3) == "\xE2\x80\xA6") // …
            return true;
        if (c == ')' || c == '"' || c == '\'')
            --e;
        else if (e >= 3 && (token.substr(e - 3, 3) == "\xE2\x80\x9D" || // ”
                            token.substr(e - 3, 3) == "\xE2\x80\x99"))  // ’
            e -= 3;
        else
            return false;
    }
    return false;
}

// Split at white space, '/', and en or em dashes.
std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    const auto flush = [&](std::size_t end) {
        if (end > start)
            tokens.push_back(text.substr(start, end - start));
    };
    for (std::size_t i = 0; i < text.size();) {
        const char ch = text[i];
        std::size_t skip = 0;
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '/')
            skip = 1;
        else if (text.substr(i, 3) == "\xE2\x80\x93" || text.substr(i, 3) == "\xE2\x80\x94")
            skip = 3;
        if (skip) {
            flush(i);
            i += skip;
            start = i;
        } else {
            ++i;
        }
    }
    flush(text.size());
    return tokens;
}

} // namespace

int syllables(std::string_view word) {
    int total = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= word.size(); ++i)
        if (i == word.size() || word[i] == '-') {
            total += part_syllables(word.substr(start, i - start));
            start = i + 1;
        }
    return total;
}

Counts count(std::string_view text) {
    Counts c;
    const std::vector<std::string_view> tokens = split_words(text);
    bool open = false; // words since the last sentence end
    for (std::string_view t : tokens) {
        if (has_alnum(t)) {
            ++c.words;
            c.syllables += syllables(t);
            open = true;
        }
        if (open && ends_sentence(t)) {
            ++c.sentences;
            open = false;
        }
    }
    if (open) // words after the last full stop still make a sentence
        ++c.sentences;
    return c;
}

double grade(const Counts& counts) {
    if (counts.words == 0)
        return 0.0;
    return 0.39 * double(counts.words) / double(std::max(1, counts.sentences)) +
           11.8 * double(counts.syllables) / double(counts.words) - 15.59;
}

double grade(std::string_view text) {
    return grade(count(text));
}

bool is_label(std::string_view text) {
    const Counts c = count(text);
    if (c.words == 0 || c.words >= 8)
        return false;
    for (std::string_view t : split_words(text))
        if (ends_sentence(t))
            return false;
    return true;
}

bool plain_label(std::string_view text) {
    int words = 0, syllable_total = 0;
    for (std::string_view t : split_words(text)) {
        if (!has_alnum(t))
            continue;
        const int s = syllables(t);
        if (s > 4)
            return false;
        ++words;
        syllable_total += s;
    }
    return words > 0 && syllable_total <= 2 * words;
}

bool easy_to_read(std::string_view text, double max_grade) {
    return is_label(text) ? plain_label(text) : grade(text) <= max_grade;
}

} // namespace injmap::readability
