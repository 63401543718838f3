// The protocol reader: every key of the format, structural diagnostics with their lines, the
// expansion of mirrored sites, and robustness against hostile input (size, nesting, garbage).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

// A small, complete, valid protocol (custom paradigm) the tests modify.
const std::string kMinimal = R"toml(schema_version = 1
id = "mini"
title = "Minimal"
indication = "other"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"

[[sources]]
key = "SRC"
citation = "A source."

[reconstitution]
vial_units = 100
diluent_ml = 2.0

[needle]
gauge = 30
length_inch = 0.5

[[steps]]
id = "frontalis"
title = "Frontalis"

[[steps.sites]]
id = "frontalis"
muscle = "frontalis"
side = "both"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 30 }
)toml";

Result<Protocol> read(const std::string& text) {
    return read_protocol_text(text, "mem.toml");
}

// 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
    const auto pos = text.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

// The first diagnostic with this rule, or nullptr.
const Diagnostic* find_rule(const Diagnostics& diagnostics, const std::string& rule) {
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            return &d;
    return nullptr;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos)
        text.replace(pos, from.size(), to);
    return text;
}

void expect_rule_at(const Result<Protocol>& r, const std::string& rule, int line) {
    const Diagnostic* d = find_rule(r.diagnostics, rule);
    ASSERT_NE(d, nullptr) << "no " << rule << "; got "
                          << (r.diagnostics.empty() ? "nothing"
                                                    : format_diagnostic(r.diagnostics[0]));
    EXPECT_EQ(d->where.line, line) << format_diagnostic(*d);
    EXPECT_GT(d->where.column, 0) << format_diagnostic(*d);
    EXPECT_EQ(d->where.file, "mem.toml");
    EXPECT_EQ(d->severity, Severity::error);
}

} // namespace

TEST(ProtocolReader, MinimalFileReadsCleanly) {
    const auto r = read(kMinimal);
    ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
    EXPECT_TRUE(r.diagnostics.empty());
    const Protocol& p = *r.value;
    EXPECT_EQ(p.id, "mini");
    EXPECT_EQ(p.paradigm, Paradigm::custom);
    EXPECT_EQ(p.indication, std::string("other"));
    EXPECT_EQ(p.sources.size(), 1u);
    EXPECT_DOUBLE_EQ(p.reconstitution.units_per_0_1_ml(), 5.0);
    EXPECT_FALSE(p.stated_units_per_0_1_ml.has_value());
    EXPECT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].view, "front"); // the default view
}

TEST(ProtocolReader, BothExpandsIntoAMirroredPair) {
    const auto r = read(kMinimal);
    ASSERT_TRUE(r.ok());
    const auto sites = r.value->sites();
    ASSERT_EQ(sites.size(), 2u);
    EXPECT_EQ(sites[0]->id, "frontalis_left");
    EXPECT_EQ(sites[1]->id, "frontalis_right");
    EXPECT_EQ(sites[0]->side, Side::left);
    EXPECT_EQ(sites[1]->side, Side::right);
    for (const Site* s : sites) {
        EXPECT_EQ(s->base_id, "frontalis");
        EXPECT_EQ(s->side_spec, SideSpec::both);
        EXPECT_EQ(s->placement.landmark, "supraorbital_rim");
        EXPECT_DOUBLE_EQ(s->placement.up_mm, 30.0);
        EXPECT_EQ(s->where.line, line_of(kMinimal, "[[steps.sites]]"));
        EXPECT_EQ(s->where_of("units").line, line_of(kMinimal, "units = 5"));
    }
    EXPECT_EQ(r.value->find_site("frontalis_right"), sites[1]);
    EXPECT_EQ(r.value->find_site("frontalis"), nullptr);
    EXPECT_DOUBLE_EQ(r.value->total_units(), 10.0);
}

