#pragma once
// Author mode's "Import a head…" wizard, without the window: its steps (pick the file, click the
// points, fit and review, save), the points clicked with their undo, the fitted landmarks and the
// ones dragged to correct them, and the work it hands to worker threads (loading the scan, the
// fit). The window's view of it is app/gui/author_import.cpp; the library calls are
// injmap/models/scan_fit.hpp (load_scan, fit_landmarks, fit_manifest_text).
//
// The scan is shown in the 3D view as a Model of its own (skin only, no landmarks: ScanScene), so
// picking and drawing go through the same ModelQueries and FrameSnapshot as any model.
#include <array>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/models/scan_fit.hpp"
#include "injmap/models/surface_index.hpp"

namespace injmap::gui {

// A scan loaded for the wizard: the Scan, the same skin as a Model for the 3D view and its index
// for picking, the mesh file's group names and its extent in the file's own units.
struct ScanScene {
    Scan scan;
    Model model;                           // skin = scan.skin; id "scan"; nothing else
    std::unique_ptr<ModelQueries> queries; // on `model`
    std::vector<std::string> groups;       // the OBJ's o/g names, in file order (may be empty)
    glm::vec3 file_extent{0.0f}; // bounding box size along the file's x, y, z (file units)
};

// Loads the scan and builds its index. Thread-safe, never throws (errors as diagnostics).
[[nodiscard]] Result<std::shared_ptr<const ScanScene>>
load_scan_scene(const std::filesystem::path& path, const ScanFrame& frame);

// The names of an OBJ's `o` and `g` lines, in file order, each once (empty when there are none or
// the file cannot be read).
[[nodiscard]] std::vector<std::string> obj_group_names(const std::filesystem::path& path);

// Millimetres per unit of the wizard's units ("mm", "cm", "dm", "m", "in"); nullopt otherwise.
[[nodiscard]] std::optional<float> units_mm(std::string_view units);

// How big the scan is with these units and this up axis: height along `up`, width along the axis
// left of it, depth along `forward`, in mm. nullopt when the units or axes are not valid.
struct ScanSize {
    float height_mm = 0, width_mm = 0, depth_mm = 0;
};
[[nodiscard]] std::optional<ScanSize> scan_size(const glm::vec3& file_extent,
                                                const ScanFrame& frame);
// "The scan is 231 mm tall, 180 mm wide, 210 mm deep." plus, when the height is no head's (under
// 150 mm or over 1200 mm), " That is not a head's size: check the units." (the readout of step 1).
[[nodiscard]] std::string size_readout(const ScanSize& size);
[[nodiscard]] bool plausible_head_size(const ScanSize& size);

// The wizard's choices (combo boxes of step 1).
inline constexpr std::array<std::string_view, 5> kScanUnits = {"mm", "cm", "dm", "m", "in"};
inline constexpr std::array<std::string_view, 6> kScanAxes = {"+y", "-y", "+z", "-z", "+x", "-x"};

// The points of step 2: required ones first, then the optional ones, in kFitRequiredPoints and
// kFitOptionalPoints order. Each is given (a model-space point on the scan), skipped (optional
// only) or still to do; undo takes back the last place or skip.
class PointPicks {
public:
    PointPicks();
    [[nodiscard]] const std::vector<std::string>& order() const { return order_; }
    [[nodiscard]] static bool required(std::string_view name);
    // The next point to click: the first neither given nor skipped; nullopt when all are done.
    [[nodiscard]] std::optional<std::string> next() const;
    // Gives a point (any of order(); false for another name). Replaces an earlier value.
    bool place(const std::string& name, const glm::vec3& point);
    // Gives the next point; false when none is left.
    bool place_next(const glm::vec3& point);
    // Skips the next point; false when it is required or none is left.
    bool skip_next();
    // Takes back the last place or skip; false when there is nothing to undo.
    bool undo();
    [[nodiscard]] bool can_undo() const { return !history_.empty(); }
    // Every required point is given (the fit may run).
    [[nodiscard]] bool ready() const;
    [[nodiscard]] const std::map<std::string, glm::vec3>& points() const { return points_; }
    [[nodiscard]] bool skipped(const std::string& name) const { return skipped_.contains(name); }
    void clear();

private:
    struct Change {
        std::string name;
        std::optional<glm::vec3> before; // the point's value before the change
        bool was_skipped = false;
    };
    std::vector<std::string> order_;
    std::map<std::string, glm::vec3> points_;
    std::set<std::string> skipped_;
    std::vector<Change> history_;
};

// The plain words of step 2 for a point: "the nasion — the deepest point of the bridge of the
// nose".
[[nodiscard]] std::string point_prompt(std::string_view name);
// A landmark's name as people read it: "tragion_left" → "Tragion (left)", "c7" → "C7".
[[nodiscard]] std::string landmark_display_name(std::string_view name);

// What the fit worker hands back.
struct FitOutcome {
    std::optional<LandmarkFit> fit;
    Diagnostics diagnostics;
    std::string template_id; // the default model the landmarks were carried from
};
// Loads the template (a generated default model, through the model cache) and fits. Thread-safe.
[[nodiscard]] FitOutcome run_fit(std::shared_ptr<const ScanScene> scene,
                                 std::map<std::string, glm::vec3> points, std::string template_id);

// A manifest id the wizard accepts: 1–64 of a–z, 0–9, '-' and '_', starting with a letter or digit.
[[nodiscard]] bool valid_model_id(std::string_view id);
// A display name the wizard accepts: 1–120 characters, no quote, backslash or control character.
[[nodiscard]] bool valid_model_name(std::string_view name);
// An id made from a file name: "Jane Doe scan.obj" → "jane-doe-scan".
[[nodiscard]] std::string model_id_from(const std::filesystem::path& mesh_path);
// How the manifest names the mesh: its path relative to the manifest's folder when there is one
// without "..", else absolute.
[[nodiscard]] std::string mesh_reference(const std::filesystem::path& manifest_path,
                                         const std::filesystem::path& mesh_path);

// The files of a folder for step 1's list: sub-folders first (names ending in '/'), then mesh files
// (.obj, .ply, .stl, any case), each sorted by name; hidden entries left out. Empty when the folder
// cannot be read.
[[nodiscard]] std::vector<std::string> folder_entries(const std::filesystem::path& folder);

// The wizard. Steps go forward only when their work is done: points needs a loaded scan, review a
// fit, save a fit. Loading and fitting run on worker threads (or at once when `synchronous`, as in
// scripted runs); poll() collects them.
class ImportWizard {
public:
    enum class Step { closed, file, points, review, save };

