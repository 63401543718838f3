// Surface queries (SurfaceIndex, the BVH behind placement, picking and scoring): build time and
// the cost of one closest-point query, ray cast and muscle_under. The target is < 50 µs per query
// on a 150k-triangle skin. Runs on a synthetic 150k-triangle closed surface (always available) and
// on the generated adult-male model when it has been built.
//   build/bench/bin/surface_bench
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>
#include <glm/geometric.hpp>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"

namespace {
using namespace injmap;

// A bumpy closed sphere of radius ~120 mm (head-sized) with 2·rings·segments triangles.
Mesh bumpy_sphere(int rings, int segments) {
    Mesh m;
    for (int r = 0; r <= rings; ++r) {
        const float theta = 3.14159265f * static_cast<float>(r) / static_cast<float>(rings);
        for (int s = 0; s < segments; ++s) {
            const float phi = 6.2831853f * static_cast<float>(s) / static_cast<float>(segments);
            const glm::vec3 dir(std::sin(theta) * std::cos(phi), std::cos(theta),
                                std::sin(theta) * std::sin(phi));
            const float bump = 1.0f + 0.1f * std::sin(7.0f * phi) * std::sin(4.0f * theta);
            m.positions.push_back(dir * 120.0f * bump);
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

const Mesh& synthetic_skin() {
    static const Mesh mesh = bumpy_sphere(250, 300); // 150,000 triangles
    return mesh;
}

// The generated default model, or nullptr when it is not built (its benchmarks then skip).
const Model* adult_male() {
    static const std::unique_ptr<Model> model = []() -> std::unique_ptr<Model> {
        auto r = load_model_by_name("adult-male");
        return r.ok() ? std::make_unique<Model>(std::move(*r.value)) : nullptr;
    }();
    return model.get();
}

// Query points: on-surface points pushed out or in by up to `spread` mm along their normals.
std::vector<glm::vec3> near_points(const Mesh& mesh, float spread, std::size_t count) {
    std::mt19937 rng(5);
    std::uniform_int_distribution<std::size_t> vertex(0, mesh.positions.size() - 1);
    std::uniform_real_distribution<float> offset(-spread, spread);
    std::vector<glm::vec3> points;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t v = vertex(rng);
        points.push_back(mesh.positions[v] + mesh.normals[v] * offset(rng));
    }
    return points;
}

void report(benchmark::State& state, const Mesh& mesh) {
    state.counters["triangles"] = static_cast<double>(mesh.triangle_count());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Build(benchmark::State& state, const Mesh* (*mesh_of)()) {
    const Mesh* mesh = mesh_of();
    if (!mesh) {
        state.SkipWithError("model not built");
        return;
    }
    for (auto _ : state) {
        SurfaceIndex index(*mesh);
        benchmark::DoNotOptimize(index.empty());
    }
    state.counters["triangles"] = static_cast<double>(mesh->triangle_count());
}

void BM_ClosestPoint(benchmark::State& state, const Mesh* (*mesh_of)(), float spread) {
    const Mesh* mesh = mesh_of();
    if (!mesh) {
        state.SkipWithError("model not built");
        return;
    }
    const SurfaceIndex index(*mesh);
    const auto points = near_points(*mesh, spread, 4096);
    std::size_t i = 0;
    for (auto _ : state) {
        auto hit = index.closest_point(points[i++ & 4095]);
        benchmark::DoNotOptimize(hit);
    }
    report(state, *mesh);
}

// Rays from outside toward the middle of the mesh's box: the picking and placement case.
void BM_RayCast(benchmark::State& state, const Mesh* (*mesh_of)()) {
    const Mesh* mesh = mesh_of();
    if (!mesh) {
        state.SkipWithError("model not built");
        return;
    }
    const SurfaceIndex index(*mesh);
    const Bounds b = bounds_of(*mesh);
    const glm::vec3 centre = (b.min + b.max) * 0.5f;
    const float radius = glm::length(b.max - b.min);
    std::mt19937 rng(9);
    std::normal_distribution<float> n(0.0f, 1.0f);
    std::vector<std::pair<glm::vec3, glm::vec3>> rays;
    for (int k = 0; k < 4096; ++k) {
        const glm::vec3 dir = glm::normalize(glm::vec3(n(rng), n(rng), n(rng)));
        const glm::vec3 target = centre + glm::vec3(n(rng), n(rng), n(rng)) * (radius * 0.05f);
        rays.emplace_back(target + dir * radius, -dir);
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& [o, d] = rays[i++ & 4095];
        auto hit = index.ray_cast(o, d);
        benchmark::DoNotOptimize(hit);
    }
    report(state, *mesh);
}

void BM_MuscleUnder(benchmark::State& state) {
    const Model* model = adult_male();
    if (!model || model->muscles.empty()) {
        state.SkipWithError("adult-male not built");
        return;
    }
    const ModelQueries queries(*model);
    std::mt19937 rng(3);
    std::uniform_int_distribution<std::size_t> vertex(0, model->skin.positions.size() - 1);
    std::vector<std::size_t> picks(4096);
    for (auto& p : picks)
        p = vertex(rng);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t v = picks[i++ & 4095];
        benchmark::DoNotOptimize(
            queries.muscle_under(model->skin.positions[v], model->skin.normals[v]));
    }
    state.counters["muscles"] = static_cast<double>(model->muscles.size());
    report(state, model->skin);
}

const Mesh* synthetic() {
    return &synthetic_skin();
}
const Mesh* adult_male_skin() {
    return adult_male() ? &adult_male()->skin : nullptr;
}

} // namespace

BENCHMARK_CAPTURE(BM_Build, synthetic_150k, synthetic)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClosestPoint, synthetic_150k_near_5mm, synthetic, 5.0f)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ClosestPoint, synthetic_150k_far_60mm, synthetic, 60.0f)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RayCast, synthetic_150k, synthetic)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Build, adult_male_skin, adult_male_skin)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClosestPoint, adult_male_near_5mm, adult_male_skin, 5.0f)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RayCast, adult_male_skin, adult_male_skin)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MuscleUnder)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
