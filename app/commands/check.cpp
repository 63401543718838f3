// injmap check: read, place and validate protocol files; diagnostics on stderr, a summary (or JSON)
// on stdout. Exit 0 without errors, 1 with any error, 2 when a file or the model cannot be read or
// the arguments are wrong.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <system_error>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"
#include "injmap/units_format.hpp"

namespace injmap::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kDefaultModel = "adult-male";

struct Checked {
    std::string display;              // the path as shown in diagnostics
    std::optional<Protocol> protocol; // when the file could be read
    std::optional<PlacedProtocol> placed;
    Diagnostics diagnostics;
};

struct MuscleTally {
    int sites = 0;
    double units = 0.0;
};

// Per muscle key in order of first appearance.
std::vector<std::pair<std::string, MuscleTally>> tally(const Protocol& protocol) {
    std::vector<std::pair<std::string, MuscleTally>> out;
    for (const Site* s : protocol.sites()) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const auto& e) { return e.first == s->muscle; });
        if (it == out.end()) {
            out.emplace_back(s->muscle, MuscleTally{});
            it = std::prev(out.end());
        }
        ++it->second.sites;
        it->second.units += s->units;
    }
    return out;
}

Checked check_file(const fs::path& path, const std::string& display, const ModelQueries& queries) {
    Checked out;
    out.display = display;
    Result<Protocol> read = read_protocol_file(path);
    out.diagnostics = std::move(read.diagnostics);
    // Diagnostics name the file as the user gave it.
    for (auto& d : out.diagnostics)
        d.where.file = display;
    if (!read.value)
        return out;
    out.protocol = std::move(read.value);
    if (has_errors(out.diagnostics))
        return out; // a structurally broken file: its values cannot be trusted for clinical checks
    const Protocol& protocol = *out.protocol;
    // Diagnostics about the protocol name it as the user gave it; those about another file (the
    // clinical-limits table, when it cannot be read) keep that file's name.
    const std::string read_as = path.string();
    auto append = [&](Diagnostics more) {
        for (auto& d : more) {
            if (d.where.file.empty() || d.where.file == read_as)
                d.where.file = display;
            out.diagnostics.push_back(std::move(d));
        }
    };
    append(validate_protocol(protocol));
    Result<PlacedProtocol> placed = place_protocol(protocol, queries);
    append(std::move(placed.diagnostics));
    if (placed.value) {
        append(validate_on_model(protocol, *placed.value, queries));
        out.placed = std::move(placed.value);
    }
    std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.where.line, a.where.column) <
                                std::tie(b.where.line, b.where.column);
                     });
    return out;
}

void print_summary(const Checked& c, const Model& model) {
    const auto errors =
        std::count_if(c.diagnostics.begin(), c.diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::error; });
    const auto warnings =
        std::count_if(c.diagnostics.begin(), c.diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::warning; });
    std::cout << c.display << ": ";
    if (!c.protocol) {
        std::cout << "not read (" << errors << " error" << (errors == 1 ? "" : "s") << ")\n";
        return;
    }
    const Protocol& p = *c.protocol;
    const auto sites = p.sites();
    const auto optional =
        std::count_if(sites.begin(), sites.end(), [](const Site* s) { return s->optional; });
    std::cout << p.id << " — " << p.title << "\n";
    std::cout << "  " << sites.size() << " sites";
    if (optional > 0)
        std::cout << " (" << optional << " optional)";
    std::cout << ", " << format_units(p.total_units(true)) << " U";
    if (optional > 0)
        std::cout << " (" << format_units(p.total_units(false)) << " U without the optional sites)";
    // Sites that could not be placed (a landmark the model lacks) are counted, never hidden.
    const std::size_t placed = c.placed ? c.placed->placed_count() : 0;
    if (placed == sites.size())
        std::cout << ", placed on " << model.id << "\n";
    else
        std::cout << ", " << placed << " of " << sites.size() << " placed on " << model.id << "\n";
    if (p.paradigm == Paradigm::cd_template)
        std::cout << "  a template: placed as if the posture were to the subject's left "
                     "(ipsilateral = left, contralateral = right)\n";
    std::size_t width = 8;
    const auto muscles = tally(p);
    for (const auto& [muscle, t] : muscles)
        width = std::max(width, muscle.size());
    for (const auto& [muscle, t] : muscles)
        std::cout << "  " << std::left << std::setw(static_cast<int>(width)) << muscle << std::right
                  << std::setw(4) << t.sites << " site" << (t.sites == 1 ? " " : "s")
                  << std::setw(7) << format_units(t.units) << " U\n";
    std::cout << "  " << errors << " error" << (errors == 1 ? "" : "s") << ", " << warnings
              << " warning" << (warnings == 1 ? "" : "s") << "\n";
}

