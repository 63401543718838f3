// The treatment history (protocols/history.hpp) against its budgets (docs/performance.md):
// opening a patient with 100 treatments (open the database, list the treatments with their
// per-muscle totals, the visit context) ≤ 20 ms, and importing 1,000 records ≤ 5 s.
// Records are whole preempt-155 sessions (checklist, 31 injects, finish), hash-chained like
// injmap's own, written once to a temporary folder.
//   build/bench/bin/history_bench --benchmark_counters_tabular=true
// INJMAP_BENCH_KEEP=1 keeps the generated records and prints where they are.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"

namespace {
using namespace injmap;
namespace fs = std::filesystem;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "history_bench: %s\n", what.c_str());
    std::exit(2);
}

fs::path bench_dir() {
    static const fs::path dir = [] {
        const fs::path d =
            fs::temp_directory_path() / ("injmap-history-bench-" + std::to_string(::getpid()));
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

// `count` finished preempt-155 records, a week apart: one session played in memory, its actions
// re-timed and written as hash-chained lines (no fsync: this is set-up, not the measurement).
const std::vector<fs::path>& records(int count) {
    static std::map<int, std::vector<fs::path>> made;
    auto& out = made[count];
    if (!out.empty())
        return out;
    const auto path = resolve_protocol("preempt-155");
    if (!path)
        die("no shipped preempt-155 (build injmap_shipped_protocols first)");
    auto read = read_protocol_file(*path);
    if (!read.ok())
        die("preempt-155 does not read");
    auto protocol = std::make_shared<const Protocol>(std::move(*read.value));
    const SessionTime t0 = *parse_iso8601_utc("2020-01-06T09:00:00Z");
    Session session(protocol, [t0] { return t0; });
    SessionStart start;
    start.protocol_path = path->string();
    if (!session.start(start).ok())
        die("cannot start");
    ChecklistAnswers answers;
    answers.warning_acknowledged = true;
    for (const char* id : {"allergy", "infection", "neuromuscular", "pregnancy", "anticoagulant",
                           "recent_toxin", "swallowing_breathing"})
        answers.answers.push_back(ChecklistAnswer{id, false, {}});
    if (!session.answer_checklist(answers).ok())
        die("checklist refused");
    while (session.inject().ok()) {
    }
    if (!session.finish().ok())
        die("cannot finish");
    std::string folder = "records-";
    folder += std::to_string(count);
    const fs::path dir = bench_dir() / folder;
    fs::create_directories(dir);
    for (int i = 0; i < count; ++i) {
        const auto shift = std::chrono::weeks(1) * i + std::chrono::seconds(i);
        std::string text, prev;
        for (SessionAction a : session.history()) {
            if (a.time)
                a.time = *a.time + shift;
            const std::string line = record_line(a, prev);
            prev = sha256_hex(line);
            text += line;
            text += '\n';
        }
        std::string name = std::to_string(i);
        name += ".jsonl";
        const fs::path file = dir / name;
        std::ofstream(file, std::ios::binary) << text;
        out.push_back(file);
    }
    return out;
}

std::unique_ptr<HistoryStore> fresh_store(const std::string& name) {
    const fs::path db = bench_dir() / name;
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(db.string() + suffix);
    auto store = open_sqlite_history(db);
    if (!store.ok())
        die("cannot open " + db.string());
    return std::move(*store.value);
}

// Importing N records into an empty database (read, replay, file in one transaction).
void BM_ImportRecords(benchmark::State& state) {
    const auto& paths = records(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        state.PauseTiming();
        auto store = fresh_store("import.db");
        state.ResumeTiming();
        const ImportSummary s = import_records(*store, paths, "p");
        if (s.imported != static_cast<int>(paths.size()))
            die("import failed: " + std::to_string(s.imported) + " imported, " +
                std::to_string(s.failed) + " failed" +
                (s.diagnostics.empty() ? std::string() : ": " + s.diagnostics.front().message));
    }
    state.counters["records"] = static_cast<double>(paths.size());
}
BENCHMARK(BM_ImportRecords)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

// Opening a patient: open the database, list 100 treatments, the visit context.
void BM_OpenPatient(benchmark::State& state) {
    const auto& paths = records(static_cast<int>(state.range(0)));
    {
        auto store = fresh_store("patient.db");
        if (import_records(*store, paths, "p").imported != static_cast<int>(paths.size()))
            die("import failed");
    }
    const SessionTime now = *parse_iso8601_utc("2045-01-01T00:00:00Z");
    for (auto _ : state) {
        auto store = open_sqlite_history(bench_dir() / "patient.db");
        if (!store.ok())
            die("cannot open");
        auto list = (*store.value)->list_treatments("p");
        if (!list.ok() || list.value->size() != paths.size())
            die("wrong treatment count");
        benchmark::DoNotOptimize(visit_context(*list.value, now, "chronic_migraine"));
    }
    state.counters["treatments"] = static_cast<double>(paths.size());
}
BENCHMARK(BM_OpenPatient)->Arg(100)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    // INJMAP_BENCH_KEEP=1 keeps the records (e.g. to time `injmap db import` on them).
    if (const char* keep = std::getenv("INJMAP_BENCH_KEEP"); keep && *keep == '1') {
        std::fprintf(stderr, "history_bench: records kept in %s\n", bench_dir().c_str());
    } else {
        std::error_code ec;
        fs::remove_all(bench_dir(), ec);
    }
    return 0;
}
