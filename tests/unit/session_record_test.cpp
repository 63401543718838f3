// The session record: line format, round trip through the file, damaged files (cut last line,
// corrupt middle line, empty, garbage, huge lines), refused actions, resume and the summary files.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::write_text;
using std::chrono::seconds;
namespace fs = std::filesystem;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

SessionClock ticking_clock() {
    auto ticks = std::make_shared<int>(0);
    return [ticks] { return kT0 + seconds((*ticks)++); };
}

Site make_site(const std::string& id, const std::string& muscle, Side side, bool optional = false) {
    Site s;
    s.id = id;
    s.base_id = id;
    s.muscle = muscle;
    s.side = side;
    s.units = 5.0;
    s.optional = optional;
    return s;
}

std::shared_ptr<const Protocol> mini_protocol() {
    Protocol p;
    p.id = "mini";
    p.reconstitution = {100.0, 2.0};
    Step step;
    step.id = "all";
    step.sites = {make_site("corrugator_left", "corrugator", Side::left),
                  make_site("corrugator_right", "corrugator", Side::right),
                  make_site("procerus", "procerus", Side::midline),
                  make_site("trapezius_1_left", "trapezius", Side::left),
                  make_site("trapezius_1_right", "trapezius", Side::right)};
    p.steps = {step};
    p.limits.units_per_site = 5.0;
    p.limits.max_total_units = 40.0;
    FollowThePainLimits ftp;
    ftp.max_extra_units = 10;
    ftp.max_extra_sites = 2;
    ftp.muscles = {"trapezius"};
    p.limits.follow_the_pain = ftp;
    return std::make_shared<const Protocol>(std::move(p));
}

// The pre-treatment checklist as a recorded action, at the start time (the ticking clock is left
// where it was): one yes with a reason that needs escaping.
SessionAction checklist_action() {
    SessionAction a;
    a.kind = ActionKind::checklist;
    a.checklist.answers = {{"allergy", false, ""},
                           {"anticoagulant", true, "apixaban, \"held\" 2 min"},
                           {"infection", false, ""}};
    a.checklist.warning_acknowledged = true;
    a.checklist.version = 1;
    a.time = kT0;
    return a;
}

// A record with every kind of action; returns its path.
fs::path write_full_record(const fs::path& dir, bool finish = true) {
    const fs::path path = dir / "full.jsonl";
    SessionStart start;
    start.label = "demo, \"quoted\"";
    start.model = "adult-female";
    auto r = SessionRecorder::create(path, mini_protocol(), start, ticking_clock());
    EXPECT_TRUE(r.ok());
    SessionRecorder& rec = *r.value;
    EXPECT_TRUE(rec.apply(checklist_action()).ok());
    EXPECT_TRUE(rec.inject().ok());
    EXPECT_TRUE(rec.inject(2.5).ok());
    EXPECT_TRUE(rec.skip("bruise, left side").ok());
    EXPECT_TRUE(rec.back().ok());
    EXPECT_TRUE(rec.skip("patient asked").ok());
    EXPECT_TRUE(rec.add("trapezius", Side::left, 3.0, glm::vec3(60.5f, 120.25f, -40.0f)).ok());
    EXPECT_TRUE(rec.add("trapezius", Side::right).ok());
    EXPECT_TRUE(rec.back().ok());
    EXPECT_TRUE(rec.inject().ok());
    if (finish) {
        EXPECT_TRUE(rec.finish().ok());
    }
    return path;
}

int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

bool has_rule(const Diagnostics& ds, const std::string& rule, int line = -1) {
    for (const auto& d : ds)
        if (d.rule == rule && (line < 0 || d.where.line == line))
            return true;
    return false;
}

void expect_same_state(const Session& a, const Session& b) {
    ASSERT_EQ(a.sites().size(), b.sites().size());
    for (std::size_t i = 0; i < a.sites().size(); ++i) {
        const SessionSite& x = a.sites()[i];
        const SessionSite& y = b.sites()[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(a.status(i), b.status(i)) << x.id;
        EXPECT_EQ(x.units_given, y.units_given) << x.id;
        EXPECT_EQ(x.reason, y.reason) << x.id;
        EXPECT_EQ(x.time, y.time) << x.id;
        EXPECT_EQ(x.position_mm, y.position_mm) << x.id;
        EXPECT_EQ(x.stand_in_site, y.stand_in_site) << x.id;
    }
    EXPECT_EQ(a.current(), b.current());
    EXPECT_EQ(a.finished(), b.finished());
    EXPECT_EQ(a.started_at(), b.started_at());
    EXPECT_EQ(a.finished_at(), b.finished_at());
    EXPECT_EQ(a.history().size(), b.history().size());
    EXPECT_EQ(a.start_info().label, b.start_info().label);
}

TEST(SessionRecord, Iso8601) {
    EXPECT_EQ(format_iso8601_utc(kT0), "2024-05-01T09:30:00Z");
    EXPECT_EQ(parse_iso8601_utc("2024-05-01T09:30:00Z"), kT0);
    EXPECT_TRUE(parse_iso8601_utc("2024-02-29T23:59:59Z")); // a leap day
    EXPECT_EQ(format_iso8601_utc(kT0 + std::chrono::milliseconds(999)), "2024-05-01T09:30:00Z");
    for (const char* bad :
         {"", "2024-05-01 09:30:00Z", "2024-05-01T09:30:00", "2024-13-01T09:30:00Z",
          "2024-05-01T24:00:00Z", "2024-05-01T09:30:00+01:00", "20x4-05-01T09:30:00Z",
          "2024-02-31T09:30:00Z", "9999-05-01T09:30:00Z"})
        EXPECT_FALSE(parse_iso8601_utc(bad)) << bad;
}

TEST(SessionRecord, Sha256KnownAnswers) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // Not a vector from the standard, but the 64-byte block boundary: must differ from 63 and 65.
    EXPECT_NE(sha256_hex(std::string(64, 'a')), sha256_hex(std::string(63, 'a')));
    const fs::path dir = fresh_dir("sha");
    write_text(dir / "abc.txt", "abc");
    EXPECT_EQ(file_sha256(dir / "abc.txt"), sha256_hex("abc"));
    EXPECT_FALSE(file_sha256(dir / "missing.txt"));
    // FIPS 180-2's million 'a': read in many chunks, and hashed in one piece.
    const std::string million(1000000, 'a');
    write_text(dir / "million.txt", million);
    const std::string want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    EXPECT_EQ(file_sha256(dir / "million.txt"), want);
    EXPECT_EQ(sha256_hex(million), want);
}

