#pragma once
// ImGui's draw data kept as an image between frames. On llvmpipe drawing the panels (text and
// widgets, textured and blended) costs ~4.5 ms of a 1280x800 frame, copying their pixels ~1 ms;
// while the 3D view moves (orbit, zoom, camera moves) the panels usually stay the same. A frame
// whose draw data hashes like the last one's copies the panels from the image; the rectangle the
// 3D view occupies is left alone, and ImGui's commands are drawn there, over the 3D image, every
// frame (the view's toolbar, notices, popups).
#include <cstdint>
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

    // Draws `data` into the window's back buffer (framebuffer 0, `width` × `height` pixels) over
    // `background`. `keep` (x, y, width, height; framebuffer pixels, bottom-left origin) already
    // holds the 3D image: there only ImGui's own commands are drawn. The GL context must be
    // current and ImGui's OpenGL3 backend started.
    void draw(ImDrawData& data, int width, int height, const glm::ivec4& keep,
              const ImVec4& background);

private:
    std::unique_ptr<render::Offscreen> image_;
    std::uint64_t hash_ = 0;
    ImVec4 background_{0, 0, 0, 0};
    bool valid_ = false;
};

} // namespace injmap::gui
