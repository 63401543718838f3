// The patient texts: every one easy to read (Flesch–Kincaid grade ≤ 8, or for headings and labels
// short words: protocols/readability.hpp)
// — every [patient] field and step patient_text of every shipped protocol (found by globbing
// protocols/*.toml, so a new protocol is covered without a change here), and the fixed words of
// the patient view and handout (app/gui/patient_content.hpp) — and the facts the practice's own
// pages give, present in the shipped migraine and cervical dystonia texts (issue #18, item 4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "gui/patient_content.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/readability.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::PatientInfo;
using injmap::Protocol;
namespace rd = injmap::readability;

namespace {

constexpr double kMaxGrade = 8.0;

std::vector<fs::path> shipped_protocol_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(injmap::test::source_dir() / "protocols"))
        if (entry.path().extension() == ".toml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

Protocol read_shipped(const fs::path& file) {
    auto r = injmap::read_protocol_file(file);
    EXPECT_TRUE(r.value) << file;
    return r.value ? *r.value : Protocol{};
}

struct Field {
    std::string name;
    const std::string* text;
};
std::vector<Field> patient_fields(const PatientInfo& p) {
    return {{"title", &p.title},
            {"what", &p.what},
            {"who_is_it_for", &p.who_is_it_for},
            {"who_should_not", &p.who_should_not},
            {"before_visit", &p.before_visit},
            {"where_and_why", &p.where_and_why},
            {"visit", &p.visit},
            {"feel", &p.feel},
            {"onset", &p.onset},
            {"duration", &p.duration},
            {"next", &p.next},
            {"side_effects_common", &p.side_effects_common},
            {"side_effects_serious", &p.side_effects_serious},
            {"aftercare", &p.aftercare},
            {"alternatives", &p.alternatives},
            {"other_uses", &p.other_uses}};
}

std::string lower(std::string s) {
    for (char& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// All the patient texts of a protocol, lower case, in one string.
std::string all_patient_text(const Protocol& p) {
    std::string all;
    for (const Field& f : patient_fields(p.patient))
        all += *f.text + "\n";
    return lower(all);
}

} // namespace

TEST(PatientTexts, ThereAreShippedProtocolsToScore) {
    const auto files = shipped_protocol_files();
    EXPECT_GE(files.size(), 10u);
}

TEST(PatientTexts, EveryShippedPatientTextIsAtGradeEightOrBelow) {
    double highest = -100.0;
    std::string highest_where;
    for (const fs::path& file : shipped_protocol_files()) {
        const Protocol p = read_shipped(file);
        int scored = 0;
        for (const Field& f : patient_fields(p.patient)) {
            if (f.text->empty())
                continue;
            ++scored;
            const auto c = rd::count(*f.text);
            if (!rd::is_label(*f.text) && rd::grade(c) > highest) {
                highest = rd::grade(c);
                highest_where = file.filename().string() + " " + f.name;
            }
            EXPECT_TRUE(rd::easy_to_read(*f.text, kMaxGrade))
                << file.filename().string() << " [patient] " << f.name
                << (rd::is_label(*f.text) ? " (a label: words too long)" : "") << ": grade "
                << rd::grade(c) << " (" << c.words << " words, " << c.sentences << " sentences, "
                << c.syllables << " syllables): " << *f.text;
        }
        EXPECT_GT(scored, 0) << file.filename().string() << " has no [patient] texts";
        std::cout << file.filename().string() << ": " << rd::grade(all_patient_text(p))
                  << " (all [patient] texts together)\n";
        for (const auto& step : p.steps) {
            if (step.patient_text.empty())
                continue;
            EXPECT_TRUE(rd::easy_to_read(step.patient_text, kMaxGrade))
                << file.filename().string() << " step " << step.id << " patient_text: grade "
                << rd::grade(step.patient_text) << ": " << step.patient_text;
        }
    }
    std::cout << "highest grade of one [patient] text: " << highest << " (" << highest_where
              << ")\n";
}

TEST(PatientTexts, EveryFixedWordOfThePatientViewAndHandoutIsAtGradeEightOrBelow) {
    const auto texts = injmap::gui::fixed_patient_texts();
    ASSERT_GT(texts.size(), 20u);
    for (const auto& t : texts) {
        EXPECT_FALSE(t.text.empty()) << t.name;
        EXPECT_TRUE(rd::easy_to_read(t.text, kMaxGrade))
            << t.name << (rd::is_label(t.text) ? " (a label: words too long)" : "") << ": grade "
            << rd::grade(t.text) << ": " << t.text;
    }
}

TEST(PatientTexts, EveryShippedProtocolHasAPlainTitle) {
    for (const fs::path& file : shipped_protocol_files()) {
        const Protocol p = read_shipped(file);
        const std::string title = injmap::gui::patient_title(p);
        EXPECT_FALSE(p.patient.title.empty()) << file.filename().string();
        // Plain: no unit counts, no template words.
        EXPECT_EQ(title.find(" U"), std::string::npos) << title;
        EXPECT_EQ(lower(title).find("template"), std::string::npos) << title;
        EXPECT_EQ(title.find("PREEMPT"), std::string::npos) << title;
    }
    const Protocol migraine =
        read_shipped(injmap::test::source_dir() / "protocols" / "preempt-155.toml");
    EXPECT_EQ(injmap::gui::patient_title(migraine), "Botox for chronic migraine");
}

namespace {

struct Fact {
    const char* what;
    std::vector<const char*> any_of; // one of these (lower case) must appear
};

void expect_facts(const fs::path& file, const std::vector<Fact>& facts) {
    const std::string text = all_patient_text(read_shipped(file));
    for (const Fact& fact : facts) {
        const bool found = std::any_of(fact.any_of.begin(), fact.any_of.end(), [&](const char* k) {
            return text.find(k) != std::string::npos;
        });
        EXPECT_TRUE(found) << file.filename().string() << " lacks the fact: " << fact.what;
    }
}

// Facts both kinds of text carry.
const std::vector<Fact> kCommonFacts = {
    {"a small, fine needle", {"small, fine needle", "fine needle"}},
    {"allergy to botulinum toxin: not treated", {"allergic to botox"}},
    {"a serious allergic reaction is a rare side effect", {"serious allergic reaction"}},
    {"ask about blood thinners before the visit", {"blood thinner"}},
    {"other uses: spasticity after stroke", {"stroke"}},
    {"other uses: cerebral palsy", {"cerebral palsy"}},
    {"other uses: blepharospasm", {"blepharospasm"}},
    {"starts within a few days (practice)", {"within a few days"}},
    {"a clear change or full effect at about two weeks (practice)", {"two weeks"}},
    {"lasts three to four months (practice)", {"up to four months", "three to four months"}},
    {"repeated every 12 weeks (domain)", {"every 12 weeks"}},
};

} // namespace

TEST(PatientTexts, MigraineTextsCarryThePracticeFacts) {
    std::vector<Fact> facts = kCommonFacts;
    const std::vector<Fact> migraine = {
        {"criteria: 15 or more headache days a month", {"15 or more days"}},
        {"criteria: at least 8 of them migraine", {"at least 8 of those days"}},
        {"criteria: attacks of 4 hours or more", {"4 hours or more"}},
        {"some have half as many headache days", {"half as many"}},
        {"the seven key areas by count", {"seven key areas"}},
        {"area: forehead", {"forehead"}},
        {"area: between the eyebrows", {"between the eyebrows"}},
        {"area: bridge of the nose", {"bridge of the nose"}},
        {"area: temples", {"both temples"}},
        {"area: back of the head", {"back of the head"}},
        {"area: back of the neck", {"back of the neck"}},
        {"area: tops of the shoulders", {"tops of the shoulders"}},
        {"alternatives: medicines", {"other medicines"}},
        {"alternatives: lifestyle changes", {"lifestyle changes"}},
        {"other uses: neck spasms", {"neck spasms"}},
        {"for migraine, judged after two treatments (domain)", {"after two treatments"}},
    };
    facts.insert(facts.end(), migraine.begin(), migraine.end());
    for (const char* id : {"preempt-155.toml", "preempt-ftp-195.toml"})
        expect_facts(injmap::test::source_dir() / "protocols" / id, facts);
}

TEST(PatientTexts, CervicalDystoniaTextsCarryThePracticeFacts) {
    std::vector<Fact> facts = kCommonFacts;
    const std::vector<Fact> cd = {
        {"alternatives: physiotherapy", {"physiotherapy", "physical therapy"}},
        {"alternatives: surgery, rarely", {"surgery is used only rarely"}},
        {"other uses: chronic migraine", {"chronic migraine"}},
        {"full effect for neck spasms at about six weeks (domain)", {"about six weeks"}},
    };
    facts.insert(facts.end(), cd.begin(), cd.end());
    int templates = 0;
    for (const fs::path& file : shipped_protocol_files())
        if (file.filename().string().rfind("cd-", 0) == 0) {
            expect_facts(file, facts);
            ++templates;
        }
    EXPECT_EQ(templates, 8);
}

TEST(PatientTexts, RemovingAFactIsNoticed) {
    // The fact check itself can fail: a text without the criteria does not pass it.
    Protocol p = read_shipped(injmap::test::source_dir() / "protocols" / "preempt-155.toml");
    ASSERT_NE(all_patient_text(p).find("15 or more days"), std::string::npos);
    p.patient.who_is_it_for.clear();
    EXPECT_EQ(all_patient_text(p).find("15 or more days"), std::string::npos);
}

TEST(PatientTexts, PostureInPlainWordsFollowsTheSide) {
    using injmap::Side;
    using injmap::gui::posture_in_plain_words;
    EXPECT_NE(posture_in_plain_words("torticaput", Side::right).find("turns to the right"),
              std::string::npos);
    EXPECT_NE(posture_in_plain_words("torticaput", Side::left).find("turns to the left"),
              std::string::npos);
    EXPECT_NE(posture_in_plain_words("laterocollis", Side::right).find("right shoulder"),
              std::string::npos);
    EXPECT_EQ(posture_in_plain_words("retrocollis", Side::right),
              posture_in_plain_words("retrocollis", Side::left));
    EXPECT_EQ(posture_in_plain_words("retrocollis", Side::left).find("left"), std::string::npos);
    EXPECT_EQ(posture_in_plain_words("nonsense", Side::left), "");
}

TEST(PatientTexts, CardsFollowTheReadingOrderWithTheUrgentOneMarked) {
    PatientInfo p;
    p.what = "a";
    p.who_is_it_for = "b";
    p.side_effects_serious = "c";
    p.other_uses = "d";
    const auto cards = injmap::gui::patient_cards(p);
    ASSERT_EQ(cards.size(), 4u);
    EXPECT_EQ(cards[0].text, "a");
    EXPECT_EQ(cards[1].text, "b");
    EXPECT_EQ(cards[2].text, "c");
    EXPECT_TRUE(cards[2].urgent);
    EXPECT_EQ(cards[3].text, "d");
    EXPECT_FALSE(cards[3].urgent);
}

TEST(PatientTexts, TheReaderFillsEveryPatientKeyAndRefusesUnknownOnes) {
    const fs::path file = injmap::test::source_dir() / "protocols" / "preempt-155.toml";
    const Protocol p = read_shipped(file);
    for (const Field& f : patient_fields(p.patient))
        EXPECT_FALSE(f.text->empty()) << "preempt-155 [patient] " << f.name << " is empty";
    // An unknown key in [patient] is a located protocol.unknown-key.
    std::string text = injmap::test::read_text(file);
    const auto at = text.find("[patient]\n");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 10, "who_it_is_for = \"a typo\"\n");
    const auto r = injmap::read_protocol_text(text, "typo.toml");
    bool found = false;
    for (const auto& d : r.diagnostics)
        found = found || (d.rule == "protocol.unknown-key" &&
                          d.message.find("who_it_is_for") != std::string::npos);
    EXPECT_TRUE(found);
}