TEST(SessionRecord, LinesRoundTripForEveryAction) {
    std::vector<SessionAction> actions(7);
    actions[0].kind = ActionKind::start;
    actions[0].start = {"mini", "/p/mini.toml", "ab12", "adult-male", "label ü \"x\"\nnext", ""};
    actions[1].kind = ActionKind::inject;
    actions[1].site = "procerus";
    actions[1].units = 2.5;
    actions[2].kind = ActionKind::skip;
    actions[2].site = "corrugator_left";
    actions[2].reason = "refused";
    actions[3].kind = ActionKind::back;
    actions[3].site = "corrugator_left";
    actions[4].kind = ActionKind::add;
    actions[4].site = "ftp-1";
    actions[4].muscle = "trapezius";
    actions[4].side = Side::right;
    actions[4].units = 5.0;
    actions[4].position_mm = glm::vec3(1.25f, -2.5f, 300.0f);
    actions[5].kind = ActionKind::finish;
    actions[6] = checklist_action();
    actions[6].checklist.answers[1].reason = "line\nbreak, \"quotes\", ü";
    for (std::size_t i = 0; i < actions.size(); ++i) {
        actions[i].time = kT0 + seconds(static_cast<int>(i));
        const std::string line = record_line(actions[i]);
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
        EXPECT_EQ(line.rfind("{\"action\":\"", 0), 0u) << line;
        std::string error;
        const auto back = parse_record_line(line, error);
        ASSERT_TRUE(back) << line << ": " << error;
        EXPECT_EQ(back->kind, actions[i].kind);
        EXPECT_EQ(back->site, actions[i].site);
        EXPECT_EQ(back->units, actions[i].units);
        EXPECT_EQ(back->reason, actions[i].reason);
        EXPECT_EQ(back->time, actions[i].time);
        EXPECT_EQ(back->muscle, actions[i].muscle);
        EXPECT_EQ(back->position_mm, actions[i].position_mm);
        ASSERT_EQ(back->checklist.answers.size(), actions[i].checklist.answers.size());
        for (std::size_t k = 0; k < back->checklist.answers.size(); ++k) {
            EXPECT_EQ(back->checklist.answers[k].id, actions[i].checklist.answers[k].id);
            EXPECT_EQ(back->checklist.answers[k].yes, actions[i].checklist.answers[k].yes);
            EXPECT_EQ(back->checklist.answers[k].reason, actions[i].checklist.answers[k].reason);
        }
        EXPECT_EQ(back->checklist.warning_acknowledged, actions[i].checklist.warning_acknowledged);
        EXPECT_EQ(back->checklist.version, actions[i].checklist.version);
        EXPECT_EQ(record_line(*back), line);
    }
    const auto checklist = nlohmann::json::parse(record_line(actions[6]));
    EXPECT_EQ(checklist["action"], "checklist");
    EXPECT_EQ(checklist["answers"][1]["id"], "anticoagulant");
    EXPECT_EQ(checklist["answers"][1]["answer"], "yes");
    EXPECT_FALSE(checklist["answers"][0].contains("reason")); // a no without a reason
    EXPECT_EQ(checklist["warning_acknowledged"], true);
    EXPECT_EQ(checklist["checklist_version"], 1);
    std::string error;
    const auto start = parse_record_line(record_line(actions[0]), error);
    EXPECT_EQ(start->start.label, actions[0].start.label);
    EXPECT_EQ(start->start.protocol_sha256, "ab12");
    const auto json = nlohmann::json::parse(record_line(actions[0]));
    EXPECT_EQ(json["format"], 3);
    EXPECT_EQ(json["protocol"], "mini");
    EXPECT_EQ(json["time"], "2024-05-01T09:30:00Z");
    const auto add = nlohmann::json::parse(record_line(actions[4]));
    EXPECT_EQ(add["side"], "right");
    EXPECT_EQ(add["position_mm"][0], 1.25);
}

