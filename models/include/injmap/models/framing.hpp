#pragma once
// What a whole-model view frames: the head, neck and shoulders the landmarks outline, never a
// whole body that happens to come with the scan (a full-body mesh framed whole leaves the head a
// hundred pixels tall). Window-free; the GUI's and `injmap render`'s cameras frame these.
#include <cstddef>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/mesh.hpp"
#include "injmap/models/model.hpp"

namespace injmap {

// The box of the head-and-shoulders landmarks the model has (vertex, menton, tragions, acromions,
// c7, t1–t4, …), grown by kFramingMarginFraction of its size on each side (at least
// kFramingMarginMm), then cut to the skin's box. The skin's box when fewer than
// kFramingMinLandmarks of those landmarks exist.
inline constexpr float kFramingMarginFraction = 0.25f;
inline constexpr float kFramingMarginMm = 40.0f;
inline constexpr int kFramingMinLandmarks = 4;
[[nodiscard]] Bounds framing_bounds(const Model& model);
// Its eight corners.
[[nodiscard]] std::vector<glm::vec3> framing_corners(const Model& model);
// The skin's vertices inside framing_bounds, every `stride`-th one (at least one per stride).
[[nodiscard]] std::vector<glm::vec3> framing_skin_points(const Model& model,
                                                         std::size_t max_points = 20000);

} // namespace injmap
