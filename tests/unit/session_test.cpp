// The session state machine: every transition, every refusal code, follow-the-pain limits, undo of
// each action kind, tallies and dose logistics. Protocols are built in code.
#include <cmath>
#include <limits>
#include <memory>

#include <gtest/gtest.h>

#include "injmap/protocols/session.hpp"

namespace {
using namespace injmap;
using std::chrono::seconds;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

// A clock that moves one second per reading, so every action gets its own time.
SessionClock ticking_clock(std::shared_ptr<int> ticks = std::make_shared<int>(0)) {
    return [ticks] { return kT0 + seconds((*ticks)++); };
}

Site make_site(const std::string& id, const std::string& muscle, Side side, double units = 5.0,
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

// A small PREEMPT-like protocol: 7 required 5-U sites (35 U) and one optional temporalis site.
// FTP: temporalis (≤1 extra site) and trapezius (≤2), ≤3 extra sites, ≤15 extra units, ≤50 U total.
Protocol mini_protocol() {
    Protocol p;
    p.id = "mini";
    p.title = "Mini";
    p.reconstitution = {100.0, 2.0}; // 5 U per 0.1 mL
    Step front;
    front.id = "front";
    front.sites = {make_site("corrugator_left", "corrugator", Side::left),
                   make_site("corrugator_right", "corrugator", Side::right),
                   make_site("procerus", "procerus", Side::midline)};
    Step temples;
    temples.id = "temples";
    temples.sites = {make_site("temporalis_1_left", "temporalis", Side::left),
                     make_site("temporalis_1_right", "temporalis", Side::right),
                     make_site("temporalis_ftp_left", "temporalis", Side::left, 5.0, true)};
    Step shoulders;
    shoulders.id = "shoulders";
    shoulders.sites = {make_site("trapezius_1_left", "trapezius", Side::left),
                       make_site("trapezius_1_right", "trapezius", Side::right)};
    p.steps = {front, temples, shoulders};
    p.limits.units_per_site = 5.0;
    p.limits.max_total_units = 50.0;
    p.limits.max_units_per_muscle["corrugator"] = 8.0;
    FollowThePainLimits ftp;
    ftp.max_extra_units = 15.0;
    ftp.max_extra_sites = 3;
    ftp.muscles = {"temporalis", "trapezius"};
    ftp.max_sites_per_muscle = {{"temporalis", 1}, {"trapezius", 2}};
    p.limits.follow_the_pain = ftp;
    return p;
}

std::shared_ptr<const Protocol> shared(Protocol p) {
    return std::make_shared<const Protocol>(std::move(p));
}

// Every answer no, the boxed warning acknowledged (no checklist definition: ids are not checked).
ChecklistAnswers all_no() {
    ChecklistAnswers a;
    for (const char* id : {"allergy", "infection", "neuromuscular"})
        a.answers.push_back({id, false, ""});
    a.warning_acknowledged = true;
    return a;
}

// Started, with the checklist answered at the start time (every new session needs it before
// injecting; an explicit time leaves the ticking clock where it was).
Session started_session(Protocol p = mini_protocol()) {
    Session s(shared(std::move(p)), ticking_clock());
    EXPECT_TRUE(s.start().ok());
    SessionAction checklist;
    checklist.kind = ActionKind::checklist;
    checklist.checklist = all_no();
    checklist.time = kT0;
    EXPECT_TRUE(s.apply(checklist).ok());
    return s;
}

TEST(Session, SitesFollowTheProtocolOrder) {
    Session s(shared(mini_protocol()), ticking_clock());
    ASSERT_EQ(s.sites().size(), 8u);
    EXPECT_EQ(s.protocol_site_count(), 8u);
    EXPECT_EQ(s.sites()[0].id, "corrugator_left");
    EXPECT_EQ(s.sites()[2].side, Side::midline);
    EXPECT_EQ(s.sites()[7].id, "trapezius_1_right");
    EXPECT_TRUE(s.sites()[5].optional);
    for (std::size_t i = 0; i < s.sites().size(); ++i)
        EXPECT_EQ(s.status(i), SiteStatus::pending);
    EXPECT_FALSE(s.current());
}

TEST(Session, NothingBeforeStart) {
    Session s(shared(mini_protocol()), ticking_clock());
    EXPECT_EQ(s.inject().code, "session.not-started");
    EXPECT_EQ(s.skip("x").code, "session.not-started");
    EXPECT_EQ(s.back().code, "session.not-started");
    EXPECT_EQ(s.add("trapezius", Side::left).code, "session.not-started");
    EXPECT_EQ(s.finish().code, "session.not-started");
    EXPECT_EQ(s.next().code, "session.not-started");
    EXPECT_EQ(s.previous().code, "session.not-started");
    EXPECT_EQ(s.go_to("procerus").code, "session.not-started");
    EXPECT_TRUE(s.history().empty());
}

TEST(Session, StartPutsTheCursorOnTheFirstSite) {
    Session s(shared(mini_protocol()), ticking_clock());
    SessionStart info;
    info.label = "demo";
    info.model = "adult-female";
    ASSERT_TRUE(s.start(info).ok());
    EXPECT_TRUE(s.started());
    EXPECT_EQ(s.started_at(), kT0);
    EXPECT_EQ(s.current(), 0u);
    EXPECT_EQ(s.status(0), SiteStatus::current);
    EXPECT_EQ(s.start_info().protocol_id, "mini"); // filled from the protocol
    EXPECT_EQ(s.start_info().label, "demo");
    ASSERT_EQ(s.history().size(), 1u);
    EXPECT_EQ(s.history()[0].kind, ActionKind::start);
    EXPECT_EQ(s.history()[0].time, kT0);
    EXPECT_EQ(s.start().code, "session.already-started");
}

TEST(Session, StartForAnotherProtocolIsRefused) {
    Session s(shared(mini_protocol()), ticking_clock());
    SessionStart info;
    info.protocol_id = "preempt-155";
    EXPECT_EQ(s.start(info).code, "session.protocol-mismatch");
    EXPECT_FALSE(s.started());
}

TEST(Session, InjectGivesThePlannedUnitsAndMovesOn) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());
    const SessionSite& site = s.sites()[0];
    EXPECT_EQ(site.status, SiteStatus::injected);
    EXPECT_DOUBLE_EQ(site.units_given, 5.0);
    EXPECT_EQ(site.time, kT0 + seconds(1));
    EXPECT_EQ(s.current(), 1u);
    EXPECT_EQ(s.status(1), SiteStatus::current);
    const SessionAction& a = s.history().back();
    EXPECT_EQ(a.kind, ActionKind::inject);
    EXPECT_EQ(a.site, "corrugator_left");
    EXPECT_EQ(a.units, 5.0);
    EXPECT_EQ(a.time, kT0 + seconds(1));
}

