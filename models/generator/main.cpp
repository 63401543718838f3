// injmap-modelgen: generates the default anatomical models (OBJ + manifest) at build time.
//   injmap-modelgen --out DIR [--preview DIR] [--voxel MM] [--skin-triangles N] ID...
// Exit codes: 0 ok, 2 usage or I/O error (one line on stderr).
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/models/generate.hpp"
#include "injmap/models/measurements.hpp"
#include "preview.hpp"

namespace {

int usage(const std::string& message) {
    std::cerr << "injmap-modelgen: " << message << "\n";
    return 2;
}

constexpr const char* kHelp =
    "Usage: injmap-modelgen --out DIR [--preview DIR] [--voxel MM] [--skin-triangles N] [--quiet] "
    "ID...\n"
    "Generates the default models (adult-male, adult-female) as DIR/<ID>.obj and DIR/<ID>.toml.\n"
    "  --preview DIR  also render PNG previews (skin and see-through muscles) into DIR\n"
    "  --voxel MM     surface-nets cell size (default 1.75)\n"
    "  --skin-triangles N\n"
    "                 decimate the skin to about N triangles (default 45000; 0 keeps them all)\n";

} // namespace

int main(int argc, char** argv) {
    std::string out, preview_dir;
    std::vector<std::string> ids;
    injmap::GenerateOptions options;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--help" || arg == "-h") {
            std::cout << kHelp;
            return 0;
        } else if (arg == "--out") {
            const char* v = value();
            if (!v)
                return usage("--out needs a folder");
            out = v;
        } else if (arg == "--preview") {
            const char* v = value();
            if (!v)
                return usage("--preview needs a folder");
            preview_dir = v;
        } else if (arg == "--voxel") {
            const char* v = value();
            try {
                options.voxel_mm = v ? std::stof(v) : 0.0f;
            } catch (const std::exception&) {
                options.voxel_mm = 0.0f;
            }
            if (!(options.voxel_mm >= 0.5f && options.voxel_mm <= 10.0f))
                return usage("--voxel needs a size in mm between 0.5 and 10");
        } else if (arg == "--skin-triangles") {
            const char* v = value();
            long long n = -1;
            try {
                n = v ? std::stoll(v) : -1;
            } catch (const std::exception&) {
                n = -1;
            }
            if (n < 0 || n > 10'000'000)
                return usage("--skin-triangles needs a count between 0 and 10000000");
            options.skin_triangles = static_cast<std::size_t>(n);
        } else if (arg == "--quiet") {
            quiet = true;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage("unknown option '" + std::string(arg) + "' (try --help)");
        } else {
            ids.emplace_back(arg);
        }
    }
    if (out.empty())
        return usage("--out DIR is required (try --help)");
    if (ids.empty())
        return usage("no model id given (adult-male, adult-female)");
    for (const auto& id : ids) {
        bool known = false;
        for (const auto k : injmap::kDefaultModelIds)
            known = known || k == id;
        if (!known)
            return usage("unknown model id '" + id + "' (expected adult-male or adult-female)");
    }
    for (const auto& id : ids) {
        const auto start = std::chrono::steady_clock::now();
        injmap::Model model;
        try {
            model = injmap::generate_model(id, options);
        } catch (const std::exception& e) {
            return usage(std::string("cannot generate ") + id + ": " + e.what());
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::string error;
        if (!injmap::write_model(model, out, error))
            return usage(error);
        if (!quiet) {
            const auto m = injmap::measure_model(model);
            std::size_t muscle_triangles = 0;
            for (const auto& mu : model.muscles)
                muscle_triangles += mu.mesh.triangle_count();
            std::size_t bone_triangles = 0;
            for (const auto& b : model.bones)
                bone_triangles += b.mesh.triangle_count();
            std::printf("%s: %zu skin vertices, %zu skin triangles, %zu muscles (%zu triangles), "
                        "%zu bones (%zu triangles), %zu landmarks, %.2f s\n",
                        id.c_str(), model.skin.vertex_count(), model.skin.triangle_count(),
                        model.muscles.size(), muscle_triangles, model.bones.size(), bone_triangles,
                        model.landmarks.size(), seconds);
            std::printf("  head breadth %.1f, head length %.1f, tragion-vertex %.1f, neck "
                        "circumference %.1f, "
                        "biacromial %.1f mm\n",
                        m.head_breadth, m.head_length, m.tragion_to_vertex, m.neck_circumference,
                        m.biacromial_breadth);
        }
        if (!preview_dir.empty() && !injmap::preview::write_previews(model, preview_dir, error))
            return usage(error);
    }
    return 0;
}
