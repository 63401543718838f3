// Muscles as their own closed meshes, placed between their attachments (domain.md §4, anatomy.md
// §3.5): sheets (a Coons patch on the skin between origin and insertion lines, offset inward to a
// depth range) and straps (an elliptical tube along a centreline on the skin, sunk to a depth).
// Texture coordinate u runs 0 at the origin to 1 at the insertion, v 0..1 across the fibres. Built
// for the left side and mirrored; every vertex is kept at least a little under the skin.
#include <algorithm>
#include <cmath>
#include <functional>

#include "generate_internal.hpp"

namespace injmap::gen {

namespace {

constexpr float kPi = 3.14159265358979f;

// Uniform Catmull-Rom spline through the points, parameter t in [0, 1].
struct Curve {
    std::vector<vec3> points;
    [[nodiscard]] vec3 at(float t) const { return catmull_rom(points, t); }
};

using Profile = std::function<float(float)>;
using Field2 = std::function<float(float, float)>;

Profile constant(float value) {
    return [value](float) { return value; };
}
// Belly profile r(t) = end + (belly - end)·sin(πt)^p (anatomy.md §3.5).
Profile belly(float end, float mid, float power = 0.7f) {
    return [=](float t) {
        return end + (mid - end) *
                         std::pow(std::max(0.0f, std::sin(kPi * std::clamp(t, 0.0f, 1.0f))), power);
    };
}
Profile linear(float a, float b) {
    return [=](float t) { return a + (b - a) * t; };
}

struct Builder {
    const BodySdf& sdf;
    Mesh mesh;
    std::vector<vec3> fibre;

