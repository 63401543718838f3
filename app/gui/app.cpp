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
#include <limits>
#include <set>

#include "gui/hover_text.hpp"
#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "gui/viewport.hpp"
#include "gui/window.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/skin_regions.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/picking.hpp"
#include "injmap/render/png.hpp"

namespace injmap::gui {
namespace {

constexpr double kScriptedFrameSeconds = 1.0 / 30.0;
constexpr float kClickSlopPx = 5.0f;
constexpr double kNoticeSeconds = 10.0;
constexpr double kRefineSeconds = 0.25; // rest before an antialiased redraw

void recover_log(void*, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::vfprintf(stderr, fmt, args);
    va_end(args);
    std::fputc('\n', stderr);
}

Diagnostic make_error(std::string rule, std::string message, const std::string& file = {}) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = file;
    return d;
}

std::string first_error(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        if (d.severity == Severity::error)
            return format_diagnostic(d);
    return diagnostics.empty() ? std::string("unknown error")
                               : format_diagnostic(diagnostics.front());
}

// Eight corners of the skin's bounding box: enough to frame the whole model.
std::vector<glm::vec3> model_corners(const Model& model) {
    const Bounds b = bounds_of(model.skin);
    std::vector<glm::vec3> corners;
    for (int i = 0; i < 8; ++i)
        corners.push_back({(i & 1) ? b.max.x : b.min.x, (i & 2) ? b.max.y : b.min.y,
                           (i & 4) ? b.max.z : b.min.z});
    return corners;
}

} // namespace

LoadedProtocol load_protocol(const std::filesystem::path& path, const ModelQueries* model) {
    LoadedProtocol out;
    out.path = path;
    try {
        Result<Protocol> read = read_protocol_file(path);
        out.diagnostics = read.diagnostics;
        if (!read.ok())
            return out;
        auto protocol = std::make_shared<Protocol>(std::move(*read.value));
        Diagnostics checks = validate_protocol(*protocol);
        out.diagnostics.insert(out.diagnostics.end(), checks.begin(), checks.end());
        if (model) {
            Result<PlacedProtocol> placed = place_protocol(*protocol, *model);
            out.diagnostics.insert(out.diagnostics.end(), placed.diagnostics.begin(),
                                   placed.diagnostics.end());
            if (placed.value) {
                out.placed = std::move(*placed.value);
                Diagnostics on_model = validate_on_model(*protocol, out.placed, *model);
                out.diagnostics.insert(out.diagnostics.end(), on_model.begin(), on_model.end());
            }
        }
        out.protocol = std::move(protocol);
    } catch (const std::exception& e) {
        // Readers promise not to throw; if one does (out of memory), the file is simply not usable.
        out.protocol.reset();
        out.placed = {};
        out.diagnostics.push_back(
            make_error("protocol.io", std::string("cannot read: ") + e.what(), path.string()));
    }
    return out;
}

App::App(Window& window, Fonts fonts, GuiOptions options)
    : window_(window), fonts_(fonts), options_(std::move(options)) {
    viewport_renderer_ = std::make_unique<Viewport3D>();
    if (!viewport_renderer_->has_renderer())
        notify("The 3D view is unavailable: " + viewport_renderer_->error(), Severity::error);
}

App::~App() {
    mode_.reset();
    if (model_)
        viewport_renderer_->forget_model(model_.get());
}

LoadedModel load_model_with_queries(std::string_view id_or_path) {
    LoadedModel out;
    try {
        Result<Model> loaded = load_model_by_name(id_or_path);
        out.diagnostics = std::move(loaded.diagnostics);
        if (loaded.value && !has_errors(out.diagnostics)) {
            out.model = std::make_unique<Model>(std::move(*loaded.value));
            out.queries = std::make_unique<ModelQueries>(*out.model);
        }
    } catch (const std::exception& e) {
        out.model.reset();
        out.queries.reset();
        out.diagnostics.push_back(make_error("manifest.io", e.what(), std::string(id_or_path)));
    }
    return out;
}