TEST(Session, InjectTakesEditedUnits) {
    Session s = started_session();
    ASSERT_TRUE(s.inject(2.5).ok());
    EXPECT_DOUBLE_EQ(s.sites()[0].units_given, 2.5);
    EXPECT_EQ(s.history().back().units, 2.5);
}

TEST(Session, InjectRefusesBadUnits) {
    Session s = started_session();
    EXPECT_EQ(s.inject(0.0).code, "session.bad-units");
    EXPECT_EQ(s.inject(-5.0).code, "session.bad-units");
    EXPECT_EQ(s.inject(std::numeric_limits<double>::quiet_NaN()).code, "session.bad-units");
    EXPECT_EQ(s.inject(std::numeric_limits<double>::infinity()).code, "session.bad-units");
    // PREEMPT-like: units_per_site (5) caps a site when max_units_per_site is absent.
    EXPECT_EQ(s.inject(5.5).code, "session.over-site-limit");
    EXPECT_FALSE(s.inject(5.5).reason.empty());
    EXPECT_EQ(s.status(0), SiteStatus::current);
    EXPECT_EQ(s.history().size(), 2u); // nothing recorded after start and checklist
}

// units_per_site fixes the dose (check: dose.site-units at any other dose); a looser
// max_units_per_site does not lift it, in check or in the session.
TEST(Session, TheTightestPerSiteLimitWins) {
    Protocol p = mini_protocol();
    p.limits.max_units_per_site = 7.0;
    Session s = started_session(p);
    EXPECT_EQ(s.site_unit_limit(), 5.0);
    EXPECT_EQ(s.inject(7.0).code, "session.over-site-limit");
    p.limits.units_per_site.reset();
    Session loose = started_session(p);
    EXPECT_EQ(loose.site_unit_limit(), 7.0);
    EXPECT_EQ(loose.inject(7.5).code, "session.over-site-limit");
    EXPECT_TRUE(loose.inject(7.0).ok());
}

TEST(Session, NoPerSiteLimitWithoutOne) {
    Protocol p = mini_protocol();
    p.limits.units_per_site.reset();
    p.limits.max_total_units.reset();
    Session s = started_session(p);
    EXPECT_FALSE(s.site_unit_limit());
    EXPECT_TRUE(s.inject(40.0).ok());
}

TEST(Session, InjectRefusedPastTheSessionTotal) {
    Protocol p = mini_protocol();
    p.limits.max_total_units = 12.0;
    Session s = started_session(p);
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.inject().ok());
    EXPECT_EQ(s.inject().code, "session.over-total");
    EXPECT_TRUE(s.inject(2.0).ok()); // exactly 12 is allowed
}

TEST(Session, InjectRefusedPastMaxSites) {
    Protocol p = mini_protocol();
    p.limits.max_sites = 2;
    Session s = started_session(p);
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.inject().ok());
    EXPECT_EQ(s.inject().code, "session.over-site-count");
}

