#pragma once
// A small synthetic model for the protocol tests (placement, validator, corpus): a sphere "head" of
// radius 90 mm, exactly mirror-symmetric in X, carrying every standard landmark at a plausible
// direction, and a few muscles as small spheres under the skin. It needs no generated model, so the
// placement and validator tests do not depend on the generator.
#include <cmath>
#include <cstdint>
#include <string>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

#include "injmap/models/landmark_names.hpp"
#include "injmap/models/mesh.hpp"
#include "injmap/models/model.hpp"

namespace injmap::test {

inline constexpr float kTestHeadRadius = 90.0f;

// Unit direction from azimuth (degrees from +Z towards +X, the subject's left) and elevation.
inline glm::vec3 direction(float azimuth_deg, float elevation_deg) {
    const float az = azimuth_deg * static_cast<float>(M_PI) / 180.0f;
    const float el = elevation_deg * static_cast<float>(M_PI) / 180.0f;
    return {std::cos(el) * std::sin(az), std::sin(el), std::cos(el) * std::cos(az)};
}

// A UV sphere whose quads are split into four triangles around their centre, so the mesh maps onto
// itself under x → −x (a plain diagonal split would not). Outward, counter-clockwise triangles.
inline Mesh symmetric_sphere(glm::vec3 centre, float radius, int rings = 48, int segments = 96) {
    Mesh mesh;
    auto vertex = [&](float theta, float phi) {
        const glm::vec3 n{std::sin(theta) * std::sin(phi), std::cos(theta),
                          std::sin(theta) * std::cos(phi)};
        mesh.positions.push_back(centre + n * radius);
        return static_cast<std::uint32_t>(mesh.positions.size() - 1);
    };
    const float pi = static_cast<float>(M_PI);
    std::vector<std::vector<std::uint32_t>> grid(rings + 1);
    for (int r = 1; r < rings; ++r)
        for (int s = 0; s <= segments; ++s)
            grid[r].push_back(vertex(pi * r / rings, 2.0f * pi * s / segments));
    const std::uint32_t top = vertex(0.0f, 0.0f), bottom = vertex(pi, 0.0f);
    auto triangle = [&](std::uint32_t a, std::uint32_t b, std::uint32_t c) {
        const glm::vec3 pa = mesh.positions[a], pb = mesh.positions[b], pc = mesh.positions[c];
        const glm::vec3 n = glm::cross(pb - pa, pc - pa);
        if (glm::dot(n, (pa + pb + pc) / 3.0f - centre) < 0.0f)
            std::swap(b, c);
        mesh.indices.insert(mesh.indices.end(), {a, b, c});
    };
    for (int s = 0; s < segments; ++s) {
        triangle(top, grid[1][s], grid[1][s + 1]);
        triangle(bottom, grid[rings - 1][s + 1], grid[rings - 1][s]);
    }
    for (int r = 1; r + 1 < rings; ++r)
        for (int s = 0; s < segments; ++s) {
            const float theta = pi * (r + 0.5f) / rings, phi = 2.0f * pi * (s + 0.5f) / segments;
            const std::uint32_t c = vertex(theta, phi);
            const std::uint32_t a = grid[r][s], b = grid[r][s + 1], d = grid[r + 1][s],
                                e = grid[r + 1][s + 1];
            triangle(c, a, b);
            triangle(c, b, e);
            triangle(c, e, d);
            triangle(c, d, a);
        }
    compute_vertex_normals(mesh);
    return mesh;
}

struct TestLandmark {
    const char* name;
    float azimuth;   // degrees; for sided landmarks the left one (right = mirror)
    float elevation; // degrees
};

// Directions chosen so the shipped PREEMPT distances land where they would on a head: brows about
// 23 mm above the centre, the supraorbital rim below them, shoulders low at the back.
inline constexpr TestLandmark kTestLandmarks[] = {
    {"vertex", 0, 90},
    {"frontal_hairline", 0, 50},
    {"glabella", 0, 15},
    {"nasion", 0, 5},
    {"pronasale", 0, -10},
    {"subnasale", 0, -20},
    {"menton", 0, -55},
    {"opisthocranion", 180, 10},
    {"inion", 180, -5},
    {"brow_medial", 10, 15},
    {"brow_lateral", 35, 14},
    {"supraorbital_rim", 20, 8},
    {"medial_canthus", 8, 2},
    {"lateral_canthus", 28, 1},
    {"pupil", 18, 2},
    {"zygomatic_arch", 65, -5},
    {"tragion", 90, -5},
    {"helix_top", 95, 8},
    {"temporal_fossa", 80, 25},
    {"mastoid", 115, -25},
    {"gonion", 60, -45},
    {"c7", 180, -60},
    {"t1", 180, -65},
    {"t2", 180, -70},
    {"t3", 180, -75},
    {"t4", 180, -80},
    {"suprasternal_notch", 0, -75},
    {"sternoclavicular", 15, -72},
    {"clavicle_mid", 40, -65},
    {"acromion", 100, -60},
    {"neck_inflection", 140, -45},
    {"scapula_superior_angle", 150, -70},
    {"scapular_spine_medial", 160, -75},
};

struct TestMuscle {
    const char* id;
    float azimuth, elevation; // left one; midline muscles use azimuth 0 or 180
    bool midline;
};

inline constexpr TestMuscle kTestMuscles[] = {
    {"frontalis", 18, 40, false},
    {"corrugator", 12, 22, false},
    {"procerus", 0, 12, true},
    {"temporalis", 95, 30, false},
    {"occipitalis", 160, 10, false},
    {"trapezius", 125, -55, false},
    {"splenius_capitis", 160, -30, false},
    {"semispinalis_capitis", 170, -30, false},
    {"sternocleidomastoid", 60, -60, false},
    {"levator_scapulae", 130, -40, false},
};

// The model. Landmarks sit exactly on the sphere; right ones are exact mirrors of left ones.
inline Model make_test_model() {
    Model model;
    model.id = "test-sphere";
    model.display_name = "Test sphere";
    model.sex = "unspecified";
    model.skin = symmetric_sphere(glm::vec3(0.0f), kTestHeadRadius);
    auto find = [](std::string_view name) -> const TestLandmark* {
        for (const auto& l : kTestLandmarks)
            if (name == l.name)
                return &l;
        return nullptr;
    };
    for (const auto& standard : kStandardLandmarks) {
        const TestLandmark* l = find(standard.name);
        if (!l)
            continue;
        glm::vec3 p = direction(l->azimuth, l->elevation) * kTestHeadRadius;
        const std::string name(standard.name);
        if (standard.sided) {
            model.landmarks[name + "_left"] = p;
            model.landmarks[name + "_right"] = glm::vec3(-p.x, p.y, p.z);
        } else {
            model.landmarks[name] = glm::vec3(0.0f, p.y, p.z);
        }
    }
    // Muscles: spheres of radius 28 mm centred 60 mm out, so each covers a patch of skin about 30°
    // across and lies 2–30 mm under it.
    for (const auto& m : kTestMuscles) {
        for (Side side : {Side::left, Side::right}) {
            if (m.midline && side == Side::right)
                continue;
            glm::vec3 d = direction(m.azimuth, m.elevation);
            if (side == Side::right)
                d.x = -d.x;
            Muscle muscle;
            muscle.id = m.id;
            muscle.side = m.midline ? Side::midline : side;
            muscle.layer = MuscleLayer::sheet;
            muscle.mesh = symmetric_sphere(d * 60.0f, 28.0f, 12, 24);
            model.muscles.push_back(std::move(muscle));
        }
    }
    model.groups["cervical_paraspinal"] = {"splenius_capitis", "semispinalis_capitis"};
    return model;
}

} // namespace injmap::test
