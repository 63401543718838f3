// Cervical dystonia plans: form → muscles on the right side, merging, totals, warnings, errors, and
// the concrete protocol made from a plan. Logic tests use templates built here; the mapping tests
// read the shipped templates (protocols/cd-*.toml) and compare with domain.md §3.2.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "injmap/protocols/cd_plan.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

using namespace injmap;

namespace {

struct Cand {
    std::string muscle;
    SideSpec relation;
    double lo, hi;
    int sites = 2;
    Guidance guidance = Guidance::none;
};

// A template for `form`; candidates listed in `placed` get `sites` example sites each (side_spec =
// the relation, ids "<muscle>_<n>", expanded into _left/_right pairs for bilateral like the reader
// does).
Protocol make_template(const std::string& form, const std::vector<Cand>& cands,
                       const std::set<std::string>& placed = {},
                       const std::string& view = "oblique-left") {
    Protocol p;
    p.id = "cd-" + form;
    p.paradigm = Paradigm::cd_template;
    p.indication = std::string(kCervicalDystonia);
    p.product = "onabotulinumtoxinA (BOTOX)";
    p.sources.push_back({"SRC-" + form, "citation", "", false});
    p.provisional_notes.push_back("note for " + form);
    p.limits.max_total_units = 300;
    p.limits.first_session_max_units = 200;
    p.limits.max_units_per_site = 50;
    p.limits.max_units_per_muscle["sternocleidomastoid"] = 100;
    CdTemplate cd;
    cd.form = form;
    cd.plane = cd_form_is_sagittal(form) ? "sagittal" : "rotation";
    cd.level = "caput";
    for (const auto& c : cands) {
        CdCandidate cc;
        cc.muscle = c.muscle;
        cc.relation = c.relation;
        cc.units_min = c.lo;
        cc.units_max = c.hi;
        cc.sites = c.sites;
        cc.guidance = c.guidance;
        cc.note = c.muscle + " note";
        cd.candidates.push_back(cc);
        if (!placed.count(c.muscle))
            continue;
        Step step;
        step.id = c.muscle;
        step.title = c.muscle;
        step.view = view;
        for (int i = 1; i <= c.sites; ++i) {
            Site s;
            s.base_id = c.muscle + "_" + std::to_string(i);
            s.id = s.base_id;
            s.muscle = c.muscle;
            s.side_spec = c.relation;
            s.units = 1;
            s.placement.landmark = "mastoid";
            s.placement.up_mm = -10.0 * i;
            if (c.relation == SideSpec::bilateral) {
                Site right = s;
                s.id += "_left";
                s.side = Side::left;
                right.id += "_right";
                right.side = Side::right;
                step.sites.push_back(s);
                step.sites.push_back(right);
            } else {
                s.side = c.relation == SideSpec::contralateral ? Side::right : Side::left;
                step.sites.push_back(s);
            }
        }
        p.steps.push_back(step);
    }
    p.cd = cd;
    return p;
}

// Torticaput and laterocaput as in domain.md §3.2 (ranges only need to be distinct here).
std::vector<Protocol> synthetic_templates() {
    std::vector<Protocol> t;
    t.push_back(make_template(
        "torticaput",
        {{"splenius_capitis", SideSpec::ipsilateral, 25, 75},
         {"obliquus_capitis_inferior", SideSpec::ipsilateral, 10, 25, 1,
          Guidance::emg_or_ultrasound},
         {"sternocleidomastoid", SideSpec::contralateral, 25, 100},
         {"trapezius", SideSpec::contralateral, 25, 100}},
        {"splenius_capitis", "sternocleidomastoid", "trapezius", "obliquus_capitis_inferior"}));
    t.push_back(make_template(
        "laterocaput",
        {{"sternocleidomastoid", SideSpec::ipsilateral, 20, 60},
         {"splenius_capitis", SideSpec::ipsilateral, 30, 50, 3, Guidance::emg},
         {"semispinalis_capitis", SideSpec::ipsilateral, 25, 75, 2, Guidance::ultrasound}},
        {"sternocleidomastoid", "splenius_capitis"}));
    t.push_back(make_template(
        "laterocollis",
        {{"levator_scapulae", SideSpec::ipsilateral, 25, 100, 2, Guidance::emg_or_ultrasound}},
        {"levator_scapulae"}));
    t.push_back(
        make_template("anterocollis",
                      {{"sternocleidomastoid", SideSpec::bilateral, 15, 50},
                       {"longus_colli", SideSpec::bilateral, 10, 25, 1, Guidance::ultrasound}},
                      {"sternocleidomastoid"}, "front"));
    t.push_back(make_template("retrocaput", {{"splenius_capitis", SideSpec::bilateral, 25, 75}},
                              {"splenius_capitis"}, "back"));
    t.push_back(make_template("retrocollis", {{"splenius_cervicis", SideSpec::bilateral, 25, 100}},
                              {}, "back"));
    t.push_back(
        make_template("antecaput", {{"longus_capitis", SideSpec::bilateral, 10, 25}}, {}, "front"));
    return t;
}

CdPlan plan_ok(const std::vector<CdFormChoice>& choices, const std::vector<Protocol>& templates) {
    auto r = make_cd_plan(choices, templates);
    EXPECT_TRUE(r.ok());
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.rule << ": " << d.message;
    return r.value ? *r.value : CdPlan{};
}

const CdPlanMuscle* find(const CdPlan& plan, const std::string& muscle, Side side) {
    for (const auto& m : plan.muscles)
        if (m.muscle == muscle && m.side == side)
            return &m;
    return nullptr;
}

std::set<std::string> rules(const CdPlan& plan) {
    std::set<std::string> out;
    for (const auto& w : plan.warnings)
        out.insert(w.rule);
    return out;
}

std::vector<std::string> error_rules(const Result<CdPlan>& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::error)
            out.push_back(d.rule);
    return out;
}

} // namespace

