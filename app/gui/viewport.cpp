#include "gui/viewport.hpp"

#include <glad/gl.h>

#include "injmap/render/offscreen.hpp"
#include "injmap/render/renderer.hpp"

namespace injmap::gui {

Viewport3D::Viewport3D() {
    renderer_ = render::Renderer::create(error_);
    target_ = std::make_unique<render::Offscreen>(16, 16, 0);
}

Viewport3D::~Viewport3D() = default;

unsigned Viewport3D::draw(const render::FrameSnapshot& frame, bool force) {
    if (!force && last_ && *last_ == frame)
        return target_->color_texture();
    last_ = frame;
    if (renderer_) {
        renderer_->draw(frame, *target_);
    } else {
        // No renderer (shader compile failure): an empty view in the background colour.
        target_->resize(frame.width, frame.height, 0);
        GLint previous = 0;
        glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &previous);
        target_->bind();
        glClearColor(frame.background.r, frame.background.g, frame.background.b, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(previous));
    }
    return target_->color_texture();
}

void Viewport3D::present(int x, int y) const {
    if (target_)
        target_->blit_to(0, x, y);
}

glm::ivec2 Viewport3D::image_size() const {
    return target_ ? glm::ivec2(target_->width(), target_->height()) : glm::ivec2(0);
}

std::vector<std::uint8_t> Viewport3D::render_rgba(const render::FrameSnapshot& frame) {
    return renderer_ ? renderer_->render_rgba(frame) : std::vector<std::uint8_t>{};
}

void Viewport3D::finish() {
    if (renderer_)
        renderer_->finish();
    else
        glFinish();
}

void Viewport3D::forget_model(const Model* model) {
    last_.reset();
    if (renderer_)
        renderer_->forget_model(model);
}

} // namespace injmap::gui
