// The session rules the GUI, the CLI and the tests share: Session::can_add (the same refusal as
// add, with nothing recorded) and the per-muscle, per-side tallies
// (SessionTallies::per_muscle_side). Protocols are built in code.
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "injmap/protocols/session.hpp"

namespace {
using namespace injmap;
using std::chrono::seconds;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

SessionClock ticking_clock() {
    auto ticks = std::make_shared<int>(0);
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

// 7 required 5-U sites (35 U) and one optional temporalis site. FTP: temporalis (≤1 site) and
// trapezius (≤2), ≤3 extra sites, ≤15 extra units; ≤50 U in the session; corrugator ≤8 U.
Protocol mini_protocol() {
    Protocol p;
    p.id = "mini";
    p.reconstitution = {100.0, 2.0};
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

ChecklistAnswers all_no() {
    ChecklistAnswers a;
    a.answers = {{"allergy", false, ""}, {"infection", false, ""}};
    a.warning_acknowledged = true;
    return a;
}

Session started(Protocol p = mini_protocol()) {
    Session s(shared(std::move(p)), ticking_clock());
    EXPECT_TRUE(s.start().ok());
    EXPECT_TRUE(s.answer_checklist(all_no()).ok());
    return s;
}

struct AddArgs {
    std::string muscle;
    Side side = Side::left;
    std::optional<double> units;
    std::optional<glm::vec3> position;
};

// can_add and then add with the same arguments: the same outcome, code and reason, and can_add
// records nothing. Returns the code.
std::string can_add_then_add(Session& s, const AddArgs& a) {
    const std::size_t history = s.history().size();
    const std::size_t sites = s.sites().size();
    const Outcome asked = s.can_add(a.muscle, a.side, a.units, a.position);
    EXPECT_EQ(s.history().size(), history) << "can_add recorded something";
    EXPECT_EQ(s.sites().size(), sites) << "can_add added a site";
    const Outcome done = s.add(a.muscle, a.side, a.units, a.position);
    EXPECT_EQ(asked.code, done.code) << a.muscle;
    EXPECT_EQ(asked.reason, done.reason) << a.muscle;
    return done.code;
}

TEST(SessionCanAdd, AgreesWithAddUpToTheFollowThePainSiteCap) {
    Session s = started();
    // Three extra sites are allowed (the per-muscle counts are advice: warned, not refused).
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, {}}), "");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::right, 5.0, {}}), "");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 4.0, {}}), "");
    // 14 U of 15: one more unit would fit, a fourth site does not.
    EXPECT_EQ(can_add_then_add(s, {"temporalis", Side::right, 1.0, {}}), "session.ftp-max-sites");
    EXPECT_EQ(s.tallies().added, 3);
}

TEST(SessionCanAdd, AgreesWithAddOnTheFollowThePainUnitCap) {
    Protocol p = mini_protocol();
    p.limits.follow_the_pain->max_extra_units = 12.0;
    Session s = started(p);
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, {}}), "");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::right, 5.0, {}}), "");
    // 10 U of 12 given in two extra sites: 2 more is fine, 2.5 is not.
    EXPECT_EQ(s.can_add("temporalis", Side::left, 2.0).code, "");
    EXPECT_EQ(can_add_then_add(s, {"temporalis", Side::left, 2.5, {}}), "session.ftp-max-units");
    EXPECT_EQ(can_add_then_add(s, {"temporalis", Side::left, 2.0, {}}), "");
}

TEST(SessionCanAdd, AgreesWithAddOnTheSessionTotal) {
    Protocol p = mini_protocol();
    p.limits.max_total_units = 37.0;
    p.limits.follow_the_pain->max_extra_units = 100.0;
    Session s = started(p);
    for (int i = 0; i < 7; ++i)
        ASSERT_TRUE(s.inject().ok()) << i; // 35 U (the 6th is the optional site: 5 U extra)
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 3.0, {}}), "session.over-total");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 2.0, {}}), "");
    EXPECT_EQ(s.tallies().total.units, 37.0);
}

TEST(SessionCanAdd, AgreesWithAddOnEveryOtherRefusal) {
    {
        Session s(shared(mini_protocol()), ticking_clock());
        EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, {}}), "session.not-started");
        ASSERT_TRUE(s.start().ok());
        EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, {}}),
                  "session.checklist-required");
    }
    Session s = started();
    EXPECT_EQ(can_add_then_add(s, {"procerus", Side::midline, 5.0, {}}), "session.ftp-muscle");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 0.0, {}}), "session.bad-units");
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 6.0, {}}), "session.over-site-limit");
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, glm::vec3(nan, 0.0f, 0.0f)}),
              "session.bad-position");
    EXPECT_EQ(can_add_then_add(s, {std::string(kMaxIdBytes + 1, 'm'), Side::left, 5.0, {}}),
              "session.too-long");
    ASSERT_TRUE(s.finish().ok());
    EXPECT_EQ(can_add_then_add(s, {"trapezius", Side::left, 5.0, {}}), "session.finished");
    Protocol no_ftp = mini_protocol();
    no_ftp.limits.follow_the_pain.reset();
    Session plain = started(no_ftp);
    EXPECT_EQ(can_add_then_add(plain, {"trapezius", Side::left, 5.0, {}}),
              "session.ftp-not-allowed");
}

