// Colour regions of the skin from landmarks (docs/model-manifest.md, "Colour regions").
//
// Everything is measured in the head's own frame, built from landmarks: origin mid-tragion, x
// towards tragion_left, y towards the vertex (made perpendicular to x), z = x × y (the face).
// Heights are along y; the azimuth of a point is its angle around the y axis from the face (0)
// through the ear (about 90°) to the back of the head (180°), taken on the point's own side. No
// coordinate of the generated model is written here: landmarks move, the regions follow.
#include "injmap/models/skin_paint.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <glm/geometric.hpp>

#include "head_frame.hpp"

namespace injmap {

namespace {

using detail::head_frame;
using detail::HeadFrame;
using detail::ramp;

constexpr float kPi = 3.14159265358979f;
constexpr float kDegree = kPi / 180.0f;

// Azimuth of a point in the head frame: 0 at the face, 90° at the side, 180° at the back.
float azimuth(const glm::vec3& q) {
    return std::atan2(std::abs(q.x), q.z);
}

// --- hair --------------------------------------------------------------------------------------

// The hairline of one side as a height over azimuth (piecewise linear).
struct Hairline {
    std::vector<glm::vec2> points; // (azimuth, height), azimuth increasing
    float radius = 75.0f;          // mm per radian of azimuth, for distances across the line

    // Signed distance (mm, + above: the hair side) from the line, in the plane of (azimuth ×
    // radius, height): across the line's steep parts (temples, behind the ear) as well as its
    // level ones, so the border is equally soft everywhere.
    [[nodiscard]] float signed_distance(float a, float h) const {
        const glm::vec2 p{a * radius, h};
        float best = 1e30f;
        for (std::size_t i = 1; i < points.size(); ++i) {
            const glm::vec2 p0{points[i - 1].x * radius, points[i - 1].y};
            const glm::vec2 p1{points[i].x * radius, points[i].y};
            const glm::vec2 d = p1 - p0;
            const float t = std::clamp(glm::dot(p - p0, d) / glm::dot(d, d), 0.0f, 1.0f);
            best = std::min(best, glm::distance(p, p0 + t * d));
        }
        return h >= height(a) ? best : -best;
    }