TEST(CdPlan, TorticaputToTheLeftIsLeftSpleniusAndRightScm) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"torticaput", Side::left}}, t);
    ASSERT_EQ(plan.muscles.size(), 4u);
    EXPECT_NE(find(plan, "splenius_capitis", Side::left), nullptr);
    EXPECT_NE(find(plan, "obliquus_capitis_inferior", Side::left), nullptr);
    EXPECT_NE(find(plan, "sternocleidomastoid", Side::right), nullptr);
    EXPECT_NE(find(plan, "trapezius", Side::right), nullptr);
    EXPECT_EQ(find(plan, "sternocleidomastoid", Side::left), nullptr);
    EXPECT_EQ(find(plan, "splenius_capitis", Side::right), nullptr);
}

TEST(CdPlan, TorticaputToTheRightMirrors) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"torticaput", Side::right}}, t);
    ASSERT_EQ(plan.muscles.size(), 4u);
    EXPECT_NE(find(plan, "splenius_capitis", Side::right), nullptr);
    EXPECT_NE(find(plan, "sternocleidomastoid", Side::left), nullptr);
    EXPECT_NE(find(plan, "trapezius", Side::left), nullptr);
    EXPECT_EQ(find(plan, "sternocleidomastoid", Side::right), nullptr);
}

TEST(CdPlan, SagittalFormsAreBilateral) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"retrocaput", std::nullopt}}, t);
    ASSERT_EQ(plan.muscles.size(), 2u);
    EXPECT_EQ(plan.muscles[0].side, Side::left);
    EXPECT_EQ(plan.muscles[1].side, Side::right);
    EXPECT_DOUBLE_EQ(plan.total_min, 50);
    EXPECT_DOUBLE_EQ(plan.total_max, 150);
}

TEST(CdPlan, RangesCarryOverPerSide) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"torticaput", Side::left}}, t);
    const auto* oci = find(plan, "obliquus_capitis_inferior", Side::left);
    ASSERT_NE(oci, nullptr);
    EXPECT_DOUBLE_EQ(oci->units_min, 10);
    EXPECT_DOUBLE_EQ(oci->units_max, 25);
    EXPECT_EQ(oci->sites, 1);
    EXPECT_EQ(oci->guidance, Guidance::emg_or_ultrasound);
    EXPECT_TRUE(oci->placed);
    EXPECT_DOUBLE_EQ(plan.total_min, 25 + 10 + 25 + 25);
    EXPECT_DOUBLE_EQ(plan.total_max, 75 + 25 + 100 + 100);
}