TEST(Session, SkipNeedsAReason) {
    Session s = started_session();
    EXPECT_EQ(s.skip("").code, "session.reason-required");
    EXPECT_EQ(s.skip("  \t ").code, "session.reason-required");
    ASSERT_TRUE(s.skip("  bruise at the site ").ok());
    const SessionSite& site = s.sites()[0];
    EXPECT_EQ(site.status, SiteStatus::skipped);
    EXPECT_EQ(site.reason, "bruise at the site");
    EXPECT_DOUBLE_EQ(site.units_given, 0.0);
    EXPECT_EQ(s.current(), 1u);
    EXPECT_EQ(s.history().back().reason, "bruise at the site");
    EXPECT_EQ(s.history().back().site, "corrugator_left");
}

TEST(Session, DoneSitesRefuseAgainButASkippedSiteCanStillBeInjected) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());     // corrugator_left
    ASSERT_TRUE(s.skip("pain").ok()); // corrugator_right
    ASSERT_TRUE(s.go_to("corrugator_left").ok());
    EXPECT_EQ(s.status(0), SiteStatus::injected); // the cursor does not hide a done site
    EXPECT_EQ(s.inject().code, "session.already-injected");
    EXPECT_EQ(s.skip("x").code, "session.already-injected");
    ASSERT_TRUE(s.previous().code == "session.no-previous");
    ASSERT_TRUE(s.next().ok());
    EXPECT_EQ(s.skip("again").code, "session.already-skipped");
    ASSERT_TRUE(s.inject().ok()); // the patient agreed after all
    EXPECT_EQ(s.sites()[1].status, SiteStatus::injected);
    EXPECT_TRUE(s.sites()[1].reason.empty());
    EXPECT_EQ(s.current(), 2u); // the next pending site after it
}

TEST(Session, CursorWrapsToTheFirstPendingSite) {
    Session s = started_session();
    ASSERT_TRUE(s.skip("later").ok()); // 0 skipped, cursor 1
    ASSERT_TRUE(s.go_to("trapezius_1_right").ok());
    ASSERT_TRUE(s.inject().ok()); // the last site; wraps to the first pending (1)
    EXPECT_EQ(s.current(), 1u);
}

TEST(Session, WhenEverySiteIsDoneThereIsNoCurrentSite) {
    Session s = started_session();
    for (int i = 0; i < 8; ++i)
        ASSERT_TRUE((i == 5 ? s.skip("not needed") : s.inject()).ok()) << i;
    EXPECT_FALSE(s.current());
    EXPECT_EQ(s.current_site(), nullptr);
    EXPECT_EQ(s.inject().code, "session.no-current-site");
    EXPECT_EQ(s.skip("x").code, "session.no-current-site");
    EXPECT_EQ(s.next().code, "session.no-next");
    ASSERT_TRUE(s.previous().ok()); // from "past the end" to the last site
    EXPECT_EQ(s.current(), 7u);
}

TEST(Session, NavigationDoesNotRecord) {
    Session s = started_session();
    EXPECT_EQ(s.previous().code, "session.no-previous");
    ASSERT_TRUE(s.next().ok());
    ASSERT_TRUE(s.next().ok());
    EXPECT_EQ(s.current(), 2u);
    ASSERT_TRUE(s.previous().ok());
    EXPECT_EQ(s.current(), 1u);
    ASSERT_TRUE(s.go_to("trapezius_1_right").ok());
    EXPECT_EQ(s.next().code, "session.no-next");
    EXPECT_EQ(s.go_to("nope").code, "session.unknown-site");
    EXPECT_EQ(s.history().size(), 2u); // start and checklist
    ASSERT_TRUE(s.inject().ok());
    EXPECT_EQ(s.history().back().site, "trapezius_1_right");
}

TEST(Session, BackUndoesAnInject) {
    Session s = started_session();
    ASSERT_TRUE(s.inject(3.0).ok());
    ASSERT_TRUE(s.next().ok()); // wander off; back still returns to the injected site
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::pending);
    EXPECT_DOUBLE_EQ(s.sites()[0].units_given, 0.0);
    EXPECT_FALSE(s.sites()[0].time);
    EXPECT_EQ(s.current(), 0u);
    EXPECT_EQ(s.history().back().kind, ActionKind::back);
    EXPECT_EQ(s.history().back().site, "corrugator_left");
    EXPECT_DOUBLE_EQ(s.tallies().total.units, 0.0);
}

TEST(Session, BackUndoesASkip) {
    Session s = started_session();
    ASSERT_TRUE(s.skip("refused").ok());
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::pending);
    EXPECT_TRUE(s.sites()[0].reason.empty());
    EXPECT_EQ(s.current(), 0u);
}

TEST(Session, BackRestoresASkippedSiteThatWasInjectedLater) {
    Session s = started_session();
    ASSERT_TRUE(s.skip("refused").ok());
    ASSERT_TRUE(s.go_to("corrugator_left").ok());
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::skipped);
    EXPECT_EQ(s.sites()[0].reason, "refused");
}

