// injmap-tune-shape: a development tool (not built by default, not shipped) that tunes the head's
// construction values (models/src/generate/head_shape.hpp) by measuring the distance from a real
// head's skin points to the generated skin field.
//   injmap-tune-shape POINTS.txt SWEEPS OUT.inc
// POINTS.txt: one point a line, "x y z face head" in injmap's model space (mm) after aligning the
// real head to the generated one (scripts/shape-points.py writes it from ../shared/meshes); face
// and head are 0/1 weights. The search is a coordinate descent with a shrinking step, each value
// kept within a bounded range of its anthropometric starting value. It prints the tuned values as
// C++ assignments to copy into head_shape.hpp; the reference's points are never stored.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "../src/generate/generate_internal.hpp"

using namespace injmap;
using namespace injmap::gen;

namespace {

struct Point {
    vec3 p;
    bool face, head;
};

struct Score {
    double face_mean = 0, head_mean = 0, face_over6 = 0, penalty = 0;
    [[nodiscard]] double total() const {
        return face_mean + head_mean + 20.0 * std::max(0.0, face_over6 - 0.07) + penalty;
    }
};

Score score(const HeadShape& h, const BodyProportions& bp, const std::vector<Point>& points) {
    const BodySdf sdf(make_skeleton(bp, h));
    const vec3 eye_c = h.eyeball_centre;
    const float eye_r = h.eyeball_radius;
    Score s;
    std::size_t nf = 0, nh = 0, over = 0;
    for (const auto& pt : points) {
        const vec3 q{std::abs(pt.p.x), pt.p.y, pt.p.z};
        // The field is a distance bound: divide by its gradient's length for a first-order
        // distance.
        const float f0 = sdf(pt.p);
        float d = std::abs(f0);
        if (d < 14.0f)
            d = d / std::max(glm::length(sdf.gradient(pt.p, 0.5f)), 0.25f);
        d = std::min(d, std::abs(glm::length(q - eye_c) - eye_r));
        const double clipped = std::min(d, 12.0f);
        if (pt.face) {
            s.face_mean += clipped;
            ++nf;
            over += d > 6.0f;
        }
        if (pt.head) {
            s.head_mean += clipped;
            ++nh;
        }
    }
    s.face_mean /= std::max<std::size_t>(nf, 1);
    s.head_mean /= std::max<std::size_t>(nh, 1);
    s.face_over6 = static_cast<double>(over) / std::max<std::size_t>(nf, 1);
    // The eyeball stays under the lids: every point of its front half at least 1.5 mm inside.
    for (int i = 0; i < 40; ++i) {
        const float a = 6.2831853f * static_cast<float>(i) / 40.0f;
        for (const float t : {0.0f, 0.5f, 0.9f}) {
            const vec3 dir =
                glm::normalize(vec3(std::cos(a) * t, std::sin(a) * t, 1.0f - 0.5f * t));
            const float f = sdf(eye_c + eye_r * dir);
            s.penalty += 2.0 * std::max(0.0f, f + 1.5f);
        }
    }
    return s;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: injmap-tune-shape POINTS.txt [SWEEPS]\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::vector<Point> points;
    float x, y, z, f, h;
    while (in >> x >> y >> z >> f >> h)
        if (f > 0 || h > 0)
            points.push_back({{x, y, z}, f > 0, h > 0});
    const int sweeps = argc > 2 ? std::stoi(argv[2]) : 12;
    const std::string out_path = argc > 3 ? argv[3] : "";
    const BodyProportions bp = *BodyProportions::ansur_mean("male");
    HeadShape shape = male_head_shape(); // the current tuned values
    const HeadShape start{};             // the anthropometric starting values: the bounds' centres

    struct Tunable {
        std::string name;
        float* value;
        float lo, hi;
        float start;
    };
    std::vector<Tunable> tunables;
    HeadShape start_copy = start;
    std::vector<float> starts;
    for_each_tunable(start_copy, [&](std::string_view, float& v) { starts.push_back(v); });
    std::size_t k = 0;
    for_each_tunable(shape, [&](std::string_view name, float& v) {
        const float s0 = starts[k++];
        const std::string n(name);
        // Sizes (radii, heights) within 0.75–1.35× of the start; positions within ±10 mm; angles
        // within ±10°. Kept as they are: the cranium's breadth and length (the ANSUR means), the
        // ears' thickness and the top of the neck (barely measured by the head's points).
        const bool size = n.find("radi") != std::string::npos || n == "ear_height";
        if (n == "cranium_radii.x" || n == "cranium_radii.z" || n == "ear_upper_radii.z" ||
            n == "ear_lobe_radii.z" || n == "eyeball_radius")
            return; // (an eyeball is 24 mm across: Bekerman et al. 2014)
        Tunable t{n, &v, s0 - 10.0f, s0 + 10.0f, s0};
        if (size)
            t = {n, &v, 0.75f * s0, 1.35f * s0, s0};
        // The lips keep a lip's proportions: the lower lip no wider than the upper, both full.
        // The nasal passages start well behind the nostrils and stay narrow: thin walls at the
        // alae fold the mesh.
        if (n == "nasal_front.z")
            t.hi = std::min(t.hi, 90.0f);
        if (n == "nasal_radius")
            t.hi = std::min(t.hi, 6.5f);
        // Nostrils open on the nose's underside: seen from the front their inner walls would show.
        if (n == "nostril_centre.z")
            t.hi = std::min(t.hi, 105.0f);
        if (n == "nostril_centre.y")
            t.hi = std::min(t.hi, -25.5f);
        if (n == "neck_top_radius")
            t.lo = 0.9f * s0; // a neck, not a stalk
        if (n == "lower_lip_radii.x")
            t.hi = std::min(t.hi, 24.0f);
        if (n == "lower_lip_radii.y" || n == "upper_lip_radii.y")
            t.lo = std::max(t.lo, 5.0f);
        tunables.push_back(t);
    });

    // A small price on every millimetre moved from the start keeps changes to what the measurement
    // asks for (0.0015 per mm²: a 10 mm move must buy 0.15 mm of mean distance).
    const auto cost = [&](const Score& sc) {
        double reg = 0.0;
        for (const auto& t : tunables)
            reg += 0.0015 * (*t.value - t.start) * (*t.value - t.start);
        return sc.total() + reg;
    };
    Score best = score(shape, bp, points);
    double best_cost = cost(best);
    std::fprintf(stderr, "start: face %.3f head %.3f over6 %.3f penalty %.3f\n", best.face_mean,
                 best.head_mean, best.face_over6, best.penalty);
    float step = 2.0f;
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        int moved = 0;
        for (auto& t : tunables) {
            for (const float dir : {1.0f, -1.0f}) {
                const float old = *t.value;
                const float next = std::clamp(old + dir * step, t.lo, t.hi);
                if (next == old)
                    continue;
                *t.value = next;
                const Score s = score(shape, bp, points);
                const double c = cost(s);
                if (c < best_cost - 1e-4) {
                    best = s;
                    best_cost = c;
                    ++moved;
                    break;
                }
                *t.value = old;
            }
        }
        std::fprintf(
            stderr, "sweep %d step %.2f: face %.3f head %.3f over6 %.3f penalty %.3f (%d moved)\n",
            sweep, step, best.face_mean, best.head_mean, best.face_over6, best.penalty, moved);
        if (moved < 3)
            step *= 0.5f;
        if (step < 0.25f)
            break;
    }
    std::FILE* out = out_path.empty() ? stdout : std::fopen(out_path.c_str(), "w");
    if (!out) {
        std::cerr << "cannot write " << out_path << "\n";
        return 2;
    }
    std::fprintf(
        out,
        "// Written by injmap-tune-shape (models/generator/tune_shape.cpp): name, tuned value.\n");
    k = 0;
    for_each_tunable(shape, [&](std::string_view name, float& v) {
        const float s0 = starts[k++];
        const float rounded = std::round(v * 4.0f) / 4.0f; // quarter millimetres (or degrees)
        const bool tuned = std::any_of(tunables.begin(), tunables.end(),
                                       [&](const Tunable& t) { return t.name == name; });
        if (tuned && std::abs(rounded - s0) > 1e-4f)
            std::fprintf(out, "{\"%s\", %.2ff},\n", std::string(name).c_str(), rounded);
    });
    if (out != stdout)
        std::fclose(out);
    return 0;
}
