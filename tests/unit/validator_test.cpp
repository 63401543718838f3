// The validator: each rule on a small protocol built for it, the rule table and its documentation,
// and the corpus of malformed and unsafe files (tests/data/protocols/bad), each of which names the
// rule and line it must produce in its first comment lines ("# expect: RULE LINE").
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

const Model& sphere_model() {
    static const Model model = test::make_test_model();
    return model;
}
const ModelQueries& sphere_queries() {
    static const ModelQueries queries(sphere_model());
    return queries;
}

// Everything `injmap check` reports for a text: reader, then (when it read cleanly) the model-free
// rules, placement and the model rules on the synthetic sphere.
Diagnostics check_text(const std::string& text, const std::string& name = "t.toml") {
    auto read = read_protocol_text(text, name);
    Diagnostics all = read.diagnostics;
    if (!read.ok())
        return all;
    for (auto& d : validate_protocol(*read.value))
        all.push_back(d);
    auto placed = place_protocol(*read.value, sphere_queries());
    for (auto& d : placed.diagnostics)
        all.push_back(d);
    if (placed.value)
        for (auto& d : validate_on_model(*read.value, *placed.value, sphere_queries()))
            all.push_back(d);
    return all;
}

Diagnostics check_file(const fs::path& path) {
    return check_text(test::read_text(path), path.filename().string());
}

std::string describe(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += "\n  " + format_diagnostic(d);
    return out.empty() ? " (none)" : out;
}

std::vector<const Diagnostic*> with_rule(const Diagnostics& diagnostics, const std::string& rule) {
    std::vector<const Diagnostic*> out;
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            out.push_back(&d);
    return out;
}

bool has_rule_at(const Diagnostics& diagnostics, const std::string& rule, int line) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.rule == rule && d.where.line == line; });
}

int line_of(const std::string& text, const std::string& needle, int nth = 1) {
    std::size_t pos = std::string::npos;
    for (int i = 0; i < nth; ++i) {
        pos = text.find(needle, pos == std::string::npos ? 0 : pos + 1);
        EXPECT_NE(pos, std::string::npos) << needle;
        if (pos == std::string::npos)
            return -1;
    }
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos)
        text.replace(pos, from.size(), to);
    return text;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