TEST(ProtocolReader, ReadsEveryKeyOfTheFormat) {
    const std::string text = R"toml(schema_version = 1
id = "full"
title = "Full"
summary = "Every key."
indication = "chronic_migraine"
paradigm = "preempt_ftp"
product = "onabotulinumtoxinA (BOTOX)"
provisional = ["one", "two"]

[[sources]]
key = "A"
citation = "Citation A."
link = "PMID 1"
provisional = true

[reconstitution]
vial_units = 200
diluent_ml = 4.0
units_per_0_1_ml = 5.0

[needle]
gauge = 30
length_inch = 0.5
note = "Needle note."

[limits]
max_total_units = 195
max_sites = 39
units_per_site = 5
max_units_per_site = 50
retreatment_weeks = 12
first_session_max_units = 200
reference_range = [198, 300]
[limits.max_units_per_muscle]
sternocleidomastoid = 100
[limits.follow_the_pain]
max_extra_units = 40
max_extra_sites = 8
muscles = ["temporalis", "occipitalis", "trapezius"]
max_sites_per_muscle = { temporalis = 2, occipitalis = 2, trapezius = 4 }

[patient]
what = "w1"
where_and_why = "w2"
visit = "w3"
feel = "w4"
onset = "w5"
duration = "w6"
next = "w7"
side_effects_common = "w8"
side_effects_serious = "w9"
aftercare = "w10"
[patient.timeline]
first_effect_days = 3
full_effect_days = 10
wearing_off_days = 60
retreatment_days = 90

[[steps]]
id = "temporalis"
title = "Temporalis"
view = "oblique-left"
instruction = "Clench."
patient_text = "Temple."
cautions = ["c1"]

[[steps.sites]]
id = "t1"
muscle = "temporalis"
side = "left"
units = 5
depth = "Deep."
depth_mm = 12.5
optional = true
guidance = "emg_or_ultrasound"
provisional = true
at = { landmark = "helix_top", toward = "temporal_fossa", t = 0.25, up_mm = 1, lateral_mm = -2, forward_mm = 3 }
)toml";
    const auto r = read(text);
    ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
    const Protocol& p = *r.value;
    EXPECT_EQ(p.summary, "Every key.");
    EXPECT_EQ(p.indication, std::string(kChronicMigraine));
    EXPECT_EQ(p.paradigm, Paradigm::preempt_ftp);
    EXPECT_EQ(p.provisional_notes, (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(p.sources[0].link, "PMID 1");
    EXPECT_TRUE(p.sources[0].provisional);
    EXPECT_DOUBLE_EQ(*p.stated_units_per_0_1_ml, 5.0);
    EXPECT_EQ(p.needle.gauge, 30);
    EXPECT_EQ(p.needle.note, "Needle note.");
    EXPECT_DOUBLE_EQ(*p.limits.max_total_units, 195);
    EXPECT_EQ(*p.limits.max_sites, 39);
    EXPECT_DOUBLE_EQ(*p.limits.units_per_site, 5);
    EXPECT_DOUBLE_EQ(*p.limits.max_units_per_site, 50);
    EXPECT_DOUBLE_EQ(*p.limits.retreatment_weeks, 12);
    EXPECT_DOUBLE_EQ(*p.limits.first_session_max_units, 200);
    EXPECT_EQ(*p.limits.reference_range, (std::pair<double, double>{198, 300}));
    EXPECT_DOUBLE_EQ(p.limits.max_units_per_muscle.at("sternocleidomastoid"), 100);
    ASSERT_TRUE(p.limits.follow_the_pain);
    EXPECT_DOUBLE_EQ(p.limits.follow_the_pain->max_extra_units, 40);
    EXPECT_EQ(p.limits.follow_the_pain->max_extra_sites, 8);
    EXPECT_EQ(p.limits.follow_the_pain->muscles.size(), 3u);
    EXPECT_EQ(p.limits.follow_the_pain->max_sites_per_muscle.at("trapezius"), 4);
    EXPECT_EQ(p.patient.what, "w1");
    EXPECT_EQ(p.patient.aftercare, "w10");
    EXPECT_DOUBLE_EQ(p.patient.first_effect_days, 3);
    EXPECT_DOUBLE_EQ(p.patient.retreatment_days, 90);
    const Step& step = p.steps.at(0);
    EXPECT_EQ(step.view, "oblique-left");
    EXPECT_EQ(step.instruction, "Clench.");
    EXPECT_EQ(step.patient_text, "Temple.");
    EXPECT_EQ(step.cautions, (std::vector<std::string>{"c1"}));
    const Site& s = step.sites.at(0);
    EXPECT_EQ(s.id, "t1");
    EXPECT_EQ(s.side, Side::left);
    EXPECT_EQ(s.depth_note, "Deep.");
    EXPECT_DOUBLE_EQ(*s.depth_mm, 12.5);
    EXPECT_TRUE(s.optional);
    EXPECT_EQ(s.guidance, Guidance::emg_or_ultrasound);
    EXPECT_TRUE(s.provisional);
    EXPECT_EQ(s.placement.toward, "temporal_fossa");
    EXPECT_DOUBLE_EQ(s.placement.t, 0.25);
    EXPECT_DOUBLE_EQ(s.placement.up_mm, 1);
    EXPECT_DOUBLE_EQ(s.placement.lateral_mm, -2);
    EXPECT_DOUBLE_EQ(s.placement.forward_mm, 3);
    EXPECT_EQ(p.where_of("limits.follow_the_pain.max_extra_units").line,
              line_of(text, "max_extra_units"));
    EXPECT_EQ(p.where_of("reconstitution.units_per_0_1_ml").line,
              line_of(text, "units_per_0_1_ml"));
}

TEST(ProtocolReader, CdTemplateResolvesAsIfThePostureWereToTheLeft) {
    const std::string text = R"toml(schema_version = 1
id = "cd-x"
title = "CD"
indication = "cervical_dystonia"
paradigm = "cd_template"
product = "onabotulinumtoxinA (BOTOX)"
[reconstitution]
vial_units = 100
diluent_ml = 1.0
[needle]
gauge = 27
length_inch = 1.0
[cd]
form = "torticaput"
plane = "rotation"
level = "caput"
[[cd.candidates]]
muscle = "splenius_capitis"
relation = "ipsilateral"
units_min = 25
units_max = 75
sites = 2
guidance = "none"
note = "n"
[[steps]]
id = "s"
title = "S"
[[steps.sites]]
id = "spl"
muscle = "splenius_capitis"
side = "ipsilateral"
units = 25
at = { landmark = "mastoid" }
[[steps.sites]]
id = "scm"
muscle = "sternocleidomastoid"
side = "contralateral"
units = 25
at = { landmark = "mastoid" }
[[steps.sites]]
id = "tr"
muscle = "trapezius"
side = "bilateral"
units = 25
at = { landmark = "acromion" }
)toml";
    const auto r = read(text);
    ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
    const Protocol& p = *r.value;
    ASSERT_TRUE(p.cd);
    EXPECT_EQ(p.cd->form, "torticaput");
    ASSERT_EQ(p.cd->candidates.size(), 1u);
    EXPECT_EQ(p.cd->candidates[0].relation, SideSpec::ipsilateral);
    EXPECT_EQ(p.cd->candidates[0].sites, 2);
    const auto sites = p.sites();
    ASSERT_EQ(sites.size(), 4u);
    EXPECT_EQ(sites[0]->side, Side::left);
    EXPECT_EQ(sites[0]->side_spec, SideSpec::ipsilateral);
    EXPECT_EQ(sites[1]->side, Side::right);
    EXPECT_EQ(sites[2]->id, "tr_left");
    EXPECT_EQ(sites[3]->id, "tr_right");
    EXPECT_EQ(sites[3]->side_spec, SideSpec::bilateral);

    // Fixed sides are refused in a template; relations are refused outside one.
    const auto left = read(replace(text, "side = \"ipsilateral\"", "side = \"left\""));
    expect_rule_at(left, "protocol.bad-value", line_of(text, "side = \"ipsilateral\""));
    const auto custom =
        read(replace(replace(text, "\"cd_template\"", "\"custom\""), "[cd]", "[cdx]"));
    EXPECT_NE(find_rule(custom.diagnostics, "protocol.bad-value"), nullptr);
    // A template needs its [cd] table.
    std::string no_cd = text.substr(0, text.find("[cd]")) + text.substr(text.find("[[steps]]"));
    expect_rule_at(read(no_cd), "protocol.missing-key", 1);
}

