#pragma once
// The renderer's visual constants: skin tones, muscle and bone colours and the marker-state
// palette.
//
// Marker states use the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), chosen so
// the five states stay distinguishable with protanopia, deuteranopia and tritanopia. State is also
// coded by shape, never by colour alone:
//   pending   blue            #0072B2  filled disc, white ring, white number
//   current   vermillion      #D55E00  larger filled disc, white ring, halo (pulses when animated)
//   done      bluish green    #009E73  filled disc with a check tick beside the number
//   skipped   grey            #7F7F7F  faded disc, number struck through
//   optional  reddish purple  #CC79A7  hollow: white disc, thick purple ring, purple number
// All colours here are sRGB in 0..1.
#include <span>
#include <string_view>

#include <glm/vec3.hpp>

#include "injmap/render/frame.hpp"

namespace injmap::render {

struct SkinTone {
    std::string_view name; // shown in the GUI, e.g. "Medium"
    glm::vec3 albedo;      // base colour (sRGB)
    glm::vec3 subsurface;  // tint of light scattered under the skin (sRGB)
    // Colour regions (Model::skin_paint), drawn over the albedo: short scalp hair, eyebrows, lips.
    glm::vec3 hair;
    glm::vec3 brow;
    glm::vec3 lip;
};

// At least five tones, light to deep. FrameSnapshot::skin_tone indexes this list (clamped).
[[nodiscard]] std::span<const SkinTone> skin_tones();
[[nodiscard]] const SkinTone& skin_tone(int index); // clamped to the valid range

struct MarkerStyle {
    glm::vec3 fill; // disc colour
    glm::vec3 ring; // ring around the disc
    glm::vec3 text; // number colour
    float opacity;  // whole badge
    float scale;    // radius relative to the base radius
};
[[nodiscard]] MarkerStyle marker_style(MarkerState state);
[[nodiscard]] const char* to_string(MarkerState state);

// Muscle colours (sRGB): the red-brown of muscle, its highlighted variant and tendon ends.
inline constexpr glm::vec3 kMuscleColor{0.58f, 0.25f, 0.21f};
inline constexpr glm::vec3 kMuscleHighlightColor{0.74f, 0.21f, 0.16f};
inline constexpr glm::vec3 kMuscleMutedColor{0.58f, 0.44f, 0.41f};
inline constexpr glm::vec3 kTendonColor{0.90f, 0.86f, 0.78f};
// Bone: a warm ivory, lighter and less saturated than tendon so the two stay apart.
inline constexpr glm::vec3 kBoneColor{0.89f, 0.85f, 0.74f};
// Structures to avoid (Layers::avoid), bright and apart from muscle, tendon and bone: nerves
// yellow, arteries red, veins blue, the brachial plexus yellow-orange, the lung's apex pale pink
// (drawn translucent, kAvoidLungAlpha).
inline constexpr glm::vec3 kAvoidNerveColor{1.00f, 0.88f, 0.10f};
inline constexpr glm::vec3 kAvoidArteryColor{0.95f, 0.08f, 0.10f};
inline constexpr glm::vec3 kAvoidVeinColor{0.15f, 0.35f, 0.95f};
inline constexpr glm::vec3 kAvoidPlexusColor{1.00f, 0.62f, 0.08f};
inline constexpr glm::vec3 kAvoidLungColor{1.00f, 0.72f, 0.80f};
inline constexpr float kAvoidLungAlpha = 0.55f;
// Patient-mode glow over soft-highlighted muscles (a warm, gentle tint on the skin).
inline constexpr glm::vec3 kSoftGlowColor{1.00f, 0.62f, 0.35f};
// Injection regions (Model::regions) on the skin: one colour per region, Okabe–Ito hues made a
// little lighter so they read over every skin tone; the index is the region's place in
// Model::regions' standard order (forehead, glabella, temple_left, temple_right, occiput, neck,
// shoulders), looked up by id so that a model missing a region keeps the others' colours.
[[nodiscard]] glm::vec3 region_color(std::string_view region_id);
// The skin tint over highlighted muscles (FrameSnapshot::skin_muscle_tint).
inline constexpr glm::vec3 kSkinMuscleTintColor{0.84f, 0.20f, 0.12f};
// Label boxes and leader lines.
inline constexpr glm::vec3 kLabelBackground{1.0f, 1.0f, 1.0f};
inline constexpr glm::vec3 kLabelText{0.13f, 0.15f, 0.18f};
inline constexpr glm::vec3 kLeaderLine{0.25f, 0.28f, 0.32f};

} // namespace injmap::render