StartupData load_startup_data(const GuiOptions& options) {
    StartupData data;
    data.model = load_model_with_queries(options.model);
    if (!options.protocol.empty()) {
        data.protocol_path = resolve_protocol(options.protocol);
        if (data.protocol_path)
            data.protocol = load_protocol(*data.protocol_path, data.model.queries.get());
    }
    return data;
}

bool App::initialise(StartupData data, std::string& error) {
    if (!options_.keys.empty()) {
        auto parsed = parse_key_script(options_.keys, error);
        if (!parsed)
            return false;
        script_ = std::move(*parsed);
    }
    if (!adopt_model(std::move(data.model))) {
        error =
            "cannot load model '" + options_.model + "': " + first_error(last_open_diagnostics_);
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
        protocol_ = std::move(loaded);
    }
    std::string notice;
    mode_ = make_mode(*this, options_.mode, mode_name_, notice);
    if (!notice.empty())
        notify(notice, Severity::warning);
    show_view("front");
    mode_->on_protocol_changed(*this);
    set_camera(camera_target_); // the first frame starts where the mode wants it, without a move
    return true;
}

// ---------------------------------------------------------------------------------------------
// Model and protocol

bool App::load_model(std::string_view id_or_path) {
    return adopt_model(load_model_with_queries(id_or_path));
}

bool App::adopt_model(LoadedModel loaded) {
    if (!loaded.model) {
        last_open_diagnostics_ = loaded.diagnostics;
        if (model_)
            notify("Model not changed: " + first_error(loaded.diagnostics), Severity::error);
        return false;
    }
    auto model = std::move(loaded.model);
    auto queries = std::move(loaded.queries);
    if (model_)
        viewport_renderer_->forget_model(model_.get());
    // The protocol's placement points at the old model's muscles: place again before the old model
    // goes.
    std::swap(model_, model);
    std::swap(queries_, queries);
    if (protocol_.path.empty() == false) {
        LoadedProtocol replaced = load_protocol(protocol_.path, queries_.get());
        if (replaced.usable())
            protocol_ = std::move(replaced);
        else
            protocol_.placed = {};
    }
    if (mode_)
        mode_->on_protocol_changed(*this);
    request_frames(2);
    return true;
}

bool App::protocol_locked() const {
    return mode_ && mode_->locks_protocol();
}

bool App::open_protocol(std::string_view id_or_path) {
    last_open_diagnostics_.clear();
    const auto path = resolve_protocol(id_or_path);
    if (!path) {
        last_open_diagnostics_.push_back(
            make_error("protocol.io", "no such protocol file or id: " + std::string(id_or_path),
                       std::string(id_or_path)));
        notify("No protocol '" + std::string(id_or_path) + "'", Severity::error);
        return false;
    }
    LoadedProtocol loaded = load_protocol(*path, queries_.get());
    if (!loaded.usable()) {
        last_open_diagnostics_ = loaded.diagnostics;
        notify("Cannot open " + path->filename().string() + ": " + first_error(loaded.diagnostics),
               Severity::error);
        return false;
    }
    replace_protocol(std::move(loaded));
    return true;
}

void App::set_protocol(LoadedProtocol loaded) {
    replace_protocol(std::move(loaded));
}

void App::replace_protocol(LoadedProtocol loaded) {
    protocol_ = std::move(loaded);
    if (mode_)
        mode_->on_protocol_changed(*this);
    request_frames(2);
}

int App::site_number(const Site* site) const {
    if (!protocol_.usable() || !site)
        return 0;
    const auto sites = protocol_.protocol->sites();
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i] == site)
            return static_cast<int>(i) + 1;
    return 0;
}

// ---------------------------------------------------------------------------------------------
// Camera

void App::set_camera(const render::Camera& camera) {
    camera_ = camera;
    camera_target_ = camera;
    camera_transition_ = render::CameraTransition();
    camera_move_start_ = -1.0;
    request_frames(1);
}

