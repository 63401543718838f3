// The standard landmarks, found on the body field the way a clinician finds them on a person:
// extreme points of the midline profile (vertex, glabella, nasion, pronasale, menton,
// opisthocranion), palpable bony points on the skin over the skeleton's construction points, then
// snapped onto the mesh. The right side is the mirror of the left, so pairs are symmetric by
// construction.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <glm/trigonometric.hpp>

#include "generate_internal.hpp"
#include "injmap/models/landmark_names.hpp"

namespace injmap::gen {

namespace {

vec3 closest_on_triangle(vec3 p, vec3 a, vec3 b, vec3 c) {
    // Ericson, Real-Time Collision Detection §5.1.5 (Voronoi regions).
    const vec3 ab = b - a, ac = c - a, ap = p - a;
    const float d1 = glm::dot(ab, ap), d2 = glm::dot(ac, ap);
    if (d1 <= 0.0f && d2 <= 0.0f)
        return a;
    const vec3 bp = p - b;
    const float d3 = glm::dot(ab, bp), d4 = glm::dot(ac, bp);
    if (d3 >= 0.0f && d4 <= d3)
        return b;
    const float vc = d1 * d4 - d3 * d2;
    if (vc <= 0.0f && d1 >= 0.0f && d3 <= 0.0f)
        return a + ab * (d1 / (d1 - d3));
    const vec3 cp = p - c;
    const float d5 = glm::dot(ab, cp), d6 = glm::dot(ac, cp);
    if (d6 >= 0.0f && d5 <= d6)
        return c;
    const float vb = d5 * d2 - d1 * d6;
    if (vb <= 0.0f && d2 >= 0.0f && d6 <= 0.0f)
        return a + ac * (d2 / (d2 - d6));
    const float va = d3 * d6 - d5 * d4;
    if (va <= 0.0f && (d4 - d3) >= 0.0f && (d5 - d6) >= 0.0f)
        return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
    const float denom = 1.0f / (va + vb + vc);
    return a + ab * (vb * denom) + ac * (vc * denom);
}

class Finder {
public:
    explicit Finder(const BodySdf& sdf) : sdf_(sdf), s_(sdf.skeleton()) {}

    // Skin point met going from `outside` towards `inside`; falls back to projecting `inside`.
    vec3 cast(vec3 outside, vec3 inside) const {
        if (auto hit = sdf_.cast(outside, inside))
            return *hit;
        return sdf_.project(inside, 20);
    }
    vec3 front(float x, float y, float z_inside = 0.0f) const {
        return cast({x, y, 250.0f}, {x, y, z_inside});
    }
    vec3 back(float x, float y, float z_inside = 0.0f) const {
        return cast({x, y, -250.0f}, {x, y, z_inside});
    }
    vec3 lateral(float y, float z, float x_inside = 0.0f) const {
        return cast({300.0f, y, z}, {x_inside, y, z});
    }
    // Extreme of `measure` over a 1-D family of skin points (coarse scan, then a fine one).
    template <class Point, class Measure>
    vec3 extreme(float lo, float hi, Point point, Measure measure) const {
        float best_t = lo, best = -std::numeric_limits<float>::max();
        for (int pass = 0; pass < 2; ++pass) {
            const float step = pass == 0 ? 1.0f : 0.1f;
            const float a = pass == 0 ? lo : std::max(lo, best_t - 1.0f);
            const float b = pass == 0 ? hi : std::min(hi, best_t + 1.0f);
            for (float t = a; t <= b + 1e-4f; t += step) {
                const float m = measure(point(t));
                if (m > best) {
                    best = m;
                    best_t = t;
                }
            }
        }
        return point(best_t);
    }

    const BodySdf& sdf_;
    const Skeleton& s_;
};

} // namespace

vec3 closest_on_mesh(const Mesh& mesh, vec3 p) {
    vec3 best = p;
    float best_d2 = std::numeric_limits<float>::max();
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const vec3 a = mesh.positions[mesh.indices[t]], b = mesh.positions[mesh.indices[t + 1]],
                   c = mesh.positions[mesh.indices[t + 2]];
        // Cheap reject: the triangle's bounding sphere is farther than the best so far.
        const vec3 centre = (a + b + c) / 3.0f;
        const float r = std::max(glm::distance(centre, a),
                                 std::max(glm::distance(centre, b), glm::distance(centre, c)));
        const float dc = glm::distance(centre, p) - r;
        if (dc > 0.0f && dc * dc > best_d2)
            continue;
        const vec3 q = closest_on_triangle(p, a, b, c);
        const float d2 = glm::dot(q - p, q - p);
        if (d2 < best_d2) {
            best_d2 = d2;
            best = q;
        }
    }
    return best;
}

