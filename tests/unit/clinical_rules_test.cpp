// The clinical limits as data (protocols/rules/clinical-limits.toml): the table's reader, the
// loopholes it closes (each test fails without its rule), per-site sources and certainty, and the
// agreement between `check` and the session on what is refused and what is warned.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/validator.hpp"
#include "test_support.hpp"

using namespace injmap;

namespace {

std::string good(const std::string& name) {
    return test::read_text(test::data_dir() / "protocols" / "good" / name);
}
std::string shipped(const std::string& id) {
    return test::read_text(test::source_dir() / "protocols" / (id + ".toml"));
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
int line_of(const std::string& text, const std::string& needle) {
    const auto pos = text.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

Protocol read(const std::string& text) {
    auto r = read_protocol_text(text, "t.toml");
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
    return r.value ? *r.value : Protocol{};
}

std::vector<const Diagnostic*> with_rule(const Diagnostics& all, const std::string& rule) {
    std::vector<const Diagnostic*> out;
    for (const auto& d : all)
        if (d.rule == rule)
            out.push_back(&d);
    return out;
}
std::string describe(const Diagnostics& all) {
    std::string out;
    for (const auto& d : all)
        out += "\n  " + format_diagnostic(d);
    return out;
}

// A started session with every checklist answer no (as session_test.cpp does).
Session started(const Protocol& p) {
    Session s(std::make_shared<const Protocol>(p));
    EXPECT_TRUE(s.start().ok());
    ChecklistAnswers a;
    for (const char* id : {"allergy", "infection"})
        a.answers.push_back({id, false, ""});
    a.warning_acknowledged = true;
    SessionAction checklist;
    checklist.kind = ActionKind::checklist;
    checklist.checklist = a;
    EXPECT_TRUE(s.apply(checklist).ok());
    return s;
}

const ClinicalRules& table() {
    const auto& rules = shipped_clinical_rules();
    EXPECT_TRUE(rules.ok()) << describe(rules.diagnostics);
    return *rules.value;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The table

TEST(ClinicalRules, TheShippedTableReadsAndNamesItsSources) {
    const ClinicalRules& rules = table();
    ASSERT_NE(rules.row("chronic_migraine", "onabotulinumtoxinA"), nullptr);
    ASSERT_NE(rules.row("cervical_dystonia", "onabotulinumtoxinA"), nullptr);
    for (const LimitsRow& row : rules.rows)
        for (const auto& [key, limits] : row.limits)
            for (const RuleLimit& l : limits) {
                EXPECT_NE(rules.source(l.source), nullptr) << key;
                EXPECT_FALSE(l.basis.empty()) << key;
            }
    // The first-course cap is not re-checked: it says so.
    const LimitsRow* cd = rules.row("cervical_dystonia", "onabotulinumtoxinA");
    ASSERT_NE(cd->first("first_session_units_max"), nullptr);
    EXPECT_EQ(cd->first("first_session_units_max")->certainty, Certainty::provisional);
    EXPECT_EQ(cd->first("first_session_units_max")->severity, Severity::warning);
}

TEST(ClinicalRules, ReaderErrorsAreLocatedWithStableIds) {
    const std::string base =
        test::read_text(test::source_dir() / "protocols" / "rules" / "clinical-limits.toml");
    ASSERT_TRUE(parse_clinical_rules(base, "c.toml").ok());
    auto has = [](const Result<ClinicalRules>& r, const std::string& rule, int line) {
        return std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
            return d.rule == rule && d.where.line == line;
        });
    };
    std::string text = replace(base, "source = \"LEXI\"", "source = \"NOPE\"");
    auto r = parse_clinical_rules(text, "c.toml");
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has(r, "rules.unknown-source", line_of(text, "source = \"NOPE\"")))
        << describe(r.diagnostics);
    text = replace(base, "site_units_max = { value = 50", "site_units_mx = { value = 50");
    r = parse_clinical_rules(text, "c.toml");
    EXPECT_TRUE(has(r, "rules.unknown-key", line_of(text, "site_units_mx")))
        << describe(r.diagnostics);
    text = replace(base, "indication = \"cervical_dystonia\"\nproduct",
                   "indication = \"cervical_dystnia\"\nproduct");
    r = parse_clinical_rules(text, "c.toml");
    EXPECT_TRUE(has(r, "rules.unknown-indication", line_of(text, "cervical_dystnia")))
        << describe(r.diagnostics);
    text = replace(base, "severity = \"error\", basis = \"label\", source = \"LABEL\"",
                   "severity = \"fatal\", basis = \"label\", source = \"LABEL\"");
    r = parse_clinical_rules(text, "c.toml");
    EXPECT_TRUE(has(r, "rules.bad-value", line_of(text, "\"fatal\""))) << describe(r.diagnostics);
    r = parse_clinical_rules("schema_version = 1\n[[products]\n", "c.toml");
    EXPECT_TRUE(has(r, "toml.syntax", 2)) << describe(r.diagnostics);
}

// A new indication is a data change: a table that lists it makes a protocol of it valid and its
// limits apply (here a per-side cap); the shipped table does not know it.
TEST(ClinicalRules, ANewIndicationIsAnEditOfTheTable) {
    std::string table_text =
        test::read_text(test::source_dir() / "protocols" / "rules" / "clinical-limits.toml");
    const auto sources = table_text.find("\n[[sources]]\n") + 1;
    table_text.insert(sources, "[[indications]]\nid = \"test_spasm\"\ndisplay_name = \"Test\"\n"
                               "paradigms = [\"custom\"]\n\n[[limits]]\nindication = "
                               "\"test_spasm\"\nproduct = \"onabotulinumtoxinA\"\n"
                               "side_units_max = { value = 40, severity = \"error\", basis = "
                               "\"label\", source = \"LABEL\", certainty = \"provisional\" }\n\n");
    const auto rules = parse_clinical_rules(table_text, "c.toml");
    ASSERT_TRUE(rules.ok()) << describe(rules.diagnostics);
    // cd-compact: 50 U on the left (SCM), 100 U on the right (splenius).
    const std::string text =
        replace(good("cd-compact.toml"), "\"cervical_dystonia\"", "\"test_spasm\"");
    const Protocol p = read(text);
    const auto with_table = validate_protocol(p, *rules.value);
    EXPECT_TRUE(with_rule(with_table, "protocol.unknown-indication").empty())
        << describe(with_table);
    const auto side = with_rule(with_table, "dose.side-total");
    ASSERT_EQ(side.size(), 2u) << describe(with_table);
    for (const Diagnostic* d : side)
        EXPECT_EQ(d->severity, Severity::error);
    const auto shipped_only = validate_protocol(p);
    EXPECT_EQ(with_rule(shipped_only, "protocol.unknown-indication").size(), 1u)
        << describe(shipped_only);
}

// ---------------------------------------------------------------------------------------------
// The loopholes of the audit

TEST(ClinicalRules, ChronicMigraineLimitsApplyWhateverTheParadigm) {
    // 31 sites at 10 U = 310 U, paradigm custom, no [limits]: passed with no diagnostic before.
    std::string text =
        replace(good("preempt-compact.toml"), "paradigm = \"preempt\"", "paradigm = \"custom\"");
    text = replace_all(text, "units = 5\n", "units = 10\n");
    text = replace(text, "[limits]\nretreatment_weeks = 12\n", "");
    const auto all = validate_protocol(read(text));
    const auto total = with_rule(all, "dose.total");
    ASSERT_EQ(total.size(), 2u) << describe(all);
    EXPECT_EQ(total[0]->severity, Severity::warning); // past the US label's 155 U
    EXPECT_EQ(total[1]->severity, Severity::error);   // past 195 U
    EXPECT_FALSE(with_rule(all, "dose.site-units").empty()) << describe(all); // 5 U per site
    EXPECT_EQ(with_rule(all, "retreatment.default").size(), 1u) << describe(all);
    EXPECT_TRUE(has_errors(all));
}

TEST(ClinicalRules, AProductIsNamedExactlyOnceAndUnitsNeverConvert) {
    const std::string base = good("cd-compact.toml");
    auto check = [&](const std::string& product) {
        return validate_protocol(
            read(replace(base, "\"onabotulinumtoxinA (BOTOX)\"", "\"" + product + "\"")));
    };
    EXPECT_EQ(with_rule(check("Xeomin, not Botox"), "product.ambiguous").size(), 1u);
    // A CD plan for Dysport written with BOTOX units: no Dysport row, so no limits to trust.
    EXPECT_EQ(with_rule(check("abobotulinumtoxinA (Dysport)"), "product.no-limits").size(), 1u);
    EXPECT_EQ(with_rule(check("Fancytox"), "product.unknown").size(), 1u);
    EXPECT_TRUE(with_rule(check("BOTOX"), "product.unknown").empty());
    // "botox" inside another word is not the product.
    EXPECT_EQ(with_rule(check("Notbotoxin"), "product.unknown").size(), 1u);
}

TEST(ClinicalRules, CervicalDystoniaTotalsFirstSessionAndReferenceBand) {
    const std::string base = good("cd-compact.toml"); // 150 U
    auto all = validate_protocol(read(base));
    EXPECT_EQ(with_rule(all, "dose.reference-range").size(), 1u) << describe(all);
    EXPECT_EQ(with_rule(all, "dose.reference-range")[0]->severity, Severity::note);
    EXPECT_TRUE(with_rule(all, "dose.first-session").empty()) << describe(all);
    // 250 U: inside the band, past the first course's 200 U.
    std::string text = replace(base, "max_total_units = 300\n", "");
    text += "\n[[steps.sites]]\nid = \"splenius_3\"\nmuscle = \"splenius_capitis\"\nside = "
            "\"right\"\nunits = 50\nat = { landmark = \"mastoid\", toward = \"c7\", t = 0.5 }\n"
            "\n[[steps.sites]]\nid = \"splenius_4\"\nmuscle = \"splenius_capitis\"\nside = "
            "\"right\"\nunits = 50\nat = { landmark = \"mastoid\", toward = \"c7\", t = 0.6 }\n";
    all = validate_protocol(read(text));
    ASSERT_EQ(with_rule(all, "dose.first-session").size(), 1u) << describe(all);
    EXPECT_EQ(with_rule(all, "dose.first-session")[0]->severity, Severity::warning);
    EXPECT_TRUE(with_rule(all, "dose.reference-range").empty()) << describe(all);
    // Far past 300 U: an error from the table even though the file states no total.
    for (int i = 5; i < 14; ++i)
        text += "\n[[steps.sites]]\nid = \"splenius_" + std::to_string(i) +
                "\"\nmuscle = \"splenius_capitis\"\nside = \"left\"\nunits = 50\nat = { landmark "
                "= \"mastoid\", toward = \"c7\", t = 0.5 }\n";
    all = validate_protocol(read(text));
    const auto total = with_rule(all, "dose.total");
    ASSERT_EQ(total.size(), 1u) << describe(all);
    EXPECT_EQ(total[0]->severity, Severity::error);
    EXPECT_EQ(total[0]->basis, "label (non-US)");
}

TEST(ClinicalRules, ALongNeedleIsFlaggedAtHeadSites) {
    const std::string base = good("preempt-compact.toml");
    EXPECT_TRUE(with_rule(validate_protocol(read(base)), "needle.head-length").empty());
    const std::string text = replace(base, "length_inch = 0.5", "length_inch = 1.0");
    const auto all = validate_protocol(read(text));
    const auto head = with_rule(all, "needle.head-length");
    ASSERT_EQ(head.size(), 1u) << describe(all);
    EXPECT_EQ(head[0]->where.line, line_of(text, "muscle = \"corrugator\""));
    // The neck alone may take a 1-inch needle.
    const auto neck = validate_protocol(read(good("cd-compact.toml")));
    EXPECT_TRUE(with_rule(neck, "needle.head-length").empty()) << describe(neck);
}

// Rule 17: without tilt or turn (a sagittal posture) the back of the neck is injected evenly.
TEST(ClinicalRules, PosteriorNeckSymmetryInSagittalPostures) {
    const std::string retro = shipped("cd-retrocollis");
    EXPECT_TRUE(with_rule(validate_protocol(read(retro)), "symmetry.posterior-neck").empty());
    // One bilateral splenius cervicis site given on one side only.
    const std::string uneven = replace(retro, "side = \"bilateral\"", "side = \"ipsilateral\"");
    const auto all = validate_protocol(read(uneven));
    ASSERT_EQ(with_rule(all, "symmetry.posterior-neck").size(), 1u) << describe(all);
    EXPECT_EQ(with_rule(all, "symmetry.posterior-neck")[0]->severity, Severity::warning);
    // A rotation form injects one splenius on purpose: no warning.
    const auto torti = validate_protocol(read(shipped("cd-torticaput")));
    EXPECT_TRUE(with_rule(torti, "symmetry.posterior-neck").empty()) << describe(torti);
}

// ---------------------------------------------------------------------------------------------
// check and the session agree

TEST(ClinicalRules, WhatCheckCallsAnErrorTheSessionRefusesAndWarningsItGives) {
    // Cervical dystonia: 60 U at a site is an error in check (the label's 50 U) ...
    const std::string base = replace(good("cd-compact.toml"), "max_units_per_site = 50\n", "");
    std::string text = replace(base, "units = 25\n", "units = 60\n");
    const auto all = validate_protocol(read(text));
    ASSERT_FALSE(with_rule(all, "dose.site-max").empty()) << describe(all);
    EXPECT_EQ(with_rule(all, "dose.site-max")[0]->severity, Severity::error);
    // ... and refused in a session of the same protocol, though the file itself no longer says 50.
    Session s = started(read(base));
    EXPECT_EQ(s.inject(60.0).code, "session.over-site-limit");
    EXPECT_TRUE(s.inject(50.0).ok());
    // The SCM's 100 U is a warning in check: the session gives it and says so.
    text = replace_all(base, "units = 25\n", "units = 50\n");
    const Protocol heavy = read(text + "\n[[steps.sites]]\nid = \"scm_3\"\nmuscle = "
                                       "\"sternocleidomastoid\"\nside = \"left\"\nunits = 10\nat "
                                       "= { landmark = \"mastoid\", toward = \"sternoclavicular\", "
                                       "t = 0.5 }\n");
    const auto heavy_check = validate_protocol(heavy);
    ASSERT_EQ(with_rule(heavy_check, "muscle.cap").size(), 1u) << describe(heavy_check);
    EXPECT_EQ(with_rule(heavy_check, "muscle.cap")[0]->severity, Severity::warning);
    Session h = started(heavy);
    ASSERT_TRUE(h.inject().ok()); // scm_1, 50 U
    ASSERT_TRUE(h.inject().ok()); // scm_2, 50 U
    EXPECT_TRUE(h.warnings().empty());
    ASSERT_TRUE(h.go_to("scm_3").ok());
    ASSERT_TRUE(h.inject().ok()); // 10 U more: 110 U in the SCM
    ASSERT_FALSE(h.warnings().empty());
    EXPECT_EQ(h.warnings()[0].rfind("muscle.cap", 0), 0u) << h.warnings()[0];
}

// A chronic migraine protocol of paradigm custom, no [limits]: the session still applies the
// table's 5 U per site and 195 U, as check does.
TEST(ClinicalRules, TheSessionAppliesTheTableForAnyParadigm) {
    std::string text =
        replace(good("preempt-compact.toml"), "paradigm = \"preempt\"", "paradigm = \"custom\"");
    text = replace(text, "[limits]\nretreatment_weeks = 12\n", "");
    Session s = started(read(text));
    EXPECT_EQ(s.inject(10.0).code, "session.over-site-limit");
    EXPECT_TRUE(s.inject(5.0).ok());
    const auto limits = s.limits();
    EXPECT_TRUE(std::any_of(limits.begin(), limits.end(), [](const DoseLimit& d) {
        return d.scope == DoseScope::session_units && d.severity == Severity::error &&
               d.value == 195.0 && !d.from_file;
    }));
}

// ---------------------------------------------------------------------------------------------
// Per-site sources and certainty

TEST(ClinicalRules, SitesTakeSourceAndCertaintyFromSiteStepThenFile) {
    std::string text = good("preempt-compact.toml");
    text = replace(text, "[[sources]]\nkey = \"TEST\"",
                   "certainty = \"expert-opinion\"\n\n[[sources]]\nkey = \"OTHER\"\ncitation = "
                   "\"Other.\"\n\n[[sources]]\nkey = \"TEST\"");
    text =
        replace(text, "id = \"procerus\"\ntitle", "id = \"procerus\"\nsource = \"OTHER\"\ntitle");
    text = replace(text, "id = \"corrugator\"\nmuscle = \"corrugator\"",
                   "id = \"corrugator\"\nmuscle = \"corrugator\"\ncertainty = \"established\"");
    const Protocol p = read(text);
    const Site* corrugator = p.find_site("corrugator_left");
    const Site* procerus = p.find_site("procerus");
    ASSERT_TRUE(corrugator && procerus);
    EXPECT_EQ(corrugator->sources, std::vector<std::string>{"TEST"}); // the file's
    EXPECT_EQ(corrugator->certainty, Certainty::established);         // its own
    EXPECT_EQ(procerus->sources, std::vector<std::string>{"OTHER"});  // its step's
    EXPECT_EQ(procerus->certainty, Certainty::expert_opinion);        // the file's
    // An unknown key is a reader error at its line.
    const std::string bad =
        replace(good("preempt-compact.toml"), "source = \"TEST\"", "source = [\"TEST\", \"NOPE\"]");
    const auto r = read_protocol_text(bad, "t.toml");
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
        return d.rule == "protocol.unknown-source" && d.where.line == line_of(bad, "\"NOPE\"");
    })) << describe(r.diagnostics);
}

