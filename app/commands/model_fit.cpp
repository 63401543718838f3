// injmap model fit MESH --point NAME=X,Y,Z … -o MANIFEST.toml: assisted landmarking of a patient's
// own head scan (scan_fit.hpp) — the default model is registered onto the scan from a few points
// the user gives, every landmark is carried across and a manifest for the scan is written.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "injmap/models/atomic_file.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/model_cache.hpp"
#include "injmap/models/scan_fit.hpp"

namespace injmap::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kCommand = "model fit";

// "NAME=X,Y,Z" → name and point; nullopt with a reason otherwise.
std::optional<std::pair<std::string, glm::vec3>> parse_point(const std::string& text,
                                                             std::string& error) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        error = "--point '" + text + "': expected NAME=X,Y,Z";
        return std::nullopt;
    }
    std::pair<std::string, glm::vec3> out{text.substr(0, eq), glm::vec3(0.0f)};
    const char* p = text.data() + eq + 1;
    const char* end = text.data() + text.size();
    for (int k = 0; k < 3; ++k) {
        while (p < end && *p == ' ')
            ++p;
        if (p < end && *p == '+')
            ++p;
        float v = 0.0f;
        const auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc() || !std::isfinite(v)) {
            error = "--point '" + text + "': expected three numbers X,Y,Z after '='";
            return std::nullopt;
        }
        out.second[k] = v;
        p = next;
        while (p < end && *p == ' ')
            ++p;
        if (k < 2) {
            if (p >= end || *p != ',') {
                error = "--point '" + text + "': expected three numbers X,Y,Z after '='";
                return std::nullopt;
            }
            ++p;
        }
    }
    if (p != end) {
        error = "--point '" + text + "': unexpected text after the third number";
        return std::nullopt;
    }
    return out;
}

std::string fixed(double v, int digits = 2) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

} // namespace

int run_model_fit(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--units", true},
                                    {"--up", true},
                                    {"--forward", true},
                                    {"--skin-group", true},
                                    {"--point", true, true},
                                    {"--template", true},
                                    {"--sex", true},
                                    {"--id", true},
                                    {"--name", true},
                                    {"-o", true},
                                    {"--json"}},
                                   error);
    if (!parsed)
        return usage_error(kCommand, error);
    if (parsed->positionals.size() != 1)
        return usage_error(kCommand, "expected one mesh file, got " +
                                         std::to_string(parsed->positionals.size()));
    const auto output = parsed->value("-o");
    if (!output)
        return usage_error(kCommand, "-o MANIFEST.toml is required");
    if (parsed->has("--template") && parsed->has("--sex"))
        return usage_error(kCommand, "give --template or --sex, not both");
    std::string template_id = "adult-male";
    if (auto sex = parsed->value("--sex")) {
        if (*sex != "male" && *sex != "female")
            return usage_error(kCommand, "--sex must be 'male' or 'female'");
        template_id = "adult-" + *sex;
    }
    if (auto t = parsed->value("--template"))
        template_id = *t;

    ScanFrame frame;
    frame.units = parsed->value("--units").value_or("mm");
    frame.up = parsed->value("--up").value_or("+y");
    frame.forward = parsed->value("--forward").value_or("+z");
    frame.skin_group = parsed->value("--skin-group").value_or("*");

    std::map<std::string, glm::vec3> file_points;
    for (const auto& text : parsed->all("--point")) {
        auto point = parse_point(text, error);
        if (!point)
            return usage_error(kCommand, error);
        if (!file_points.emplace(point->first, point->second).second)
            return usage_error(kCommand, "--point '" + point->first + "' given twice");
    }

    const fs::path mesh_path = parsed->positionals.front();
    const auto template_path = resolve_model(template_id);
    if (!template_path) {
        std::cerr << "injmap model fit: no template model '" << escape_control(template_id)
                  << "'\n";
        return exit_usage;
    }
    auto templ = load_model_cached(*template_path);
    if (!templ.ok()) {
        for (const auto& d : templ.diagnostics)
            std::cerr << format_diagnostic(d) << "\n";
        return exit_findings;
    }

    auto scan = load_scan(mesh_path, frame);
    for (const auto& d : scan.diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
    if (!scan.ok())
        return exit_findings;
    std::map<std::string, glm::vec3> points;
    for (const auto& [name, p] : file_points)
        points[name] = scan.value->to_model(p);
    auto fit = fit_landmarks(*scan.value, points, *templ.value);
    for (const auto& d : fit.diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
    if (!fit.ok())
        return exit_findings;

    // The mesh named relative to the manifest's folder when it can be, so the two move together.
    const fs::path out_path = *output;
    std::error_code ec;
    const fs::path mesh_abs = fs::absolute(mesh_path, ec);
    const fs::path out_dir = fs::absolute(out_path, ec).parent_path();
    fs::path reference = fs::proximate(mesh_abs, out_dir, ec);
    if (ec || reference.empty() || *reference.begin() == "..")
        reference = mesh_abs; // only a mesh in or under the manifest's folder is named relatively
    const std::string id = parsed->value("--id").value_or(out_path.stem().string());
    const std::string name =
        parsed->value("--name").value_or(mesh_path.stem().string() + " (fitted)");
    const std::string text =
        fit_manifest_text(*scan.value, *fit.value, id, name, reference.generic_string());
    if (!io::write_file_atomically(out_path, text, error)) {
        std::cerr << "injmap model fit: cannot write " << escape_control(out_path.string()) << ": "
                  << error << "\n";
        return exit_usage;
    }

    const LandmarkFit& f = *fit.value;
    const std::size_t carried = f.landmarks.size() - f.given.size();
    if (parsed->has("--json")) {
        nlohmann::json j;
        j["manifest"] = out_path.string();
        j["template"] = template_id;
        j["points_given"] = f.given.size();
        j["landmarks_written"] = f.landmarks.size();
        j["landmarks_carried"] = carried;
        j["uncovered"] = f.uncovered;
        j["scale"] = std::round(double(f.scale) * 1000.0) / 1000.0;
        j["points_rms_mm"] = std::round(double(f.points_rms_mm) * 100.0) / 100.0;
        j["surface_mean_mm"] = std::round(double(f.surface_mean_mm) * 100.0) / 100.0;
        j["matched_fraction"] = std::round(double(f.matched_fraction) * 1000.0) / 1000.0;
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "wrote " << out_path.string() << " (template " << template_id << ")\n"
                  << "  points given       " << f.given.size() << "\n"
                  << "  landmarks written  " << f.landmarks.size() << " (" << carried
                  << " carried from the template";
        if (!f.uncovered.empty())
            std::cout << ", " << f.uncovered.size() << " left out: not on the scan";
        std::cout << ")\n"
                  << "  similarity         scale " << fixed(f.scale, 3) << ", rms at the points "
                  << fixed(f.points_rms_mm) << " mm\n"
                  << "  surface            mean distance " << fixed(f.surface_mean_mm)
                  << " mm over " << fixed(100.0 * f.matched_fraction, 0)
                  << " % of the template's skin\n";
    }
    return exit_ok;
}

} // namespace injmap::cli
