#pragma once
// The GUI's application state and frame loop. App owns everything the window shows: the model, the
// protocol (read, validated, placed), the camera and layers, notices, and the active mode
// (clinician, author, …; mode.hpp). ImGui panels are a per-frame view of this state; each frame App
// builds a const render::FrameSnapshot from it and hands it to the viewport renderer, which never
// sees UI, session or protocol objects.
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

#include "gui/gui.hpp"
#include "gui/key_script.hpp"
#include "gui/theme.hpp"
#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/frame.hpp"

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

// A protocol as the window uses it: read, validated (with and without the model) and placed.
// `placed` points into `protocol`; the shared_ptr keeps both alive together (a Session holds it
// too).
struct LoadedProtocol {
    std::shared_ptr<const Protocol> protocol;
    PlacedProtocol placed;
    Diagnostics diagnostics;    // reader + validator + placement, in that order
    std::filesystem::path path; // the file it was read from
    [[nodiscard]] bool usable() const { return protocol != nullptr; }
};

// Reads, validates and places a protocol file. `result.protocol` is null when the file could not be
// read into a protocol (diagnostics say why); it is set, with errors listed, when only the
// validator or placement complained. Never throws.
[[nodiscard]] LoadedProtocol load_protocol(const std::filesystem::path& path,
                                           const ModelQueries* model);

// A model as the window uses it: loaded (through the cache) with its surface indices. `model` and
// `queries` are null when the load failed (`diagnostics` say why).
struct LoadedModel {
    std::unique_ptr<Model> model;
    std::unique_ptr<ModelQueries> queries;
    Diagnostics diagnostics;
};
// Loads a model id or manifest and builds its surface indices. Touches no App or GL state, so it
// may run on another thread. Never throws.
[[nodiscard]] LoadedModel load_model_with_queries(std::string_view id_or_path);

// What start-up loads from the command line before the window needs it: the model, and the
// protocol read and placed on it. Built on a worker thread while the window opens.
struct StartupData {
    LoadedModel model;
    std::optional<std::filesystem::path> protocol_path; // when options name a protocol
    LoadedProtocol protocol;
};
[[nodiscard]] StartupData load_startup_data(const GuiOptions& options);

// A hit on the skin under the mouse.
struct PickHit {
    glm::vec3 point{0.0f};
    glm::vec3 normal{0.0f};
    const Muscle* muscle = nullptr;    // the muscle under the skin there, if any
    std::optional<std::size_t> marker; // index into the last snapshot's markers, if a badge was hit
    const SkinRegion* region = nullptr;    // the injection region shown there, if any
    const AvoidStructure* avoid = nullptr; // Avoid layer on: the structure under the mouse, if any
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
    [[nodiscard]] const Model* model() const { return model_.get(); }
    [[nodiscard]] const ModelQueries* queries() const { return queries_.get(); }
    // Replaces the model (keeping the old one and posting a notice on failure) and re-places the
    // protocol.
    bool load_model(std::string_view id_or_path);
    // The same with a model already loaded.
    bool adopt_model(LoadedModel loaded);

    // ---- Protocol ----
    [[nodiscard]] const LoadedProtocol& protocol() const { return protocol_; }
    // Opens a protocol by id or path. A protocol that cannot be read leaves the current one in
    // place (its diagnostics are kept in last_open_diagnostics()). false when nothing changed.
    bool open_protocol(std::string_view id_or_path);
    // Installs an already loaded protocol (author mode reloads the file itself).
    void set_protocol(LoadedProtocol loaded);
    [[nodiscard]] const Diagnostics& last_open_diagnostics() const {
        return last_open_diagnostics_;
    }
    // Whether the protocol may be replaced now (a mode may lock it, e.g. during a session).
    [[nodiscard]] bool protocol_locked() const;

