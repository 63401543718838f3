// Drill scoring on a synthetic model whose skin is the plane z = 0 (so distances are exact) with
// muscle patches 5 mm under it, and the answers CSV parser.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "injmap/protocols/drill.hpp"
#include "test_support.hpp"

using namespace injmap;

namespace {

// A square in the plane z = `z` over [x0, x1] × [y0, y1], facing +Z.
Mesh quad(float x0, float x1, float y0, float y1, float z) {
    Mesh m;
    m.positions = {{x0, y0, z}, {x1, y0, z}, {x1, y1, z}, {x0, y1, z}};
    m.indices = {0, 1, 2, 0, 2, 3};
    compute_vertex_normals(m);
    return m;
}

Muscle muscle(const std::string& id, Side side, Mesh mesh) {
    Muscle m;
    m.id = id;
    m.side = side;
    m.layer = MuscleLayer::sheet;
    m.mesh = std::move(mesh);
    return m;
}

// Skin: z = 0 over [-150, 150]². Muscles at z = -5 (subject's left = +X):
//   trapezius left  x ∈ [0, 100],    y ∈ [-100, 0]
//   trapezius right x ∈ [-100, 0],   y ∈ [-100, 0]
//   splenius_capitis left x ∈ [0, 100], y ∈ [0, 100]
//   procerus (midline)    x ∈ [-100, 0], y ∈ [0, 100]
//   semispinalis_capitis left x ∈ [0, 100], y ∈ [-100, 0] at z = -15, under the left trapezius
//   corrugator left       x ∈ [110, 130], y ∈ [110, 130], off to the side of everything else
Model synthetic_model() {
    Model model;
    model.id = "synthetic";
    model.skin = quad(-150, 150, -150, 150, 0);
    model.muscles.push_back(muscle("trapezius", Side::left, quad(0, 100, -100, 0, -5)));
    model.muscles.push_back(muscle("trapezius", Side::right, quad(-100, 0, -100, 0, -5)));
    model.muscles.push_back(muscle("splenius_capitis", Side::left, quad(0, 100, 0, 100, -5)));
    model.muscles.push_back(muscle("procerus", Side::midline, quad(-100, 0, 0, 100, -5)));
    model.muscles.push_back(muscle("semispinalis_capitis", Side::left, quad(0, 100, -100, 0, -15)));
    model.muscles.push_back(muscle("corrugator", Side::left, quad(110, 130, 110, 130, -5)));
    model.groups["cervical_paraspinal"] = {"trapezius", "splenius_capitis"};
    return model;
}

Site site(const std::string& id, const std::string& muscle_key, Side side, bool optional = false) {
    Site s;
    s.id = id;
    s.base_id = id;
    s.muscle = muscle_key;
    s.side = side;
    s.side_spec = side == Side::left    ? SideSpec::left
                  : side == Side::right ? SideSpec::right
                                        : SideSpec::midline;
    s.units = 5;
    s.optional = optional;
    return s;
}

struct Fixture {
    Model model = synthetic_model();
    ModelQueries queries{model};
    Protocol protocol;
    PlacedProtocol placed;

    Fixture() {
        protocol.id = "drill-test";
        Step step;
        step.id = "all";
        step.sites = {
            site("a", "trapezius", Side::left), site("b", "cervical_paraspinal", Side::left),
            site("c", "procerus", Side::midline), site("d", "trapezius", Side::right, true)};
        protocol.steps.push_back(step);
        const std::vector<glm::vec3> where = {
            {50, -50, 0}, {50, 50, 0}, {-50, 50, 0}, {-50, -50, 0}};
        const auto& sites = protocol.steps[0].sites;
        for (std::size_t i = 0; i < sites.size(); ++i) {
            PlacedSite ps;
            ps.site = &sites[i];
            ps.position = where[i];
            ps.normal = {0, 0, 1};
            ps.needle_direction = {0, 0, -1};
            ps.placed = true;
            placed.sites.push_back(ps);
        }
    }