TEST(CdPlan, SameMuscleSameSideMergesOnce) {
    const auto t = synthetic_templates();
    // Torticaput left: left splenius 25-75 (2 sites, none); laterocaput left: left splenius 30-50
    // (3, emg).
    const auto plan = plan_ok({{"torticaput", Side::left}, {"laterocaput", Side::left}}, t);
    const auto count =
        std::count_if(plan.muscles.begin(), plan.muscles.end(), [](const CdPlanMuscle& m) {
            return m.muscle == "splenius_capitis" && m.side == Side::left;
        });
    EXPECT_EQ(count, 1);
    const auto* sp = find(plan, "splenius_capitis", Side::left);
    ASSERT_NE(sp, nullptr);
    EXPECT_DOUBLE_EQ(sp->units_min, 30); // the larger minimum
    EXPECT_DOUBLE_EQ(sp->units_max, 75); // the larger maximum, not the sum
    EXPECT_EQ(sp->sites, 3);
    EXPECT_EQ(sp->guidance, Guidance::emg);
    EXPECT_EQ(sp->forms, (std::vector<std::string>{"torticaput", "laterocaput"}));
    EXPECT_EQ(sp->notes.size(), 1u); // the same note text once
}

TEST(CdPlan, EmgAndUltrasoundMergeToEither) {
    auto t = synthetic_templates();
    t.push_back(make_template("torticollis", {{"semispinalis_capitis", SideSpec::ipsilateral, 10,
                                               20, 1, Guidance::emg}}));
    const auto plan = plan_ok({{"laterocaput", Side::left}, {"torticollis", Side::left}}, t);
    const auto* ss = find(plan, "semispinalis_capitis", Side::left);
    ASSERT_NE(ss, nullptr);
    EXPECT_EQ(ss->guidance, Guidance::emg_or_ultrasound);
    EXPECT_FALSE(ss->placed);
}

TEST(CdPlan, ScmOnBothSidesFromTwoFormsWarns) {
    const auto t = synthetic_templates();
    // Torticaput left puts SCM on the right (25-100); laterocaput left puts it on the left (20-60).
    const auto plan = plan_ok({{"torticaput", Side::left}, {"laterocaput", Side::left}}, t);
    EXPECT_NE(find(plan, "sternocleidomastoid", Side::left), nullptr);
    EXPECT_NE(find(plan, "sternocleidomastoid", Side::right), nullptr);
    const auto r = rules(plan);
    EXPECT_TRUE(r.count("cd.bilateral-scm"));
    EXPECT_TRUE(r.count("cd.scm-cap")); // 100 + 60 > 100
}

TEST(CdPlan, ScmCapIsNotExceededAtExactly100) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"anterocollis", std::nullopt}}, t); // 2 × 50
    const auto r = rules(plan);
    EXPECT_FALSE(r.count("cd.scm-cap"));
    EXPECT_TRUE(r.count("cd.bilateral-scm"));
}

TEST(CdPlan, SessionAndFirstSessionCaps) {
    const auto t = synthetic_templates();
    // 25-75 + 10-25 + 25-100 + 25-100 = 85-300: above 200, not above 300.
    auto r = rules(plan_ok({{"torticaput", Side::left}}, t));
    EXPECT_TRUE(r.count("cd.first-session"));
    EXPECT_FALSE(r.count("cd.session-total"));
    // Adding laterocaput left: + SCM left 60 + semispinalis 75 (splenius merges) → 435.
    r = rules(plan_ok({{"torticaput", Side::left}, {"laterocaput", Side::left}}, t));
    EXPECT_TRUE(r.count("cd.session-total"));
    // Retrocaput alone: 150, below both.
    r = rules(plan_ok({{"retrocaput", std::nullopt}}, t));
    EXPECT_FALSE(r.count("cd.first-session"));
    EXPECT_FALSE(r.count("cd.session-total"));
}