int last_line_of(const std::string& text, const std::string& needle) {
    const auto pos = text.rfind(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::string good(const std::string& name) {
    return test::read_text(test::data_dir() / "protocols" / "good" / name);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The rule table

TEST(Validator, RuleIdsAreUniqueAndDescribed) {
    std::set<std::string> ids;
    for (const RuleInfo& rule : validator_rules()) {
        EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
        EXPECT_NE(std::string(rule.basis), "") << rule.id;
        EXPECT_NE(std::string(rule.summary), "") << rule.id;
    }
    for (const char* required : {"dose.site-units",
                                 "dose.total",
                                 "preempt.muscle-table",
                                 "symmetry.mirror",
                                 "ftp.muscle",
                                 "ftp.extra-units",
                                 "muscle.cap",
                                 "reconstitution.concentration",
                                 "needle.gauge",
                                 "guidance.deep-muscle",
                                 "clearance.frontalis-brow",
                                 "clearance.glabella-rim",
                                 "clearance.trapezius-span",
                                 "anatomy.unknown-muscle",
                                 "protocol.no-sources",
                                 "protocol.unknown-indication",
                                 "product.unknown",
                                 "product.ambiguous",
                                 "product.no-limits",
                                 "dose.first-session",
                                 "dose.reference-range",
                                 "dose.side-total",
                                 "needle.head-length",
                                 "symmetry.posterior-neck",
                                 "retreatment.default",
                                 "protocol.site-source"})
        EXPECT_TRUE(ids.count(required)) << required;
}

TEST(Validator, EveryRuleIsDocumented) {
    const std::string doc = test::read_text(test::source_dir() / "docs" / "protocol-format.md");
    ASSERT_FALSE(doc.empty());
    for (const RuleInfo& rule : validator_rules())
        EXPECT_NE(doc.find("`" + std::string(rule.id) + "`"), std::string::npos)
            << rule.id << " is not in the doc";
    for (const char* id :
         {"protocol.io", "protocol.too-large", "toml.syntax", "protocol.schema-version",
          "protocol.unknown-key", "protocol.type", "protocol.missing-key", "protocol.bad-value",
          "protocol.duplicate-id", "protocol.id-mismatch", "placement.unknown-landmark",
          "placement.off-skin"})
        EXPECT_NE(doc.find(std::string("`").append(id).append("`")), std::string::npos)
            << id << " is not in the doc";
}

TEST(Validator, DiagnosticsCarryTheirRulesSeverityAndBasis) {
    const std::string text = replace(good("preempt-compact.toml"), "gauge = 30", "gauge = 27");
    const auto all = check_text(text);
    const auto gauge = with_rule(all, "needle.gauge");
    ASSERT_EQ(gauge.size(), 1u) << describe(all);
    EXPECT_EQ(gauge[0]->severity, Severity::warning);
    EXPECT_EQ(gauge[0]->basis, "label");
    EXPECT_EQ(gauge[0]->where.line, line_of(text, "gauge = 27"));
}

// ---------------------------------------------------------------------------------------------
// Clean files

namespace {
// The synthetic sphere's muscles are spheres 2 mm under the skin only over their centres; sites off
// a centre meet their muscle 5–9 mm down, past the thin facial muscles' default needle depth, so
// placement.muscle-not-reached (a warning about the model, not the file) is left out here. The rule
// has its own tests (needle_path_test.cpp).
// Notes (the reference band, the table's default interval, no limits row for "other") are shown
// but never make a file unclean, so they are left out too.
Diagnostics without_needle_depth(Diagnostics all) {
    std::erase_if(all, [](const Diagnostic& d) {
        return d.rule == "placement.muscle-not-reached" || d.severity == Severity::note;
    });
    return all;
}
} // namespace

TEST(Validator, DocumentedExampleIsClean) {
    const std::string doc = test::read_text(test::source_dir() / "docs" / "protocol-format.md");
    const auto heading = doc.find("## Complete annotated example");
    ASSERT_NE(heading, std::string::npos);
    const auto start = doc.find("```toml\n", heading);
    ASSERT_NE(start, std::string::npos);
    const auto end = doc.find("\n```", start + 8);
    ASSERT_NE(end, std::string::npos);
    const std::string example = doc.substr(start + 8, end - start - 8 + 1);
    const auto all = without_needle_depth(check_text(example, "forehead-example.toml"));
    EXPECT_TRUE(all.empty()) << describe(all);
    const auto read = read_protocol_text(example, "forehead-example.toml");
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read.value->sites().size(), 7u);
    EXPECT_DOUBLE_EQ(read.value->total_units(true), 28.0);
}

TEST(Validator, GoodFilesAreCleanOnTheSyntheticModel) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(test::data_dir() / "protocols" / "good")) {
        ++files;
        const auto all = without_needle_depth(check_file(entry.path()));
        EXPECT_TRUE(all.empty()) << entry.path().filename() << describe(all);
    }
    EXPECT_GE(files, 3);
}

TEST(Validator, ShippedProtocolsHaveNoErrors) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "protocols")) {
        if (entry.path().extension() != ".toml")
            continue;
        ++files;
        const auto read = read_protocol_file(entry.path());
        ASSERT_TRUE(read.ok()) << entry.path() << describe(read.diagnostics);
        const auto diagnostics = validate_protocol(*read.value);
        EXPECT_FALSE(has_errors(diagnostics)) << entry.path().filename() << describe(diagnostics);
    }
    if (files == 0)
        GTEST_SKIP() << "no shipped protocols yet";
}

// ---------------------------------------------------------------------------------------------
// Rules one by one (the corpus below covers each again, from files)

