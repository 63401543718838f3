#include "gl_objects.hpp"

#include <vector>

namespace injmap::render::gl {

Buffer make_buffer() {
    GLuint id = 0;
    glGenBuffers(1, &id);
    return Buffer(id);
}

VertexArray make_vertex_array() {
    GLuint id = 0;
    glGenVertexArrays(1, &id);
    return VertexArray(id);
}

Texture make_texture() {
    GLuint id = 0;
    glGenTextures(1, &id);
    return Texture(id);
}

Framebuffer make_framebuffer() {
    GLuint id = 0;
    glGenFramebuffers(1, &id);
    return Framebuffer(id);
}

Renderbuffer make_renderbuffer() {
    GLuint id = 0;
    glGenRenderbuffers(1, &id);
    return Renderbuffer(id);
}

namespace {

Shader compile(GLenum type, const char* source, const char* name, std::string& error) {
    Shader shader(glCreateShader(type));
    glShaderSource(shader.id(), 1, &source, nullptr);
    glCompileShader(shader.id());
    GLint ok = GL_FALSE;
    glGetShaderiv(shader.id(), GL_COMPILE_STATUS, &ok);
    if (ok == GL_TRUE)
        return shader;
    GLint length = 0;
    glGetShaderiv(shader.id(), GL_INFO_LOG_LENGTH, &length);
    std::vector<char> log(std::size_t(length > 0 ? length : 1), '\0');
    glGetShaderInfoLog(shader.id(), GLsizei(log.size()), nullptr, log.data());
    error = std::string(name) + (type == GL_VERTEX_SHADER ? " vertex" : " fragment") +
            " shader: " + log.data();
    return {};
}

} // namespace

Program make_program(const char* name, const char* vertex_source, const char* fragment_source,
                     std::string& error) {
    Shader vs = compile(GL_VERTEX_SHADER, vertex_source, name, error);
    if (!vs)
        return {};
    Shader fs = compile(GL_FRAGMENT_SHADER, fragment_source, name, error);
    if (!fs)
        return {};
    Program program(glCreateProgram());
    glAttachShader(program.id(), vs.id());
    glAttachShader(program.id(), fs.id());
    glLinkProgram(program.id());
    glDetachShader(program.id(), vs.id());
    glDetachShader(program.id(), fs.id());
    GLint ok = GL_FALSE;
    glGetProgramiv(program.id(), GL_LINK_STATUS, &ok);
    if (ok == GL_TRUE)
        return program;
    GLint length = 0;
    glGetProgramiv(program.id(), GL_INFO_LOG_LENGTH, &length);
    std::vector<char> log(std::size_t(length > 0 ? length : 1), '\0');
    glGetProgramInfoLog(program.id(), GLsizei(log.size()), nullptr, log.data());
    error = std::string(name) + " program: " + log.data();
    return {};
}

StateGuard::StateGuard() {
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw_fbo_);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read_fbo_);
    glGetIntegerv(GL_VIEWPORT, viewport_);
    glGetIntegerv(GL_CURRENT_PROGRAM, &program_);
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &vertex_array_);
    glGetIntegerv(GL_ACTIVE_TEXTURE, &active_texture_);
    depth_test_ = glIsEnabled(GL_DEPTH_TEST);
    blend_ = glIsEnabled(GL_BLEND);
    cull_face_ = glIsEnabled(GL_CULL_FACE);
    scissor_ = glIsEnabled(GL_SCISSOR_TEST);
    glGetBooleanv(GL_DEPTH_WRITEMASK, &depth_mask_);
    glGetIntegerv(GL_BLEND_SRC_RGB, &blend_src_rgb_);
    glGetIntegerv(GL_BLEND_DST_RGB, &blend_dst_rgb_);
    glGetIntegerv(GL_BLEND_SRC_ALPHA, &blend_src_alpha_);
    glGetIntegerv(GL_BLEND_DST_ALPHA, &blend_dst_alpha_);
    glGetIntegerv(GL_DEPTH_FUNC, &depth_func_);
}

StateGuard::~StateGuard() {
    auto set = [](GLenum cap, GLboolean on) { on ? glEnable(cap) : glDisable(cap); };
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(draw_fbo_));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read_fbo_));
    glViewport(viewport_[0], viewport_[1], viewport_[2], viewport_[3]);
    glUseProgram(GLuint(program_));
    glBindVertexArray(GLuint(vertex_array_));
    glActiveTexture(GLenum(active_texture_));
    set(GL_DEPTH_TEST, depth_test_);
    set(GL_BLEND, blend_);
    set(GL_CULL_FACE, cull_face_);
    set(GL_SCISSOR_TEST, scissor_);
    glDepthMask(depth_mask_);
    glBlendFuncSeparate(GLenum(blend_src_rgb_), GLenum(blend_dst_rgb_), GLenum(blend_src_alpha_),
                        GLenum(blend_dst_alpha_));
    glDepthFunc(GLenum(depth_func_));
}

} // namespace injmap::render::gl