TEST(ProtocolReader, SyntaxErrorsCarryLineAndColumn) {
    const std::string text = replace(kMinimal, "gauge = 30", "gauge = = 30");
    const auto r = read(text);
    EXPECT_FALSE(r.value);
    expect_rule_at(r, "toml.syntax", line_of(text, "gauge"));
}

TEST(ProtocolReader, UnknownKeysAreReportedWithASuggestion) {
    const std::string text = replace(kMinimal, "gauge = 30", "guage = 30");
    const auto r = read(text);
    expect_rule_at(r, "protocol.unknown-key", line_of(text, "guage"));
    // The suggestion names the key it means (a name, not prose).
    EXPECT_NE(find_rule(r.diagnostics, "protocol.unknown-key")->message.find("'gauge'"),
              std::string::npos);
    // ... and the real key is then missing.
    EXPECT_NE(find_rule(r.diagnostics, "protocol.missing-key"), nullptr);
    // Unknown keys inside an inline table too.
    const std::string at = replace(kMinimal, "up_mm = 30", "upp_mm = 30");
    expect_rule_at(read(at), "protocol.unknown-key", line_of(at, "upp_mm"));
    // And at the top level.
    const std::string top = replace(kMinimal, "title = ", "titel = \"x\"\ntitle = ");
    expect_rule_at(read(top), "protocol.unknown-key", line_of(top, "titel"));
}