TEST(Validator, PreemptMuscleTableIsExact) {
    const std::string base = good("preempt-compact.toml");
    // One temporalis site fewer (and so one fewer on the left than the right).
    const std::string fewer = replace(
        base, "\n[[steps.sites]]\nid = \"temporalis_4\"\nmuscle = \"temporalis\"\nside = \"both\"",
        "\n[[steps.sites]]\nid = \"temporalis_4\"\nmuscle = \"temporalis\"\nside = \"right\"");
    const auto all = check_text(fewer);
    EXPECT_TRUE(has_rule_at(all, "preempt.muscle-table", line_of(fewer, "muscle = \"temporalis\"")))
        << describe(all);
    EXPECT_TRUE(has_rule_at(all, "symmetry.mirror", line_of(fewer, "muscle = \"temporalis\"")))
        << describe(all);
    EXPECT_TRUE(with_rule(all, "dose.total").empty()); // 150 U is below the cap
}

TEST(Validator, PreemptSiteUnitsAndTotals) {
    const std::string base = good("preempt-compact.toml");
    const std::string ten = replace(base, "units = 5\nat = { landmark = \"glabella\"",
                                    "units = 10\nat = { landmark = \"glabella\"");
    const auto all = check_text(ten);
    EXPECT_TRUE(has_rule_at(all, "dose.site-units", line_of(ten, "units = 10"))) << describe(all);
    // 160 U: the total crosses 155 U at the last site (the total rule points where it crosses).
    const auto total = with_rule(all, "dose.total");
    ASSERT_EQ(total.size(), 1u) << describe(all);
    EXPECT_EQ(total[0]->basis, "label (US)");
    EXPECT_EQ(total[0]->where.line, last_line_of(ten, "units = 5"));
}

TEST(Validator, FollowThePainRules) {
    std::string base = replace(good("preempt-compact.toml"), "paradigm = \"preempt\"",
                               "paradigm = \"preempt_ftp\"");
    auto ftp_site = [](const std::string& id, const std::string& muscle, const std::string& at) {
        return "\n[[steps.sites]]\nid = \"" + id + "\"\nmuscle = \"" + muscle +
               "\"\nside = \"right\"\nunits = 5\noptional = true\nat = " + at + "\n";
    };
    std::string text =
        base + "\n[[steps]]\nid = \"ftp\"\ntitle = \"FTP\"\n" +
        ftp_site("ftp_t1", "temporalis", "{ landmark = \"helix_top\", up_mm = 50 }") +
        ftp_site("ftp_t2", "temporalis", "{ landmark = \"helix_top\", up_mm = 55 }") +
        ftp_site("ftp_t3", "temporalis", "{ landmark = \"helix_top\", up_mm = 60 }");
    auto all = check_text(text);
    // Three temporalis FTP sites: one more than the suggested two; unilateral FTP is allowed.
    EXPECT_TRUE(
        has_rule_at(all, "ftp.muscle-cap", line_of(text, "[[steps.sites]]\nid = \"ftp_t3\"")))
        << describe(all);
    EXPECT_TRUE(with_rule(all, "symmetry.mirror").empty()) << describe(all);
    EXPECT_FALSE(has_errors(all)) << describe(all); // a suggested cap: a warning, not an error
    // The US label's 155 U is a warning on any FTP total above it (195 U is the error).
    const auto us_label = with_rule(all, "dose.total");
    ASSERT_EQ(us_label.size(), 1u) << describe(all);
    EXPECT_EQ(us_label[0]->severity, Severity::warning);
    EXPECT_EQ(us_label[0]->basis, "label (US)");

    // The file's own list narrows the muscles.
    text = replace(text, "retreatment_weeks = 12\n",
                   "retreatment_weeks = 12\n[limits.follow_the_pain]\nmax_extra_units = "
                   "40\nmax_extra_sites = 8\n"
                   "muscles = [\"occipitalis\", \"trapezius\"]\n");
    all = check_text(text);
    EXPECT_TRUE(has_rule_at(
        all, "ftp.muscle",
        line_of(text, "muscle = \"temporalis\"\nside = \"right\"\nunits = 5\noptional")))
        << describe(all);
}

