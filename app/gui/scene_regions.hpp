#pragma once
// What the snapshot shows on the skin for the open protocol (issue #15): the injection regions in
// the clinician, patient, author and training modes with a migraine protocol (or none) — the
// current step's regions strong, the others faint, all alike when no step is current — and for a
// cervical dystonia plan the muscles tinted on the skin, the current step's side highlighted. No
// ImGui: App calls it on each frame's snapshot after the mode has decorated it.
#include <string_view>

#include "injmap/models/model.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/render/frame.hpp"

namespace injmap::gui {

// Region strengths (FrameSnapshot::regions).
inline constexpr float kRegionCurrent = 1.0f; // a region of a current site
inline constexpr float kRegionOther = 0.3f;   // the others, while a site is current
inline constexpr float kRegionAll = 0.75f;    // every region, when no site is current

// Reads the markers of `frame` (their ids are site ids of `protocol`; MarkerState::current marks
// the current step) and fills skin_muscle_tint, highlighted_muscles (cervical dystonia outside the
// CD planner, which highlights by side itself) and regions. `protocol` and `model` may be null;
// `mode_name` is App::mode_name() ("cd": the planner).
void add_scene_regions(render::FrameSnapshot& frame, const Protocol* protocol, const Model* model,
                       std::string_view mode_name);

} // namespace injmap::gui