TEST(ClinicalRules, ShippedSitesNameTheirSourcesAndTheTrapeziusRuleIsProvisional) {
    for (const auto& entry :
         std::filesystem::directory_iterator(test::source_dir() / "protocols")) {
        if (entry.path().extension() != ".toml")
            continue;
        const Protocol p = read(test::read_text(entry.path()));
        for (const Site* s : p.sites()) {
            EXPECT_FALSE(s->sources.empty()) << p.id << " " << s->id;
            for (const auto& key : s->sources)
                EXPECT_TRUE(std::any_of(p.sources.begin(), p.sources.end(),
                                        [&](const SourceRef& r) { return r.key == key; }))
                    << p.id << " " << key;
        }
    }
    for (const char* id : {"preempt-155", "preempt-ftp-195"}) {
        const Protocol p = read(shipped(id));
        for (const SourceRef& s : p.sources) {
            if (s.key == "BLUM17") {
                EXPECT_TRUE(s.provisional) << id; // only its abstract and a secondary copy read
            }
        }
        for (const Site* s : p.sites())
            if (s->muscle == "trapezius" && !s->optional) {
                EXPECT_EQ(s->certainty, Certainty::provisional) << id << " " << s->id;
                EXPECT_EQ(s->sources, std::vector<std::string>{"BLUM17"}) << id << " " << s->id;
            }
    }
}