TEST(CdPlan, CapsComeFromTheTemplateLimits) {
    auto t = synthetic_templates();
    for (auto& p : t)
        p.limits.max_total_units = 120;
    const auto r = rules(plan_ok({{"retrocaput", std::nullopt}}, t)); // 150 > 120
    EXPECT_TRUE(r.count("cd.session-total"));
}

TEST(CdPlan, LevatorScapulaeWarns) {
    const auto t = synthetic_templates();
    EXPECT_TRUE(rules(plan_ok({{"laterocollis", Side::right}}, t)).count("cd.levator-scapulae"));
    EXPECT_FALSE(rules(plan_ok({{"torticaput", Side::right}}, t)).count("cd.levator-scapulae"));
}

TEST(CdPlan, PosteriorSymmetryReminderOnlyWithoutTilt) {
    const auto t = synthetic_templates();
    EXPECT_TRUE(rules(plan_ok({{"retrocaput", std::nullopt}}, t)).count("cd.posterior-symmetry"));
    EXPECT_FALSE(rules(plan_ok({{"torticaput", Side::left}}, t))
                     .count("cd.posterior-symmetry")); // one side only
    // With a lateral form (a tilt is being treated) the reminder does not apply.
    EXPECT_FALSE(rules(plan_ok({{"retrocaput", std::nullopt}, {"laterocaput", Side::left}}, t))
                     .count("cd.posterior-symmetry"));
}

TEST(CdPlan, NotesForGuidanceUnplacedAndShifts) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"anterocollis", std::nullopt}, {"retrocaput", std::nullopt}}, t);
    const auto r = rules(plan);
    EXPECT_TRUE(r.count("cd.guidance"));
    EXPECT_TRUE(r.count("cd.not-on-model")); // longus colli
    EXPECT_TRUE(r.count("cd.shift"));        // forward sagittal shift
    for (const auto& w : plan.warnings)
        if (w.rule == "cd.guidance" || w.rule == "cd.not-on-model" || w.rule == "cd.shift") {
            EXPECT_EQ(w.severity, Severity::note) << w.rule;
        }
    EXPECT_FALSE(find(plan, "longus_colli", Side::left)->placed);

    const auto lateral =
        rules(plan_ok({{"laterocollis", Side::left}, {"laterocaput", Side::right}}, t));
    EXPECT_TRUE(lateral.count("cd.shift"));
    const auto same_side =
        rules(plan_ok({{"laterocollis", Side::left}, {"laterocaput", Side::left}}, t));
    EXPECT_FALSE(same_side.count("cd.shift"));
}

TEST(CdPlan, ChoiceErrors) {
    const auto t = synthetic_templates();
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{}, t)),
              std::vector<std::string>{"cd.no-forms"});
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{{"torticaput", std::nullopt}}, t)),
              std::vector<std::string>{"cd.side-required"});
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{{"retrocaput", Side::left}}, t)),
              std::vector<std::string>{"cd.side-not-allowed"});
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{{"wryneck", Side::left}}, t)),
              std::vector<std::string>{"cd.unknown-form"});
    EXPECT_EQ(
        error_rules(make_cd_plan(
            std::vector<CdFormChoice>{{"torticaput", Side::left}, {"torticaput", Side::right}}, t)),
        std::vector<std::string>{"cd.duplicate-form"});
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{{"antecaput", std::nullopt},
                                                                 {"retrocaput", std::nullopt}},
                                       t)),
              std::vector<std::string>{"cd.contradictory-forms"});
    EXPECT_EQ(error_rules(make_cd_plan(std::vector<CdFormChoice>{{"torticollis", Side::left}}, t)),
              std::vector<std::string>{"cd.no-template"});
    EXPECT_FALSE(
        make_cd_plan(std::vector<CdFormChoice>{{"torticaput", Side::left}}, std::vector<Protocol>{})
            .ok());
}

TEST(CdPlan, DescribeForms) {
    const std::vector<CdFormChoice> c = {{"torticaput", Side::left}, {"retrocollis", std::nullopt}};
    EXPECT_EQ(describe_cd_forms(c), "torticaput to the left + retrocollis");
}

