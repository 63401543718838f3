// SurfaceIndex (BVH): closest point and ray cast agree with brute force on random queries;
// ModelQueries::muscle_under finds the muscle beneath a skin point.
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include <glm/geometric.hpp>
#include <gtest/gtest.h>

#include "injmap/models/surface_index.hpp"

using namespace injmap;

namespace {

// A bumpy closed sphere (UV-sphere topology, radius varying with direction), plus optional random
// loose triangles: enough irregularity to exercise the SAH splits.
Mesh bumpy_sphere(int rings, int segments, float radius) {
    Mesh m;
    for (int r = 0; r <= rings; ++r) {
        const float theta = 3.14159265f * static_cast<float>(r) / static_cast<float>(rings);
        for (int s = 0; s < segments; ++s) {
            const float phi = 6.2831853f * static_cast<float>(s) / static_cast<float>(segments);
            const glm::vec3 dir(std::sin(theta) * std::cos(phi), std::cos(theta),
                                std::sin(theta) * std::sin(phi));
            const float bump = 1.0f + 0.15f * std::sin(5.0f * phi) * std::sin(3.0f * theta);
            m.positions.push_back(dir * radius * bump);
        }
    }
    auto id = [&](int r, int s) {
        return static_cast<std::uint32_t>(r * segments + (s % segments));
    };
    for (int r = 0; r < rings; ++r)
        for (int s = 0; s < segments; ++s) {
            m.indices.insert(m.indices.end(), {id(r, s), id(r, s + 1), id(r + 1, s)});
            m.indices.insert(m.indices.end(), {id(r, s + 1), id(r + 1, s + 1), id(r + 1, s)});
        }
    compute_vertex_normals(m);
    return m;
}

void add_random_triangles(Mesh& m, int count, std::mt19937& rng, float extent) {
    std::uniform_real_distribution<float> pos(-extent, extent),
        small(-extent * 0.1f, extent * 0.1f);
    for (int i = 0; i < count; ++i) {
        const glm::vec3 a(pos(rng), pos(rng), pos(rng));
        const auto base = static_cast<std::uint32_t>(m.positions.size());
        m.positions.push_back(a);
        m.positions.push_back(a + glm::vec3(small(rng), small(rng), small(rng)));
        m.positions.push_back(a + glm::vec3(small(rng), small(rng), small(rng)));
        m.indices.insert(m.indices.end(), {base, base + 1, base + 2});
    }
    compute_vertex_normals(m);
}

// Brute force references.
float point_triangle_distance(const glm::vec3& p, const glm::vec3& a, const glm::vec3& b,
                              const glm::vec3& c) {
    // Dense sampling is too slow; use the exact Voronoi-region formula written independently of
    // the implementation: project onto the plane, then clamp to edges when outside.
    const glm::vec3 n = glm::cross(b - a, c - a);
    const float n2 = glm::dot(n, n);
    auto segment = [&](const glm::vec3& x, const glm::vec3& y) {
        const glm::vec3 d = y - x;
        const float t = glm::clamp(glm::dot(p - x, d) / glm::dot(d, d), 0.0f, 1.0f);
        return glm::length(x + t * d - p);
    };
    float best = std::min({segment(a, b), segment(b, c), segment(c, a)});
    if (n2 > 0.0f) {
        const glm::vec3 q = p - n * (glm::dot(p - a, n) / n2);
        const bool inside = glm::dot(glm::cross(b - a, q - a), n) >= 0 &&
                            glm::dot(glm::cross(c - b, q - b), n) >= 0 &&
                            glm::dot(glm::cross(a - c, q - c), n) >= 0;
        if (inside)
            best = std::min(best, glm::length(q - p));
    }
    return best;
}

float brute_closest(const Mesh& m, const glm::vec3& p) {
    float best = std::numeric_limits<float>::infinity();
    for (std::size_t t = 0; t < m.triangle_count(); ++t)
        best = std::min(best, point_triangle_distance(p, m.positions[m.indices[3 * t]],
                                                      m.positions[m.indices[3 * t + 1]],
                                                      m.positions[m.indices[3 * t + 2]]));
    return best;
}

std::optional<float> brute_ray(const Mesh& m, const glm::vec3& o, const glm::vec3& d) {
    std::optional<float> best;
    for (std::size_t t = 0; t < m.triangle_count(); ++t) {
        const glm::vec3 a = m.positions[m.indices[3 * t]], b = m.positions[m.indices[3 * t + 1]],
                        c = m.positions[m.indices[3 * t + 2]];
        // Plane intersection, then inside test (a different method from Möller–Trumbore).
        const glm::vec3 n = glm::cross(b - a, c - a);
        const float denom = glm::dot(n, d);
        if (std::fabs(denom) < 1e-12f)
            continue;
        const float s = glm::dot(a - o, n) / denom;
        if (s <= 0.0f)
            continue;
        const glm::vec3 q = o + s * d;
        const bool inside = glm::dot(glm::cross(b - a, q - a), n) >= -1e-6f * glm::dot(n, n) &&
                            glm::dot(glm::cross(c - b, q - b), n) >= -1e-6f * glm::dot(n, n) &&
                            glm::dot(glm::cross(a - c, q - c), n) >= -1e-6f * glm::dot(n, n);
        if (inside && (!best || s < *best))
            best = s;
    }
    return best;
}

} // namespace

