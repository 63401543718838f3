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

namespace {

bool same(const glm::vec3& a, const glm::vec3& b) {
    return a == b;
}

} // namespace

bool same_frame(const render::FrameSnapshot& a, const render::FrameSnapshot& b) {
    const auto& la = a.layers;
    const auto& lb = b.layers;
    if (a.model != b.model || a.skin_index != b.skin_index || a.skin_tone != b.skin_tone ||
        a.width != b.width || a.height != b.height || a.background != b.background ||
        a.ui_scale != b.ui_scale || la.skin != lb.skin || la.muscles != lb.muscles ||
        la.xray != lb.xray || la.bones != lb.bones || la.avoid != lb.avoid ||
        la.markers != lb.markers || la.labels != lb.labels || la.needles != lb.needles ||
        la.fibres != lb.fibres || la.skin_paint != lb.skin_paint ||
        a.highlighted_muscles != b.highlighted_muscles ||
        a.soft_highlighted_muscles != b.soft_highlighted_muscles || la.regions != lb.regions ||
        a.regions != b.regions || a.skin_muscle_tint != b.skin_muscle_tint ||
        a.hidden_muscles != b.hidden_muscles)
        return false;
    const auto& ca = a.camera;
    const auto& cb = b.camera;
    if (!same(ca.target, cb.target) || ca.yaw_deg != cb.yaw_deg || ca.pitch_deg != cb.pitch_deg ||
        ca.distance_mm != cb.distance_mm || ca.fov_y_deg != cb.fov_y_deg ||
        a.markers.size() != b.markers.size())
        return false;
    for (std::size_t i = 0; i < a.markers.size(); ++i) {
        const auto& ma = a.markers[i];
        const auto& mb = b.markers[i];
        if (ma.id != mb.id || ma.number != mb.number || !same(ma.position, mb.position) ||
            !same(ma.normal, mb.normal) || !same(ma.needle_direction, mb.needle_direction) ||
            ma.state != mb.state || ma.label != mb.label || ma.pulse != mb.pulse)
            return false;
    }
    return true;
}

unsigned Viewport3D::draw(const render::FrameSnapshot& frame, bool force) {
    if (!force && last_ && last_->antialias == frame.antialias && same_frame(*last_, frame))
        return target_->color_texture();
    last_ = frame;
    if (renderer_) {
        renderer_->draw(frame, *target_);
        layout_ = renderer_->last_layout(); // kept: charts drawn later reuse the renderer
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

const render::OverlayLayout& Viewport3D::layout() const {
    return layout_;
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