TEST(SessionRecord, MalformedLinesAreRejected) {
    for (const char* bad : {
             "",
             "[]",
             "{}",
             "{\"action\":\"inject\"}",
             "{\"action\":\"fly\",\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"inject\",\"site\":\"a\",\"units\":\"5\",\"time\":\"2024-05-01T09:30:"
             "00Z\"}",
             "{\"action\":\"inject\",\"site\":\"a\",\"units\":5,\"time\":\"yesterday\"}",
             "{\"action\":\"skip\",\"site\":\"a\",\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"add\",\"site\":\"ftp-1\",\"muscle\":\"m\",\"side\":\"up\",\"units\":5,"
             "\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"add\",\"site\":\"ftp-1\",\"muscle\":\"m\",\"side\":\"left\",\"units\":"
             "5,"
             "\"position_mm\":[1,2],\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"add\",\"site\":\"ftp-1\",\"muscle\":\"m\",\"side\":\"left\",\"units\":"
             "5,"
             "\"position_mm\":[1,2,1e300],\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"start\",\"format\":4,\"protocol\":\"p\",\"time\":\"2024-05-01T09:30:"
             "00Z\"}",
             // checklist lines: answers missing, not an array, an answer not yes/no, an answer
             // without an id, warning_acknowledged missing or not a boolean
             "{\"action\":\"checklist\",\"warning_acknowledged\":true,\"time\":\"2024-05-01T09:30:"
             "00Z\"}",
             "{\"action\":\"checklist\",\"answers\":{},\"warning_acknowledged\":true,\"time\":"
             "\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"checklist\",\"answers\":[{\"id\":\"a\",\"answer\":\"maybe\"}],"
             "\"warning_acknowledged\":true,\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"checklist\",\"answers\":[{\"answer\":\"no\"}],"
             "\"warning_acknowledged\":true,\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"checklist\",\"answers\":[{\"id\":\"a\",\"answer\":\"no\"}],"
             "\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"checklist\",\"answers\":[{\"id\":\"a\",\"answer\":\"no\"}],"
             "\"warning_acknowledged\":\"yes\",\"time\":\"2024-05-01T09:30:00Z\"}",
             "{\"action\":\"start\",\"format\":1,\"protocol\":\"\",\"time\":\"2024-05-01T09:30:"
             "00Z\"}",
         }) {
        std::string error;
        EXPECT_FALSE(parse_record_line(bad, error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
    }
}

TEST(SessionRecord, RoundTripThroughTheFile) {
    const fs::path dir = fresh_dir("roundtrip");
    const fs::path path = write_full_record(dir);
    const std::string text = read_text(path);
    EXPECT_EQ(count_lines(text), 12);
    EXPECT_EQ(text.back(), '\n');

    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(record.diagnostics.empty());
    EXPECT_EQ(record.value->actions.size(), 12u);
    EXPECT_EQ(record.value->lines.front(), 1);
    EXPECT_EQ(record.value->lines.back(), 12);
    EXPECT_EQ(record.value->valid_bytes, text.size());
    EXPECT_FALSE(record.value->truncated);
    EXPECT_EQ(record.value->start()->label, "demo, \"quoted\"");
    EXPECT_EQ(record.value->start()->model, "adult-female");

    auto replayed = replay_session_record(*record.value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    const Session& s = *replayed.value;
    EXPECT_TRUE(s.finished());
    EXPECT_EQ(s.sites()[0].units_given, 5.0);
    EXPECT_EQ(s.sites()[1].units_given, 2.5);
    EXPECT_EQ(s.status(2), SiteStatus::skipped);
    EXPECT_EQ(s.sites()[2].reason, "patient asked");
    EXPECT_EQ(s.status(3), SiteStatus::injected);
    EXPECT_EQ(s.status(4), SiteStatus::not_given);
    ASSERT_EQ(s.sites().size(), 6u); // the second add was undone
    EXPECT_EQ(s.sites()[5].position_mm, glm::vec3(60.5f, 120.25f, -40.0f));
    EXPECT_EQ(s.sites()[5].time, kT0 + seconds(6));

    // Replaying twice gives the same state as the live session had.
    const fs::path dir2 = fresh_dir("roundtrip2");
    auto again =
        replay_session_record(*read_session_record(write_full_record(dir2)).value, mini_protocol());
    ASSERT_TRUE(again.ok());
    expect_same_state(s, *again.value);
}

TEST(SessionRecord, LiveAndReplayedStateAreEqual) {
    const fs::path dir = fresh_dir("live");
    const fs::path path = dir / "live.jsonl";
    auto r = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.value->apply(checklist_action()).ok());
    ASSERT_TRUE(r.value->inject().ok());
    ASSERT_TRUE(r.value->add("trapezius", Side::left, 5.0, glm::vec3(1.111f, 2.225f, 3.0f)).ok());
    ASSERT_TRUE(r.value->skip("x").ok());
    auto replayed = replay_session_record(*read_session_record(path).value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    expect_same_state(r.value->session(), *replayed.value);
}

TEST(SessionRecord, StartLineCarriesTheProtocolAndFormat) {
    const fs::path dir = fresh_dir("start");
    const fs::path path = write_full_record(dir);
    const std::string first = read_text(path).substr(0, read_text(path).find('\n'));
    const auto j = nlohmann::json::parse(first);
    EXPECT_EQ(j["action"], "start");
    EXPECT_EQ(j["format"], 3);
    EXPECT_EQ(j["protocol"], "mini");
    EXPECT_EQ(j["time"], "2024-05-01T09:30:00Z");
}

TEST(SessionRecord, NeverOverwritesARecord) {
    const fs::path dir = fresh_dir("exists");
    const fs::path path = write_full_record(dir);
    const std::string before = read_text(path);
    auto r = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has_rule(r.diagnostics, "record.exists"));
    EXPECT_EQ(read_text(path), before);
}

TEST(SessionRecord, CreateMakesTheFolder) {
    const fs::path dir = fresh_dir("mkdir");
    auto r =
        SessionRecorder::create(dir / "a" / "b" / "x.jsonl", mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(count_lines(read_text(dir / "a" / "b" / "x.jsonl")), 1);
    EXPECT_EQ((fs::status(dir / "a" / "b" / "x.jsonl").permissions() & fs::perms::others_read),
              fs::perms::none);
}

TEST(SessionRecord, ARefusedActionWritesNothing) {
    const fs::path dir = fresh_dir("refused");
    const fs::path path = dir / "r.jsonl";
    auto r = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->skip("").code, "session.reason-required");
    EXPECT_EQ(r.value->add("frontalis", Side::left).code, "session.checklist-required");
    EXPECT_EQ(r.value->inject().code, "session.checklist-required");
    SessionAction no_reason = checklist_action();
    no_reason.checklist.answers[1].reason.clear();
    EXPECT_EQ(r.value->apply(no_reason).code, "session.checklist-reason");
    EXPECT_EQ(count_lines(read_text(path)), 1);
    EXPECT_EQ(r.value->lines(), 1);
    ASSERT_TRUE(r.value->apply(checklist_action()).ok());
    EXPECT_EQ(r.value->add("frontalis", Side::left).code, "session.ftp-muscle");
    EXPECT_EQ(count_lines(read_text(path)), 2);
    EXPECT_EQ(r.value->lines(), 2);
}

TEST(SessionRecord, NavigationIsNotRecorded) {
    const fs::path dir = fresh_dir("nav");
    const fs::path path = dir / "n.jsonl";
    auto r = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.value->apply(checklist_action()).ok());
    ASSERT_TRUE(r.value->next().ok());
    ASSERT_TRUE(r.value->go_to("trapezius_1_left").ok());
    ASSERT_TRUE(r.value->inject().ok());
    EXPECT_EQ(count_lines(read_text(path)), 3); // start, checklist, inject
    auto replayed = replay_session_record(*read_session_record(path).value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(replayed.value->status(3), SiteStatus::injected);
}

TEST(SessionRecord, ACutLastLineIsIgnoredWithAWarning) {
    const fs::path dir = fresh_dir("cut");
    const fs::path path = write_full_record(dir, false);
    const std::string full = read_text(path);
    const std::string cut_line = "{\"action\":\"skip\",\"site\":\"trapezius_1_right\",\"rea";
    write_text(path, full + cut_line);
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(has_rule(record.diagnostics, "record.truncated", 12));
    EXPECT_EQ(record.diagnostics.front().severity, Severity::warning);
    EXPECT_TRUE(record.value->truncated);
    EXPECT_EQ(record.value->actions.size(), 11u);
    EXPECT_EQ(record.value->valid_bytes, full.size());

    // Resuming cuts the tail before appending, so the next line is whole.
    auto rec = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec.value->lines(), 11);
    ASSERT_TRUE(rec.value->finish().ok());
    auto again = read_session_record(path);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again.diagnostics.empty());
    EXPECT_EQ(again.value->actions.size(), 12u);
    EXPECT_EQ(again.value->actions.back().kind, ActionKind::finish);
    EXPECT_EQ(read_text(path).find(cut_line), std::string::npos);
}

TEST(SessionRecord, AnInvalidLastLineWithANewlineIsAlsoACutLine) {
    // E.g. a file system that grew the file but never wrote the data: zeros up to the newline.
    const fs::path dir = fresh_dir("zeros");
    const fs::path path = write_full_record(dir, false);
    const std::string full = read_text(path);
    write_text(path, full + std::string(20, '\0') + "\n");
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(has_rule(record.diagnostics, "record.truncated", 12));
    EXPECT_EQ(record.value->valid_bytes, full.size());
}