void App::move_camera(const render::Camera& target) {
    camera_target_ = target;
    camera_transition_ = render::CameraTransition(camera_, target);
    camera_move_start_ = now();
    request_frames(2);
}

bool App::camera_moving() const {
    return camera_move_start_ >= 0.0 &&
           !camera_transition_.finished(static_cast<float>(now() - camera_move_start_));
}

void App::update_camera() {
    if (camera_move_start_ < 0.0)
        return;
    const float elapsed = static_cast<float>(now() - camera_move_start_);
    camera_ = camera_transition_.at(elapsed);
    if (camera_transition_.finished(elapsed))
        camera_move_start_ = -1.0;
    request_frames(1);
}

float App::viewport_aspect() const {
    return viewport_.w > 1 && viewport_.h > 1
               ? viewport_.w / viewport_.h
               : float(options_.width) / float(std::max(1, options_.height));
}

void App::show_view(std::string_view view_name) {
    if (!model_)
        return;
    const auto corners = model_corners(*model_);
    const auto framed = render::frame_points(corners, view_name, viewport_aspect(), 0.06f);
    if (framed)
        move_camera(*framed);
}

void App::frame_points(std::span<const glm::vec3> points, std::string_view view_name) {
    if (points.empty())
        return;
    std::optional<render::Camera> framed;
    if (!view_name.empty())
        framed = render::frame_points(points, view_name, viewport_aspect(), 0.22f, 200.0f);
    if (!framed)
        framed = render::frame_points(points, camera_target_, viewport_aspect(), 0.22f, 200.0f);
    move_camera(*framed);
}

void App::frame_points(std::span<const glm::vec3> points, const render::Camera& orientation) {
    if (points.empty())
        return;
    move_camera(render::frame_points(points, orientation, viewport_aspect(), 0.22f, 200.0f));
}

glm::vec2 App::framebuffer_scale() const {
    const ImGuiIO& io = ImGui::GetIO();
    return {io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f,
            io.DisplayFramebufferScale.y > 0 ? io.DisplayFramebufferScale.y : 1.0f};
}

glm::ivec2 App::viewport_pixels() const {
    const glm::vec2 s = framebuffer_scale();
    return {std::max(16, int(std::lround(viewport_.w * s.x))),
            std::max(16, int(std::lround(viewport_.h * s.y)))};
}

std::optional<PickHit> App::pick(glm::vec2 window_px) const {
    if (!queries_ || !viewport_.contains(window_px))
        return std::nullopt;
    const glm::vec2 scale = framebuffer_scale();
    const glm::ivec2 size = viewport_pixels();
    const glm::vec2 local = (window_px - glm::vec2(viewport_.x, viewport_.y)) * scale;
    PickHit hit;
    // A marker badge under the mouse wins over the skin behind it.
    const auto& layout = viewport_renderer_->layout();
    float best = 1e9f;
    for (std::size_t i = 0; i < layout.markers.size(); ++i) {
        const auto& m = layout.markers[i];
        if (!m.visible)
            continue;
        const float d = glm::length(m.centre - local);
        if (d <= std::max(m.radius_px * 1.4f, 8.0f) && d < best) {
            best = d;
            hit.marker = i;
        }
    }
    const render::Ray ray = render::pixel_ray(camera_, size.x, size.y, local);
    if (layers.avoid) {
        // Drawn on top of everything under the skin: the first one along the ray.
        const Model& model = queries_->model();
        float nearest = std::numeric_limits<float>::infinity();
        for (std::size_t i = 0; i < model.avoid.size(); ++i)
            if (auto a = queries_->avoid_index(i).ray_cast(ray.origin, ray.direction, nearest)) {
                nearest = a->distance;
                hit.avoid = &model.avoid[i];
            }
    }
    const auto surface = queries_->skin().ray_cast(ray.origin, ray.direction);
    if (!surface && !hit.marker)
        return std::nullopt;
    if (surface) {
        hit.point = surface->point;
        hit.normal = surface->normal;
        hit.muscle = queries_->muscle_under(surface->point, surface->normal);
        if (last_scene_ && model_)
            hit.region =
                render::region_under(*last_scene_, *model_, surface->triangle, surface->point);
    }
    return hit;
}

