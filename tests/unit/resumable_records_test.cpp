// Finding session records to resume (resumable_records.hpp): what is listed and what is skipped in
// a sessions folder, the order, the progress read by replaying, the damage states, and the one
// record the GUI offers.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "injmap/protocols/resumable_records.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::write_text;
using std::chrono::seconds;
namespace fs = std::filesystem;

const SessionTime kT0 = SessionTime{} + seconds(1714555800); // 2024-05-01T09:30:00Z

SessionClock clock_at(SessionTime t0) {
    auto ticks = std::make_shared<int>(0);
    return [ticks, t0] { return t0 + seconds((*ticks)++); };
}

Site make_site(const std::string& id, const std::string& muscle, Side side) {
    Site s;
    s.id = id;
    s.base_id = id;
    s.muscle = muscle;
    s.side = side;
    s.units = 5.0;
    return s;
}

std::shared_ptr<const Protocol> protocol_named(const std::string& id) {
    Protocol p;
    p.id = id;
    p.reconstitution = {100.0, 2.0};
    Step step;
    step.id = "all";
    step.sites = {make_site("corrugator_left", "corrugator", Side::left),
                  make_site("corrugator_right", "corrugator", Side::right),
                  make_site("procerus", "procerus", Side::midline)};
    p.steps = {step};
    p.limits.units_per_site = 5.0;
    return std::make_shared<const Protocol>(std::move(p));
}

// A record named as the GUI names them (<YYYYmmdd-HHMMSS>-<protocol>.jsonl), started at `t0`:
// the checklist, then `injects` injections and `skips` skips, finished or not.
fs::path write_record(const fs::path& dir, const std::shared_ptr<const Protocol>& protocol,
                      SessionTime t0, int injects, int skips, bool finish,
                      const std::string& label = "") {
    const fs::path path = dir / default_record_path(protocol->id, t0).filename();
    SessionStart start;
    start.label = label;
    auto r = SessionRecorder::create(path, protocol, start, clock_at(t0));
    EXPECT_TRUE(r.ok());
    SessionRecorder& rec = *r.value;
    ChecklistAnswers answers;
    answers.answers = {{"allergy", false, ""}};
    answers.warning_acknowledged = true;
    EXPECT_TRUE(rec.answer_checklist(answers).ok());
    for (int i = 0; i < injects; ++i)
        EXPECT_TRUE(rec.inject().ok());
    for (int i = 0; i < skips; ++i)
        EXPECT_TRUE(rec.skip("declined").ok());
    if (finish) {
        EXPECT_TRUE(rec.finish().ok());
    }
    return path;
}

TEST(ResumableRecords, ListsThisProtocolsRecordsNewestFirstAndSkipsTheRest) {
    const fs::path dir = fresh_dir("resumable-list");
    const auto mini = protocol_named("mini");
    const fs::path older = write_record(dir, mini, kT0, 1, 0, false, "older");
    const fs::path newer = write_record(dir, mini, kT0 + seconds(3600), 2, 1, false, "newer");
    // Not listed: another protocol's record, a .jsonl that is not a record, other files, a folder.
    write_record(dir, protocol_named("other"), kT0 + seconds(7200), 1, 0, false);
    write_text(dir / "notes.jsonl", "{\"hello\":1}\n");
    write_text(dir / "readme.txt", "not a record\n");
    fs::create_directories(dir / "sub.jsonl");

    const auto records = find_session_records(dir, mini);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].path, newer);
    EXPECT_EQ(records[1].path, older);

    const ResumableRecord& r = records[0];
    EXPECT_EQ(r.protocol_id, "mini");
    EXPECT_EQ(r.label, "newer");
    ASSERT_TRUE(r.started.has_value());
    EXPECT_EQ(*r.started, kT0 + seconds(3600));
    EXPECT_FALSE(r.finished);
    EXPECT_EQ(r.injected, 2);
    EXPECT_EQ(r.skipped, 1);
    EXPECT_EQ(r.pending, 0);
    EXPECT_EQ(r.protocol_sites, 3);
    EXPECT_EQ(r.units_given, 10.0);
    EXPECT_EQ(r.damage, RecordDamage::none);
    EXPECT_TRUE(r.resumable());
    ASSERT_TRUE(r.record.has_value());
    EXPECT_EQ(r.record->actions.size(), 5u); // start, checklist, 2 inject, skip
    EXPECT_EQ(records[1].injected, 1);
    EXPECT_EQ(record_to_resume(records), &records[0]);
    // The GUI's shortcut finds the same one (the other protocol's newer record skipped).
    const auto offer = find_record_to_resume(dir, mini);
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->path, newer);
}

