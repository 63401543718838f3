// Model start-up cost: loading a manifest and its OBJ (load_model), and what that is made of —
// reading the OBJ's bytes, tinyobjloader's parse alone — plus building the surface indices
// (ModelQueries) that placement and picking need. Tells whether the OBJ parse dominates start-up.
//   build/bench/bin/model_bench
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>
#include <tiny_obj_loader.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/model_cache.hpp"
#include "injmap/models/surface_index.hpp"

namespace {
using namespace injmap;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "model_bench: %s\n", what.c_str());
    std::exit(2);
}

std::filesystem::path manifest_path(const std::string& id) {
    auto path = resolve_model(id);
    if (!path)
        die("model " + id + " not found (build injmap_default_models first)");
    return *path;
}

const Model& loaded(const std::string& id) {
    static std::map<std::string, Model> models;
    auto it = models.find(id);
    if (it == models.end()) {
        Result<Model> r = load_model(manifest_path(id));
        if (!r.ok())
            die("model " + id + " does not load");
        it = models.emplace(id, std::move(*r.value)).first;
    }
    return it->second;
}

void counters(benchmark::State& state, const Model& model) {
    std::size_t triangles = model.skin.triangle_count();
    for (const Muscle& m : model.muscles)
        triangles += m.mesh.triangle_count();
    state.counters["triangles"] = static_cast<double>(triangles);
    state.counters["obj_MB"] =
        static_cast<double>(std::filesystem::file_size(model.skin_path)) / (1024.0 * 1024.0);
}

void BM_LoadModel(benchmark::State& state, const std::string& id) {
    const auto path = manifest_path(id);
    for (auto _ : state) {
        Result<Model> r = load_model(path);
        if (!r.ok())
            die("model " + id + " does not load");
        benchmark::DoNotOptimize(r);
    }
    counters(state, loaded(id));
}

// The same through the binary cache (models/src/model_cache.cpp): the first call writes it, the
// timed ones read it, hashing the manifest and the OBJ to check it is current.
void BM_LoadModelCached(benchmark::State& state, const std::string& id) {
    const auto path = manifest_path(id);
    if (!load_model_cached(path).ok())
        die("model " + id + " does not load");
    for (auto _ : state) {
        Result<Model> r = load_model_cached(path);
        if (!r.ok())
            die("model " + id + " does not load from the cache");
        benchmark::DoNotOptimize(r);
    }
    counters(state, loaded(id));
}

// Hashing the OBJ, the part of a cache hit that grows with the OBJ.
void BM_HashObj(benchmark::State& state, const std::string& id) {
    const auto obj = loaded(id).skin_path;
    for (auto _ : state)
        benchmark::DoNotOptimize(model_cache_file_hash(obj));
    counters(state, loaded(id));
}

void BM_ReadObjBytes(benchmark::State& state, const std::string& id) {
    const auto obj = loaded(id).skin_path;
    for (auto _ : state) {
        std::ifstream in(obj, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        benchmark::DoNotOptimize(s.str());
    }
    counters(state, loaded(id));
}

void BM_TinyObjParse(benchmark::State& state, const std::string& id) {
    const auto obj = loaded(id).skin_path;
    for (auto _ : state) {
        tinyobj::ObjReader reader;
        tinyobj::ObjReaderConfig config;
        config.triangulate = true;
        if (!reader.ParseFromFile(obj.string(), config))
            die("tinyobjloader cannot parse " + obj.string());
        benchmark::DoNotOptimize(reader.GetAttrib().vertices.data());
    }
    counters(state, loaded(id));
}

void BM_ModelQueries(benchmark::State& state, const std::string& id) {
    const Model& model = loaded(id);
    for (auto _ : state) {
        ModelQueries queries(model);
        benchmark::DoNotOptimize(queries.skin().empty());
    }
    counters(state, model);
}

// A flat grid of faces × 2 triangles written once to a temporary folder with a manifest: how load
// time and memory grow with the face count (the bound docs/performance.md states for huge OBJs).
// Run it alone to read peak_rss_MB: --benchmark_filter=BM_LoadGridObj/2000000
std::filesystem::path grid_model(int faces) {
    const int grid = static_cast<int>(std::sqrt(faces / 2.0)) + 1;
    const auto dir =
        std::filesystem::temp_directory_path() / ("injmap-bench-grid-" + std::to_string(faces));
    std::filesystem::create_directories(dir);
    std::ofstream obj(dir / "grid.obj");
    for (int y = 0; y < grid; ++y)
        for (int x = 0; x < grid; ++x)
            obj << "v " << x - grid / 2 << ' ' << y - grid / 2 << " 50\n";
    obj << "g skin\n";
    for (int y = 0; y + 1 < grid; ++y)
        for (int x = 0; x + 1 < grid; ++x) {
            const int a = y * grid + x + 1, b = a + 1, c = a + grid, d = c + 1;
            obj << "f " << a << ' ' << b << ' ' << d << "\nf " << a << ' ' << d << ' ' << c << '\n';
        }
    obj << "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\ng muscle\nf -3/1 -2/1 -1/1\n";
    std::ofstream(dir / "grid.toml")
        << "schema_version = 1\nid = \"grid\"\n[mesh]\nfile = \"grid.obj\"\nunits = \"mm\"\nup = "
           "\"+y\"\n"
           "forward = \"+z\"\n[skin]\ngroup = \"skin\"\n[[muscles]]\nid = \"frontalis\"\nside = "
           "\"midline\"\ngroup = \"muscle\"\nlayer = \"sheet\"\n[landmarks]\nglabella = [0, 0, "
           "50]\n";
    return dir / "grid.toml";
}

void BM_LoadGridObj(benchmark::State& state) {
    const auto manifest = grid_model(static_cast<int>(state.range(0)));
    std::size_t triangles = 0;
    for (auto _ : state) {
        Result<Model> r = load_model(manifest);
        if (!r.ok())
            die("the grid model does not load");
        triangles = r.value->skin.triangle_count();
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    state.counters["triangles"] = static_cast<double>(triangles);
    state.counters["obj_MB"] =
        static_cast<double>(std::filesystem::file_size(manifest.parent_path() / "grid.obj")) /
        (1024.0 * 1024.0);
    state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
    std::error_code ec;
    std::filesystem::remove_all(manifest.parent_path(), ec);
}

} // namespace

BENCHMARK(BM_LoadGridObj)
    ->Arg(250000)
    ->Arg(1000000)
    ->Arg(2000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_LoadModel, adult_male, std::string("adult-male"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadModel, adult_female, std::string("adult-female"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadModelCached, adult_male, std::string("adult-male"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HashObj, adult_male, std::string("adult-male"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadObjBytes, adult_male, std::string("adult-male"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TinyObjParse, adult_male, std::string("adult-male"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelQueries, adult_male, std::string("adult-male"))
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
