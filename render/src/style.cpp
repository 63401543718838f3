#include "injmap/render/style.hpp"

#include <algorithm>
#include <array>

namespace injmap::render {

namespace {
constexpr glm::vec3 rgb(int r, int g, int b) {
    return {float(r) / 255.0f, float(g) / 255.0f, float(b) / 255.0f};
}

// Albedos chosen by eye under the renderer's lighting to read as natural skin, light to deep; the
// subsurface tint is a warmer, more saturated version that shows in the soft shadow terminator.
// Hair: dark brown on light skin to near-black on deep skin; brows a little lighter (finer, sparser
// hair); lips a rosier, darker version of the tone, kept muted (clinical, not made up).
constexpr std::array kTones = {
    SkinTone{"Light", rgb(236, 200, 178), rgb(220, 110, 90), rgb(74, 54, 42), rgb(96, 72, 56),
             rgb(204, 124, 118)},
    SkinTone{"Fair", rgb(224, 180, 150), rgb(214, 100, 76), rgb(66, 48, 37), rgb(88, 66, 51),
             rgb(192, 112, 102)},
    SkinTone{"Medium", rgb(206, 160, 126), rgb(196, 86, 58), rgb(54, 40, 31), rgb(76, 57, 44),
             rgb(176, 100, 88)},
    SkinTone{"Olive", rgb(176, 132, 94), rgb(170, 84, 50), rgb(40, 31, 26), rgb(58, 45, 36),
             rgb(148, 88, 74)},
    SkinTone{"Brown", rgb(140, 96, 68), rgb(140, 62, 38), rgb(28, 23, 21), rgb(42, 33, 29),
             rgb(108, 58, 54)},
    SkinTone{"Deep", rgb(96, 64, 46), rgb(104, 44, 28), rgb(19, 16, 15), rgb(28, 23, 21),
             rgb(68, 30, 36)},
};
} // namespace

std::span<const SkinTone> skin_tones() {
    return kTones;
}

const SkinTone& skin_tone(int index) {
    return kTones[std::size_t(std::clamp(index, 0, int(kTones.size()) - 1))];
}

MarkerStyle marker_style(MarkerState state) {
    const glm::vec3 white{1.0f};
    switch (state) {
    case MarkerState::pending:
        return {rgb(0, 114, 178), white, white, 1.0f, 1.0f};
    case MarkerState::current:
        return {rgb(213, 94, 0), white, white, 1.0f, 1.25f};
    case MarkerState::done:
        return {rgb(0, 158, 115), white, white, 1.0f, 1.0f};
    case MarkerState::skipped:
        return {rgb(127, 127, 127), white, white, 0.75f, 0.9f};
    case MarkerState::optional:
        return {white, rgb(204, 121, 167), rgb(150, 60, 110), 1.0f, 1.0f};
    case MarkerState::ghost: // last visit's site: a faint violet halo under this one's badges
        return {rgb(120, 94, 240), rgb(96, 70, 210), white, 0.28f, 1.5f};
    }
    return {rgb(0, 114, 178), white, white, 1.0f, 1.0f};
}

const char* to_string(MarkerState state) {
    switch (state) {
    case MarkerState::pending:
        return "pending";
    case MarkerState::current:
        return "current";
    case MarkerState::done:
        return "done";
    case MarkerState::skipped:
        return "skipped";
    case MarkerState::optional:
        return "optional";
    case MarkerState::ghost:
        return "ghost";
    }
    return "pending";
}

glm::vec3 region_color(std::string_view region_id) {
    // Okabe–Ito hues (vermillion, the current marker's, left out); neighbours far apart: the sky
    // blue forehead over the purple glabella, green temples (one muscle, two sides: never seen
    // both at once but from the front, where they are apart), the yellow occiput over the darker
    // blue neck, orange shoulders.
    struct Entry {
        std::string_view id;
        glm::vec3 color;
    };
    static constexpr Entry kColors[] = {
        {"forehead", {0.34f, 0.71f, 0.91f}},     // sky blue #56B4E9
        {"glabella", {0.80f, 0.47f, 0.65f}},     // reddish purple #CC79A7
        {"temple_left", {0.00f, 0.62f, 0.45f}},  // bluish green #009E73
        {"temple_right", {0.00f, 0.62f, 0.45f}}, // bluish green #009E73
        {"occiput", {0.94f, 0.89f, 0.26f}},      // yellow #F0E442
        {"neck", {0.16f, 0.50f, 0.80f}},         // blue #0072B2, lighter
        {"shoulders", {0.90f, 0.62f, 0.00f}},    // orange #E69F00
    };
    for (const auto& e : kColors)
        if (e.id == region_id)
            return e.color;
    return {0.6f, 0.6f, 0.6f};
}

} // namespace injmap::render
