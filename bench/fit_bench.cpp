// Assisted landmarking (`injmap model fit`, scan_fit.hpp): one fit of the default adult-male model
// onto a scan of over 500,000 triangles, from six points. Issue #19's target: ≤ 5 s on 2 cores.
// The scans are made in memory by splitting every triangle in four until they are that large:
// the MakeHuman test mesh (../shared/meshes, skipped when absent) and the generated adult-female
// model (a different body from the template).
//   build/bench/bin/fit_bench
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include <benchmark/benchmark.h>

#include "injmap/models/manifest.hpp"
#include "injmap/models/scan_fit.hpp"

namespace {
using namespace injmap;

constexpr std::size_t kTriangles = 500000;

// Every triangle split in four at its edges' midpoints (shared midpoints: the mesh stays welded).
Mesh subdivide(const Mesh& m) {
    Mesh out;
    out.positions = m.positions;
    std::unordered_map<std::uint64_t, std::uint32_t> middle;
    auto mid = [&](std::uint32_t a, std::uint32_t b) {
        const std::uint64_t key = (std::uint64_t(std::min(a, b)) << 32) | std::max(a, b);
        auto [it, inserted] = middle.emplace(key, std::uint32_t(out.positions.size()));
        if (inserted)
            out.positions.push_back(0.5f * (m.positions[a] + m.positions[b]));
        return it->second;
    };
    for (std::size_t t = 0; t + 2 < m.indices.size(); t += 3) {
        const std::uint32_t a = m.indices[t], b = m.indices[t + 1], c = m.indices[t + 2];
        const std::uint32_t ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
        out.indices.insert(out.indices.end(), {a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca});
    }
    return out;
}

Scan large(Scan scan) {
    while (scan.skin.triangle_count() < kTriangles)
        scan.skin = subdivide(scan.skin);
    compute_vertex_normals(scan.skin);
    return scan;
}

const Model* model(const char* id) {
    static std::map<std::string, std::unique_ptr<Model>> models;
    auto& slot = models[id];
    if (!slot) {
        auto r = load_model_by_name(id);
        if (r.ok())
            slot = std::make_unique<Model>(std::move(*r.value));
    }
    return slot.get();
}

void run(benchmark::State& state, const Scan& scan, const std::map<std::string, glm::vec3>& points,
         const Model& templ) {
    for (auto _ : state) {
        auto fit = fit_landmarks(scan, points, templ);
        benchmark::DoNotOptimize(fit);
        if (!fit.ok())
            state.SkipWithError("the fit failed");
    }
    state.counters["triangles"] = double(scan.skin.triangle_count());
}

void BM_FitMakeHuman(benchmark::State& state) {
    const Model* templ = model("adult-male");
    const std::filesystem::path mesh =
        std::filesystem::path(INJMAP_SHARED_MESHES) / "makehuman_hm08_head_neck_shoulders.obj";
    if (!templ || !std::filesystem::exists(mesh)) {
        state.SkipWithError("no default model or no ../shared/meshes");
        return;
    }
    ScanFrame frame;
    frame.units = "dm";
    frame.skin_group = "body";
    auto loaded = load_scan(mesh, frame);
    if (!loaded.ok()) {
        state.SkipWithError("the MakeHuman mesh does not load");
        return;
    }
    const Scan scan = large(std::move(*loaded.value));
    // The hand landmarks of models/manifests/makehuman-hm08.toml.in (dm → mm).
    const std::map<std::string, glm::vec3> points = {
        {"nasion", {0.0f, 732.0f, 150.59f}},         {"tragion_left", {72.91f, 712.0f, 61.0f}},
        {"tragion_right", {-72.91f, 712.0f, 61.0f}}, {"menton", {0.0f, 615.56f, 123.0f}},
        {"vertex", {0.0f, 849.13f, 69.61f}},         {"c7", {0.0f, 586.0f, -25.57f}}};
    run(state, scan, points, *templ);
}

void BM_FitFemaleModel(benchmark::State& state) {
    const Model* templ = model("adult-male");
    const Model* female = model("adult-female");
    if (!templ || !female) {
        state.SkipWithError("the default models are not built");
        return;
    }
    Scan scan;
    scan.path = female->skin_path;
    scan.skin = female->skin;
    scan = large(std::move(scan));
    std::map<std::string, glm::vec3> points;
    for (const char* name : {"nasion", "tragion_left", "tragion_right", "menton", "vertex", "c7"})
        points[name] = female->landmarks.at(name);
    run(state, scan, points, *templ);
}

BENCHMARK(BM_FitMakeHuman)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_FitFemaleModel)->Unit(benchmark::kMillisecond)->Iterations(3);

} // namespace

BENCHMARK_MAIN();
