// The pre-treatment checklist file (protocols/rules/pretreatment-checklist.toml): the shipped file
// reads cleanly and holds the seven questions; malformed files are located errors by rule id and
// line, never a crash.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/checklist.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
namespace fs = std::filesystem;

// A valid two-question checklist; line numbers below refer to it.
const std::string kValid = R"(schema_version = 1
id = "test"
version = 2
title = "Before"

[[sources]]
key = "LABEL"
citation = "The label."

[boxed_warning]
title = "Warning"
text = "Spread of toxin effect."
sources = ["LABEL"]
certainty = "established"

[[questions]]
id = "allergy"
text = "Allergy?"
kind = "contraindication"
guidance = "Do not inject."
sources = ["LABEL"]
certainty = "established"

[[questions]]
id = "anticoagulant"
text = "Blood thinners?"
kind = "caution"
guidance = "Press on the sites."
sources = ["LABEL"]
certainty = "expert-opinion"
)";

// kValid with the first occurrence of `from` replaced by `to`.
std::string with(const std::string& from, const std::string& to) {
    std::string text = kValid;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        text.replace(at, from.size(), to);
    return text;
}

bool has(const Diagnostics& ds, const std::string& rule, int line = -1) {
    return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) {
        return d.rule == rule && (line < 0 || d.where.line == line);
    });
}

TEST(Checklist, AValidFileReads) {
    const auto read = read_checklist_text(kValid, "c.toml");
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(read.diagnostics.empty());
    const Checklist& c = *read.value;
    EXPECT_EQ(c.id, "test");
    EXPECT_EQ(c.version, 2);
    ASSERT_EQ(c.questions.size(), 2u);
    EXPECT_EQ(c.questions[0].kind, ChecklistKind::contraindication);
    EXPECT_EQ(c.questions[1].kind, ChecklistKind::caution);
    EXPECT_EQ(c.questions[1].certainty, Certainty::expert_opinion);
    EXPECT_EQ(c.questions[1].where.line, 24);
    EXPECT_EQ(c.boxed_warning.text, "Spread of toxin effect.");
    EXPECT_EQ(c.find("anticoagulant"), &c.questions[1]);
    EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(Checklist, ProblemsAreLocatedByRuleAndLine) {
    struct Case {
        std::string text;
        std::string rule;
        int line;
    };
    const std::vector<Case> cases = {
        {with("version = 2", "version = [2"), "checklist.syntax", 4},
        {with("schema_version = 1", "schema_version = 2"), "checklist.schema-version", 1},
        {with("title = \"Before\"", "titel = \"Before\""), "checklist.unknown-key", 4},
        {with("guidance = \"Press", "guidence = \"Press"), "checklist.unknown-key", 28},
        {with("guidance = \"Press on the sites.\"", "notes = 1"), "checklist.missing-key", 24},
        {with("kind = \"caution\"", "kind = \"maybe\""), "checklist.bad-value", 27},
        {with("certainty = \"expert-opinion\"", "certainty = \"certain\""), "checklist.bad-value",
         30},
        {with("id = \"anticoagulant\"", "id = \"allergy\""), "checklist.duplicate-id", 25},
        {with("id = \"anticoagulant\"", "id = \"Anti-Coagulant\""), "checklist.bad-value", 25},
        {with("text = \"Blood thinners?\"", "text = 5"), "checklist.type", 26},
        {with("text = \"Blood thinners?\"", "text = \"  \""), "checklist.bad-value", 26},
        {with("sources = [\"LABEL\"]\ncertainty = \"expert",
              "sources = [\"LABLE\"]\ncertainty = \"expert"),
         "checklist.unknown-source", 29},
        {with("sources = [\"LABEL\"]\ncertainty = \"expert", "sources = []\ncertainty = \"expert"),
         "checklist.bad-value", 29},
        {with("[boxed_warning]", "[boxed]"), "checklist.unknown-key", 10},
        {with("version = 2", "version = 0"), "checklist.bad-value", 3},
        {with("version = 2", "version = \"2\""), "checklist.type", 3},
    };
    for (const Case& c : cases) {
        const auto read = read_checklist_text(c.text, "c.toml");
        EXPECT_FALSE(read.ok()) << c.rule << " line " << c.line;
        EXPECT_TRUE(has(read.diagnostics, c.rule, c.line))
            << c.rule << " line " << c.line << ": "
            << (read.diagnostics.empty() ? "no diagnostic"
                                         : format_diagnostic(read.diagnostics.front()));
        for (const Diagnostic& d : read.diagnostics)
            EXPECT_EQ(d.where.file, "c.toml");
    }
}

TEST(Checklist, MissingPartsAndWrongShapes) {
    EXPECT_TRUE(
        has(read_checklist_text("schema_version = 1\n", "c").diagnostics, "checklist.missing-key"));
    EXPECT_TRUE(has(read_checklist_text(
                        with("[[questions]]\nid = \"allergy\"", "[[other]]\nid = \"allergy\""), "c")
                        .diagnostics,
                    "checklist.unknown-key"));
    // questions = [] and too many questions.
    std::string none = "questions = []\n" + kValid.substr(0, kValid.find("[[questions]]"));
    EXPECT_TRUE(has(read_checklist_text(none, "c").diagnostics, "checklist.bad-value"));
    std::string many = kValid.substr(0, kValid.find("[[questions]]"));
    for (std::size_t i = 0; i <= kMaxChecklistQuestions; ++i)
        many += "[[questions]]\nid = \"q" + std::to_string(i) +
                "\"\ntext = \"t\"\nkind = \"caution\"\nguidance = \"g\"\nsources = "
                "[\"LABEL\"]\ncertainty = \"established\"\n";
    const auto too_many = read_checklist_text(many, "c");
    EXPECT_TRUE(has(too_many.diagnostics, "checklist.bad-value"))
        << (too_many.diagnostics.empty() ? "none" : format_diagnostic(too_many.diagnostics[0]));
    EXPECT_TRUE(has(read_checklist_text("boxed_warning = 3\n" + with("[boxed_warning]", "[x]"), "c")
                        .diagnostics,
                    "checklist.type"));
}

TEST(Checklist, HostileInputIsAnErrorNeverACrash) {
    for (const std::string& text :
         {std::string("\x00\xff\xfe garbage", 12), std::string(300, '['),
          "a" + std::string(5000, '.') + "b = 1\n", std::string("questions = [1, 2]\n"),
          std::string("sources = \"LABEL\"\nquestions = \"x\"\n")}) {
        const auto read = read_checklist_text(text, "h");
        EXPECT_FALSE(read.ok());
        EXPECT_FALSE(read.diagnostics.empty());
    }
    const auto huge = read_checklist_text(std::string(kMaxChecklistFileBytes + 1, '#'), "h");
    EXPECT_TRUE(has(huge.diagnostics, "checklist.too-large"));
}

TEST(Checklist, FilesThatCannotBeReadAreIoErrors) {
    const fs::path dir = injmap::test::fresh_dir("checklist-files");
    EXPECT_TRUE(has(read_checklist_file(dir / "missing.toml").diagnostics, "checklist.io"));
    EXPECT_TRUE(has(read_checklist_file(dir).diagnostics, "checklist.io"));
    injmap::test::write_text(dir / "ok.toml", kValid);
    const auto read = read_checklist_file(dir / "ok.toml");
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read.value->path, dir / "ok.toml");
}