TEST(ProtocolReader, WrongTypesAreReported) {
    const std::string units = replace(kMinimal, "units = 5", "units = \"5\"");
    expect_rule_at(read(units), "protocol.type", line_of(units, "units = \"5\""));
    const std::string gauge = replace(kMinimal, "gauge = 30", "gauge = 30.5");
    expect_rule_at(read(gauge), "protocol.type", line_of(gauge, "gauge"));
    const std::string needle =
        replace(replace(kMinimal, "[needle]\ngauge = 30\nlength_inch = 0.5", ""), "id = \"mini\"",
                "id = \"mini\"\nneedle = 3");
    expect_rule_at(read(needle), "protocol.type", line_of(needle, "needle = 3"));
    const std::string at = replace(kMinimal, "at = { landmark = \"supraorbital_rim\", up_mm = 30 }",
                                   "at = \"glabella\"");
    expect_rule_at(read(at), "protocol.type", line_of(at, "at = \"glabella\""));
    const std::string steps = replace(kMinimal, "[[steps]]", "steps = 1\n[[stepz]]");
    EXPECT_NE(find_rule(read(steps).diagnostics, "protocol.type"), nullptr);
}

TEST(ProtocolReader, MissingRequiredKeysPointAtTheirTable) {
    const std::string no_units = replace(kMinimal, "units = 5\n", "");
    expect_rule_at(read(no_units), "protocol.missing-key", line_of(no_units, "[[steps.sites]]"));
    const std::string no_id = replace(kMinimal, "id = \"mini\"\n", "");
    expect_rule_at(read(no_id), "protocol.missing-key", 1);
    const std::string no_landmark = replace(kMinimal, "landmark = \"supraorbital_rim\", ", "");
    expect_rule_at(read(no_landmark), "protocol.missing-key", line_of(no_landmark, "at = {"));
    const std::string toward = replace(kMinimal, "up_mm = 30", "toward = \"glabella\"");
    expect_rule_at(read(toward), "protocol.missing-key", line_of(toward, "toward"));
}