    [[nodiscard]] float height(float a) const {
        if (a <= points.front().x)
            return points.front().y;
        for (std::size_t i = 1; i < points.size(); ++i)
            if (a <= points[i].x) {
                const float t = (a - points[i - 1].x) / (points[i].x - points[i - 1].x);
                return points[i - 1].y + t * (points[i].y - points[i - 1].y);
            }
        return points.back().y;
    }
};

std::optional<Hairline> hairline(const Model& model, const HeadFrame& f, const char* side) {
    const auto named = [&](const std::string& name) -> std::optional<glm::vec3> {
        if (auto p = model.landmark(name))
            return f.local(*p);
        return std::nullopt;
    };
    const std::string s = side;
    const auto front = named("frontal_hairline");
    const auto tragion = named("tragion_" + s);
    if (!front || !tragion)
        return std::nullopt;
    const float h_front = front->y;
    const float a_tragion = azimuth(*tragion);
    const float h_tragion = tragion->y;
    // The top of the ear (or a typical ear's height above the tragion, a fifth of the way to the
    // hairline); the hair clears it by a quarter of the ear's height above the tragion.
    const auto helix = named("helix_top_" + s);
    const float h_helix = helix ? helix->y : h_tragion + 0.2f * (h_front - h_tragion);
    const float a_helix = helix ? std::max(azimuth(*helix), a_tragion) : a_tragion + 8.0f * kDegree;
    const float ear_above_tragion = std::max(h_helix - h_tragion, 5.0f);
    const float h_over_ear = h_helix + 0.25f * ear_above_tragion;

    // Frontotemporal corner: above the brow's tail, a fifth of the way on towards the ear.
    const auto brow_lateral = named("brow_lateral_" + s);
    const float a_brow = brow_lateral ? azimuth(*brow_lateral) : 0.35f * a_tragion;
    const float h_brow = brow_lateral ? brow_lateral->y : h_tragion + 0.35f * (h_front - h_tragion);
    const float a_corner = a_brow + 0.2f * (a_tragion - a_brow);
    const float h_corner = h_front - 0.08f * (h_front - h_brow);

    // The sideburn: in front of the tragus (a third of the way to the zygomatic arch), down to a
    // third of the ear's height above the tragion.
    const auto zygoma = named("zygomatic_arch_" + s);
    const float a_zygoma = zygoma ? azimuth(*zygoma) : a_tragion - 20.0f * kDegree;
    const float a_sideburn = a_tragion - 0.35f * (a_tragion - a_zygoma);
    const float h_sideburn = h_tragion + 0.3f * ear_above_tragion;

    // Behind the ear: clear of it as far back as the helix top is behind the tragion again, then
    // down to the mastoid's height; across the nape a third of the way from the inion to C7.
    const float a_ear_back = a_helix + 1.6f * (a_helix - a_tragion) + 4.0f * kDegree;
    const auto mastoid = named("mastoid_" + s);
    const float h_mastoid = mastoid ? mastoid->y : h_tragion - ear_above_tragion;
    const auto inion = named("inion");
    const auto c7 = named("c7");
    float h_nape = h_mastoid;
    if (inion && c7)
        h_nape = inion->y - (inion->y - c7->y) / 3.0f;
    else if (inion)
        h_nape = std::min(inion->y - ear_above_tragion, h_mastoid);

    Hairline line;
    line.radius = std::max(glm::length(glm::vec2(tragion->x, tragion->z)), 10.0f);
    const auto add = [&](float a, float h) {
        if (!line.points.empty())
            a = std::max(a, line.points.back().x + 0.5f * kDegree);
        line.points.push_back({a, h});
    };
    add(0.0f, h_front);
    add(a_corner, h_corner);
    add(a_sideburn, h_sideburn);
    add(a_tragion - 2.0f * kDegree, h_sideburn);
    // Rounded over the ear.
    const float rise = h_over_ear - h_sideburn, fall = h_over_ear - h_mastoid;
    add(a_tragion + 1.0f * kDegree, h_sideburn + 0.55f * rise);
    add(a_tragion + 4.0f * kDegree, h_over_ear - 0.1f * rise);
    add(a_tragion + 8.0f * kDegree, h_over_ear);
    add(a_ear_back - 4.0f * kDegree, h_over_ear);
    add(a_ear_back + 1.0f * kDegree, h_over_ear - 0.3f * fall);
    add(a_ear_back + 5.0f * kDegree, h_over_ear - 0.7f * fall);
    add(a_ear_back + 12.0f * kDegree, h_mastoid);
    add(kPi, h_nape);
    return line;
}

// --- brows -------------------------------------------------------------------------------------

struct Brow {
    glm::vec2 medial{0.0f}, middle{0.0f}, lateral{0.0f}; // (|x|, height) of the mid-line
    float thick_medial = 9.0f, thick_lateral = 3.5f;     // band height (mm)
    glm::vec3 medial3{0.0f}, lateral3{0.0f};             // head frame, for the 3-D guard
    float length = 0.0f;

