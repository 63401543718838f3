// The skeleton under the skin: cranium, mandible, C1-C7 and T1-T4, clavicles, scapulae and the
// manubrium, each a signed distance field of primitives (sdf_primitives.hpp) placed from the
// construction skeleton and from the skin field itself, meshed by surface nets (field_mesh.cpp).
//
// Every bone is kept under the skin: bone(p) = max(shape(p), skin(p) + depth(p)). On the head the
// cranium's shape is deliberately larger than the skin's, so its surface is the skin offset inward
// by the local tissue depth (vault, brow, zygomatic arches); the other bones are placed at their
// depths by casting to the skin (mandible, spinous processes, clavicle, acromion, scapula,
// manubrium), with the clamp as a safety margin. Either way, re-tuning the skin moves the bones.
// The depths (mm) follow the published facial soft tissue thickness tables, rounded: De Greef et
// al. 2006, "Large-scale in-vivo Caucasian facial soft tissue thickness database for craniofacial
// reconstruction", Forensic Sci Int 159 Suppl 1: S126-S146 (ultrasound, 967 adults), and the pooled
// adult means of Stephan & Simpson 2008, "Facial soft tissue depths in craniofacial identification
// (Part I)", J Forensic Sci 53(6): 1257-1272:
//   cranial vault 5.5, glabella 5.5, nasion 6.5, rhinion 3, supraorbital 6, infraorbital 9,
//   zygoma 7, zygomatic arch 8, mid-philtrum / upper lip 13, chin (pogonion) 11, menton 7,
//   gonion 15, mastoid 7, inion 5 (a little less on the protuberance itself, so it stands out).
// The skin field is a bound, not an exact distance: where the cranium follows it, a few anchors
// are set about 1 mm under their target so that the depth measured along the skin's normal (as
// tests/unit/bones_test.cpp does) lands on it.
// Neck and shoulder depths (palpation anatomy; no comparable table): spinous processes of C7 and
// T1 12, T2-T4 10, mid-cervical spinous processes 20-26 (under the nuchal muscles), acromion 7,
// clavicle 6.5 (8 at the sternal end), spine of the scapula 9, medial border about 10, manubrium
// 7.
#include <algorithm>
#include <array>
#include <cmath>

#include "generate_internal.hpp"