std::optional<glm::vec2> App::to_window(const glm::vec3& point) const {
    const glm::ivec2 size = viewport_pixels();
    const render::ScreenPoint sp = render::project(camera_, size.x, size.y, point);
    if (!sp.in_front)
        return std::nullopt;
    return glm::vec2(viewport_.x, viewport_.y) + sp.pixel / framebuffer_scale();
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
        long script_frames = 0;
        for (const auto& a : script_)
            script_frames += a.kind == ScriptAction::Kind::key    ? 2
                             : a.kind == ScriptAction::Kind::wait ? a.frames
                                                                  : 1;
        limit = script_frames + 30;
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
    if (bench && !frame_ms.empty()) {
        std::sort(frame_ms.begin(), frame_ms.end());
        const double median =
            frame_ms.size() % 2
                ? frame_ms[frame_ms.size() / 2]
                : 0.5 * (frame_ms[frame_ms.size() / 2 - 1] + frame_ms[frame_ms.size() / 2]);
        const std::size_t p95_index =
            std::min(frame_ms.size() - 1,
                     static_cast<std::size_t>(std::ceil(0.95 * double(frame_ms.size()))) - 1);
        std::printf("frame_ms median=%.2f p95=%.2f\n", median, frame_ms[p95_index]);
        std::fflush(stdout);
    }
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
                                    ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel))
                mode_->shortcuts(*this);
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
        else if (refine_at_ && now() >= *refine_at_ && !dragging_)
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

render::FrameSnapshot App::build_snapshot() const {
    render::FrameSnapshot frame;
    frame.model = model_.get();
    frame.skin_index = queries_ ? &queries_->skin() : nullptr;
    frame.layers = layers;
    frame.skin_tone = skin_tone;
    frame.hidden_muscles = hidden_muscles;
    frame.camera = camera_;
    const glm::ivec2 size = viewport_pixels();
    frame.width = size.x;
    frame.height = size.y;
    frame.ui_scale = window_.content_scale() * framebuffer_scale().y;
    frame.antialias = false; // decided in frame(): see refine_at_
    add_protocol_markers(*this, frame);
    mode_->decorate(*this, frame);
    add_regions(frame);
    return frame;
}

