// injmap drill score: score a "place the sites" drill
// (protocols/include/injmap/protocols/drill.hpp).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "gui/hover_text.hpp"
#include "gui/training_drill.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/drill.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"

namespace injmap::cli {
namespace {

constexpr const char* kName = "drill";
constexpr const char* kDefaultModel = "adult-male";

// The first error of a reader as one stderr line, and the usage/I-O exit code.
int report_first_error(const Diagnostics& diagnostics, const std::string& fallback) {
    for (const auto& d : diagnostics)
        if (d.severity == Severity::error) {
            std::cerr << "injmap drill: " << format_diagnostic(d) << "\n";
            return exit_usage;
        }
    std::cerr << "injmap drill: " << escape_control(fallback) << "\n";
    return exit_usage;
}

std::optional<double> parse_pass_mm(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(value) || value <= 0.0 ||
        value > 1000.0)
        return std::nullopt;
    return value;
}

nlohmann::json to_json(const DrillScore& score, const std::string& protocol,
                       const std::string& model) {
    nlohmann::json sites = nlohmann::json::array();
    for (const auto& s : score.sites) {
        nlohmann::json j = {
            {"site_id", s.site_id},
            {"muscle", s.muscle},
            {"answered", s.answered},
            {"error_mm", s.answered ? nlohmann::json(s.error_mm) : nlohmann::json(nullptr)},
            {"muscle_hit", s.muscle_hit},
            {"hit_muscle",
             s.hit_muscle.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.hit_muscle)},
            {"within_pass", s.within_pass}};
        sites.push_back(std::move(j));
    }
    return {{"protocol", protocol},
            {"model", model},
            {"pass_mm", score.pass_mm},
            {"sites", sites},
            {"answered", score.answered},
            {"missing", score.missing},
            {"mean_error_mm", score.mean_error_mm},
            {"max_error_mm", score.max_error_mm},
            {"passed", score.passed}};
}

// For a person: sites and muscles by name ("Paraspinal 1 (right)", "Trapezius (right)"), the
// protocol and model by title; --json keeps the ids.
void print_text(const DrillScore& score, const Protocol& protocol, const Model& model) {
    std::cout << "Drill: " << protocol.title << " on " << model.display_name << ", pass mark "
              << score.pass_mm << " mm\n\n";
    auto site_name = [&](const std::string& id) {
        for (const Site* site : protocol.sites())
            if (site->id == id)
                return gui::site_display_name(*site);
        return id;
    };
    auto muscle_name = [&](const std::string& key) {
        for (const Muscle& m : model.muscles)
            if (m.key() == key)
                return gui::muscle_hover_name(m);
        return gui::display_name(key);
    };
    std::size_t width = 4;
    for (const auto& s : score.sites)
        width = std::max(width, site_name(s.site_id).size());
    width += 2;
    std::cout << std::left << std::setw(int(width)) << "site" << std::setw(11) << "error mm"
              << std::setw(8) << "muscle"
              << "under the answer\n";
    for (const auto& s : score.sites) {
        std::ostringstream err;
        if (s.answered)
            err << std::fixed << std::setprecision(1) << s.error_mm << (s.within_pass ? "" : " !");
        else
            err << "missing";
        std::cout << std::left << std::setw(int(width)) << site_name(s.site_id) << std::setw(11)
                  << err.str() << std::setw(8)
                  << (s.answered ? (s.muscle_hit ? "hit" : "MISS") : "-")
                  << (s.hit_muscle.empty() ? (s.answered ? "(none)" : "")
                                           : muscle_name(s.hit_muscle))
                  << "\n";
    }
    std::cout << std::fixed << std::setprecision(1) << "\nanswered " << score.answered
              << ", missing " << score.missing << "; mean error " << score.mean_error_mm
              << " mm, max " << score.max_error_mm << " mm\n"
              << (score.passed ? "PASSED" : "FAILED") << "\n";
}