TEST(ResumableRecords, AMissingFolderOrNoProtocolListsNothing) {
    EXPECT_TRUE(find_session_records(fresh_dir("resumable-none") / "absent", protocol_named("mini"))
                    .empty());
    const fs::path dir = fresh_dir("resumable-null");
    write_record(dir, protocol_named("mini"), kT0, 1, 0, false);
    EXPECT_TRUE(find_session_records(dir, nullptr).empty());
}

TEST(ResumableRecords, ACorruptRecordIsListedAsUnreadableAndPassedOver) {
    const fs::path dir = fresh_dir("resumable-corrupt");
    const auto mini = protocol_named("mini");
    const fs::path older = write_record(dir, mini, kT0, 1, 0, false);
    const fs::path newer = write_record(dir, mini, kT0 + seconds(60), 2, 0, false, "damaged");
    std::string text = read_text(newer);
    const std::size_t line3 = text.find('\n', text.find('\n') + 1) + 1;
    text[line3] = 'X'; // line 3 no longer reads
    write_text(newer, text);

    const auto records = find_session_records(dir, mini);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].path, newer);
    EXPECT_EQ(records[0].damage, RecordDamage::unreadable);
    EXPECT_EQ(records[0].damage_line, 3);
    EXPECT_EQ(records[0].label, "damaged"); // from its start line
    EXPECT_FALSE(records[0].resumable());
    EXPECT_FALSE(records[0].record.has_value());
    ASSERT_FALSE(records[0].diagnostics.empty());
    EXPECT_EQ(records[0].diagnostics.front().rule, "record.corrupt-line");
    // The GUI offers the older one that still reads.
    EXPECT_EQ(record_to_resume(records), &records[1]);
    EXPECT_EQ(records[1].path, older);
    const auto offer = find_record_to_resume(dir, mini);
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->path, older);
}

TEST(ResumableRecords, ACutTailAndABrokenChainAreShownAndStillResumable) {
    const fs::path dir = fresh_dir("resumable-damage");
    const auto mini = protocol_named("mini");
    const fs::path cut = write_record(dir, mini, kT0, 1, 0, false);
    write_text(cut, read_text(cut) + "{\"action\":\"inject\",\"si");
    const fs::path changed = write_record(dir, mini, kT0 + seconds(60), 2, 0, false);
    std::string text = read_text(changed);
    const std::size_t at = text.rfind("\"units\":5");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 9, "\"units\":4"); // the last inject (line 4) says 4 U now
    write_text(changed, text);

    const auto records = find_session_records(dir, mini);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].path, changed);
    EXPECT_EQ(records[0].damage, RecordDamage::chain_broken);
    EXPECT_EQ(records[0].damage_line, 4);
    EXPECT_EQ(records[0].units_given, 9.0);
    EXPECT_TRUE(records[0].resumable());
    EXPECT_EQ(records[1].path, cut);
    EXPECT_EQ(records[1].damage, RecordDamage::tail_cut);
    EXPECT_EQ(records[1].injected, 1);
    EXPECT_TRUE(records[1].resumable());
    EXPECT_STREQ(to_string(RecordDamage::tail_cut), "tail_cut");
}

TEST(ResumableRecords, ARecordThatDoesNotReplayIsUnreadable) {
    const fs::path dir = fresh_dir("resumable-replay");
    const fs::path path = write_record(dir, protocol_named("mini"), kT0, 2, 0, false);
    // Replayed with a protocol of the same id that has one site only, the second inject is
    // refused: record.bad-action on line 4.
    auto one_site = std::make_shared<Protocol>(*protocol_named("mini"));
    one_site->steps[0].sites.resize(1);
    const auto records = find_session_records(dir, one_site);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].path, path);
    EXPECT_EQ(records[0].damage, RecordDamage::unreadable);
    EXPECT_EQ(records[0].damage_line, 4);
    EXPECT_FALSE(records[0].resumable());
    EXPECT_EQ(record_to_resume(records), nullptr);
}