TEST(Checklist, TheShippedFileHasTheSevenQuestionsAndTheBoxedWarning) {
    const auto path = shipped_rules_file(kChecklistFileName);
    ASSERT_TRUE(path);
    EXPECT_EQ(path->parent_path().filename(), "rules");
    EXPECT_EQ(path->parent_path().parent_path().filename(), "protocols");
    const auto read = read_shipped_checklist();
    ASSERT_TRUE(read.ok()) << (read.diagnostics.empty()
                                   ? ""
                                   : format_diagnostic(read.diagnostics.front()));
    EXPECT_TRUE(read.diagnostics.empty());
    const Checklist& c = *read.value;
    std::vector<std::string> ids;
    for (const ChecklistQuestion& q : c.questions)
        ids.push_back(q.id);
    EXPECT_EQ(ids,
              (std::vector<std::string>{"allergy", "infection", "neuromuscular", "pregnancy",
                                        "anticoagulant", "recent_toxin", "swallowing_breathing"}));
    // The label's two contraindications; the rest are cautions.
    for (const ChecklistQuestion& q : c.questions)
        EXPECT_EQ(q.kind == ChecklistKind::contraindication,
                  q.id == "allergy" || q.id == "infection")
            << q.id;
    // The boxed warning's substance: distant spread, its signs, and who is most at risk.
    for (const char* words : {"spread", "hours to weeks", "double vision", "swallowing",
                              "breathing", "children treated for spasticity"})
        EXPECT_NE(c.boxed_warning.text.find(words), std::string::npos) << words;
    EXPECT_EQ(c.boxed_warning.sources, (std::vector<std::string>{"LABEL"}));
    EXPECT_FALSE(shipped_rules_file("no-such-rules.toml"));
}

TEST(Checklist, TheProtocolListingDoesNotSeeTheRulesFolder) {
    // protocols/rules/*.toml are not protocols: the shipped folder's top level holds none of them.
    const auto path = shipped_rules_file(kChecklistFileName);
    ASSERT_TRUE(path);
    EXPECT_FALSE(fs::exists(path->parent_path().parent_path() / kChecklistFileName));
    EXPECT_FALSE(resolve_protocol("pretreatment-checklist"));
}

TEST(Checklist, NamesOfKindsAndCertainties) {
    EXPECT_STREQ(to_string(ChecklistKind::contraindication), "contraindication");
    EXPECT_STREQ(to_string(Certainty::expert_opinion), "expert-opinion");
    ChecklistAnswers a;
    a.answers = {{"x", true, "r"}, {"y", false, ""}};
    EXPECT_EQ(a.yes_count(), 1);
    EXPECT_EQ(a.find("y"), &a.answers[1]);
}

} // namespace