    // ---- View ----
    render::Layers layers;
    int skin_tone = 2;
    // Muscle ids (both sides) the muscles and x-ray layers leave out (View > Muscles shown).
    std::vector<std::string> hidden_muscles;
    [[nodiscard]] const render::Camera& camera() const { return camera_; }
    void set_camera(const render::Camera& camera);  // immediate
    void move_camera(const render::Camera& target); // smooth (< 0.4 s)
    void show_view(std::string_view view_name);     // named view, framing the whole model
    // Frames these points from a named view ("" keeps the current orientation), smoothly.
    void frame_points(std::span<const glm::vec3> points, std::string_view view_name);
    // The same from a given orientation (yaw, pitch and field of view of `orientation`).
    void frame_points(std::span<const glm::vec3> points, const render::Camera& orientation);
    [[nodiscard]] bool camera_moving() const;
    [[nodiscard]] const Rect& viewport() const { return viewport_; }
    // Window pixel → skin hit (with the marker badge under it, if any).
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
    bool show_shortcuts = false;         // the F1 / ? window
    [[nodiscard]] Viewport3D& viewport_renderer() { return *viewport_renderer_; }

    // Marker numbers: 1-based position of a protocol site in protocol.sites() order.
    [[nodiscard]] int site_number(const Site* site) const;

private:
    void frame(); // one frame, exceptions caught by the caller
    void layout_panels();
    void draw_viewport_overlay(); // the view toolbar over the 3D area
    void handle_viewport_input();
    void show_hover_name(bool over_view, glm::vec2 mouse);
    void feed_script(); // --keys: one action per frame
    render::FrameSnapshot build_snapshot() const;
    void add_regions(render::FrameSnapshot& frame) const;
    void update_camera();
    bool save_screenshot(const std::string& path, std::string& error) const;
    void replace_protocol(LoadedProtocol loaded);
    [[nodiscard]] float viewport_aspect() const;
    [[nodiscard]] glm::vec2 framebuffer_scale() const; // framebuffer pixels per window unit
    [[nodiscard]] glm::ivec2 viewport_pixels() const;  // the 3D image size in framebuffer pixels

    Window& window_;
    Fonts fonts_;
    GuiOptions options_;

    std::unique_ptr<Model> model_;
    std::unique_ptr<ModelQueries> queries_;
    LoadedProtocol protocol_;
    Diagnostics last_open_diagnostics_;

    render::Camera camera_;
    render::Camera camera_target_; // where the camera is going (or is)
    render::CameraTransition camera_transition_;
    double camera_move_start_ = -1.0; // < 0: not moving
    Rect viewport_;
    glm::vec2 drag_start_{0.0f};
    bool dragging_ = false;
    int drag_button_ = -1;

    std::unique_ptr<Mode> mode_;
    std::string mode_name_;
    std::string pending_mode_;
    std::unique_ptr<Viewport3D> viewport_renderer_;

    std::vector<Notice> notices_;
    std::optional<std::string> frame_error_; // the last exception caught at the frame boundary
    bool notice_cleared_ = true;

    // Script and timing.
    std::vector<ScriptAction> script_;
    std::size_t script_pos_ = 0;
    int script_wait_ = 0;
    int script_key_held_ = -1; // a scripted key pressed last frame, released this frame
    bool script_click_release_ = false;
    glm::vec2 script_mouse_{-1.0f, -1.0f};
    long frame_index_ = 0;
    std::optional<render::FrameSnapshot> last_scene_; // the scene last drawn (antialias ignored)
    std::optional<double> refine_at_;                 // when to redraw it antialiased
    bool trace_ = false;       // INJMAP_GUI_TRACE: script clicks, picks and frame times on stderr
    bool final_frame_ = false; // the last frame of a --frames run (the screenshot)
    // The name under the mouse (hover_text.hpp), for the pixel and scene it was picked for.
    std::string hover_text_;
    glm::vec2 hover_pixel_{-1.0f};
    std::optional<render::FrameSnapshot> hover_scene_;
    bool script_hover_ = false; // a scripted hover-landmark: show the hover name in scripted runs
    int frames_requested_ = 2;
    double start_time_ = 0.0;
};

} // namespace injmap::gui
