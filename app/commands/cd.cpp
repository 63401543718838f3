// injmap cd plan: cervical dystonia plan from Col-Cap forms
// (protocols/include/injmap/protocols/cd_plan.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "gui/hover_text.hpp"
#include "injmap/protocols/cd_plan.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/units_format.hpp"

namespace injmap::cli {
namespace {

constexpr const char* kName = "cd";

struct CdArgs {
    std::vector<CdFormChoice> choices;
    bool json = false;
    std::optional<double> doses_percent; // --doses: the plan at this point of each range
    std::optional<std::string> patient;  // --patient: the first-session cap from the history
};

// --form and --side come in pairs and their order matters (each --side belongs to the --form before
// it), which the generic parser in cli.hpp does not keep; so these arguments are read here, in
// order.
std::optional<CdArgs> parse_plan_args(std::span<const std::string> args, std::string& error) {
    CdArgs out;
    std::vector<bool> side_given;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i], value;
        bool has_value = false;
        if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            has_value = true;
        }
        if (name == "--json") {
            if (has_value) {
                error = "option '--json' takes no value";
                return std::nullopt;
            }
            out.json = true;
            continue;
        }
        if (name == "--doses") {
            if (!has_value) {
                if (i + 1 >= args.size()) {
                    error = "option '--doses' needs a value";
                    return std::nullopt;
                }
                value = args[++i];
            }
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (value.empty() || end != value.c_str() + value.size() || !(v >= 0.0 && v <= 100.0)) {
                error = "--doses must be a percentage from 0 to 100, not '" + value + "'";
                return std::nullopt;
            }
            if (out.doses_percent) {
                error = "--doses given twice";
                return std::nullopt;
            }
            out.doses_percent = v;
            continue;
        }
        if (name == "--patient") {
            if (!has_value) {
                if (i + 1 >= args.size()) {
                    error = "option '--patient' needs a value";
                    return std::nullopt;
                }
                value = args[++i];
            }
            if (value.empty() || out.patient) {
                error = out.patient ? "--patient given twice" : "--patient needs an id";
                return std::nullopt;
            }
            out.patient = value;
            continue;
        }
        if (name != "--form" && name != "--side") {
            error = name.rfind("-", 0) == 0 ? "unknown option '" + name + "'"
                                            : "unexpected argument '" + name + "'";
            return std::nullopt;
        }
        if (!has_value) {
            if (i + 1 >= args.size()) {
                error = "option '" + name + "' needs a value";
                return std::nullopt;
            }
            value = args[++i];
        }
        if (name == "--form") {
            if (!is_cd_form(value)) {
                error = "unknown form '" + value +
                        "' (torticaput, torticollis, laterocaput, laterocollis, antecaput, "
                        "anterocollis, retrocaput, "
                        "retrocollis)";
                return std::nullopt;
            }
            out.choices.push_back({value, std::nullopt});
            side_given.push_back(false);
            continue;
        }
        // --side
        if (out.choices.empty()) {
            error = "--side must follow the --form it applies to";
            return std::nullopt;
        }
        if (side_given.back()) {
            error = "--side given twice for " + out.choices.back().form;
            return std::nullopt;
        }
        if (value != "left" && value != "right") {
            error = "--side must be left or right, not '" + value + "'";
            return std::nullopt;
        }
        if (cd_form_is_sagittal(out.choices.back().form)) {
            error = out.choices.back().form + " is a sagittal form and takes no --side";
            return std::nullopt;
        }
        out.choices.back().side = value == "left" ? Side::left : Side::right;
        side_given.back() = true;
    }
    if (out.choices.empty()) {
        error = "at least one --form is needed";
        return std::nullopt;
    }
    for (const auto& c : out.choices)
        if (!cd_form_is_sagittal(c.form) && !c.side) {
            error = c.form + " needs --side left or --side right after it";
            return std::nullopt;
        }
    return out;
}

// The plan at --doses: the units per muscle and side a session started with it records (as the
// GUI's "Units within each range"), and whether it can start (check_plan_protocol).
struct DosedPlan {
    double percent = 50.0;
    Protocol protocol;
    std::optional<Diagnostic> problem;
};

std::vector<std::pair<std::string, std::pair<double, int>>> dosed_rows(const Protocol& p) {
    std::vector<std::pair<std::string, std::pair<double, int>>>
        rows; // "muscle side" → units, sites
    for (const Site* site : p.sites()) {
        const std::string key = site->muscle + " " + to_string(site->side);
        auto it =
            std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == key; });
        if (it == rows.end())
            rows.push_back({key, {site->units, 1}});
        else {
            it->second.first += site->units;
            ++it->second.second;
        }
    }
    return rows;
}