TEST(Session, BackUndoesAnAdd) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    EXPECT_EQ(s.sites().size(), 9u);
    EXPECT_EQ(s.current(), 1u);
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.sites().size(), 8u);
    EXPECT_EQ(s.current(), 1u); // where it was before the add
    EXPECT_EQ(s.history().back().site, "ftp-1");
    // A new add reuses the id.
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    EXPECT_EQ(s.sites().back().id, "ftp-1");
}

TEST(Session, BackIsAStack) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.skip("pain").ok());
    ASSERT_TRUE(s.add("temporalis", Side::right).ok());
    ASSERT_TRUE(s.inject().ok());
    EXPECT_TRUE(s.can_undo());
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(s.back().ok()) << i;
    EXPECT_FALSE(s.can_undo());
    EXPECT_EQ(s.back().code, "session.nothing-to-undo");
    EXPECT_EQ(s.current(), 0u);
    const SessionTallies t = s.tallies();
    EXPECT_EQ(t.injected, 0);
    EXPECT_EQ(t.skipped, 0);
    EXPECT_EQ(t.added, 0);
    EXPECT_EQ(t.pending, 8);
}

TEST(Session, FinishTurnsPendingSitesIntoNotGiven) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.skip("pain").ok());
    ASSERT_TRUE(s.finish().ok());
    EXPECT_TRUE(s.finished());
    EXPECT_EQ(s.sites()[0].status, SiteStatus::injected);
    EXPECT_EQ(s.sites()[1].status, SiteStatus::skipped);
    for (std::size_t i = 2; i < 8; ++i)
        EXPECT_EQ(s.status(i), SiteStatus::not_given) << i;
    EXPECT_FALSE(s.current());
    const SessionTallies t = s.tallies();
    EXPECT_EQ(t.not_given, 6);
    EXPECT_EQ(t.pending, 0);
    for (Outcome o :
         {s.inject(), s.skip("x"), s.back(), s.add("trapezius", Side::left), s.finish(), s.start()})
        EXPECT_TRUE(o.code == "session.finished" || o.code == "session.already-started") << o.code;
    EXPECT_EQ(s.back().code, "session.finished"); // finish is not undone
    ASSERT_TRUE(s.previous().ok());               // reviewing a finished session is fine
    EXPECT_EQ(s.status(7), SiteStatus::not_given);
}

TEST(Session, FinishRightAfterStart) {
    Session s = started_session();
    ASSERT_TRUE(s.finish().ok());
    EXPECT_EQ(s.tallies().not_given, 8);
    EXPECT_EQ(s.finished_at(), kT0 + seconds(1));
}

TEST(Session, AddNeedsAFollowThePainProtocol) {
    Protocol p = mini_protocol();
    p.limits.follow_the_pain.reset();
    Session s = started_session(p);
    EXPECT_EQ(s.add("trapezius", Side::left).code, "session.ftp-not-allowed");
}

TEST(Session, AddOnlyInTheAllowedMuscles) {
    Session s = started_session();
    const Outcome o = s.add("frontalis", Side::left);
    EXPECT_EQ(o.code, "session.ftp-muscle");
    EXPECT_NE(o.reason.find("temporalis"), std::string::npos); // says which muscles are allowed
    EXPECT_EQ(s.sites().size(), 8u);
}

TEST(Session, AddRecordsAnInjectedSiteWithAStandInPosition) {
    Session s = started_session();
    ASSERT_TRUE(s.add("trapezius", Side::right).ok());
    const SessionSite& site = s.sites().back();
    EXPECT_EQ(site.id, "ftp-1");
    EXPECT_TRUE(site.added);
    EXPECT_EQ(site.site, nullptr);
    EXPECT_EQ(site.status, SiteStatus::injected);
    EXPECT_DOUBLE_EQ(site.units_given, 5.0); // the muscle's first protocol site's units
    EXPECT_FALSE(site.position_mm);
    EXPECT_EQ(site.stand_in_site, "trapezius_1_right"); // same side first
    const SessionAction& a = s.history().back();
    EXPECT_EQ(a.kind, ActionKind::add);
    EXPECT_EQ(a.site, "ftp-1");
    EXPECT_EQ(a.muscle, "trapezius");
    EXPECT_EQ(a.side, Side::right);
    EXPECT_EQ(a.units, 5.0);
    EXPECT_EQ(s.current(), 0u); // the cursor does not move
}

TEST(Session, AddWithAPositionFromTheGui) {
    Session s = started_session();
    ASSERT_TRUE(s.add("temporalis", Side::midline, 2.5, glm::vec3(61.234f, 140.0f, -3.005f)).ok());
    const SessionSite& site = s.sites().back();
    ASSERT_TRUE(site.position_mm);
    EXPECT_NEAR(site.position_mm->x, 61.23f, 1e-4);
    EXPECT_NEAR(site.position_mm->z, -3.0f, 0.011);
    EXPECT_TRUE(site.stand_in_site.empty());
    EXPECT_DOUBLE_EQ(site.units_given, 2.5);
    EXPECT_EQ(s.stand_in_site("temporalis", Side::midline), "temporalis_1_left"); // any side
    EXPECT_EQ(s.add("trapezius", Side::left, 5.0, glm::vec3(std::nanf(""), 0, 0)).code,
              "session.bad-position");
}

