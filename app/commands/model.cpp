// injmap model [ID|MANIFEST] [--json]: loads a model the way the program does and describes it —
// skin size and closedness, standard measurements, landmarks and muscles.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/measurements.hpp"

namespace injmap::cli {

int run_model_fit(std::span<const std::string> args); // model_fit.cpp

namespace {

constexpr const char* kDefaultModel = "adult-male";
// A boundary loop counts as the bottom cut when all of it lies in the lowest tenth of the skin's
// height: a crop across the chest or back, not a hole in the face or scalp.
constexpr float kCutBand = 0.10f;

// True when every boundary loop of the skin lies at the bottom cut and no edge is shared by more
// than two triangles (a closed surface apart from where the body was cropped).
bool closed_except_cut(const Mesh& skin) {
    if (skin.triangle_count() == 0)
        return false;
    std::unordered_map<std::uint64_t, std::uint32_t> edge_use;
    edge_use.reserve(skin.indices.size() * 2);
    auto key = [](std::uint32_t a, std::uint32_t b) {
        return (static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b);
    };
    for (std::size_t t = 0; t < skin.triangle_count(); ++t)
        for (int k = 0; k < 3; ++k)
            ++edge_use[key(skin.indices[3 * t + k], skin.indices[3 * t + (k + 1) % 3])];
    const Bounds b = bounds_of(skin);
    const float cut_top = b.min.y + kCutBand * (b.max.y - b.min.y);
    for (const auto& [edge, uses] : edge_use) {
        if (uses > 2)
            return false;
        if (uses == 1) {
            // Every vertex of a loop at the cut is low, so checking each boundary edge's ends
            // is the same as checking each loop.
            const auto a = static_cast<std::uint32_t>(edge >> 32),
                       c = static_cast<std::uint32_t>(edge);
            if (skin.positions[a].y > cut_top || skin.positions[c].y > cut_top)
                return false;
        }
    }
    return true;
}

double rounded(float v) {
    return std::isfinite(v) ? std::round(static_cast<double>(v) * 100.0) / 100.0 : NAN;
}

nlohmann::json point(const glm::vec3& p) {
    return nlohmann::json::array({rounded(p.x), rounded(p.y), rounded(p.z)});
}

nlohmann::json describe(const Model& model) {
    using nlohmann::json;
    const Bounds b = bounds_of(model.skin);
    const Measurements m = measure_model(model);
    json out;
    out["id"] = model.id;
    out["sex"] = model.sex;
    out["units"] = "mm";
    out["up_axis"] = "y";
    out["mesh"] = model.skin_path.string();
    out["skin"] = {{"vertices", model.skin.vertex_count()},
                   {"triangles", model.skin.triangle_count()},
                   {"closed_except_cut", closed_except_cut(model.skin)},
                   {"bbox_mm", json::array({point(b.min), point(b.max)})}};
    out["measurements_mm"] = {{"head_breadth", rounded(m.head_breadth)},
                              {"head_length", rounded(m.head_length)},
                              {"tragion_to_vertex", rounded(m.tragion_to_vertex)},
                              {"neck_circumference", rounded(m.neck_circumference)},
                              {"biacromial_breadth", rounded(m.biacromial_breadth)},
                              {"bizygomatic_breadth", rounded(m.bizygomatic_breadth)},
                              {"menton_sellion", rounded(m.menton_sellion)}};
    json landmarks = json::object();
    for (const auto& [name, p] : model.landmarks)
        landmarks[name] = point(p);
    out["landmarks"] = std::move(landmarks);
    json muscles = json::array();
    for (const auto& muscle : model.muscles)
        muscles.push_back({{"id", muscle.id},
                           {"side", to_string(muscle.side)},
                           {"triangles", muscle.mesh.triangle_count()}});
    out["muscles"] = std::move(muscles);
    json bones = json::array();
    for (const auto& bone : model.bones)
        bones.push_back({{"id", bone.id},
                         {"side", to_string(bone.side)},
                         {"triangles", bone.mesh.triangle_count()}});
    out["bones"] = std::move(bones);
    return out;
}

std::string mm(double v) {
    if (!std::isfinite(v))
        return "n/a";
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << v << " mm";
    return s.str();
}

void print_summary(const Model& model, const nlohmann::json& d) {
    std::cout << model.id << " — " << model.display_name << " (" << model.sex << ")\n";
    std::cout << "  manifest  " << model.manifest_path.string() << "\n";
    std::cout << "  mesh      " << model.skin_path.string() << "\n";
    const auto& skin = d["skin"];
    const auto& lo = skin["bbox_mm"][0];
    const auto& hi = skin["bbox_mm"][1];
    std::cout << "  skin      " << skin["vertices"].get<std::size_t>() << " vertices, "
              << skin["triangles"].get<std::size_t>() << " triangles, "
              << (skin["closed_except_cut"].get<bool>() ? "closed except the bottom cut"
                                                        : "has open boundaries")
              << "\n";
    std::cout << std::fixed << std::setprecision(1) << "  size      "
              << hi[0].get<double>() - lo[0].get<double>() << " × "
              << hi[1].get<double>() - lo[1].get<double>() << " × "
              << hi[2].get<double>() - lo[2].get<double>()
              << " mm (width × height × depth; +Y up, +Z face)\n";
    const auto& m = d["measurements_mm"];
    auto value = [&](const char* key) { return m[key].is_number() ? m[key].get<double>() : NAN; };
    std::cout << "  measures  head breadth " << mm(value("head_breadth")) << ", head length "
              << mm(value("head_length")) << ", tragion to vertex "
              << mm(value("tragion_to_vertex")) << "\n"
              << "            bizygomatic breadth " << mm(value("bizygomatic_breadth"))
              << ", menton to sellion " << mm(value("menton_sellion")) << "\n"
              << "            neck circumference " << mm(value("neck_circumference"))
              << ", biacromial breadth " << mm(value("biacromial_breadth")) << "\n";
    std::cout << "  landmarks " << model.landmarks.size();
    std::size_t column = 0;
    for (const auto& [name, p] : model.landmarks) {
        std::cout << (column++ % 4 == 0 ? "\n            " : ", ") << name;
    }
    std::cout << "\n  muscles   " << model.muscles.size() << "\n";
    std::size_t width = 0;
    for (const auto& muscle : model.muscles)
        width = std::max(width, muscle.key().size());
    for (const auto& muscle : model.muscles)
        std::cout << "            " << std::left << std::setw(static_cast<int>(width + 2))
                  << muscle.key() << std::right << muscle.mesh.triangle_count() << " triangles\n";
    if (!model.bones.empty()) {
        std::size_t triangles = 0;
        std::string keys;
        for (const auto& bone : model.bones) {
            triangles += bone.mesh.triangle_count();
            keys += (keys.empty() ? "" : ", ") + bone.key();
        }
        std::cout << "  bones     " << model.bones.size() << " (" << triangles
                  << " triangles): " << keys << "\n";
    }
    if (!model.groups.empty()) {
        std::cout << "  groups\n";
        for (const auto& [key, ids] : model.groups) {
            std::cout << "            " << key << ":";
            for (const auto& id : ids)
                std::cout << " " << id;
            std::cout << "\n";
        }
    }
}

int run_model(std::span<const std::string> args) {
    if (!args.empty() && args.front() == "fit")
        return run_model_fit(args.subspan(1));
    std::string error;
    const auto parsed = parse_args(args, {{"--json"}}, error);
    if (!parsed)
        return usage_error("model", error);
    if (parsed->positionals.size() > 1)
        return usage_error("model", "expected at most one model id or manifest, got " +
                                        std::to_string(parsed->positionals.size()));
    const std::string target =
        parsed->positionals.empty() ? kDefaultModel : parsed->positionals.front();

    const auto path = resolve_model(target);
    if (!path) {
        std::string known;
        for (const auto& dir : model_dirs())
            known += (known.empty() ? "" : ", ") + dir.string();
        std::cerr << "injmap model: no model or manifest '" << escape_control(target)
                  << "' (model folders: " << (known.empty() ? std::string("none found") : known)
                  << ")\n";
        return exit_usage;
    }
    Result<Model> loaded = load_model(*path);
    for (const auto& d : loaded.diagnostics) {
        if (d.severity == Severity::error &&
            (d.rule == "manifest.io" || d.rule == "manifest.too-large")) {
            std::cerr << "injmap model: cannot read " << escape_control(path->string()) << ": "
                      << escape_control(d.message) << "\n";
            return exit_usage;
        }
    }
    for (const auto& d : loaded.diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
    if (!loaded.ok())
        return exit_findings;

    const nlohmann::json description = describe(*loaded.value);
    if (parsed->has("--json"))
        std::cout << description.dump(2) << "\n";
    else
        print_summary(*loaded.value, description);
    return exit_ok;
}

} // namespace

const Command model_command{
    "model", "describe a model: landmarks, muscles, bones, measurements",
    "Usage: injmap model [ID|MANIFEST] [--json]\n"
    "       injmap model fit MESH --point NAME=X,Y,Z ... -o MANIFEST.toml [--units U] [--up A]\n"
    "                        [--forward A] [--skin-group G] [--template ID | --sex male|female]\n"
    "                        [--id ID] [--name TEXT] [--json]\n\n"
    "Loads a model (default: adult-male) the way the program does — manifest, OBJ, unit and axis\n"
    "conversion, landmark snapping — and describes it: skin size and closedness, head and neck\n"
    "measurements, landmarks, muscles and bones. All figures in millimetres, +Y up, +Z toward the "
    "face.\n\n"
    "  ID|MANIFEST  a model id found in the model folders, or a path to a manifest (.toml)\n"
    "  --json       print the description as JSON (fields: id, sex, units, up_axis, mesh, skin,\n"
    "               measurements_mm, landmarks, muscles, bones); measurements_mm holds\n"
    "               head_breadth, head_length, tragion_to_vertex, neck_circumference,\n"
    "               biacromial_breadth, bizygomatic_breadth and menton_sellion (null when a\n"
    "               landmark it needs is missing)\n\n"
    "model fit: assisted landmarking of a head scan. The default model (--template, default\n"
    "adult-male; --sex female for adult-female) is placed on the scan by a similarity on the\n"
    "given points, its skin registered onto the scan's (non-rigid ICP), and every landmark\n"
    "carried across onto the scan's skin; the manifest for the scan is written to -o.\n"
    "  MESH               the scan (OBJ)\n"
    "  --point NAME=X,Y,Z a landmark on the scan, in the mesh's own units and axes; repeat.\n"
    "                     Needed: nasion, tragion_left, tragion_right, menton; also vertex\n"
    "                     and c7 when the scan has them\n"
    "  --units U          mm (default), cm, dm, m or in\n"
    "  --up A, --forward A  the mesh's up and face axes (+x, -x, +y, -y, +z, -z; default +y, +z)\n"
    "  --skin-group G     the OBJ group that is the skin (default: every group)\n"
    "  --id, --name       the manifest's id (default: the output's stem) and display name\n"
    "  --json             print the summary as JSON (manifest, template, points_given,\n"
    "                     landmarks_written, landmarks_carried, uncovered, scale, points_rms_mm,\n"
    "                     surface_mean_mm, matched_fraction)\n"
    "  Rules: fit.missing-point, fit.unknown-point, fit.degenerate, fit.points-mismatch\n"
    "  (errors, exit 1); fit.point-off-skin, fit.landmark-uncovered (warnings).\n\n"
    "Exit codes: 0 loaded (fit: written); 1 the manifest or its mesh has errors (listed as\n"
    "FILE:LINE:COL: error: ...), or the fit could not be made; 2 unknown model, unreadable\n"
    "manifest, unwritable output or bad arguments.\n",
    run_model};
} // namespace injmap::cli