TEST(SessionCanAdd, DefaultUnitsAreThoseAddWouldGive) {
    Protocol p = mini_protocol();
    p.limits.units_per_site.reset();
    p.limits.follow_the_pain->muscles.push_back("masseter"); // no protocol site, no default dose
    Session s = started(p);
    EXPECT_EQ(s.can_add("masseter", Side::left).code, "session.units-required");
    EXPECT_TRUE(s.can_add("trapezius", Side::left).ok()); // its protocol sites' 5 U
    EXPECT_TRUE(s.can_add("masseter", Side::left, 4.0).ok());
}

TEST(SessionTallies, PerMuscleAndSideGivenAndPlannedInTreatmentOrder) {
    Session s = started();
    ASSERT_TRUE(s.inject(4.0).ok());      // corrugator left
    ASSERT_TRUE(s.inject().ok());         // corrugator right 5
    ASSERT_TRUE(s.skip("declined").ok()); // procerus
    ASSERT_TRUE(s.inject(3.0).ok());      // temporalis left
    ASSERT_TRUE(s.add("trapezius", Side::right, 2.0).ok());
    ASSERT_TRUE(s.add("temporalis", Side::left, 1.0).ok());
    const SessionTallies t = s.tallies();
    ASSERT_EQ(t.per_muscle_side.size(), 4u);
    EXPECT_EQ(t.per_muscle_side[0].muscle, "corrugator");
    EXPECT_EQ(t.per_muscle_side[1].muscle, "procerus");
    EXPECT_EQ(t.per_muscle_side[2].muscle, "temporalis");
    EXPECT_EQ(t.per_muscle_side[3].muscle, "trapezius");

    const MuscleSideTally& corrugator = t.per_muscle_side[0];
    EXPECT_EQ(corrugator.units(Side::left, false), 4.0);
    EXPECT_EQ(corrugator.units(Side::right, false), 5.0);
    EXPECT_EQ(corrugator.units(Side::midline, false), 0.0);
    EXPECT_EQ(corrugator.given_units, 9.0);
    EXPECT_EQ(corrugator.planned_units, 10.0);
    ASSERT_TRUE(corrugator.limit.has_value());
    EXPECT_EQ(*corrugator.limit, 8.0);
    EXPECT_TRUE(corrugator.over()); // 9 U past the 8 U cap: shown, never refused at inject

    const MuscleSideTally& procerus = t.per_muscle_side[1];
    EXPECT_EQ(procerus.given_units, 0.0);
    EXPECT_EQ(procerus.units(Side::midline, true), 5.0);
    EXPECT_FALSE(procerus.over());

    // Temporalis: 3 U protocol + 1 U added on the left; planned counts the required sites only
    // (not the optional one, not the added one).
    const MuscleSideTally& temporalis = t.per_muscle_side[2];
    EXPECT_EQ(temporalis.units(Side::left, false), 4.0);
    ASSERT_EQ(temporalis.given.count(Side::left), 1u);
    EXPECT_EQ(temporalis.given.at(Side::left).sites, 2);
    EXPECT_EQ(temporalis.units(Side::left, true), 5.0);
    EXPECT_EQ(temporalis.units(Side::right, true), 5.0);
    EXPECT_EQ(temporalis.planned_units, 10.0);

    const MuscleSideTally& trapezius = t.per_muscle_side[3];
    EXPECT_EQ(trapezius.units(Side::right, false), 2.0);
    EXPECT_EQ(trapezius.units(Side::left, false), 0.0);
    EXPECT_EQ(trapezius.planned_units, 10.0);

    // The per-side rows add up to the per-side and per-muscle totals.
    double left = 0.0;
    for (const MuscleSideTally& m : t.per_muscle_side) {
        left += m.units(Side::left, false);
        EXPECT_DOUBLE_EQ(m.given_units, t.per_muscle.at(m.muscle).units) << m.muscle;
    }
    EXPECT_DOUBLE_EQ(left, t.per_side.at(Side::left).units);
}

TEST(SessionTallies, ASessionNotStartedGivesThePlan) {
    const Session s(shared(mini_protocol()), ticking_clock());
    const SessionTallies t = s.tallies();
    ASSERT_EQ(t.per_muscle_side.size(), 4u);
    double planned = 0.0;
    for (const MuscleSideTally& m : t.per_muscle_side) {
        EXPECT_EQ(m.given_units, 0.0) << m.muscle;
        planned += m.planned_units;
    }
    EXPECT_EQ(planned, 35.0); // the seven required sites, not the optional one
    EXPECT_EQ(t.planned_units, 35.0);
    ASSERT_TRUE(t.total.limit.has_value());
    EXPECT_EQ(*t.total.limit, 50.0);
}

} // namespace