TEST(Session, AddRefusesBadUnits) {
    Session s = started_session();
    EXPECT_EQ(s.add("trapezius", Side::left, 0.0).code, "session.bad-units");
    EXPECT_EQ(s.add("trapezius", Side::left, 6.0).code, "session.over-site-limit");
}

TEST(Session, AddNeedsUnitsWhenThereIsNoDefault) {
    Protocol p = mini_protocol();
    p.limits.units_per_site.reset();
    p.limits.follow_the_pain->muscles.push_back("masseter");
    Session s = started_session(p);
    EXPECT_FALSE(s.default_add_units("masseter"));
    EXPECT_EQ(s.add("masseter", Side::left).code, "session.units-required");
    ASSERT_TRUE(s.add("masseter", Side::left, 4.0).ok());
    EXPECT_TRUE(s.sites().back().stand_in_site.empty()); // no protocol site to stand in
}

// The suggested FTP sites per muscle are a warning in `check` (ftp.muscle-cap), so the session
// gives the site and says so in warnings(), never refuses it.
TEST(Session, TheSitesPerMuscleCapWarnsAsCheckDoes) {
    Session s = started_session();
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    ASSERT_TRUE(s.add("trapezius", Side::right).ok());
    EXPECT_TRUE(s.warnings().empty());
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    ASSERT_EQ(s.warnings().size(), 1u);
    EXPECT_EQ(s.warnings()[0].rfind("ftp.muscle-cap", 0), 0u) << s.warnings()[0];
    EXPECT_EQ(s.tallies().extra.sites, 3);
}

TEST(Session, AddRespectsMaxExtraSites) {
    Protocol p = mini_protocol();
    p.limits.follow_the_pain->max_sites_per_muscle.clear();
    Session s = started_session(p);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(s.add("trapezius", Side::left, 1.0).ok()) << i;
    EXPECT_EQ(s.add("trapezius", Side::left, 1.0).code, "session.ftp-max-sites");
}

TEST(Session, AddRespectsMaxExtraUnits) {
    Protocol p = mini_protocol();
    p.limits.follow_the_pain->max_extra_units = 8.0;
    Session s = started_session(p);
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    EXPECT_EQ(s.add("trapezius", Side::right).code, "session.ftp-max-units");
    ASSERT_TRUE(s.add("trapezius", Side::right, 3.0).ok()); // exactly 8
}

TEST(Session, AddRespectsTheSessionTotal) {
    Protocol p = mini_protocol();
    p.limits.max_total_units = 38.0;
    Session s = started_session(p);
    for (int i = 0; i < 7; ++i)
        ASSERT_TRUE(s.inject().ok()) << i; // 35 U (the 6th is the optional site)
    EXPECT_EQ(s.add("trapezius", Side::left).code, "session.over-total");
    ASSERT_TRUE(s.add("trapezius", Side::left, 3.0).ok());
}

TEST(Session, InjectedOptionalSitesCountAsFollowThePain) {
    Session s = started_session();
    ASSERT_TRUE(s.go_to("temporalis_ftp_left").ok());
    ASSERT_TRUE(s.inject().ok());
    EXPECT_EQ(s.tallies().extra.sites, 1);
    EXPECT_DOUBLE_EQ(s.tallies().extra.units, 5.0);
    // Temporalis suggests one extra site, now used by the optional protocol site: a second is
    // given with a warning.
    EXPECT_TRUE(s.warnings().empty());
    ASSERT_TRUE(s.add("temporalis", Side::right).ok());
    EXPECT_EQ(s.warnings().size(), 1u);
}

TEST(Session, InjectingAnOptionalSiteChecksTheFollowThePainBudget) {
    Protocol p = mini_protocol();
    p.limits.follow_the_pain->max_extra_units = 10.0;
    Session s = started_session(p);
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    ASSERT_TRUE(s.add("trapezius", Side::right).ok());
    ASSERT_TRUE(s.go_to("temporalis_ftp_left").ok());
    EXPECT_EQ(s.inject().code, "session.ftp-max-units");
    EXPECT_EQ(s.skip("budget used").code, ""); // skipping is always possible
}

