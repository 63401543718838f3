// Frame cost of the renderer on llvmpipe (EGL surfaceless, no X): the default model with the
// PREEMPT sites at 1280x800, per layer mode, with and without the antialiasing pass; plus the CPU
// overlay layout, the read-back and the PNG encoding that `injmap render` adds. Figures go to
// docs/performance.md.
//   build/bench/bin/render_bench [--benchmark_repetitions=3]
// Every frame ends with glFinish, so the time is the GPU (llvmpipe) work, not just command
// submission.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <benchmark/benchmark.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/offscreen.hpp"
#include "injmap/render/png.hpp"
#include "injmap/render/renderer.hpp"

namespace {
using namespace injmap;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "render_bench: %s\n", what.c_str());
    std::exit(2);
}

// Everything is made once and kept for the whole run (GL context, model, protocol, renderer).
struct Scene {
    std::unique_ptr<render::EglContext> context;
    std::unique_ptr<render::Renderer> renderer;
    Model model;
    std::unique_ptr<ModelQueries> queries;
    render::FrameSnapshot frame;

    static Scene& get() {
        static Scene scene = [] {
            Scene s;
            std::string error;
            s.context = render::EglContext::create(error);
            if (!s.context)
                die(error);
            s.renderer = render::Renderer::create(error);
            if (!s.renderer)
                die(error);
            auto model = load_model_by_name("adult-male");
            if (!model.ok())
                die("the default model does not load (build injmap_default_models first)");
            s.model = std::move(*model.value);
            s.queries = std::make_unique<ModelQueries>(s.model);
            const auto path = resolve_protocol("preempt-155");
            if (!path)
                die("protocol preempt-155 not found");
            auto protocol = read_protocol_file(*path);
            if (!protocol.ok())
                die("preempt-155 does not read");
            auto placed = place_protocol(*protocol.value, *s.queries);
            if (!placed.value)
                die("preempt-155 does not place");
            const auto sites = protocol.value->sites();
            for (std::size_t i = 0; i < sites.size(); ++i) {
                const PlacedSite& p = placed.value->sites[i];
                if (!p.placed)
                    continue;
                render::Marker m;
                m.id = sites[i]->id;
                m.number = int(i) + 1;
                m.position = p.position;
                m.normal = p.normal;
                m.needle_direction = p.needle_direction;
                m.label = sites[i]->muscle + " 5 U";
                s.frame.markers.push_back(m);
            }
            s.frame.model = &s.model;
            s.frame.skin_index = &s.queries->skin();
            s.frame.width = 1280;
            s.frame.height = 800;
            s.frame.highlighted_muscles = {"frontalis",          "corrugator",  "procerus",
                                           "temporalis",         "occipitalis", "trapezius",
                                           "cervical_paraspinal"};
            s.frame.camera = *render::frame_points(s.model.skin.positions, "front",
                                                   1280.0f / 800.0f * 0.66f, 0.06f);
            return s;
        }();
        return scene;
    }
};

enum Mode { skin = 0, muscles = 1, xray = 2 };

// Times whole frames of `frame` (each ending with glFinish); the first, with uploads and shader
// compilation, outside the timing.
void time_frames(benchmark::State& state, Scene& scene, const render::FrameSnapshot& frame) {
    render::Offscreen target(frame.width, frame.height, 0);
    scene.renderer->draw(frame, target);
    scene.renderer->finish();
    for (auto _ : state) {
        scene.renderer->draw(frame, target);
        scene.renderer->finish();
    }
}

void BM_Frame(benchmark::State& state) {
    Scene& scene = Scene::get();
    render::FrameSnapshot frame = scene.frame;
    const auto mode = Mode(state.range(0));
    frame.layers.skin = mode == skin;
    frame.layers.muscles = mode == muscles;
    frame.layers.xray = mode == xray;
    frame.antialias = state.range(1) != 0;
    time_frames(state, scene, frame);
    std::size_t triangles = scene.model.skin.triangle_count();
    for (const auto& m : scene.model.muscles)
        triangles += m.mesh.triangle_count();
    state.counters["triangles"] = double(triangles);
    state.SetLabel(std::string(mode == skin      ? "skin"
                               : mode == muscles ? "muscles"
                                                 : "xray") +
                   (frame.antialias ? " aa-pass" : " no-aa"));
}
BENCHMARK(BM_Frame)
    ->ArgsProduct({{skin, muscles, xray}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

// Geometry against fill: the skin-only frame at a quarter, half and full 1280x800. A cost that
// barely falls with the pixel count is vertex-bound (llvmpipe shades vertices on one thread).
void BM_FrameSize(benchmark::State& state) {
    Scene& scene = Scene::get();
    render::FrameSnapshot frame = scene.frame;
    frame.width = int(state.range(0));
    frame.height = int(state.range(1));
    frame.layers.markers = state.range(2) != 0;
    time_frames(state, scene, frame);
    state.SetLabel(std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                   (frame.layers.markers ? " skin+markers" : " skin only"));
}
BENCHMARK(BM_FrameSize)
    ->Args({320, 200, 0})
    ->Args({640, 400, 0})
    ->Args({1280, 800, 0})
    ->Args({1280, 800, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

// The fixed cost of a frame: clear and the gradient background, nothing else.
void BM_BackgroundOnly(benchmark::State& state) {
    Scene& scene = Scene::get();
    render::FrameSnapshot frame;
    frame.width = 1280;
    frame.height = 800;
    time_frames(state, scene, frame);
}
BENCHMARK(BM_BackgroundOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

// The CPU side of the overlay alone: projection, occlusion ray casts for 31 sites, label layout.
void BM_OverlayLayout(benchmark::State& state) {
    Scene& scene = Scene::get();
    for (auto _ : state)
        benchmark::DoNotOptimize(render::layout_overlay(scene.frame, scene.frame.skin_index));
}
BENCHMARK(BM_OverlayLayout)->Unit(benchmark::kMillisecond);

void BM_ReadBack(benchmark::State& state) {
    Scene& scene = Scene::get();
    render::Offscreen target(1280, 800, 0);
    scene.renderer->draw(scene.frame, target);
    for (auto _ : state)
        benchmark::DoNotOptimize(target.read_rgba());
}
BENCHMARK(BM_ReadBack)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WritePng(benchmark::State& state) {
    Scene& scene = Scene::get();
    render::FrameSnapshot frame = scene.frame;
    frame.antialias = true;
    const auto pixels = scene.renderer->render_rgba(frame);
    const auto path = std::filesystem::temp_directory_path() / "injmap_render_bench.png";
    std::string error;
    for (auto _ : state)
        if (!render::write_png(path, 1280, 800, pixels, error))
            die(error);
    state.counters["KB"] = double(std::filesystem::file_size(path)) / 1024.0;
    std::filesystem::remove(path);
}
BENCHMARK(BM_WritePng)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