    std::uint32_t add(vec3 p, float u, float v, vec3 dir) {
        mesh.positions.push_back(p);
        mesh.uvs.emplace_back(u, v);
        fibre.push_back(dir);
        return static_cast<std::uint32_t>(mesh.positions.size() - 1);
    }
    void tri(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
        mesh.indices.insert(mesh.indices.end(), {a, b, c});
    }
    void quad(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
        tri(a, b, c);
        tri(a, c, d);
    }
};

// A sheet over a patch (u: origin line 0 → insertion line 1, v across): every patch point is put on
// the skin and pushed inward along the skin normal to the depths [outer, inner]; closed by side
// walls.
using Patch = std::function<vec3(float, float)>;

Patch ruled(Curve origin, Curve insertion) {
    return [origin = std::move(origin), insertion = std::move(insertion)](float u, float v) {
        return (1.0f - u) * origin.at(v) + u * insertion.at(v);
    };
}

void add_sheet(Builder& b, const Patch& patch, const Field2& outer, const Field2& inner, int nu,
               int nv) {
    const BodySdf& sdf = b.sdf;
    std::vector<vec3> skin(static_cast<std::size_t>((nu + 1) * (nv + 1)));
    std::vector<vec3> normal(skin.size());
    for (int i = 0; i <= nu; ++i)
        for (int j = 0; j <= nv; ++j) {
            const float u = static_cast<float>(i) / static_cast<float>(nu);
            const float v = static_cast<float>(j) / static_cast<float>(nv);
            const vec3 q = sdf.project(patch(u, v), 12);
            skin[i * (nv + 1) + j] = q;
            normal[i * (nv + 1) + j] = sdf.normal(q, 1.0f);
        }
    const auto id = [&](int i, int j) {
        return static_cast<std::size_t>(i) * static_cast<std::size_t>(nv + 1) +
               static_cast<std::size_t>(j);
    };
    // Orientation: is (∂/∂u × ∂/∂v) along the outward normal?
    const int ci = nu / 2, cj = nv / 2;
    const vec3 du = skin[id(std::min(ci + 1, nu), cj)] - skin[id(std::max(ci - 1, 0), cj)];
    const vec3 dv = skin[id(ci, std::min(cj + 1, nv))] - skin[id(ci, std::max(cj - 1, 0))];
    const bool flip = glm::dot(glm::cross(du, dv), normal[id(ci, cj)]) < 0.0f;

    const std::uint32_t base = static_cast<std::uint32_t>(b.mesh.positions.size());
    const auto fibre_at = [&](int i, int j) {
        const vec3 d = skin[id(std::min(i + 1, nu), j)] - skin[id(std::max(i - 1, 0), j)];
        const float len = glm::length(d);
        return len > 0.0f ? d / len : vec3(0, 1, 0);
    };
    for (int layer = 0; layer < 2; ++layer)
        for (int i = 0; i <= nu; ++i)
            for (int j = 0; j <= nv; ++j) {
                const float u = static_cast<float>(i) / static_cast<float>(nu);
                const float v = static_cast<float>(j) / static_cast<float>(nv);
                const float d_out = outer(u, v);
                const float d_in = std::max(inner(u, v), d_out + 0.6f);
                const float depth = layer == 0 ? d_out : d_in;
                b.add(skin[id(i, j)] - normal[id(i, j)] * depth, u, v, fibre_at(i, j));
            }
    const std::uint32_t layer_size = static_cast<std::uint32_t>((nu + 1) * (nv + 1));
    const auto vid = [&](int layer, int i, int j) {
        return base + static_cast<std::uint32_t>(layer) * layer_size +
               static_cast<std::uint32_t>(id(i, j));
    };
    const std::size_t first_index = b.mesh.indices.size();
    for (int i = 0; i < nu; ++i)
        for (int j = 0; j < nv; ++j) {
            b.quad(vid(0, i, j), vid(0, i + 1, j), vid(0, i + 1, j + 1), vid(0, i, j + 1));
            b.quad(vid(1, i, j), vid(1, i, j + 1), vid(1, i + 1, j + 1), vid(1, i + 1, j));
        }
    // Side walls along the boundary, walked counter-clockwise in (u, v).
    std::vector<std::pair<int, int>> loop;
    for (int i = 0; i < nu; ++i)
        loop.emplace_back(i, 0);
    for (int j = 0; j < nv; ++j)
        loop.emplace_back(nu, j);
    for (int i = nu; i > 0; --i)
        loop.emplace_back(i, nv);
    for (int j = nv; j > 0; --j)
        loop.emplace_back(0, j);
    for (std::size_t k = 0; k < loop.size(); ++k) {
        const auto [ia, ja] = loop[k];
        const auto [ib, jb] = loop[(k + 1) % loop.size()];
        const auto a = vid(0, ia, ja), bb = vid(0, ib, jb), a2 = vid(1, ia, ja),
                   b2 = vid(1, ib, jb);
        b.tri(a, a2, b2);
        b.tri(a, b2, bb);
    }
    if (flip)
        for (std::size_t t = first_index; t < b.mesh.indices.size(); t += 3)
            std::swap(b.mesh.indices[t + 1], b.mesh.indices[t + 2]);
}

// A tube of elliptical section along a path on the skin; the section's thickness axis follows the
// skin normal and its centre lies depth(t) under the skin.
void add_strap(Builder& b, const Curve& path, const Profile& depth, const Profile& half_width,
               const Profile& half_thickness, int segments = 48, int ring = 16) {
    const BodySdf& sdf = b.sdf;
    std::vector<vec3> skin(static_cast<std::size_t>(segments + 1));
    for (int i = 0; i <= segments; ++i)
        skin[i] = sdf.project(path.at(static_cast<float>(i) / static_cast<float>(segments)), 12);
    const std::uint32_t base = static_cast<std::uint32_t>(b.mesh.positions.size());
    std::vector<vec3> centres, tangents;
    for (int i = 0; i <= segments; ++i) {
        const float t = static_cast<float>(i) / static_cast<float>(segments);
        vec3 tangent = skin[std::min(i + 1, segments)] - skin[std::max(i - 1, 0)];
        tangent = glm::normalize(tangent);
        vec3 n = sdf.normal(skin[i], 1.0f);
        n = glm::normalize(n - glm::dot(n, tangent) * tangent);
        const vec3 side = glm::cross(tangent, n);
        const float th = half_thickness(t);
        const float d = std::max(depth(t), th + 1.5f);
        const vec3 centre = skin[i] - n * d;
        centres.push_back(centre);
        tangents.push_back(tangent);
        const float w = half_width(t);
        for (int j = 0; j < ring; ++j) {
            const float a = 2.0f * kPi * static_cast<float>(j) / static_cast<float>(ring);
            const vec3 p = centre + side * (w * std::cos(a)) + n * (th * std::sin(a));
            b.add(p, t, 0.5f * (1.0f - std::cos(a)), tangent);
        }
    }
    const auto vid = [&](int i, int j) {
        return base + static_cast<std::uint32_t>(i * ring + (j % ring));
    };
    for (int i = 0; i < segments; ++i)
        for (int j = 0; j < ring; ++j)
            b.quad(vid(i, j), vid(i + 1, j), vid(i + 1, j + 1), vid(i, j + 1));
    const auto c0 = b.add(centres.front() - tangents.front() * (0.3f * half_thickness(0.0f)), 0.0f,
                          0.5f, tangents.front());
    const auto c1 = b.add(centres.back() + tangents.back() * (0.3f * half_thickness(1.0f)), 1.0f,
                          0.5f, tangents.back());
    for (int j = 0; j < ring; ++j) {
        b.tri(c0, vid(0, j), vid(0, j + 1));
        b.tri(c1, vid(segments, j + 1), vid(segments, j));
    }
}

// Keeps every vertex at least min_depth under the skin, then sets normals and fibre directions.
Muscle finish(Builder& b, std::string id, Side side, MuscleLayer layer, float min_depth) {
    sink_under_skin(b.sdf, b.mesh, min_depth);
    Muscle m;
    m.id = std::move(id);
    m.side = side;
    m.layer = layer;
    m.fibre_directions.resize(b.mesh.positions.size());
    for (std::size_t v = 0; v < b.mesh.positions.size(); ++v) {
        const vec3 n = b.mesh.normals[v];
        vec3 f = b.fibre[v] - glm::dot(b.fibre[v], n) * n;
        if (glm::length(f) < 1e-4f) {
            // Along the normal (a cap's tip): any tangent will do.
            f = glm::cross(n, std::abs(n.x) < 0.9f ? vec3(1, 0, 0) : vec3(0, 1, 0));
        }
        m.fibre_directions[v] = glm::normalize(f);
    }
    m.mesh = std::move(b.mesh);
    return m;
}

Muscle mirrored(const Muscle& left) {
    Muscle right = left;
    right.side = Side::right;
    right.mesh = mirrored_mesh(left.mesh);
    for (auto& f : right.fibre_directions)
        f.x = -f.x;
    return right;
}

} // namespace

std::vector<Muscle> build_muscles(const BodySdf& sdf, const std::map<std::string, glm::vec3>& lm) {
    const Skeleton& s = sdf.skeleton();
    const vec3 H = s.head_scale, F = s.face_scale, T = s.trunk_scale;
    const float n = s.neck_scale;
    const auto L = [&](const std::string& name) { return lm.at(name); };
    const SkinPoints at{sdf};
    const auto flat = [](float value) { return Field2([value](float, float) { return value; }); };

    std::vector<Muscle> out;
    const auto both = [&](Muscle left) {
        out.push_back(mirrored(left));
        out.push_back(std::move(left));
    };
    const vec3 glabella = L("glabella"), nasion = L("nasion"), inion = L("inion"), c7 = L("c7");
    const vec3 t3 = L("t3"), t4 = L("t4");
    const float ss = s.suprasternal_height;

    // ---- Face and scalp sheets
    const vec3 crown = s.cranium_centre;
    // A point on the skin seen from the cranium's centre (for sheets that wrap over the vault).
    const auto radial = [&](vec3 direction) {
        const vec3 d = glm::normalize(direction);
        return at.cast(crown + d * 300.0f, crown);
    };
    {
        // Frontalis (one sheet per side, the two bellies meeting low in the midline and parting
        // upwards): galea (u = 0, the curved upper border near the hairline) → skin of the brow
        // (u = 1); v medial → lateral, the lateral border on the temporal line. Its lower medial
        // border stays above the corrugator and procerus; the orbital orbicularis overlaps its
        // lowest fibres superficially, as in life.
        Builder b{sdf, {}, {}};
        const vec3 hairline = L("frontal_hairline");
        const float top = std::max(hairline.y + 6.0f * H.y, glabella.y + 62.0f * H.y);
        Curve origin{{at.front(7 * F.x, top), at.front(22 * F.x, top - 1),
                      at.front(36 * F.x, top - 7), at.front(48 * F.x, top - 20),
                      at.front(53 * F.x, top - 34)}};
        const vec3 brow_l = L("brow_lateral_left"), brow_m = L("brow_medial_left");
        Curve insertion{{at.front(3, glabella.y + 15 * F.y), at.front(14 * F.x, brow_m.y + 1 * F.y),
                         at.front(28 * F.x, brow_m.y), at.front(40 * F.x, brow_l.y + 1 * F.y),
                         at.front(brow_l.x + 3 * F.x, brow_l.y + 2 * F.y)}};
        // Thinner at the brow, where it lies over the corrugator and under the orbital
        // orbicularis (the soft tissue to the bone is ~6 mm there: De Greef 2006).
        add_sheet(
            b, ruled(origin, insertion), [](float u, float) { return 2.5f + 0.3f * u; },
            [](float u, float) { return 4.6f + 1.2f * std::sin(kPi * u) - 0.8f * u; }, 20, 16);
        both(finish(b, "frontalis", Side::left, MuscleLayer::sheet, 2.0f));
    }
    {
        // Galea aponeurotica: the tendon sheet over the vault joining the frontal and occipital
        // bellies, between the temporal lines (one midline sheet, drawn as tendon). Built with u
        // front → back, v right → left.
        Builder b{sdf, {}, {}};
        const vec3 hairline = L("frontal_hairline");
        const float front_angle = std::atan2(hairline.y - crown.y, hairline.z - crown.z);
        const float back_angle = std::atan2(inion.y + 40.0f * H.y - crown.y, inion.z - crown.z);
        const Patch patch = [&](float u, float v) {
            const float a = front_angle + (back_angle - front_angle) * u;
            // Half-width as an angle: the temporal lines run closest to the midline over the
            // parietal eminences.
            const float half = 0.80f + 0.18f * std::sin(kPi * u);
            const float side = (2.0f * v - 1.0f) * half;
            return radial(
                vec3(std::sin(side), std::cos(side) * std::sin(a), std::cos(side) * std::cos(a)));
        };
        add_sheet(b, patch, flat(3.2f), flat(4.0f), 22, 14);
        for (auto& uv : b.mesh.uvs)
            uv.x = 0.0f; // all tendon (model.hpp: MuscleLayer::aponeurosis)
        out.push_back(
            finish(b, "galea_aponeurotica", Side::midline, MuscleLayer::aponeurosis, 2.8f));
    }
    {
        // Corrugator: medial superciliary arch (deep, on the bone) → skin of the mid-brow, rising
        // as it runs out; its belly under the medial brow and the skin just above it, where
        // PREEMPT injects it. A thin strap between the skin's fat and the bone (the glabella's
        // soft tissue is ~6 mm: De Greef 2006), 3–5 mm deep.
        Builder b{sdf, {}, {}};
        Curve path{{at.front(9 * F.x, nasion.y + 6 * F.y), at.front(18 * F.x, glabella.y + 9 * F.y),
                    at.front(33 * F.x, glabella.y + 11 * F.y)}};
        add_strap(b, path, constant(4.8f), belly(3.0f, 6.0f), constant(0.9f), 24, 12);
        both(finish(b, "corrugator", Side::left, MuscleLayer::strap, 3.8f));
    }
    {
        // Procerus (midline): nasal bone (u = 0) → glabellar skin (u = 1); v right → left.
        Builder b{sdf, {}, {}};
        const float w = 8.0f * F.x;
        Curve origin{{at.front(-w * 0.8f, nasion.y - 10 * F.y), at.front(0, nasion.y - 10 * F.y),
                      at.front(w * 0.8f, nasion.y - 10 * F.y)}};
        Curve insertion{{at.front(-w, glabella.y + 12 * F.y), at.front(0, glabella.y + 12 * F.y),
                         at.front(w, glabella.y + 12 * F.y)}};
        add_sheet(b, ruled(origin, insertion), flat(2.4f), flat(4.8f), 12, 8);
        out.push_back(finish(b, "procerus", Side::midline, MuscleLayer::sheet, 2.2f));
    }
    {
        // Orbicularis oculi: three concentric rings round the eye, fibres running round it (u goes
        // once round, starting and ending at the medial palpebral ligament, drawn as tendon; v
        // inner → outer). Pretarsal over the tarsal plates next to the lid margins, preseptal over
        // the orbital septum, orbital over the orbital rim onto the brow and cheek. Radii (mm,
        // medial / lateral / up / down from the centre of the fissure) after the usual atlas
        // proportions: tarsal plate 10 mm high in the upper lid, 4-5 mm in the lower; orbital
        // opening ~40 × 35 mm; the orbital part reaching ~1 cm beyond the rim.
        const vec3 mc = L("medial_canthus_left"), lc = L("lateral_canthus_left");
        const vec3 centre = 0.5f * (mc + lc);
        const float half_fissure = 0.5f * glm::length(glm::vec2(lc.x - mc.x, lc.y - mc.y));
        struct Ellipse {
            float medial, lateral, up, down;
        };
        const auto scaled = [&](Ellipse e) {
            return Ellipse{e.medial * F.x, e.lateral * F.x, e.up * F.y, e.down * F.y};
        };
        const auto ring_point = [&](Ellipse e, float u) {
            const float a = kPi - 2.0f * kPi * u; // medial → up → lateral → down → medial
            const float c = std::cos(a), sn = std::sin(a);
            const float x = centre.x + c * (c < 0.0f ? e.medial : e.lateral);
            const float y = centre.y + sn * (sn > 0.0f ? e.up : e.down);
            return at.front(x, y);
        };
        struct Part {
            const char* id;
            Ellipse inner, outer;
            float outer_depth, inner_depth, min_depth;
        };
        const Ellipse fissure{half_fissure + 0.5f, half_fissure + 0.5f, 1.2f, 1.2f};
        const Ellipse tarsal = scaled({half_fissure + 1.5f, half_fissure + 2.5f, 9.0f, 4.5f});
        const Ellipse rim = scaled({18.0f, 20.0f, 16.0f, 15.0f});
        const Ellipse orbital = scaled({24.0f, 31.0f, 30.0f, 25.0f});
        const Part parts[] = {{"orbicularis_oculi_pretarsal", fissure, tarsal, 0.8f, 1.6f, 0.6f},
                              {"orbicularis_oculi_preseptal", tarsal, rim, 1.0f, 2.0f, 0.7f},
                              {"orbicularis_oculi_orbital", rim, orbital, 1.4f, 2.6f, 1.2f}};
        for (const auto& part : parts) {
            Builder b{sdf, {}, {}};
            const Ellipse in = part.inner, outer_ring = part.outer;
            const Patch patch = [&](float u, float v) {
                return (1.0f - v) * ring_point(in, u) + v * ring_point(outer_ring, u);
            };
            add_sheet(b, patch, flat(part.outer_depth), flat(part.inner_depth), 64, 4);
            both(finish(b, part.id, Side::left, MuscleLayer::sheet, part.min_depth));
        }
    }
    {
        // Temporalis: a fan from the temporal fossa, its upper border the superior temporal line
        // (u = 0), converging (u = 1) into the tendon that passes deep to the zygomatic arch to the
        // coronoid process; v anterior → posterior.
        Builder b{sdf, {}, {}};
        Curve origin{{at.lateral(34 * H.y, 60 * H.z), at.lateral(66 * H.y, 48 * H.z),
                      at.lateral(86 * H.y, 18 * H.z), at.lateral(84 * H.y, -18 * H.z),
                      at.lateral(62 * H.y, -44 * H.z), at.lateral(30 * H.y, -52 * H.z)}};
        Curve insertion{{at.lateral(4 * F.y, 40 * F.z), at.lateral(6 * F.y, 29 * F.z),
                         at.lateral(8 * F.y, 18 * F.z)}};
        // The posterior fibres run forward above the ear before they turn down to the arch.
        const vec3 helix = L("helix_top_left");
        const Patch fan = ruled(origin, insertion);
        const Patch over_ear = [=](float u, float v) {
            vec3 p = fan(u, v);
            const float behind = std::clamp((helix.z + 16.0f - p.z) / 12.0f, 0.0f, 1.0f);
            p.y = std::max(p.y, p.y + (helix.y + 5.0f - p.y) * behind);
            return p;
        };
        add_sheet(
            b, over_ear, [](float u, float) { return 3.5f + 8.0f * u * u * u; },
            // Thin at the temporal line, thickest low in the fossa, on the bone (bones.cpp).
            [](float u, float) { return 5.5f + 10.0f * std::pow(std::sin(0.5f * kPi * u), 0.8f); },
            20, 26);
        both(finish(b, "temporalis", Side::left, MuscleLayer::sheet, 3.0f));
    }
    {
        // Occipitalis: lateral superior nuchal line (u = 0) → galea (u = 1); v medial → lateral.
        Builder b{sdf, {}, {}};
        Curve origin{{at.back(5, inion.y + 4 * H.y), at.back(26 * H.x, inion.y + 1 * H.y),
                      at.back(46 * H.x, inion.y - 5 * H.y)}};
        Curve insertion{{at.back(5, inion.y + 44 * H.y), at.back(26 * H.x, inion.y + 44 * H.y),
                         at.back(44 * H.x, inion.y + 38 * H.y)}};
        add_sheet(b, ruled(origin, insertion), flat(2.5f), flat(5.5f), 12, 14);
        both(finish(b, "occipitalis", Side::left, MuscleLayer::sheet, 2.0f));
    }

    // ---- Back of the neck and shoulders
    {
        // Trapezius in its three parts: descending (superior nuchal line, inion, ligamentum
        // nuchae → lateral third of the clavicle), transverse (C7-T3 spines → acromion and the
        // spine of the scapula) and ascending (T4 down to the crop → the tubercle at the medial end
        // of the scapular spine). Origin (u = 0, v top → bottom) along the midline; insertion
        // (u = 1) along clavicle, acromion and scapular spine, the ascending fibres converging.
        Builder b{sdf, {}, {}};
        const vec3 acromion = L("acromion_left"), spine = L("scapular_spine_medial_left");
        const vec3 clavicle =
            at.cast(s.clavicle_lateral + vec3(0, 80, -10), s.clavicle_lateral - vec3(0, 10, 10));
        const float crop = s.cut_height + 8.0f;
        const float t6 = t4.y - 2.0f * s.spine_step;
        Curve origin{{at.back(1.5f, inion.y - 4 * H.y), at.back(1.5f, 0.5f * (inion.y + c7.y)),
                      at.back(1.5f, c7.y), at.back(1.5f, L("t2").y), at.back(1.5f, t4.y),
                      at.back(1.5f, std::max(t6, crop + 12.0f)), at.back(1.5f, crop)}};
        const vec3 spine_mid =
            at.back(0.5f * (acromion.x + spine.x) + 10 * T.x, 0.5f * (acromion.y + spine.y), -30);
        Curve insertion{
            {clavicle, acromion, spine_mid,
             at.back(0.5f * (spine_mid.x + spine.x), 0.5f * (spine_mid.y + spine.y), -30), spine,
             at.back(spine.x - 2.0f * T.x, spine.y - 4.0f * T.y, -30),
             at.back(spine.x - 4.0f * T.x, spine.y - 7.0f * T.y, -30)}};
        // The upper border runs down the side of the neck to the clavicle: a Coons-style blend
        // bends the ruled patch's top rows onto it.
        const vec3 neck_border = at.on_skin(L("neck_inflection_left") + vec3(-2, 0, 4));
        Curve border{{origin.points.front(), at.back(26 * H.x, inion.y - 14 * H.y, -20),
                      at.on_skin(vec3(46 * n, -70 * T.y, -40 * n)), neck_border, clavicle}};
        const Patch base = ruled(origin, insertion);
        const Patch patch = [=](float u, float v) {
            const vec3 top_ruled = base(u, 0.0f);
            const float w = std::max(0.0f, 1.0f - 2.0f * v);
            return base(u, v) + (border.at(u) - top_ruled) * w * w;
        };
        add_sheet(
            b, patch, [](float, float v) { return 2.8f + 0.4f * std::min(1.0f, 2.0f * v); },
            [](float u, float v) {
                // Thick in the descending part's free lateral fold, thin near the midline (over
                // the splenius) and over the back.
                const float fold =
                    std::min(1.0f, v * 4.0f) * std::clamp(2.0f * u, 0.0f, 1.0f) * (1.0f - 0.3f * u);
                return 5.0f + 4.0f * fold * std::clamp(2.0f - 3.0f * v, 0.3f, 1.0f);
            },
            26, 36);
        both(finish(b, "trapezius", Side::left, MuscleLayer::sheet, 2.2f));
    }
    {
        // Splenius capitis: ligamentum nuchae C4 → T3 spines (u = 0, v top → bottom) → lateral
        // superior nuchal line and mastoid (u = 1).
        Builder b{sdf, {}, {}};
        Curve origin{{at.back(4, c7.y + 48 * T.y), at.back(4, c7.y), at.back(4, t3.y)}};
        const vec3 mastoid = L("mastoid_left");
        Curve insertion{{at.back(32 * H.x, inion.y - 6 * H.y),
                         at.back(44 * H.x, inion.y - 14 * H.y),
                         at.on_skin(mastoid + vec3(-4, 4, -6))}};
        add_sheet(
            b, ruled(origin, insertion),
            // Deeper at the mastoid, where it passes under the sternocleidomastoid's insertion.
            [](float u, float v) { return 7.5f + 7.0f * std::pow(u, 4.0f) * v * v; },
            [](float u, float v) {
                return 11.5f + 2.0f * std::sin(kPi * u) + 7.0f * std::pow(u, 4.0f) * v * v;
            },
            24, 12);
        both(finish(b, "splenius_capitis", Side::left, MuscleLayer::strap, 8.0f));
    }
    {
        // Semispinalis capitis: transverse processes C7-T4 (u = 0, low) → occiput between the
        // nuchal lines (u = 1); v medial → lateral.
        Builder b{sdf, {}, {}};
        Curve origin{{at.back(8, t4.y + 4), at.back(30 * T.x, t4.y + 4, -20)}};
        Curve insertion{{at.back(4, inion.y - 10 * H.y), at.back(34 * H.x, inion.y - 13 * H.y)}};
        add_sheet(
            b, ruled(origin, insertion),
            [](float u, float) { return 14.0f + 5.0f * (1.0f - u) * (1.0f - u); },
            [](float u, float) { return 30.0f - 10.0f * u * u; }, 26, 8);
        both(finish(b, "semispinalis_capitis", Side::left, MuscleLayer::deep, 10.0f));
    }
    {
        // Splenius cervicis: T3-T5 spines (u = 0) → transverse processes C1-C3 (u = 1).
        Builder b{sdf, {}, {}};
        Curve path{{at.back(6, t4.y - 10 * T.y), at.back(28 * T.x, c7.y - 4),
                    at.back(40 * n, -60 * T.y, -30), at.on_skin(vec3(48 * n, -42 * H.y, -38 * n))}};
        add_strap(b, path, linear(22.0f, 30.0f), belly(6.0f, 10.0f), constant(3.0f));
        both(finish(b, "splenius_cervicis", Side::left, MuscleLayer::deep, 14.0f));
    }
    {
        // Levator scapulae: transverse processes C1-C4 (u = 0) → superior angle of the scapula.
        Builder b{sdf, {}, {}};
        Curve path{{at.lateral(-42 * H.y, -20 * n),
                    at.cast(vec3(160, c7.y + 20, -60), vec3(30 * n, c7.y + 20, -30)),
                    L("scapula_superior_angle_left") + vec3(-2, 6, 0)}};
        add_strap(b, path, linear(24.0f, 15.0f), belly(7.0f, 12.0f), constant(4.5f));
        both(finish(b, "levator_scapulae", Side::left, MuscleLayer::strap, 10.0f));
    }
    {
        // Scalenes: cervical transverse processes (u = 0) → first / second rib (u = 1), deep in the
        // lateral neck behind the lower sternocleidomastoid.
        const auto rib = [&](float x, float z) {
            return at.cast(vec3(x, ss + 90, z), vec3(x, ss - 20, z));
        };
        struct Scalene {
            const char* id;
            float y0, z0, x1, z1;
        };
        const Scalene scalenes[] = {{"scalenus_anterior", -78, 6, 44, 26},
                                    {"scalenus_medius", -66, -8, 58, 8},
                                    {"scalenus_posterior", -92, -15, 72, -5}};
        for (const auto& sc : scalenes) {
            Builder b{sdf, {}, {}};
            const vec3 top = at.lateral(sc.y0 * F.y, sc.z0 * n);
            const vec3 bottom = rib(sc.x1 * T.x, sc.z1 * T.z);
            Curve path{{top, at.on_skin(0.5f * (top + bottom) + vec3(8, 0, 0)), bottom}};
            add_strap(b, path, linear(22.0f, 20.0f), belly(4.0f, 7.0f), constant(3.5f), 32, 12);
            both(finish(b, sc.id, Side::left, MuscleLayer::deep, 12.0f));
        }
    }
    {
        // Sternocleidomastoid: manubrium and medial clavicle (u = 0) → mastoid and lateral superior
        // nuchal line (u = 1); the clavicular head joins the sternal head low in the neck.
        Builder b{sdf, {}, {}};
        const vec3 mastoid = L("mastoid_left");
        const vec3 low = at.front(14 * T.x, ss + 10 * T.y, -20);
        const vec3 mid = at.on_skin(vec3(44 * n, 0.5f * (mastoid.y + ss) - 6, 28 * n));
        const vec3 upper = at.on_skin(vec3(54 * n, mastoid.y - 28 * H.y, 0));
        Curve sternal{{low, mid, upper, at.on_skin(mastoid + vec3(-2, 6, -6))}};
        add_strap(b, sternal, constant(9.5f), belly(6.0f, 12.0f), belly(3.5f, 5.0f), 48, 16);
        const vec3 clav_origin = at.front(38 * T.x, ss + 6 * T.y, -20);
        Curve clavicular{
            {clav_origin, at.on_skin(0.6f * clav_origin + 0.4f * mid + vec3(4, 0, 0)), mid}};
        add_strap(b, clavicular, constant(9.5f), belly(5.0f, 7.0f), constant(3.5f), 20, 12);
        both(finish(b, "sternocleidomastoid", Side::left, MuscleLayer::strap, 3.6f));
    }
    {
        // Platysma: fascia over the upper pectoralis and deltoid below the clavicle (u = 0) → the
        // lower border of the mandible and the skin of the lower face (u = 1); v medial → lateral.
        // The two sheets leave a gap over the larynx and meet under the chin. A thin sheet just
        // under the skin of the front and side of the neck.
        Builder b{sdf, {}, {}};
        const vec3 menton = L("menton"), gonion = L("gonion_left"), mouth = L("cheilion_left");
        const vec3 clav = L("clavicle_mid_left");
        Curve origin{{at.front(22 * T.x, ss - 16 * T.y), at.front(52 * T.x, clav.y - 16 * T.y),
                      at.front(84 * T.x, clav.y - 12 * T.y, -10)}};
        Curve insertion{{at.front(6, menton.y + 3 * F.y),
                         at.front(22 * F.x, menton.y + 6 * F.y, 30),
                         at.front(0.5f * (mouth.x + gonion.x), mouth.y - 16 * F.y, 30)}};
        add_sheet(b, ruled(origin, insertion), flat(2.0f), flat(3.0f), 28, 14);
        both(finish(b, "platysma", Side::left, MuscleLayer::sheet, 2.0f));
    }
    {
        // Longissimus capitis: transverse processes T1-T4 (u = 0) → posterior margin of the
        // mastoid.
        Builder b{sdf, {}, {}};
        const vec3 mastoid = L("mastoid_left");
        Curve path{{at.back(30 * T.x, t3.y, -20), at.back(36 * n, c7.y + 10, -20),
                    at.on_skin(vec3(46 * n, -55 * H.y, -55 * n)),
                    at.on_skin(mastoid + vec3(-6, 2, -10))}};
        add_strap(b, path, linear(28.0f, 14.0f), belly(4.0f, 7.0f), constant(3.5f));
        both(finish(b, "longissimus_capitis", Side::left, MuscleLayer::deep, 10.0f));
    }
    {
        // Obliquus capitis inferior: spinous process of C2 (u = 0) → transverse process of C1.
        Builder b{sdf, {}, {}};
        Curve path{{at.back(5, -44 * H.y), at.on_skin(vec3(24 * n, -38 * H.y, -70 * n)),
                    at.on_skin(vec3(44 * n, -30 * H.y, -44 * n))}};
        add_strap(b, path, linear(34.0f, 26.0f), belly(4.0f, 7.0f), constant(4.0f), 24, 12);
        both(finish(b, "obliquus_capitis_inferior", Side::left, MuscleLayer::deep, 18.0f));
    }
    return out;
}

} // namespace injmap::gen