TEST(Session, ApplyChecksTheSiteOfARecordedAction) {
    Session s = started_session();
    SessionAction inject;
    inject.kind = ActionKind::inject;
    inject.site = "procerus";
    inject.units = 4.0;
    inject.time = kT0 + seconds(100);
    ASSERT_TRUE(s.apply(inject).ok());
    EXPECT_DOUBLE_EQ(s.sites()[2].units_given, 4.0);
    EXPECT_EQ(s.sites()[2].time, kT0 + seconds(100)); // the recorded time, not the clock
    EXPECT_EQ(s.current(), 3u);
    inject.site = "nope";
    EXPECT_EQ(s.apply(inject).code, "session.unknown-site");

    SessionAction back;
    back.kind = ActionKind::back;
    back.site = "corrugator_left";
    EXPECT_EQ(s.apply(back).code, "session.record-mismatch");
    back.site = "procerus";
    EXPECT_TRUE(s.apply(back).ok());

    SessionAction add;
    add.kind = ActionKind::add;
    add.muscle = "trapezius";
    add.side = Side::left;
    add.site = "ftp-2";
    EXPECT_EQ(s.apply(add).code, "session.record-mismatch");
    add.site = "ftp-1";
    EXPECT_TRUE(s.apply(add).ok());
    // An added site is already injected.
    inject.site = "ftp-1";
    EXPECT_EQ(s.apply(inject).code, "session.already-injected");
}

TEST(Session, TimesAreWholeSeconds) {
    Session s(shared(mini_protocol()), [] { return kT0 + std::chrono::milliseconds(1700); });
    ASSERT_TRUE(s.start().ok());
    EXPECT_EQ(s.started_at(), kT0 + seconds(1));
}

TEST(Session, TalliesPerMusclePerSideAndTotal) {
    Session s = started_session();
    ASSERT_TRUE(s.inject().ok());     // corrugator_left 5
    ASSERT_TRUE(s.inject(4.0).ok());  // corrugator_right 4 → corrugator 9 > 8
    ASSERT_TRUE(s.inject().ok());     // procerus 5 (midline)
    ASSERT_TRUE(s.skip("sore").ok()); // temporalis_1_left
    ASSERT_TRUE(s.add("trapezius", Side::left, 3.0).ok());
    const SessionTallies t = s.tallies();
    EXPECT_DOUBLE_EQ(t.total.units, 17.0);
    EXPECT_EQ(t.total.sites, 4);
    EXPECT_EQ(t.total.limit, 50.0);
    EXPECT_FALSE(t.total.over());
    EXPECT_DOUBLE_EQ(t.per_muscle.at("corrugator").units, 9.0);
    EXPECT_EQ(t.per_muscle.at("corrugator").sites, 2);
    EXPECT_TRUE(t.per_muscle.at("corrugator").over());          // reported, not refused
    EXPECT_DOUBLE_EQ(t.per_muscle.at("temporalis").units, 0.0); // listed although nothing given
    EXPECT_FALSE(t.per_muscle.at("temporalis").limit);
    EXPECT_DOUBLE_EQ(t.per_muscle.at("trapezius").units, 3.0);
    EXPECT_DOUBLE_EQ(t.per_side.at(Side::left).units, 8.0);
    EXPECT_DOUBLE_EQ(t.per_side.at(Side::right).units, 4.0);
    EXPECT_DOUBLE_EQ(t.per_side.at(Side::midline).units, 5.0);
    EXPECT_DOUBLE_EQ(t.extra.units, 3.0);
    EXPECT_EQ(t.extra.sites, 1);
    EXPECT_EQ(t.extra.limit, 15.0);
    EXPECT_EQ(t.extra_sites_limit, 3);
    EXPECT_EQ(t.injected, 4);
    EXPECT_EQ(t.skipped, 1);
    EXPECT_EQ(t.pending, 4); // temporalis_1_right, temporalis_ftp_left, 2 trapezius
    EXPECT_EQ(t.added, 1);
    EXPECT_DOUBLE_EQ(t.planned_units, 35.0);
    // Given 17 + pending required sites (temporalis_1_right, 2 trapezius) 15; the optional one is
    // not planned.
    EXPECT_DOUBLE_EQ(t.projected_units, 32.0);
}

TEST(Session, DoseLogistics) {
    Protocol p = mini_protocol();
    p.reconstitution = {100.0, 4.0}; // 2.5 U per 0.1 mL
    Session s = started_session(p);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(s.inject().ok());
    SessionTallies t = s.tallies();
    EXPECT_DOUBLE_EQ(t.units_per_0_1_ml, 2.5);
    EXPECT_DOUBLE_EQ(t.given.injections_of_0_1_ml, 6.0); // 15 U ÷ 2.5
    EXPECT_EQ(t.given.vials_needed, 1);
    EXPECT_DOUBLE_EQ(t.given.waste_units, 85.0);
    EXPECT_DOUBLE_EQ(t.projected.injections_of_0_1_ml, 14.0); // 35 U planned
    EXPECT_EQ(t.projected.vials_needed, 1);
    EXPECT_DOUBLE_EQ(t.projected.waste_units, 65.0);

    Protocol small = mini_protocol();
    small.reconstitution = {20.0, 0.4}; // 5 U per 0.1 mL, 20-U vials
    Session s2 = started_session(small);
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(s2.inject().ok());
    t = s2.tallies();
    EXPECT_EQ(t.given.vials_needed, 2); // 25 U needs two 20-U vials
    EXPECT_DOUBLE_EQ(t.given.waste_units, 15.0);
    EXPECT_DOUBLE_EQ(t.given.injections_of_0_1_ml, 5.0);
}