TEST(CdPlanProtocol, SitesResolvedWithMidpointUnits) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"torticaput", Side::right}}, t);
    const Protocol p = make_plan_protocol(plan, t);
    EXPECT_EQ(p.id, "cd-plan");
    EXPECT_EQ(p.paradigm, Paradigm::custom);
    EXPECT_EQ(p.indication, std::string(kCervicalDystonia));
    EXPECT_FALSE(p.cd.has_value());
    ASSERT_EQ(p.steps.size(), 4u); // all four placed
    std::map<std::string, const Site*> sites;
    for (const auto& step : p.steps)
        for (const auto& s : step.sites)
            sites[s.id] = &s;
    ASSERT_TRUE(sites.count("splenius_capitis_1_right"));
    ASSERT_TRUE(sites.count("splenius_capitis_2_right"));
    ASSERT_TRUE(sites.count("sternocleidomastoid_1_left"));
    const Site& sp = *sites["splenius_capitis_1_right"];
    EXPECT_EQ(sp.side, Side::right);
    EXPECT_EQ(sp.side_spec, SideSpec::right);
    EXPECT_EQ(sp.base_id, "splenius_capitis_1");
    EXPECT_DOUBLE_EQ(sp.units, 25.0); // (25 + 75) / 2 over 2 sites
    EXPECT_DOUBLE_EQ(sites["obliquus_capitis_inferior_1_right"]->units,
                     17.5); // (10 + 25) / 2, 1 site
    EXPECT_EQ(sites["sternocleidomastoid_1_left"]->side, Side::left);
    EXPECT_DOUBLE_EQ(p.total_units(), 25 * 2 + 17.5 + 62.5 + 62.5);
    // Template views assume a posture to the left; to the right they are mirrored.
    for (const auto& step : p.steps)
        EXPECT_EQ(step.view, "oblique-right") << step.id;
    EXPECT_EQ(p.sources.size(), 1u);
    EXPECT_EQ(p.limits.max_total_units, 300);
}

TEST(CdPlanProtocol, BackObliqueViewsMirrorForARightPosture) {
    // A template step seen from behind the left shoulder is seen from behind the right one when
    // the posture is to the right; back-above has no side and stays.
    for (const auto& [view, mirrored] : std::vector<std::pair<std::string, std::string>>{
             {"left-back", "right-back"}, {"back-above", "back-above"}}) {
        std::vector<Protocol> t = {
            make_template("torticaput", {{"splenius_capitis", SideSpec::ipsilateral, 25, 75}},
                          {"splenius_capitis"}, view)};
        const Protocol right = make_plan_protocol(plan_ok({{"torticaput", Side::right}}, t), t);
        const Protocol left = make_plan_protocol(plan_ok({{"torticaput", Side::left}}, t), t);
        ASSERT_EQ(right.steps.size(), 1u);
        ASSERT_EQ(left.steps.size(), 1u);
        EXPECT_EQ(right.steps[0].view, mirrored);
        EXPECT_EQ(left.steps[0].view, view);
    }
}

TEST(CdPlanProtocol, FractionChoosesWhereInTheRange) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"retrocaput", std::nullopt}}, t);
    const Protocol lo = make_plan_protocol(plan, t, 0.0);
    const Protocol hi = make_plan_protocol(plan, t, 1.0);
    const Protocol clamped = make_plan_protocol(plan, t, 7.0);
    EXPECT_DOUBLE_EQ(lo.total_units(), 50);
    EXPECT_DOUBLE_EQ(hi.total_units(), 150);
    EXPECT_DOUBLE_EQ(clamped.total_units(), 150);
    // Bilateral template sites (read as _left/_right pairs) give one site per side, not two.
    ASSERT_EQ(lo.steps.size(), 2u);
    EXPECT_EQ(lo.steps[0].sites.size(), 2u);
    EXPECT_EQ(lo.steps[0].sites[0].id, "splenius_capitis_1_left");
    EXPECT_EQ(lo.steps[1].sites[0].id, "splenius_capitis_1_right");
    EXPECT_EQ(lo.steps[0].view, "back");
}

