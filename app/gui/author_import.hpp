#pragma once
// Author mode's "Import a head…" wizard as the window shows it (ImGui panels, the scan and its
// markers in the 3D view, clicks and drags on it, dropped files, --keys commands). The state and
// the work are ImportWizard's (import_wizard.hpp, no window); author mode (mode_author.cpp) hands
// its panels, view and input to this while the wizard is open.
//
// Steps: 1 pick the mesh file (path field, the folder's mesh files, or a file dropped on the
// window; units, up and forward with the scan's size read out), 2 click the points on the scan
// (nasion, both tragions, menton; vertex and C7 or skip), 3 fit and review every landmark carried
// from the default model (given ones green, carried blue, corrected orange; drag a marker to
// correct it), 4 save the manifest next to the mesh (or elsewhere) and open it as the model.
#include <optional>
#include <string>
#include <vector>

#include <glm/vec2.hpp>

#include "gui/app.hpp"
#include "gui/import_wizard.hpp"
#include "gui/key_script.hpp"

namespace injmap::gui {

class ImportWizardView {
public:
    [[nodiscard]] bool open() const { return wizard_.open(); }
    void start(App& app);
    bool poll(App& app);
    [[nodiscard]] bool busy() const { return wizard_.loading() || wizard_.fitting(); }

    void left_panel(App& app);
    void right_panel(App& app);
    void overlays(App& app);
    void shortcuts(App& app);
    void decorate(const App& app, render::FrameSnapshot& frame) const;
    [[nodiscard]] const ModelQueries* scene() const;
    void on_pick(App& app, const PickHit& hit);
    bool begin_drag(App& app, glm::vec2 window_px);
    void drag(App& app, glm::vec2 window_px);
    void end_drag(App& app);
    void on_drop(App& app, const std::vector<std::string>& paths);
    // The import commands of --keys (key_script.hpp); "" when done, else why not.
    std::string script_command(App& app, const ScriptAction& action);
    // Frames the head of the scan from a named view (front, left, right, back, top).
    void frame_scan(App& app, std::string_view view = "front") const;
    [[nodiscard]] static std::string_view view_for(std::string_view point);
    // A marker's point (model space) by landmark name, as the 3D view shows it now.
    [[nodiscard]] std::optional<glm::vec3> landmark(std::string_view name) const;

private:
    // The landmarks the markers show, in marker order (the snapshot's marker index → name).
    [[nodiscard]] std::vector<std::string> marker_names() const;
    [[nodiscard]] std::optional<glm::vec3> on_skin(const glm::vec3& model_point) const;
    void load(App& app);
    void fit(App& app);
    void save(App& app);
    void set_path(const std::string& path);
    void step_header(App& app, int number, const char* title);

    ImportWizard wizard_;
    std::string typed_path_;                  // the path field of step 1 (Enter takes it)
    std::string folder_;                      // the folder the file list shows
    std::vector<std::string> entries_;        // its sub-folders and mesh files
    std::string listed_folder_;               // the folder entries_ were read from
    std::optional<std::string> dragging_;     // the landmark being dragged
    glm::vec2 drag_start_{0.0f};              // where the press was (window pixels)
    bool drag_moved_ = false;                 // past the 3-pixel slop: the marker follows the mouse
    std::string hovered_;                     // the landmark under the mouse (tooltip)
    const ScanScene* framed_scene_ = nullptr; // the scan the camera was last framed on
    std::string last_error_;
    std::optional<std::string> prompted_; // the point the view was last turned for
    [[nodiscard]] std::vector<glm::vec3> head_box() const;
};

} // namespace injmap::gui