TEST(SessionRecord, ACorruptMiddleLineIsAnErrorWithItsLine) {
    const fs::path dir = fresh_dir("corrupt");
    const fs::path path = write_full_record(dir);
    std::string text = read_text(path);
    // Damage line 4: replace its first byte.
    std::size_t pos = 0;
    for (int i = 0; i < 3; ++i)
        pos = text.find('\n', pos) + 1;
    text[pos] = 'X';
    write_text(path, text);
    auto record = read_session_record(path);
    EXPECT_FALSE(record.ok());
    EXPECT_TRUE(has_rule(record.diagnostics, "record.corrupt-line", 4));
    EXPECT_EQ(record.diagnostics.front().where.file, path.string());
}

TEST(SessionRecord, AValidJsonLineWithoutAnActionIsCorruptEvenAtTheEnd) {
    auto record = parse_session_record("{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\","
                                       "\"time\":\"2024-05-01T09:30:00Z\"}\n"
                                       "{\"hello\":1}\n",
                                       "mem.jsonl");
    EXPECT_FALSE(record.ok());
    EXPECT_TRUE(has_rule(record.diagnostics, "record.corrupt-line", 2));
}

TEST(SessionRecord, EmptyAndGarbage) {
    EXPECT_TRUE(has_rule(parse_session_record("", "e").diagnostics, "record.empty"));
    // Only a cut line: nothing intact.
    auto cut = parse_session_record("{\"action\":\"st", "e");
    EXPECT_FALSE(cut.ok());
    EXPECT_TRUE(has_rule(cut.diagnostics, "record.truncated", 1));
    EXPECT_TRUE(has_rule(cut.diagnostics, "record.empty"));
    EXPECT_FALSE(parse_session_record("\n", "e").ok());

    std::string garbage;
    unsigned state = 12345;
    for (int i = 0; i < 4096; ++i) {
        state = state * 1103515245u + 12345u;
        garbage += static_cast<char>(state >> 16);
    }
    garbage[100] = '\n';
    auto g = parse_session_record(garbage, "g");
    EXPECT_FALSE(g.ok());
    EXPECT_TRUE(has_rule(g.diagnostics, "record.corrupt-line", 1));

    EXPECT_TRUE(has_rule(parse_session_record("not json at all\nnor this\n", "g").diagnostics,
                         "record.corrupt-line", 1));
}

TEST(SessionRecord, TheFirstLineMustBeAStartOfFormat1) {
    const std::string inject = "{\"action\":\"inject\",\"site\":\"procerus\",\"units\":5,\"time\":"
                               "\"2024-05-01T09:30:00Z\"}\n";
    EXPECT_TRUE(
        has_rule(parse_session_record(inject + inject, "f").diagnostics, "record.format", 1));
    EXPECT_TRUE(has_rule(parse_session_record("{\"action\":\"start\",\"format\":7,\"protocol\":"
                                              "\"mini\",\"time\":\"2024-05-01T09:30:00Z\"}\n",
                                              "f")
                             .diagnostics,
                         "record.format", 1));
}

TEST(SessionRecord, HugeLines) {
    const std::string start = "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\",\"time\":"
                              "\"2024-05-01T09:30:00Z\"}\n";
    const std::string huge = "{\"action\":\"skip\",\"site\":\"procerus\",\"reason\":\"" +
                             std::string(kMaxRecordLineBytes, 'x') +
                             "\",\"time\":\"2024-05-01T09:30:00Z\"}";
    // In the middle: corrupt.
    auto middle = parse_session_record(start + huge + "\n" + start, "h");
    EXPECT_FALSE(middle.ok());
    EXPECT_TRUE(has_rule(middle.diagnostics, "record.corrupt-line", 2));
    // At the end, with or without a newline: the cut last line.
    for (const std::string& tail : {huge, huge + "\n"}) {
        auto end = parse_session_record(start + tail, "h");
        ASSERT_TRUE(end.ok());
        EXPECT_TRUE(has_rule(end.diagnostics, "record.truncated", 2));
        EXPECT_EQ(end.value->actions.size(), 1u);
    }
}

TEST(SessionRecord, TooLargeFilesAreNotRead) {
    const fs::path dir = fresh_dir("large");
    const fs::path path = dir / "big.jsonl";
    {
        // Sparse: no disk space used.
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kMaxRecordBytes + 1)), 0);
        ::close(fd);
    }
    auto record = read_session_record(path);
    EXPECT_FALSE(record.ok());
    EXPECT_TRUE(has_rule(record.diagnostics, "record.too-large"));
    EXPECT_TRUE(has_rule(read_session_record(dir / "missing.jsonl").diagnostics, "record.io"));
}

TEST(SessionRecord, ARefusedActionInTheFileIsABadActionWithItsLine) {
    const fs::path dir = fresh_dir("bad");
    const fs::path path = write_full_record(dir, false);
    std::string text = read_text(path);
    // Inject corrugator_left a second time (line 12): the state machine refuses.
    text += "{\"action\":\"inject\",\"site\":\"corrugator_left\",\"units\":5,\"time\":\"2024-05-"
            "01T10:00:00Z\"}\n";
    write_text(path, text);
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto replayed = replay_session_record(*record.value, mini_protocol());
    EXPECT_FALSE(replayed.ok());
    EXPECT_TRUE(has_rule(replayed.diagnostics, "record.bad-action", 12));
    EXPECT_NE(replayed.diagnostics.front().message.find("session.already-injected"),
              std::string::npos);
    auto resumed = SessionRecorder::resume(*record.value, mini_protocol());
    EXPECT_FALSE(resumed.ok());
}

TEST(SessionRecord, ReplayNeedsTheRecordsProtocol) {
    const fs::path dir = fresh_dir("mismatch");
    auto record = read_session_record(write_full_record(dir));
    ASSERT_TRUE(record.ok());
    Protocol other = *mini_protocol();
    other.id = "other";
    auto replayed = replay_session_record(*record.value, std::make_shared<const Protocol>(other));
    EXPECT_FALSE(replayed.ok());
    EXPECT_TRUE(has_rule(replayed.diagnostics, "record.protocol-mismatch", 1));
}

TEST(SessionRecord, AChangedProtocolFileIsAWarning) {
    const fs::path dir = fresh_dir("changed");
    write_text(dir / "mini.toml", "# the protocol as it was\n");
    Protocol p = *mini_protocol();
    p.path = dir / "mini.toml";
    auto protocol = std::make_shared<const Protocol>(p);
    SessionStart start;
    start.protocol_path = p.path.string();
    start.protocol_sha256 = *file_sha256(p.path);
    const fs::path path = dir / "c.jsonl";
    ASSERT_TRUE(SessionRecorder::create(path, protocol, start, ticking_clock()).ok());
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto same = replay_session_record(*record.value, protocol);
    EXPECT_TRUE(same.ok());
    EXPECT_TRUE(same.diagnostics.empty());
    write_text(dir / "mini.toml", "# edited since\n");
    auto changed = replay_session_record(*record.value, protocol);
    EXPECT_TRUE(changed.ok());
    EXPECT_TRUE(has_rule(changed.diagnostics, "record.protocol-changed", 1));
}