std::map<std::string, glm::vec3> place_landmarks(const BodySdf& sdf, const Mesh& skin) {
    const Finder f(sdf);
    const Skeleton& s = sdf.skeleton();
    const vec3 H = s.head_scale, F = s.face_scale, T = s.trunk_scale;
    std::map<std::string, vec3> mid;  // midline
    std::map<std::string, vec3> left; // the subject's left (x > 0)

    // Midline profile extremes.
    mid["vertex"] = f.extreme(
        -40.0f * H.z, 30.0f * H.z,
        [&](float z) {
            return f.cast({0.0f, s.box_max.y + 30.0f, z}, {0.0f, 0.0f, z});
        },
        [](vec3 p) { return p.y; });
    mid["opisthocranion"] = f.extreme(
        10.0f * H.y, 90.0f * H.y, [&](float y) { return f.back(0.0f, y); },
        [](vec3 p) { return -p.z; });
    mid["glabella"] = f.extreme(
        s.nasion.y, s.nasion.y + 25.0f * F.y, [&](float y) { return f.front(0.0f, y); },
        [](vec3 p) { return p.z; });
    mid["pronasale"] = f.extreme(
        s.nose_tip.y - 15.0f * F.y, s.nose_tip.y + 15.0f * F.y,
        [&](float y) { return f.front(0.0f, y); }, [](vec3 p) { return p.z; });
    mid["nasion"] = f.extreme(
        mid["pronasale"].y + 15.0f * F.y, mid["glabella"].y,
        [&](float y) { return f.front(0.0f, y); }, [](vec3 p) { return -p.z; });
    const vec3 labrale = f.extreme(
        s.mouth.y, mid["pronasale"].y - 8.0f * F.y, [&](float y) { return f.front(0.0f, y); },
        [](vec3 p) { return p.z; });
    mid["subnasale"] = f.extreme(
        labrale.y, mid["pronasale"].y - 4.0f * F.y, [&](float y) { return f.front(0.0f, y); },
        [](vec3 p) { return -p.z; });
    mid["menton"] = f.extreme(
        s.chin.z - 4.0f * F.z, s.chin.z + 12.0f * F.z,
        [&](float z) {
            return f.cast({0.0f, s.chin.y - 40.0f * F.y, z}, {0.0f, s.chin.y, z});
        },
        [](vec3 p) { return -p.y; });
    mid["inion"] = f.back(0.0f, s.inion.y);
    mid["frontal_hairline"] = f.front(0.0f, mid["glabella"].y + 60.0f * H.y);
    mid["c7"] = f.back(0.0f, s.c7_height);
    const char* thoracic[] = {"t1", "t2", "t3", "t4"};
    for (int i = 0; i < 4; ++i)
        mid[thoracic[i]] = f.back(0.0f, s.c7_height - static_cast<float>(i + 1) * s.spine_step);
    mid["suprasternal_notch"] = f.front(0.0f, s.suprasternal_height, -20.0f);

    // Face (left side).
    // Around the eye, relative to its centre (Farkas: palpebral fissure ~30 mm wide, the brow
    // ~20 mm above the eye's centre).
    const vec3 eye = s.eye;
    left["brow_medial"] = f.front(eye.x - 17.0f * F.x, eye.y + 21.0f * F.y);
    left["brow_lateral"] = f.front(eye.x + 17.0f * F.x, eye.y + 20.0f * F.y);
    left["supraorbital_rim"] = f.front(eye.x, eye.y + 15.0f * F.y);
    left["medial_canthus"] = f.front(eye.x - 14.5f * F.x, eye.y - 1.5f * F.y);
    left["lateral_canthus"] = f.front(eye.x + 13.0f * F.x, eye.y + 0.5f * F.y);
    left["pupil"] = f.front(eye.x, eye.y);
    {
        const vec3 arch = (s.head.arch_front + s.head.arch_back) * 0.5f * F;
        left["zygomatic_arch"] = f.lateral(arch.y, arch.z);
    }
    left["tragion"] = f.lateral(0.0f, 0.0f);
    {
        // The helix top: the highest point of the ear, found by looking down on the part of the ear
        // that stands off the head.
        const float e = s.ear_height / 63.0f;
        vec3 best = sdf.project(s.ear_centre + vec3(0, 30.0f * e, 0), 20);
        for (float x = s.ear_centre.x - 6.0f * e; x <= s.ear_centre.x + 16.0f * e; x += 0.5f)
            for (float z = s.ear_centre.z - 30.0f * e; z <= s.ear_centre.z + 20.0f * e; z += 0.5f) {
                const auto hit =
                    sdf.cast({x, s.ear_centre.y + 60.0f * e, z}, {x, s.ear_centre.y, z});
                if (hit && hit->y > best.y && glm::distance(*hit, s.ear_centre) < 40.0f * e &&
                    sdf(*hit - vec3(4.0f, 0.0f, 0.0f)) >
                        0.0f) // off the head's side: the ear itself
                    best = *hit;
            }
        left["helix_top"] = best;
    }
    const vec3 helix = left["helix_top"];
    left["temporal_fossa"] = f.lateral(helix.y + 30.0f * H.y, helix.z + 20.0f * H.z);
    left["mastoid"] =
        f.cast(s.mastoid + vec3(60.0f, -2.0f, -25.0f), s.mastoid + vec3(-25.0f, 0.0f, 5.0f));
    left["gonion"] =
        f.cast(s.gonion + vec3(50.0f, -25.0f, -15.0f), s.gonion + vec3(-25.0f, 5.0f, 5.0f));

    // Neck, shoulders and upper back (left side).
    left["sternoclavicular"] = f.front(s.sternoclavicular.x, s.sternoclavicular.y, -20.0f);
    left["clavicle_mid"] = f.front(s.clavicle_mid.x, s.clavicle_mid.y, -20.0f);
    left["acromion"] = f.cast({s.acromion.x, s.acromion.y + 120.0f, s.acromion.z},
                              {s.acromion.x, s.acromion.y - 40.0f, s.acromion.z});
    {
        // The neck inflection (necklace line): the sharpest turn of the neck-shoulder contour seen
        // from the front, traced by rays from a point low inside the neck's base.
        const float z0 = s.neck_bottom.z - 10.0f * T.z;
        const vec3 origin{20.0f * s.neck_scale, s.c7_height - 60.0f * T.y, z0};
        std::vector<vec3> contour;
        for (int deg = 5; deg <= 65; ++deg) {
            const float a = glm::radians(static_cast<float>(deg));
            contour.push_back(
                f.cast(origin + 150.0f * vec3(std::cos(a), std::sin(a), 0.0f), origin));
        }
        // The contour bends smoothly from the steep neck side to the gentle shoulder slope; take
        // the point whose tangent bisects the two (the corner a clinician would point at).
        const auto slope = [&](std::size_t i) {
            const vec3 d =
                contour[std::min(i + 2, contour.size() - 1)] - contour[i >= 2 ? i - 2 : 0];
            return std::atan2(std::abs(d.y), std::abs(d.x));
        };
        const float target = 0.5f * (slope(2) + slope(contour.size() - 3));
        std::size_t best = contour.size() / 2;
        for (std::size_t i = 2; i + 2 < contour.size(); ++i)
            if (std::abs(slope(i) - target) < std::abs(slope(best) - target))
                best = i;
        left["neck_inflection"] = contour[best];
    }
    left["scapula_superior_angle"] =
        f.back(s.scapula_superior_angle.x, s.scapula_superior_angle.y, -20.0f);
    left["scapular_spine_medial"] =
        f.back(s.scapular_spine_medial.x, s.scapular_spine_medial.y, -20.0f);

    std::map<std::string, glm::vec3> out;
    for (const auto& [name, p] : mid) {
        vec3 q = closest_on_mesh(skin, vec3(0.0f, p.y, p.z));
        q.x = 0.0f; // the mesh is symmetric to float precision; keep midline points exact
        out[name] = q;
    }
    for (const auto& [name, p] : left) {
        const vec3 q = closest_on_mesh(skin, p);
        out[name + "_left"] = q;
        out[name + "_right"] = vec3(-q.x, q.y, q.z);
    }
    // Every standard name must come out of here: a missing one is a bug in this file.
    for (const auto& l : kStandardLandmarks) {
        const bool present = l.sided ? out.count(std::string(l.name) + "_left") != 0
                                     : out.count(std::string(l.name)) != 0;
        if (!present) {
            std::string message = "the generator places no landmark ";
            message += l.name;
            throw std::logic_error(message);
        }
    }
    return out;
}

} // namespace injmap::gen