// The injection regions (issue #15) in the clinician, patient, author and training modes with a
// migraine protocol (or none): the current step's regions (those of the sites marked current)
// strong, the others faint; all alike when no step is current. A cervical dystonia plan tints its
// muscles on the skin instead.
void App::add_regions(render::FrameSnapshot& frame) const {
    const Protocol* protocol = protocol_.usable() ? protocol_.protocol.get() : nullptr;
    const bool cd =
        mode_name_ == "cd" || (protocol && protocol->indication == std::string(kCervicalDystonia));
    frame.skin_muscle_tint = cd;
    if (cd && protocol && model_ && mode_name_ != "cd") {
        // A cervical dystonia step treats one side of a muscle: highlight (and tint) that side,
        // from the current sites (the CD planner highlights by side already).
        std::set<std::string> sided;
        for (const auto& marker : frame.markers)
            if (marker.state == render::MarkerState::current)
                if (const Site* site = protocol->find_site(marker.id))
                    for (const auto& id : model_->expand_muscle_key(site->muscle))
                        sided.insert(
                            site->side == Side::midline ? id : id + "_" + to_string(site->side));
        if (!sided.empty())
            frame.highlighted_muscles.assign(sided.begin(), sided.end());
    }
    if (cd || !model_ || model_->regions.empty())
        return;
    std::set<std::string> current;
    if (protocol)
        for (const auto& marker : frame.markers)
            if (marker.state == render::MarkerState::current)
                if (const Site* site = protocol->find_site(marker.id))
                    if (auto r = region_for_muscle(site->muscle, to_string(site->side)); !r.empty())
                        current.insert(r);
    for (const auto& r : model_->regions)
        frame.regions.push_back(
            {r.id, current.empty() ? 0.75f : (current.count(r.id) ? 1.0f : 0.3f)});
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
        if (mode_->shows_protocol_chooser())
            draw_protocol_and_model(*this);
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
// Mouse on the 3D view: left drag orbits, right or middle drag (or shift + left) pans, the wheel
// zooms, a click without dragging goes to the mode.

void App::handle_viewport_input() {
    ImGuiIO& io = ImGui::GetIO();
    const glm::vec2 mouse{io.MousePos.x, io.MousePos.y};
    const bool over_view = viewport_.contains(mouse) && !io.WantCaptureMouse &&
                           !ImGui::IsWindowHovered(ImGuiHoveredFlags_AnyWindow);
    if (std::getenv("INJMAP_GUI_TRACE") && ImGui::IsMouseClicked(0))
        std::fprintf(stderr, "trace: mouse down at %.1f,%.1f over_view=%d capture=%d\n", mouse.x,
                     mouse.y, int(over_view), int(io.WantCaptureMouse));
    for (int button = 0; button < 3; ++button) {
        if (ImGui::IsMouseClicked(button) && over_view && drag_button_ < 0) {
            drag_button_ = button;
            drag_start_ = mouse;
            dragging_ = false;
        }
    }
    if (drag_button_ >= 0) {
        const int b = drag_button_;
        if (ImGui::IsMouseDown(b)) {
            if (glm::length(mouse - drag_start_) > kClickSlopPx)
                dragging_ = true;
            if (dragging_ && (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f)) {
                render::Camera c = camera_;
                const bool pan = b != 0 || io.KeyShift;
                c = pan ? render::pan(c, io.MouseDelta.x * framebuffer_scale().x,
                                      io.MouseDelta.y * framebuffer_scale().y, viewport_pixels().y)
                        : render::orbit(c, io.MouseDelta.x, io.MouseDelta.y);
                set_camera(c);
            }
        } else {
            if (!dragging_ && b == 0) {
                const auto hit = pick(drag_start_);
                if (std::getenv("INJMAP_GUI_TRACE"))
                    std::fprintf(stderr, "trace: pick at %.1f,%.1f: %s%s\n", drag_start_.x,
                                 drag_start_.y, hit ? "hit" : "miss",
                                 hit && hit->muscle ? (" " + hit->muscle->key()).c_str() : "");
                if (hit)
                    mode_->on_pick(*this, *hit);
            }
            drag_button_ = -1;
            dragging_ = false;
            request_frames(1);
        }
    }
    if (over_view && io.MouseWheel != 0.0f)
        set_camera(render::zoom(camera_, io.MouseWheel));
    // Scripted runs (tests, screenshots) show it only after a hover-landmark action.
    show_hover_name(over_view && drag_button_ < 0 && (!scripted() || script_hover_), mouse);
}

// The name of the muscle or bone under the mouse as a tooltip, picked in the scene last drawn
// (what is on screen); picked again only when the mouse or the scene changed.
void App::show_hover_name(bool over_view, glm::vec2 mouse) {
    if (!over_view || !queries_ || !last_scene_ || last_scene_->model != &queries_->model())
        return;
    const glm::vec2 local = (mouse - glm::vec2(viewport_.x, viewport_.y)) * framebuffer_scale();
    if (local != hover_pixel_ || !hover_scene_ ||
        !render::same_picture(*hover_scene_, *last_scene_)) {
        hover_pixel_ = local;
        hover_scene_ = last_scene_;
        hover_text_ =
            hover_text(render::pick(*last_scene_, *queries_, local, &viewport_renderer_->layout()));
        if (std::getenv("INJMAP_GUI_TRACE"))
            std::fprintf(stderr, "trace: hover at %.1f,%.1f: %s\n", mouse.x, mouse.y,
                         hover_text_.empty() ? "(nothing)" : hover_text_.c_str());
    }
    if (!hover_text_.empty())
        ImGui::SetTooltip("%s", hover_text_.c_str());
}

// ---------------------------------------------------------------------------------------------
// --keys: scripted input through ImGui's input state, between the backend's NewFrame (which reads
// the real devices) and ImGui::NewFrame (which derives pressed/released from it).

void App::feed_script() {
    ImGuiIO& io = ImGui::GetIO();
    if (script_mouse_.x >= 0.0f)
        io.MousePos = {script_mouse_.x, script_mouse_.y};
    if (script_click_release_) {
        io.MouseDown[0] = false;
        script_click_release_ = false;
        return;
    }
    if (script_key_held_ >= 0) {
        io.KeysDown[script_key_held_] = false;
        script_key_held_ = -1;
        return;
    }
    if (script_wait_ > 0) {
        --script_wait_;
        return;
    }
    if (script_pos_ >= script_.size())
        return;
    const ScriptAction& a = script_[script_pos_++];
    switch (a.kind) {
    case ScriptAction::Kind::key:
        io.KeysDown[a.key] = true;
        script_key_held_ = a.key;
        break;
    case ScriptAction::Kind::text:
        io.AddInputCharactersUTF8(a.text.c_str());
        break;
    case ScriptAction::Kind::click:
        script_mouse_ = {a.x, a.y};
        io.MousePos = {a.x, a.y};
        io.MouseDown[0] = true;
        script_click_release_ = true;
        break;
    case ScriptAction::Kind::click_landmark:
    case ScriptAction::Kind::hover_landmark: {
        std::optional<glm::vec2> at;
        if (model_)
            if (auto p = model_->landmark(a.text))
                at = to_window(*p);
        if (!at) {
            notify("Script: no landmark '" + a.text + "' on screen", Severity::warning);
            break;
        }
        script_mouse_ = *at;
        io.MousePos = {at->x, at->y};
        if (a.kind == ScriptAction::Kind::hover_landmark) {
            script_hover_ = true; // the mouse rests there
        } else {
            io.MouseDown[0] = true;
            script_click_release_ = true;
        }
        break;
    }
    case ScriptAction::Kind::click_site: {
        std::optional<glm::vec2> at;
        if (protocol_.usable()) {
            const auto sites = protocol_.protocol->sites();
            for (std::size_t i = 0; i < sites.size() && i < protocol_.placed.sites.size(); ++i)
                if (sites[i]->id == a.text && protocol_.placed.sites[i].placed)
                    at = to_window(protocol_.placed.sites[i].position);
        }
        if (!at) {
            notify("Script: no site '" + a.text + "' on screen", Severity::warning);
            break;
        }
        *at += glm::vec2(a.x, a.y);
        if (std::getenv("INJMAP_GUI_TRACE"))
            std::fprintf(
                stderr, "trace: click-site %s at %.1f,%.1f (viewport %.0f,%.0f %.0fx%.0f)\n",
                a.text.c_str(), at->x, at->y, viewport_.x, viewport_.y, viewport_.w, viewport_.h);
        script_mouse_ = *at;
        io.MousePos = {at->x, at->y};
        io.MouseDown[0] = true;
        script_click_release_ = true;
        break;
    }
    case ScriptAction::Kind::wait:
        script_wait_ = a.frames - 1;
        break;
    }
}

// ---------------------------------------------------------------------------------------------

bool App::save_screenshot(const std::string& path, std::string& error) const {
    int w = 0, h = 0;
    const auto rgba = window_.read_back_buffer(w, h);
    if (rgba.empty()) {
        error = "cannot read the window's pixels";
        return false;
    }
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    if (!render::write_png(path, w, h, rgba, error)) {
        error = "cannot write screenshot " + path;
        return false;
    }
    return true;
}

} // namespace injmap::gui