TEST(CdPlanProtocol, UnplacedMusclesAreNamedNotPlaced) {
    const auto t = synthetic_templates();
    const auto plan = plan_ok({{"anterocollis", std::nullopt}}, t);
    const Protocol p = make_plan_protocol(plan, t);
    for (const auto& step : p.steps)
        for (const auto& s : step.sites)
            EXPECT_NE(s.muscle, "longus_colli");
    EXPECT_TRUE(std::any_of(
        p.provisional_notes.begin(), p.provisional_notes.end(),
        [](const std::string& n) { return n.find("longus colli") != std::string::npos; }));
    EXPECT_DOUBLE_EQ(p.total_units(), 2 * 32.5);
}

TEST(CdPlanProtocol, MergedMuscleUsesTheTemplateWithMostSites) {
    auto t = synthetic_templates();
    t[1] = make_template("laterocaput",
                         {{"splenius_capitis", SideSpec::ipsilateral, 30, 50, 3, Guidance::emg}},
                         {"splenius_capitis"});
    const auto plan = plan_ok({{"torticaput", Side::left}, {"laterocaput", Side::left}}, t);
    const Protocol p = make_plan_protocol(plan, t);
    const Step* sp = nullptr;
    for (const auto& step : p.steps)
        if (!step.sites.empty() && step.sites[0].muscle == "splenius_capitis")
            sp = &step;
    ASSERT_NE(sp, nullptr);
    EXPECT_EQ(sp->sites.size(), 3u);
    EXPECT_NEAR(sp->sites[0].units, (30 + 75) / 2.0 / 3.0, 1e-9);
    EXPECT_EQ(sp->sites[0].guidance, Guidance::emg);
}

// ---- The shipped templates: every form and side maps to the muscles of domain.md §3.2. ----

namespace {

std::vector<Protocol> shipped_templates() {
    std::vector<Protocol> out;
    for (std::string_view form : kCdForms) {
        const auto path =
            injmap::test::source_dir() / "protocols" / ("cd-" + std::string(form) + ".toml");
        auto r = read_protocol_file(path);
        EXPECT_TRUE(r.ok()) << path;
        for (const auto& d : r.diagnostics)
            if (d.severity == Severity::error)
                ADD_FAILURE() << format_diagnostic(d);
        if (r.value)
            out.push_back(std::move(*r.value));
    }
    return out;
}

using MuscleSides = std::set<std::pair<std::string, Side>>;

MuscleSides sides_of(const CdPlan& plan) {
    MuscleSides out;
    for (const auto& m : plan.muscles)
        out.insert({m.muscle, m.side});
    return out;
}

struct Expected {
    std::vector<std::string> ipsi, contra, bilateral;
};

// domain.md §3.2, the Col-Cap table (muscles the models lack included as candidates).
const std::map<std::string, Expected>& expected_table() {
    static const std::map<std::string, Expected> table = {
        {"torticaput",
         {{"splenius_capitis", "obliquus_capitis_inferior", "longissimus_capitis"},
          {"sternocleidomastoid", "trapezius"},
          {}}},
        {"torticollis",
         {{"levator_scapulae", "splenius_cervicis", "longissimus_cervicis"},
          {"semispinalis_cervicis"},
          {}}},
        {"laterocaput",
         {{"sternocleidomastoid", "splenius_capitis", "semispinalis_capitis", "trapezius",
           "longissimus_capitis"},
          {},
          {}}},
        {"laterocollis",
         {{"levator_scapulae", "scalenus_anterior", "scalenus_medius", "scalenus_posterior",
           "splenius_cervicis", "longissimus_cervicis", "semispinalis_cervicis"},
          {},
          {}}},
        {"antecaput", {{}, {}, {"longus_capitis", "rectus_capitis_anterior"}}},
        {"anterocollis",
         {{}, {}, {"longus_colli", "scalenus_anterior", "sternocleidomastoid", "platysma"}}},
        {"retrocaput",
         {{},
          {},
          {"splenius_capitis", "semispinalis_capitis", "trapezius",
           "rectus_capitis_posterior_major", "rectus_capitis_posterior_minor",
           "obliquus_capitis_superior"}}},
        {"retrocollis",
         {{},
          {},
          {"semispinalis_cervicis", "splenius_cervicis", "levator_scapulae",
           "longissimus_cervicis"}}},
    };
    return table;
}

} // namespace

