// `injmap db import|info`: the treatment history's database (protocols/history.hpp,
// docs/history.md).
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/session.hpp"

namespace injmap::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kName = "db";

constexpr const char* kUsage =
    "Usage: injmap db import [--patient ID] RECORD...\n"
    "       injmap db info [--json]\n"
    "\n"
    "The treatment history: $XDG_DATA_HOME/injmap/injmap.db (~/.local/share/injmap/injmap.db),\n"
    "an SQLite database of patients, their finished treatments and each treatment's sites\n"
    "(INJMAP_DATABASE_URL=sqlite:PATH uses another file; INJMAP_DATABASE_URL=postgresql://\n"
    "[user@]host[:port]/dbname a PostgreSQL database that several rooms share).\n"
    "'injmap session play --patient ID' files a finished session there; 'injmap history\n"
    "PATIENT' prints a patient's timeline.\n"
    "\n"
    "import files finished session records (JSON Lines, docs/session-record.md), each replayed\n"
    "with the protocol copy beside it, all in one transaction. A record already filed (the\n"
    "same bytes: its SHA-256) is skipped, so importing twice files once. Prints\n"
    "\"imported N, skipped M, failed K\"; a record that cannot be read, does not replay or is\n"
    "not finished is reported (history.bad-record) and counted as failed.\n"
    "info prints which backend (sqlite, postgresql) and where the database is (a URL without\n"
    "its password), its schema version and how many patients and treatments it holds (--json:\n"
    "{\"backend\", \"location\", \"schema_version\", \"patients\", \"treatments\"}).\n"
    "\n"
    "Options:\n"
    "  --patient ID  import: file the records under this patient (created if new)\n"
    "  --json        info: print JSON\n"
    "\n"
    "A database that is damaged (db.corrupt), written by a newer injmap (db.newer-schema),\n"
    "read-only (db.read-only), held by another writer (db.locked) or a server that cannot be\n"
    "reached (db.unreachable) is an error and nothing is written; the records stay where\n"
    "they are.\n"
    "Exit codes: 0 ok, 1 some records failed, 2 bad arguments or an unusable database.\n";

void print_diagnostics(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
}

// "1 patient", "3 patients".
std::string counted(std::int64_t n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

int run_import(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--patient", true}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.empty())
        return usage_error(kName, "import takes one or more record files");
    const std::string patient = parsed->value("--patient").value_or("");
    if (parsed->has("--patient") &&
        (patient.empty() || patient.size() > kMaxIdBytes || escape_control(patient) != patient))
        return usage_error(kName, "--patient takes an id of 1 to " + std::to_string(kMaxIdBytes) +
                                      " bytes without control characters");
    auto store =
        open_history_store(default_history_location(), HistoryOpenOptions::from_environment());
    print_diagnostics(store.diagnostics);
    if (!store.ok())
        return exit_usage;
    std::vector<fs::path> records(parsed->positionals.begin(), parsed->positionals.end());
    const ImportSummary summary = import_records(**store.value, records, patient);
    print_diagnostics(summary.diagnostics);
    for (const Diagnostic& d : summary.diagnostics)
        if (d.severity == Severity::error && d.rule.starts_with("db."))
            return exit_usage;
    std::cout << "imported " << summary.imported << ", skipped " << summary.skipped << ", failed "
              << summary.failed << "\n";
    return summary.failed > 0 ? exit_findings : exit_ok;
}

int run_info(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--json", false}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (!parsed->positionals.empty())
        return usage_error(kName, "info takes no positional argument");
    const std::string location = default_history_location();
    HistoryOpenOptions options = HistoryOpenOptions::from_environment();
    options.create = false;
    auto store = open_history_store(location, options);
    HistoryStore::Info info;
    info.backend = history_backend(location);
    info.location = display_history_location(location);
    const bool missing =
        !store.diagnostics.empty() && store.diagnostics.front().rule == "db.missing";
    if (!missing) {
        print_diagnostics(store.diagnostics);
        if (!store.ok())
            return exit_usage;
        auto read = (*store.value)->info();
        print_diagnostics(read.diagnostics);
        if (!read.ok())
            return exit_usage;
        info = *read.value;
    }
    if (parsed->has("--json")) {
        nlohmann::ordered_json j;
        j["backend"] = info.backend;
        j["location"] = info.location;
        j["schema_version"] = info.schema_version;
        j["patients"] = info.patients;
        j["treatments"] = info.treatments;
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                  << "\n";
        return exit_ok;
    }
    std::cout << escape_control(info.location) << " ("
              << (info.backend == "postgresql" ? "PostgreSQL" : "SQLite") << "): "
              << (missing ? std::string("no database yet")
                          : "schema " + std::to_string(info.schema_version) + ", " +
                                counted(info.patients, "patient") + ", " +
                                counted(info.treatments, "treatment"))
              << "\n";
    return exit_ok;
}

int run_db(std::span<const std::string> args) {
    if (args.empty())
        return usage_error(kName, "expected 'import' or 'info'");
    if (args.front() == "import")
        return run_import(args.subspan(1));
    if (args.front() == "info")
        return run_info(args.subspan(1));
    return usage_error(kName,
                       "unknown action '" + args.front() + "' (expected 'import' or 'info')");
}
} // namespace

const Command db_command{"db", "import session records into the treatment history, or describe it",
                         kUsage, run_db};
} // namespace injmap::cli
