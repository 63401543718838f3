#include "gui/window.hpp"

#include "gui/panel_layer.hpp"

#include <glad/gl.h>
// glad first: GLFW must not pull in the system GL header.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace injmap::gui {
namespace {

std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
    g_last_glfw_error =
        "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
}

Window* owner(GLFWwindow* window) {
    return static_cast<Window*>(glfwGetWindowUserPointer(window));
}

} // namespace

std::vector<std::string> Window::take_dropped_paths() {
    std::vector<std::string> out;
    out.swap(dropped_);
    return out;
}

void Window::mark_event(GLFWwindow* window) {
    if (Window* w = owner(window))
        w->event_flag_ = true;
}

std::unique_ptr<Window> Window::create(int width, int height, const std::string& title,
                                       std::string& error) {
    std::unique_ptr<Window> self(new Window());
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        error = "cannot start GLFW (" +
                (g_last_glfw_error.empty() ? std::string("no display?") : g_last_glfw_error) + ")";
        return nullptr;
    }
    self->glfw_initialised_ = true;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    // Why no MSAA on the window: it costs 2.2–2.4x frame time on llvmpipe; the renderer antialiases
    // idle frames itself.
    glfwWindowHint(GLFW_SAMPLES, 0);
    // The 3D view draws into its own target; the window only shows panels and copies, so it needs
    // no depth or stencil buffer (4 MB less at 1280x800, and nothing to clear each frame).
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    self->window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
    if (!self->window_) {
        error = "cannot open a " + std::to_string(width) + "x" + std::to_string(height) +
                " OpenGL 3.3 window (" + g_last_glfw_error + ")";
        return nullptr;
    }
    glfwSetWindowUserPointer(self->window_, self.get());
    glfwMakeContextCurrent(self->window_);
    glfwSwapInterval(1);
    if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress))) {
        error = "cannot load OpenGL functions";
        return nullptr;
    }

    // Our callbacks go in before ImGui's: its backend chains to them, so both see every event.
    glfwSetKeyCallback(self->window_, [](GLFWwindow* w, int, int, int, int) { mark_event(w); });
    glfwSetCharCallback(self->window_, [](GLFWwindow* w, unsigned int) { mark_event(w); });
    glfwSetMouseButtonCallback(self->window_, [](GLFWwindow* w, int, int, int) { mark_event(w); });
    glfwSetCursorPosCallback(self->window_, [](GLFWwindow* w, double, double) { mark_event(w); });
    glfwSetScrollCallback(self->window_, [](GLFWwindow* w, double, double) { mark_event(w); });
    glfwSetCursorEnterCallback(self->window_, [](GLFWwindow* w, int) { mark_event(w); });
    glfwSetWindowFocusCallback(self->window_, [](GLFWwindow* w, int) { mark_event(w); });
    glfwSetFramebufferSizeCallback(self->window_, [](GLFWwindow* w, int, int) { mark_event(w); });
    glfwSetWindowRefreshCallback(self->window_, [](GLFWwindow* w) { mark_event(w); });
    glfwSetWindowContentScaleCallback(self->window_,
                                      [](GLFWwindow* w, float, float) { mark_event(w); });
    glfwSetDropCallback(self->window_, [](GLFWwindow* w, int count, const char** paths) {
        if (Window* self_ = owner(w)) {
            for (int i = 0; i < count; ++i)
                if (paths[i])
                    self_->dropped_.emplace_back(paths[i]);
            self_->event_flag_ = true;
        }
    });
    return self;
}

bool Window::start_imgui(ImFontAtlas* fonts, std::string& error) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext(fonts);
    imgui_context_ = true;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename =
        nullptr; // the layout is computed every frame; nothing to remember between runs
    io.LogFilename = nullptr;
    if (!ImGui_ImplGlfw_InitForOpenGL(window_, true)) {
        error = "cannot start the ImGui GLFW backend";
        return false;
    }
    imgui_glfw_ = true;
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        error = "cannot start the ImGui OpenGL3 backend (is libGL.so.1 installed?)";
        return false;
    }
    imgui_gl3_ = true;
    return true;
}

Window::~Window() {
    if (imgui_gl3_)
        ImGui_ImplOpenGL3_Shutdown();
    if (imgui_glfw_)
        ImGui_ImplGlfw_Shutdown();
    if (imgui_context_)
        ImGui::DestroyContext();
    if (window_)
        glfwDestroyWindow(window_);
    if (glfw_initialised_)
        glfwTerminate();
}

float Window::content_scale() const {
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window_, &sx, &sy);
    const float s = sx > sy ? sx : sy;
    return s > 0.5f && s < 8.0f ? s : 1.0f;
}

bool Window::should_close() const {
    return glfwWindowShouldClose(window_) != 0;
}

void Window::framebuffer_size(int& width, int& height) const {
    glfwGetFramebufferSize(window_, &width, &height);
}

bool Window::take_event_flag() {
    const bool flag = event_flag_;
    event_flag_ = false;
    return flag;
}

void Window::begin_imgui_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
}

void Window::render_draw_data(const glm::ivec4& keep, const ImVec4& background,
                              const std::function<void()>& draw_3d) {
    ImDrawData* data = ImGui::GetDrawData();
    if (!data) {
        draw_3d();
        return;
    }
    int w = 0, h = 0;
    framebuffer_size(w, h);
    if (!panels_)
        panels_ = std::make_unique<PanelLayer>();
    panels_->draw(*data, w, h, keep, background, draw_3d);
}

void Window::upload_fonts() {
    // If this fails the backend simply tries again at the first frame, with the data still there.
    if (!ImGui_ImplOpenGL3_CreateDeviceObjects())
        return;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->ClearTexData();
    io.Fonts->ClearInputData();
}

void Window::swap() {
    glfwSwapBuffers(window_);
}

} // namespace injmap::gui

namespace injmap::gui {

std::vector<unsigned char> Window::read_back_buffer(int& width, int& height) const {
    framebuffer_size(width, height);
    std::vector<unsigned char> rgba(std::size_t(width) * std::size_t(height) * 4);
    if (rgba.empty())
        return rgba;
    glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    // GL rows run bottom-up; images top-down.
    const std::size_t row = std::size_t(width) * 4;
    std::vector<unsigned char> swap_row(row);
    for (int y = 0; y < height / 2; ++y) {
        unsigned char* a = rgba.data() + std::size_t(y) * row;
        unsigned char* b = rgba.data() + std::size_t(height - 1 - y) * row;
        std::copy(a, a + row, swap_row.data());
        std::copy(b, b + row, a);
        std::copy(swap_row.data(), swap_row.data() + row, b);
    }
    for (std::size_t i = 3; i < rgba.size(); i += 4)
        rgba[i] = 255; // the window is opaque; some visuals leave alpha undefined
    return rgba;
}

void Window::finish_gpu() {
    glFinish();
}

} // namespace injmap::gui
