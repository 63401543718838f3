// App: start-up, the services panels and modes use (notices, time, frame requests), the frame loop
// (with --bench-frames statistics and --screenshot) and the panel layout. The model and protocol
// are in app_documents.cpp, the camera and mouse in app_view.cpp, --keys in app_script.cpp, the
// snapshot in app_snapshot.cpp.
#include "gui/app.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "gui/camera_control.hpp"
#include "gui/frame_stats.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "gui/screenshot.hpp"
#include "gui/viewport.hpp"
#include "gui/window.hpp"

namespace injmap::gui {
namespace {

constexpr double kScriptedFrameSeconds = 1.0 / 30.0;
constexpr double kNoticeSeconds = 10.0;
constexpr double kRefineSeconds = 0.25; // rest before an antialiased redraw

void recover_log(void*, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::vfprintf(stderr, fmt, args);
    va_end(args);
    std::fputc('\n', stderr);
}

} // namespace

App::App(Window& window, Fonts fonts, GuiOptions options)
    : window_(window), fonts_(fonts), options_(std::move(options)) {
    viewport_renderer_ = std::make_unique<Viewport3D>();
    if (!viewport_renderer_->has_renderer())
        notify("The 3D view is unavailable: " + viewport_renderer_->error(), Severity::error);
}

App::~App() {
    mode_.reset();
    if (model())
        viewport_renderer_->forget_model(model());
}

bool App::initialise(StartupData data, std::string& error) {
    if (!options_.keys.empty()) {
        auto parsed = parse_key_script(options_.keys, error);
        if (!parsed)
            return false;
        script_ = ScriptPlayer(std::move(*parsed));
    }
    if (!adopt_model(std::move(data.model))) {
        error =
            "cannot load model '" + options_.model + "': " + first_error(last_open_diagnostics());
        return false;
    }
    if (!options_.protocol.empty()) {
        if (!data.protocol_path) {
            error = "no protocol '" + options_.protocol +
                    "' (not a file, nor a shipped or user protocol id)";
            return false;
        }
        const auto& path = data.protocol_path;
        LoadedProtocol loaded = std::move(data.protocol);
        // An author opens a broken file to fix it: the window shows its errors. Elsewhere a
        // protocol that cannot be read at start-up is a usage error.
        if (!loaded.usable() && options_.mode != "author") {
            error =
                "cannot use protocol " + path->string() + ": " + first_error(loaded.diagnostics);
            return false;
        }
        documents_.set_protocol(std::move(loaded));
    }
    std::string notice;
    mode_ = make_mode(*this, options_.mode, mode_name_, notice);
    if (!notice.empty())
        notify(notice, Severity::warning);
    show_view("front");
    mode_->on_protocol_changed(*this);
    set_camera(camera_.target()); // the first frame starts where the mode wants it, without a move
    return true;
}

// ---------------------------------------------------------------------------------------------
// Services

void App::switch_mode(std::string_view name) {
    pending_mode_ = std::string(name);
}

void App::notify(std::string text, Severity severity) {
    notices_.push_back({std::move(text), severity, now()});
    notice_cleared_ = false;
    if (notices_.size() > 50)
        notices_.erase(notices_.begin());
    request_frames(2);
}

const Notice* App::current_notice() const {
    if (notices_.empty())
        return nullptr;
    const Notice& n = notices_.back();
    if (n.severity != Severity::error && now() - n.time > kNoticeSeconds)
        return nullptr;
    return &n;
}

double App::now() const {
    if (scripted())
        return double(frame_index_) * kScriptedFrameSeconds;
    return glfwGetTime() - start_time_;
}

bool App::scripted() const {
    // A screenshot alone is a scripted run too: without continuous frames the window would wait
    // for input that never comes and never reach the frame that saves it.
    return options_.frames.has_value() || options_.bench_frames.has_value() || !script_.empty() ||
           !options_.screenshot.empty();
}

void App::request_frames(int count) {
    frames_requested_ = std::max(frames_requested_, count);
}

void App::trace_shown(std::string_view what) const {
    if (trace_ && final_frame_)
        std::fprintf(stderr, "trace: shown %.*s\n", int(what.size()), what.data());
}

// ---------------------------------------------------------------------------------------------
// The frame loop

int App::run() {
    start_time_ = glfwGetTime();
    trace_ = std::getenv("INJMAP_GUI_TRACE") != nullptr;
    const bool bench = options_.bench_frames.has_value();
    long limit = -1;
    if (bench)
        limit = *options_.bench_frames;
    else if (options_.frames)
        limit = *options_.frames;
    else if (!script_.empty() || !options_.screenshot.empty()) {
        // Enough for every scripted action plus the camera moves they start.
        limit = script_.frames_needed() + 30;
    }
    std::vector<double> frame_ms;
    int exit_code = 0;
    while (!window_.should_close()) {
        const bool continuous = scripted();
        if (continuous) {
            glfwPollEvents();
        } else {
            const bool busy = frames_requested_ > 0 || camera_moving() || mode_->animating(*this);
            double timeout = ImGui::GetIO().WantTextInput ? 0.5 : mode_->idle_timeout(*this);
            if (refine_at_)
                timeout = std::clamp(*refine_at_ - now(), 0.0, timeout);
            if (busy)
                glfwPollEvents();
            else
                glfwWaitEventsTimeout(timeout);
            if (ImGui::GetIO().WantTextInput)
                request_frames(1); // the text cursor blinks
        }
        if (window_.take_event_flag())
            request_frames(3); // ImGui settles hover and click states over a couple of frames
        try {
            if (mode_->poll(*this))
                request_frames(2);
        } catch (const std::exception& e) {
            notify(std::string("Error: ") + e.what(), Severity::error);
        }
        if (!notices_.empty() && !notice_cleared_ && !current_notice()) {
            notice_cleared_ = true;
            request_frames(1);
        }
        const bool refine_due = refine_at_ && now() >= *refine_at_;
        const bool draw = continuous || frames_requested_ > 0 || camera_moving() ||
                          mode_->animating(*this) || refine_due;
        if (!draw)
            continue;
        if (frames_requested_ > 0)
            --frames_requested_;

        const double t0 = glfwGetTime();
        const bool last = limit > 0 && frame_index_ + 1 >= limit;
        final_frame_ = last;
        frame();
        if (last && !options_.screenshot.empty()) {
            std::string error;
            if (!save_screenshot(options_.screenshot, error)) {
                std::cerr << "injmap gui: " << error << "\n";
                exit_code = 2;
            }
        }
        window_.swap();
        if (trace_)
            std::fprintf(
                stderr, "trace: frame %ld swapped at %.3f\n", frame_index_,
                std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                    .count());
        if (bench) {
            window_.finish_gpu();
            frame_ms.push_back((glfwGetTime() - t0) * 1000.0);
        }
        ++frame_index_;
        if (limit > 0 && frame_index_ >= limit)
            break;
    }
    if (bench)
        if (const auto stats = frame_time_stats(std::move(frame_ms))) {
            std::printf("%s\n", bench_line(*stats).c_str());
            std::fflush(stdout);
        }
    if (options_.check_layout && exit_code == 0)
        exit_code = report_layout();
    return exit_code;
}

void App::frame() {
    window_.begin_imgui_frame();
    feed_script();
    ImGui::NewFrame();
    // Popups open at the start of the frame own the keyboard for the whole frame, even if they
    // close during it (Enter that confirms a dialog must not also inject the next site).
    const bool popup_open_before =
        ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
    try {
        if (!pending_mode_.empty()) {
            std::string notice, resolved;
            auto next = make_mode(*this, pending_mode_, resolved, notice);
            pending_mode_.clear();
            mode_ = std::move(next);
            mode_name_ = resolved;
            if (!notice.empty())
                notify(notice, Severity::warning);
            mode_->on_protocol_changed(*this);
        }
        if (const auto dropped = window_.take_dropped_paths(); !dropped.empty()) {
            mode_->on_drop(*this, dropped);
            request_frames(2);
        }
        if (script_command_) {
            const ScriptAction command = std::move(*script_command_);
            script_command_.reset();
            const std::string error = mode_->script_command(*this, command);
            if (!error.empty()) {
                std::fprintf(stderr, "injmap gui: script: %s: %s\n", command.text.c_str(),
                             error.c_str());
                notify("Script: " + command.text + ": " + error, Severity::warning);
            }
            request_frames(2);
        }
        update_camera();
        layout_panels();
        const ImGuiIO& io = ImGui::GetIO();
        if (!io.WantTextInput) {
            bool help = ImGui::IsKeyPressed(GLFW_KEY_F1, false);
            for (ImWchar c : io.InputQueueCharacters)
                help = help || c == '?';
            if (help)
                show_shortcuts = !show_shortcuts;
            if (!popup_open_before &&
                !ImGui::IsPopupOpen(nullptr,
                                    ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) {
                mode_->shortcuts(*this);
                view_keys();
            }
        }
        handle_viewport_input();

        render::FrameSnapshot snapshot = build_snapshot();
        // The antialiasing pass costs a full-screen pass on llvmpipe, so a changed scene is first
        // drawn plain (fast response) and refined once it has rested for kRefineSeconds.
        // Scripted runs (tests) pay for it only on the frame they save; benchmarks never.
        if (!last_scene_ || !render::same_picture(*last_scene_, snapshot)) {
            last_scene_ = snapshot;
            refine_at_ = now() + kRefineSeconds;
        }
        if (scripted())
            snapshot.antialias = final_frame_ && !options_.bench_frames;
        else if (refine_at_ && now() >= *refine_at_ && !view_drag_.dragging())
            snapshot.antialias = true;
        else
            snapshot.antialias = !refine_at_ && viewport_renderer_->last_was_antialiased();
        if (snapshot.antialias)
            refine_at_.reset();
        (void)viewport_renderer_->draw(snapshot, options_.bench_frames.has_value());
        frame_error_.reset();
    } catch (const std::exception& e) {
        // Close whatever Begin/Push the throwing code left open, then carry on with the last good
        // state.
        ImGui::ErrorCheckEndFrameRecover(recover_log, nullptr);
        frame_error_ = e.what();
        notify(std::string("Error (the last good state is kept): ") + e.what(), Severity::error);
    }
    ImGui::Render();
    if (options_.check_layout && frame_index_ >= 2)
        check_layout(); // before the draw data is changed for drawing (draw_data_rects.hpp)
    // The 3D image goes into its rectangle as a plain copy (after an error: the last good image);
    // the panels fill the rest.
    const glm::vec2 scale = framebuffer_scale();
    const int framebuffer_height = int(std::lround(ImGui::GetIO().DisplaySize.y * scale.y));
    const glm::ivec2 image_at{int(std::lround(viewport_.x * scale.x)),
                              framebuffer_height - int(std::lround(viewport_.y * scale.y)) -
                                  viewport_pixels().y};
    const glm::ivec2 image_size = viewport_renderer_->image_size();
    window_.render_draw_data({image_at.x, image_at.y, image_size.x, image_size.y},
                             ImVec4(colour::panel.x, colour::panel.y, colour::panel.z, 1.0f),
                             [&] { viewport_renderer_->present(image_at.x, image_at.y); });
}

// ---------------------------------------------------------------------------------------------
// Keys every mode shares (listed in the F1 window by view_shortcuts()), unless the mode uses the
// key itself just now (Mode::claims_key: the training drill's 1–4 choose a name).

void App::view_keys() {
    const auto pressed = [&](int key) {
        return !mode_->claims_key(*this, key) && ImGui::IsKeyPressed(key, false);
    };
    for (std::size_t k = 0; k < kViewKeys.size(); ++k)
        if (pressed(GLFW_KEY_1 + int(k)))
            show_view(kViewKeys[k]);
    for (char c : kLayerKeys)
        if (pressed(GLFW_KEY_A + (c - 'A'))) {
            toggle_layer(*this, c);
            request_frames(2);
        }
    if (pressed(GLFW_KEY_Z))
        mode_->frame_current(*this);
    const ModelQueries* scene = mode_->scene(*this);
    const Model* shown = scene ? &scene->model() : model(); // the model on screen
    if (pressed(GLFW_KEY_HOME) && shown) {
        const auto corners = model_corners(*shown);
        frame_points(corners, camera());
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: menu bar, left and right columns, status bar; the 3D view takes what is left.

void App::layout_panels() {
    const ImGuiIO& io = ImGui::GetIO();
    const float scale = window_.content_scale();
    const float width = io.DisplaySize.x, height = io.DisplaySize.y;

    const float menu_h = draw_menu_bar(*this);
    const float status_h = ImGui::GetFrameHeight() + 10.0f * scale;
    const float left_w = std::clamp(width * 0.22f, 250.0f * scale, 360.0f * scale);
    const float right_w = std::clamp(width * 0.28f, 300.0f * scale, 440.0f * scale);
    const float body_h = std::max(1.0f, height - menu_h - status_h);
    viewport_ = {left_w, menu_h, std::max(1.0f, width - left_w - right_w), body_h};

    // No background: the window is cleared to the panel colour already, and on llvmpipe every
    // blended pixel ImGui fills costs (the two columns are ~40% of the window).
    const ImGuiWindowFlags column_flags =
        ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
        ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
    ImGui::SetNextWindowPos({0, menu_h});
    ImGui::SetNextWindowSize({left_w, body_h});
    if (ImGui::Begin("##left", nullptr, column_flags)) {
        if (mode_->shows_protocol_chooser()) {
            trace_shown("protocol-chooser");
            draw_protocol_and_model(*this);
        }
        mode_->left_panel(*this);
    }
    ImGui::End();

    ImGui::SetNextWindowPos({width - right_w, menu_h});
    ImGui::SetNextWindowSize({right_w, body_h});
    if (ImGui::Begin("##right", nullptr, column_flags))
        mode_->right_panel(*this);
    ImGui::End();

    draw_view_toolbar(*this);
    draw_status_bar(*this, {0, height - status_h, width, status_h});
    mode_->overlays(*this);
    if (show_shortcuts)
        draw_shortcuts_window(*this);
}

// ---------------------------------------------------------------------------------------------

bool App::save_screenshot(const std::string& path, std::string& error) const {
    int w = 0, h = 0;
    const auto rgba = window_.read_back_buffer(w, h);
    return write_screenshot(path, w, h, rgba, error);
}

} // namespace injmap::gui
