#pragma once
// An offscreen render target: RGBA8 colour + 24-bit depth (or colour only), optionally multisampled
// with a resolve into a single-sampled colour texture (which the GUI can show, e.g. with
// ImGui::Image). Needs a current GL context for its whole life (EglContext or the GUI's window
// context).
#include <cstdint>
#include <memory>
#include <vector>

namespace injmap::render {

class Offscreen {
public:
    // samples 0 or 1 = no multisampling; otherwise clamped to what the driver allows (llvmpipe: 4).
    // depth false: no depth buffer (an image layer; saves 4 bytes per pixel).
    Offscreen(int width, int height, int samples = 0, bool depth = true);
    ~Offscreen();
    Offscreen(Offscreen&&) noexcept;
    Offscreen& operator=(Offscreen&&) noexcept;
    Offscreen(const Offscreen&) = delete;
    Offscreen& operator=(const Offscreen&) = delete;

    // Re-creates the attachments when anything changed; keeps them otherwise.
    void resize(int width, int height, int samples);

    [[nodiscard]] int width() const;
    [[nodiscard]] int height() const;
    [[nodiscard]] int samples() const; // 0 when single-sampled

    // GL framebuffer names: draw into draw_framebuffer(); after resolve() the image is in
    // resolved_framebuffer() / color_texture(). Without multisampling they are the same
    // framebuffer.
    [[nodiscard]] unsigned draw_framebuffer() const;
    [[nodiscard]] unsigned resolved_framebuffer() const;
    [[nodiscard]] unsigned color_texture() const;

    // Binds draw_framebuffer() for drawing and sets the viewport to the whole target.
    void bind() const;
    // Multisampled colour → the resolved texture (a no-op without multisampling).
    void resolve();
    // Copies the resolved colour 1:1 into `framebuffer` (0 = the window's back buffer) with its
    // bottom-left corner at (x, y) pixels. A same-size copy is a memory copy on llvmpipe, far
    // cheaper than drawing the image as a blended, filtered textured quad.
    void blit_to(unsigned framebuffer, int x, int y) const;
    // Copies the rectangle (x, y, w, h) of the resolved colour to the same place in `framebuffer`.
    void blit_region_to(unsigned framebuffer, int x, int y, int w, int h) const;
    // The resolved colour as RGBA bytes, top-left origin (call resolve() first when multisampled).
    [[nodiscard]] std::vector<std::uint8_t> read_rgba() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace injmap::render