TEST(SurfaceIndex, EmptyMeshAnswersNothing) {
    const SurfaceIndex empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_FALSE(empty.closest_point({0, 0, 0}).has_value());
    EXPECT_FALSE(empty.ray_cast({0, 0, 0}, {0, 0, 1}).has_value());
    const SurfaceIndex from_empty_mesh{Mesh{}};
    EXPECT_TRUE(from_empty_mesh.empty());
}

TEST(SurfaceIndex, ClosestPointMatchesBruteForce) {
    std::mt19937 rng(42);
    Mesh mesh = bumpy_sphere(40, 60, 100.0f);
    add_random_triangles(mesh, 300, rng, 160.0f);
    const SurfaceIndex index(mesh);
    ASSERT_FALSE(index.empty());
    std::uniform_real_distribution<float> pos(-220.0f, 220.0f);
    for (int i = 0; i < 400; ++i) {
        const glm::vec3 p(pos(rng), pos(rng), pos(rng));
        const auto hit = index.closest_point(p);
        ASSERT_TRUE(hit.has_value());
        const float expected = brute_closest(mesh, p);
        EXPECT_NEAR(hit->distance, expected, 1e-3f + 1e-5f * expected) << "query " << i;
        EXPECT_NEAR(glm::length(hit->point - p), hit->distance, 1e-3f);
        // The reported triangle holds the point.
        const auto t = hit->triangle;
        ASSERT_LT(t, mesh.triangle_count());
        EXPECT_NEAR(point_triangle_distance(hit->point, mesh.positions[mesh.indices[3 * t]],
                                            mesh.positions[mesh.indices[3 * t + 1]],
                                            mesh.positions[mesh.indices[3 * t + 2]]),
                    0.0f, 1e-3f);
        EXPECT_NEAR(glm::length(hit->normal), 1.0f, 1e-4f);
        // Bounded queries agree: a hit exactly when the surface lies within the bound.
        const float bound = std::uniform_real_distribution<float>(0.0f, 80.0f)(rng);
        if (std::fabs(bound - expected) > 1e-2f) {
            const auto bounded = index.closest_point(p, bound);
            EXPECT_EQ(bounded.has_value(), expected <= bound)
                << "query " << i << " bound " << bound;
            if (bounded) {
                EXPECT_NEAR(bounded->distance, expected, 1e-3f + 1e-5f * expected);
            }
        }
    }
}