TEST(Validator, ReconstitutionArithmetic) {
    const std::string base = good("cd-compact.toml");
    // 100 U in 1 mL is 10 U per 0.1 mL: stating 10 is right, stating 5 is wrong.
    const std::string right =
        replace(base, "diluent_ml = 1.0", "diluent_ml = 1.0\nunits_per_0_1_ml = 10");
    EXPECT_TRUE(with_rule(check_text(right), "reconstitution.concentration").empty());
    const std::string wrong =
        replace(base, "diluent_ml = 1.0", "diluent_ml = 1.0\nunits_per_0_1_ml = 5");
    EXPECT_TRUE(has_rule_at(check_text(wrong), "reconstitution.concentration",
                            line_of(wrong, "units_per_0_1_ml")));
}

TEST(Validator, CervicalDystoniaLimits) {
    const std::string base = good("cd-compact.toml");
    const std::string site60 = replace(base, "units = 50", "units = 60");
    auto all = check_text(site60);
    const auto max = with_rule(all, "dose.site-max");
    ASSERT_EQ(max.size(), 1u) << describe(all);
    EXPECT_EQ(max[0]->where.line, line_of(site60, "units = 60"));
    // Without the file's own per-site cap the label's 50 U still applies.
    const std::string no_cap = replace(site60, "max_units_per_site = 50\n", "");
    all = check_text(no_cap);
    ASSERT_EQ(with_rule(all, "dose.site-max").size(), 1u) << describe(all);
    EXPECT_EQ(with_rule(all, "dose.site-max")[0]->basis, "label");
    // The SCM cap applies to cervical dystonia even when the file states none (built-in 100 U).
    std::string scm = replace(
        base, "units = 25\nat = { landmark = \"mastoid\", toward = \"sternoclavicular\", t = 0.6 }",
        "units = 50\nat = { landmark = \"mastoid\", toward = \"sternoclavicular\", t = 0.6 }");
    scm = replace(scm, "units = 25", "units = 50");
    EXPECT_TRUE(with_rule(check_text(scm), "muscle.cap").empty()); // exactly 100 U
    scm = replace(
        scm, "units = 50\nat = { landmark = \"mastoid\", toward = \"sternoclavicular\", t = 0.6 }",
        "units = 55\nat = { landmark = \"mastoid\", toward = \"sternoclavicular\", t = 0.6 }");
    all = check_text(scm);
    ASSERT_EQ(with_rule(all, "muscle.cap").size(), 1u) << describe(all);
    EXPECT_EQ(with_rule(all, "muscle.cap")[0]->severity, Severity::warning);
}

TEST(Validator, DeepMusclesNeedGuidance) {
    const std::string base = replace_all(good("cd-compact.toml"), "muscle = \"splenius_capitis\"",
                                         "muscle = \"levator_scapulae\"");
    EXPECT_EQ(with_rule(check_text(base), "guidance.deep-muscle").size(), 2u);
    const std::string guided = replace(base, "muscle = \"levator_scapulae\"",
                                       "muscle = \"levator_scapulae\"\nguidance = \"emg\"");
    EXPECT_EQ(with_rule(check_text(guided), "guidance.deep-muscle").size(), 1u);
}

TEST(Validator, UnknownMuscleSuggestsTheModelsName) {
    const std::string text =
        replace(good("minimal.toml"), "muscle = \"frontalis\"", "muscle = \"frontalsi\"");
    const auto all = check_text(text);
    const auto unknown = with_rule(all, "anatomy.unknown-muscle");
    ASSERT_EQ(unknown.size(), 2u) << describe(all); // both sides of the pair
    EXPECT_EQ(unknown[0]->where.line, line_of(text, "frontalsi"));
    EXPECT_NE(unknown[0]->message.find("'frontalis'"), std::string::npos);
    // A typo in a per-muscle limit is caught too: the cap would otherwise silently never apply.
    const std::string limit = replace(
        good("cd-compact.toml"), "max_units_per_site = 50",
        "max_units_per_site = 50\n[limits.max_units_per_muscle]\nsternocleidomastiod = 100");
    EXPECT_TRUE(has_rule_at(check_text(limit), "anatomy.unknown-muscle",
                            line_of(limit, "sternocleidomastiod")));
}

