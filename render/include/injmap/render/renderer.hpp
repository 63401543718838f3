#pragma once
// The GL 3.3 core renderer: draws one const FrameSnapshot (skin, muscles, x-ray, site markers with
// needle glyphs, labels with leader lines) into the current framebuffer or an Offscreen target.
//
// Needs a current GL 3.3 core context with functions loaded by glad (EglContext::create, or the GUI
// after gladLoadGL) for its whole life, on one thread. GPU meshes are cached per Model::generation
// (a new model, even at a destroyed one's address, gets its own); what was cached for an address's
// previous model is freed when a new one is drawn there. forget_model() frees a model's meshes now.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "injmap/models/surface_index.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/offscreen.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::render {

// What a Renderer computes before the first frame of a model that needs no GL: the skin's vertex
// data in draw order with its culling clusters, and the label fonts rasterised for one image size
// and UI scale. Made by prepare_without_gl() on any thread and handed to Renderer::prepare() on
// the GL thread, so that a command can do this work while the GL driver starts.
class Prepared {
public:
    Prepared();
    ~Prepared();
    Prepared(Prepared&&) noexcept;
    Prepared& operator=(Prepared&&) noexcept;
    struct Data; // private to injmap_render

private:
    std::unique_ptr<Data> data_;
    friend Prepared prepare_without_gl(const Model& model, const FrameSnapshot& frame);
    friend class Renderer;
};

// `frame`: only width, height and ui_scale are read (they set the label font sizes). The model
// must outlive the result. Thread-safe; no GL.
[[nodiscard]] Prepared prepare_without_gl(const Model& model, const FrameSnapshot& frame);

class Renderer {
public:
    // nullptr with `error` set when a shader every frame needs does not compile (a driver
    // problem). The programs of the optional layers (muscles, x-ray skin, bones, structures to
    // avoid) and of the region pixel count are compiled on first use (llvmpipe keeps about a
    // megabyte of code per program); if one fails then, that layer is not drawn and the error
    // goes to stderr once.
    static std::unique_ptr<Renderer> create(std::string& error);
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Into the currently bound draw framebuffer, viewport (0, 0, frame.width, frame.height). With
    // frame.antialias the frame is drawn into an internal target (the post-process pass reads the
    // scene as a texture; the overlay antialiases its own shapes) and copied here. The caller's GL
    // state (bindings, viewport, blend/depth/cull state, program) is restored afterwards.
    void draw(const FrameSnapshot& frame);
    // Into `target` (single-sampled), resized to the frame's size.
    void draw(const FrameSnapshot& frame, Offscreen& target);
    // Draws into an internal target and returns the image as RGBA, top-left origin.
    [[nodiscard]] std::vector<std::uint8_t> render_rgba(const FrameSnapshot& frame);

    // Visible area of each of frame.model->regions (parallel to it), in pixels of an image of the
    // frame's size and camera: skin pixels nearest the eye whose strongest region weight is at
    // least 0.5. Draws an id pass into an internal target (not into the caller's framebuffer).
    [[nodiscard]] std::vector<std::uint64_t> region_pixels(const FrameSnapshot& frame);

    // The overlay of the last draw: marker positions and visibility, label boxes (overlay.hpp).
    [[nodiscard]] const OverlayLayout& last_layout() const;
    // The skin index the renderer uses for occlusion when the snapshot brings none (built once per
    // model).
    [[nodiscard]] const SurfaceIndex& skin_index(const Model& model);

    // Uploads the model's skin now (otherwise the first draw that shows it does), so that a
    // caller can overlap the upload with other start-up work. The muscles are uploaded by the
    // first frame that shows them.
    // With `prepared` (prepare_without_gl for this model) the CPU work is already done; its fonts
    // are used by the first frame of that size and scale.
    void prepare(const Model& model, Prepared prepared = {});

    // Waits for the GPU (for timing in benchmarks).
    void finish();
    void forget_model(const Model* model);
    void clear_cache();
    // How many times a model's skin was uploaded (a cache miss): for tests of the cache.
    [[nodiscard]] std::size_t skin_uploads() const;

private:
    Renderer();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace injmap::render