    [[nodiscard]] Step step() const { return step_; }
    [[nodiscard]] bool open() const { return step_ != Step::closed; }
    void start(); // opens at Step::file, forgetting an earlier import
    void close(); // Step::closed; the scan stays loaded until start()
    // Goes to a step when its work is there (points: a scan; review and save: a fit); false when
    // not, with the reason in `why`.
    bool go_to(Step step, std::string& why);

    // ---- Step 1: the file ----
    std::string path; // the file field
    ScanFrame frame;  // units, up, forward, skin group
    // Starts loading `path` with `frame` (replacing any loaded scan when it succeeds). false, with
    // `why`, when the path is empty or the frame is not valid.
    bool load(bool synchronous, std::string& why);
    [[nodiscard]] bool loading() const { return load_.valid(); }
    [[nodiscard]] const std::shared_ptr<const ScanScene>& scene() const { return scene_; }
    [[nodiscard]] const Diagnostics& load_diagnostics() const { return load_diagnostics_; }
    // The scan's size with the current frame (which may differ from the one it was loaded with
    // while a reload is pending).
    [[nodiscard]] std::optional<ScanSize> size() const;

    // ---- Step 2: the points ----
    PointPicks picks;

    // ---- Step 3: fit and review ----
    std::string template_id = "adult-male";
    // Starts the fit (needs picks.ready()); synchronous: it is done on return, and the next poll()
    // collects it.
    bool fit(bool synchronous, std::string& why);
    [[nodiscard]] bool fitting() const { return fit_.valid(); }
    [[nodiscard]] const std::optional<LandmarkFit>& fitted() const { return fit_result_; }
    [[nodiscard]] const Diagnostics& fit_diagnostics() const { return fit_diagnostics_; }
    // Moves a fitted landmark (model space, on the scan) and marks it corrected; false when there
    // is no fit or no such landmark.
    bool correct(const std::string& name, const glm::vec3& point);
    [[nodiscard]] const std::set<std::string>& corrected() const { return corrected_; }

    // ---- Step 4: save ----
    std::string model_id;
    std::string model_name;
    std::string save_path; // the manifest; empty = next to the mesh as <model_id>.toml
    [[nodiscard]] std::filesystem::path manifest_path() const;
    // Writes the manifest atomically. false, with `why`, when there is no fit, the id or name is
    // not valid, or the write fails. `written` is the path written.
    bool save(std::filesystem::path& written, std::string& why) const;
    // The manifest's text as save() would write it (empty without a fit).
    [[nodiscard]] std::string manifest_text() const;

    // Collects finished work; true when something changed (the window redraws).
    bool poll();

private:
    Step step_ = Step::closed;
    std::future<Result<std::shared_ptr<const ScanScene>>> load_;
    std::shared_ptr<const ScanScene> scene_;
    Diagnostics load_diagnostics_;
    std::future<FitOutcome> fit_;
    std::optional<LandmarkFit> fit_result_;
    Diagnostics fit_diagnostics_;
    std::set<std::string> corrected_;
};

} // namespace injmap::gui
