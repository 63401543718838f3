#pragma once
// The GL 3.3 core renderer: draws one const FrameSnapshot (skin, muscles, x-ray, site markers with
// needle glyphs, labels with leader lines) into the current framebuffer or an Offscreen target.
//
// Needs a current GL 3.3 core context with functions loaded by glad (EglContext::create, or the GUI
// after gladLoadGL) for its whole life, on one thread. GPU meshes are cached per Model address;
// call forget_model() before a Model is destroyed if another may later live at the same address
// (the cache also re-uploads when the mesh sizes at that address change).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "injmap/models/surface_index.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/offscreen.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::render {

class Renderer {
public:
    // nullptr with `error` set when a shader does not compile (a driver problem).
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

    // The overlay of the last draw: marker positions and visibility, label boxes (overlay.hpp).
    [[nodiscard]] const OverlayLayout& last_layout() const;
    // The skin index the renderer uses for occlusion when the snapshot brings none (built once per
    // model).
    [[nodiscard]] const SurfaceIndex& skin_index(const Model& model);

    // Uploads the model's skin now (otherwise the first draw that shows it does), so that a
    // caller can overlap the upload with other start-up work. The muscles are uploaded by the
    // first frame that shows them.
    void prepare(const Model& model);

    // Waits for the GPU (for timing in benchmarks).
    void finish();
    void forget_model(const Model* model);
    void clear_cache();

private:
    Renderer();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace injmap::render
