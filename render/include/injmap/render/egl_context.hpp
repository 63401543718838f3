#pragma once
// A headless OpenGL 3.3 core context on Mesa's EGL surfaceless platform: no X server, no window.
// Rendering goes into an Offscreen target (offscreen.hpp). The context is current on the creating
// thread for its whole life; GL functions are loaded with glad when it is made.
#include <memory>
#include <string>

namespace injmap::render {

class EglContext {
public:
    // Returns nullptr and fills `error` when no context can be made (no EGL, no surfaceless
    // platform).
    static std::unique_ptr<EglContext> create(std::string& error);
    ~EglContext();
    EglContext(const EglContext&) = delete;
    EglContext& operator=(const EglContext&) = delete;

    void make_current();
    [[nodiscard]] std::string
    renderer_name() const; // GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"

private:
    EglContext() = default;
    void* display_ = nullptr;
    void* context_ = nullptr;
};

} // namespace injmap::render