    // Height of the mid-line at |x| (quadratic through the three points).
    [[nodiscard]] float centre(float x) const {
        const float x0 = medial.x, x1 = middle.x, x2 = lateral.x;
        const float l0 = (x - x1) * (x - x2) / ((x0 - x1) * (x0 - x2));
        const float l1 = (x - x0) * (x - x2) / ((x1 - x0) * (x1 - x2));
        const float l2 = (x - x0) * (x - x1) / ((x2 - x0) * (x2 - x1));
        return medial.y * l0 + middle.y * l1 + lateral.y * l2;
    }
};

std::optional<Brow> brow(const Model& model, const HeadFrame& f, const char* side) {
    const std::string s = side;
    const auto m = model.landmark("brow_medial_" + s);
    const auto l = model.landmark("brow_lateral_" + s);
    if (!m || !l)
        return std::nullopt;
    Brow b;
    b.medial3 = f.local(*m);
    b.lateral3 = f.local(*l);
    b.medial = {std::abs(b.medial3.x), b.medial3.y};
    b.lateral = {std::abs(b.lateral3.x), b.lateral3.y};
    if (b.lateral.x - b.medial.x < 5.0f)
        return std::nullopt;
    b.length = glm::distance(b.medial3, b.lateral3);
    // Taller medially (the brow's head), tapering to the tail.
    b.thick_medial = 0.25f * b.length;
    b.thick_lateral = 0.12f * b.length;
    // The middle of the mid-line, over the supraorbital rim (midpupil): a gentle arch above the
    // straight line, and the band's lower edge at least 1 mm above the rim.
    float x_mid = 0.5f * (b.medial.x + b.lateral.x);
    float y_mid = 0.5f * (b.medial.y + b.lateral.y) + 0.04f * b.length;
    if (const auto rim = model.landmark("supraorbital_rim_" + s)) {
        const glm::vec3 r = f.local(*rim);
        const float t = (std::abs(r.x) - b.medial.x) / (b.lateral.x - b.medial.x);
        if (t > 0.2f && t < 0.8f) {
            x_mid = std::abs(r.x);
            const float straight = b.medial.y + t * (b.lateral.y - b.medial.y);
            const float thick = b.thick_medial + t * (b.thick_lateral - b.thick_medial);
            y_mid = std::max(straight + 0.04f * b.length, r.y + 1.0f + 0.5f * thick);
        }
    }
    b.middle = {x_mid, y_mid};
    return b;
}

// (weight, strand coordinate) of a point (head frame) and its normal. The strand coordinate is
// constant along the brow's hairs: they rise steeply at its head, run along the mid-line in its
// body and dip a little at its tail (relative slope a·(1−t)² − b along the brow).
glm::vec2 brow_weight(const Brow& b, const glm::vec3& q, const glm::vec3& n) {
    // Only the front of the face near the brow: never the eye below it seen through the head, nor
    // the back of the head behind it.
    if (n.z < 0.15f || q.z < std::min(b.medial3.z, b.lateral3.z) - 0.5f * b.length)
        return {0.0f, 0.0f};
    const float x = std::abs(q.x);
    const float t = (x - b.medial.x) / (b.lateral.x - b.medial.x);
    if (t < -0.2f || t > 1.2f)
        return {0.0f, 0.0f};
    const float across = q.y - b.centre(x);
    // Tallest at the head (a little lower at its very start: rounded), tapering to the tail.
    const float head = 0.7f + 0.3f * std::clamp((t + 0.06f) / 0.18f, 0.0f, 1.0f);
    const float half =
        0.5f * head *
        (b.thick_medial + std::clamp(t, 0.0f, 1.0f) * (b.thick_lateral - b.thick_medial));
    const float soft = 1.5f;
    const float w_across = ramp(half + soft, half - soft, std::abs(across));
    // The brow's head starts softly (sparser hair) at brow_medial, so the glabella stays bare; the
    // tail fades out at brow_lateral.
    const float w_along = ramp(-0.1f, 0.06f, t) * ramp(1.06f, 0.86f, t);
    const float tc = std::clamp(t, -0.1f, 1.1f);
    const float u = 1.0f - tc;
    const float rise = (b.lateral.x - b.medial.x) * (0.3f * (1.0f - u * u * u) - 0.1f * tc);
    return {w_across * w_along, across - rise};
}

// --- lips --------------------------------------------------------------------------------------

struct Lips {
    glm::vec3 stomion{0.0f};
    glm::vec2 corner[2]; // (|x| from the stomion, height) of the right (0) and left (1) corner
    float upper = 5.0f, lower = 6.0f; // vermilion heights at the midline (mm)
};

std::optional<Lips> lips(const Model& model, const HeadFrame& f) {
    const auto st = model.landmark("stomion");
    const auto ls = model.landmark("labrale_superius");
    const auto li = model.landmark("labrale_inferius");
    const auto cr = model.landmark("cheilion_right");
    const auto cl = model.landmark("cheilion_left");
    if (!st || !ls || !li || !cr || !cl)
        return std::nullopt;
    Lips lips;
    lips.stomion = f.local(*st);
    const glm::vec3 right = f.local(*cr), left = f.local(*cl);
    lips.corner[0] = {std::abs(right.x - lips.stomion.x), right.y};
    lips.corner[1] = {std::abs(left.x - lips.stomion.x), left.y};
    if (lips.corner[0].x < 5.0f || lips.corner[1].x < 5.0f)
        return std::nullopt;
    // The labrales are the lips' most prominent points; the vermilion border lies a little beyond
    // them: just above on the upper lip, further below on the fuller lower lip.
    lips.upper = std::max(1.3f * (f.local(*ls).y - lips.stomion.y), 2.0f);
    lips.lower = std::max(1.35f * (lips.stomion.y - f.local(*li).y), 2.0f);
    return lips;
}

float lip_weight(const Lips& lips, const glm::vec3& q, const glm::vec3& n) {
    const glm::vec2& corner = lips.corner[q.x >= lips.stomion.x ? 1 : 0];
    const float width = corner.x;
    if (n.z < 0.1f || q.z < lips.stomion.z - 0.8f * width)
        return 0.0f;
    const float u = std::abs(q.x - lips.stomion.x) / width;
    if (u > 1.1f)
        return 0.0f;
    // The mouth line runs from the stomion to the corners; each lip's height falls off towards
    // them like an ellipse.
    const float base = lips.stomion.y + (corner.y - lips.stomion.y) * u * u;
    const float shape = std::sqrt(std::max(0.0f, 1.0f - u * u));
    const float up = lips.upper * std::max(shape, 0.15f);
    const float down = lips.lower * std::max(shape, 0.15f);
    const float d = q.y - base;
    const float soft = 1.2f;
    const float w = ramp(-down - soft, -down + soft, d) * ramp(up + soft, up - soft, d);
    return w * ramp(1.05f, 0.9f, u);
}

} // namespace

std::vector<glm::vec4> compute_skin_paint(const Model& model) {
    const Mesh& skin = model.skin;
    std::vector<glm::vec4> paint(skin.positions.size(), glm::vec4(0.0f));
    const auto frame = head_frame(model);
    if (!frame || paint.empty())
        return paint;
    const HeadFrame& f = *frame;
    // Right (0) and left (1) sides.
    const std::array<std::optional<Hairline>, 2> hair = {hairline(model, f, "right"),
                                                         hairline(model, f, "left")};
    const std::array<std::optional<Brow>, 2> brows = {brow(model, f, "right"),
                                                      brow(model, f, "left")};
    const auto mouth = lips(model, f);
    const bool have_normals = skin.normals.size() == skin.positions.size();

    for (std::size_t i = 0; i < skin.positions.size(); ++i) {
        const glm::vec3 q = f.local(skin.positions[i]);
        const glm::vec3 n =
            have_normals ? f.local_direction(skin.normals[i]) : glm::vec3(0.0f, 0.0f, 1.0f);
        const int side = q.x >= 0.0f ? 1 : 0;
        glm::vec4& out = paint[i];
        if (const auto& line = hair[side]) {
            // Soft over 14 mm, 0.5 a millimetre above the line.
            out[SkinPaintChannel::hair] = ramp(-6.0f, 8.0f, line->signed_distance(azimuth(q), q.y));
        }
        if (const auto& b = brows[side]) {
            const glm::vec2 w = brow_weight(*b, q, n);
            out[SkinPaintChannel::brow] = w.x;
            out[SkinPaintChannel::brow_strand] = w.x > 0.0f ? w.y : 0.0f;
        }
        if (mouth)
            out[SkinPaintChannel::lip] = lip_weight(*mouth, q, n);
    }
    return paint;
}

} // namespace injmap
