#pragma once
// A small Flesch–Kincaid grade scorer for the patient texts (tests keep every one at grade ≤ 8):
//
//   grade = 0.39 · words / sentences + 11.8 · syllables / words − 15.59
//
// Counting rules (a heuristic, documented so a hand count can check it):
// - Words: runs of non-space characters that hold a letter or digit; '/' and '–'/'—' split words.
//   A hyphenated word ("flu-like") is one word whose syllables are those of its parts.
// - Sentences: a '.', '!', '?' or '…' that ends a word (a decimal point inside "0.1" does not);
//   at least one sentence when there is a word.
// - Syllables of a word, letters only (apostrophes dropped), lower case:
//   1. count groups of consecutive vowels (a e i o u, and y when it is not the first letter);
//   2. a final lone "e" after a consonant is silent ("make" 1), but not in consonant + "le"
//      ("little" 2), and not when it is the only vowel group ("the" 1);
//   3. a final "es" or "ed" after a consonant is silent ("takes" 1, "used" 1), except "-ces",
//      "-ges", "-ses", "-zes", "-xes", "-ches", "-shes" ("places" 2) and "-ted", "-ded"
//      ("needed" 2);
//   4. the pairs "ia", "io" (not in "-tion"/"-sion"), "eo", "ua", "uo" and a final "ea" are two
//      syllables ("area" 3, "video" 3, "tion" 1);
//   5. at least one syllable.
// - Abbreviations of 2–4 capital letters ("EMG", "mL" with its capital) are spelled out: one
//   syllable a letter ("w" three). A lone letter ("U" for units) is one syllable.
// - Numerals are read aloud: "12" is "twelve" (1), "155" "one hundred fifty-five" (6), "0.1"
//   "zero point one" (4); thousands groups add "thousand" (2).
#include <string_view>

namespace injmap::readability {

struct Counts {
    int words = 0;
    int sentences = 0;
    int syllables = 0;
};

// Syllables of one word or numeral, by the rules above.
[[nodiscard]] int syllables(std::string_view word);
// Words, sentences and syllables of a text.
[[nodiscard]] Counts count(std::string_view text);
// The Flesch–Kincaid grade of counts (0 for no words).
[[nodiscard]] double grade(const Counts& counts);
[[nodiscard]] double grade(std::string_view text);

// Headings and labels ("Afterwards", "Botox for chronic migraine"): fewer than 8 words and no
// sentence end ('.', '!', '?', '…'; a trailing ':' is fine). The grade formula is made for running
// text — a heading of one two-syllable word alone scores 8.4 — so a label is judged by its words
// instead: plain_label() when they average at most 2 syllables and none has more than 4.
[[nodiscard]] bool is_label(std::string_view text);
[[nodiscard]] bool plain_label(std::string_view text);
// Running text at grade ≤ max_grade, or a plain label.
[[nodiscard]] bool easy_to_read(std::string_view text, double max_grade = 8.0);

} // namespace injmap::readability