TEST(Session, AnEmptyProtocolCanStartAndFinish) {
    Session s(shared(Protocol{}), ticking_clock());
    ASSERT_TRUE(s.start().ok());
    EXPECT_FALSE(s.current());
    EXPECT_EQ(s.inject().code, "session.no-current-site");
    EXPECT_EQ(s.previous().code, "session.no-previous");
    EXPECT_TRUE(s.finish().ok());
}

TEST(Session, NamesOfStatesAndActions) {
    EXPECT_STREQ(to_string(SiteStatus::not_given), "not_given");
    EXPECT_STREQ(to_string(SiteStatus::current), "current");
    for (ActionKind k : {ActionKind::start, ActionKind::inject, ActionKind::skip, ActionKind::back,
                         ActionKind::add, ActionKind::finish, ActionKind::checklist})
        EXPECT_EQ(action_kind_from_string(to_string(k)), k);
    EXPECT_FALSE(action_kind_from_string("next"));
}

// ---------------------------------------------------------------------------------------------
// The pre-treatment checklist (ActionKind::checklist)

// A checklist definition of three questions, as read from a rules file.
std::shared_ptr<const Checklist> three_questions() {
    auto c = std::make_shared<Checklist>();
    c->id = "test";
    c->version = 4;
    for (const char* id : {"allergy", "infection", "anticoagulant"}) {
        ChecklistQuestion q;
        q.id = id;
        q.text = id;
        q.guidance = "guidance";
        c->questions.push_back(q);
    }
    return c;
}

Session fresh_session(std::shared_ptr<const Checklist> checklist = three_questions()) {
    Session s(shared(mini_protocol()), ticking_clock());
    s.set_checklist(std::move(checklist));
    EXPECT_TRUE(s.start().ok());
    return s;
}

ChecklistAnswers answers(std::vector<ChecklistAnswer> list, bool acknowledged = true) {
    ChecklistAnswers a;
    a.answers = std::move(list);
    a.warning_acknowledged = acknowledged;
    return a;
}

TEST(SessionChecklist, InjectAndAddWaitForIt) {
    Session s = fresh_session();
    EXPECT_TRUE(s.checklist_required());
    EXPECT_FALSE(s.checklist_satisfied());
    EXPECT_EQ(s.inject().code, "session.checklist-required");
    EXPECT_EQ(s.add("trapezius", Side::left).code, "session.checklist-required");
    EXPECT_EQ(s.history().size(), 1u); // nothing recorded
    // Skipping and finishing inject nothing: allowed without it.
    EXPECT_TRUE(s.skip("patient declined this site").ok());
    ASSERT_TRUE(s.answer_checklist(answers({{"allergy", false, ""},
                                            {"infection", false, ""},
                                            {"anticoagulant", false, ""}}))
                    .ok());
    EXPECT_TRUE(s.checklist_satisfied());
    EXPECT_TRUE(s.inject().ok());
    EXPECT_TRUE(s.add("trapezius", Side::left).ok());
}

TEST(SessionChecklist, FinishNeedsNoChecklist) {
    Session s = fresh_session();
    EXPECT_TRUE(s.finish().ok());
    EXPECT_FALSE(s.checklist_answers());
}

TEST(SessionChecklist, EveryRefusalHasItsCode) {
    Session s(shared(mini_protocol()), ticking_clock());
    s.set_checklist(three_questions());
    const auto all = answers(
        {{"allergy", false, ""}, {"infection", false, ""}, {"anticoagulant", true, "apixaban"}});
    EXPECT_EQ(s.answer_checklist(all).code, "session.not-started");
    ASSERT_TRUE(s.start().ok());
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""}, {"infection", false, ""}})).code,
              "session.checklist-incomplete");
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""},
                                          {"infection", false, ""},
                                          {"anticoagulant", false, ""},
                                          {"pregnancy", false, ""}}))
                  .code,
              "session.checklist-unknown");
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""},
                                          {"allergy", true, "x"},
                                          {"infection", false, ""},
                                          {"anticoagulant", false, ""}}))
                  .code,
              "session.checklist-duplicate");
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""},
                                          {"infection", false, ""},
                                          {"anticoagulant", true, ""}}))
                  .code,
              "session.checklist-reason");
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""},
                                          {"infection", false, ""},
                                          {"anticoagulant", true, "  \t "}}))
                  .code,
              "session.checklist-reason");
    const auto unacknowledged = answers(
        {{"allergy", false, ""}, {"infection", false, ""}, {"anticoagulant", true, "apixaban"}},
        false);
    EXPECT_EQ(s.answer_checklist(unacknowledged).code, "session.checklist-incomplete");
    auto too_long = all;
    too_long.answers[2].reason = std::string(kMaxChecklistReasonBytes + 1, 'x');
    EXPECT_EQ(s.answer_checklist(too_long).code, "session.too-long");
    auto too_many = all;
    for (std::size_t i = 0; i < kMaxChecklistAnswers; ++i) {
        // (appended, not "extra_" + ...: GCC 12 warns falsely about that form)
        std::string id = "extra_";
        id += std::to_string(i);
        too_many.answers.push_back({id, false, ""});
    }
    EXPECT_EQ(s.answer_checklist(too_many).code, "session.too-long");
    EXPECT_EQ(s.history().size(), 1u); // every refusal left nothing behind
    EXPECT_FALSE(s.checklist_answers());

    ASSERT_TRUE(s.answer_checklist(all).ok());
    EXPECT_EQ(s.answer_checklist(all).code, "session.checklist-done");
    ASSERT_TRUE(s.finish().ok());
    EXPECT_EQ(s.answer_checklist(all).code, "session.finished");
}

