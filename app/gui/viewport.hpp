#pragma once
// The 3D view of the window: render::Renderer drawing the frame snapshot into an offscreen target
// the size of the central area; the ImGui background draw list then shows that texture. Drawing
// offscreen keeps the renderer unaware of the panels around it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <glm/vec2.hpp>

#include "injmap/render/frame.hpp"

namespace injmap::render {
class Renderer;
class Offscreen;
} // namespace injmap::render

namespace injmap::gui {

class Viewport3D {
public:
    Viewport3D(); // needs the window's GL context current
    ~Viewport3D();
    Viewport3D(const Viewport3D&) = delete;
    Viewport3D& operator=(const Viewport3D&) = delete;

    // Draws the snapshot; returns the GL texture holding the image (bottom-left origin, GL style).
    // A snapshot equal to the last one drawn reuses the image (panel-only changes cost no 3D work)
    // unless `force` is set (benchmarks).
    unsigned draw(const render::FrameSnapshot& frame, bool force = false);
    // Copies the image of the last draw() into the window's back buffer, bottom-left corner at
    // (x, y) framebuffer pixels.
    void present(int x, int y) const;
    // The size in pixels of what present() copies.
    [[nodiscard]] glm::ivec2 image_size() const;
    [[nodiscard]] bool has_renderer() const { return renderer_ != nullptr; }
    [[nodiscard]] bool last_was_antialiased() const { return last_ && last_->antialias; }
    [[nodiscard]] const std::string& error() const { return error_; }

    // An image of `frame` as RGBA (top-left origin), for charts; empty without a renderer.
    [[nodiscard]] std::vector<std::uint8_t> render_rgba(const render::FrameSnapshot& frame);
    // Waits for the GPU (benchmark timing).
    void finish();
    // Before a model is destroyed (the renderer caches GPU meshes per model address).
    void forget_model(const Model* model);

private:
    std::unique_ptr<render::Renderer> renderer_;
    std::optional<render::FrameSnapshot> last_; // what the target holds
    std::unique_ptr<render::Offscreen> target_;
    std::string error_;
};

} // namespace injmap::gui