namespace injmap::gen {

namespace {

// Below the neck and face the bones are placed at their depths by casting to the skin (true
// distances); the skin field there is only a loose bound (it underestimates the depth near the
// large blended trunk shapes), so its clamp just keeps a margin.
constexpr float kSafetyDepth = 3.0f;

float dot2(vec3 v) {
    return glm::dot(v, v);
}

// Unsigned distance to a triangle (after Inigo Quilez).
float ud_triangle(vec3 p, vec3 a, vec3 b, vec3 c) {
    const vec3 ba = b - a, pa = p - a, cb = c - b, pb = p - b, ac = a - c, pc = p - c;
    const vec3 nor = glm::cross(ba, ac);
    const auto sgn = [](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); };
    const float inside = sgn(glm::dot(glm::cross(ba, nor), pa)) +
                         sgn(glm::dot(glm::cross(cb, nor), pb)) +
                         sgn(glm::dot(glm::cross(ac, nor), pc));
    if (inside < 2.0f)
        return std::sqrt(
            std::min(std::min(dot2(ba * std::clamp(glm::dot(ba, pa) / dot2(ba), 0.0f, 1.0f) - pa),
                              dot2(cb * std::clamp(glm::dot(cb, pb) / dot2(cb), 0.0f, 1.0f) - pb)),
                     dot2(ac * std::clamp(glm::dot(ac, pc) / dot2(ac), 0.0f, 1.0f) - pc)));
    return std::sqrt(glm::dot(nor, pa) * glm::dot(nor, pa) / dot2(nor));
}

// A plate of half-thickness r over the quad a-b-c-d.
float sd_plate(vec3 p, vec3 a, vec3 b, vec3 c, vec3 d, float r) {
    return std::min(ud_triangle(p, a, b, c), ud_triangle(p, a, c, d)) - r;
}

// A chain of round cones through the points with the given radii.
template <std::size_t N>
float sd_chain(vec3 p, const std::array<vec3, N>& pts, const std::array<float, N>& r) {
    float d = 1e9f;
    for (std::size_t i = 0; i + 1 < N; ++i)
        d = std::min(d, sd_round_cone(p, pts[i], pts[i + 1], r[i], r[i + 1]));
    return d;
}

// Tissue depth as a smooth blend of anchor values (Gaussian weights) over a base value.
struct DepthMap {
    struct Anchor {
        vec3 p;
        float sigma;
        float depth;
    };
    float base = 5.5f;
    std::vector<Anchor> anchors;
    [[nodiscard]] float operator()(vec3 q) const {
        float w_sum = 0.02f, sum = base * 0.02f;
        for (const auto& a : anchors) {
            const float w = std::exp(-dot2(q - a.p) / (a.sigma * a.sigma));
            w_sum += w;
            sum += w * a.depth;
        }
        return sum / w_sum;
    }
};

// A bone in the making: its shape (in the coordinates of the subject's left, or mirrored by |x|
// for a midline bone), its depth map, the box to mesh and the mesh resolution.
struct BoneSpec {
    std::string id;
    Side side = Side::midline; // left: the right one is its mirror image
    std::function<float(vec3)> shape;
    DepthMap depth;
    vec3 lo{0.0f}, hi{0.0f};
    float voxel = 1.5f;
    std::size_t triangles = 2000;
};

// Points on and under the skin, found by casting (the skin field is a bound, so cast rather than
// project where the field bends).
struct Skin {
    const BodySdf& sdf;
    [[nodiscard]] vec3 hit(vec3 outside, vec3 inside) const {
        if (auto p = sdf.cast(outside, inside))
            return *p;
        return sdf.project(inside, 20);
    }
    // `depth` mm under the skin point s, along its normal.
    [[nodiscard]] vec3 below(vec3 s, float depth) const { return s - sdf.normal(s, 1.0f) * depth; }
    // p, moved inward along `inward` (unit) until it is at least `depth` mm from the skin that
    // way; with `exact`, exactly `depth` mm.
    [[nodiscard]] vec3 fit(vec3 p, vec3 inward, float depth, bool exact = false) const {
        const vec3 s = hit(p - inward * 60.0f, p);
        const float d = glm::dot(p - s, inward);
        return exact || d < depth ? s + inward * depth : p;
    }
    [[nodiscard]] vec3 front(float x, float y, float z_inside) const {
        return hit({x, y, 250.0f}, {x, y, z_inside});
    }
    [[nodiscard]] vec3 top(float x, float y, float z) const {
        return hit({x, y + 150.0f, z}, {x, y - 30.0f, z});
    }
    [[nodiscard]] float back_z(float x, float y) const {
        return hit({x, y, -300.0f}, {x, y, 0.0f}).z;
    }
    [[nodiscard]] float front_z(float x, float y, float z_inside) const {
        return hit({x, y, 250.0f}, {x, y, z_inside}).z;
    }
};

vec3 catmull_rom(vec3 p0, vec3 p1, vec3 p2, vec3 p3, float t) {
    const float t2 = t * t, t3 = t2 * t;
    return 0.5f * ((2.0f * p1) + (-p0 + p2) * t + (2.0f * p0 - 5.0f * p1 + 4.0f * p2 - p3) * t2 +
                   (-p0 + 3.0f * p1 - 3.0f * p2 + p3) * t3);
}

// ---------------------------------------------------------------------------------------------
// Cranium (with the facial skeleton down to the upper alveolar border; no teeth)

BoneSpec cranium(const Skeleton& s) {
    const vec3 H = s.head_scale, F = s.face_scale;
    const auto hp = [&](float x, float y, float z) { return vec3(x, y, z) * H; };
    const auto fp = [&](float x, float y, float z) { return vec3(x, y, z) * F; };
    const float f = (F.x + F.y + F.z) / 3.0f;

    struct Parts {
        vec3 vault_c, vault_r;
        float base_y;
        vec3 nuchal_a;
        vec2 nuchal_n;
        float front_z, front_y;
        vec3 fossa_c, fossa_r, infratemporal_c, infratemporal_r;
        std::array<vec3, 4> brow;
        std::array<float, 4> brow_r;
        vec3 lat_rim_a, lat_rim_b;
        vec3 zygoma_c, zygoma_r;
        std::array<vec3, 3> infra;
        vec3 med_rim_a, med_rim_b;
        vec3 nasal_a, nasal_b, nasal_root_c, nasal_root_r;
        vec3 maxilla_c, maxilla_r, alveolus_c, alveolus_r;
        float alveolar_y;
        vec3 piriform_c, piriform_r;
        vec3 arch_a, arch_b, tubercle;
        vec3 mastoid_a, mastoid_b;
        vec3 eop_c, eop_r;
        vec3 orbit_c, orbit_r, orbit_apex, eyeball_c;
        float eyeball_r;
        float f;
    } P;
    P.f = f;
    P.vault_c = s.cranium_centre + hp(0, -4, -6);
    P.vault_r = s.cranium_radii + hp(6, 10, 14);
    P.base_y = -17.0f * H.y;
    // The nuchal plane, from behind the foramen magnum up to just under the inion; its normal
    // (in y, z) points down and back, out of the bone.
    P.nuchal_a = hp(0, -30, -24);
    {
        const vec3 b = hp(0, -6, -86);
        P.nuchal_n = glm::normalize(vec2(b.z - P.nuchal_a.z, P.nuchal_a.y - b.y));
    }
    P.front_z = 70.0f * F.z;
    P.front_y = 24.0f * F.y;
    P.fossa_c = hp(109, 40, 0);
    P.fossa_r = hp(48, 140, 80);
    P.infratemporal_c = hp(88, -24, 12);
    P.infratemporal_r = hp(34, 16, 34);
    P.brow = {fp(0, 31, 89), fp(18, 31, 87), fp(36, 30, 82), fp(51, 24, 68)};
    P.brow_r = {8.5f * f, 8.0f * f, 7.5f * f, 6.0f * f};
    P.lat_rim_a = fp(51, 24, 68);
    P.lat_rim_b = fp(49, 3, 63);
    P.zygoma_c = fp(48, -2, 58);
    P.zygoma_r = fp(12, 11, 12);
    P.infra = {fp(48, 2, 63), fp(32, -2, 74), fp(18, 2, 80)};
    P.med_rim_a = fp(14, 24, 85);
    P.med_rim_b = fp(14, -1, 84);
    P.nasal_root_c = fp(0, 12, 76);
    P.nasal_root_r = fp(16, 15, 10);
    P.nasal_a = fp(0, 23, 85);
    P.nasal_b = fp(0, 3, 96);
    P.maxilla_c = fp(0, -22, 64);
    P.maxilla_r = fp(34, 24, 28);
    P.alveolus_c = fp(0, -38, 64);
    P.alveolus_r = fp(30, 12, 24);
    P.alveolar_y = -46.0f * F.y;
    P.piriform_c = fp(0, -11, 90);
    P.piriform_r = fp(11, 14, 30);
    P.arch_a = fp(55, 0, 46);
    P.arch_b = fp(65, 0, 8);
    P.tubercle = fp(63, -4, 6);
    P.mastoid_a = hp(58, -4, -27);
    P.mastoid_b = s.mastoid + vec3(-2, 4, 1);
    P.eop_c = s.inion + hp(0, -1, 8);
    P.eop_r = hp(10, 7, 8);
    P.orbit_c = fp(33, 14, 80);
    P.orbit_r = fp(19, 18, 22);
    P.orbit_apex = fp(16, 10, 32);
    // The skin's eyeballs (appended to the skin mesh) must sit inside the orbits.
    P.eyeball_c = s.head.eyeball_centre * F;
    P.eyeball_r = s.head.eyeball_radius * f + 1.5f;

    BoneSpec b;
    b.id = "cranium";
    b.shape = [P](vec3 p) {
        const vec3 q{std::abs(p.x), p.y, p.z};
        // The vault: larger than the skin's cranium so the skin offset shapes it; cut at the base,
        // along the nuchal plane behind, and in front below the nasion, where the face takes over.
        float vault = sd_ellipsoid(q - P.vault_c, P.vault_r);
        vault = smax(vault, P.base_y - q.y, 12.0f);
        vault =
            smax(vault, glm::dot(P.nuchal_n, vec2(q.y - P.nuchal_a.y, q.z - P.nuchal_a.z)), 8.0f);
        vault = smax(vault, std::min(q.z - P.front_z, P.front_y - q.y), 6.0f);
        // The temporal fossa: a hollow on the side whose upper edge is the superior temporal line.
        vault = ssub(vault, sd_ellipsoid(q - P.fossa_c, P.fossa_r), 2.0f);
        // Below the zygomatic arch the side of the skull lies deep (infratemporal fossa), so the
        // arch stands free and the ramus of the mandible shows under it.
        vault = ssub(vault, sd_ellipsoid(q - P.infratemporal_c, P.infratemporal_r), 6.0f);

        float face = sd_chain(q, P.brow, P.brow_r);
        face = smin(face, sd_capsule(q, P.lat_rim_a, P.lat_rim_b, 5.5f * P.f), 4.0f);
        face = smin(face, sd_ellipsoid(q - P.zygoma_c, P.zygoma_r), 6.0f);
        face = smin(face,
                    sd_chain(q, P.infra, std::array<float, 3>{5.0f * P.f, 4.5f * P.f, 4.5f * P.f}),
                    4.0f);
        face = smin(face, sd_capsule(q, P.med_rim_a, P.med_rim_b, 5.0f * P.f), 4.0f);
        // The root of the nose between the orbits (frontal processes of the maxillae).
        face = smin(face, sd_ellipsoid(q - P.nasal_root_c, P.nasal_root_r), 4.0f);
        face = smin(face, sd_round_cone(q, P.nasal_a, P.nasal_b, 5.0f * P.f, 3.5f * P.f), 3.0f);
        // The body of the maxilla, and its alveolar process arching round at the level of the
        // upper teeth.
        float maxilla = smin(sd_ellipsoid(q - P.maxilla_c, P.maxilla_r),
                             sd_ellipsoid(q - P.alveolus_c, P.alveolus_r), 8.0f);
        maxilla = smax(maxilla, P.alveolar_y - q.y, 3.0f);
        face = smin(face, maxilla, 8.0f);

        float skull = smin(vault, face, 8.0f);
        skull = smin(skull, sd_capsule(q, P.arch_a, P.arch_b, 4.2f * P.f), 3.0f);
        skull = smin(skull, sd_sphere(q, P.tubercle, 5.0f * P.f), 3.0f);
        skull = smin(skull, sd_round_cone(q, P.mastoid_a, P.mastoid_b, 11.0f, 5.5f), 6.0f);
        skull = smin(skull, sd_ellipsoid(q - P.eop_c, P.eop_r), 6.0f);
        // The orbits (a bowl narrowing to the apex) and the piriform aperture of the nose.
        const float orbit =
            smin(sd_ellipsoid(q - P.orbit_c, P.orbit_r),
                 sd_round_cone(q, P.orbit_c, P.orbit_apex, 14.0f * P.f, 4.0f), 6.0f);
        skull = ssub(skull, orbit, 2.5f);
        skull = smax(skull, -sd_sphere(q, P.eyeball_c, P.eyeball_r), 1.0f);
        skull = ssub(skull, sd_ellipsoid(q - P.piriform_c, P.piriform_r), 2.5f);
        return skull;
    };
    b.depth.base = 5.5f;
    b.depth.anchors = {
        {fp(0, 33, 90), 10.0f, 5.5f},   // glabella
        {fp(0, 25, 88), 7.0f, 5.5f},    // nasion (the field overestimates here: ~6.5-7 results)
        {fp(0, 3, 101), 7.0f, 3.0f},    // rhinion
        {fp(33, 29, 85), 10.0f, 6.0f},  // supraorbital
        {fp(33, -3, 77), 9.0f, 9.0f},   // infraorbital
        {fp(50, 0, 60), 9.0f, 7.0f},    // zygoma
        {fp(64, 1, 28), 12.0f, 7.0f},   // zygomatic arch (~8 results: the field is a bound)
        {fp(0, -32, 99), 14.0f, 13.0f}, // mid-philtrum
        {fp(38, -28, 70), 14.0f, 15.0f},
        {hp(78, 0, -8), 11.0f, 12.0f}, // the ear stands off the head: keep the bone clear of it
        {s.mastoid, 10.0f, 7.0f},
        {s.inion, 7.0f, 4.5f},           // the external occipital protuberance stands out a little
        {hp(0, -22, -70), 16.0f, 25.0f}, // under the nuchal muscles
    };
    b.lo = hp(-90, -62, -118);
    b.hi = hp(90, 136, 110);
    b.voxel = 1.5f;
    b.triangles = 24000;
    return b;
}

// ---------------------------------------------------------------------------------------------
// Mandible

BoneSpec mandible(const Skeleton& s, const Skin& skin) {
    const vec3 F = s.face_scale;
    const auto fp = [&](float x, float y, float z) { return vec3(x, y, z) * F; };
    const float f = (F.x + F.y + F.z) / 3.0f;
    struct Parts {
        vec3 go, lf, uf, ub, mid_lo, mid_hi, chin_c, chin_r;
        vec3 ramus_top, coronoid, ramus_front;
        vec3 condyle_c, condyle_r, notch_c;
        float notch_r, alveolar_y, f;
    } P;
    P.f = f;
    // Placed under the skin at the tissue depths of the tables (plate half-thickness r added):
    // gonion 15, pogonion 11, menton 7 exactly; elsewhere at least the local depth.
    const float r = 5.5f * f;
    {
        const vec3 in = glm::normalize(vec3(-75.0f, 30.0f, 20.0f)); // as the gonion landmark
        // Slid back along the skin (the gonial angle opens to about 120°).
        P.go = skin.fit(s.gonion + fp(0, 1, -4), in, 15.0f + r, true);
    }
    {
        const vec3 front = skin.front(0.0f, s.chin.y + 2.0f * F.y, s.chin.z - 30.0f);
        P.chin_c = front + vec3(0.0f, 0.0f, -(11.0f + r));
        const vec3 under = skin.hit({0.0f, s.chin.y - 35.0f, P.chin_c.z - 4.0f},
                                    {0.0f, s.chin.y, P.chin_c.z - 4.0f});
        P.mid_lo = under + vec3(0.0f, 7.0f + r, 0.0f);
    }
    const vec3 side_in = glm::normalize(vec3(-1.0f, 0.0f, -0.25f));
    P.lf = skin.fit(vec3(16.0f * F.x, P.mid_lo.y + 3.0f, P.mid_lo.z - 5.0f),
                    glm::normalize(vec3(-0.4f, 0.6f, -0.7f)), 9.0f + r);
    P.uf = skin.fit(vec3(15.0f * F.x, -52.0f * F.y, P.chin_c.z - 1.0f),
                    glm::normalize(vec3(-0.3f, 0.0f, -1.0f)), 13.0f + r);
    P.mid_hi = {0.0f, -52.0f * F.y, P.uf.z + 2.0f};
    P.ub = skin.fit(fp(44, -48, 22), side_in, 15.0f + r);
    P.chin_r = fp(14, 10, 6);
    P.ramus_top = skin.fit(s.tmj + fp(-1, -8, -1), side_in, 10.0f + 4.0f * f);
    P.coronoid = skin.fit(fp(49, -4, 27), side_in, 14.0f + 4.0f * f);
    P.ramus_front = skin.fit(fp(46, -46, 24), side_in, 14.0f + 4.0f * f);
    P.condyle_c = skin.fit(s.tmj + fp(-2, -2, 0), side_in, 9.0f + 10.0f * f);
    P.condyle_r = fp(10, 5, 5.5f);
    P.notch_c = vec3(0.5f * (P.coronoid.x + P.condyle_c.x) + 1.0f, 1.0f * F.y,
                     0.5f * (P.coronoid.z + P.condyle_c.z));
    P.notch_r = 7.0f * f;
    P.alveolar_y = -49.0f * F.y;

    BoneSpec b;
    b.id = "mandible";
    b.shape = [P](vec3 p) {
        const vec3 q{std::abs(p.x), p.y, p.z};
        const float body = sd_plate(q, P.go, P.lf, P.uf, P.ub, 5.5f * P.f);
        const float symphysis =
            sd_plate(q, P.mid_lo, P.lf, P.uf, P.mid_hi, 5.5f * P.f); // both halves meet at x = 0
        const float ramus = sd_plate(q, P.go, P.ramus_front, P.coronoid, P.ramus_top, 4.0f * P.f);
        float m = smin(body, symphysis, 6.0f);
        m = smin(m, sd_ellipsoid(q - P.chin_c, P.chin_r), 8.0f);
        m = smin(m, ramus, 6.0f);
        m = smin(m, sd_ellipsoid(q - P.condyle_c, P.condyle_r), 3.0f);
        m = smin(m, sd_sphere(q, P.coronoid, 3.5f * P.f), 2.0f);
        m = ssub(m, sd_sphere(q, P.notch_c, P.notch_r), 2.0f); // the sigmoid notch
        // The alveolar border, in front of the ramus.
        if (q.z > P.ub.z + 8.0f)
            m = smax(m, q.y - P.alveolar_y, 2.0f);
        return m;
    };
    // The points above set the depths; the clamp only keeps the plates off the skin where the
    // skin's jaw is slim (under the angle, the floor of the mouth).
    b.depth.base = kSafetyDepth;
    b.lo = fp(-72, -110, -20);
    b.hi = fp(72, 10, 108);
    b.voxel = 1.25f;
    b.triangles = 6000;
    return b;
}

// ---------------------------------------------------------------------------------------------
// Vertebrae

struct VertebraParts {
    int level = 3;    // 1..7 cervical, 8..11 T1..T4
    vec3 body;        // centre of the body (x = 0)
    vec3 canal;       // centre of the vertebral canal (x = 0)
    vec3 tip;         // tip of the spinous process (x = 0)
    float bw, bd, bh; // body half width (x), depth (z), height (y)
    float kx, kz;     // canal half sizes
    float t;          // thickness of the arch
    float tp_x, tp_z, tp_r, tp_y;
    float sp_r0, sp_r1, tip_r;
    bool bifid = false;
};

float vertebra(const VertebraParts& v, vec3 p) {
    const vec3 q{std::abs(p.x), p.y, p.z};
    const vec3 k = v.canal;
    float d = 1e9f;
    if (v.level != 1) {
        const vec3 b = q - v.body;
        d = smax(sd_ellipsoid(b, vec3(v.bw, v.bh * 1.9f, v.bd)), std::abs(b.y) - v.bh, 1.5f);
    }
    // The arch around the canal (pedicles and laminae), its front half inside the body.
    const vec2 rel{q.x / (v.kx + v.t), (q.z - k.z) / (v.kz + v.t)};
    const float ring_d = (glm::length(rel) - 1.0f) * std::min(v.kx + v.t, v.kz + v.t);
    const float arch_h = v.level == 1 ? 4.5f : v.bh * 0.8f;
    float ring = std::max(std::abs(ring_d) - v.t, std::abs(q.y - k.y) - arch_h);
    if (v.level != 1)
        ring = std::max(ring, q.z - (v.body.z - v.bd * 0.2f));
    d = smin(d, ring, 2.0f);
    // Articular pillars (lateral masses) where pedicle meets lamina.
    const vec3 pillar{v.kx + v.t * 0.6f, k.y, k.z + v.kz * 0.2f};
    if (v.level == 1) {
        d = smin(d, sd_ellipsoid(q - (pillar + vec3(-2, 0, 4)), vec3(7.0f, 6.5f, 9.0f)), 3.0f);
    } else {
        const float ph = v.level <= 7 ? v.bh * 1.25f : v.bh * 0.9f;
        const float pr = v.level <= 7 ? 4.0f : 3.5f;
        d = smin(d,
                 sd_capsule(q, pillar + vec3(0, ph, v.level <= 7 ? 1.0f : -1.0f),
                            pillar - vec3(0, ph, v.level <= 7 ? 1.0f : -1.0f), pr),
                 2.0f);
    }
    // Transverse processes.
    const vec3 tp_root{v.kx * 0.8f, k.y, k.z + v.kz * 0.6f};
    d = smin(d, sd_capsule(q, tp_root, vec3(v.tp_x, k.y + v.tp_y, k.z + v.tp_z), v.tp_r), 2.0f);
    // Spinous process (bifid in C2-C6, a knob at C7 and the thoracic tips).
    const vec3 root{0.0f, k.y, k.z - v.kz - v.t * 0.5f};
    d = smin(d, sd_round_cone(q, root, v.tip, v.sp_r0, v.sp_r1), 2.0f);
    if (v.bifid)
        d = smin(d, sd_sphere(q, v.tip + vec3(3.5f, -0.5f, 0.5f), v.tip_r), 1.5f);
    else
        d = smin(d, sd_sphere(q, v.tip, v.tip_r), 1.5f);
    if (v.level == 1) { // the atlas: anterior arch tubercle and a small posterior tubercle
        d = smin(d, sd_sphere(q, vec3(0.0f, k.y, k.z + v.kz + v.t * 0.6f), 4.0f), 1.5f);
    }
    if (v.level == 2) // the dens, rising into the ring of the atlas
        d = smin(
            d,
            sd_capsule(q, v.body + vec3(0, v.bh, 1.0f), v.body + vec3(0, v.bh + 14.0f, 2.5f), 5.0f),
            3.0f);
    return d;
}

std::vector<BoneSpec> vertebrae(const Skeleton& s, const Skin& skin) {
    const vec3 T = s.trunk_scale;
    const float n = s.neck_scale;
    std::vector<BoneSpec> out;
    const float c1_y = s.mastoid.y - 8.0f * s.head_scale.y;
    const float c2_y = c1_y - 15.0f * n;
    const float c7_y = s.c7_height + 6.0f * T.y;
    const float step = (c2_y - c7_y) / 5.0f;
    const auto axis = [&](float y) {
        const float t =
            std::clamp((y - s.neck_top.y) / (s.neck_bottom.y - s.neck_top.y), 0.0f, 1.0f);
        const float z = s.neck_top.z + t * (s.neck_bottom.z - s.neck_top.z);
        const float r = s.neck_top_radius + t * (s.neck_bottom_radius - s.neck_top_radius);
        return vec2(z, r);
    };
    const std::array<const char*, 11> ids = {"c1", "c2", "c3", "c4", "c5", "c6",
                                             "c7", "t1", "t2", "t3", "t4"};
    // Depth of the spinous tip under the skin of the back (mm), C1 (posterior tubercle) .. T4.
    const std::array<float, 11> tip_depth = {40, 24, 26, 26, 24, 20, 12, 12, 10, 10, 10};
    for (int i = 0; i < 11; ++i) {
        const int level = i + 1;
        VertebraParts v;
        v.level = level;
        if (level <= 7) {
            const float y = level == 1 ? c1_y : c2_y - step * static_cast<float>(level - 2);
            const vec2 a = axis(y);
            v.body = {0.0f, y, a.x + 0.2f * a.y};
            v.bh = level == 2 ? 0.5f * step : 0.45f * step;
            v.bw = (level == 7 ? 10.0f : 8.5f) * n;
            v.bd = (level == 7 ? 8.0f : 7.5f) * n;
            v.kx = (level == 1 ? 14.0f : 11.0f) * n;
            v.kz = (level == 1 ? 14.0f : 7.0f) * n;
            v.t = level == 1 ? 3.2f : 2.8f;
            v.tp_x = (level == 1 ? 37.0f : level == 7 ? 33.0f : level == 2 ? 25.0f : 27.0f) * n;
            v.tp_z = level == 7 ? 4.0f : 7.0f;
            v.tp_y = -2.0f;
            v.tp_r = level == 1 ? 4.5f : 3.2f;
            v.sp_r0 = level == 2 ? 5.0f : level == 7 ? 4.2f : 3.2f;
            v.sp_r1 = level == 7 ? 4.0f : 2.8f;
            v.tip_r = level == 1 ? 4.0f : level == 7 ? 5.5f : 3.6f;
            v.bifid = level >= 2 && level <= 6;
            v.canal = v.body + vec3(0.0f, 0.0f, -(v.bd + v.kz + 0.5f));
            const float tip_y = level == 7 ? s.c7_height : y - 5.0f;
            vec3 tip = skin.below(skin.hit({0.0f, tip_y, -300.0f}, {0.0f, tip_y, 0.0f}),
                                  tip_depth[i] + v.tip_r);
            if (level == 1) {
                // The atlas has no body: its ring surrounds the dens of C2, just behind its
                // anterior arch.
                const vec2 a2 = axis(c2_y);
                v.canal = {0.0f, y, a2.x + 0.2f * a2.y + 2.5f + 6.0f - v.kz};
                tip = {0.0f, tip_y, v.canal.z - v.kz - v.t - 3.0f};
            }
            v.tip = {0.0f, tip.y, tip.z};
        } else {
            const int k = level - 7; // T1 = 1
            const float tip_y = s.c7_height - static_cast<float>(k) * s.spine_step;
            const vec3 tip = skin.below(skin.hit({0.0f, tip_y, -300.0f}, {0.0f, tip_y, 0.0f}),
                                        tip_depth[i] + 4.5f);
            v.bh = 0.4f * s.spine_step;
            v.body = {0.0f, tip_y + 0.62f * s.spine_step, tip.z + (56.0f + 2.0f * k) * T.z};
            v.tip = {0.0f, tip.y, tip.z};
            v.bw = (11.5f + 0.5f * k) * T.x;
            v.bd = (10.0f + 0.5f * k) * T.z;
            v.kx = 8.0f;
            v.kz = 7.5f;
            v.t = 3.4f;
            v.tp_x = (k == 1 ? 37.0f : 35.0f) * T.x;
            v.tp_z = -9.0f;
            v.tp_y = 2.0f;
            v.tp_r = 4.6f;
            v.sp_r0 = 4.5f;
            v.sp_r1 = 3.2f;
            v.tip_r = 4.5f;
            v.canal = v.body + vec3(0.0f, 0.0f, -(v.bd + v.kz + 0.5f));
        }
        BoneSpec b;
        b.id = ids[static_cast<std::size_t>(i)];
        b.shape = [v](vec3 p) { return vertebra(v, p); };
        b.depth.base = kSafetyDepth;
        const vec3 lo = glm::min(v.body - vec3(v.tp_x + 8.0f, v.bh + 22.0f, v.bd + 6.0f),
                                 v.tip - vec3(10.0f, 12.0f, 10.0f));
        const vec3 hi = glm::max(v.body + vec3(v.tp_x + 8.0f, v.bh + 22.0f, v.bd + 14.0f),
                                 v.tip + vec3(10.0f, 12.0f, 10.0f));
        b.lo = {-hi.x, lo.y, lo.z};
        b.hi = hi;
        b.voxel = 0.9f;
        b.triangles = level <= 7 ? 1500 : 1800;
        out.push_back(std::move(b));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Shoulder girdle and sternum (left side; the right is mirrored)

BoneSpec clavicle(const Skeleton& s, const Skin& skin) {
    const vec3 T = s.trunk_scale;
    const float t = (T.x + T.y + T.z) / 3.0f;
    // Along the skin's clavicle: sternal end, the forward-bowed medial two thirds, the lateral
    // third curving back to the acromion (the S seen from above). Each point under the skin.
    const vec3 ac_end = s.acromion + vec3(-14.0f * T.x, 3.0f, 16.0f * T.z);
    const vec3 medial = glm::mix(s.sternoclavicular, s.clavicle_mid, 0.5f);
    const vec3 lateral = glm::mix(s.clavicle_mid, s.clavicle_lateral, 0.55f);
    const std::array<vec3, 6> guide = {
        skin.front(s.sternoclavicular.x + 4.0f, s.sternoclavicular.y - 1.0f, -20.0f),
        skin.front(medial.x, medial.y, -20.0f),
        skin.front(s.clavicle_mid.x, s.clavicle_mid.y, -20.0f),
        skin.top(lateral.x, lateral.y, lateral.z),
        skin.top(s.clavicle_lateral.x, s.clavicle_lateral.y, s.clavicle_lateral.z),
        skin.top(ac_end.x, ac_end.y, ac_end.z)};
    const std::array<float, 6> depth = {8.0f, 6.5f, 6.5f, 6.5f, 6.5f, 6.5f};
    std::array<float, 6> radius = {8.0f * t, 6.0f * t, 5.5f * t, 5.5f * t, 5.8f * t, 6.0f * t};
    std::array<vec3, 6> centre{};
    for (std::size_t i = 0; i < guide.size(); ++i)
        centre[i] = skin.below(guide[i], depth[i] + radius[i]);
    centre[0].x = std::max(centre[0].x, radius[0] + 4.0f); // the sternal ends stay apart
    // A smooth S through the centres: a chain of round cones along the Catmull-Rom spline.
    constexpr int kSamples = 21;
    std::array<vec3, kSamples> pts{};
    std::array<float, kSamples> r{};
    for (int k = 0; k < kSamples; ++k) {
        const float u = static_cast<float>(k) / static_cast<float>(kSamples - 1) * 5.0f;
        const int seg = std::min(4, static_cast<int>(u));
        const float f = u - static_cast<float>(seg);
        const auto at = [&](int j) {
            return centre[static_cast<std::size_t>(std::clamp(j, 0, 5))];
        };
        pts[static_cast<std::size_t>(k)] =
            catmull_rom(at(seg - 1), at(seg), at(seg + 1), at(seg + 2), f);
        r[static_cast<std::size_t>(k)] = glm::mix(radius[static_cast<std::size_t>(seg)],
                                                  radius[static_cast<std::size_t>(seg) + 1], f);
    }
    BoneSpec b;
    b.id = "clavicle";
    b.side = Side::left;
    b.shape = [pts, r](vec3 p) { return sd_chain(p, pts, r); };
    b.depth.base = kSafetyDepth;
    b.lo = glm::min(pts.front(), pts.back()) - vec3(14.0f);
    b.hi = glm::max(pts.front(), pts.back()) + vec3(14.0f);
    for (const auto& p : pts) {
        b.lo = glm::min(b.lo, p - vec3(14.0f));
        b.hi = glm::max(b.hi, p + vec3(14.0f));
    }
    b.voxel = 1.0f;
    b.triangles = 1400;
    return b;
}

BoneSpec scapula(const Skeleton& s, const Skin& skin) {
    const vec3 T = s.trunk_scale;
    const float t = (T.x + T.y + T.z) / 3.0f;
    const auto back = [&](float x, float y, float depth) {
        return vec3(x, y, skin.back_z(x, y) + depth);
    };
    const vec3 sa = back(s.scapula_superior_angle.x, s.scapula_superior_angle.y, 14.0f);
    const vec3 ms = back(s.scapular_spine_medial.x, s.scapular_spine_medial.y, 12.0f);
    const float ia_y = s.scapula_superior_angle.y - 150.0f * T.y;
    const float ia_x = s.scapula_superior_angle.x + 22.0f * T.x;
    const vec3 ia = back(ia_x, std::max(ia_y, s.cut_height + 4.0f), 22.0f) +
                    vec3(0.0f, std::min(0.0f, ia_y - (s.cut_height + 4.0f)), 0.0f);
    // The acromion: a flat plate under the skin on top of the shoulder.
    const float acr_x = s.acromion.x - 12.0f * T.x;
    const vec3 acr_top = skin.hit({acr_x, s.acromion.y + 150.0f, s.acromion.z},
                                  {acr_x, s.acromion.y - 30.0f, s.acromion.z});
    const vec3 acr_c = acr_top - vec3(0.0f, 7.0f + 4.2f * t, 0.0f);
    const vec3 glenoid = s.acromion + vec3(-24.0f * T.x, -16.0f * T.y, 16.0f * T.z);
    const vec3 neck = glenoid + vec3(-14.0f * T.x, -4.0f, -12.0f * T.z);
    const vec3 sup_border = back(s.scapula_superior_angle.x + 50.0f * T.x,
                                 s.scapula_superior_angle.y - 10.0f * T.y, 26.0f);
    // The spine: from its root on the medial border up and out to the acromion, standing off the
    // blade with a palpable crest.
    const vec3 spine_mid = back(0.5f * (ms.x + acr_c.x), 0.55f * ms.y + 0.45f * acr_c.y, 9.0f);
    const vec3 acr_base = acr_c + vec3(-18.0f * T.x, -4.0f, -10.0f * T.z);
    const vec3 blade_mid = 0.5f * (ms + neck) + vec3(0, 0, 10.0f);
    const vec3 coracoid_a = neck + vec3(2.0f, 14.0f, 10.0f);
    const vec3 coracoid_b = s.acromion + vec3(-42.0f * T.x, -20.0f * T.y, 44.0f * T.z);

    struct Parts {
        vec3 sa, ms, ia, neck, sup, glenoid, spine_mid, acr_base, acr_c, blade_mid, cor_a, cor_b;
        float t;
    } P{sa,       ms,    ia,        neck,       sup_border, glenoid, spine_mid,
        acr_base, acr_c, blade_mid, coracoid_a, coracoid_b, t};
    BoneSpec b;
    b.id = "scapula";
    b.side = Side::left;
    b.shape = [P](vec3 p) {
        // Blade: a thin plate, with thicker borders.
        float d = sd_plate(p, P.sa, P.ms, P.ia, P.neck, 2.2f);
        d = std::min(d, ud_triangle(p, P.sa, P.neck, P.sup) - 2.0f);
        d = smin(d,
                 sd_chain(p, std::array<vec3, 3>{P.sa, P.ms, P.ia},
                          std::array<float, 3>{3.6f, 3.4f, 4.0f}),
                 2.0f);
        d = smin(d, sd_capsule(p, P.neck, P.ia, 4.5f * P.t), 3.0f); // lateral border
        d = smin(d, sd_capsule(p, P.sa, P.sup, 2.6f), 2.0f);        // superior border
        // Spine of the scapula and its crest.
        d = smin(d, ud_triangle(p, P.ms, P.acr_base, P.blade_mid) - 2.4f, 2.0f);
        d = smin(d,
                 sd_chain(p, std::array<vec3, 3>{P.ms, P.spine_mid, P.acr_base},
                          std::array<float, 3>{3.5f, 4.2f, 5.0f}),
                 3.0f);
        // Acromion, glenoid and coracoid.
        // The acromion: a broad flat plate hooked forward over the shoulder joint.
        d = smin(d,
                 sd_plate(p, P.acr_base, P.acr_c + vec3(9.0f, 0.0f, -6.0f) * P.t,
                          P.acr_c + vec3(6.0f, 0.0f, 14.0f) * P.t,
                          P.acr_c + vec3(-12.0f, -1.0f, 14.0f) * P.t, 3.2f),
                 4.0f);
        d = smin(d, sd_ellipsoid(p - P.acr_c, vec3(11.0f, 4.2f, 10.0f) * P.t), 4.0f);
        d = smin(d, sd_ellipsoid(p - P.glenoid, vec3(6.0f, 17.0f, 12.0f) * P.t), 4.0f);
        d = smin(d, sd_capsule(p, P.neck, P.glenoid, 7.0f * P.t), 4.0f);
        d = smin(d, sd_round_cone(p, P.cor_a, P.cor_b, 6.0f, 4.5f), 3.0f);
        return d;
    };
    b.depth.base = kSafetyDepth;
    b.lo = glm::min(glm::min(sa, ia), glm::min(glenoid, coracoid_b)) - vec3(25.0f);
    b.hi = glm::max(glm::max(acr_c, sup_border), glm::max(coracoid_b, glenoid)) + vec3(25.0f);
    b.lo.y = std::max(b.lo.y, s.cut_height);
    b.voxel = 1.2f;
    b.triangles = 3500;
    return b;
}

BoneSpec manubrium(const Skeleton& s, const Skin& skin) {
    const vec3 T = s.trunk_scale;
    const float ss = s.suprasternal_height;
    const auto front = [&](float x, float y, float depth) {
        return vec3(x, y, skin.front_z(x, y, -20.0f) - depth);
    };
    // A plate 50 mm long, broad at the clavicular notches, 7 mm under the skin in front.
    const float r = 5.0f;
    const vec3 tl = front(24.0f * T.x, ss - 4.0f, 7.0f + r);
    const vec3 bl = front(15.0f * T.x, ss - 50.0f * T.y, 7.0f + r);
    const vec3 tc = front(0.0f, ss - 4.0f, 7.0f + r);
    const vec3 bc = front(0.0f, ss - 50.0f * T.y, 7.0f + r);
    const float z_top = std::min(tl.z, tc.z + 4.0f), z_bottom = std::min(bl.z, bc.z);
    struct Parts {
        vec3 tl, bl, notch;
        float z_top, z_bottom, r;
    } P{tl, bl, vec3(0.0f, ss + 1.0f, z_top), z_top, z_bottom, r};
    BoneSpec b;
    b.id = "manubrium";
    b.shape = [P](vec3 p) {
        const vec3 q{std::abs(p.x), p.y, p.z};
        const vec3 a{0.0f, P.tl.y, P.z_top}, bb{P.tl.x, P.tl.y, P.z_top},
            c{P.bl.x, P.bl.y, P.z_bottom}, d{0.0f, P.bl.y, P.z_bottom};
        float m = sd_plate(q, a, bb, c, d, P.r);
        m = ssub(m, sd_sphere(q, P.notch, 8.0f), 2.0f); // the jugular notch
        return m;
    };
    b.depth.base = kSafetyDepth;
    b.lo = {-50.0f, bl.y - 20.0f, std::min(z_top, z_bottom) - 25.0f};
    b.hi = {50.0f, ss + 20.0f, std::max(z_top, z_bottom) + 25.0f};
    b.voxel = 1.0f;
    b.triangles = 900;
    return b;
}

} // namespace

std::vector<Bone> build_bones(const BodySdf& sdf, unsigned threads) {
    const Skeleton& s = sdf.skeleton();
    const Skin skin{sdf};
    std::vector<BoneSpec> specs;
    specs.push_back(cranium(s));
    specs.push_back(mandible(s, skin));
    for (auto& v : vertebrae(s, skin))
        specs.push_back(std::move(v));
    specs.push_back(clavicle(s, skin));
    specs.push_back(scapula(s, skin));
    specs.push_back(manubrium(s, skin));

    const float cut = s.cut_height + 2.0f;
    std::vector<Bone> bones;
    for (const BoneSpec& spec : specs) {
        // The bone's shape, never nearer the skin than its tissue depth, and above the bust cut.
        // The airway is a hollow inside the skin field: bones border it (1.5 mm of mucosa or gum),
        // while the soft-tissue depths are measured from the outer skin.
        const auto field = [&spec, &sdf, cut](vec3 p) {
            float d = spec.shape(p);
            d = std::max(d, cut - p.y);
            if (d > 3.0f)
                return d; // outside the shape: the skin cannot bring it back
            const vec3 q{spec.side == Side::midline ? std::abs(p.x) : p.x, p.y, p.z};
            const float cavity = sdf.airway(p);
            float to_skin = sdf(p);
            if (cavity < 4.0f && std::abs(to_skin + cavity) < 1.5f)
                to_skin = -1e3f; // the nearest skin is the cavity's wall, not the outer skin
            d = std::max(d, 1.5f - cavity);
            return smax(d, to_skin + spec.depth(q), 3.0f); // rounded where the skin creases
        };
        Bone bone;
        bone.id = spec.id;
        bone.side = spec.side;
        bone.mesh = mesh_field(field, spec.lo, spec.hi, spec.voxel, threads, spec.triangles);
        if (spec.side == Side::left) {
            Bone right;
            right.id = spec.id;
            right.side = Side::right;
            right.mesh = mirrored_mesh(bone.mesh);
            bones.push_back(std::move(bone));
            bones.push_back(std::move(right));
        } else {
            bones.push_back(std::move(bone));
        }
    }
    return bones;
}

} // namespace injmap::gen
