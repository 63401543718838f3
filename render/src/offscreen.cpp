#include "injmap/render/offscreen.hpp"

#include <algorithm>
#include <cstring>

#include "gl_objects.hpp"

namespace injmap::render {

struct Offscreen::Impl {
    int width = 0;
    int height = 0;
    int samples = 0;
    bool depth = true;
    // Single-sampled target: colour texture + depth renderbuffer (unless !depth).
    gl::Framebuffer resolved_fbo;
    gl::Texture color;
    gl::Renderbuffer resolved_depth;
    // Multisampled target (only when samples > 0).
    gl::Framebuffer msaa_fbo;
    gl::Renderbuffer msaa_color;
    gl::Renderbuffer msaa_depth;

    void create(int w, int h, int s) {
        width = std::max(1, w);
        height = std::max(1, h);
        GLint max_samples = 0;
        glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
        samples = s > 1 ? std::min(s, int(max_samples)) : 0;
        if (samples < 2)
            samples = 0;

        GLint previous_fbo = 0;
        glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous_fbo);

        color = gl::make_texture();
        glBindTexture(GL_TEXTURE_2D, color.id());
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                     nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glBindTexture(GL_TEXTURE_2D, 0);

        resolved_depth.reset();
        if (depth) {
            resolved_depth = gl::make_renderbuffer();
            glBindRenderbuffer(GL_RENDERBUFFER, resolved_depth.id());
            glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, width, height);
        }

        resolved_fbo = gl::make_framebuffer();
        glBindFramebuffer(GL_FRAMEBUFFER, resolved_fbo.id());
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color.id(), 0);
        if (depth)
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                      resolved_depth.id());

        msaa_fbo.reset();
        msaa_color.reset();
        msaa_depth.reset();
        if (samples > 0) {
            msaa_color = gl::make_renderbuffer();
            glBindRenderbuffer(GL_RENDERBUFFER, msaa_color.id());
            glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_RGBA8, width, height);
            msaa_depth = gl::make_renderbuffer();
            glBindRenderbuffer(GL_RENDERBUFFER, msaa_depth.id());
            glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH_COMPONENT24, width,
                                             height);
            msaa_fbo = gl::make_framebuffer();
            glBindFramebuffer(GL_FRAMEBUFFER, msaa_fbo.id());
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
                                      msaa_color.id());
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                      msaa_depth.id());
        }
        glBindRenderbuffer(GL_RENDERBUFFER, 0);
        glBindFramebuffer(GL_FRAMEBUFFER, GLuint(previous_fbo));
    }
};

Offscreen::Offscreen(int width, int height, int samples, bool depth)
    : impl_(std::make_unique<Impl>()) {
    impl_->depth = depth;
    impl_->create(width, height, samples);
}
Offscreen::~Offscreen() = default;
Offscreen::Offscreen(Offscreen&&) noexcept = default;
Offscreen& Offscreen::operator=(Offscreen&&) noexcept = default;

void Offscreen::resize(int width, int height, int samples) {
    const int wanted_samples = samples > 1 ? samples : 0;
    if (width == impl_->width && height == impl_->height && wanted_samples == impl_->samples)
        return;
    impl_->create(width, height, samples);
}

int Offscreen::width() const {
    return impl_->width;
}
int Offscreen::height() const {
    return impl_->height;
}
int Offscreen::samples() const {
    return impl_->samples;
}

unsigned Offscreen::draw_framebuffer() const {
    return impl_->samples > 0 ? impl_->msaa_fbo.id() : impl_->resolved_fbo.id();
}
unsigned Offscreen::resolved_framebuffer() const {
    return impl_->resolved_fbo.id();
}
unsigned Offscreen::color_texture() const {
    return impl_->color.id();
}

void Offscreen::bind() const {
    glBindFramebuffer(GL_FRAMEBUFFER, draw_framebuffer());
    glViewport(0, 0, impl_->width, impl_->height);
}

void Offscreen::resolve() {
    if (impl_->samples == 0)
        return;
    GLint draw = 0, read = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, impl_->msaa_fbo.id());
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, impl_->resolved_fbo.id());
    glBlitFramebuffer(0, 0, impl_->width, impl_->height, 0, 0, impl_->width, impl_->height,
                      GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(draw));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read));
}

namespace {

// Copies the rectangle (sx, sy, w, h) of `from` to (dx, dy) in `to`, 1:1, unscissored; the
// framebuffer bindings and the scissor test are restored.
void copy_rect(GLuint from, GLuint to, int sx, int sy, int dx, int dy, int w, int h) {
    if (w <= 0 || h <= 0)
        return;
    GLint draw = 0, read = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, from);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, to);
    const GLboolean scissor = glIsEnabled(GL_SCISSOR_TEST); // a blit is scissored too
    glDisable(GL_SCISSOR_TEST);
    glBlitFramebuffer(sx, sy, sx + w, sy + h, dx, dy, dx + w, dy + h, GL_COLOR_BUFFER_BIT,
                      GL_NEAREST);
    if (scissor)
        glEnable(GL_SCISSOR_TEST);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(draw));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read));
}

} // namespace

void Offscreen::blit_to(unsigned framebuffer, int x, int y) const {
    copy_rect(impl_->resolved_fbo.id(), GLuint(framebuffer), 0, 0, x, y, impl_->width,
              impl_->height);
}

void Offscreen::blit_region_to(unsigned framebuffer, int x, int y, int w, int h) const {
    copy_rect(impl_->resolved_fbo.id(), GLuint(framebuffer), x, y, x, y, w, h);
}

std::vector<std::uint8_t> Offscreen::read_rgba() const {
    const std::size_t row = std::size_t(impl_->width) * 4;
    std::vector<std::uint8_t> pixels(row * std::size_t(impl_->height));
    GLint read = 0, pack = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read);
    glGetIntegerv(GL_PACK_ALIGNMENT, &pack);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, impl_->resolved_fbo.id());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, impl_->width, impl_->height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    glPixelStorei(GL_PACK_ALIGNMENT, pack);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read));
    // GL's origin is bottom-left: flip rows in place.
    std::vector<std::uint8_t> tmp(row);
    for (int y = 0; y < impl_->height / 2; ++y) {
        std::uint8_t* a = pixels.data() + std::size_t(y) * row;
        std::uint8_t* b = pixels.data() + std::size_t(impl_->height - 1 - y) * row;
        std::memcpy(tmp.data(), a, row);
        std::memcpy(a, b, row);
        std::memcpy(b, tmp.data(), row);
    }
    return pixels;
}

} // namespace injmap::render
