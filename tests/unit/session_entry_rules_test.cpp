// Issue 20's session rules: a plan past its limits cannot start and names the muscle to lower
// (Session::check_plan, check_plan_protocol, the entry rule plan_within_limits); a dose above a
// site's plan is accepted within the limits with a reason, recorded on the inject line; a skipped
// site can be injected later; an optional site needs its own confirmation (entry rules). The
// entry rules are off by default, so the headless command and replays keep their behaviour.
#include <cmath>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include <gtest/gtest.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/cd_plan.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/units_format.hpp"

namespace {
using namespace injmap;
namespace fs = std::filesystem;
using std::chrono::seconds;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

SessionClock ticking_clock() {
    auto ticks = std::make_shared<int>(0);
    return [ticks] { return kT0 + seconds((*ticks)++); };
}

Site make_site(const std::string& id, const std::string& muscle, Side side, double units,
               bool optional = false) {
    Site s;
    s.id = id;
    s.base_id = id;
    s.muscle = muscle;
    s.side = side;
    s.units = units;
    s.optional = optional;
    return s;
}

// A neck plan without a fixed dose: splenius 2 × 20 U left, SCM 2 × 25 U right, one optional
// 10-U trapezius site; at most 40 U per site, 120 U per session, 30 U of follow-the-pain extras.
Protocol neck(double scm_units = 25.0) {
    Protocol p;
    p.id = "neck";
    p.reconstitution = {100.0, 1.0};
    Step back;
    back.id = "back";
    back.sites = {make_site("splenius_1_left", "splenius_capitis", Side::left, 20.0),
                  make_site("splenius_2_left", "splenius_capitis", Side::left, 20.0),
                  make_site("trapezius_ftp_left", "trapezius", Side::left, 10.0, true)};
    Step front;
    front.id = "front";
    front.sites = {make_site("scm_1_right", "sternocleidomastoid", Side::right, scm_units),
                   make_site("scm_2_right", "sternocleidomastoid", Side::right, scm_units)};
    p.steps = {back, front};
    p.limits.max_units_per_site = 40.0;
    p.limits.max_total_units = 120.0;
    FollowThePainLimits ftp;
    ftp.max_extra_units = 30.0;
    ftp.max_extra_sites = 2;
    ftp.muscles = {"trapezius"};
    p.limits.follow_the_pain = ftp;
    return p;
}

ChecklistAnswers all_no() {
    ChecklistAnswers a;
    a.answers = {{"allergy", false, ""}};
    a.warning_acknowledged = true;
    return a;
}

Session started(Protocol p, SessionEntryRules rules = {}) {
    Session s(std::make_shared<const Protocol>(std::move(p)), ticking_clock());
    s.set_entry_rules(rules);
    EXPECT_TRUE(s.start().ok());
    EXPECT_TRUE(s.answer_checklist(all_no()).ok());
    return s;
}

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("injmap-entry-rules-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// --- a plan within its limits -----------------------------------------------------------------

TEST(SessionPlanCheck, APlanWithinItsLimitsPasses) {
    Session s(std::make_shared<const Protocol>(neck()));
    EXPECT_TRUE(s.check_plan().ok()) << s.check_plan().reason; // 40 + 50 = 90 U ≤ 120
}

TEST(SessionPlanCheck, APlanOverTheSessionCapNamesTheLargestMuscleToLower) {
    // SCM 2 × 45 = 90 U right, splenius 40 U left: 130 U, 10 above the 120-U cap.
    Protocol p = neck(45.0);
    p.limits.max_units_per_site = 50.0;
    Session s(std::make_shared<const Protocol>(p));
    const Outcome o = s.check_plan();
    EXPECT_EQ(o.code, "session.plan-over-limit");
    EXPECT_NE(o.reason.find("130 U"), std::string::npos) << o.reason;
    EXPECT_NE(o.reason.find("lower right sternocleidomastoid (90 U) by 10 U"), std::string::npos)
        << o.reason;
}

TEST(SessionPlanCheck, OptionalSitesAreNotPartOfThePlan) {
    // 40 + 50 = 90 U required, capped at exactly that: the optional 10-U site must not count.
    Protocol p = neck();
    p.limits.max_total_units = 90.0;
    Session s(std::make_shared<const Protocol>(p));
    EXPECT_TRUE(s.check_plan().ok()) << s.check_plan().reason;
}

TEST(SessionPlanCheck, ASitePlannedAboveThePerSiteLimitIsNamed) {
    Protocol p = neck(45.0); // 45 U at an SCM site, above 40 U per site
    p.limits.max_total_units = 300.0;
    const Outcome o = Session(std::make_shared<const Protocol>(p)).check_plan();
    EXPECT_EQ(o.code, "session.plan-over-limit");
    EXPECT_NE(o.reason.find("scm_1_right"), std::string::npos) << o.reason;
    EXPECT_NE(o.reason.find("lower right sternocleidomastoid"), std::string::npos) << o.reason;
}

TEST(SessionPlanCheck, StartIsRefusedOnlyUnderTheEntryRule) {
    Protocol p = neck(45.0);
    p.limits.max_units_per_site = 50.0;
    Session strict(std::make_shared<const Protocol>(p));
    strict.set_entry_rules(SessionEntryRules::clinician());
    EXPECT_EQ(strict.start().code, "session.plan-over-limit");
    EXPECT_FALSE(strict.started());
    EXPECT_TRUE(strict.history().empty());
    // Without the rule (the headless command, replays) the start goes ahead as before.
    Session loose(std::make_shared<const Protocol>(p));
    EXPECT_TRUE(loose.start().ok());
}

TEST(SessionPlanCheck, TheRecorderWritesNoRecordForARefusedStart) {
    Protocol p = neck(45.0);
    p.limits.max_units_per_site = 50.0;
    const fs::path dir = fresh_dir("refused-start");
    const auto created = SessionRecorder::create(dir / "r.jsonl", std::make_shared<Protocol>(p), {},
                                                 {}, SessionEntryRules::clinician());
    EXPECT_FALSE(created.value.has_value());
    ASSERT_FALSE(created.diagnostics.empty());
    EXPECT_EQ(created.diagnostics.front().rule, "session.plan-over-limit");
    EXPECT_FALSE(fs::exists(dir / "r.jsonl"));
}

TEST(SessionPlanCheck, EveryShippedProtocolCanStartUnderTheClinicianRules) {
    for (const char* id : {"preempt-155", "preempt-ftp-195", "cd-torticaput", "cd-torticollis",
                           "cd-laterocaput", "cd-laterocollis", "cd-antecaput", "cd-anterocollis",
                           "cd-retrocaput", "cd-retrocollis", "blepharospasm"}) {
        const auto path = resolve_protocol(id);
        ASSERT_TRUE(path) << id;
        auto read = read_protocol_file(*path);
        ASSERT_TRUE(read.value) << id;
        Session s(std::make_shared<const Protocol>(std::move(*read.value)));
        s.set_entry_rules(SessionEntryRules::clinician());
        EXPECT_TRUE(s.start().ok()) << id << ": " << s.check_plan().reason;
    }
}

// --- a cervical dystonia plan: the limit check and the figures shown -------------------------

TEST(CdPlanCheck, TheHighestTorticaputPlanIsOverTheCapAndNamesAMuscle) {
    auto templates = load_cd_templates();
    ASSERT_TRUE(templates.value) << (templates.diagnostics.empty()
                                         ? std::string()
                                         : templates.diagnostics.front().message);
    const CdFormChoice choice{"torticaput", Side::left};
    auto plan = make_cd_plan(std::span(&choice, 1), *templates.value);
    ASSERT_TRUE(plan.value);
    const Protocol mid = make_plan_protocol(*plan.value, *templates.value, 0.5);
    EXPECT_FALSE(check_plan_protocol(mid).has_value()) << check_plan_protocol(mid)->message;
    const Protocol high = make_plan_protocol(*plan.value, *templates.value, 1.0);
    ASSERT_GT(high.total_units(false), 300.0);
    const auto problem = check_plan_protocol(high);
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->rule, "cd.plan-over-limit");
    EXPECT_EQ(problem->severity, Severity::error);
    EXPECT_NE(problem->message.find("lower "), std::string::npos) << problem->message;
    EXPECT_NE(problem->message.find("sternocleidomastoid"), std::string::npos) << problem->message;
}

TEST(CdPlanCheck, StepTextsGiveThePlansUnitsNotTheTemplatesExample) {
    auto templates = load_cd_templates();
    ASSERT_TRUE(templates.value);
    const CdFormChoice choice{"torticaput", Side::left};
    auto plan = make_cd_plan(std::span(&choice, 1), *templates.value);
    ASSERT_TRUE(plan.value);
    const Protocol p = make_plan_protocol(*plan.value, *templates.value, 0.5);
    ASSERT_FALSE(p.steps.empty());
    for (const Step& step : p.steps) {
        EXPECT_EQ(step.instruction.find("shown:"), std::string::npos) << step.instruction;
        EXPECT_EQ(step.instruction.find("the low end"), std::string::npos) << step.instruction;
        ASSERT_FALSE(step.sites.empty());
        // The per-site figure in the text is the units a session records for the site.
        const std::string figure = format_units(step.sites.front().units) + " U per site";
        EXPECT_NE(step.instruction.find("this plan: " + figure), std::string::npos)
            << step.instruction;
        for (const Site& site : step.sites) // hundredths: shown exactly as recorded
            EXPECT_DOUBLE_EQ(site.units, std::round(site.units * 100.0) / 100.0) << site.id;
    }
}

// --- a dose above the plan ---------------------------------------------------------------------

TEST(SessionOverPlan, ADoseAboveThePlanWithAReasonIsRecordedWithinTheLimits) {
    Session s = started(neck(), SessionEntryRules::clinician());
    ASSERT_EQ(s.current_site()->id, "splenius_1_left");
    EXPECT_TRUE(s.over_plan(*s.current(), 30.0));
    EXPECT_FALSE(s.over_plan(*s.current(), 20.0));
    // Without a reason the entry rule asks for one; nothing is recorded.
    const std::size_t before = s.history().size();
    EXPECT_EQ(s.inject(30.0).code, "session.over-plan-reason");
    EXPECT_EQ(s.history().size(), before);
    EXPECT_EQ(s.can_inject(30.0).code, "session.over-plan-reason");
    EXPECT_TRUE(s.can_inject(30.0, "stronger pull").ok());
    EXPECT_TRUE(s.inject(30.0, "  stronger pull on examination ").ok());
    const SessionSite& site = s.sites()[0];
    EXPECT_EQ(site.status, SiteStatus::injected);
    EXPECT_DOUBLE_EQ(site.units_given, 30.0);
    EXPECT_EQ(site.reason, "stronger pull on examination");
    EXPECT_EQ(s.history().back().reason, "stronger pull on examination");
}

TEST(SessionOverPlan, AReasonDoesNotLiftTheLimits) {
    Session s = started(neck(), SessionEntryRules::clinician());
    const Outcome o = s.inject(45.0, "very strong pull");
    EXPECT_EQ(o.code, "session.over-site-limit"); // 40 U per site
    EXPECT_EQ(s.can_inject(45.0, "very strong pull").code, "session.over-site-limit");
    EXPECT_EQ(s.sites()[0].status, SiteStatus::pending);
}

TEST(SessionOverPlan, WithoutTheEntryRuleNoReasonIsNeeded) {
    Session s = started(neck());
    EXPECT_TRUE(s.inject(30.0).ok()); // the headless command's `inject 30` as before
    EXPECT_TRUE(s.sites()[0].reason.empty());
}

TEST(SessionOverPlan, TheReasonIsWrittenReadAndReplayed) {
    const fs::path dir = fresh_dir("reason-record");
    const fs::path path = dir / "r.jsonl";
    {
        auto created = SessionRecorder::create(path, std::make_shared<Protocol>(neck()), {},
                                               ticking_clock(), SessionEntryRules::clinician());
        ASSERT_TRUE(created.value);
        SessionRecorder& r = *created.value;
        ASSERT_TRUE(r.answer_checklist(all_no()).ok());
        EXPECT_EQ(r.inject(30.0).code, "session.over-plan-reason");
        ASSERT_TRUE(r.inject(30.0, "stronger pull on examination").ok());
        ASSERT_TRUE(r.inject().ok()); // at the plan: no reason, none written
    }
    const auto record = read_session_record(path);
    ASSERT_TRUE(record.value);
    ASSERT_EQ(record.value->actions.size(), 4u);
    EXPECT_EQ(record.value->actions[2].reason, "stronger pull on examination");
    EXPECT_TRUE(record.value->actions[3].reason.empty()); // an inject line without "reason"
    auto replayed = replay_session_record(*record.value, std::make_shared<Protocol>(neck()));
    ASSERT_TRUE(replayed.value);
    EXPECT_EQ(replayed.value->sites()[0].reason, "stronger pull on examination");
    EXPECT_DOUBLE_EQ(replayed.value->sites()[0].units_given, 30.0);
    EXPECT_TRUE(replayed.value->sites()[1].reason.empty());
}

TEST(SessionOverPlan, OldRecordsWithoutTheFieldStillReadAndReplay) {
    // A format 1 record, written before inject lines could carry a reason.
    const std::string text = "{\"action\":\"start\",\"format\":1,\"protocol\":\"neck\",\"time\":"
                             "\"2024-05-01T09:30:00Z\"}\n"
                             "{\"action\":\"inject\",\"site\":\"splenius_1_left\",\"units\":30.0,"
                             "\"time\":\"2024-05-01T09:30:10Z\"}\n";
    const auto record = parse_session_record(text, "old.jsonl");
    ASSERT_TRUE(record.value);
    ASSERT_EQ(record.value->actions.size(), 2u);
    EXPECT_TRUE(record.value->actions[1].reason.empty());
    const auto replayed = replay_session_record(*record.value, std::make_shared<Protocol>(neck()));
    ASSERT_TRUE(replayed.value);
    EXPECT_DOUBLE_EQ(replayed.value->sites()[0].units_given, 30.0); // above plan, no reason: read
}

// --- a skipped site re-opened --------------------------------------------------------------------

TEST(SessionSkipped, ASkippedSiteCanBeInjectedLaterAndBackSkipsItAgain) {
    Session s = started(neck());
    ASSERT_TRUE(s.skip("bruise").ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::skipped);
    EXPECT_EQ(s.current_site()->id, "splenius_2_left"); // the cursor moved on
    ASSERT_TRUE(s.go_to("splenius_1_left").ok());
    EXPECT_EQ(s.status(0), SiteStatus::skipped);
    EXPECT_TRUE(s.can_inject().ok());
    ASSERT_TRUE(s.inject().ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::injected);
    EXPECT_DOUBLE_EQ(s.sites()[0].units_given, 20.0);
    EXPECT_TRUE(s.sites()[0].reason.empty()); // the skip's reason is not the dose's
    EXPECT_EQ(s.tallies().skipped, 0);
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::skipped);
    EXPECT_EQ(s.sites()[0].reason, "bruise");
}

