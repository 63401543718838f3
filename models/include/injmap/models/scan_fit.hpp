#pragma once
// Assisted landmarking of a patient's own head scan (`injmap model fit`, author mode's "Import a
// head…"): the user gives a few points on the scan (nasion, both tragions, menton; vertex and C7
// when the scan has them), injmap aligns its default model to the scan — a similarity on the
// points, then a non-rigid registration of the template skin onto the scan's — carries every
// template landmark across onto the scan's skin and writes a manifest for it. Plain data and
// functions, no GL.
//
// Rule ids (stable): fit.missing-point (error: a required point is absent), fit.unknown-point
// (error: a name the template has no landmark for, with a did-you-mean), fit.point-off-skin
// (warning: a given point lies far from the scan's skin), fit.degenerate (error: the points do not
// fix a similarity, e.g. all on one line), fit.points-mismatch (error: no similarity brings the
// head's points onto the template's — left and right swapped, names mixed up, wrong units or
// axes), fit.landmark-uncovered (warning: template landmarks
// that fall where the scan has no skin, left out of the fit), plus the mesh readers' obj.* (and
// ply.*, stl.*) rules and manifest.unknown-units / manifest.bad-axes for the frame.
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/models/mesh.hpp"
#include "injmap/models/model.hpp"

namespace injmap {

// How a mesh file's coordinates map to model space, as a manifest's [mesh] and [skin] say it.
struct ScanFrame {
    std::string units = "mm";     // "mm", "cm", "dm", "m" or "in"
    std::string up = "+y";        // "+x", "-x", "+y", "-y", "+z" or "-z"
    std::string forward = "+z";   // likewise; perpendicular to up
    std::string skin_group = "*"; // the OBJ group that is the skin; "*" = every group
};

// A scan loaded for fitting: its skin in model space (mm, +Y up, +Z forward, +X the subject's
// left), with normals, and the frame to convert points back to the file's own units and axes.
struct Scan {
    std::filesystem::path path;
    ScanFrame frame;
    Mesh skin;
    float mm_per_unit = 1.0f;
    glm::vec3 file_left{1, 0, 0}, file_up{0, 1, 0},
        file_forward{0, 0, 1}; // model axes in file space

    [[nodiscard]] glm::vec3 to_model(const glm::vec3& file_point) const;
    [[nodiscard]] glm::vec3 to_file(const glm::vec3& model_point) const;
};

// The frame's parts as a manifest's [mesh] reads them (the manifest reader's own rules):
// millimetres per unit ("mm", "cm", "dm", "m", "in"), and an axis name ("+x" … "-z") as a
// file-space direction; nullopt for anything else.
[[nodiscard]] std::optional<float> mesh_unit_mm(std::string_view units);
[[nodiscard]] std::optional<glm::vec3> mesh_axis(std::string_view name);

// Reads the mesh file and converts it to model space. Errors as the mesh readers and the manifest's
// frame report them; a value only without errors. Never throws.
[[nodiscard]] Result<Scan> load_scan(const std::filesystem::path& mesh_path,
                                     const ScanFrame& frame);

// The points a fit needs, and those it also uses when they are given.
inline constexpr std::array<std::string_view, 4> kFitRequiredPoints = {"nasion", "tragion_left",
                                                                       "tragion_right", "menton"};
inline constexpr std::array<std::string_view, 2> kFitOptionalPoints = {"vertex", "c7"};

struct LandmarkFit {
    // Every landmark of the template, carried onto the scan's skin; model space.
    std::map<std::string, glm::vec3> landmarks;
    std::set<std::string> given;   // names that came from the user's points (kept, snapped to skin)
    float scale = 1.0f;            // the similarity's scale, template → scan
    float points_rms_mm = 0.0f;    // residual of the similarity at the given points
    float surface_mean_mm = 0.0f;  // mean distance of the registered template skin to the scan's
    float matched_fraction = 0.0f; // of the template's (coarse) skin vertices matched on the scan
    // Template landmarks left out: where the scan has no skin (fit.landmark-uncovered).
    std::vector<std::string> uncovered;
};

// Aligns `template_model` (normally a generated default model) to the scan and carries its
// landmarks across. `points` are in model space (Scan::to_model of the file points).
[[nodiscard]] Result<LandmarkFit> fit_landmarks(const Scan& scan,
                                                const std::map<std::string, glm::vec3>& points,
                                                const Model& template_model);

// The text of a manifest (docs/model-manifest.md) for the scan with the fitted landmarks, written
// in the file's own units and axes, naming the mesh file by `mesh_reference` (a path relative to
// where the manifest will be saved, or absolute).
[[nodiscard]] std::string fit_manifest_text(const Scan& scan, const LandmarkFit& fit,
                                            std::string_view id, std::string_view name,
                                            std::string_view mesh_reference);

} // namespace injmap