TEST(CdPlanShipped, EveryFormAndSideMapsToTheColCapMuscles) {
    const auto templates = shipped_templates();
    ASSERT_EQ(templates.size(), kCdForms.size());
    for (const auto& [form, expected] : expected_table()) {
        const bool sagittal = cd_form_is_sagittal(form);
        for (std::optional<Side> side :
             sagittal ? std::vector<std::optional<Side>>{std::nullopt}
                      : std::vector<std::optional<Side>>{Side::left, Side::right}) {
            const auto plan = plan_ok({{form, side}}, templates);
            MuscleSides want;
            for (const auto& m : expected.ipsi)
                want.insert({m, *side});
            for (const auto& m : expected.contra)
                want.insert({m, *side == Side::left ? Side::right : Side::left});
            for (const auto& m : expected.bilateral) {
                want.insert({m, Side::left});
                want.insert({m, Side::right});
            }
            EXPECT_EQ(sides_of(plan), want)
                << form << (side ? std::string(" ") + to_string(*side) : "");
        }
    }
}

TEST(CdPlanShipped, DeepMusclesAreFlaggedForGuidance) {
    const auto templates = shipped_templates();
    const std::set<std::string> deep = {
        "obliquus_capitis_inferior", "longus_colli",          "longus_capitis",
        "semispinalis_capitis",      "semispinalis_cervicis", "longissimus_capitis",
        "longissimus_cervicis",      "scalenus_anterior",     "scalenus_medius",
        "scalenus_posterior",        "levator_scapulae"};
    for (const auto& t : templates)
        for (const auto& c : t.cd->candidates)
            if (deep.count(c.muscle)) {
                EXPECT_NE(c.guidance, Guidance::none) << t.id << " " << c.muscle;
            }
}

TEST(CdPlanShipped, TypicalPlansAndTheirWarnings) {
    const auto templates = shipped_templates();
    // Torticaput left: left splenius capitis, right SCM (the EMG pattern in 89 %).
    auto plan = plan_ok({{"torticaput", Side::left}}, templates);
    EXPECT_NE(find(plan, "splenius_capitis", Side::left), nullptr);
    EXPECT_NE(find(plan, "sternocleidomastoid", Side::right), nullptr);
    EXPECT_FALSE(rules(plan).count("cd.bilateral-scm"));
    // Anterocollis: SCM on both sides at the halved range, total exactly at the cap.
    plan = plan_ok({{"anterocollis", std::nullopt}}, templates);
    EXPECT_TRUE(rules(plan).count("cd.bilateral-scm"));
    EXPECT_FALSE(rules(plan).count("cd.scm-cap"));
    // Torticaput left + laterocaput left: SCM on both sides at full range → over the SCM cap.
    plan = plan_ok({{"torticaput", Side::left}, {"laterocaput", Side::left}}, templates);
    EXPECT_TRUE(rules(plan).count("cd.scm-cap"));
    EXPECT_TRUE(rules(plan).count("cd.session-total"));
    // Every plan the shipped templates make turns into a protocol whose sites are all left or
    // right, with unique ids and no site above 50 U.
    for (std::string_view form : kCdForms) {
        std::vector<CdFormChoice> choice = {
            {std::string(form),
             cd_form_is_sagittal(form) ? std::nullopt : std::optional<Side>(Side::right)}};
        const auto p = make_plan_protocol(plan_ok(choice, templates), templates);
        std::set<std::string> ids;
        for (const auto& step : p.steps)
            for (const auto& s : step.sites) {
                EXPECT_TRUE(ids.insert(s.id).second) << s.id;
                EXPECT_NE(s.side, Side::midline) << s.id;
                EXPECT_LE(s.units, 50.0) << s.id;
                EXPECT_GT(s.units, 0.0) << s.id;
            }
    }
}
