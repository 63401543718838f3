#pragma once
// Where the 2D overlay goes (no GL): each marker's pixel position, badge radius and visibility, and
// the label boxes with their leader lines. The renderer draws exactly this layout, the CLI reports
// it and picking uses it, so all three agree.
//
// A marker is visible when it is inside the image, its skin normal faces the camera and no skin
// lies between the eye and the marker (a ray cast on the skin). Labels are laid out only for
// visible markers with a non-empty label (labels.hpp: two columns, never overlapping).
#include <cstddef>
#include <string>
#include <vector>

#include <glm/vec2.hpp>

#include "injmap/models/surface_index.hpp"
#include "injmap/render/frame.hpp"

namespace injmap::render {

struct MarkerScreen {
    glm::vec2 centre{0.0f}; // pixels, top-left origin (continuous: pixel i spans [i, i+1))
    float radius_px = 0.0f; // badge radius
    float depth = 1.0f;     // window depth 0..1
    bool in_view = false;   // in front of the camera and inside the image
    bool facing = false;    // skin normal towards the eye
    bool occluded = false; // skin between the eye and the site (false when no skin index was given)
    bool visible = false;  // in_view && facing && !occluded
    bool needle_shown = false;
    glm::vec2 needle_hub{0.0f}; // outer end of the needle glyph, pixels
};

struct LabelScreen {
    std::size_t marker = 0; // index into FrameSnapshot::markers
    glm::vec2 min{0.0f}, max{0.0f};
    glm::vec2 leader_end{0.0f}; // the leader runs from the marker centre to here
    bool left_column = false;
};

struct OverlayMetrics {
    float ui_scale = 1.0f;
    float marker_radius_px = 9.0f; // pending marker; others scale by marker_style().scale
    float label_font_px = 13.0f;
    float number_font_px = 11.0f; // bold, inside badges and label chips
    float label_height_px = 21.0f;
    float needle_length_mm = 14.0f;
};

struct OverlayLayout {
    OverlayMetrics metrics;
    std::vector<MarkerScreen> markers; // parallel to FrameSnapshot::markers
    std::vector<LabelScreen> labels;   // shown labels only
};

// 1 at 1280×800, proportionally smaller/larger for other image sizes (clamped to 0.7..3), unless
// the snapshot sets ui_scale.
[[nodiscard]] OverlayMetrics overlay_metrics(const FrameSnapshot& frame);

// `skin` may be null: occlusion is then not tested (facing and in-view still are). With the markers
// layer off every marker is laid out invisible and no label is shown.
[[nodiscard]] OverlayLayout layout_overlay(const FrameSnapshot& frame, const SurfaceIndex* skin);

// Text measurement used by the layout (DejaVu Sans; 0 when the font is missing).
[[nodiscard]] float label_text_width(const std::string& text, float pixel_height,
                                     bool bold = false);

} // namespace injmap::render
