#pragma once
// The GUI's application state and frame loop. App owns everything the window shows: the model, the
// protocol (read, validated, placed), the camera and layers, notices, and the active mode
// (clinician, author, …; mode.hpp). ImGui panels are a per-frame view of this state; each frame App
// builds a const render::FrameSnapshot from it and hands it to the viewport renderer, which never
// sees UI, session or protocol objects.
//
// App is the ImGui/GLFW glue around pieces that need neither (the injmap_app_core library, tested
// without a window): loading.hpp (model and protocol, last good state), camera_control.hpp (camera
// moves and mouse drags), view_pick.hpp (clicks in a frame snapshot), script_player.hpp (--keys),
// frame_stats.hpp (--bench-frames) and screenshot.hpp (--screenshot). Its methods are split by job:
// app.cpp (start-up, services, the frame loop, panel layout), app_snapshot.cpp (the frame
// snapshot), app_documents.cpp (model and protocol), app_view.cpp (camera, mouse, picking, hover
// names), app_script.cpp (feeding --keys). scene_regions.hpp fills the snapshot's regions.
//
// The loop redraws only when something changes: input events, animations (camera moves, the pulsing
// current marker) and modes that ask for frames (file watching). Idle, it sleeps in
// glfwWaitEventsTimeout. Exceptions never cross the frame boundary: a frame that throws is dropped,
// the error is shown, and the last good state stays.
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <glm/ext/vector_int2.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "gui/camera_control.hpp"
#include "gui/gui.hpp"
#include "gui/loading.hpp"
#include "gui/script_player.hpp"
#include "gui/theme.hpp"
#include "gui/view_pick.hpp"
#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::gui {

class Window;
class Mode;
class Viewport3D;

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    [[nodiscard]] bool contains(glm::vec2 p) const {
        return p.x >= x && p.y >= y && p.x < x + w && p.y < y + h;
    }
};

struct Notice {
    std::string text;
    Severity severity = Severity::note;
    double time = 0.0;
};

