#include <algorithm>
#include <cmath>

#include <glm/geometric.hpp>

#include "font.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/labels.hpp"
#include "injmap/render/overlay.hpp"
#include "injmap/render/style.hpp"
#include "overlay_style.hpp"

namespace injmap::render {

OverlayMetrics overlay_metrics(const FrameSnapshot& frame) {
    OverlayMetrics m;
    float s = frame.ui_scale;
    if (!(s > 0.0f))
        s = std::clamp(std::min(float(frame.width) / 1280.0f, float(frame.height) / 800.0f), 0.55f,
                       3.0f);
    m.ui_scale = s;
    m.marker_radius_px = 9.0f * s;
    m.label_font_px = std::round(13.0f * s * 2.0f) * 0.5f;
    m.number_font_px = std::round(11.0f * s * 2.0f) * 0.5f;
    m.label_height_px = std::round(m.label_font_px * 1.62f);
    return m;
}

float label_text_width(const std::string& text, float pixel_height, bool bold) {
    const FontFace* face = bold ? FontFace::bold() : FontFace::regular();
    return face ? face->text_width(text, pixel_height) : 0.0f;
}

glm::vec2 label_box_size(const OverlayMetrics& m, const Marker& marker) {
    const LabelGeometry g = label_geometry(m);
    const float text = label_text_width(marker.label, m.label_font_px);
    return {g.text_x + text + g.pad_x, m.label_height_px};
}

OverlayLayout layout_overlay(const FrameSnapshot& frame, const SurfaceIndex* skin) {
    OverlayLayout layout;
    layout.metrics = overlay_metrics(frame);
    const OverlayMetrics& m = layout.metrics;
    const int w = frame.width, h = frame.height;
    const CameraBasis basis = camera_basis(frame.camera);

    layout.markers.resize(frame.markers.size());
    // The markers layer off: nothing drawn, so nothing laid out or pickable (one rule for the
    // renderer, render::pick and the app's clicks).
    if (!frame.layers.markers)
        return layout;
    for (std::size_t i = 0; i < frame.markers.size(); ++i) {
        const Marker& marker = frame.markers[i];
        MarkerScreen& s = layout.markers[i];
        const ScreenPoint p = project(frame.camera, w, h, marker.position);
        s.centre = p.pixel;
        s.depth = p.depth;
        s.radius_px = m.marker_radius_px * marker_style(marker.state).scale;
        s.in_view = p.in_front && p.pixel.x >= 0.0f && p.pixel.y >= 0.0f && p.pixel.x <= float(w) &&
                    p.pixel.y <= float(h) && p.depth < 1.0f;
        const glm::vec3 to_eye = basis.eye - marker.position;
        const float distance = glm::length(to_eye);
        const glm::vec3 n =
            glm::length(marker.normal) > 0.0f ? glm::normalize(marker.normal) : glm::vec3(0.0f);
        // A little below zero: a site on the silhouette is still worth showing.
        s.facing = distance > 0.0f && glm::dot(n, to_eye / distance) > -0.05f;
        if (skin && !skin->empty() && distance > 0.0f) {
            // Start at the eye and stop short of the site: any skin hit in between occludes it. The
            // margin absorbs the site lying a fraction of a millimetre off the triangulated
            // surface.
            const glm::vec3 dir = -to_eye / distance;
            const float stop = distance - 2.0f;
            s.occluded = stop > 0.0f && skin->ray_cast(basis.eye, dir, stop).has_value();
        }
        s.visible = s.in_view && s.facing && !s.occluded;
        if (s.visible && marker.state != MarkerState::ghost &&
            glm::length(marker.needle_direction) > 0.0f) {
            const glm::vec3 hub =
                marker.position - glm::normalize(marker.needle_direction) * m.needle_length_mm;
            const ScreenPoint q = project(frame.camera, w, h, hub);
            s.needle_hub = q.pixel;
            s.needle_shown =
                q.in_front && glm::length(q.pixel - s.centre) > s.radius_px + 3.0f * m.ui_scale;
        }
    }

    if (!frame.layers.labels || !frame.layers.markers)
        return layout;

    // Model silhouette on screen (sampled skin vertices), for placing the label columns beside it.
    float sil_left = float(w) * 0.5f, sil_right = float(w) * 0.5f;
    if (frame.model && !frame.model->skin.positions.empty()) {
        const auto& pos = frame.model->skin.positions;
        const std::size_t step = std::max<std::size_t>(1, pos.size() / 4000);
        float lo = 1e30f, hi = -1e30f;
        for (std::size_t i = 0; i < pos.size(); i += step) {
            const ScreenPoint p = project(frame.camera, w, h, pos[i]);
            if (!p.in_front)
                continue;
            lo = std::min(lo, p.pixel.x);
            hi = std::max(hi, p.pixel.x);
        }
        if (lo <= hi) {
            sil_left = lo;
            sil_right = hi;
        }
    }

    std::vector<LabelRequest> requests;
    std::vector<std::size_t> owners;
    for (std::size_t i = 0; i < frame.markers.size(); ++i) {
        const Marker& marker = frame.markers[i];
        if (!layout.markers[i].visible || marker.label.empty())
            continue;
        LabelRequest r;
        r.anchor = layout.markers[i].centre;
        r.size = label_box_size(m, marker);
        r.priority = label_priority(marker.state);
        requests.push_back(r);
        owners.push_back(i);
    }
    LabelLayoutOptions options;
    options.image = {float(w), float(h)};
    options.margin = 8.0f * m.ui_scale;
    options.gap = 4.0f * m.ui_scale;
    options.column_gap = 24.0f * m.ui_scale;
    options.silhouette_left = sil_left;
    options.silhouette_right = sil_right;
    options.split_x = (sil_left + sil_right) * 0.5f;
    const std::vector<PlacedLabel> placed = layout_labels(requests, options);
    for (std::size_t k = 0; k < placed.size(); ++k) {
        if (!placed[k].shown)
            continue;
        layout.labels.push_back(
            {owners[k], placed[k].min, placed[k].max, placed[k].leader_end, placed[k].left_column});
    }
    return layout;
}

} // namespace injmap::render
