#pragma once
// A small model built in code for renderer tests that must not depend on the generated models: an
// ellipsoid "head" as skin and three sheet muscles just beneath it (frontalis left/right on the
// front, occipitalis at the back), with fibre uvs. Model space as usual: mm, +Y up, +Z the face,
// +X the subject's left.
#include <cmath>

#include <glm/geometric.hpp>

#include "injmap/models/model.hpp"

namespace injmap::test {

inline constexpr glm::vec3 kSyntheticRadii{80.0f, 110.0f, 95.0f};
inline constexpr glm::vec3 kSyntheticCentre{0.0f, 0.0f, 0.0f};

// Point and outward normal on the ellipsoid (scaled by `shrink`) at polar angle theta (0 = top)
// and azimuth phi (0 = +Z, the face; +90° = +X).
inline void synthetic_surface(float theta, float phi, float shrink, glm::vec3& p, glm::vec3& n) {
    const glm::vec3 dir{std::sin(theta) * std::sin(phi), std::cos(theta),
                        std::sin(theta) * std::cos(phi)};
    p = kSyntheticCentre + dir * kSyntheticRadii * shrink;
    n = glm::normalize(dir / kSyntheticRadii);
}

inline Mesh synthetic_patch(float theta0, float theta1, float phi0, float phi1, int nu, int nv) {
    Mesh m;
    for (int i = 0; i <= nu; ++i)
        for (int j = 0; j <= nv; ++j) {
            const float u = float(i) / float(nu), v = float(j) / float(nv);
            glm::vec3 p, n;
            // u runs from theta1 (lower, origin) up to theta0 (insertion); v across, phi0 → phi1.
            synthetic_surface(theta1 + (theta0 - theta1) * u, phi0 + (phi1 - phi0) * v, 0.965f, p,
                              n);
            m.positions.push_back(p);
            m.normals.push_back(n);
            m.uvs.push_back({u, v});
        }
    for (int i = 0; i < nu; ++i)
        for (int j = 0; j < nv; ++j) {
            const auto a = std::uint32_t(i * (nv + 1) + j), b = a + 1,
                       c = a + std::uint32_t(nv + 1), d = c + 1;
            // Counter-clockwise seen from outside (u up, v towards +phi).
            m.indices.insert(m.indices.end(), {a, b, d, a, d, c});
        }
    // Orientation check: flip if the first triangle faces inward.
    const glm::vec3 fn = glm::cross(m.positions[m.indices[1]] - m.positions[m.indices[0]],
                                    m.positions[m.indices[2]] - m.positions[m.indices[0]]);
    if (glm::dot(fn, m.normals[m.indices[0]]) < 0.0f)
        for (std::size_t t = 0; t < m.indices.size(); t += 3)
            std::swap(m.indices[t + 1], m.indices[t + 2]);
    return m;
}

inline Model make_synthetic_model() {
    constexpr float pi = 3.14159265f;
    Model model;
    model.id = "synthetic";
    model.display_name = "Synthetic ellipsoid";
    model.sex = "unspecified";
    const int rings = 64, segments = 128;
    for (int i = 0; i <= rings; ++i)
        for (int j = 0; j <= segments; ++j) {
            glm::vec3 p, n;
            synthetic_surface(pi * float(i) / float(rings), 2.0f * pi * float(j) / float(segments),
                              1.0f, p, n);
            model.skin.positions.push_back(p);
            model.skin.normals.push_back(n);
        }
    for (int i = 0; i < rings; ++i)
        for (int j = 0; j < segments; ++j) {
            const auto a = std::uint32_t(i * (segments + 1) + j), b = a + 1,
                       c = a + std::uint32_t(segments + 1), d = c + 1;
            // theta grows downwards and phi towards +X: (a, c, d), (a, d, b) is counter-clockwise
            // outside.
            model.skin.indices.insert(model.skin.indices.end(), {a, c, d, a, d, b});
        }
    auto add = [&](const char* id, Side side, float t0, float t1, float p0, float p1) {
        Muscle m;
        m.id = id;
        m.side = side;
        m.layer = MuscleLayer::sheet;
        m.mesh = synthetic_patch(t0, t1, p0, p1, 24, 16);
        model.muscles.push_back(std::move(m));
    };
    add("frontalis", Side::left, 0.22f * pi, 0.44f * pi, 0.03f * pi, 0.24f * pi);
    add("frontalis", Side::right, 0.22f * pi, 0.44f * pi, -0.24f * pi, -0.03f * pi);
    add("occipitalis", Side::midline, 0.45f * pi, 0.68f * pi, 0.80f * pi, 1.20f * pi);
    model.groups["forehead"] = {"frontalis"};
    model.landmarks["glabella"] = {0.0f, 0.0f, kSyntheticRadii.z};
    return model;
}

// A point on the synthetic skin and its outward normal.
inline std::pair<glm::vec3, glm::vec3> synthetic_site(float theta_deg, float phi_deg) {
    glm::vec3 p, n;
    synthetic_surface(theta_deg * 3.14159265f / 180.0f, phi_deg * 3.14159265f / 180.0f, 1.0f, p, n);
    return {p, n};
}

} // namespace injmap::test