TEST(ProtocolReader, BadValuesAreReported) {
    const std::string side = replace(kMinimal, "side = \"both\"", "side = \"bothe\"");
    const auto r = read(side);
    expect_rule_at(r, "protocol.bad-value", line_of(side, "bothe"));
    EXPECT_NE(find_rule(r.diagnostics, "protocol.bad-value")->message.find("'both'"),
              std::string::npos);
    const std::string units = replace(kMinimal, "units = 5", "units = -5");
    expect_rule_at(read(units), "protocol.bad-value", line_of(units, "units = -5"));
    const std::string nan = replace(kMinimal, "units = 5", "units = nan");
    expect_rule_at(read(nan), "protocol.bad-value", line_of(nan, "units = nan"));
    const std::string t = replace(kMinimal, "up_mm = 30", "toward = \"glabella\", t = 1.5");
    expect_rule_at(read(t), "protocol.bad-value", line_of(t, "t = 1.5"));
    const std::string offset = replace(kMinimal, "up_mm = 30", "up_mm = 1e9");
    expect_rule_at(read(offset), "protocol.bad-value", line_of(offset, "up_mm"));
    const std::string id = replace(kMinimal, "id = \"mini\"", "id = \"Mini Protocol\"");
    expect_rule_at(read(id), "protocol.bad-value", line_of(id, "Mini Protocol"));
    const std::string paradigm = replace(kMinimal, "\"custom\"", "\"preemt\"");
    expect_rule_at(read(paradigm), "protocol.bad-value", line_of(paradigm, "preemt"));
    const std::string view =
        replace(kMinimal, "title = \"Frontalis\"", "title = \"Frontalis\"\nview = \"up\"");
    expect_rule_at(read(view), "protocol.bad-value", line_of(view, "view"));
}

TEST(ProtocolReader, DuplicateIdsAfterExpansion) {
    // "frontalis" with side both makes frontalis_left, which a second site then repeats.
    const std::string text = kMinimal + R"toml(
[[steps.sites]]
id = "frontalis_left"
muscle = "frontalis"
side = "left"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 40 }
)toml";
    expect_rule_at(read(text), "protocol.duplicate-id", line_of(text, "id = \"frontalis_left\""));
    const std::string steps =
        kMinimal + "\n[[steps]]\nid = \"frontalis\"\ntitle = \"Again\"\nsites = []\n";
    expect_rule_at(read(steps), "protocol.duplicate-id",
                   static_cast<int>(std::count(kMinimal.begin(), kMinimal.end(), '\n')) + 3);
    const std::string sources =
        replace(kMinimal, "[reconstitution]",
                "[[sources]]\nkey = \"SRC\"\ncitation = \"B\"\n\n[reconstitution]");
    expect_rule_at(read(sources), "protocol.duplicate-id",
                   line_of(sources, "citation = \"B\"") - 1);
}

TEST(ProtocolReader, UnknownSchemaVersionGivesNoValue) {
    const std::string text = replace(kMinimal, "schema_version = 1", "schema_version = 2");
    const auto r = read(text);
    EXPECT_FALSE(r.value);
    expect_rule_at(r, "protocol.schema-version", 1);
}

TEST(ProtocolReader, RefusesHugeInputEarly) {
    std::string text = kMinimal + "# " + std::string(4 * 1024 * 1024, 'x') + "\n";
    const auto r = read(text);
    EXPECT_FALSE(r.value);
    ASSERT_NE(find_rule(r.diagnostics, "protocol.too-large"), nullptr);
    // The same through a file, refused from its size.
    const fs::path path = injmap::test::fresh_dir("huge") / "huge.toml";
    injmap::test::write_text(path, text);
    EXPECT_NE(find_rule(read_protocol_file(path).diagnostics, "protocol.too-large"), nullptr);
}