// A per-muscle cap on a key covers that muscle's parts (orbicularis_oculi → its pretarsal,
// preseptal and orbital parts), in check and in the session alike.
TEST(ClinicalRules, AMuscleCapCoversItsParts) {
    EXPECT_TRUE(muscle_counts_towards("orbicularis_oculi_pretarsal", "orbicularis_oculi"));
    EXPECT_TRUE(muscle_counts_towards("sternocleidomastoid", "sternocleidomastoid"));
    EXPECT_FALSE(muscle_counts_towards("orbicularis_oculi", "orbicularis_oculi_pretarsal"));
    EXPECT_FALSE(muscle_counts_towards("trapeziusx", "trapezius"));
    std::string text = good("cd-compact.toml");
    text = replace(text, "retreatment_weeks = 12\n",
                   "retreatment_weeks = 12\n[limits.max_units_per_muscle]\nsplenius = 60\n");
    const Protocol p = read(text);
    const auto all = validate_protocol(p);
    // splenius_1 + splenius_2 = 100 U of splenius_capitis, past the 60 U on "splenius".
    ASSERT_EQ(with_rule(all, "muscle.cap").size(), 1u) << describe(all);
}

// An indication's own cumulative cap (blepharospasm: 200 U in any 30 days) applies like the
// product's (BOTOX: 400 U in any 90 days).
TEST(ClinicalRules, AnIndicationsCumulativeCapApplies) {
    const Protocol p = read(shipped("blepharospasm"));
    const auto limits = dose_limits(p, applied_rules(p));
    auto has = [&](double value, double days) {
        return std::any_of(limits.begin(), limits.end(), [&](const DoseLimit& d) {
            return d.scope == DoseScope::cumulative_units && d.value == value &&
                   d.window_days == days;
        });
    };
    EXPECT_TRUE(has(200.0, 30.0));
    EXPECT_TRUE(has(400.0, 90.0));
}