TEST(Validator, ClearancesOnTheModel) {
    const std::string base = good("preempt-compact.toml");
    const std::string low = replace(base, "{ landmark = \"supraorbital_rim\", up_mm = 33 }",
                                    "{ landmark = \"supraorbital_rim\", up_mm = 15 }");
    const auto all = check_text(low);
    // Both sites of the mirrored pair are too low.
    EXPECT_EQ(with_rule(all, "clearance.frontalis-brow").size(), 2u) << describe(all);
    EXPECT_TRUE(has_rule_at(all, "clearance.frontalis-brow",
                            line_of(low, "landmark = \"supraorbital_rim\", up_mm = 15 }")));
}

TEST(Validator, PlacedSymmetryOnlyOnASymmetricModel) {
    // Explicit left/right trapezius sites that do not mirror each other.
    std::string text = good("preempt-compact.toml");
    text = replace(text,
                   "id = \"trapezius_1\"\nmuscle = \"trapezius\"\nside = \"both\"\nunits = 5\nat = "
                   "{ landmark = \"neck_inflection\", toward = \"acromion\", t = 0.5 }",
                   "id = \"trapezius_1_left\"\nmuscle = \"trapezius\"\nside = \"left\"\nunits = "
                   "5\nat = { landmark = \"neck_inflection\", toward = \"acromion\", t = 0.5 }\n\n"
                   "[[steps.sites]]\nid = \"trapezius_1_right\"\nmuscle = \"trapezius\"\nside = "
                   "\"right\"\nunits = 5\nat = { landmark = \"neck_inflection\", toward = "
                   "\"acromion\", t = 0.6 }");
    auto all = check_text(text);
    EXPECT_TRUE(has_rule_at(all, "symmetry.placed", line_of(text, "t = 0.6 }"))) << describe(all);

    // On a model whose landmarks are not symmetric, the check stays silent.
    Model lopsided = test::make_test_model();
    lopsided.landmarks["pupil_right"].y += 5.0f;
    const ModelQueries queries(lopsided);
    auto read = read_protocol_text(text, "t.toml");
    ASSERT_TRUE(read.ok());
    auto placed = place_protocol(*read.value, queries);
    ASSERT_TRUE(placed.value);
    EXPECT_TRUE(with_rule(validate_on_model(*read.value, *placed.value, queries), "symmetry.placed")
                    .empty());
}

TEST(Validator, CdTemplateCandidatesAreChecked) {
    std::string text =
        replace(good("cd-compact.toml"), "paradigm = \"custom\"", "paradigm = \"cd_template\"");
    text = replace(text, "side = \"left\"", "side = \"contralateral\"");
    text = replace(text, "side = \"left\"", "side = \"contralateral\"");
    text = replace(text, "side = \"right\"", "side = \"ipsilateral\"");
    text = replace(text, "side = \"right\"", "side = \"ipsilateral\"");
    text = replace(text, "[limits]",
                   "[cd]\nform = \"anterocollis\"\nplane = \"sagittal\"\nlevel = \"collis\"\n\n"
                   "[[cd.candidates]]\nmuscle = \"sternocleidomastoid\"\nrelation = "
                   "\"bilateral\"\nunits_min = 25\nunits_max = 60\n\n"
                   "[[cd.candidates]]\nmuscle = \"longus_colli\"\nrelation = "
                   "\"bilateral\"\nunits_min = 5\nunits_max = 15\n\n[limits]");
    const auto all = check_text(text);
    // Bilateral SCM up to 2 × 60 U: above the 100 U the label suggests; flagged as bilateral.
    EXPECT_TRUE(has_rule_at(all, "muscle.cap", line_of(text, "units_max = 60"))) << describe(all);
    EXPECT_TRUE(has_rule_at(all, "muscle.bilateral-scm", line_of(text, "relation = \"bilateral\"")))
        << describe(all);
    EXPECT_TRUE(
        has_rule_at(all, "guidance.deep-muscle", line_of(text, "muscle = \"longus_colli\"")))
        << describe(all);
    // A candidate the model does not have is not an error: templates list muscles beyond the model.
    EXPECT_TRUE(with_rule(all, "anatomy.unknown-muscle").empty()) << describe(all);
}