TEST(SessionRecord, OneWriterAtATime) {
    const fs::path dir = fresh_dir("locked");
    const fs::path path = dir / "l.jsonl";
    auto first = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first.value->apply(checklist_action()).ok());
    ASSERT_TRUE(first.value->inject().ok());
    const std::string before = read_text(path);

    // A second writer, even in this process (flock locks belong to each open file).
    auto second = RecordFile::open_for_append(path, before.size());
    EXPECT_FALSE(second.ok());
    ASSERT_TRUE(has_rule(second.diagnostics, "record.locked"));
    EXPECT_EQ(second.diagnostics.front().severity, Severity::error);
    EXPECT_NE(second.diagnostics.front().message.find("process " + std::to_string(::getpid())),
              std::string::npos)
        << second.diagnostics.front().message;
    EXPECT_EQ(record_lock_holder(path), static_cast<long>(::getpid()));

    // Resuming a damaged copy of it is refused before anything is cut.
    write_text(path, before + "{\"act");
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto resumed = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    EXPECT_FALSE(resumed.ok());
    EXPECT_TRUE(has_rule(resumed.diagnostics, "record.locked"));
    EXPECT_EQ(read_text(path), before + "{\"act");

    // Once the first writer is gone, the record can be continued.
    first.value.reset();
    EXPECT_FALSE(record_lock_holder(path).has_value());
    auto again = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again.value->inject().ok());
}

TEST(SessionRecord, TextLimitsAreKeptAtEntry) {
    Session s(mini_protocol(), ticking_clock());
    SessionStart long_label;
    long_label.label = std::string(kMaxLabelBytes + 1, 'x');
    EXPECT_EQ(s.start(long_label).code, "session.too-long");
    EXPECT_FALSE(s.started());
    SessionStart longest;
    longest.label = std::string(kMaxLabelBytes, 'x');
    ASSERT_TRUE(s.start(longest).ok());
    EXPECT_EQ(s.skip(std::string(kMaxReasonBytes + 1, 'r')).code, "session.too-long");
    EXPECT_TRUE(s.skip(std::string(kMaxReasonBytes, 'r')).ok());
    EXPECT_EQ(s.add(std::string(kMaxIdBytes + 1, 'm'), Side::left, 1.0).code, "session.too-long");

    // The recorder refuses before anything is written.
    const fs::path dir = fresh_dir("limits");
    auto refused =
        SessionRecorder::create(dir / "x.jsonl", mini_protocol(), long_label, ticking_clock());
    EXPECT_FALSE(refused.ok());
    EXPECT_TRUE(has_rule(refused.diagnostics, "session.too-long"));
    EXPECT_FALSE(fs::exists(dir / "x.jsonl"));
    auto r = SessionRecorder::create(dir / "y.jsonl", mini_protocol(), {}, ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->skip(std::string(kMaxReasonBytes + 1, 'r')).code, "session.too-long");
    SessionAction add;
    add.kind = ActionKind::add;
    add.muscle = std::string(kMaxIdBytes + 1, 'm');
    add.side = Side::left;
    EXPECT_EQ(r.value->apply(add).code, "session.too-long");
    EXPECT_EQ(count_lines(read_text(dir / "y.jsonl")), 1);
}

TEST(SessionRecord, TheLongestLinesInjmapCanWriteReadBack) {
    // Every text field at its limit, in the character JSON escapes longest ("\u0001").
    const char c = '\x01';
    SessionAction start;
    start.kind = ActionKind::start;
    start.time = kT0;
    start.start.protocol_id = std::string(kMaxIdBytes, c);
    start.start.protocol_path = std::string(kMaxProtocolPathBytes, c);
    start.start.protocol_sha256 = std::string(kMaxDigestBytes, c);
    start.start.model = std::string(kMaxIdBytes, c);
    start.start.label = std::string(kMaxLabelBytes, c);
    SessionAction skip;
    skip.kind = ActionKind::skip;
    skip.time = kT0;
    skip.site = std::string(kMaxIdBytes, c);
    skip.reason = std::string(kMaxReasonBytes, c);
    SessionAction add;
    add.kind = ActionKind::add;
    add.time = kT0;
    add.site = std::string(kMaxIdBytes, c);
    add.muscle = std::string(kMaxIdBytes, c);
    add.units = -1.2345678901234567e-300;
    add.position_mm = glm::vec3(-999999.99f, -999999.99f, -999999.99f);
    std::string text, prev;
    for (const SessionAction* a : {&start, &skip, &add}) {
        EXPECT_TRUE(check_text_limits(*a).ok());
        const std::string line = record_line(*a, prev); // chained, as the recorder writes them
        EXPECT_LE(line.size(), kMaxWrittenLineBytes) << to_string(a->kind);
        text += line + "\n";
        prev = sha256_hex(line);
    }
    auto record = parse_session_record(text, "longest.jsonl");
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(record.diagnostics.empty());
    EXPECT_EQ(record.value->actions.size(), 3u);
    EXPECT_EQ(record.value->actions[0].start.label, start.start.label);
    EXPECT_EQ(record.value->actions[1].reason, skip.reason);
}

TEST(SessionRecord, ReadingDoesNotApplyTheEntryLimits) {
    // A record written by hand (or by another tool) with longer text still reads and replays.
    const std::string label(kMaxLabelBytes * 3, 'l');
    const std::string reason(kMaxReasonBytes * 3, 'r');
    const std::string text =
        "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\",\"label\":\"" + label +
        "\",\"time\":\"2024-05-01T09:30:00Z\"}\n"
        "{\"action\":\"skip\",\"site\":\"corrugator_left\",\"reason\":\"" +
        reason + "\",\"time\":\"2024-05-01T09:30:01Z\"}\n";
    auto record = parse_session_record(text, "long.jsonl");
    ASSERT_TRUE(record.ok());
    auto replayed = replay_session_record(*record.value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(replayed.value->start_info().label, label);
    EXPECT_EQ(replayed.value->sites()[0].reason, reason);
}

// ---------------------------------------------------------------------------------------------
// Tamper evidence (format 2): the hash chain.

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines)
        text += l + "\n";
    return text;
}

int first_line(const RecordVerification& v) {
    return v.diagnostics.empty() ? -1 : v.diagnostics.front().where.line;
}

