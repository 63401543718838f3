#include "injmap/render/egl_context.hpp"

#include <glad/gl.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>

namespace injmap::render {

std::unique_ptr<EglContext> EglContext::create(std::string& error) {
    auto get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
        eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (!get_platform_display) {
        error = "EGL: eglGetPlatformDisplayEXT is missing (install libegl-mesa0)";
        return nullptr;
    }
    EGLDisplay display =
        get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    if (display == EGL_NO_DISPLAY || !eglInitialize(display, nullptr, nullptr)) {
        error = "EGL: no surfaceless display (install libegl-mesa0 and libgl1-mesa-dri)";
        return nullptr;
    }
    if (!eglBindAPI(EGL_OPENGL_API)) {
        eglTerminate(display);
        error = "EGL: desktop OpenGL is not available";
        return nullptr;
    }
    // Surfaceless configs are 10-bit only, hence no config: we render into our own FBO.
    const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION,
                                 3,
                                 EGL_CONTEXT_MINOR_VERSION,
                                 3,
                                 EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                 EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                 EGL_NONE};
    EGLContext context = eglCreateContext(display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attributes);
    if (context == EGL_NO_CONTEXT) {
        eglTerminate(display);
        error = "EGL: could not create an OpenGL 3.3 core context";
        return nullptr;
    }
    std::unique_ptr<EglContext> result(new EglContext());
    result->display_ = display;
    result->context_ = context;
    result->make_current();
    if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress))) {
        error = "EGL: could not load OpenGL functions";
        return nullptr;
    }
    return result;
}

EglContext::~EglContext() {
    if (display_) {
        eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (context_)
            eglDestroyContext(display_, context_);
        eglTerminate(display_);
    }
}

void EglContext::make_current() {
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_);
}

std::string EglContext::renderer_name() const {
    const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    return name ? name : "";
}

} // namespace injmap::render