int run_drill(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--protocol", true, false},
                                    {"--answers", true, false},
                                    {"--model", true, false},
                                    {"--pass-mm", true, false},
                                    {"--json", false, false}},
                                   error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.empty())
        return usage_error(kName, "missing action (score)");
    if (parsed->positionals[0] != "score")
        return usage_error(kName, "unknown action '" + parsed->positionals[0] + "' (score)");
    if (parsed->positionals.size() > 1)
        return usage_error(kName, "unexpected argument '" + parsed->positionals[1] + "'");
    const auto protocol_id = parsed->value("--protocol");
    if (!protocol_id)
        return usage_error(kName, "--protocol ID is required");
    const auto answers_path = parsed->value("--answers");
    if (!answers_path)
        return usage_error(kName, "--answers FILE.csv is required");
    DrillOptions options;
    if (const auto pass = parsed->value("--pass-mm")) {
        const auto mm = parse_pass_mm(*pass);
        if (!mm)
            return usage_error(kName, "--pass-mm must be a number of millimetres above 0, not '" +
                                          *pass + "'");
        options.pass_mm = *mm;
    }
    const std::string model_id = parsed->value("--model").value_or(kDefaultModel);

    const auto protocol_path = resolve_protocol(*protocol_id);
    if (!protocol_path)
        return usage_error(kName, "no protocol '" + *protocol_id + "' (see 'injmap list')");
    const auto protocol = read_protocol_file(*protocol_path);
    if (!protocol.ok())
        return report_first_error(protocol.diagnostics,
                                  "cannot read protocol " + protocol_path->string());

    const auto answers = read_drill_answers(*answers_path);
    if (!answers.ok())
        return report_first_error(answers.diagnostics, "cannot read " + *answers_path);
    const auto fit = check_drill_answers(*answers.value, *protocol.value, *answers_path);
    if (has_errors(fit))
        return report_first_error(fit, "answers do not fit the protocol");

    const auto model = load_model_by_name(model_id);
    if (!model.ok())
        return report_first_error(model.diagnostics, "cannot load model " + model_id);
    const ModelQueries queries(*model.value);
    const auto placed = place_protocol(*protocol.value, queries);
    if (!placed.value)
        return report_first_error(placed.diagnostics,
                                  "cannot place " + *protocol_id + " on " + model_id);

    const DrillScore score =
        score_drill(*protocol.value, *placed.value, queries, *answers.value, options);
    if (parsed->has("--json"))
        std::cout << to_json(score, protocol.value->id, model.value->id).dump(2) << "\n";
    else
        print_text(score, *protocol.value, *model.value);
    return score.passed ? exit_ok : exit_findings;
}

} // namespace

const Command drill_command{
    "drill", "score a place-the-sites training drill",
    "Usage: injmap drill score --protocol ID --answers FILE.csv [--model ID] [--pass-mm X] "
    "[--json]\n"
    "\n"
    "Score a \"place the sites\" drill: for each site of the protocol, the distance from the "
    "trainee's\n"
    "mark to the site as placed on the model, and whether the mark lies over the right muscle.\n"
    "\n"
    "The answers file has one row per site: site_id,x_mm,y_mm,z_mm in model space (mm, +Y up,\n"
    "+Z forward, +X the subject's left); a header line site_id,x_mm,y_mm,z_mm is optional, blank "
    "lines\n"
    "and lines starting with # are skipped. Each mark is projected onto the skin; the error is "
    "the\n"
    "straight-line distance between that skin point and the site (not geodesic).\n"
    "\n"
    "Passed: every non-optional site answered, every answer within the pass mark and hitting the\n"
    "site's muscle (a group such as cervical_paraspinal accepts any member) on the site's side: "
    "the\n"
    "needle line inward from the answer's skin point enters it within the site's depth (the same\n"
    "needle path as placement.muscle-not-reached). Optional (follow-the-pain) sites are scored "
    "only\n"
    "when answered.\n"
    "\n"
    "Options:\n"
    "  --protocol ID    protocol id or path (e.g. preempt-155)\n"
    "  --answers FILE   the answers CSV\n"
    "  --model ID       model id or manifest path (default adult-male)\n"
    "  --pass-mm X      pass mark in mm (default 10)\n"
    "  --json           print {\"sites\": [{\"site_id\", \"error_mm\", \"muscle_hit\", ...}], "
    "\"mean_error_mm\",\n"
    "                   \"max_error_mm\", \"passed\", ...}\n"
    "                   (the text names sites and muscles in words, \"Paraspinal 1 (right)\";\n"
    "                   the JSON keeps the ids, \"paraspinal_1_right\")\n"
    "\n"
    "Exit codes: 0 passed, 1 failed, 2 usage error or unreadable protocol, model or answers\n"
    "(bad rows are reported as FILE:LINE).\n",
    run_drill};

} // namespace injmap::cli