Json to_json(const Checked& c, const ModelQueries& queries) {
    Json file;
    file["path"] = c.display;
    if (c.protocol) {
        const Protocol& p = *c.protocol;
        Json protocol;
        protocol["id"] = p.id;
        protocol["title"] = p.title;
        protocol["total_units"] = p.total_units(true);
        const auto sites = p.sites();
        protocol["site_count"] = sites.size();
        protocol["placed_count"] = c.placed ? c.placed->placed_count() : 0;
        Json unplaced = Json::array();
        for (std::size_t i = 0; i < sites.size(); ++i)
            if (!c.placed || i >= c.placed->sites.size() || !c.placed->sites[i].placed)
                unplaced.push_back(sites[i]->id);
        protocol["unplaced"] = std::move(unplaced);
        Json muscles = Json::object();
        for (const auto& [muscle, t] : tally(p))
            muscles[muscle] = Json{{"sites", t.sites}, {"units", t.units}};
        protocol["muscles"] = std::move(muscles);
        // The limits that apply (the clinical-limits table's and the file's), as the session
        // applies them: errors are refused, warnings shown.
        const AppliedRules applied = applied_rules(p);
        protocol["indication"] = p.indication;
        protocol["product_id"] = applied.product ? Json(applied.product->id) : Json(nullptr);
        Json limits = Json::array();
        for (const DoseLimit& d : dose_limits(p, applied)) {
            Json limit{{"rule", d.rule},
                       {"value", d.value},
                       {"severity", to_string(d.severity)},
                       {"basis", d.basis},
                       {"certainty", to_string(d.certainty)},
                       {"what", d.what},
                       {"from_file", d.from_file}};
            if (!d.muscle.empty())
                limit["muscle"] = d.muscle;
            if (!d.source.empty())
                limit["source"] = d.source;
            limits.push_back(std::move(limit));
        }
        protocol["limits"] = std::move(limits);
        Json list = Json::array();
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const Site& s = *sites[i];
            Json site;
            site["id"] = s.id;
            site["muscle"] = s.muscle;
            site["side"] = to_string(s.side);
            site["units"] = s.units;
            site["optional"] = s.optional;
            site["sources"] = s.sources;
            site["certainty"] = to_string(s.certainty);
            // 0.01 mm is far below anything anatomical and keeps the output stable and short.
            auto round = [](float v) { return std::round(static_cast<double>(v) * 100.0) / 100.0; };
            Json path = Json::array();
            Json nearest = nullptr;
            if (c.placed && i < c.placed->sites.size() && c.placed->sites[i].placed) {
                const PlacedSite& ps = c.placed->sites[i];
                const auto near = avoid_distances(queries, ps.position, ps.needle_direction,
                                                  static_cast<float>(needle_depth_mm(s)));
                if (!near.empty()) {
                    const AvoidStructure& a = queries.model().avoid[near.front().index];
                    nearest = Json{{"structure", a.id},
                                   {"side", to_string(a.side)},
                                   {"distance_mm", round(near.front().distance_mm)}};
                }
                const auto& x = c.placed->sites[i].position;
                site["placed"] = true;
                site["position_mm"] = Json::array({round(x.x), round(x.y), round(x.z)});
                // How projection onto the skin moved it from where its landmarks and offsets
                // put it.
                site["moved_mm"] = round(ps.moved_mm);
                site["moved_direction"] = moved_direction(ps);
                site["moved_vector_mm"] =
                    Json::array({round(ps.moved.x), round(ps.moved.y), round(ps.moved.z)});
                site["projection"] = ps.along_normal ? "normal" : "closest";
                for (const auto& seg : needle_path(queries, c.placed->sites[i]))
                    path.push_back(Json{{"structure", seg.structure},
                                        {"kind", to_string(seg.kind)},
                                        {"side", to_string(seg.side)},
                                        {"enters_mm", round(seg.enters_mm)},
                                        {"leaves_mm", round(seg.leaves_mm)}});
            } else {
                site["placed"] = false;
                site["position_mm"] = nullptr;
                site["moved_mm"] = nullptr;
                site["moved_direction"] = nullptr;
                site["moved_vector_mm"] = nullptr;
                site["projection"] = nullptr;
            }
            site["depth_mm"] = needle_depth_mm(s);
            site["needle_path"] = std::move(path);
            site["nearest_avoid"] = std::move(nearest);
            list.push_back(std::move(site));
        }
        protocol["sites"] = std::move(list);
        file["protocol"] = std::move(protocol);
    } else {
        file["protocol"] = nullptr;
    }
    Json diagnostics = Json::array();
    for (const auto& d : c.diagnostics)
        diagnostics.push_back(Json{{"severity", to_string(d.severity)},
                                   {"rule", d.rule},
                                   {"line", d.where.line},
                                   {"column", d.where.column},
                                   {"message", d.message}});
    file["diagnostics"] = std::move(diagnostics);
    return file;
}

