#pragma once
// RAII owners for OpenGL objects (private to injmap_render). Each owns one GL name, is move-only
// and deletes its name on destruction; a default-constructed owner holds 0 and deletes nothing.
// Every constructor and destructor needs the owning context to be current.
#include <glad/gl.h>

#include <string>
#include <utility>

namespace injmap::render::gl {

template <class Deleter>
class Object {
public:
    Object() = default;
    explicit Object(GLuint id) : id_(id) {}
    ~Object() { reset(); }
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;
    Object(Object&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
    Object& operator=(Object&& other) noexcept {
        if (this != &other)
            reset(std::exchange(other.id_, 0));
        return *this;
    }

    [[nodiscard]] GLuint id() const { return id_; }
    explicit operator bool() const { return id_ != 0; }
    void reset(GLuint id = 0) {
        if (id_ != 0)
            Deleter{}(id_);
        id_ = id;
    }

private:
    GLuint id_ = 0;
};

struct BufferDeleter {
    void operator()(GLuint id) const { glDeleteBuffers(1, &id); }
};
struct VertexArrayDeleter {
    void operator()(GLuint id) const { glDeleteVertexArrays(1, &id); }
};
struct TextureDeleter {
    void operator()(GLuint id) const { glDeleteTextures(1, &id); }
};
struct FramebufferDeleter {
    void operator()(GLuint id) const { glDeleteFramebuffers(1, &id); }
};
struct RenderbufferDeleter {
    void operator()(GLuint id) const { glDeleteRenderbuffers(1, &id); }
};
struct ShaderDeleter {
    void operator()(GLuint id) const { glDeleteShader(id); }
};
struct ProgramDeleter {
    void operator()(GLuint id) const { glDeleteProgram(id); }
};

using Buffer = Object<BufferDeleter>;
using VertexArray = Object<VertexArrayDeleter>;
using Texture = Object<TextureDeleter>;
using Framebuffer = Object<FramebufferDeleter>;
using Renderbuffer = Object<RenderbufferDeleter>;
using Shader = Object<ShaderDeleter>;
using Program = Object<ProgramDeleter>;

[[nodiscard]] Buffer make_buffer();
[[nodiscard]] VertexArray make_vertex_array();
[[nodiscard]] Texture make_texture();
[[nodiscard]] Framebuffer make_framebuffer();
[[nodiscard]] Renderbuffer make_renderbuffer();

// Compiles and links a vertex + fragment shader pair. On failure returns an empty Program and puts
// the driver's log (prefixed with `name`) in `error`.
[[nodiscard]] Program make_program(const char* name, const char* vertex_source,
                                   const char* fragment_source, std::string& error);

// Restores the framebuffer bindings, viewport and the capabilities the renderer touches when it
// goes out of scope, so drawing into "the current framebuffer" leaves the caller's GL state as it
// was.
class StateGuard {
public:
    StateGuard();
    ~StateGuard();
    StateGuard(const StateGuard&) = delete;
    StateGuard& operator=(const StateGuard&) = delete;

    [[nodiscard]] GLint draw_framebuffer() const { return draw_fbo_; }

private:
    GLint draw_fbo_ = 0;
    GLint read_fbo_ = 0;
    GLint viewport_[4] = {0, 0, 0, 0};
    GLint program_ = 0;
    GLint vertex_array_ = 0;
    GLint active_texture_ = 0;
    GLboolean depth_test_ = GL_FALSE;
    GLboolean blend_ = GL_FALSE;
    GLboolean cull_face_ = GL_FALSE;
    GLboolean scissor_ = GL_FALSE;
    GLboolean depth_mask_ = GL_TRUE;
    GLint blend_src_rgb_ = GL_ONE, blend_dst_rgb_ = GL_ZERO, blend_src_alpha_ = GL_ONE,
          blend_dst_alpha_ = GL_ZERO;
    GLint depth_func_ = GL_LESS;
};

} // namespace injmap::render::gl