TEST(ResumableRecords, NothingIsOfferedWhenTheNewestSessionIsFinished) {
    const fs::path dir = fresh_dir("resumable-finished");
    const auto mini = protocol_named("mini");
    write_record(dir, mini, kT0, 1, 0, false);
    write_record(dir, mini, kT0 + seconds(60), 3, 0, true);
    const auto records = find_session_records(dir, mini);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_TRUE(records[0].finished);
    EXPECT_FALSE(records[0].resumable());
    EXPECT_TRUE(records[1].resumable());
    EXPECT_EQ(record_to_resume(records), nullptr);
    EXPECT_FALSE(find_record_to_resume(dir, mini));
}

// The "Recent sessions" list: every unfinished record whatever its protocol, newest first.
TEST(UnfinishedRecords, ListsEveryProtocolsUnfinishedRecordsNewestFirst) {
    const fs::path dir = fresh_dir("unfinished-any");
    const auto mini = protocol_named("mini");
    const auto other = protocol_named("other");
    const fs::path a = write_record(dir, mini, kT0, 1, 0, false, "mini open");
    write_record(dir, mini, kT0 + seconds(60), 3, 0, true); // finished: not listed
    const fs::path b = write_record(dir, other, kT0 + seconds(120), 2, 1, false, "other open");
    write_text(dir / "notes.jsonl", "{\"hello\":1}\n"); // not a record
    write_text(dir / "x.summary.json", "{}\n");
    std::vector<std::string> asked;
    const auto lookup = [&](const SessionStart& start) -> std::shared_ptr<const Protocol> {
        asked.push_back(start.protocol_id);
        return start.protocol_id == "mini" ? mini : start.protocol_id == "other" ? other : nullptr;
    };
    const auto records = find_unfinished_records(dir, lookup);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].path, b);
    EXPECT_EQ(records[0].protocol_id, "other");
    EXPECT_EQ(records[0].label, "other open");
    EXPECT_EQ(records[0].injected, 2);
    EXPECT_EQ(records[0].skipped, 1);
    EXPECT_TRUE(records[0].resumable());
    EXPECT_EQ(records[1].path, a);
    EXPECT_EQ(records[1].protocol_id, "mini");
    EXPECT_EQ(records[1].injected, 1);
    EXPECT_TRUE(records[1].resumable());
    // One look-up per protocol, not per record.
    std::sort(asked.begin(), asked.end());
    EXPECT_EQ(asked, (std::vector<std::string>{"mini", "other"}));
}

TEST(UnfinishedRecords, AnUnknownProtocolIsListedButNotResumable) {
    const fs::path dir = fresh_dir("unfinished-unknown");
    const fs::path path = write_record(dir, protocol_named("gone"), kT0, 2, 0, false, "lost");
    write_record(dir, protocol_named("gone"), kT0 + seconds(60), 3, 0, true); // finished
    const auto records = find_unfinished_records(dir, [](const SessionStart&) { return nullptr; });
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].path, path);
    EXPECT_EQ(records[0].protocol_id, "gone");
    EXPECT_EQ(records[0].label, "lost");
    ASSERT_TRUE(records[0].started.has_value());
    EXPECT_EQ(*records[0].started, kT0);
    EXPECT_FALSE(records[0].protocol_found);
    EXPECT_FALSE(records[0].resumable());
    // A null lookup is the same.
    EXPECT_EQ(find_unfinished_records(dir, nullptr).size(), 1u);
}

TEST(UnfinishedRecords, ADamagedRecordIsListedWithItsDamage) {
    const fs::path dir = fresh_dir("unfinished-damaged");
    const auto mini = protocol_named("mini");
    const fs::path path = write_record(dir, mini, kT0, 2, 0, false, "damaged");
    std::string text = read_text(path);
    const std::size_t line3 = text.find('\n', text.find('\n') + 1) + 1;
    text[line3] = 'X';
    write_text(path, text);
    const fs::path cut = write_record(dir, mini, kT0 + seconds(60), 1, 0, false);
    write_text(cut, read_text(cut) + "{\"action\":\"inject\",\"si");
    const auto records = find_unfinished_records(dir, [&](const SessionStart&) { return mini; });
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].path, cut);
    EXPECT_EQ(records[0].damage, RecordDamage::tail_cut);
    EXPECT_TRUE(records[0].resumable());
    EXPECT_EQ(records[1].path, path);
    EXPECT_EQ(records[1].damage, RecordDamage::unreadable);
    EXPECT_EQ(records[1].label, "damaged");
    EXPECT_FALSE(records[1].resumable());
    EXPECT_TRUE(find_unfinished_records(dir / "absent", nullptr).empty());
}

} // namespace