// --- an optional site needs its own confirmation -------------------------------------------------

TEST(SessionOptional, AnOptionalSiteIsNotGivenWithoutItsConfirmation) {
    Session s = started(neck(), SessionEntryRules::clinician());
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.inject().ok());
    ASSERT_EQ(s.current_site()->id, "trapezius_ftp_left");
    EXPECT_EQ(s.inject().code, "session.optional-unconfirmed");
    EXPECT_EQ(s.can_inject().code, "session.optional-unconfirmed");
    EXPECT_EQ(s.sites()[2].status, SiteStatus::pending);
    EXPECT_DOUBLE_EQ(s.tallies().extra.units, 0.0);
    ASSERT_TRUE(s.inject(std::nullopt, {}, true).ok());
    EXPECT_EQ(s.sites()[2].status, SiteStatus::injected);
    EXPECT_DOUBLE_EQ(s.tallies().extra.units, 10.0);
}

TEST(SessionOptional, RequiredSitesNeedNoConfirmationAndTheRuleIsOffByDefault) {
    Session strict = started(neck(), SessionEntryRules::clinician());
    EXPECT_TRUE(strict.inject().ok()); // a required site
    Session loose = started(neck());
    ASSERT_TRUE(loose.go_to("trapezius_ftp_left").ok());
    EXPECT_TRUE(loose.inject().ok()); // the headless command's behaviour
}

} // namespace