TEST(Validator, PartialProtocolsDoNotCrashTheValidator) {
    // The fuzz harness validates whatever the reader produced, errors or not.
    Protocol empty;
    EXPECT_NO_THROW((void)validate_protocol(empty));
    PlacedProtocol none;
    EXPECT_NO_THROW((void)validate_on_model(empty, none, sphere_queries()));
    auto read = read_protocol_text(
        replace(good("preempt-compact.toml"), "units = 5", "units = \"x\""), "t.toml");
    ASSERT_TRUE(read.value);
    EXPECT_NO_THROW((void)validate_protocol(*read.value));
    // Placement results shorter than the site list (a caller's mistake) are tolerated.
    auto ok = read_protocol_text(good("preempt-compact.toml"), "t.toml");
    ASSERT_TRUE(ok.ok());
    EXPECT_NO_THROW((void)validate_on_model(*ok.value, none, sphere_queries()));
}

// ---------------------------------------------------------------------------------------------
// The corpus: each file states what it must produce.

namespace {

struct Expectation {
    std::string rule;
    int line = 0;
};

std::vector<Expectation> expectations(const fs::path& path) {
    std::vector<Expectation> out;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line) && line.rfind("# expect: ", 0) == 0) {
        std::istringstream fields(line.substr(10));
        Expectation e;
        fields >> e.rule >> e.line;
        out.push_back(e);
    }
    return out;
}

} // namespace

TEST(Validator, BadCorpusProducesTheExpectedRulesAndLines) {
    const fs::path dir = test::data_dir() / "protocols" / "bad";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".toml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    EXPECT_GE(files.size(), 30u);
    std::set<std::string> covered;
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const auto expected = expectations(path);
        ASSERT_FALSE(expected.empty()) << "no '# expect: RULE LINE' line";
        Diagnostics all;
        ASSERT_NO_THROW(all = check_file(path));
        for (const auto& e : expected) {
            EXPECT_TRUE(has_rule_at(all, e.rule, e.line))
                << "expected " << e.rule << " at line " << e.line << describe(all);
            covered.insert(e.rule);
        }
        for (const auto& d : all) {
            EXPECT_FALSE(d.rule.empty());
            EXPECT_EQ(d.message.find('\n'), std::string::npos);
        }
        // Unsafe files are unsafe: at least one error or warning.
        EXPECT_FALSE(all.empty());
    }
    // The corpus exercises most of the rule table.
    int validator_rules_covered = 0;
    for (const RuleInfo& rule : validator_rules())
        validator_rules_covered += covered.count(rule.id) ? 1 : 0;
    EXPECT_GE(validator_rules_covered, 25) << "of " << validator_rules().size();
}

// Rule 16 holds for the procerus too (it was exempt): a midline glabellar site at least 10 mm from
// either supraorbital rim point.
TEST(Validator, TheProcerusKeepsClearOfTheOrbitalRim) {
    const std::string base = good("preempt-compact.toml");
    EXPECT_TRUE(with_rule(check_text(base), "clearance.glabella-rim").empty());
    const std::string low =
        replace(base, "muscle = \"procerus\"\nside = \"midline\"\nunits = 5\nat = ",
                "muscle = \"procerus\"\nside = \"midline\"\nunits = 5\nat = { landmark = "
                "\"supraorbital_rim_left\", up_mm = 2 }\nold_at = ");
    const std::string text = replace(low, "\nold_at = ", "\n# was: ");
    const auto all = check_text(text);
    const auto rim = with_rule(all, "clearance.glabella-rim");
    ASSERT_EQ(rim.size(), 1u) << describe(all);
    EXPECT_EQ(rim[0]->where.line, line_of(text, "\"supraorbital_rim_left\", up_mm = 2"));
}