TEST(ProtocolReader, DeepNestingIsRefusedNotACrash) {
    std::string dotted = "[";
    for (int i = 0; i < 200000; ++i)
        dotted += "a.";
    dotted += "b]\nx = 1\n";
    auto r = read(dotted);
    EXPECT_FALSE(r.value);
    expect_rule_at(r, "toml.syntax", 1);
    std::string key;
    for (int i = 0; i < 200000; ++i)
        key += "k.";
    r = read("id = 1\n" + key + "z = 1\n");
    expect_rule_at(r, "toml.syntax", 2);
    r = read("a = " + std::string(100000, '[') + "\n");
    EXPECT_NE(find_rule(r.diagnostics, "toml.syntax"), nullptr);
    std::string inline_tables = "a = ";
    for (int i = 0; i < 50000; ++i)
        inline_tables += "{b=";
    r = read(inline_tables + "\n");
    EXPECT_NE(find_rule(r.diagnostics, "toml.syntax"), nullptr);
    // Dots inside strings and comments are not keys.
    const std::string strings =
        replace(kMinimal, "title = \"Minimal\"",
                "title = \"" + std::string(1000, '.') + "\" # " + std::string(1000, '.'));
    EXPECT_TRUE(read(strings).ok());
}

TEST(ProtocolReader, FilesAreReadWithIoErrorsReported) {
    const fs::path dir = injmap::test::fresh_dir("files");
    const auto missing = read_protocol_file(dir / "nope.toml");
    EXPECT_FALSE(missing.value);
    ASSERT_NE(find_rule(missing.diagnostics, "protocol.io"), nullptr);
    const auto directory = read_protocol_file(dir);
    EXPECT_NE(find_rule(directory.diagnostics, "protocol.io"), nullptr);

    injmap::test::write_text(dir / "mini.toml", kMinimal);
    const auto ok = read_protocol_file(dir / "mini.toml");
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(ok.diagnostics.empty());
    EXPECT_EQ(ok.value->path, dir / "mini.toml");
    EXPECT_EQ(ok.value->where.file, (dir / "mini.toml").string());

    injmap::test::write_text(dir / "other-name.toml", kMinimal);
    const auto renamed = read_protocol_file(dir / "other-name.toml");
    ASSERT_TRUE(renamed.ok()); // a warning only
    const Diagnostic* d = find_rule(renamed.diagnostics, "protocol.id-mismatch");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->severity, Severity::warning);
    EXPECT_EQ(d->where.line, 2);
}

TEST(ProtocolReader, ShippedProtocolsReadWithoutErrors) {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(injmap::test::source_dir() / "protocols")) {
        if (entry.path().extension() != ".toml")
            continue;
        ++count;
        const auto r = read_protocol_file(entry.path());
        EXPECT_TRUE(r.ok()) << entry.path();
        for (const auto& d : r.diagnostics)
            ADD_FAILURE() << format_diagnostic(d);
    }
    if (count == 0)
        GTEST_SKIP() << "no shipped protocols yet in protocols/";
}

TEST(ProtocolReader, TruncatedAndMangledInputNeverThrows) {
    // Every prefix (in steps) and random byte flips of a real file: each answer is a value or
    // located diagnostics, never an exception or a crash.
    std::string text = kMinimal;
    const fs::path shipped = injmap::test::source_dir() / "protocols" / "preempt-155.toml";
    if (fs::exists(shipped))
        text = injmap::test::read_text(shipped);
    std::mt19937 rng(1234);
    for (std::size_t cut = 0; cut < text.size(); cut += 61) {
        std::string mangled = text.substr(0, cut);
        if (cut % 2 == 0 && !mangled.empty())
            mangled[rng() % mangled.size()] = static_cast<char>(rng() % 256);
        Result<Protocol> r;
        ASSERT_NO_THROW(r = read(mangled));
        for (const auto& d : r.diagnostics) {
            EXPECT_FALSE(d.rule.empty());
            EXPECT_GE(d.where.line, 0);
            EXPECT_EQ(d.message.find('\n'), std::string::npos) << d.message;
        }
    }
}
