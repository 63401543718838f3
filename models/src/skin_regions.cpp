// The seven PREEMPT regions of the skin from landmarks (docs/model-manifest.md, "Injection
// regions").
//
// Measured in the head frame, as the colour regions are (skin_paint.cpp): origin mid-tragion, x
// towards tragion_left, y towards the vertex (made perpendicular to x), z = x × y (the face). Each
// region is a rounded box in one projection of that frame (the face seen from the front, a temple
// from its side, the back of the head and neck from behind) or, for the shoulders, a set of
// capsules around the lines the trapezius sites are placed on; only skin facing the region's way
// counts. No coordinate of the generated model is written here: landmarks move, the regions follow.
#include "injmap/models/skin_regions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

#include <glm/geometric.hpp>
#include <glm/vec2.hpp>

#include "head_frame.hpp"

namespace injmap {

namespace {

using detail::head_frame;
using detail::HeadFrame;
using detail::ramp;

// The seam left between two neighbouring regions (mm).
constexpr float kSoftMm = 10.0f;
// Width over which a weight rises linearly from 0 to 1, centred on the outline (mm). Wider than
// the edge the renderer shows (it sharpens the weight per pixel to about 10 mm): a linear field
// interpolated over the skin's larger triangles (15-20 mm on the back) keeps a straight outline,
// where one clamped over a narrow border would zigzag.
constexpr float kRampMm = 24.0f;

// The weight at signed distance `d` (mm, negative inside) from a region's outline.
float border(float d) {
    return ramp(0.5f * kRampMm, -0.5f * kRampMm, d);
}

// Signed distance (negative inside) from a 2-D box [lo, hi] with corners rounded by `r`.
float box_distance(const glm::vec2& p, const glm::vec2& lo, const glm::vec2& hi, float r) {
    const glm::vec2 c = 0.5f * (lo + hi);
    const glm::vec2 half = glm::max(0.5f * (hi - lo) - glm::vec2(r), glm::vec2(0.0f));
    const glm::vec2 q = glm::abs(p - c) - half;
    return glm::length(glm::max(q, glm::vec2(0.0f))) + std::min(std::max(q.x, q.y), 0.0f) - r;
}

// A skin vertex in the head frame.
struct Point {
    glm::vec3 q; // position
    glm::vec3 n; // outward normal
};

using WeightFn = std::function<float(const Point&)>;

struct Definition {
    const char* id;
    const char* name;
    WeightFn weight; // empty when the landmarks are missing
};

} // namespace

std::string region_for_muscle(const std::string& muscle, const std::string& side) {
    if (muscle == "frontalis")
        return "forehead";
    if (muscle == "corrugator" || muscle == "procerus")
        return "glabella";
    if (muscle == "temporalis")
        return side == "left" ? "temple_left" : side == "right" ? "temple_right" : "";
    if (muscle == "occipitalis")
        return "occiput";
    if (muscle == "cervical_paraspinal" || muscle == "splenius_capitis" ||
        muscle == "semispinalis_capitis")
        return "neck";
    if (muscle == "trapezius")
        return "shoulders";
    return "";
}

std::vector<SkinRegion> compute_skin_regions(const Model& model) {
    const Mesh& skin = model.skin;
    std::vector<SkinRegion> regions;
    const auto frame = head_frame(model);
    if (!frame || skin.positions.empty())
        return regions;
    const HeadFrame& f = *frame;
    const auto named = [&](const std::string& name) -> std::optional<glm::vec3> {
        if (auto p = model.landmark(name))
            return f.local(*p);
        return std::nullopt;
    };
    // Both sides of a sided landmark, as (|x|, y, z) averaged: the regions are symmetric.
    const auto pair = [&](const std::string& name) -> std::optional<glm::vec3> {
        const auto l = named(name + "_left");
        const auto r = named(name + "_right");
        if (!l || !r)
            return std::nullopt;
        return glm::vec3(0.5f * (std::abs(l->x) + std::abs(r->x)), 0.5f * (l->y + r->y),
                         0.5f * (l->z + r->z));
    };

    std::vector<Definition> defs;

    // --- the face: forehead (frontalis) above, glabella (corrugator, procerus) below
    const auto brow_medial = pair("brow_medial");
    const auto brow_lateral = pair("brow_lateral");
    const auto rim = pair("supraorbital_rim");
    const auto nasion = named("nasion");
    const auto hairline = named("frontal_hairline");
    const auto canthus = pair("medial_canthus");
    // Where the forehead ends and the glabella begins: a third of the way from the orbital rim up
    // to the hairline (the corrugator lies below, frontalis' lowest sites above).
    std::optional<float> split;
    if (rim && hairline)
        split = rim->y + (hairline->y - rim->y) / 3.0f;
    const auto facing_front = [](const Point& p, float z_min) {
        return ramp(0.15f, 0.35f, p.n.z) * ramp(z_min - 10.0f, z_min, p.q.z);
    };
    {
        WeightFn w;
        if (split && brow_lateral && hairline && rim) {
            const float x_max = brow_lateral->x;         // the temporal fusion lines
            const float y_lo = *split + 0.5f * kSoftMm;  // a gap to the glabella's top
            const float y_hi = hairline->y;              // frontalis reaches the hairline
            const float z_min = brow_lateral->z - 25.0f; // the face, not the scalp behind
            w = [=](const Point& p) {
                const float d = box_distance({p.q.x, p.q.y}, {-x_max, y_lo}, {x_max, y_hi}, 12.0f);
                return border(d) * facing_front(p, z_min);
            };
        }
        defs.push_back({"forehead", "Forehead", w});
    }
    {
        WeightFn w;
        if (split && brow_medial && rim && nasion) {
            // Out to halfway between the brow's head and the midpupillary line (over the
            // corrugator's medial belly); down to a little below the nasion (procerus), but
            // above the eyes' inner corners away from the midline.
            const float x_max = 0.5f * (brow_medial->x + rim->x);
            const float y_hi = *split - 0.5f * kSoftMm;
            const float y_nose = nasion->y - 4.0f;
            const float y_side = canthus ? std::max(canthus->y + 10.0f, y_nose) : rim->y - 2.0f;
            const float x_nose = canthus ? 0.6f * canthus->x : 0.5f * brow_medial->x;
            const float z_min = brow_medial->z - 25.0f;
            w = [=](const Point& p) {
                const float ax = std::abs(p.q.x);
                // The lower edge: at the nasion near the midline, rising to above the canthus.
                const float t = ramp(x_nose, x_nose + 8.0f, ax);
                const float y_lo = y_nose + t * (y_side - y_nose);
                const float d = std::max(
                    box_distance({p.q.x, p.q.y}, {-x_max, y_lo - 40.0f}, {x_max, y_hi}, 6.0f),
                    y_lo - p.q.y);
                return border(d) * facing_front(p, z_min);
            };
        }
        defs.push_back({"glabella", "Between the brows", w});
    }

    // --- the temples (temporalis), each seen from its side: (z, y)
    for (const char* side : {"left", "right"}) {
        const std::string s = side;
        const auto helix = named("helix_top_" + s);
        const auto lateral = named("brow_lateral_" + s);
        const auto zygoma = named("zygomatic_arch_" + s);
        WeightFn w;
        if (helix && lateral) {
            const float sign = s == "left" ? 1.0f : -1.0f;
            // From just behind the orbital rim to behind the ear's top; from above the zygomatic
            // arch (the tendon) up to the temporal line, about 6.5 cm above the helix.
            const float z_front = lateral->z - 6.0f;
            const float z_back = helix->z - 28.0f;
            const float y_lo =
                zygoma ? std::max(zygoma->y + 18.0f, helix->y + 6.0f) : helix->y + 8.0f;
            const float y_hi = helix->y + 64.0f;
            const float x_min = 0.6f * std::abs(lateral->x);
            w = [=](const Point& p) {
                const float d =
                    box_distance({p.q.z, p.q.y}, {z_back, y_lo}, {z_front, y_hi}, 16.0f);
                return border(d) * ramp(0.2f, 0.4f, p.n.x * sign) *
                       ramp(x_min - 5.0f, x_min + 5.0f, p.q.x * sign);
            };
        }
        defs.push_back({s == "left" ? "temple_left" : "temple_right",
                        s == "left" ? "Left temple" : "Right temple", w});
    }

    // --- the back of the head (occipitalis) and of the neck (cervical paraspinals), from behind
    const auto inion = named("inion");
    const auto mastoid = pair("mastoid");
    const auto c7 = named("c7");
    const auto inflection = pair("neck_inflection");
    const auto facing_back = [](const Point& p, float z_max) {
        return ramp(-0.1f, -0.3f, p.n.z) * ramp(z_max + 10.0f, z_max, p.q.z);
    };
    {
        WeightFn w;
        if (inion && mastoid) {
            // Along the superior nuchal line from the inion out to the mastoids, up about 5 cm.
            const float x_max = mastoid->x + 4.0f;
            const float y_lo = inion->y - 2.0f;
            const float y_hi = inion->y + 48.0f;
            const float z_max = mastoid->z;
            w = [=](const Point& p) {
                const float d = box_distance({p.q.x, p.q.y}, {-x_max, y_lo}, {x_max, y_hi}, 14.0f);
                return border(d) * facing_back(p, z_max);
            };
        }
        defs.push_back({"occiput", "Back of the head", w});
    }
    {
        WeightFn w;
        if (inion && mastoid && c7) {
            // The nuchal muscles either side of the spine, from a little below the inion down to
            // above C7; no further out than the paraspinal columns.
            const float x_max = inflection ? 0.6f * inflection->x : 0.75f * mastoid->x;
            const float y_hi = inion->y - 2.0f - kSoftMm;
            const float y_lo = c7->y + 0.3f * (inion->y - c7->y);
            const float z_max = mastoid->z;
            w = [=](const Point& p) {
                // The lower edge fades over 80 mm, not 24: the skin's triangles on the back of the
                // neck are long slivers that would draw a sharper edge as a saw.
                const float d =
                    box_distance({p.q.x, p.q.y}, {-x_max, y_lo - 60.0f}, {x_max, y_hi}, 10.0f);
                return border(d) * ramp(y_lo - 40.0f, y_lo + 40.0f, p.q.y) * facing_back(p, z_max);
            };
        }
        defs.push_back({"neck", "Back of the neck", w});
    }

    // --- the tops of the shoulders (upper trapezius), seen from above and behind: from beside the
    // neck out to the acromion, down the back to below the scapula's superior angle; only the top
    // and back of the shoulder, behind the line from the neck's inflection to the acromion.
    {
        const auto acromion = pair("acromion");
        const auto angle = pair("scapula_superior_angle");
        WeightFn w;
        if (inflection && acromion) {
            const float x_in = 0.85f * inflection->x;
            const float x_out = acromion->x - 6.0f;
            const float y_lo =
                angle ? angle->y - 12.0f : acromion->y - 0.5f * (acromion->x - inflection->x);
            const float y_hi = inflection->y + 40.0f; // the top of the shoulder, whatever its slope
            const glm::vec3 ni = *inflection, ac = *acromion;
            w = [=](const Point& p) {
                const float ax = std::abs(p.q.x);
                const float d_box = box_distance({ax, p.q.y}, {x_in, y_lo}, {x_out, y_hi}, 10.0f);
                // The front edge: a little in front of the line from the inflection to the
                // acromion (the trapezius' upper border lies over the clavicle's lateral third).
                const float t = std::clamp((ax - ni.x) / std::max(ac.x - ni.x, 1.0f), 0.0f, 1.0f);
                const float z_front = ni.z + t * (ac.z - ni.z) + 12.0f;
                return border(std::max(d_box, p.q.z - z_front)) * ramp(0.8f, 0.55f, p.n.z);
            };
        }
        defs.push_back({"shoulders", "Top of the shoulders", w});
    }

    // --- evaluate
    const bool have_normals = skin.normals.size() == skin.positions.size();
    for (const auto& def : defs) {
        if (!def.weight)
            continue;
        SkinRegion r;
        r.id = def.id;
        r.display_name = def.name;
        r.weight.assign(skin.positions.size(), 0.0f);
        regions.push_back(std::move(r));
    }
    std::vector<const Definition*> used;
    for (const auto& def : defs)
        if (def.weight)
            used.push_back(&def);
    for (std::size_t i = 0; i < skin.positions.size(); ++i) {
        Point p;
        p.q = f.local(skin.positions[i]);
        p.n = have_normals ? glm::normalize(f.local_direction(skin.normals[i]))
                           : glm::vec3(0.0f, 0.0f, 1.0f);
        // The strongest region keeps its weight; the others share what is left, so the weights
        // never add up to more than 1 (two regions meet at a soft seam, never both full).
        std::size_t best = 0;
        float best_w = 0.0f;
        for (std::size_t k = 0; k < used.size(); ++k) {
            const float w = used[k]->weight(p);
            regions[k].weight[i] = w;
            if (w > best_w) {
                best_w = w;
                best = k;
            }
        }
        if (best_w <= 0.0f)
            continue;
        float rest = 1.0f - best_w;
        for (std::size_t k = 0; k < used.size(); ++k) {
            if (k == best)
                continue;
            float& w = regions[k].weight[i];
            w = std::min(w, rest);
            rest -= w;
        }
    }
    return regions;
}

} // namespace injmap
