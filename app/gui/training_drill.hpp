#pragma once
// The training drills' choices that need no window (mode_training.cpp shows them):
//   - the camera of a question: a neutral view that shows the head (and every part of the body the
//     protocol treats) from the question's side, the same for every question asked from that side,
//     so the view never points at the answer; should a site asked from that side still fall near
//     the middle of the view, the view is moved until none does (a click at the centre must not
//     score);
//   - the layers each drill shows, so that its question can be seen (a glowing muscle under the
//     skin needs the x-ray layer);
//   - the names a trainee reads for a site ("Paraspinal 1 (right)", not "paraspinal_1_right").
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/render/frame.hpp"

namespace injmap::gui {

enum class DrillKind { place_sites, find_muscle, name_muscle };

// How far from the view's centre (a fraction of the view's half height) an asked point is kept.
inline constexpr float kDrillKeepOut = 0.18f;
// The head: the skin down to this many millimetres below its top (at the head's width).
inline constexpr float kDrillHeadHeightMm = 250.0f;

// The region a drill's questions are asked in: the head (the top kDrillHeadHeightMm of the skin,
// its width and depth there, not the shoulders') and every site of the protocol (`sites`, e.g. the
// trapezius on the shoulders). It depends on the protocol, never on the question.
[[nodiscard]] std::vector<glm::vec3> drill_region(const Model& model,
                                                  std::span<const glm::vec3> sites);

// The camera of a question: `region` framed from the named `view` (empty or unknown: front) for a
// view of width/height `aspect`; then, if a point of `asked` lies within `keep_out` of the view's
// centre, the picture is moved sideways by the least that takes every one of them out (same side,
// same zoom). Pass every site asked from that side as `asked` and the camera is the same for each
// of their questions. nullopt when the region is empty.
[[nodiscard]] std::optional<render::Camera> drill_camera(std::span<const glm::vec3> region,
                                                         std::string_view view, float aspect,
                                                         std::span<const glm::vec3> asked,
                                                         float keep_out = kDrillKeepOut);

// How far `point` lies from the centre of `camera`'s view, as a fraction of its half height
// (infinite when the point is behind the camera).
[[nodiscard]] float drill_centre_distance(const render::Camera& camera, float aspect,
                                          const glm::vec3& point);

// The layers a drill shows, from the layers the user had (`base`): every drill hides the needles;
// placing sites shows the skin alone (the answer is a point on it: no see-through skin, muscles,
// bones or structures to avoid, which would show where the muscle lies); the muscle drills show the
// muscles through the skin (x-ray), so the muscle asked for, or the one that glows, can be seen.
[[nodiscard]] render::Layers drill_layers(DrillKind drill, render::Layers base);

// The name a person reads for a site: its id as written, in words, and its side —
// "Paraspinal 1 (right)", "Corrugator (left)", "Procerus". Not for files (they keep the ids).
[[nodiscard]] std::string site_display_name(const Site& site);

} // namespace injmap::gui