    DrillScore score(const std::vector<DrillAnswer>& answers, double pass_mm = 10.0) const {
        DrillOptions options;
        options.pass_mm = pass_mm;
        return score_drill(protocol, placed, queries, answers, options);
    }
};

const DrillSiteScore* find(const DrillScore& score, const std::string& id) {
    for (const auto& s : score.sites)
        if (s.site_id == id)
            return &s;
    return nullptr;
}

std::vector<std::string> rules_of(const Diagnostics& diagnostics) {
    std::vector<std::string> out;
    for (const auto& d : diagnostics)
        out.push_back(d.rule);
    return out;
}

} // namespace

TEST(DrillScore, ExactAnswersPassWithZeroError) {
    const Fixture f;
    const auto score = f.score({{"a", {50, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}});
    EXPECT_TRUE(score.passed);
    EXPECT_EQ(score.answered, 3);
    EXPECT_EQ(score.missing, 0);
    // The closest-point projection is float arithmetic: zero to within a few micrometres.
    EXPECT_NEAR(score.mean_error_mm, 0.0, 1e-4);
    EXPECT_NEAR(score.max_error_mm, 0.0, 1e-4);
    ASSERT_EQ(score.sites.size(), 3u); // optional d unanswered: left out
    EXPECT_EQ(find(score, "d"), nullptr);
    for (const auto& s : score.sites)
        EXPECT_TRUE(s.muscle_hit) << s.site_id;
    EXPECT_EQ(find(score, "a")->hit_muscle, "trapezius_left");
    EXPECT_EQ(find(score, "c")->hit_muscle, "procerus");
}

TEST(DrillScore, DistancesAreExactOnKnownPoints) {
    const Fixture f;
    // 3-4-5, 0-3-3 and 4-0-4 offsets in the skin plane.
    const auto score = f.score({{"a", {53, -46, 0}}, {"b", {50, 53, 0}}, {"c", {-54, 50, 0}}});
    EXPECT_NEAR(find(score, "a")->error_mm, 5.0, 1e-4);
    EXPECT_NEAR(find(score, "b")->error_mm, 3.0, 1e-4);
    EXPECT_NEAR(find(score, "c")->error_mm, 4.0, 1e-4);
    EXPECT_NEAR(score.mean_error_mm, 4.0, 1e-4);
    EXPECT_NEAR(score.max_error_mm, 5.0, 1e-4);
    EXPECT_TRUE(score.passed);
}

TEST(DrillScore, AnswersOffTheSkinAreProjectedFirst) {
    const Fixture f;
    const auto score = f.score({{"a", {53, -46, 12}}, {"b", {50, 50, -3}}, {"c", {-50, 50, 0}}});
    const auto* a = find(score, "a");
    EXPECT_NEAR(a->error_mm, 5.0, 1e-4); // not the 13 mm straight to the raw point
    EXPECT_NEAR(a->answer_on_skin.z, 0.0f, 1e-4f);
    EXPECT_NEAR(find(score, "b")->error_mm, 0.0, 1e-4);
}

TEST(DrillScore, WrongSideIsAMuscleMiss) {
    const Fixture f;
    // Over the right trapezius, 30 mm from the left one, for a left trapezius site.
    const auto score =
        f.score({{"a", {-30, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}}, 100.0);
    const auto* a = find(score, "a");
    EXPECT_FALSE(a->muscle_hit);
    EXPECT_EQ(a->hit_muscle, "trapezius_right");
    EXPECT_NEAR(a->error_mm, 80.0, 1e-4);
    EXPECT_TRUE(a->within_pass);
    EXPECT_FALSE(score.passed); // within the 100 mm mark, but the muscle was missed
}

TEST(DrillScore, GroupKeyMatchesAnyMember) {
    const Fixture f;
    // Site b's key is cervical_paraspinal; the answer lies over the left trapezius, a member.
    const auto score =
        f.score({{"a", {50, -50, 0}}, {"b", {50, -10, 0}}, {"c", {-50, 50, 0}}}, 100.0);
    const auto* b = find(score, "b");
    EXPECT_TRUE(b->muscle_hit);
    EXPECT_EQ(b->hit_muscle, "trapezius_left");
    EXPECT_TRUE(score.passed);
}

namespace {

// One site on its own, placed at `where`, scored against one answer.
DrillScore score_one(const Site& site, glm::vec3 where, glm::vec3 answer,
                     const DrillOptions& options = {}) {
    static const Model model = synthetic_model();
    static const ModelQueries queries(model);
    Protocol protocol;
    Step step;
    step.sites = {site};
    protocol.steps.push_back(step);
    PlacedProtocol placed;
    PlacedSite ps;
    ps.site = &protocol.steps[0].sites[0];
    ps.position = where;
    ps.normal = {0, 0, 1};
    ps.placed = true;
    placed.sites.push_back(ps);
    return score_drill(protocol, placed, queries, {{site.id, answer}}, options);
}

} // namespace

TEST(DrillScore, DeepTargetReachedAlongTheNeedleIsAHit) {
    // The semispinalis lies 15 mm down, under the trapezius (5 mm down).
    const Site deep = site("e", "semispinalis_capitis", Side::left);
    auto score = score_one(deep, {50, -50, 0}, {52, -50, 0});
    ASSERT_EQ(score.sites.size(), 1u);
    EXPECT_EQ(score.sites[0].hit_muscle, "trapezius_left"); // the first muscle met
    EXPECT_TRUE(score.sites[0].muscle_hit);                 // the target is reached behind it
    EXPECT_TRUE(score.passed);
    // A site depth shorter than the target's does not reach it.
    Site shallow = deep;
    shallow.depth_mm = 10;
    score = score_one(shallow, {50, -50, 0}, {52, -50, 0});
    EXPECT_FALSE(score.sites[0].muscle_hit);
    EXPECT_FALSE(score.passed);
}

TEST(DrillScore, TargetBesideTheNeedleIsAMiss) {
    // The corrugator patch starts at (110, 110, -5): 11.1 mm from (103, 103, 0), beside the needle
    // line, while the left splenius corner (100, 100, -5) is nearer, so muscle_under names the
    // splenius. Only what the needle enters counts (needle_path.hpp): a miss.
    const Site near = site("f", "corrugator", Side::left);
    auto score = score_one(near, {103, 103, 0}, {103, 103, 0});
    EXPECT_EQ(score.sites[0].hit_muscle, "splenius_capitis_left");
    EXPECT_FALSE(score.sites[0].muscle_hit);
    // Straight over it, 5 mm down (within the corrugator's 6 mm): a hit.
    score = score_one(near, {120, 120, 0}, {120, 120, 0});
    EXPECT_TRUE(score.sites[0].muscle_hit);
}

TEST(DrillScore, NoMuscleUnderTheAnswerIsAMiss) {
    const Fixture f;
    const auto score =
        f.score({{"a", {140, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}}, 1000.0);
    const auto* a = find(score, "a");
    EXPECT_FALSE(a->muscle_hit);
    EXPECT_TRUE(a->hit_muscle.empty());
    EXPECT_FALSE(score.passed);
}

TEST(DrillScore, PassMarkIsSettable) {
    const Fixture f;
    // Site a off by 10 mm (6-8-10), the others exact.
    const std::vector<DrillAnswer> answers = {
        {"a", {56, -42, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}};
    EXPECT_TRUE(f.score(answers, 10.01).passed);
    const auto strict = f.score(answers, 9.99);
    EXPECT_FALSE(strict.passed);
    EXPECT_FALSE(find(strict, "a")->within_pass);
    EXPECT_TRUE(find(strict, "b")->within_pass);
    EXPECT_DOUBLE_EQ(strict.pass_mm, 9.99);
    // The default mark is 10 mm: 9 mm off passes, 11 mm off does not.
    EXPECT_TRUE(f.score({{"a", {50, -41, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}}).passed);
    EXPECT_FALSE(f.score({{"a", {50, -39, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}}).passed);
}

TEST(DrillScore, MissingRequiredSiteFails) {
    const Fixture f;
    const auto score = f.score({{"a", {50, -50, 0}}, {"b", {50, 50, 0}}});
    EXPECT_FALSE(score.passed);
    EXPECT_EQ(score.missing, 1);
    EXPECT_EQ(score.answered, 2);
    const auto* c = find(score, "c");
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->answered);
    EXPECT_FALSE(c->muscle_hit);
    EXPECT_NEAR(score.mean_error_mm, 0.0, 1e-4); // over answered sites only
}

TEST(DrillScore, AnsweredOptionalSiteIsScored) {
    const Fixture f;
    auto score = f.score(
        {{"a", {50, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}, {"d", {-50, -30, 0}}});
    const auto* d = find(score, "d");
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(d->optional);
    EXPECT_NEAR(d->error_mm, 20.0, 1e-4);
    EXPECT_FALSE(score.passed); // an answered optional site still has to be within the mark
    score = f.score(
        {{"a", {50, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}, {"d", {-50, -45, 0}}});
    EXPECT_TRUE(score.passed);
    EXPECT_EQ(score.answered, 4);
}

TEST(DrillScore, UnplacedReferenceCountsAsMissing) {
    Fixture f;
    f.placed.sites[2].placed = false;
    const auto score = f.score({{"a", {50, -50, 0}}, {"b", {50, 50, 0}}, {"c", {-50, 50, 0}}});
    EXPECT_EQ(score.missing, 1);
    EXPECT_FALSE(score.passed);
}

TEST(DrillScore, NothingAnsweredFails) {
    const Fixture f;
    const auto score = f.score({});
    EXPECT_FALSE(score.passed);
    EXPECT_EQ(score.missing, 3);
}

// ---- The answers file ----

TEST(DrillAnswers, ParsesRowsWithOptionalHeaderCommentsAndBlankLines) {
    const auto r = parse_drill_answers(
        "site_id,x_mm,y_mm,z_mm\n# a comment\n\ncorrugator_left, 12.5 ,80,-3e1\r\n"
        "procerus,0,75.25,95\n",
        "answers.csv");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value->size(), 2u);
    const auto& a = (*r.value)[0];
    EXPECT_EQ(a.site_id, "corrugator_left");
    EXPECT_FLOAT_EQ(a.position.x, 12.5f);
    EXPECT_FLOAT_EQ(a.position.y, 80.0f);
    EXPECT_FLOAT_EQ(a.position.z, -30.0f);
    EXPECT_EQ(a.line, 4);
    EXPECT_EQ((*r.value)[1].line, 5);
}

TEST(DrillAnswers, LoneCrEndsALineLikeLfAndCrLf) {
    for (const std::string eol : {"\n", "\r\n", "\r"}) {
        const auto r = parse_drill_answers("site_id,x_mm,y_mm,z_mm" + eol + "# c" + eol + eol +
                                               "corrugator_left,1,2,3" + eol + "procerus,4,5,6",
                                           "answers.csv");
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r.value->size(), 2u);
        EXPECT_EQ((*r.value)[0].line, 4);
        EXPECT_EQ((*r.value)[1].site_id, "procerus");
        EXPECT_EQ((*r.value)[1].line, 5);
    }
}

TEST(DrillAnswers, HeaderIsOptional) {
    const auto r = parse_drill_answers("a,1,2,3", "answers.csv");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value->size(), 1u);
    EXPECT_EQ((*r.value)[0].line, 1);
}

TEST(DrillAnswers, BadRowsAreLocated) {
    struct Case {
        const char* text;
        const char* rule;
        int line;
    };
    const Case cases[] = {
        {"a,1,2\n", "drill.syntax", 1},
        {"a,1,2,3\nb,1,2,3,4\n", "drill.syntax", 2},
        {"a,1,2,3\n,1,2,3\n", "drill.syntax", 2},
        {"site_id,x_mm,y_mm,z_mm\na,1,x,3\n", "drill.bad-number", 2},
        {"a,1,nan,3\n", "drill.bad-number", 1},
        {"a,1,inf,3\n", "drill.bad-number", 1},
        {"a,1e400,0,0\n", "drill.bad-number", 1},
        {"a,,0,0\n", "drill.bad-number", 1},
        {"a,1,2,3\nsite_id,x_mm,y_mm,z_mm\n", "drill.bad-number", 2}, // a header only counts first
        {"", "drill.empty", 0},
        {"# nothing\n\n", "drill.empty", 0},
    };
    for (const auto& c : cases) {
        const auto r = parse_drill_answers(c.text, "answers.csv");
        EXPECT_FALSE(r.ok()) << c.text;
        ASSERT_FALSE(r.diagnostics.empty()) << c.text;
        EXPECT_EQ(r.diagnostics[0].rule, c.rule) << c.text;
        EXPECT_EQ(r.diagnostics[0].where.line, c.line) << c.text;
        EXPECT_EQ(r.diagnostics[0].where.file, "answers.csv");
    }
}

TEST(DrillAnswers, BadNumberPointsAtTheColumn) {
    const auto r = parse_drill_answers("a, 1,oops,3\n", "answers.csv");
    ASSERT_FALSE(r.diagnostics.empty());
    EXPECT_EQ(r.diagnostics[0].where.column, 6);
}

TEST(DrillAnswers, QuotedFieldsAreReadAsRfc4180) {
    // A quoted number or id is its text; a quoted field may hold a comma.
    const auto r = parse_drill_answers("\"a\",\"1\",2,3\n\"b,c\",4,5,6\n", "answers.csv");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value->size(), 2u);
    EXPECT_EQ((*r.value)[0].site_id, "a");
    EXPECT_FLOAT_EQ((*r.value)[0].position.x, 1.0f);
    EXPECT_EQ((*r.value)[1].site_id, "b,c");
    EXPECT_EQ((*r.value)[1].line, 2);
    // A quote that never closes is drill.syntax where it opened.
    const auto open = parse_drill_answers("a,1,2,3\nb,\"1,2,3\n", "answers.csv");
    ASSERT_EQ(open.diagnostics.size(), 1u);
    EXPECT_EQ(open.diagnostics[0].rule, "drill.syntax");
    EXPECT_EQ(open.diagnostics[0].where.line, 2);
    EXPECT_EQ(open.diagnostics[0].where.column, 3);
}

TEST(DrillAnswers, EveryBadRowIsReported) {
    const auto r = parse_drill_answers("a,1,2\nb,1,2,3\nc,x,2,3\n", "answers.csv");
    EXPECT_EQ(rules_of(r.diagnostics),
              (std::vector<std::string>{"drill.syntax", "drill.bad-number"}));
    EXPECT_EQ(r.diagnostics[1].where.line, 3);
}

TEST(DrillAnswers, UnknownAndDuplicateSites) {
    const Fixture f;
    const auto r = parse_drill_answers("a,1,2,3\nzz,1,2,3\na,4,5,6\n", "answers.csv");
    ASSERT_TRUE(r.ok());
    const auto d = check_drill_answers(*r.value, f.protocol, "answers.csv");
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].rule, "drill.unknown-site");
    EXPECT_EQ(d[0].where.line, 2);
    EXPECT_EQ(d[1].rule, "drill.duplicate-site");
    EXPECT_EQ(d[1].where.line, 3);
    // The first answer is the one scored.
    const auto score = f.score(*r.value, 1000.0);
    EXPECT_NEAR(find(score, "a")->error_mm, std::sqrt(49.0 * 49.0 + 52.0 * 52.0), 1e-3);
}

TEST(DrillAnswers, ReadingAMissingFileIsAnIoError) {
    const auto r = read_drill_answers(injmap::test::output_dir() / "no-such-answers.csv");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].rule, "drill.io");
    EXPECT_FALSE(r.ok());
}

TEST(DrillAnswers, ReadsAFile) {
    const auto dir = injmap::test::fresh_dir("DrillAnswersReadsAFile");
    injmap::test::write_text(dir / "a.csv", "a,1,2,3\nb,4,5,6\n");
    const auto r = read_drill_answers(dir / "a.csv");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->size(), 2u);
}
