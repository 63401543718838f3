// The Flesch–Kincaid scorer (protocols/readability.hpp) pinned on hand-counted words and
// sentences, so a broken counter fails before it lets a hard patient text through.
#include <gtest/gtest.h>

#include "injmap/protocols/readability.hpp"

namespace rd = injmap::readability;

TEST(Readability, SyllablesOfWordsFollowTheDocumentedRules) {
    // Rule 1: vowel groups; y not at the start is a vowel; u after q is not.
    EXPECT_EQ(rd::syllables("cat"), 1);
    EXPECT_EQ(rd::syllables("protein"), 2);
    EXPECT_EQ(rd::syllables("you"), 1);
    EXPECT_EQ(rd::syllables("quick"), 1);
    EXPECT_EQ(rd::syllables("every"), 3);
    // Rule 2: silent final e, but consonant + le is sounded.
    EXPECT_EQ(rd::syllables("make"), 1);
    EXPECT_EQ(rd::syllables("the"), 1);
    EXPECT_EQ(rd::syllables("little"), 2);
    EXPECT_EQ(rd::syllables("needle"), 2);
    // Rule 3: silent -es / -ed, with the sounded exceptions.
    EXPECT_EQ(rd::syllables("takes"), 1);
    EXPECT_EQ(rd::syllables("places"), 2);
    EXPECT_EQ(rd::syllables("relaxes"), 3);
    EXPECT_EQ(rd::syllables("muscles"), 2);
    EXPECT_EQ(rd::syllables("used"), 1);
    EXPECT_EQ(rd::syllables("called"), 1);
    EXPECT_EQ(rd::syllables("needed"), 2);
    EXPECT_EQ(rd::syllables("settled"), 2);
    // Rule 4: vowel pairs read as two.
    EXPECT_EQ(rd::syllables("area"), 3);
    EXPECT_EQ(rd::syllables("usually"), 4);
    EXPECT_EQ(rd::syllables("injection"), 3);
    EXPECT_EQ(rd::syllables("physiotherapy"), 6);
    // Punctuation, hyphens, apostrophes.
    EXPECT_EQ(rd::syllables("flu-like"), 2);
    EXPECT_EQ(rd::syllables("don't"), 1);
    EXPECT_EQ(rd::syllables("(muscles),"), 2);
    // Abbreviations and single letters.
    EXPECT_EQ(rd::syllables("EMG"), 3);
    EXPECT_EQ(rd::syllables("mL"), 2);
    EXPECT_EQ(rd::syllables("U"), 1);
    // Numerals read aloud.
    EXPECT_EQ(rd::syllables("12"), 1);      // twelve
    EXPECT_EQ(rd::syllables("31"), 3);      // thir-ty-one
    EXPECT_EQ(rd::syllables("155"), 6);     // one hun-dred fif-ty-five
    EXPECT_EQ(rd::syllables("0.1"), 4);     // ze-ro point one
    EXPECT_EQ(rd::syllables("1,384"), 9);   // one thou-sand three hun-dred eigh-ty-four
    EXPECT_EQ(rd::syllables("50%"), 4);     // fif-ty per-cent
    EXPECT_EQ(rd::syllables("12-week"), 2); // twelve week
}

TEST(Readability, CountsWordsSentencesAndSyllables) {
    {
        const auto c = rd::count("The cat sat on the mat.");
        EXPECT_EQ(c.words, 6);
        EXPECT_EQ(c.sentences, 1);
        EXPECT_EQ(c.syllables, 6);
        EXPECT_NEAR(rd::grade(c), -1.45, 0.1);
    }
    {
        // Bo-tox is a pu-ri-fied pro-tein. It re-lax-es mus-cles.
        const auto c = rd::count("Botox is a purified protein. It relaxes muscles.");
        EXPECT_EQ(c.words, 8);
        EXPECT_EQ(c.sentences, 2);
        EXPECT_EQ(c.syllables, 15);
        EXPECT_NEAR(rd::grade(c), 8.095, 0.1);
    }
    {
        // The decimal point is not a sentence end; "mL" is spelled out.
        const auto c = rd::count("You get 31 small injections of 0.1 mL.");
        EXPECT_EQ(c.words, 8);
        EXPECT_EQ(c.sentences, 1);
        EXPECT_EQ(c.syllables, 16);
        EXPECT_NEAR(rd::grade(c), 11.13, 0.1);
    }
    {
        const auto c = rd::count("The dose is 155 U in total!");
        EXPECT_EQ(c.words, 7);
        EXPECT_EQ(c.sentences, 1);
        EXPECT_EQ(c.syllables, 13);
        EXPECT_NEAR(rd::grade(c), 9.05, 0.1);
    }
}

TEST(Readability, SentenceEndsAndSplits) {
    // ?, ! and … end sentences; a closing bracket after the stop does not hide it; dashes and
    // slashes split words and are not words; an unfinished last sentence still counts.
    const auto c = rd::count("Is it sore? Yes (a bit). Rest \xE2\x80\x93 then walk\xE2\x80\xA6 "
                             "Head/neck pain goes");
    EXPECT_EQ(c.words, 13);
    EXPECT_EQ(c.sentences, 4);
    EXPECT_EQ(rd::count("").words, 0);
    EXPECT_EQ(rd::grade(""), 0.0);
}

TEST(Readability, LongWordsAndSentencesScoreHigher) {
    const double easy = rd::grade("You will have a few small shots. They do not hurt much.");
    const double hard = rd::grade(
        "Botulinum toxin injections administered intramuscularly demonstrate considerable "
        "efficacy in the prophylactic management of chronic migraine.");
    EXPECT_LT(easy, 4.0);
    EXPECT_GT(hard, 16.0);
}

TEST(Readability, LabelsAreJudgedByTheirWords) {
    // Short headings are labels; a sentence end or 8 words make running text.
    EXPECT_TRUE(rd::is_label("After the visit"));
    EXPECT_TRUE(rd::is_label("Next appointment:"));
    EXPECT_FALSE(rd::is_label("It does not work at once."));
    EXPECT_FALSE(rd::is_label("one two three four five six seven eight"));
    // A two-syllable heading alone would score 8.4 as text, but is a plain label.
    EXPECT_NEAR(rd::grade("Afterwards"), 20.2, 0.1);
    EXPECT_TRUE(rd::plain_label("Other choices"));                             // 2 + 2
    EXPECT_FALSE(rd::plain_label("Patient information"));                      // 2 + 4: average 3
    EXPECT_FALSE(rd::plain_label("Onabotulinumtoxin"));                        // over 4 syllables
    EXPECT_TRUE(rd::plain_label("Botox for neck spasms (cervical dystonia)")); // 12 / 6
    EXPECT_TRUE(rd::easy_to_read("After the visit"));
    EXPECT_FALSE(rd::easy_to_read("Patient information"));
    EXPECT_FALSE(rd::easy_to_read("Botulinum toxin injections administered intramuscularly "
                                  "demonstrate considerable efficacy."));
}
