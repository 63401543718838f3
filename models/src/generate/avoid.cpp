// Structures the needle should keep away from (the Avoid layer): nerves and vessels as thin closed
// tubes along their courses, the brachial plexus as a band of three trunks, the lung's apex as a
// dome. Courses and depths, with their sources, are in docs/anatomy.md ("What to avoid"). Built for
// the left side from the landmarks, the skin field, the muscles and the bones, and mirrored.
// Tubes are drawn thicker than some real nerves (at least 1.5 mm radius) so they can be seen.
#include <algorithm>
#include <cmath>

#include "generate_internal.hpp"

namespace injmap::gen {

namespace {

constexpr float kPi = 3.14159265358979f;
constexpr int kRing = 6; // sides of a tube's section: enough for a 1.5–3 mm tube

// Piecewise-linear value over the control points, t in [0, 1].
float interpolate(const std::vector<float>& values, float t) {
    const int n = static_cast<int>(values.size());
    if (n == 1)
        return values[0];
    const float s = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(n - 1);
    const int i = std::min(static_cast<int>(s), n - 2);
    const float x = s - static_cast<float>(i);
    return values[i] + (values[i + 1] - values[i]) * x;
}

// A closed tube of radius r through the centres (counter-clockwise seen from outside), appended.
void add_tube(Mesh& mesh, const std::vector<vec3>& centres, float r) {
    const int n = static_cast<int>(centres.size());
    if (n < 2)
        return;
    const auto base = static_cast<std::uint32_t>(mesh.positions.size());
    // Rotation-minimising frame: carry the previous normal into each new section's plane.
    vec3 t0 = glm::normalize(centres[1] - centres[0]);
    vec3 normal = glm::cross(t0, std::abs(t0.y) < 0.9f ? vec3(0, 1, 0) : vec3(1, 0, 0));
    normal = glm::normalize(normal);
    std::vector<vec3> tangents(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        vec3 t = centres[std::min(i + 1, n - 1)] - centres[std::max(i - 1, 0)];
        t = glm::normalize(t);
        tangents[i] = t;
        normal = glm::normalize(normal - glm::dot(normal, t) * t);
        const vec3 binormal = glm::cross(t, normal);
        for (int j = 0; j < kRing; ++j) {
            const float a = 2.0f * kPi * static_cast<float>(j) / kRing;
            mesh.positions.push_back(centres[i] +
                                     r * (std::cos(a) * normal + std::sin(a) * binormal));
        }
    }
    const auto vid = [&](int i, int j) {
        return base + static_cast<std::uint32_t>(i * kRing + (j % kRing));
    };
    for (int i = 0; i + 1 < n; ++i)
        for (int j = 0; j < kRing; ++j) {
            mesh.indices.insert(mesh.indices.end(), {vid(i, j), vid(i + 1, j + 1), vid(i + 1, j)});
            mesh.indices.insert(mesh.indices.end(), {vid(i, j), vid(i, j + 1), vid(i + 1, j + 1)});
        }
    const auto c0 = static_cast<std::uint32_t>(mesh.positions.size());
    mesh.positions.push_back(centres.front() - tangents.front() * (0.5f * r));
    const auto c1 = static_cast<std::uint32_t>(mesh.positions.size());
    mesh.positions.push_back(centres.back() + tangents.back() * (0.5f * r));
    for (int j = 0; j < kRing; ++j) {
        mesh.indices.insert(mesh.indices.end(), {c0, vid(0, j + 1), vid(0, j)});
        mesh.indices.insert(mesh.indices.end(), {c1, vid(n - 1, j), vid(n - 1, j + 1)});
    }
}

// Tube centres along a course given by points near the skin, each with the depth of the centre
// under the skin: every sample is put on the skin and sunk along the skin's normal.
std::vector<vec3> under_skin(const BodySdf& sdf, const std::vector<vec3>& points,
                             const std::vector<float>& depths, float r, int segments) {
    std::vector<vec3> centres;
    for (int i = 0; i <= segments; ++i) {
        const float t = static_cast<float>(i) / static_cast<float>(segments);
        const vec3 s = sdf.project(catmull_rom(points, t), 12);
        const vec3 nrm = sdf.normal(s, 1.0f);
        centres.push_back(s - nrm * std::max(interpolate(depths, t), r + 0.8f));
    }
    return centres;
}

// Tube centres along a course given by points inside the body (deep structures).
std::vector<vec3> deep(const std::vector<vec3>& points, int segments) {
    std::vector<vec3> centres;
    for (int i = 0; i <= segments; ++i)
        centres.push_back(
            catmull_rom(points, static_cast<float>(i) / static_cast<float>(segments)));
    return centres;
}

// The upper half of an ellipsoid closed by its base (a dome), appended.
void add_dome(Mesh& mesh, vec3 centre, vec3 radii) {
    constexpr int rings = 6, segments = 16;
    const auto base = static_cast<std::uint32_t>(mesh.positions.size());
    mesh.positions.push_back(centre + vec3(0, radii.y, 0)); // top
    for (int i = 1; i <= rings; ++i) {
        const float theta = 0.5f * kPi * static_cast<float>(i) / rings;
        for (int j = 0; j < segments; ++j) {
            const float phi = 2.0f * kPi * static_cast<float>(j) / segments;
            mesh.positions.push_back(centre + radii * vec3(std::sin(theta) * std::cos(phi),
                                                           std::cos(theta),
                                                           -std::sin(theta) * std::sin(phi)));
        }
    }
    const auto bottom = static_cast<std::uint32_t>(mesh.positions.size());
    mesh.positions.push_back(centre);
    const auto at = [&](int i, int j) {
        return base + 1 + static_cast<std::uint32_t>((i - 1) * segments + (j % segments));
    };
    for (int j = 0; j < segments; ++j) {
        mesh.indices.insert(mesh.indices.end(), {base, at(1, j), at(1, j + 1)});
        mesh.indices.insert(mesh.indices.end(), {bottom, at(rings, j + 1), at(rings, j)});
    }
    for (int i = 1; i < rings; ++i)
        for (int j = 0; j < segments; ++j) {
            mesh.indices.insert(mesh.indices.end(), {at(i, j), at(i + 1, j), at(i + 1, j + 1)});
            mesh.indices.insert(mesh.indices.end(), {at(i, j), at(i + 1, j + 1), at(i, j + 1)});
        }
}

AvoidStructure mirrored(const AvoidStructure& left) {
    AvoidStructure right = left;
    right.side = Side::right;
    right.mesh = mirrored_mesh(left.mesh);
    return right;
}

// The centroid of a muscle's vertices whose u (origin 0 → insertion 1) lies near u0.
std::optional<vec3> muscle_section(const Muscle* m, float u0) {
    if (!m || m->mesh.uvs.size() != m->mesh.positions.size())
        return std::nullopt;
    vec3 sum(0.0f);
    int count = 0;
    for (std::size_t v = 0; v < m->mesh.positions.size(); ++v)
        if (std::abs(m->mesh.uvs[v].x - u0) < 0.06f) {
            sum += m->mesh.positions[v];
            ++count;
        }
    if (count == 0)
        return std::nullopt;
    return sum / static_cast<float>(count);
}

} // namespace

std::vector<AvoidStructure> build_avoid(const BodySdf& sdf, const Model& model) {
    const Skeleton& s = sdf.skeleton();
    const vec3 F = s.face_scale, H = s.head_scale, T = s.trunk_scale;
    const float nk = s.neck_scale;
    const auto L = [&](const std::string& name) { return model.landmarks.at(name); };
    const SkinPoints at{sdf};

    std::vector<AvoidStructure> out;
    const auto both = [&](std::string id, std::string kind, std::string name, float warn, Mesh mesh,
                          float min_depth) {
        sink_under_skin(sdf, mesh, min_depth);
        AvoidStructure left;
        left.id = std::move(id);
        left.side = Side::left;
        left.kind = std::move(kind);
        left.display_name = std::move(name);
        left.warn_mm = warn;
        left.mesh = std::move(mesh);
        out.push_back(mirrored(left));
        out.push_back(std::move(left));
    };

    const vec3 rim = L("supraorbital_rim_left"), glabella = L("glabella");
    const vec3 brow_lateral = L("brow_lateral_left"), tragion = L("tragion_left");
    const vec3 arch = L("zygomatic_arch_left"), inion = L("inion"), mastoid = L("mastoid_left");
    const vec3 helix = L("helix_top_left"), gonion = L("gonion_left");
    const float rim_y = rim.y;

    // ---- Supraorbital nerve: out of the supraorbital notch (~27 mm from the midline, medial to
    // the midpupillary line), up on the bone under the corrugator and frontalis, then a deep
    // (lateral) branch superolaterally between the galea and the pericranium towards the temporal
    // line, and a superficial (medial) branch through the frontalis, modelled up to where it fans
    // out into cutaneous twigs.
    {
        Mesh m;
        const float r = 1.5f;
        add_tube(
            m,
            under_skin(sdf,
                       {at.front(26 * F.x, rim_y - 3 * F.y), at.front(27 * F.x, rim_y + 6 * F.y),
                        at.front(28 * F.x, rim_y + 14 * F.y)},
                       {7.0f, 6.0f, 5.0f}, r, 6),
            r);
        add_tube(
            m,
            under_skin(sdf,
                       {at.front(28 * F.x, rim_y + 14 * F.y), at.front(36 * F.x, rim_y + 34 * F.y),
                        at.front(42 * F.x, rim_y + 58 * F.y), at.front(45 * F.x, rim_y + 82 * F.y)},
                       {5.0f, 4.8f, 4.8f, 4.8f}, r, 10),
            r);
        add_tube(
            m,
            under_skin(sdf,
                       {at.front(28 * F.x, rim_y + 14 * F.y), at.front(26 * F.x, rim_y + 26 * F.y),
                        at.front(24.5f * F.x, rim_y + 36 * F.y)},
                       {5.0f, 3.4f, 3.0f}, r, 6),
            r);
        both("supraorbital_nerve", "nerve", "Supraorbital nerve and vessels", 2.0f, std::move(m),
             r + 0.5f);
    }
    // ---- Supratrochlear nerve: leaves the orbit at its superomedial corner ~17 mm from the
    // midline, runs up through the corrugator and pierces the frontalis ~20 mm above the rim,
    // where it divides into cutaneous twigs (not modelled: too fine and too variable to avoid).
    {
        Mesh m;
        const float r = 1.5f;
        add_tube(
            m,
            under_skin(sdf,
                       {at.front(16 * F.x, rim_y - 4 * F.y), at.front(17 * F.x, rim_y + 8 * F.y),
                        at.front(17 * F.x, rim_y + 20 * F.y),
                        at.front(16.5f * F.x, rim_y + 27 * F.y)},
                       {6.5f, 5.0f, 3.4f, 3.0f}, r, 9),
            r);
        both("supratrochlear_nerve", "nerve", "Supratrochlear nerve and vessels", 2.0f,
             std::move(m), r + 0.5f);
    }
    // ---- Superficial temporal artery: in front of the tragus, up over the root of the zygomatic
    // arch, dividing 2–4 cm above the arch into a frontal branch (forwards and up to the lateral
    // forehead) and a parietal branch (up and a little back over the ear), in the temporoparietal
    // fascia just under the skin.
    {
        Mesh m;
        const float r = 1.6f;
        const vec3 pre_tragus = at.lateral(tragion.y - 12 * H.y, tragion.z + 10 * F.z);
        const vec3 over_arch = at.lateral(tragion.y + 6 * H.y, tragion.z + 11 * F.z);
        const vec3 fork = at.lateral(tragion.y + 30 * H.y, tragion.z + 12 * F.z);
        add_tube(m, under_skin(sdf, {pre_tragus, over_arch, fork}, {6.0f, 3.5f, 3.2f}, r, 8), r);
        const vec3 forehead = at.on_skin(brow_lateral + vec3(-8, 38 * F.y, -6));
        add_tube(m,
                 under_skin(sdf,
                            {fork, at.lateral(tragion.y + 42 * H.y, tragion.z + 30 * F.z),
                             at.on_skin(0.5f * (forehead + fork) + vec3(6, 16, 0)), forehead},
                            {3.2f, 3.0f, 3.0f, 3.0f}, r, 12),
                 r);
        add_tube(m,
                 under_skin(sdf,
                            {fork, at.lateral(tragion.y + 60 * H.y, tragion.z + 8 * F.z),
                             at.lateral(tragion.y + 88 * H.y, tragion.z - 2 * F.z),
                             at.lateral(tragion.y + 108 * H.y, tragion.z - 14 * F.z)},
                            {3.2f, 3.0f, 3.0f, 3.0f}, r, 10),
                 r);
        both("superficial_temporal_artery", "artery", "Superficial temporal artery", 2.0f,
             std::move(m), r + 0.6f);
    }
    // ---- Temporal (frontal) branch of the facial nerve along Pitanguy's line: from 5 mm below
    // the tragus to 15 mm above the lateral end of the eyebrow, out of the parotid, across the
    // middle of the zygomatic arch and over the temple on the deep surface of the
    // temporoparietal fascia.
    {
        Mesh m;
        const float r = 1.5f;
        const vec3 start = at.lateral(tragion.y - 5 * H.y, tragion.z + 14 * F.z);
        const vec3 end = at.on_skin(brow_lateral + vec3(2, 15 * F.y, -4));
        const vec3 mid_arch = at.on_skin(vec3(arch.x, arch.y + 4 * F.y, 0.5f * (start.z + end.z)));
        add_tube(m,
                 under_skin(sdf, {start, mid_arch, at.on_skin(0.4f * mid_arch + 0.6f * end), end},
                            {9.0f, 5.5f, 4.5f, 4.0f}, r, 12),
                 r);
        both("facial_nerve_temporal_branch", "nerve", "Temporal branch of the facial nerve", 3.0f,
             std::move(m), r + 0.5f);
    }
    // ---- Greater occipital nerve: winds round the obliquus capitis inferior (~50 mm below and
    // 30 mm lateral to the inion), pierces the semispinalis capitis ~28 mm below and 13 mm
    // lateral, the trapezius ~16 mm below and 23 mm lateral, then runs up over the occiput under
    // the skin with the occipital artery.
    {
        Mesh m;
        const float r = 1.5f;
        add_tube(m,
                 under_skin(
                     sdf,
                     {at.back(30 * H.x, inion.y - 52 * H.y), at.back(13 * H.x, inion.y - 28 * H.y),
                      at.back(23 * H.x, inion.y - 16 * H.y), at.back(28 * H.x, inion.y + 8 * H.y),
                      at.back(34 * H.x, inion.y + 40 * H.y), at.back(38 * H.x, inion.y + 75 * H.y)},
                     {28.0f, 14.0f, 5.0f, 3.2f, 3.0f, 3.0f}, r, 16),
                 r);
        both("greater_occipital_nerve", "nerve", "Greater occipital nerve", 2.0f, std::move(m),
             r + 0.5f);
    }
    // ---- Lesser occipital nerve: from the posterior border of the sternocleidomastoid at mid-neck
    // up along that border behind the ear, over the mastoid to the scalp behind the ear.
    {
        Mesh m;
        const float r = 1.5f;
        const float mid_y = 0.5f * (mastoid.y + s.suprasternal_height);
        add_tube(m,
                 under_skin(sdf,
                            {at.lateral(mid_y, -8 * nk), at.lateral(mastoid.y - 28 * H.y, -22 * nk),
                             at.on_skin(mastoid + vec3(2, 8, -14)),
                             at.on_skin(helix + vec3(0, 10 * H.y, -28 * H.z)),
                             at.on_skin(helix + vec3(-4, 26 * H.y, -40 * H.z))},
                            {5.0f, 4.0f, 3.2f, 3.0f, 3.0f}, r, 14),
                 r);
        both("lesser_occipital_nerve", "nerve", "Lesser occipital nerve", 2.0f, std::move(m),
             r + 0.5f);
    }
    // ---- Vertebral artery (V3): up through the transverse foramina of C2 and C1, back round the
    // lateral mass of the atlas in the groove on its posterior arch (the floor of the suboccipital
    // triangle, under the obliquus capitis inferior and semispinalis), then forwards and up into
    // the foramen magnum.
    if (const Bone* c1 = model.find_bone("c1")) {
        const Bounds b = bounds_of(c1->mesh);
        const float half = 0.5f * (b.max.x - b.min.x);
        const float zc = 0.5f * (b.min.z + b.max.z);
        const float depth_z = b.max.z - b.min.z;
        const float top = b.max.y;
        Mesh m;
        const float r = 2.2f;
        const float xf = 0.72f * half; // transverse foramen
        add_tube(m,
                 deep({vec3(xf * 0.95f, top - 26, zc + 0.05f * depth_z),
                       vec3(xf, top - 6, zc + 0.02f * depth_z),
                       vec3(xf, top + 2.5f, zc - 0.12f * depth_z),
                       vec3(0.55f * half, top + 3.5f, zc - 0.3f * depth_z),
                       vec3(0.32f * half, top + 3.5f, zc - 0.28f * depth_z),
                       vec3(0.22f * half, top + 14, zc - 0.05f * depth_z)},
                      18),
                 r);
        both("vertebral_artery", "artery", "Vertebral artery (suboccipital)", 5.0f, std::move(m),
             r + 2.0f);
    }
    // ---- External jugular vein: from just behind and below the angle of the mandible, down and
    // back obliquely across the sternocleidomastoid under the platysma, through the deep fascia
    // above the middle of the clavicle.
    {
        Mesh m;
        const float r = 2.8f;
        const vec3 clav = L("clavicle_mid_left");
        add_tube(
            m,
            under_skin(
                sdf,
                {at.lateral(gonion.y - 10 * F.y, gonion.z - 8 * F.z),
                 at.lateral(0.65f * gonion.y + 0.35f * clav.y,
                            0.65f * gonion.z + 0.35f * clav.z - 10),
                 at.lateral(0.3f * gonion.y + 0.7f * clav.y, 0.3f * gonion.z + 0.7f * clav.z - 10),
                 at.on_skin(clav + vec3(-4, 14 * T.y, -6)), at.on_skin(clav + vec3(-6, 2, -10))},
                {4.0f, 4.2f, 4.2f, 5.5f, 12.0f}, r, 16),
            r);
        both("external_jugular_vein", "vein", "External jugular vein", 3.0f, std::move(m),
             r + 0.6f);
    }
    // ---- Brachial plexus: its trunks leave the gap between the scalenus anterior and medius and
    // run down and out across the posterior triangle, behind the middle of the clavicle, towards
    // the axilla.
    {
        const Muscle* ant = model.find_muscle("scalenus_anterior", Side::left);
        const Muscle* med = model.find_muscle("scalenus_medius", Side::left);
        std::vector<vec3> mid;
        for (float u : {0.55f, 0.75f, 0.95f}) { // C5–T1 roots: the scalenes' lower part
            const auto a = muscle_section(ant, u), b = muscle_section(med, u);
            if (a && b)
                mid.push_back(0.4f * *a + 0.6f * *b); // in the gap, nearer the medius
        }
        if (mid.size() == 3) {
            const vec3 clav = L("clavicle_mid_left");
            const vec3 behind_clavicle = vec3(clav.x + 8, clav.y - 14, clav.z - 22);
            const vec3 axilla = vec3(clav.x + 38 * T.x, clav.y - 42, clav.z - 24);
            Mesh m;
            const float r = 1.8f;
            const float spread[] = {7.0f, 0.0f, -7.0f}; // upper, middle, lower trunk
            for (float dy : spread) {
                const vec3 off(0, dy, 0);
                add_tube(m,
                         deep({mid[0] + off, mid[1] + off * 0.9f, mid[2] + off * 0.7f,
                               behind_clavicle + off * 0.5f, axilla + off * 0.3f},
                              16),
                         r);
            }
            both("brachial_plexus", "plexus", "Brachial plexus", 5.0f, std::move(m), 8.0f);
        }
    }
    // ---- Apex of the lung (cervical pleura): a dome rising 25 mm above the medial third of the
    // clavicle, behind it, medial to the first rib.
    {
        const vec3 sc = L("sternoclavicular_left"), clav = L("clavicle_mid_left");
        const vec3 medial_third = sc + (clav - sc) * 0.45f;
        const vec3 centre(medial_third.x + 2, medial_third.y - 4, medial_third.z - 32);
        Mesh m;
        add_dome(m, centre, vec3(26 * T.x, 4 + 29, 26 * T.z));
        both("lung_apex", "lung", "Apex of the lung (pleura)", 10.0f, std::move(m), 10.0f);
    }
    (void)glabella;
    return out;
}

} // namespace injmap::gen