TEST(SurfaceIndex, RayCastMatchesBruteForce) {
    std::mt19937 rng(7);
    Mesh mesh = bumpy_sphere(30, 48, 100.0f);
    add_random_triangles(mesh, 200, rng, 150.0f);
    const SurfaceIndex index(mesh);
    std::uniform_real_distribution<float> pos(-200.0f, 200.0f), unit(-1.0f, 1.0f);
    int hits = 0;
    for (int i = 0; i < 400; ++i) {
        const glm::vec3 o(pos(rng), pos(rng), pos(rng));
        glm::vec3 d(unit(rng), unit(rng), unit(rng));
        if (i % 2 == 0) // half the rays aim near the centre, so most of those hit
            d = glm::vec3(unit(rng), unit(rng), unit(rng)) * 50.0f - o;
        if (glm::length(d) < 1e-3f)
            continue;
        // Non-unit directions are allowed; distances are along the ray in mm all the same.
        d *= 3.0f;
        const auto hit = index.ray_cast(o, d);
        const auto expected = brute_ray(mesh, o, glm::normalize(d));
        ASSERT_EQ(hit.has_value(), expected.has_value()) << "ray " << i;
        if (hit) {
            ++hits;
            EXPECT_NEAR(hit->distance, *expected, 1e-3f * std::max(1.0f, *expected)) << "ray " << i;
            EXPECT_NEAR(glm::length(hit->point - (o + glm::normalize(d) * hit->distance)), 0.0f,
                        1e-2f);
        }
    }
    EXPECT_GT(hits, 150); // the test exercised hits, not only misses
}

TEST(SurfaceIndex, RayCastRespectsMaxDistanceAndAxisAlignedRays) {
    const Mesh mesh = bumpy_sphere(20, 32, 50.0f);
    const SurfaceIndex index(mesh);
    // Straight up near the axis: the faceted cap lies between y = 45 and 54 there.
    const auto up = index.ray_cast({1, 0, 2}, {0, 1, 0});
    ASSERT_TRUE(up.has_value());
    EXPECT_GT(up->distance, 45.0f);
    EXPECT_LT(up->distance, 54.0f);
    EXPECT_NEAR(up->point.x, 1.0f, 1e-4f);
    EXPECT_NEAR(up->point.z, 2.0f, 1e-4f);
    EXPECT_NEAR(index.closest_point(up->point)->distance, 0.0f, 1e-3f); // on the surface
    EXPECT_GT(up->normal.y, 0.5f);                                      // outward
    EXPECT_FALSE(index.ray_cast({1, 0, 2}, {0, 1, 0}, 40.0f).has_value());
    EXPECT_FALSE(index.ray_cast({0, 100, 0}, {0, 1, 0}).has_value()); // pointing away
    EXPECT_FALSE(index.ray_cast({0, 0, 0}, {0, 0, 0}).has_value());   // no direction
}

TEST(SurfaceIndex, NormalsFallBackToTheFaceNormal) {
    Mesh tri;
    tri.positions = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}};
    tri.indices = {0, 1, 2};
    const SurfaceIndex index(tri);
    const auto hit = index.closest_point({2, 2, 5});
    ASSERT_TRUE(hit.has_value());
    EXPECT_NEAR(hit->distance, 5.0f, 1e-5f);
    EXPECT_NEAR(hit->normal.z, 1.0f, 1e-5f);
    // Beyond a corner, the corner is nearest.
    const auto corner = index.closest_point({-3, -4, 0});
    EXPECT_NEAR(corner->distance, 5.0f, 1e-5f);
    // With a bound: nothing nearer than 5 mm, so 4 finds nothing and 5 finds the corner.
    EXPECT_FALSE(index.closest_point({-3, -4, 0}, 4.0f).has_value());
    EXPECT_TRUE(index.closest_point({-3, -4, 0}, 5.0f).has_value());
}

TEST(SurfaceIndex, IndexOutlivesItsMeshAndMoves) {
    std::optional<SurfaceIndex> index;
    {
        const Mesh mesh = bumpy_sphere(10, 16, 30.0f);
        index.emplace(mesh);
    }
    SurfaceIndex moved = std::move(*index);
    const auto hit = moved.closest_point({0, 100, 0});
    ASSERT_TRUE(hit.has_value());
    EXPECT_NEAR(hit->distance, 70.0f, 3.0f); // the bumps move the cap by up to ±2 mm
}

