// The skin as a signed distance field: smooth unions of ellipsoids, capsules and round cones placed
// from the skeleton, mirrored by x → |x|. Blend widths follow /shared/anatomy.md §3.3 (about 10 mm
// for nose and ears, 20-30 mm for the face and jaw, 40-50 mm where the neck meets the trunk).
#include <cmath>
#include <limits>
#include <vector>

#include "generate_internal.hpp"

namespace injmap::gen {

namespace {

struct Capsule {
    vec3 a, b;
    float r;
    [[nodiscard]] float operator()(vec3 p) const { return sd_capsule(p, a, b, r); }
};
struct RoundCone {
    vec3 a, b;
    float ra, rb;
    [[nodiscard]] float operator()(vec3 p) const { return sd_round_cone(p, a, b, ra, rb); }
};
struct Ellipsoid {
    vec3 c, r;
    [[nodiscard]] float operator()(vec3 p) const { return sd_ellipsoid(p - c, r); }
};
struct Ball {
    vec3 c;
    float r;
    [[nodiscard]] float lower_bound(vec3 p) const { return glm::length(p - c) - r; }
};

} // namespace

struct BodySdf::Parts {
    bool male = true;
    // head and face
    Ellipsoid cranium, occiput;
    RoundCone brow[3];
    float brow_k = 10.0f;
    Ellipsoid midface, cheekbone, maxilla, lower_face, chin, cheek, temple, submandibular, masseter,
        malar;
    Capsule zygomatic_arch, ramus;
    RoundCone mandible;
    Ellipsoid eye_socket, upper_lid, lower_lid;
    vec3 eye{0.0f};             // centre of the (closed) eye
    float fissure_half = 13.5f; // half the palpebral fissure's width (Farkas: ~30 mm)
    vec2 face_yz{1.0f};         // face_scale y, z for the lid lines
    RoundCone nose_bridge;
    Ellipsoid nose_tip, nose_base, ala, nostril;
    Ellipsoid upper_lip, lower_lip, oral_cavity;
    Capsule nasal_passage, pharynx, fauces;
    Capsule philtrum;
    Ball nose_bound, mouth_bound, eye_bound;
    // ear (local frame)
    vec3 ear_centre;
    glm::mat3 ear_to_local;
    Ellipsoid ear_upper, ear_lobe, concha, scapha, fossa;
    Ellipsoid tragus;
    vec2 helix_centre{0.0f}, helix_radii{1.0f}; // the rolled rim: a tube along this ellipse
    float helix_tube = 3.0f, helix_lift = 1.0f;
    Ball ear_bound;
    // neck
    RoundCone neck;
    Capsule nape;
    RoundCone scm[2];
    Ellipsoid larynx; // the thyroid prominence (men), placed on the neck's front surface
    // trunk
    Ellipsoid thorax, upper_back, pectoral, breast;
    RoundCone trapezius[2];
    RoundCone girdle; // the upper chest under the clavicle, out to the shoulder
    RoundCone clavicle[3];
    Ellipsoid deltoid;
    RoundCone arm;
    Ellipsoid notch; // the suprasternal notch, a hollow between the sternal heads
    // Relief of the back, laid along the skin found by casting (see lay_relief): the vertebra
    // prominens, the furrow over the spinous processes between the erector columns, the spines
    // and medial borders of the scapulae.
    bool relief = false;
    Ellipsoid vertebra_prominens;
    std::vector<Capsule> spine_furrow, scapular_spine, medial_border;
    Ball head_bound;
    vec3 trunk_min, trunk_max; // box holding every trunk part
};

BodySdf::BodySdf(const Skeleton& skeleton) : s_(skeleton) {
    auto parts = std::make_shared<Parts>();
    Parts& P = *parts;
    const Skeleton& s = s_;
    const vec3 H = s.head_scale, F = s.face_scale, T = s.trunk_scale;
    const float f = (F.x + F.y + F.z) / 3.0f;
    const float t = (T.x + T.y + T.z) / 3.0f;
    const bool male = s.male;
    P.male = male;
    const auto tp = [&](float x, float y, float z) { return vec3(x, y, z) * T; };

    const HeadShape& h = s.head;
    // Cranium, with a fuller occiput above the inion.
    P.cranium = {s.cranium_centre, s.cranium_radii};
    P.occiput = {h.occiput_centre * H, h.occiput_radii * H};

    // Brow ridge: from the glabella out along the supraorbital margin.
    const float br = h.brow_radius;
    P.brow[0] = {h.brow0 * F, h.brow1 * F, br * f, br * f};
    P.brow[1] = {h.brow1 * F, h.brow2 * F, br * f, br * f * 0.95f};
    P.brow[2] = {h.brow2 * F, h.brow3 * F, br * f * 0.95f, br * f * 0.8f};
    P.brow_k = 14.0f * f;

    P.midface = {h.midface_centre * F, h.midface_radii * F};
    P.cheekbone = {h.cheekbone_centre * F, h.cheekbone_radii * F};
    P.zygomatic_arch = {h.arch_front * F, h.arch_back * F, h.arch_radius * F.x};
    P.maxilla = {h.maxilla_centre * F, h.maxilla_radii * F};
    P.lower_face = {h.lower_face_centre * F, h.lower_face_radii * F};
    P.mandible = {s.gonion, h.mandible_front * F, h.mandible_radius_back * f,
                  h.mandible_radius_front * f};
    P.ramus = {s.tmj, s.gonion, h.ramus_radius * f};
    P.chin = {s.chin, h.chin_radii * F};
    P.cheek = {h.cheek_centre * F, h.cheek_radii * F};
    P.temple = {h.temple_centre * F, h.temple_radii * F};
    P.submandibular = {h.submandibular_centre * F, h.submandibular_radii * F};
    P.masseter = {h.masseter_centre * F, h.masseter_radii * F};
    P.malar = {h.malar_centre * F, h.malar_radii * F};

    // Closed eyes: upper and lower lids meet in a crease (a plain union, no thin cut).
    P.eye_socket = {h.socket_centre * F, h.socket_radii * F};
    P.upper_lid = {s.eye + h.upper_lid_offset * F, h.upper_lid_radii * F};
    P.lower_lid = {s.eye + h.lower_lid_offset * F, h.lower_lid_radii * F};
    P.eye = s.eye;
    P.fissure_half = 13.5f * F.x;
    P.face_yz = {F.y, F.z};

    // Nose: a narrow bridge widening to the base, a tip and the alae, all blended.
    P.nose_bridge = {s.nasion + vec3(0, 1.0f, 0), h.bridge_low * F, h.bridge_radius_top * f,
                     h.bridge_radius_low * f};
    P.nose_tip = {s.nose_tip, vec3(h.tip_radius) * F};
    P.nose_base = {h.nose_base_centre * F, h.nose_base_radii * F};
    P.ala = {h.ala_centre * F, h.ala_radii * F};
    P.nostril = {h.nostril_centre * F, h.nostril_radii * F};

    // Lips: two vermilion bodies whose plain union makes the mouth line.
    P.upper_lip = {h.upper_lip_centre * F, h.upper_lip_radii * F};
    P.lower_lip = {h.lower_lip_centre * F, h.lower_lip_radii * F};
    P.philtrum = {h.philtrum_top * F, h.philtrum_bottom * F, 1.6f};
    P.oral_cavity = {h.oral_cavity_centre * F, h.oral_cavity_radii * F};
    // The passages are joined: the nasal passages end in the nasopharynx (the pharynx's top), the
    // oral cavity opens back into the pharynx (the isthmus of the fauces).
    P.nasal_passage = {h.nasal_front * F,
                       vec3(h.nasal_front.x, h.pharynx_top.y, h.pharynx_top.z) * F,
                       h.nasal_radius * f};
    P.pharynx = {h.pharynx_top * F, h.pharynx_bottom * F, h.pharynx_radius * f};
    {
        const vec3 back = h.oral_cavity_centre - vec3(0.0f, 0.0f, 0.6f * h.oral_cavity_radii.z);
        const vec3 pharynx_mid = 0.5f * (h.pharynx_top + h.pharynx_bottom);
        P.fauces = {back * F, pharynx_mid * F, 0.6f * h.pharynx_radius * f};
    }

    P.nose_bound = {(h.nasion + h.nose_tip) * 0.5f * F, 50.0f * f};
    P.mouth_bound = {vec3(0.0f, s.mouth.y, 60.0f * F.z), 80.0f * f};
    P.eye_bound = {s.eye + vec3(0, 0, 9.0f) * F, 38.0f * f};

    // The ear, in its own frame (u up along the ear, w forward, n out of its plane).
    P.ear_centre = s.ear_centre;
    P.ear_to_local = s.ear_to_local;
    const float e = s.ear_height / 63.0f;
    P.ear_upper = {h.ear_upper_centre * e, h.ear_upper_radii * e};
    P.ear_lobe = {h.ear_lobe_centre * e, h.ear_lobe_radii * e};
    P.concha = {vec3(-4, 3, 5.0f) * e, vec3(11, 8, 5.5f) * e};
    P.scapha = {vec3(9, -3, 5.6f) * e, vec3(16, 10, 3.4f) * e};
    P.fossa = {vec3(15, 4, 5.6f) * e, vec3(6, 4.5f, 2.8f) * e};
    P.tragus = {vec3(-4, 11.5f, 2.0f) * e, vec3(4.0f, 3.0f, 3.0f) * e};
    P.helix_centre = vec2(6, -1) * e;
    P.helix_radii = vec2(23.0f, 15.0f) * e;
    P.helix_tube = 3.0f * e;
    P.helix_lift = 1.0f * e;
    P.ear_bound = {s.ear_centre, 40.0f * e};

    // Neck, with the nape columns (trapezius and splenius) and the sternocleidomastoid relief.
    P.neck = {s.neck_top, s.neck_bottom, s.neck_top_radius, s.neck_bottom_radius};
    const float n = s.neck_scale;
    P.nape = {vec3(20 * n, -20 * H.y, -50 * n), vec3(23 * n, s.c7_height - 2.0f, -57 * n),
              13.0f * n};
    const vec3 scm_top = s.mastoid + vec3(-3, -4, 0);
    const vec3 scm_mid = {42 * n, 0.5f * (scm_top.y + s.suprasternal_height) - 8.0f, 26 * n};
    const vec3 scm_low = s.sternoclavicular + vec3(-5, 2, -2);
    P.scm[0] = {scm_top, scm_mid, 9.0f * n, 9.5f * n};
    P.scm[1] = {scm_mid, scm_low, 9.5f * n, 8.5f * n};
    P.larynx = {vec3(0.0f, s.suprasternal_height + 50.0f * T.y, 0.0f), vec3(10, 14, 8) * n};

    // Trunk: thorax, the upper back over the scapulae, the trapezius ridge, clavicles, deltoids.
    const float ss = s.suprasternal_height;
    P.thorax = {vec3(0, ss - 98 * T.y, -20 * T.z), tp(150, 115, 100)};
    P.upper_back = {vec3(85 * T.x, ss - 38 * T.y, -60 * T.z), tp(75, 85, 42)};
    P.pectoral = {vec3(78 * T.x, ss - 64 * T.y, 42 * T.z), tp(62, 46, 30)};
    // Only the upper pole of the breasts lies above the cut: a gentle fullness of the upper chest.
    P.breast = {vec3(84 * T.x, ss - 118 * T.y, 52 * T.z), tp(60, 52, 46)};
    // The trapezius ridge traces the shoulder line from the side of the neck to the acromion.
    const vec3 trap_a{32 * n, ss + 28 * T.y, -45 * T.z};
    const vec3 trap_b{122 * T.x, ss + 4 * T.y, -40 * T.z};
    const vec3 trap_c{s.acromion.x - 16.0f, s.acromion.y - 12.0f * T.y, -30 * T.z};
    P.trapezius[0] = {trap_a, trap_b, 26.0f * t, 24.0f * t};
    P.trapezius[1] = {trap_b, trap_c, 24.0f * t, 18.0f * t};
    P.girdle = {vec3(30 * T.x, ss - 22 * T.y, 5 * T.z), vec3(160 * T.x, ss - 18 * T.y, -18 * T.z),
                40.0f * t, 30.0f * t};
    // Clavicles sit mostly inside: only a low ridge shows.
    // A rounded bar ~8 mm thick lying just under the skin: a soft ridge, thicker at the sternal
    // end.
    const vec3 sink{0, -2.0f, -6.5f};
    P.clavicle[0] = {s.sternoclavicular + sink, s.clavicle_mid + sink, 8.5f * t, 7.5f * t};
    P.clavicle[1] = {s.clavicle_mid + sink, s.clavicle_lateral + sink, 7.5f * t, 7.0f * t};
    P.clavicle[2] = {s.clavicle_lateral + sink, s.acromion + vec3(-16, 0, 14), 7.0f * t, 7.0f * t};
    P.deltoid = {s.deltoid_centre, s.deltoid_radii};
    P.arm = {s.deltoid_centre + vec3(2, 0, -2), s.deltoid_centre + vec3(14, -170, -6), 41 * t,
             37 * t};
    P.notch = {vec3(0.0f, ss + 9.0f, 0.0f), vec3(17.0f, 12.0f, 8.0f) * t};

    P.head_bound = {vec3(0.0f, 15.0f, 5.0f) * H, 155.0f * std::max(H.x, std::max(H.y, H.z))};
    P.trunk_min = {-s.box_max.x, s.cut_height - 200.0f, -180.0f};
    P.trunk_max = {s.box_max.x, ss + 70.0f * T.y, 150.0f};
    parts_ = parts;
    lay_relief(P);
}

void BodySdf::lay_relief(Parts& P) {
    // Features that follow the skin are placed where the skin is: cast onto the body as built so
    // far, then set at a depth under (or a height over) the point found.
    const Skeleton& s = s_;
    const vec3 T = s.trunk_scale;
    const auto from_back = [&](float x, float y) {
        const auto hit = cast({x, y, -300.0f}, {x, y, 0.0f});
        return hit ? *hit : vec3(x, y, -80.0f);
    };
    const auto from_front = [&](float x, float y) {
        const auto hit = cast({x, y, 300.0f}, {x, y, -20.0f});
        return hit ? *hit : vec3(x, y, 40.0f);
    };
    const float n = s.neck_scale;
    if (P.male) {
        // Thyroid prominence: 5 mm proud of the neck's front, about 50 mm above the notch.
        const vec3 front = from_front(0.0f, P.larynx.c.y);
        P.larynx.c.z = front.z + 5.0f - P.larynx.r.z;
    }
    {
        const vec3 front = from_front(0.0f, P.notch.c.y);
        P.notch.c.z = front.z + 4.5f; // 3.5 mm deep
    }
    // C7's spinous process: a knob about 4 mm proud at the base of the neck.
    const vec3 c7 = from_back(0.0f, s.c7_height);
    P.vertebra_prominens = {c7 + vec3(0.0f, 0.0f, 3.5f), vec3(8.0f, 8.0f, 7.0f) * n};
    // The spine furrow: a groove ~2.5 mm deep, ~12 mm wide, from T1 down to the crop.
    {
        const float r = 9.0f;
        vec3 prev{};
        for (int i = 0; i <= 8; ++i) {
            const float y =
                s.c7_height - s.spine_step +
                (s.cut_height - 10.0f - s.c7_height + s.spine_step) * static_cast<float>(i) / 8.0f;
            const vec3 p = from_back(0.0f, y) - vec3(0.0f, 0.0f, r - 2.5f);
            if (i > 0)
                P.spine_furrow.push_back({prev, p, r});
            prev = p;
        }
    }
    // A ridge under the skin along a path given as (x, y) seen from behind.
    const auto ridge = [&](std::vector<Capsule>& out, const std::vector<vec2>& path, float radius,
                           float proud) {
        vec3 prev{};
        for (std::size_t i = 0; i < path.size(); ++i) {
            const vec3 skin = from_back(path[i].x, path[i].y);
            const vec3 normal = this->normal(skin, 1.0f);
            const vec3 p = skin - normal * (radius - proud);
            if (i > 0)
                out.push_back({prev, p, radius});
            prev = p;
        }
    };
    // Scapular spine: from the medial border up and out to the acromion.
    const vec3 m = s.scapular_spine_medial, a = s.acromion;
    std::vector<vec2> spine;
    for (int i = 0; i <= 6; ++i) {
        const float u = static_cast<float>(i) / 6.0f;
        spine.emplace_back(m.x + (a.x - 14.0f - m.x) * u, m.y + (a.y + 6.0f - m.y) * u);
    }
    ridge(P.scapular_spine, spine, 11.0f * T.x, 2.0f);
    // Medial border: from the superior angle down to the crop, slightly out.
    const vec3 sa = s.scapula_superior_angle;
    std::vector<vec2> border;
    for (int i = 0; i <= 5; ++i) {
        const float u = static_cast<float>(i) / 5.0f;
        border.emplace_back(sa.x + 8.0f * T.x * u, sa.y + (s.cut_height + 5.0f - sa.y) * u);
    }
    ridge(P.medial_border, border, 12.0f * T.x, 1.5f);
    P.relief = true;
}

float BodySdf::operator()(vec3 p) const {
    const Parts& P = *parts_;
    // ---- Neck and trunk, folded with a smooth |x| so paired shapes near the midline (nape
    // columns, upper back, pectorals) meet without a crease along it.
    const vec3 qt{std::sqrt(p.x * p.x + 64.0f), p.y, p.z};
    float neck = P.neck(qt);
    neck = smin(neck, P.nape(qt), 18.0f);
    neck = smin(neck, std::min(P.scm[0](qt), P.scm[1](qt)), 12.0f);
    if (P.male)
        neck = smin(neck, P.larynx(p), 16.0f);
    if (P.relief)
        neck = smin(neck, P.vertebra_prominens(p), 10.0f);

    // ---- Trunk
    // The trunk's parts all lie in a box: far from it they cannot change the blend.
    const vec3 outside_box = glm::max(glm::max(P.trunk_min - qt, qt - P.trunk_max), vec3(0.0f));
    if (glm::length(outside_box) < neck + 45.0f) {
        float trunk = P.thorax(qt);
        trunk = smin(trunk, P.upper_back(qt), 40.0f);
        if (P.male)
            trunk = smin(trunk, P.pectoral(qt), 50.0f);
        else
            trunk = smin(trunk, P.breast(qt), 50.0f);
        trunk = smin(trunk, P.girdle(qt), 40.0f);
        trunk = smin(trunk, std::min(P.trapezius[0](qt), P.trapezius[1](qt)), 35.0f);
        trunk = smin(trunk, P.deltoid(qt), 40.0f);
        trunk = smin(trunk, P.arm(qt), 40.0f);
        float clavicle =
            std::min(P.clavicle[0](qt), std::min(P.clavicle[1](qt), P.clavicle[2](qt)));
        trunk = smin(trunk, clavicle, 26.0f);
        if (P.relief) {
            float ridges = std::numeric_limits<float>::max();
            for (const auto& c : P.scapular_spine)
                ridges = std::min(ridges, c(qt));
            for (const auto& c : P.medial_border)
                ridges = std::min(ridges, c(qt));
            trunk = smin(trunk, ridges, 18.0f);
        }

        neck = smin(neck, trunk, 45.0f);
    }
    float body = neck;
    body = ssub(body, P.notch(p), 10.0f);
    if (P.relief) {
        float furrow = std::numeric_limits<float>::max();
        for (const auto& c : P.spine_furrow)
            furrow = std::min(furrow, c(p));
        body = ssub(body, furrow, 8.0f);
    }

    // ---- Head and face (only near the head)
    if (P.head_bound.lower_bound(p) >= body + 22.0f)
        return body;
    const vec3 q{std::abs(p.x), p.y, p.z};
    float head = P.cranium(q);
    head = smin(head, P.occiput(q), 30.0f);
    float brow = P.brow[0](q);
    brow = std::min(brow, P.brow[1](q));
    brow = std::min(brow, P.brow[2](q));
    head = smin(head, brow, P.brow_k);
    head = smin(head, P.midface(q), 25.0f);
    head = smin(head, P.cheekbone(q), 14.0f);
    head = smin(head, P.zygomatic_arch(q), 14.0f);
    head = smin(head, P.maxilla(q), 18.0f);
    head = smin(head, P.cheek(q), 16.0f);
    head = smin(head, P.lower_face(q), 22.0f);
    head = smin(head, P.mandible(q), 18.0f);
    head = smin(head, P.ramus(q), 15.0f);
    head = smin(head, P.chin(q), 12.0f);
    head = smin(head, P.temple(q), 20.0f);
    head = smin(head, P.submandibular(q), 20.0f);
    head = smin(head, P.masseter(q), 20.0f);
    head = smin(head, P.malar(q), 18.0f);
    if (P.eye_bound.lower_bound(q) < std::abs(head) + 12.0f) {
        head = ssub(head, P.eye_socket(q), 10.0f);
        // The lower lid melts into the cheek; the upper lid keeps its fold under the brow.
        head = smin(head, P.lower_lid(q), 9.0f);
        head = smin(head, P.upper_lid(q), 4.0f);
        // The closed lids' meeting line (a gentle downward arc): a shallow groove cut only near the
        // lids' surface. (The upper lid's crease comes from the lid's fold under the brow.)
        const float lids = std::min(P.upper_lid(q), P.lower_lid(q));
        const float u = (q.x - P.eye.x) / P.fissure_half;
        // Only the lids' front: the back of the lid bodies lies inside the head.
        const float across = std::max(std::abs(q.x - P.eye.x) - P.fissure_half, P.eye.z - q.z);
        const float fy = P.face_yz.x;
        const float margin_y = P.eye.y - (1.0f + 1.5f * (1.0f - u * u)) * fy;
        // It tapers to nothing at the canthi (an abrupt end would leave a cell the mesher
        // cannot close).
        const float taper = std::clamp(1.0f - u * u, 0.0f, 1.0f);
        const float margin =
            std::max(std::max(std::abs(q.y - margin_y) - 0.7f * taper, across + 2.0f),
                     std::abs(lids) - 1.4f * taper);
        head = ssub(head, margin, 0.6f);
    }
    if (P.nose_bound.lower_bound(q) < std::abs(head) + 10.0f) {
        float nose = P.nose_bridge(q);
        nose = smin(nose, P.nose_tip(q), 7.0f);
        nose = smin(nose, P.nose_base(q), 7.0f);
        nose = smin(nose, P.ala(q), 6.0f);
        head = smin(head, nose, 7.0f);
        head = ssub(head, P.nostril(q), 4.0f);
    }
    float carved = std::numeric_limits<float>::max(); // the airway, cut after the neck joins
    if (P.mouth_bound.lower_bound(q) < std::abs(head) + 10.0f) {
        const float lips = smin(P.upper_lip(q), P.lower_lip(q), 2.5f);
        head = smin(head, lips, 6.0f);
        head = ssub(head, P.philtrum(q), 2.5f);
        // The airway behind the closed lips and the nostrils: a hollow inside the skin, as a real
        // head's skin goes on into the mouth and nose (cut after the neck joins, below).
        carved = airway(p);
    }
    if (P.ear_bound.lower_bound(q) < head + 6.0f) {
        const vec3 l = P.ear_to_local * (q - P.ear_centre);
        float ear = smin(P.ear_upper(l), P.ear_lobe(l), 6.0f);
        // The helix: a tube rolled along the rim (distance to the ellipse approximated in its
        // scaled space), so the rim is round and thick rather than a knife edge.
        const vec2 rim = (vec2(l.x, l.y) - P.helix_centre) / P.helix_radii;
        const float to_ellipse =
            (glm::length(rim) - 1.0f) * std::min(P.helix_radii.x, P.helix_radii.y);
        const float helix =
            std::sqrt(to_ellipse * to_ellipse + (l.z - P.helix_lift) * (l.z - P.helix_lift)) -
            P.helix_tube;
        ear = smin(ear, helix, 2.0f);
        ear = ssub(ear, P.concha(l), 2.5f);
        ear = ssub(ear, P.scapha(l), 2.0f);
        ear = ssub(ear, P.fossa(l), 1.5f);
        ear = smin(ear, P.tragus(l), 2.0f);
        head = smin(head, ear, 5.0f);
    }

    const float joined = smin(head, body, 22.0f);
    return carved < std::numeric_limits<float>::max() ? ssub(joined, carved, 1.5f) : joined;
}

float BodySdf::airway(vec3 p) const {
    const Parts& P = *parts_;
    const vec3 q{std::abs(p.x), p.y, p.z};
    return smin(smin(smin(P.oral_cavity(q), P.fauces(q), 6.0f), P.pharynx(q), 6.0f),
                P.nasal_passage(q), 6.0f);
}

vec3 BodySdf::gradient(vec3 p, float eps) const {
    // The stencil is not mirror-symmetric: evaluate on the left side and mirror the result, so both
    // halves of the body get exactly mirrored gradients (and meshes).
    if (p.x < 0.0f) {
        const vec3 g = gradient(vec3(-p.x, p.y, p.z), eps);
        return {-g.x, g.y, g.z};
    }
    // Tetrahedron of four samples: cheaper than central differences and as smooth.
    const vec3 k0{1, -1, -1}, k1{-1, -1, 1}, k2{-1, 1, -1}, k3{1, 1, 1};
    const auto& f = *this;
    return (k0 * f(p + k0 * eps) + k1 * f(p + k1 * eps) + k2 * f(p + k2 * eps) +
            k3 * f(p + k3 * eps)) /
           (4.0f * eps);
}

vec3 BodySdf::normal(vec3 p, float eps) const {
    const vec3 g = gradient(p, eps);
    const float len = glm::length(g);
    return len > 0.0f ? g / len : vec3(0, 1, 0);
}

vec3 BodySdf::project(vec3 p, int iterations) const {
    for (int i = 0; i < iterations; ++i) {
        const float d = (*this)(p);
        if (std::abs(d) < 1e-4f)
            break;
        const vec3 g = gradient(p, 0.25f);
        const float g2 = glm::dot(g, g);
        if (g2 < 1e-8f)
            break;
        p -= g * (d / g2);
    }
    return p;
}

std::optional<vec3> BodySdf::cast(vec3 outside, vec3 inside) const {
    const auto& f = *this;
    // March in small steps (the field is only a bound), then bisect the first sign change.
    const vec3 dir = inside - outside;
    const float length = glm::length(dir);
    if (length <= 0.0f)
        return std::nullopt;
    float t0 = 0.0f;
    float f0 = f(outside);
    if (f0 < 0.0f)
        return std::nullopt;
    const float step = 0.5f;
    for (float t1 = step; t1 <= length + step; t1 += step) {
        const float tt = std::min(t1, length);
        const float f1 = f(outside + dir * (tt / length));
        if (f1 < 0.0f) {
            float a = t0, b = tt;
            for (int i = 0; i < 30; ++i) {
                const float m = 0.5f * (a + b);
                if (f(outside + dir * (m / length)) < 0.0f)
                    b = m;
                else
                    a = m;
            }
            return outside + dir * (0.5f * (a + b) / length);
        }
        t0 = tt;
        f0 = f1;
        if (f1 > 2.0f * step)
            t1 += f1 * 0.6f - step; // safe skip in empty space
    }
    return std::nullopt;
}

} // namespace injmap::gen