TEST(SessionRecordChain, EveryLineCarriesTheChain) {
    const fs::path dir = fresh_dir("chain");
    const fs::path path = write_full_record(dir);
    const auto lines = split_lines(read_text(path));
    ASSERT_EQ(lines.size(), 12u);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto j = nlohmann::json::parse(lines[i]);
        EXPECT_TRUE(record_line_self_ok(lines[i])) << i;
        EXPECT_EQ(j["self"].get<std::string>().size(), 64u);
        if (i == 0)
            EXPECT_FALSE(j.contains("prev"));
        else
            EXPECT_EQ(j["prev"], sha256_hex(lines[i - 1])) << i;
    }
    // "self" is the hash of the line without it.
    const std::string& last = lines.back();
    const std::size_t at = last.rfind(",\"self\":\"");
    EXPECT_EQ(last.substr(at + 9, 64), sha256_hex(last.substr(0, at) + "}"));
    // The summary names the chain's head.
    const auto summary = nlohmann::json::parse(read_text(summary_json_path(path)));
    EXPECT_EQ(summary["record_lines"], 12);
    EXPECT_EQ(summary["record_last_line_sha256"], sha256_hex(last));

    const RecordVerification v = verify_session_record(path);
    EXPECT_TRUE(v.intact());
    EXPECT_TRUE(v.diagnostics.empty());
    EXPECT_EQ(v.format, 3);
    EXPECT_EQ(v.lines, 12);
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(record.diagnostics.empty());
    EXPECT_EQ(record.value->last_line_sha256, sha256_hex(last));
}

TEST(SessionRecordChain, EverySingleByteChangeIsDetected) {
    const fs::path dir = fresh_dir("bytes");
    const fs::path path = write_full_record(dir);
    const std::string text = read_text(path);
    const std::string summary = read_text(summary_json_path(path));
    ASSERT_TRUE(verify_session_record_text(text, summary, "r").intact());
    int line = 1;
    for (std::size_t k = 0; k < text.size(); ++k) {
        for (const unsigned char flip : {0x01, 0x40, 0x0a ^ static_cast<unsigned char>(text[k])}) {
            std::string changed = text;
            changed[k] = static_cast<char>(static_cast<unsigned char>(text[k]) ^ flip);
            if (changed[k] == text[k])
                continue;
            const RecordVerification v = verify_session_record_text(changed, summary, "r");
            EXPECT_FALSE(v.intact()) << "byte " << k;
            // The line holding the changed byte (or ended by it) is the first one named.
            EXPECT_EQ(first_line(v), line) << "byte " << k << " flip " << int(flip);
        }
        if (text[k] == '\n')
            ++line;
    }
}

TEST(SessionRecordChain, EveryRemovedLineIsDetected) {
    const fs::path dir = fresh_dir("removed");
    const fs::path path = write_full_record(dir);
    const auto lines = split_lines(read_text(path));
    const std::string summary = read_text(summary_json_path(path));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto fewer = lines;
        fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
        const RecordVerification v = verify_session_record_text(join_lines(fewer), summary, "r");
        EXPECT_FALSE(v.intact()) << "line " << i + 1;
        // The line now at that place is the first not to follow (the last: the summary's end).
        EXPECT_EQ(first_line(v), static_cast<int>(i) + 1) << "line " << i + 1;
    }
}

TEST(SessionRecordChain, InsertedAndReorderedLinesAreDetected) {
    const fs::path dir = fresh_dir("reordered");
    const fs::path path = write_full_record(dir);
    const auto lines = split_lines(read_text(path));
    const std::string summary = read_text(summary_json_path(path));
    auto swapped = lines;
    std::swap(swapped[2], swapped[3]);
    EXPECT_EQ(first_line(verify_session_record_text(join_lines(swapped), summary, "r")), 3);
    auto doubled = lines;
    doubled.insert(doubled.begin() + 5, lines[4]); // line 5 twice
    EXPECT_EQ(first_line(verify_session_record_text(join_lines(doubled), summary, "r")), 6);
    auto by_hand = lines;
    by_hand.insert(by_hand.begin() + 3, "{\"action\":\"back\",\"site\":\"procerus\",\"time\":"
                                        "\"2024-05-01T09:30:02Z\"}");
    const auto v = verify_session_record_text(join_lines(by_hand), summary, "r");
    EXPECT_EQ(first_line(v), 4);
    EXPECT_EQ(v.diagnostics.front().rule, "record.chain-broken");
}

TEST(SessionRecordChain, RemovingTheEndOfAnUnfinishedRecordLooksLikeACrash) {
    // Documented limit: without a summary naming the end, a record cut after a line is what a
    // crash after that line leaves; the chain of what remains is intact.
    const fs::path dir = fresh_dir("unfinished");
    auto lines = split_lines(read_text(write_full_record(dir, false)));
    lines.pop_back();
    EXPECT_TRUE(verify_session_record_text(join_lines(lines), {}, "r").intact());
}

TEST(SessionRecordChain, ReadingWarnsOnABrokenChainAndStillShowsEverything) {
    const fs::path dir = fresh_dir("warns");
    const fs::path path = write_full_record(dir, false);
    auto lines = split_lines(read_text(path));
    const std::size_t at = lines[3].find("\"units\":2.5");
    ASSERT_NE(at, std::string::npos) << lines[3];
    lines[3].replace(at, 11, "\"units\":1.5"); // still valid, a different dose
    write_text(path, join_lines(lines));
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    ASSERT_EQ(record.diagnostics.size(), 1u);
    EXPECT_EQ(record.diagnostics.front().rule, "record.chain-broken");
    EXPECT_EQ(record.diagnostics.front().severity, Severity::warning);
    EXPECT_EQ(record.diagnostics.front().where.line, 4);
    EXPECT_EQ(record.value->chain_broken_line, 4);
    EXPECT_EQ(record.value->actions.size(), 11u);
    auto replayed = replay_session_record(*record.value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(replayed.value->sites()[1].units_given, 1.5);
    const RecordVerification v = verify_session_record(path);
    EXPECT_FALSE(v.intact());
    EXPECT_TRUE(has_rule(v.diagnostics, "record.chain-broken", 4));
    EXPECT_EQ(v.diagnostics.front().severity, Severity::error);
}

TEST(SessionRecordChain, ResumingContinuesTheChain) {
    const fs::path dir = fresh_dir("continues");
    const fs::path path = write_full_record(dir, false);
    write_text(path, read_text(path) + "{\"action\":\"fin"); // killed mid-line
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto r = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->last_line_sha256(), record.value->last_line_sha256);
    ASSERT_TRUE(r.value->finish().ok());
    const RecordVerification v = verify_session_record(path);
    EXPECT_TRUE(v.intact()) << (v.diagnostics.empty() ? "" : v.diagnostics.front().message);
    EXPECT_EQ(v.lines, 12);
}

TEST(SessionRecordChain, Format1RecordsStillReadWithoutAChain) {
    const std::string text =
        "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\",\"time\":\"2024-05-01T09:30:"
        "00Z\"}\n"
        "{\"action\":\"inject\",\"site\":\"corrugator_left\",\"units\":5,\"time\":"
        "\"2024-05-01T09:30:01Z\"}\n";
    auto record = parse_session_record(text, "old.jsonl");
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(record.diagnostics.empty());
    EXPECT_EQ(record.value->format, 1);
    ASSERT_TRUE(replay_session_record(*record.value, mini_protocol()).ok());
    const RecordVerification v = verify_session_record_text(text, {}, "old.jsonl");
    EXPECT_EQ(v.format, 1);
    EXPECT_TRUE(v.diagnostics.empty());
    EXPECT_FALSE(v.intact()); // nothing to vouch for
}

