#include "fuzz_support.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <unistd.h>

#include <glm/geometric.hpp>

#include "injmap/models/landmark_names.hpp"

namespace injmap::fuzz {
namespace {

constexpr float kSkinRadius = 90.0f;

// A UV sphere: enough triangles for placement and ray casts to take their ordinary paths.
Mesh sphere(float radius, int rings, int segments) {
    Mesh mesh;
    for (int r = 0; r <= rings; ++r) {
        const float theta =
            static_cast<float>(M_PI) * static_cast<float>(r) / static_cast<float>(rings);
        for (int s = 0; s <= segments; ++s) {
            const float phi = 2.0f * static_cast<float>(M_PI) * static_cast<float>(s) /
                              static_cast<float>(segments);
            const glm::vec3 n{std::sin(theta) * std::sin(phi), std::cos(theta),
                              std::sin(theta) * std::cos(phi)};
            mesh.positions.push_back(n * radius);
            mesh.uvs.emplace_back(static_cast<float>(s) / static_cast<float>(segments),
                                  static_cast<float>(r) / static_cast<float>(rings));
        }
    }
    const auto at = [segments](int r, int s) {
        return static_cast<std::uint32_t>(r * (segments + 1) + s);
    };
    for (int r = 0; r < rings; ++r) {
        for (int s = 0; s < segments; ++s) {
            mesh.indices.insert(mesh.indices.end(), {at(r, s), at(r + 1, s), at(r + 1, s + 1)});
            mesh.indices.insert(mesh.indices.end(), {at(r, s), at(r + 1, s + 1), at(r, s + 1)});
        }
    }
    compute_vertex_normals(mesh);
    return mesh;
}

// A point on the skin for the i-th landmark: spread over the sphere; sided ones mirrored in X.
glm::vec3 landmark_point(std::size_t i, float side_sign) {
    const float elevation = 1.2f - 0.11f * static_cast<float>(i % 20); // radians above the equator
    const float azimuth = 0.35f + 0.27f * static_cast<float>(i % 11);  // from +Z towards +X
    glm::vec3 d{std::cos(elevation) * std::sin(azimuth), std::sin(elevation),
                std::cos(elevation) * std::cos(azimuth)};
    d.x = std::abs(d.x) * side_sign;
    return glm::normalize(d) * kSkinRadius;
}

Model build_synthetic_model() {
    Model model;
    model.id = "fuzz-sphere";
    model.display_name = "Fuzzing sphere";
    model.sex = "unspecified";
    model.skin = sphere(kSkinRadius, 16, 24);
    for (std::size_t i = 0; i < kStandardLandmarks.size(); ++i) {
        const auto& lm = kStandardLandmarks[i];
        const std::string name(lm.name);
        if (lm.sided) {
            model.landmarks[name + "_left"] = landmark_point(i, 1.0f);
            model.landmarks[name + "_right"] = landmark_point(i, -1.0f);
        } else {
            glm::vec3 p = landmark_point(i, 1.0f);
            p.x = 0.0f;
            model.landmarks[name] = glm::normalize(p) * kSkinRadius;
        }
    }
    // Muscle ids the shipped protocols name; nested spheres so every inward ray meets one.
    const char* ids[] = {"corrugator",
                         "procerus",
                         "frontalis",
                         "temporalis",
                         "occipitalis",
                         "trapezius",
                         "splenius_capitis",
                         "semispinalis_capitis",
                         "sternocleidomastoid",
                         "levator_scapulae",
                         "longissimus_capitis",
                         "scalenes",
                         "platysma",
                         "masseter"};
    float radius = 86.0f;
    for (const char* id : ids) {
        for (Side side : {Side::left, Side::right}) {
            Muscle muscle;
            muscle.id = id;
            muscle.side = side;
            muscle.layer = MuscleLayer::sheet;
            muscle.mesh = sphere(radius, 6, 8);
            for (const glm::vec3& n : muscle.mesh.normals) {
                const glm::vec3 t = glm::cross(n, glm::vec3(0.0f, 1.0f, 0.0f));
                const float len = glm::length(t);
                muscle.fibre_directions.push_back(len > 1e-6f ? t / len
                                                              : glm::vec3(1.0f, 0.0f, 0.0f));
            }
            model.muscles.push_back(std::move(muscle));
        }
        radius -= 1.5f;
    }
    model.groups["cervical_paraspinal"] = {"splenius_capitis", "semispinalis_capitis"};
    return model;
}

void remove_scratch() {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir(), ec);
}

} // namespace

const Model& synthetic_model() {
    static const Model model = build_synthetic_model();
    return model;
}

const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        const std::filesystem::path base =
            std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
        std::filesystem::path d = base / ("injmap-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::atexit(remove_scratch);
        return d;
    }();
    return dir;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        contract_violation("harness", "cannot write " + path.string());
}

void check_diagnostics(const Diagnostics& diagnostics, std::string_view reader) {
    for (const Diagnostic& d : diagnostics) {
        if (d.rule.empty())
            contract_violation(reader, "a diagnostic without a rule id: " + d.message);
        if (d.message.empty())
            contract_violation(reader, "a diagnostic without a message [" + d.rule + "]");
        if (d.message.find('\n') != std::string::npos) {
            // INJMAP_FUZZ_LENIENT=1 notes this once per rule and goes on, to look for crashes
            // while a known message problem waits for its fix.
            static const bool lenient = std::getenv("INJMAP_FUZZ_LENIENT") != nullptr;
            static std::set<std::string> noted;
            if (!lenient)
                contract_violation(reader, "a multi-line message [" + d.rule + "]");
            if (noted.insert(d.rule).second)
                std::fprintf(stderr, "fuzz: %.*s: a multi-line message [%s] (lenient: going on)\n",
                             static_cast<int>(reader.size()), reader.data(), d.rule.c_str());
        }
        if (d.where.line < 0 || d.where.column < 0)
            contract_violation(reader, "a negative line or column [" + d.rule + "]");
        (void)format_diagnostic(d);
    }
}

void contract_violation(std::string_view reader, std::string_view what) {
    std::fprintf(stderr, "fuzz: %.*s broke its contract: %.*s\n", static_cast<int>(reader.size()),
                 reader.data(), static_cast<int>(what.size()), what.data());
    std::abort();
}

} // namespace injmap::fuzz
