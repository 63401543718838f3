// The one TOML diagnostics toolkit (#21): every TOML reader (model manifests, protocols, clinical
// limits, the checklist) suggests with the same threshold, caps its diagnostics the same way and
// refuses oversized text before parsing.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "injmap/did_you_mean.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

using namespace injmap;

namespace {

std::size_t count_rule(const Diagnostics& diagnostics, const std::string& rule) {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [&](const Diagnostic& d) { return d.rule == rule; }));
}

const Diagnostic* first_rule(const Diagnostics& diagnostics, const std::string& rule) {
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            return &d;
    return nullptr;
}

// `n` unknown top-level keys, one a line: "k0 = 1", "k1 = 1", ...
std::string unknown_keys(int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += "unknown_key_" + std::to_string(i) + " = 1\n";
    return text;
}

} // namespace

TEST(DidYouMean, OneThresholdForEveryReader) {
    const std::vector<std::string> keys = {"landmarks", "groups", "units", "sex"};
    EXPECT_EQ(detail::did_you_mean("lanmarks", keys), " (did you mean 'landmarks'?)");
    EXPECT_EQ(detail::did_you_mean("unit", keys), " (did you mean 'units'?)");
    EXPECT_EQ(detail::did_you_mean("sx", keys), " (did you mean 'sex'?)"); // two slips allowed
    EXPECT_EQ(detail::did_you_mean("zzzzzzzz", keys), "");                 // nothing in common
    EXPECT_EQ(detail::closest_match("groups", keys), "groups");
}

TEST(DidYouMean, WordsPastTheCapAreFarFromEverything) {
    // The cap bounds the cost of a hostile key: no quadratic table for a 100 000-character word.
    const std::string long_word(100'000, 'a');
    EXPECT_EQ(detail::edit_distance(long_word, "a"), static_cast<std::size_t>(-1));
    EXPECT_EQ(detail::did_you_mean(long_word, std::vector<std::string>{long_word}), "");
    EXPECT_EQ(detail::edit_distance("kitten", "sitting"), 3u);
}

TEST(DidYouMean, MessagesAreOneLine) {
    EXPECT_EQ(detail::one_line("a\nb\r\nc"), "a b  c");
}

TEST(TomlDiagnostics, ManifestAndProtocolSuggestTheSameKey) {
    const auto dir = test::fresh_dir("toml_diagnostics_suggest");
    test::write_text(dir / "m.toml", "schema_version = 1\nid = \"m\"\nlandmark = 1\n");
    const auto manifest = load_model(dir / "m.toml");
    const Diagnostic* m = first_rule(manifest.diagnostics, "manifest.unknown-key");
    ASSERT_NE(m, nullptr);
    EXPECT_NE(m->message.find("did you mean 'landmarks'"), std::string::npos) << m->message;
    EXPECT_EQ(m->where.line, 3);

    const auto protocol = read_protocol_text("schema_version = 1\nindicatio = \"x\"\n", "p.toml");
    const Diagnostic* p = first_rule(protocol.diagnostics, "protocol.unknown-key");
    ASSERT_NE(p, nullptr);
    EXPECT_NE(p->message.find("did you mean 'indication'"), std::string::npos) << p->message;
    EXPECT_EQ(p->where.line, 2);
}

TEST(TomlDiagnostics, EveryReaderCapsItsDiagnostics) {
    const std::string text = unknown_keys(500);
    const auto dir = test::fresh_dir("toml_diagnostics_cap");
    test::write_text(dir / "m.toml", text);
    const auto manifest = load_model(dir / "m.toml");
    const auto checklist = read_checklist_text(text, "c.toml");
    const auto rules = parse_clinical_rules(text, "r.toml");
    const auto protocol = read_protocol_text(text, "p.toml");
    for (const auto& [diagnostics, prefix] :
         {std::pair{&manifest.diagnostics, "manifest"},
          std::pair{&checklist.diagnostics, "checklist"}, std::pair{&rules.diagnostics, "rules"},
          std::pair{&protocol.diagnostics, "protocol"}}) {
        EXPECT_EQ(count_rule(*diagnostics, std::string(prefix) + ".too-many-errors"), 1u) << prefix;
        EXPECT_LE(diagnostics->size(), 201u) << prefix;
        EXPECT_GE(count_rule(*diagnostics, std::string(prefix) + ".unknown-key"), 150u) << prefix;
    }
}

TEST(TomlDiagnostics, OversizedTextIsRefusedBeforeParsingByEveryReader) {
    // Not TOML at all: only the size guard can explain a single, whole-file diagnostic.
    const auto rules = parse_clinical_rules(std::string(1024 * 1024 + 1, '['), "r.toml");
    ASSERT_EQ(rules.diagnostics.size(), 1u);
    EXPECT_EQ(rules.diagnostics[0].rule, "rules.too-large");
    EXPECT_EQ(rules.diagnostics[0].where.line, 0);
    const auto protocol = read_protocol_text(std::string(4 * 1024 * 1024 + 1, '['), "p.toml");
    ASSERT_EQ(protocol.diagnostics.size(), 1u);
    EXPECT_EQ(protocol.diagnostics[0].rule, "protocol.too-large");
}

TEST(TomlDiagnostics, DeepDottedKeysAreTheReadersSyntaxRule) {
    const std::string deep = "a" + std::string(5000, '.') + "b = 1\n";
    const auto dir = test::fresh_dir("toml_diagnostics_deep");
    test::write_text(dir / "m.toml", "x = 1\n" + deep);
    const auto manifest = load_model(dir / "m.toml");
    ASSERT_EQ(manifest.diagnostics.size(), 1u);
    EXPECT_EQ(manifest.diagnostics[0].rule, "manifest.syntax");
    EXPECT_EQ(manifest.diagnostics[0].where.line, 2);
    const auto checklist = read_checklist_text(deep, "c.toml");
    ASSERT_EQ(checklist.diagnostics.size(), 1u);
    EXPECT_EQ(checklist.diagnostics[0].rule, "checklist.syntax");
    const auto rules = parse_clinical_rules(deep, "r.toml");
    ASSERT_EQ(rules.diagnostics.size(), 1u);
    EXPECT_EQ(rules.diagnostics[0].rule, "toml.syntax");
}