TEST(SessionRecord, CreateCopiesTheProtocolBesideTheRecord) {
    const fs::path dir = fresh_dir("protocol-copy");
    write_text(dir / "mini.toml", "# the protocol as it was\n");
    Protocol p = *mini_protocol();
    p.path = dir / "mini.toml";
    SessionStart start;
    start.protocol_path = p.path.string();
    const fs::path path = dir / "c.jsonl";
    auto r =
        SessionRecorder::create(path, std::make_shared<const Protocol>(p), start, ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.diagnostics.empty());
    EXPECT_EQ(record_protocol_copy_path(path), dir / "c.protocol.toml");
    EXPECT_EQ(read_text(dir / "c.protocol.toml"), "# the protocol as it was\n");
    EXPECT_EQ(r.value->session().start_info().protocol_sha256,
              sha256_hex("# the protocol as it was\n"));
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    Diagnostics notes;
    EXPECT_EQ(recorded_protocol(*record.value, notes), dir / "c.protocol.toml");
    EXPECT_TRUE(notes.empty());
    write_text(dir / "mini.toml", "# edited since\n");
    EXPECT_EQ(recorded_protocol(*record.value, notes), dir / "c.protocol.toml");
    EXPECT_TRUE(has_rule(notes, "record.protocol-changed", 1));
    EXPECT_EQ(notes.front().severity, Severity::warning);
}

TEST(SessionRecord, ResumeContinuesTheSameFile) {
    const fs::path dir = fresh_dir("resume");
    const fs::path path = dir / "r.jsonl";
    {
        auto r = SessionRecorder::create(path, mini_protocol(), {}, ticking_clock());
        ASSERT_TRUE(r.ok());
        ASSERT_TRUE(r.value->apply(checklist_action()).ok());
        ASSERT_TRUE(r.value->inject().ok());
        ASSERT_TRUE(r.value->skip("later").ok());
    } // the program ends here
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    auto r = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value->session().current(), 2u);
    ASSERT_TRUE(r.value->back().ok()); // undo works across the resume
    EXPECT_EQ(r.value->session().current(), 1u);
    ASSERT_TRUE(r.value->inject().ok());
    ASSERT_TRUE(r.value->finish().ok());
    auto final_record = read_session_record(path);
    ASSERT_TRUE(final_record.ok());
    EXPECT_EQ(final_record.value->actions.size(), 7u);
    auto replayed = replay_session_record(*final_record.value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    expect_same_state(r.value->session(), *replayed.value);
}

TEST(SessionRecord, AFailedWriteLeavesTheSessionUnchanged) {
    // /dev/full accepts the open and refuses every write (ENOSPC).
    if (!fs::exists("/dev/full"))
        GTEST_SKIP() << "no /dev/full";
    const std::string start = "{\"action\":\"start\",\"format\":1,\"protocol\":\"mini\",\"time\":"
                              "\"2024-05-01T09:30:00Z\"}\n";
    auto record = parse_session_record(start, "/dev/full");
    ASSERT_TRUE(record.ok());
    record.value->path = "/dev/full";
    record.value->valid_bytes = 0; // the device is "empty"
    auto r = SessionRecorder::resume(*record.value, mini_protocol(), ticking_clock());
    ASSERT_TRUE(r.ok());
    const Outcome o = r.value->inject();
    EXPECT_EQ(o.code, "record.io");
    EXPECT_EQ(r.value->session().status(0), SiteStatus::current);
    EXPECT_EQ(r.value->session().history().size(), 1u);
    EXPECT_EQ(r.value->lines(), 1);
}

TEST(SessionRecord, FinishWritesTheSummary) {
    const fs::path dir = fresh_dir("summary");
    const fs::path path = write_full_record(dir);
    ASSERT_EQ(summary_json_path(path), dir / "full.summary.json");
    ASSERT_EQ(summary_csv_path(path), dir / "full.summary.csv");
    ASSERT_TRUE(fs::exists(dir / "full.summary.json"));
    const auto j = nlohmann::json::parse(read_text(dir / "full.summary.json"));
    EXPECT_EQ(j["protocol"], "mini");
    EXPECT_EQ(j["label"], "demo, \"quoted\"");
    EXPECT_EQ(j["finished"], "2024-05-01T09:30:10Z");
    ASSERT_EQ(j["sites"].size(), 6u);
    EXPECT_EQ(j["sites"][2]["status"], "skipped");
    EXPECT_EQ(j["sites"][4]["status"], "not_given");
    EXPECT_EQ(j["sites"][5]["added"], true);
    EXPECT_EQ(j["total"]["units"], 5.0 + 2.5 + 5.0 + 3.0);
    EXPECT_EQ(j["counts"]["injected"], 4);
    EXPECT_EQ(j["logistics"]["vials_needed"], 1);
    EXPECT_EQ(j["logistics"]["waste_units"], 100.0 - 15.5);
    EXPECT_EQ(j["per_muscle"]["trapezius"]["units"], 8.0);

    const std::string csv = read_text(dir / "full.summary.csv");
    EXPECT_EQ(count_lines(csv), 7);
    EXPECT_EQ(
        csv.rfind("site,muscle,side,units_given,status,time,reason,moved_mm,moved_direction\n", 0),
        0u);
    EXPECT_NE(csv.find("corrugator_right,corrugator,right,2.5,injected,2024-05-01T09:30:02Z,,,\n"),
              std::string::npos);
    EXPECT_NE(csv.find("procerus,procerus,midline,0,skipped,2024-05-01T09:30:05Z,patient asked,,\n"),
              std::string::npos);
    EXPECT_NE(csv.find("trapezius_1_right,trapezius,right,0,not_given,,,,\n"), std::string::npos);
    EXPECT_NE(csv.find("ftp-1,trapezius,left,3,injected,"), std::string::npos);
    // No temporary files left behind.
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_NE(e.path().extension(), ".tmp") << e.path();
}

TEST(SessionRecord, CsvQuotesFieldsThatNeedIt) {
    auto p = mini_protocol();
    Session s(p, ticking_clock());
    ASSERT_TRUE(s.start().ok());
    ASSERT_TRUE(s.skip("sore, \"very\"").ok());
    const std::string csv = session_summary_csv(s);
    EXPECT_NE(csv.find(",\"sore, \"\"very\"\"\",,\n"), std::string::npos) << csv;
}

