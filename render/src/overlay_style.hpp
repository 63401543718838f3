#pragma once
// Geometry of a label box, shared by the layout (sizes) and the drawing (private to injmap_render).
//
//   ┌──────────────────────────────┐
//   │ (12)  Frontalis L · 5 U      │   chip = state-coloured disc with the site number
//   └──────────────────────────────┘
#include <glm/vec2.hpp>

#include "injmap/render/frame.hpp"
#include "injmap/render/overlay.hpp"

namespace injmap::render {

struct LabelGeometry {
    float pad_x;       // left/right padding
    float chip_radius; // number chip
    float chip_cx;     // chip centre from the box's left edge
    float text_x;      // label text start from the box's left edge
    float corner;      // box corner radius
};

inline LabelGeometry label_geometry(const OverlayMetrics& m) {
    LabelGeometry g{};
    const float s = m.ui_scale;
    g.pad_x = 7.0f * s;
    g.chip_radius = m.label_height_px * 0.5f - 2.5f * s;
    g.chip_cx = 3.0f * s + g.chip_radius;
    g.text_x = g.chip_cx + g.chip_radius + 6.0f * s;
    g.corner = m.label_height_px * 0.5f;
    return g;
}

glm::vec2 label_box_size(const OverlayMetrics& m, const Marker& marker);

// Crowded columns keep the current site first, then pending, optional, done and skipped ones.
inline int label_priority(MarkerState state) {
    switch (state) {
    case MarkerState::current:
        return 4;
    case MarkerState::pending:
        return 3;
    case MarkerState::optional:
        return 2;
    case MarkerState::done:
        return 1;
    case MarkerState::skipped:
    case MarkerState::ghost:
        return 0;
    }
    return 0;
}

} // namespace injmap::render