nlohmann::json dosed_json(const DosedPlan& d) {
    nlohmann::json muscles = nlohmann::json::array();
    for (const Site* site : d.protocol.sites()) {
        bool found = false;
        for (auto& m : muscles)
            if (m["id"] == site->muscle && m["side"] == to_string(site->side)) {
                m["units"] = m["units"].get<double>() + site->units;
                m["sites"] = m["sites"].get<int>() + 1;
                m["units_per_site"] = site->units;
                found = true;
            }
        if (!found)
            muscles.push_back({{"id", site->muscle},
                               {"side", to_string(site->side)},
                               {"units", site->units},
                               {"sites", 1},
                               {"units_per_site", site->units}});
    }
    return {{"doses_percent", d.percent},
            {"muscles", muscles},
            {"units", d.protocol.total_units(false)},
            {"startable", !d.problem.has_value()},
            {"problem",
             d.problem ? nlohmann::json{{"rule", d.problem->rule}, {"message", d.problem->message}}
                       : nlohmann::json(nullptr)}};
}

void print_json(const CdPlan& plan, const std::optional<DosedPlan>& dosed) {
    nlohmann::json muscles = nlohmann::json::array();
    for (const auto& m : plan.muscles)
        muscles.push_back({{"id", m.muscle},
                           {"side", to_string(m.side)},
                           {"units_range", {m.units_min, m.units_max}},
                           {"sites", m.sites},
                           {"guidance", to_string(m.guidance)}});
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : plan.warnings)
        warnings.push_back({{"rule", w.rule}, {"message", w.message}});
    nlohmann::json out = {{"muscles", muscles},
                          {"total_range", {plan.total_min, plan.total_max}},
                          {"warnings", warnings}};
    if (dosed)
        out["plan"] = dosed_json(*dosed);
    std::cout << out.dump(2) << "\n";
}

void print_table(const CdPlan& plan, const std::optional<DosedPlan>& dosed) {
    std::cout << "Cervical dystonia plan: " << describe_cd_forms(plan.forms) << "\n"
              << "A starting point for the clinician to adjust. Units of onabotulinumtoxinA "
                 "(BOTOX) per side;\n"
              << "they do not convert to other toxins.\n\n";
    std::cout << std::left << std::setw(32) << "muscle" << std::setw(7) << "side" << std::setw(11)
              << "units" << std::setw(7) << "sites"
              << "guidance\n";
    for (const auto& m : plan.muscles) {
        // Names for a person (--json keeps the ids).
        std::string guidance = m.guidance == Guidance::none ? "none" : guidance_words(m.guidance);
        if (!m.placed)
            guidance += " (not on the model)";
        std::cout << std::left << std::setw(32) << gui::display_name(m.muscle) << std::setw(7)
                  << to_string(m.side) << std::setw(11)
                  << (format_units(m.units_min) + "-" + format_units(m.units_max)) << std::setw(7)
                  << m.sites << guidance << "\n";
    }
    std::cout << std::left << std::setw(39) << "total"
              << (format_units(plan.total_min) + "-" + format_units(plan.total_max)) << " U\n";
    if (!plan.warnings.empty()) {
        std::cout << "\n";
        for (const auto& w : plan.warnings)
            std::cout << to_string(w.severity) << ": " << escape_control(w.message) << " ["
                      << w.rule << "]\n";
    }
    if (!dosed)
        return;
    std::cout << "\nAt " << format_units(dosed->percent)
              << " % of each range (the units a session with this plan records):\n";
    for (const auto& [key, v] : dosed_rows(dosed->protocol))
        std::cout << std::left << std::setw(39) << key
                  << (format_units(v.first) + " U in " + std::to_string(v.second) +
                      (v.second == 1 ? " site" : " sites") + ", " +
                      format_units(v.first / v.second) + " U each")
                  << "\n";
    std::cout << std::left << std::setw(39) << "total"
              << format_units(dosed->protocol.total_units(false)) << " U\n";
    if (dosed->problem)
        std::cout << "error: cannot start: " << escape_control(dosed->problem->message) << " ["
                  << dosed->problem->rule << "]\n";
    else
        std::cout << "within its limits: a session can start with it\n";
}