namespace {

// Skin: a flat square at z = 0 facing +Z; muscles: two patches 5 mm and 12 mm below it, and a
// third off to the side.
Model layered_model() {
    Model model;
    auto square = [](float x0, float x1, float y0, float y1, float z) {
        Mesh m;
        m.positions = {{x0, y0, z}, {x1, y0, z}, {x1, y1, z}, {x0, y1, z}};
        m.indices = {0, 1, 2, 0, 2, 3};
        compute_vertex_normals(m);
        return m;
    };
    model.skin = square(-100, 100, -100, 100, 0);
    Muscle shallow;
    shallow.id = "shallow";
    shallow.mesh = square(-20, 20, -20, 20, -5);
    Muscle deep;
    deep.id = "deep";
    deep.mesh = square(-50, 50, -50, 50, -12);
    Muscle aside;
    aside.id = "aside";
    aside.mesh = square(60, 80, -10, 10, -3);
    model.muscles = {shallow, deep, aside};
    return model;
}

} // namespace

TEST(ModelQueries, MuscleUnderFindsTheFirstMuscleInward) {
    const Model model = layered_model();
    const ModelQueries queries(model);
    const glm::vec3 out(0, 0, 1);
    const Muscle* m = queries.muscle_under({0, 0, 0}, out);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->id, "shallow");
    m = queries.muscle_under({35, 0, 0}, out);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->id, "deep");
    // Too shallow a search finds nothing straight below; nearby within depth still counts.
    EXPECT_EQ(queries.muscle_under({35, 0, 0}, out, 10.0f), nullptr);
    m = queries.muscle_under({55, 0, 0}, out, 10.0f);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->id, "aside"); // 5 mm to the side and 3 mm deep
    EXPECT_EQ(queries.muscle_under({95, 95, 0}, out), nullptr);
    EXPECT_EQ(&queries.model(), &model);
    EXPECT_FALSE(queries.skin().empty());
    EXPECT_FALSE(queries.muscle_index(1).empty());
}

// muscle_under skips muscles whose box is out of reach and indexes the others on first use: the
// answers must be those of the plain search through every muscle's index.
TEST(ModelQueries, MuscleUnderMatchesTheSearchThroughEveryMuscle) {
    const Model model = layered_model();
    const ModelQueries queries(model);
    std::vector<SurfaceIndex> every;
    for (const auto& m : model.muscles)
        every.emplace_back(m.mesh);
    auto reference = [&](const glm::vec3& p, const glm::vec3& n, float depth) -> const Muscle* {
        const Muscle* best = nullptr;
        float best_distance = std::numeric_limits<float>::infinity();
        for (std::size_t i = 0; i < every.size(); ++i)
            if (auto hit = every[i].ray_cast(p, -n, depth); hit && hit->distance < best_distance) {
                best_distance = hit->distance;
                best = &model.muscles[i];
            }
        if (best)
            return best;
        for (std::size_t i = 0; i < every.size(); ++i)
            if (auto hit = every[i].closest_point(p, depth);
                hit && hit->distance <= depth && hit->distance < best_distance) {
                best_distance = hit->distance;
                best = &model.muscles[i];
            }
        return best;
    };
    int found = 0, checked = 0;
    for (const glm::vec3 n : {glm::vec3(0, 0, 1), glm::normalize(glm::vec3(0.3f, -0.2f, 1.0f))})
        for (float depth : {2.0f, 4.0f, 6.0f, 10.0f, 13.0f, 30.0f})
            for (float x = -110.0f; x <= 110.0f; x += 7.5f)
                for (float y = -60.0f; y <= 60.0f; y += 7.5f) {
                    const glm::vec3 p(x, y, 0.0f);
                    const Muscle* expected = reference(p, n, depth);
                    EXPECT_EQ(queries.muscle_under(p, n, depth), expected)
                        << "at (" << x << ", " << y << ") depth " << depth;
                    found += expected ? 1 : 0;
                    ++checked;
                }
    EXPECT_GT(found, checked / 4); // the grid meets every muscle, and misses too
    EXPECT_LT(found, checked);
}