int run_check(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--model", true}, {"--json", false}}, error);
    if (!parsed)
        return usage_error("check", error);
    if (parsed->positionals.empty())
        return usage_error("check", "no protocol file given");
    const bool json = parsed->has("--json");

    // Every file must exist before anything is checked, so a typo fails fast and alone.
    std::vector<std::pair<fs::path, std::string>> files;
    for (const auto& arg : parsed->positionals) {
        std::error_code ec;
        if (fs::is_regular_file(arg, ec)) {
            files.emplace_back(arg, arg);
        } else if (auto resolved = resolve_protocol(arg)) {
            files.emplace_back(*resolved, resolved->string());
        } else {
            std::cerr << "injmap check: cannot read '" << escape_control(arg)
                      << "': no such file or shipped protocol\n";
            return exit_usage;
        }
    }

    const std::string model_name = parsed->value("--model").value_or(kDefaultModel);
    Result<Model> model = load_model_by_name(model_name);
    if (!model.ok()) {
        std::string why = "not found";
        for (const auto& d : model.diagnostics)
            if (d.severity == Severity::error) {
                why = format_diagnostic(d);
                break;
            }
        std::cerr << "injmap check: cannot load model '" << escape_control(model_name)
                  << "': " << escape_control(why) << "\n";
        return exit_usage;
    }
    const ModelQueries queries(*model.value);

    bool any_error = false;
    Json report = Json{{"files", Json::array()}};
    for (const auto& [path, display] : files) {
        Checked c = check_file(path, display, queries);
        for (const auto& d : c.diagnostics)
            // A file refused by its size was never read, like an unreadable one (as `injmap
            // model`).
            if (d.rule == "protocol.io" || d.rule == "protocol.too-large") {
                std::cerr << "injmap check: cannot read '" << escape_control(display)
                          << "': " << escape_control(d.message) << "\n";
                return exit_usage;
            }
        for (const auto& d : c.diagnostics)
            std::cerr << format_diagnostic(d) << "\n";
        any_error = any_error || has_errors(c.diagnostics);
        if (json)
            report["files"].push_back(to_json(c, queries));
        else
            print_summary(c, *model.value);
    }
    if (json)
        std::cout << report.dump(2) << "\n";
    return any_error ? exit_findings : exit_ok;
}

} // namespace

const Command check_command{
    "check", "validate protocol files and print their sites, units and diagnostics",
    "Usage: injmap check [--model ID|MANIFEST] [--json] FILE...\n"
    "\n"
    "Reads each protocol file (or shipped protocol id), places its sites on a model and validates "
    "it\n"
    "against the clinical limits and anatomical checks (docs/protocol-format.md lists every "
    "rule).\n"
    "\n"
    "Options:\n"
    "  --model ID|MANIFEST  the model to place the sites on (default: adult-male)\n"
    "  --json               print the summary as JSON on stdout\n"
    "\n"
    "Diagnostics go to stderr as FILE:LINE:COL: error|warning|note: message [rule-id].\n"
    "A cervical dystonia template is placed as if the posture were to the subject's left.\n"
    "Exit codes: 0 no errors, 1 errors found, 2 a file or the model cannot be read, or bad "
    "arguments.\n",
    run_check};

} // namespace injmap::cli
