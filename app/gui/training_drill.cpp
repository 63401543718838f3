#include "gui/training_drill.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <glm/common.hpp>
#include <glm/geometric.hpp>

#include "gui/hover_text.hpp"
#include "injmap/models/mesh.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace {

// The virtual image the keep-out is measured in: only proportions matter.
constexpr int kImageHeight = 1000;
// Room kept free around the region (a fraction of the half-size): the layer bar lies over the top.
constexpr float kMargin = 0.16f;

int image_width(float aspect) {
    return std::max(1, int(std::lround(float(kImageHeight) * std::max(aspect, 0.05f))));
}

} // namespace

std::vector<glm::vec3> drill_region(const Model& model, std::span<const glm::vec3> sites) {
    std::vector<glm::vec3> points(sites.begin(), sites.end());
    if (model.skin.positions.empty())
        return points;
    const Bounds all = bounds_of(model.skin);
    const float bottom = std::max(all.min.y, all.max.y - kDrillHeadHeightMm);
    // The box around the skin above `bottom`: the head's width, not the shoulders'.
    glm::vec3 lo{std::numeric_limits<float>::max()}, hi{std::numeric_limits<float>::lowest()};
    for (const glm::vec3& p : model.skin.positions)
        if (p.y >= bottom) {
            lo = glm::min(lo, p);
            hi = glm::max(hi, p);
        }
    for (int i = 0; i < 8; ++i)
        points.push_back({(i & 1) ? hi.x : lo.x, (i & 2) ? hi.y : lo.y, (i & 4) ? hi.z : lo.z});
    return points;
}

float drill_centre_distance(const render::Camera& camera, float aspect, const glm::vec3& point) {
    const int w = image_width(aspect);
    const render::ScreenPoint s = render::project(camera, w, kImageHeight, point);
    if (!s.in_front)
        return std::numeric_limits<float>::infinity();
    const glm::vec2 centre{0.5f * float(w), 0.5f * float(kImageHeight)};
    return glm::length(s.pixel - centre) / (0.5f * float(kImageHeight));
}

std::optional<render::Camera> drill_camera(std::span<const glm::vec3> region, std::string_view view,
                                           float aspect, std::span<const glm::vec3> asked,
                                           float keep_out) {
    if (region.empty())
        return std::nullopt;
    auto framed = render::frame_points(region, view.empty() ? "front" : view, aspect, kMargin);
    if (!framed)
        framed = render::frame_points(region, "front", aspect, kMargin);
    if (!framed)
        return std::nullopt;
    render::Camera camera = *framed;
    const int w = image_width(aspect);
    const float half = 0.5f * float(kImageHeight);
    const glm::vec2 centre{0.5f * float(w), half};
    auto clear = [&](const render::Camera& c, float factor) {
        for (const glm::vec3& p : asked)
            if (drill_centre_distance(c, aspect, p) < keep_out * factor)
                return false;
        return true;
    };
    if (clear(camera, 1.0f))
        return camera;
    // Move the picture by the smallest offset that takes every asked point out of the keep-out
    // (with room: a pan shifts near and far points a little differently). The points' screen
    // positions shift with the picture, so the offset is searched on them, then checked exactly.
    std::vector<glm::vec2> on_screen;
    for (const glm::vec3& p : asked) {
        const render::ScreenPoint s = render::project(camera, w, kImageHeight, p);
        if (s.in_front)
            on_screen.push_back(s.pixel - centre);
    }
    const float room = 1.3f * keep_out * half;
    const float step = 0.02f * half;
    // Up or down rather than sideways: the head stays in the middle of the view's width.
    auto cost = [](glm::vec2 o) { return glm::length(glm::vec2(2.0f * o.x, o.y)); };
    std::optional<glm::vec2> best;
    for (int ring = 1; ring <= 40; ++ring) // offsets by growing size, up to 0.8
        for (int i = -ring; i <= ring; ++i)
            for (int j = -ring; j <= ring; ++j) {
                if (std::max(std::abs(i), std::abs(j)) != ring)
                    continue;
                const glm::vec2 offset{float(i) * step, float(j) * step};
                bool ok = true;
                for (const glm::vec2& q : on_screen)
                    ok = ok && glm::length(q + offset) >= room;
                if (ok && (!best || cost(offset) < cost(*best)))
                    best = offset;
            }
    if (best) {
        // pan() moves the picture with the mouse: a drag of (dx, dy) moves each point by it.
        const render::Camera moved = render::pan(camera, best->x, best->y, kImageHeight);
        if (clear(moved, 1.0f))
            return moved;
    }
    return camera;
}

render::Layers drill_layers(DrillKind drill, render::Layers base) {
    render::Layers l = base;
    l.needles = false;
    l.markers = true;
    if (drill == DrillKind::place_sites) {
        l.skin = true;
        l.xray = false;
        l.muscles = false;
        l.bones = false;
        l.avoid = false;
    } else {
        l.skin = true;
        l.xray = true;
        l.avoid = false;
    }
    return l;
}

std::string site_display_name(const Site& site) {
    std::string base = site.base_id.empty() ? site.id : site.base_id;
    // A mirrored site's id carries its side; so may one written per side ("corrugator_left").
    for (const std::string_view suffix : {"_left", "_right"})
        if (base.size() > suffix.size() &&
            base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
            base.resize(base.size() - suffix.size());
    std::string name = display_name(base);
    if (site.side == Side::left)
        name += " (left)";
    else if (site.side == Side::right)
        name += " (right)";
    return name;
}

} // namespace injmap::gui