class App {
public:
    App(Window& window, Fonts fonts, GuiOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Takes the model and protocol given on the command line (load_startup_data); false (and
    // `error`) when either cannot be used, which is a usage error at start-up (later failures only
    // show a notice).
    bool initialise(StartupData data, std::string& error);
    // The frame loop; returns the process exit code.
    int run();

    // ---- Model ----
    [[nodiscard]] const Model* model() const { return documents_.model(); }
    [[nodiscard]] const ModelQueries* queries() const { return documents_.queries(); }
    // Replaces the model (keeping the old one and posting a notice on failure) and re-places the
    // protocol.
    bool load_model(std::string_view id_or_path);
    // The same with a model already loaded.
    bool adopt_model(LoadedModel loaded);

    // ---- Protocol ----
    [[nodiscard]] const LoadedProtocol& protocol() const { return documents_.protocol(); }
    // Opens a protocol by id or path. A protocol that cannot be read leaves the current one in
    // place (its diagnostics are kept in last_open_diagnostics()). false when nothing changed.
    bool open_protocol(std::string_view id_or_path);
    // Installs an already loaded protocol (author mode reloads the file itself).
    void set_protocol(LoadedProtocol loaded);
    [[nodiscard]] const Diagnostics& last_open_diagnostics() const {
        return documents_.last_open_diagnostics();
    }
    // Whether the protocol may be replaced now (a mode may lock it, e.g. during a session).
    [[nodiscard]] bool protocol_locked() const;

    // ---- View ----
    render::Layers layers;
    int skin_tone = 2;
    // Muscle ids (both sides) the muscles and x-ray layers leave out (View > Muscles shown).
    std::vector<std::string> hidden_muscles;
    [[nodiscard]] const render::Camera& camera() const { return camera_.camera(); }
    void set_camera(const render::Camera& camera);  // immediate
    void move_camera(const render::Camera& target); // smooth (< 0.4 s)
    void show_view(std::string_view view_name);     // named view, framing the whole model
    // Frames these points from a named view ("" keeps the current orientation), smoothly.
    void frame_points(std::span<const glm::vec3> points, std::string_view view_name);
    // The same from a given orientation (yaw, pitch and field of view of `orientation`).
    void frame_points(std::span<const glm::vec3> points, const render::Camera& orientation);
    [[nodiscard]] bool camera_moving() const;
    [[nodiscard]] const Rect& viewport() const { return viewport_; }
    // Window pixel → skin hit (with the marker badge under it, if any), picked in the snapshot of
    // the current state (view_pick.hpp).
    [[nodiscard]] std::optional<PickHit> pick(glm::vec2 window_px) const;
    // Model point → window pixel; nullopt when behind the camera.
    [[nodiscard]] std::optional<glm::vec2> to_window(const glm::vec3& point) const;

    // ---- Mode ----
    [[nodiscard]] Mode& mode() { return *mode_; }
    [[nodiscard]] const std::string& mode_name() const { return mode_name_; }
    void switch_mode(std::string_view name); // takes effect at the next frame

    // ---- Services for panels and modes ----
    void notify(std::string text, Severity severity = Severity::note);
    [[nodiscard]] const std::vector<Notice>& notices() const { return notices_; }
    // The notice the status bar shows now (recent, or an error until the next notice); null if
    // none.
    [[nodiscard]] const Notice* current_notice() const;
    [[nodiscard]] const Fonts& fonts() const { return fonts_; }
    [[nodiscard]] const GuiOptions& options() const { return options_; }
    [[nodiscard]] double now() const;    // seconds; simulated (1/30 s per frame) in scripted runs
    [[nodiscard]] bool scripted() const; // --frames, --bench-frames or --keys: no waiting
    void request_frames(int count = 1);  // redraw soon (animations, async changes)
    // INJMAP_GUI_TRACE: on the last frame of a scripted run, "trace: shown WHAT" on stderr, for
    // window tests to see which controls a mode's screen has (e.g. "toggle X-ray").
    void trace_shown(std::string_view what) const;
    bool show_shortcuts = false; // the F1 / ? window
    [[nodiscard]] Viewport3D& viewport_renderer() { return *viewport_renderer_; }

    // Marker numbers: 1-based position of a protocol site in protocol.sites() order.
    [[nodiscard]] int site_number(const Site* site) const;

private:
    void frame(); // one frame, exceptions caught by the caller
    void layout_panels();
    void draw_viewport_overlay(); // the view toolbar over the 3D area
    void handle_viewport_input();
    void view_keys(); // 1–5 views, layer letters, Z frames the current step, Home the model
    void show_hover_name(bool over_view, glm::vec2 mouse);
    void feed_script(); // --keys: one action per frame
    render::FrameSnapshot build_snapshot() const;
    void update_camera();
    void check_layout();       // --check-layout: collects the text this frame cuts
    int report_layout() const; // --check-layout: prints what was cut; the exit code (0 or 3)
    bool save_screenshot(const std::string& path, std::string& error) const;
    void protocol_replaced(); // tells the mode, redraws
    [[nodiscard]] float viewport_aspect() const;
    [[nodiscard]] glm::vec2 framebuffer_scale() const; // framebuffer pixels per window unit
    [[nodiscard]] glm::ivec2 viewport_pixels() const;  // the 3D image size in framebuffer pixels

    Window& window_;
    Fonts fonts_;
    GuiOptions options_;

    Documents documents_;

    CameraMotion camera_;
    Rect viewport_;
    ViewDrag view_drag_;
    bool mode_drag_ = false; // the mode took the left button's drag (Mode::begin_drag)

    std::unique_ptr<Mode> mode_;
    std::string mode_name_;
    std::string pending_mode_;
    std::unique_ptr<Viewport3D> viewport_renderer_;

    std::vector<Notice> notices_;
    std::optional<std::string> frame_error_; // the last exception caught at the frame boundary
    bool notice_cleared_ = true;

    // Script and timing.
    ScriptPlayer script_;
    std::optional<ScriptAction> script_command_; // a mode command fed this frame, run in frame()
    long frame_index_ = 0;
    std::optional<render::FrameSnapshot> last_scene_; // the scene last drawn (antialias ignored)
    std::optional<double> refine_at_;                 // when to redraw it antialiased
    bool trace_ = false;       // INJMAP_GUI_TRACE: script clicks, picks and frame times on stderr
    bool final_frame_ = false; // the last frame of a --frames run (the screenshot)
    // The name under the mouse (hover_text.hpp), for the pixel and scene it was picked for.
    std::string hover_text_;
    glm::vec2 hover_pixel_{-1.0f};
    std::optional<render::FrameSnapshot> hover_scene_;
    render::OverlayLayout hover_layout_; // the markers of hover_scene_ as drawn
    int frames_requested_ = 2;
    double start_time_ = 0.0;
    // --check-layout: "window: text (why)" of every cut text run seen, in first-seen order.
    std::vector<std::string> layout_problems_;
    std::vector<std::string> layout_last_frame_; // what the last frame cut
};

} // namespace injmap::gui