TEST(SessionRecord, DefaultPathIsInTheUsersDataFolder) {
    const fs::path dir = fresh_dir("xdg");
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_DATA_HOME", dir.c_str(), 1);
    const fs::path p = default_record_path("preempt-155", kT0);
    if (old)
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_DATA_HOME");
    EXPECT_EQ(p, dir / "injmap" / "sessions" / "20240501-093000-preempt-155.jsonl");
}

// ---------------------------------------------------------------------------------------------
// The checklist in the record (format 3), and records written before it (format 2)

std::shared_ptr<const Protocol> shipped_protocol(const std::string& id) {
    const auto path = resolve_protocol(id);
    EXPECT_TRUE(path) << id;
    auto read = read_protocol_file(*path);
    EXPECT_TRUE(read.ok()) << id;
    return std::make_shared<const Protocol>(std::move(*read.value));
}

TEST(SessionRecordChecklist, AFormat2RecordReadsVerifiesReplaysAndContinuesWithoutOne) {
    const fs::path dir = fresh_dir("format2");
    const fs::path path = dir / "old.jsonl";
    fs::copy_file(injmap::test::data_dir() / "sessions" / "format2-preempt-155.jsonl", path);
    const std::string before = read_text(path);

    const RecordVerification v = verify_session_record(path);
    EXPECT_TRUE(v.intact()) << (v.diagnostics.empty() ? "" : v.diagnostics.front().message);
    EXPECT_EQ(v.format, 2);

    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record.value->format, 2);
    for (const SessionAction& a : record.value->actions)
        EXPECT_NE(a.kind, ActionKind::checklist);
    const auto protocol = shipped_protocol("preempt-155");
    auto replayed = replay_session_record(*record.value, protocol);
    ASSERT_TRUE(replayed.ok()) << (replayed.diagnostics.empty()
                                       ? ""
                                       : replayed.diagnostics.front().message);
    EXPECT_EQ(replayed.value->start_info().format, 2);
    EXPECT_FALSE(replayed.value->checklist_required());
    EXPECT_FALSE(replayed.value->checklist_answers());
    EXPECT_GT(replayed.value->tallies().injected, 0);
    EXPECT_EQ(read_text(path), before); // reading never writes

    // Continuing it appends without a checklist, and the chain stays intact.
    auto resumed = SessionRecorder::resume(*record.value, protocol, ticking_clock());
    ASSERT_TRUE(resumed.ok());
    ASSERT_TRUE(resumed.value->inject().ok());
    ASSERT_TRUE(resumed.value->finish().ok());
    EXPECT_TRUE(verify_session_record(path).intact());
    const auto summary = nlohmann::json::parse(read_text(summary_json_path(path)));
    EXPECT_EQ(summary["format"], 2);
    EXPECT_TRUE(summary["checklist"].is_null());
}

TEST(SessionRecordChecklist, AFormat3RecordInjectingWithoutItIsABadAction) {
    SessionAction start;
    start.kind = ActionKind::start;
    start.start.protocol_id = "mini";
    start.time = kT0;
    SessionAction inject;
    inject.kind = ActionKind::inject;
    inject.site = "corrugator_left";
    inject.units = 5.0;
    inject.time = kT0 + seconds(1);
    const std::string first = record_line(start);
    const std::string text = first + "\n" + record_line(inject, sha256_hex(first)) + "\n";
    EXPECT_NE(text.find("\"format\":3"), std::string::npos);
    auto record = parse_session_record(text, "new.jsonl");
    ASSERT_TRUE(record.ok());
    EXPECT_TRUE(verify_session_record_text(text, {}, "new.jsonl").intact());
    auto replayed = replay_session_record(*record.value, mini_protocol());
    EXPECT_FALSE(replayed.ok());
    ASSERT_TRUE(has_rule(replayed.diagnostics, "record.bad-action", 2));
    EXPECT_NE(replayed.diagnostics.front().message.find("session.checklist-required"),
              std::string::npos);

    // The same lines with format 2 replay: the checklist did not exist then.
    start.start.format = 2;
    const std::string old_first = record_line(start);
    const std::string old_text =
        old_first + "\n" + record_line(inject, sha256_hex(old_first)) + "\n";
    auto old_record = parse_session_record(old_text, "old.jsonl");
    ASSERT_TRUE(old_record.ok());
    EXPECT_TRUE(replay_session_record(*old_record.value, mini_protocol()).ok());
}

TEST(SessionRecordChecklist, AnswersSurviveTheRecordAndReachTheSummary) {
    const fs::path dir = fresh_dir("checklist-summary");
    const fs::path path = write_full_record(dir);
    auto record = read_session_record(path);
    ASSERT_TRUE(record.ok());
    ASSERT_EQ(record.value->actions[1].kind, ActionKind::checklist);
    auto replayed = replay_session_record(*record.value, mini_protocol());
    ASSERT_TRUE(replayed.ok());
    const auto& answers = replayed.value->checklist_answers();
    ASSERT_TRUE(answers);
    ASSERT_EQ(answers->answers.size(), 3u);
    EXPECT_EQ(answers->answers[1].reason, "apixaban, \"held\" 2 min");
    EXPECT_TRUE(answers->warning_acknowledged);
    EXPECT_EQ(answers->version, 1);

    const auto summary = nlohmann::json::parse(read_text(summary_json_path(path)));
    EXPECT_EQ(summary["format"], 3);
    ASSERT_TRUE(summary["checklist"].is_object());
    EXPECT_EQ(summary["checklist"]["warning_acknowledged"], true);
    EXPECT_EQ(summary["checklist"]["yes"], 1);
    EXPECT_EQ(summary["checklist"]["answers"][1]["id"], "anticoagulant");
    EXPECT_EQ(summary["checklist"]["answers"][1]["answer"], "yes");
    EXPECT_EQ(summary["checklist"]["answers"][1]["reason"], "apixaban, \"held\" 2 min");
    EXPECT_EQ(summary["checklist"]["time"], "2024-05-01T09:30:00Z");
}

TEST(SessionRecordChecklist, TheLongestChecklistLineReadsBack) {
    SessionAction a;
    a.kind = ActionKind::checklist;
    a.time = kT0;
    a.checklist.warning_acknowledged = true;
    a.checklist.version = 1'000'000;
    for (std::size_t i = 0; i < kMaxChecklistAnswers; ++i)
        a.checklist.answers.push_back({std::string(kMaxIdBytes, static_cast<char>('a' + i)), true,
                                       std::string(kMaxChecklistReasonBytes, '\x01')});
    EXPECT_TRUE(check_text_limits(a).ok());
    const std::string line = record_line(a, std::string(64, 'f'));
    EXPECT_LE(line.size(), kMaxWrittenChecklistLineBytes);
    std::string error;
    const auto back = parse_record_line(line, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->checklist.answers.size(), kMaxChecklistAnswers);
}

} // namespace
