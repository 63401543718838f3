#pragma once
// The GLFW window with its GL 3.3 core context (glad loaded through glfwGetProcAddress) and the
// Dear ImGui context with its GLFW and OpenGL3 backends. One object owns all of it and tears it
// down in reverse order. Creating it is the only place glfwInit is called: never in headless mode.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <glm/vec4.hpp>
#include <imgui.h>

struct GLFWwindow;

namespace injmap::gui {

class PanelLayer;

class Window {
public:
    // nullptr with `error` set when GLFW, the window, the context or GL loading fails.
    static std::unique_ptr<Window> create(int width, int height, const std::string& title,
                                          std::string& error);
    // Creates the ImGui context on `fonts` (not owned: it must outlive the window; nullptr: ImGui's
    // own atlas) and starts its GLFW and OpenGL3 backends. Call once, right after create(); false
    // with `error` set when a backend cannot start.
    bool start_imgui(ImFontAtlas* fonts, std::string& error);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    [[nodiscard]] GLFWwindow* handle() const { return window_; }
    [[nodiscard]] float content_scale() const; // 1 on an ordinary screen, 2 on a HiDPI one
    [[nodiscard]] bool should_close() const;
    void framebuffer_size(int& width, int& height) const;

    // Paths of files dropped on the window since the last call.
    [[nodiscard]] std::vector<std::string> take_dropped_paths();

    // Event wake-ups: any input or window event since the last call (the frame loop redraws then).
    [[nodiscard]] bool take_event_flag();

    // ImGui frame boundaries: the backends' NewFrame (before ImGui::NewFrame), and drawing the
    // frame (after ImGui::Render) into the window's framebuffer: `draw_3d` copies the 3D image
    // into `keep` (x, y, width, height; framebuffer pixels, bottom-left origin), ImGui's draw data
    // the rest over `background`; unchanged panels are copied from the last frame's
    // (panel_layer.hpp).
    void begin_imgui_frame();
    void render_draw_data(const glm::ivec4& keep, const ImVec4& background,
                          const std::function<void()>& draw_3d);
    void swap();
    // Sends ImGui's font atlas to GL now and frees its CPU copies (the TTF files and the 8- and
    // 32-bit atlas images, ~15 MB at 1x scale), so that they never add to the memory peak of the
    // first frame. Call once, after the fonts are set up; fonts cannot be added afterwards.
    void upload_fonts();

    // The back buffer (call before swap) as RGBA rows, top-left origin.
    [[nodiscard]] std::vector<unsigned char> read_back_buffer(int& width, int& height) const;
    void finish_gpu();

private:
    Window() = default;
    static void mark_event(GLFWwindow* window);

    GLFWwindow* window_ = nullptr;
    bool glfw_initialised_ = false;
    bool imgui_context_ = false;
    bool imgui_glfw_ = false;
    bool imgui_gl3_ = false;
    bool event_flag_ = true;
    std::vector<std::string> dropped_;
    std::unique_ptr<PanelLayer> panels_;
};

} // namespace injmap::gui
