// `injmap history PATIENT [--json]`: a patient's treatments, oldest first (protocols/history.hpp,
// docs/history.md).
#include <iostream>

#include "commands/commands.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/units_format.hpp"

namespace injmap::cli {
namespace {

constexpr const char* kName = "history";

constexpr const char* kUsage =
    "Usage: injmap history PATIENT [--json]\n"
    "\n"
    "Prints a patient's treatments from the treatment history (see 'injmap db'), oldest first:\n"
    "each treatment's id, date, protocol, units given and sites injected, then the next due\n"
    "date (12 weeks after the last). It only reads.\n"
    "\n"
    "Options:\n"
    "  --json  print {\"patient\": ID, \"treatments\": [{\"id\", \"date\", \"protocol\",\n"
    "          \"units_given\", \"sites_injected\"}]} (date: the start, ISO 8601 UTC)\n"
    "\n"
    "Exit codes: 0 ok, 2 bad arguments, an unknown patient (history.unknown-patient) or an\n"
    "unusable database.\n";

void print_diagnostics(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
}

int run_history(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--json", false}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.size() != 1)
        return usage_error(kName, "history takes one patient id");
    const std::string& patient = parsed->positionals.front();
    HistoryOpenOptions options = HistoryOpenOptions::from_environment();
    options.create = false;
    auto store = open_history_store(default_history_location(), options);
    if (!store.ok()) {
        if (!store.diagnostics.empty() && store.diagnostics.front().rule == "db.missing") {
            Diagnostic d = store.diagnostics.front();
            d.rule = "history.unknown-patient";
            d.message = "no patient '" + patient + "': there is no treatment history yet";
            print_diagnostics({d});
        } else {
            print_diagnostics(store.diagnostics);
        }
        return exit_usage;
    }
    auto found = (*store.value)->find_patient(patient);
    if (!found.ok()) {
        print_diagnostics(found.diagnostics);
        return exit_usage;
    }
    auto treatments = (*store.value)->list_treatments(patient);
    print_diagnostics(treatments.diagnostics);
    if (!treatments.ok())
        return exit_usage;
    if (parsed->has("--json")) {
        std::cout << history_timeline_json(patient, *treatments.value) << "\n";
        return exit_ok;
    }
    std::cout << "patient " << escape_control(patient) << ": " << treatments.value->size()
              << " treatment" << (treatments.value->size() == 1 ? "" : "s") << "\n";
    for (const TreatmentRow& t : *treatments.value) {
        std::cout << "  #" << t.id << "  " << t.started.substr(0, 10) << "  "
                  << escape_control(t.protocol_id) << "  " << format_units(t.units_given)
                  << " U at " << t.sites_injected << " sites";
        if (!t.override_reason.empty())
            std::cout << "  (cumulative limit overridden: " << escape_control(t.override_reason)
                      << ")";
        std::cout << "\n";
    }
    if (!treatments.value->empty()) {
        const VisitContext c = visit_context(*treatments.value, std::chrono::system_clock::now(),
                                             treatments.value->back().indication);
        if (c.next_due)
            std::cout << "next due: " << *c.next_due << "\n";
    }
    return exit_ok;
}
} // namespace

const Command history_command{"history", "print a patient's treatment history", kUsage,
                              run_history};
} // namespace injmap::cli