TEST(SessionChecklist, AnswersAreRecordedInTheChecklistsOrderWithItsVersion) {
    Session s = fresh_session();
    ASSERT_TRUE(s.answer_checklist(answers({{"anticoagulant", true, "  warfarin, INR 2.1 "},
                                            {"allergy", false, ""},
                                            {"infection", false, ""}}))
                    .ok());
    const SessionAction& a = s.history().back();
    EXPECT_EQ(a.kind, ActionKind::checklist);
    ASSERT_EQ(a.checklist.answers.size(), 3u);
    EXPECT_EQ(a.checklist.answers[0].id, "allergy");
    EXPECT_EQ(a.checklist.answers[2].id, "anticoagulant");
    EXPECT_TRUE(a.checklist.answers[2].yes);
    EXPECT_EQ(a.checklist.answers[2].reason, "warfarin, INR 2.1"); // trimmed
    EXPECT_EQ(a.checklist.version, 4);
    EXPECT_TRUE(a.checklist.warning_acknowledged);
    ASSERT_TRUE(s.checklist_answers());
    EXPECT_EQ(s.checklist_answers()->yes_count(), 1);
    EXPECT_EQ(s.checklist_time(), kT0 + seconds(1));
}

TEST(SessionChecklist, BackNeverUndoesIt) {
    Session s = fresh_session();
    ASSERT_TRUE(s.answer_checklist(answers({{"allergy", false, ""},
                                            {"infection", false, ""},
                                            {"anticoagulant", false, ""}}))
                    .ok());
    EXPECT_EQ(s.back().code, "session.nothing-to-undo");
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.back().ok());
    EXPECT_TRUE(s.checklist_answers());
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""},
                                          {"infection", false, ""},
                                          {"anticoagulant", false, ""}}))
                  .code,
              "session.checklist-done");
}

TEST(SessionChecklist, WithoutADefinitionTheIdsAreTakenAsGiven) {
    // A replayed record may hold the questions of an older checklist file.
    Session s = fresh_session(nullptr);
    EXPECT_EQ(s.answer_checklist(answers({})).code, "session.checklist-incomplete");
    EXPECT_EQ(s.answer_checklist(answers({{"old_question", true, ""}})).code,
              "session.checklist-reason");
    ASSERT_TRUE(s.answer_checklist(answers({{"old_question", true, "as recorded"}})).ok());
    EXPECT_TRUE(s.inject().ok());
}

TEST(SessionChecklist, SessionsOfFormat2NeedNone) {
    // Records written before the checklist existed replay and continue without it.
    Session s(shared(mini_protocol()), ticking_clock());
    SessionStart info;
    info.format = 2;
    ASSERT_TRUE(s.start(info).ok());
    EXPECT_FALSE(s.checklist_required());
    EXPECT_TRUE(s.checklist_satisfied());
    ASSERT_TRUE(s.inject().ok());
    ASSERT_TRUE(s.add("trapezius", Side::left).ok());
    // Once something was injected, a checklist is too late; back does not make it early again.
    ASSERT_TRUE(s.back().ok());
    EXPECT_EQ(s.answer_checklist(answers({{"allergy", false, ""}})).code, "session.checklist-late");
}

TEST(SessionChecklist, AFormat2SessionMayStillRecordOneBeforeInjecting) {
    Session s(shared(mini_protocol()), ticking_clock());
    SessionStart info;
    info.format = 2;
    ASSERT_TRUE(s.start(info).ok());
    EXPECT_TRUE(s.answer_checklist(answers({{"allergy", false, ""}})).ok());
}

TEST(SessionChecklist, UnknownFormatsAreRefused) {
    for (int format : {0, -1, kSessionFormat + 1}) {
        Session s(shared(mini_protocol()), ticking_clock());
        SessionStart info;
        info.format = format;
        EXPECT_EQ(s.start(info).code, "session.bad-format") << format;
        EXPECT_FALSE(s.started());
    }
}

} // namespace
