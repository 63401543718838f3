#pragma once
// Names the window shows for anatomy ("Cervical paraspinal", "Splenius capitis (left)") and the
// name shown when the mouse rests on the 3D view: what the pixel under it shows, from a
// render::PickResult. No ImGui: the window shows the text as a tooltip; tests call it directly.
#include <string>
#include <string_view>

#include "injmap/models/model.hpp"
#include "injmap/render/picking.hpp"

namespace injmap::gui {

// "cervical_paraspinal" → "Cervical paraspinal".
[[nodiscard]] std::string display_name(std::string_view key);
// "Splenius capitis (left)", "Procerus" (midline).
[[nodiscard]] std::string muscle_hover_name(const Muscle& muscle);
// "C7 vertebra", "Left clavicle", "Cranium".
[[nodiscard]] std::string bone_hover_name(const Bone& bone);
// "Greater occipital nerve (left): keep the needle clear".
[[nodiscard]] std::string avoid_hover_name(const AvoidStructure& structure);

// The nearest shown structure under the pixel, by name; "" when there is nothing to name. In order:
// a structure to avoid (drawn over everything), a bone in front, then on the skin the injection
// region and the muscle under it ("Forehead · Frontalis (left)"), or the muscle alone.
[[nodiscard]] std::string hover_text(const render::PickResult& pick);

} // namespace injmap::gui
