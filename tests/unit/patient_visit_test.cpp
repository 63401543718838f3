// A session for a patient without a window (app/gui/patient_visit.hpp): filing a finished session
// (the code path `session play --patient` and the clinician window share), the override of
// history.cumulative, the last treatment in words, the last visit's ghost markers (a moved site
// where it was given, with how far and which way) and this visit against the last by muscle.
#include <chrono>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "gui/patient_visit.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using injmap::test::data_dir;
using injmap::test::fresh_dir;
namespace fs = std::filesystem;
using namespace injmap;

std::shared_ptr<const Protocol> mini_protocol() {
    static const auto protocol = [] {
        auto read = read_protocol_file(data_dir() / "sessions" / "mini-ftp.toml");
        EXPECT_TRUE(read.ok());
        return std::make_shared<const Protocol>(std::move(*read.value));
    }();
    return protocol;
}

// A finished session of the mini protocol recorded at `path`: `injected` sites of 5 U.
SessionRecorder record(const fs::path& path, const char* when, int injected) {
    SessionStart info;
    info.protocol_path = (data_dir() / "sessions" / "mini-ftp.toml").string();
    info.protocol_sha256 = file_sha256(info.protocol_path).value_or("");
    const SessionTime start = *parse_iso8601_utc(when);
    auto recorder = SessionRecorder::create(path, mini_protocol(), info, [start] { return start; });
    EXPECT_TRUE(recorder.ok());
    ChecklistAnswers answers;
    answers.warning_acknowledged = true;
    for (const char* id : {"allergy", "infection", "neuromuscular", "pregnancy", "anticoagulant",
                           "recent_toxin", "swallowing_breathing"})
        answers.answers.push_back(ChecklistAnswer{id, false, {}});
    EXPECT_TRUE(recorder.value->answer_checklist(answers).ok());
    for (int i = 0; i < injected; ++i)
        EXPECT_TRUE(recorder.value->inject().ok());
    EXPECT_TRUE(recorder.value->finish().ok());
    return std::move(*recorder.value);
}

TEST(PatientVisit, FilingAFinishedSessionAddsOneTreatmentUnderThePatient) {
    const fs::path dir = fresh_dir("patient-visit-file");
    auto opened = open_sqlite_history(dir / "h.db");
    ASSERT_TRUE(opened.ok());
    HistoryStore& store = **opened.value;
    const SessionRecorder r = record(dir / "a.jsonl", "2026-01-05T09:00:00Z", 3);
    auto filed = file_finished_session(store, r.session(), r.path(), {}, "p-1", "audit reason");
    ASSERT_TRUE(filed.ok()) << (filed.diagnostics.empty() ? "" : filed.diagnostics[0].message);
    EXPECT_GT(*filed.value, 0);
    // The same record again is already filed: id 0, still one treatment.
    auto again = file_finished_session(store, r.session(), r.path(), {}, "p-1", "");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again.value, 0);
    auto listed = store.list_treatments("p-1");
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed.value->size(), 1u);
    EXPECT_DOUBLE_EQ(listed.value->front().units_given, 15.0);
    auto full = store.find_treatment(listed.value->front().id);
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full.value->override_reason, "audit reason");
    auto ids = store.list_patient_ids();
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(*ids.value, std::vector<std::string>{"p-1"});
    // A record that cannot be read back: db.io, nothing filed.
    auto missing = file_finished_session(store, r.session(), dir / "gone.jsonl", {}, "p-1", "");
    EXPECT_FALSE(missing.ok());
    ASSERT_FALSE(missing.diagnostics.empty());
    EXPECT_EQ(missing.diagnostics.front().rule, "db.io");
    EXPECT_EQ(store.list_treatments("p-1").value->size(), 1u);
}

TEST(PatientVisit, OverrideTurnsCumulativeErrorsIntoRecordedWarnings) {
    Diagnostics cross(2);
    cross[0].rule = "history.interval";
    cross[0].severity = Severity::warning;
    cross[1].rule = "history.cumulative";
    cross[1].severity = Severity::error;
    Diagnostics kept = cross;
    EXPECT_FALSE(apply_history_override(kept, ""));
    EXPECT_TRUE(has_errors(kept));
    EXPECT_TRUE(apply_history_override(cross, "migraine status"));
    EXPECT_FALSE(has_errors(cross));
    EXPECT_NE(cross[1].message.find("overridden: migraine status"), std::string::npos);
    EXPECT_EQ(cross[0].message.find("overridden"), std::string::npos);
}

