#pragma once
// ImGui's draw data kept as an image between frames. On llvmpipe drawing the panels (text and
// widgets, textured and blended) costs ~4.5 ms of a 1280x800 frame; copying them from an image
// and drawing ImGui only over the 3D view saved 0.8-1.6 ms of it (docs/performance.md). While the
// 3D view moves (orbit, zoom, camera moves) the panels usually stay the same. A frame
// whose draw data hashes like the image's copies the panels from it; the rectangle the 3D view
// occupies is left alone, and ImGui's commands are drawn there, over the 3D image, every frame
// (the view's toolbar, notices, popups). Panels that changed since the last frame are drawn
// straight into the back buffer (a full clear, the 3D image, then ImGui, as without a layer) and
// go into the image once they have stayed the same for a frame, so that panels changing every
// frame (typing, a slider being dragged) do not pay for the image too.
#include <cstdint>
#include <functional>
#include <memory>

#include <glm/vec4.hpp>
#include <imgui.h>

namespace injmap::render {
class Offscreen;
}

namespace injmap::gui {

class PanelLayer {
public:
    PanelLayer();
    ~PanelLayer();
    PanelLayer(const PanelLayer&) = delete;
    PanelLayer& operator=(const PanelLayer&) = delete;

    // Draws the frame into the window's back buffer (framebuffer 0, `width` × `height` pixels):
    // `draw_3d` copies the 3D image into `keep` (x, y, width, height; framebuffer pixels,
    // bottom-left origin), the panels of `data` fill the rest over `background`, and ImGui's
    // commands are drawn over the 3D image. The GL context must be current and ImGui's OpenGL3
    // backend started.
    void draw(ImDrawData& data, int width, int height, const glm::ivec4& keep,
              const ImVec4& background, const std::function<void()>& draw_3d);

private:
    std::unique_ptr<render::Offscreen> image_;
    std::uint64_t hash_ = 0;          // of what the image holds (when valid_)
    std::uint64_t previous_hash_ = 0; // of the last frame's draw data
    ImVec4 background_{0, 0, 0, 0};
    bool valid_ = false;
};

} // namespace injmap::gui