int run_cd(std::span<const std::string> args) {
    if (args.empty())
        return usage_error(kName, "missing action (plan)");
    if (args[0] != "plan")
        return usage_error(kName, "unknown action '" + args[0] + "' (plan)");
    std::string error;
    const auto parsed = parse_plan_args(args.subspan(1), error);
    if (!parsed)
        return usage_error(kName, error);

    const auto templates = load_cd_templates();
    if (!templates.ok()) {
        for (const auto& d : templates.diagnostics)
            if (d.severity == Severity::error) {
                std::cerr << "injmap cd: " << format_diagnostic(d) << "\n";
                break;
            }
        return exit_usage;
    }
    // With a patient: the first-session cap only when the history has no earlier CD treatment.
    bool first_session = true;
    if (parsed->patient) {
        HistoryOpenOptions options = HistoryOpenOptions::from_environment();
        options.create = false;
        auto store = open_history_store(default_history_location(), options);
        const bool missing =
            !store.diagnostics.empty() && store.diagnostics.front().rule == "db.missing";
        if (!missing) {
            for (const auto& d : store.diagnostics)
                std::cerr << format_diagnostic(d) << "\n";
            if (!store.ok())
                return exit_usage;
            auto history = (*store.value)->list_treatments(*parsed->patient);
            for (const auto& d : history.diagnostics)
                std::cerr << format_diagnostic(d) << "\n";
            if (!history.ok())
                return exit_usage;
            first_session =
                !visit_context(*history.value, std::chrono::system_clock::now(), kCervicalDystonia)
                     .earlier_same_indication;
        }
    }
    const auto plan = make_cd_plan(parsed->choices, *templates.value, first_session);
    if (!plan.ok()) {
        for (const auto& d : plan.diagnostics)
            if (d.severity == Severity::error)
                return usage_error(kName, d.message);
        return exit_usage;
    }
    std::optional<DosedPlan> dosed;
    if (parsed->doses_percent) {
        dosed.emplace();
        dosed->percent = *parsed->doses_percent;
        dosed->protocol =
            make_plan_protocol(*plan.value, *templates.value, *parsed->doses_percent / 100.0);
        dosed->problem = check_plan_protocol(dosed->protocol);
    }
    if (parsed->json)
        print_json(*plan.value, dosed);
    else
        print_table(*plan.value, dosed);
    return exit_ok;
}

} // namespace

const Command cd_command{
    "cd", "plan a cervical dystonia session from the head/neck posture",
    "Usage: injmap cd plan --form FORM [--side left|right] [--form FORM [--side left|right]]... "
    "[--doses PERCENT] [--patient ID] [--json]\n"
    "\n"
    "Plan a cervical dystonia session from the Col-Cap forms of the posture: the candidate muscles "
    "of\n"
    "each form on the correct side (merged when forms share a muscle), per-side unit ranges, "
    "sites,\n"
    "guidance flags, the total range and warnings (SCM cap, bilateral SCM, session and "
    "first-session\n"
    "caps, ...). A starting point the clinician adjusts, not a prescription.\n"
    "\n"
    "Forms: torticaput, torticollis, laterocaput, laterocollis (these need --side: the side the "
    "head\n"
    "turns or tilts towards), antecaput, anterocollis, retrocaput, retrocollis (sagittal: no "
    "--side).\n"
    "Each --side applies to the --form just before it. Combine forms for mixed postures and "
    "shifts,\n"
    "e.g. --form laterocollis --side left --form laterocaput --side right.\n"
    "\n"
    "Options:\n"
    "  --form FORM      a Col-Cap form (repeatable)\n"
    "  --side SIDE      left or right, for the preceding rotation or lateral form\n"
    "  --json           print {\"muscles\": [{\"id\", \"side\", \"units_range\", \"sites\", "
    "\"guidance\"}],\n"
    "                   \"total_range\", \"warnings\": [{\"rule\", \"message\"}]}\n"
    "                   (the table names muscles and guidance in words, \"Scalenus anterior\",\n"
    "                   \"EMG or ultrasound\"; the JSON keeps the ids)\n"
    "  --doses PERCENT  also the plan at PERCENT (0-100) of each range, as the GUI's \"Units\n"
    "                   within each range\": the units per muscle and side a session started\n"
    "                   with it records, and whether it can start (a plan past its limits\n"
    "                   cannot: cd.plan-over-limit names the muscle to lower); --json adds\n"
    "                   \"plan\": {\"doses_percent\", \"muscles\": [{\"id\", \"side\", \"units\",\n"
    "                   \"sites\", \"units_per_site\"}], \"units\", \"startable\",\n"
    "                   \"problem\": {\"rule\", \"message\"} or null}\n"
    "  --patient ID     the patient's treatment history (see 'injmap history'): the\n"
    "                   first-session cap (cd.first-session) only when it holds no earlier\n"
    "                   cervical dystonia treatment\n"
    "\n"
    "Exit codes: 0 plan printed (warnings included), 2 usage error, templates not readable or\n"
    "an unusable treatment history.\n",
    run_cd};

} // namespace injmap::cli