TEST(PatientVisit, LastTreatmentInPlainWords) {
    EXPECT_EQ(gui::weeks_and_days(12.0 + 3.0 / 7.0), "12 weeks and 3 days");
    EXPECT_EQ(gui::weeks_and_days(1.0), "1 week");
    EXPECT_EQ(gui::weeks_and_days(5.0 / 7.0), "5 days");
    EXPECT_EQ(gui::plain_date("2026-03-30"), "30 March 2026");
    EXPECT_EQ(gui::plain_date("2026-01-05T09:00:00Z"), "5 January 2026");
    EXPECT_TRUE(gui::last_treatment_lines({}).empty());
    VisitContext c;
    c.last.emplace();
    c.last->started = "2026-01-05T09:00:00Z";
    c.last->protocol_id = "preempt-155";
    c.last->units_given = 155;
    c.last->per_muscle = {{"corrugator", 10.0}, {"frontalis", 20.0}};
    c.weeks_since = 11.0;
    c.next_due = "2026-03-30";
    const auto lines = gui::last_treatment_lines(c);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "5 January 2026 · preempt-155 · 155 U");
    EXPECT_EQ(lines[1], "Corrugator 10 U, Frontalis 20 U");
    EXPECT_EQ(lines[2], "11 weeks ago");
    EXPECT_EQ(lines[3], "Next due 30 March 2026 (12 weeks after)");
    c.weeks_since = 0.0;
    EXPECT_EQ(gui::last_treatment_lines(c)[2], "Today");
    EXPECT_DOUBLE_EQ(gui::planned_units(*mini_protocol()), 35.0); // the optional site left out
}

TEST(PatientVisit, GhostMarkersPutAMovedSiteWhereItWasGiven) {
    const Protocol& p = *mini_protocol();
    const auto sites = p.sites();
    PlacedProtocol placed;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        PlacedSite s;
        s.site = sites[i];
        s.position = glm::vec3(10.0f * float(i), 0.0f, 50.0f);
        s.normal = glm::vec3(0, 0, 1);
        s.needle_direction = glm::vec3(0, 0, -1);
        s.placed = true;
        placed.sites.push_back(s);
    }
    std::size_t left = sites.size();
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i]->id == "corrugator_left")
            left = i;
    ASSERT_LT(left, sites.size());
    TreatmentRow last;
    last.sites.push_back({"procerus", "procerus", "midline", "injected", 5, "", "", false, {}, ""});
    // Moved 6 mm lateral (the subject's left is +X) and 5 mm up from its planned point.
    last.sites.push_back({"corrugator_left", "corrugator", "left", "injected", 5, "", "", false,
                          placed.sites[left].position + glm::vec3(6, 5, 0), "corrugator, left"});
    last.sites.push_back(
        {"corrugator_right", "corrugator", "right", "skipped", 0, "", "", false, {}, ""});
    last.sites.push_back({"gone", "masseter", "left", "injected", 5, "", "", false, {}, ""});
    const auto ghosts = gui::ghost_markers(last, p, placed, 7);
    ASSERT_EQ(ghosts.size(), 2u); // skipped and unknown-without-position left out
    for (const auto& g : ghosts)
        EXPECT_EQ(g.marker.state, render::MarkerState::ghost);
    EXPECT_EQ(ghosts[0].marker.number, 8);
    EXPECT_EQ(ghosts[0].marker.id, "last:procerus");
    EXPECT_EQ(ghosts[0].hover, "last visit: Procerus 5 U");
    EXPECT_EQ(ghosts[1].marker.position, placed.sites[left].position + glm::vec3(6, 5, 0));
    EXPECT_EQ(ghosts[1].hover,
              "last visit: moved 8 mm: 6 mm lateral, 5 mm up · Corrugator (left) 5 U");
    EXPECT_TRUE(ghosts[1].marker.label.empty()); // no label box over this visit's
}

TEST(PatientVisit, ThisVisitAgainstTheLastByMuscleAndSide) {
    const fs::path dir = fresh_dir("patient-visit-compare");
    const SessionRecorder r = record(dir / "now.jsonl", "2026-04-06T09:00:00Z", 2);
    TreatmentRow last;
    last.sites.push_back({"procerus", "procerus", "midline", "injected", 5, "", "", false, {}, ""});
    last.sites.push_back({"x", "temporalis", "left", "injected", 10, "", "", false, {}, ""});
    last.sites.push_back({"y", "temporalis", "right", "skipped", 0, "", "", false, {}, ""});
    const auto rows = gui::compare_by_muscle(r.session(), last);
    // This visit gave the first two sites (the corrugators, 5 U each).
    double now = 0.0, before = 0.0;
    bool temporalis_left = false;
    for (const auto& row : rows) {
        now += row.now;
        before += row.last;
        if (row.muscle == "temporalis" && row.side == "left")
            temporalis_left = row.last == 10.0 && row.now == 0.0;
        EXPECT_FALSE(row.muscle == "temporalis" && row.side == "right"); // skipped: no row
    }
    EXPECT_DOUBLE_EQ(now, 10.0);
    EXPECT_DOUBLE_EQ(before, 15.0);
    EXPECT_TRUE(temporalis_left);
}

} // namespace
