#include "gui/panel_layer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <glad/gl.h>

#include <backends/imgui_impl_opengl3.h>

#include "gui/draw_data_rects.hpp"
#include "injmap/render/offscreen.hpp"

namespace injmap::gui {

namespace {

// The opaque backgrounds (draw_data_rects.hpp) as scissored clears into the bound framebuffer of
// height `height`, limited to the framebuffer rectangle `limit` (x0, y0, x1, y1; bottom-left).
void clear_rects(const std::vector<OpaqueRect>& rects, const ImDrawData& data, int height,
                 const glm::ivec4& limit) {
    if (rects.empty())
        return;
    const ImVec2 scale = data.FramebufferScale;
    glEnable(GL_SCISSOR_TEST);
    for (const OpaqueRect& r : rects) {
        const int x0 = std::max(int(std::lround((r.x0 - data.DisplayPos.x) * scale.x)), limit.x);
        const int x1 = std::min(int(std::lround((r.x1 - data.DisplayPos.x) * scale.x)), limit.z);
        const int y0 =
            std::max(height - int(std::lround((r.y1 - data.DisplayPos.y) * scale.y)), limit.y);
        const int y1 =
            std::min(height - int(std::lround((r.y0 - data.DisplayPos.y) * scale.y)), limit.w);
        if (x1 <= x0 || y1 <= y0)
            continue;
        glScissor(x0, y0, x1 - x0, y1 - y0);
        const ImVec4 c = ImGui::ColorConvertU32ToFloat4(r.colour);
        glClearColor(c.x, c.y, c.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
    }
    glDisable(GL_SCISSOR_TEST);
}

} // namespace

PanelLayer::PanelLayer() = default;
PanelLayer::~PanelLayer() = default;

void PanelLayer::draw(ImDrawData& data, int width, int height, const glm::ivec4& keep,
                      const ImVec4& background, const std::function<void()>& draw_3d) {
    // Backgrounds of at least 64x64 px become scissored clears (draw_data_rects.hpp).
    const auto rects = take_opaque_rects(data, ImGui::GetIO().Fonts->TexUvWhitePixel, 4096.0f);
    const std::uint64_t hash = hash_draw_data(data); // covers the display size and scale
    const glm::ivec4 whole{0, 0, width, height};
    auto clear_all = [&] {
        glDisable(GL_SCISSOR_TEST);
        glClearColor(background.x, background.y, background.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
    };
    auto draw_panels = [&] {
        clear_rects(rects, data, height, whole);
        ImGui_ImplOpenGL3_RenderDrawData(&data);
    };

    const bool same_background = background.x == background_.x && background.y == background_.y &&
                                 background.z == background_.z;
    const bool image_holds_this = valid_ && hash == hash_ && same_background &&
                                  image_->width() == width && image_->height() == height;
    const bool changed_since_last_frame = hash != previous_hash_;
    previous_hash_ = hash;
    if (!image_holds_this && changed_since_last_frame) {
        // Panels that just changed may change again in the next frame (typing, dragging a
        // slider, scrolling): drawn as without a layer, kept in the image once they stay.
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glViewport(0, 0, width, height);
        clear_all();
        draw_3d();
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        draw_panels();
        return;
    }
    if (!image_holds_this) {
        if (!image_)
            image_ = std::make_unique<render::Offscreen>(width, height, 0, /*depth=*/false);
        image_->resize(width, height, 0);
        image_->bind();
        clear_all();
        draw_panels();
        hash_ = hash;
        background_ = background;
        valid_ = true;
    }

    // The back buffer: the 3D image, the panels from the image around it, then ImGui's commands
    // over the 3D image.
    const int kx0 = std::clamp(keep.x, 0, width), kx1 = std::clamp(keep.x + keep.z, 0, width);
    const int ky0 = std::clamp(keep.y, 0, height), ky1 = std::clamp(keep.y + keep.w, 0, height);
    draw_3d();
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, width, height);
    image_->blit_region_to(0, 0, 0, width, ky0);                 // below
    image_->blit_region_to(0, 0, ky1, width, height - ky1);      // above
    image_->blit_region_to(0, 0, ky0, kx0, ky1 - ky0);           // left
    image_->blit_region_to(0, kx1, ky0, width - kx1, ky1 - ky0); // right
    if (kx1 <= kx0 || ky1 <= ky0)
        return;
    clear_rects(rects, data, height, {kx0, ky0, kx1, ky1});
    const ImVec2 scale = data.FramebufferScale;
    clip_draw_data(data, ImVec4(data.DisplayPos.x + float(kx0) / scale.x,
                                data.DisplayPos.y + float(height - ky1) / scale.y,
                                data.DisplayPos.x + float(kx1) / scale.x,
                                data.DisplayPos.y + float(height - ky0) / scale.y));
    ImGui_ImplOpenGL3_RenderDrawData(&data);
}

} // namespace injmap::gui
