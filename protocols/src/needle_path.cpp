#include "injmap/protocols/needle_path.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <glm/common.hpp>
#include <glm/geometric.hpp>

namespace injmap {

namespace {

// The ray starts this far outside the skin, so a structure that reaches the skin surface (or pokes
// through it by less than this) is entered, not started inside.
constexpr float kBackMm = 2.0f;

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

// Whether the segment origin + t·dir, t ∈ [0, length], meets the box (grown by 0.1 mm).
bool segment_meets_box(const Bounds& b, const glm::vec3& origin, const glm::vec3& dir,
                       float length) {
    float t0 = 0.0f, t1 = length;
    for (int k = 0; k < 3; ++k) {
        const float lo = b.min[k] - 0.1f, hi = b.max[k] + 0.1f;
        if (std::fabs(dir[k]) < 1e-12f) {
            if (origin[k] < lo || origin[k] > hi)
                return false;
            continue;
        }
        float a = (lo - origin[k]) / dir[k], c = (hi - origin[k]) / dir[k];
        if (a > c)
            std::swap(a, c);
        t0 = std::max(t0, a);
        t1 = std::min(t1, c);
        if (t0 > t1)
            return false;
    }
    return true;
}

// Pairs a closed mesh's crossings into [enter, leave] intervals along the ray. Duplicate crossings
// at a shared edge are absorbed (an entry while inside, a leave while outside); a first crossing
// that leaves means the ray started inside; an entry never left ends at `end`.
std::vector<std::pair<float, float>> intervals(const std::vector<RayCrossing>& crossings,
                                               float end) {
    std::vector<std::pair<float, float>> out;
    bool inside = false;
    float start = 0.0f;
    for (std::size_t i = 0; i < crossings.size(); ++i) {
        const RayCrossing& c = crossings[i];
        if (c.entering && !inside) {
            inside = true;
            start = c.distance;
        } else if (!c.entering && inside) {
            inside = false;
            out.emplace_back(start, c.distance);
        } else if (!c.entering && i == 0) {
            out.emplace_back(0.0f, c.distance);
        }
    }
    if (inside)
        out.emplace_back(start, end);
    return out;
}

} // namespace

const char* to_string(StructureKind kind) {
    switch (kind) {
    case StructureKind::muscle:
        return "muscle";
    case StructureKind::bone:
        return "bone";
    case StructureKind::avoid:
        return "avoid";
    }
    return "muscle";
}

std::vector<NeedleSegment> needle_path(const ModelQueries& queries, const glm::vec3& skin_point,
                                       const glm::vec3& direction, float reach_mm,
                                       PathStructures structures) {
    std::vector<NeedleSegment> path;
    const float length = glm::length(direction);
    if (!(length > 1e-6f) || !std::isfinite(length) || !finite(skin_point) || !(reach_mm > 0.0f))
        return path;
    const glm::vec3 dir = direction / length;
    const glm::vec3 origin = skin_point - dir * kBackMm;
    const float end = reach_mm + kBackMm;
    const Model& model = queries.model();

    auto add = [&](const SurfaceIndex& index, StructureKind kind, const std::string& id, Side side,
                   std::size_t i) {
        if (index.empty())
            return;
        for (const auto& [a, b] : intervals(index.ray_crossings(origin, dir, end), end)) {
            const float enters = std::max(0.0f, a - kBackMm);
            const float leaves = std::min(reach_mm, b - kBackMm);
            if (leaves <= 0.0f || leaves - enters < 1e-4f)
                continue; // wholly outside the skin point
            path.push_back({id, kind, side, enters, leaves, i});
        }
    };
    for (std::size_t i = 0; i < model.muscles.size(); ++i)
        if (model.muscles[i].layer != MuscleLayer::aponeurosis &&
            segment_meets_box(queries.muscle_bounds(i), origin, dir, end))
            add(queries.muscle_index(i), StructureKind::muscle, model.muscles[i].id,
                model.muscles[i].side, i);
    const std::size_t bones =
        structures == PathStructures::muscles_and_bones ? model.bones.size() : 0;
    for (std::size_t i = 0; i < bones; ++i)
        if (segment_meets_box(queries.bone_bounds(i), origin, dir, end))
            add(queries.bone_index(i), StructureKind::bone, model.bones[i].id, model.bones[i].side,
                i);
    const std::size_t avoid =
        structures == PathStructures::muscles_and_bones ? model.avoid.size() : 0;
    for (std::size_t i = 0; i < avoid; ++i)
        if (segment_meets_box(queries.avoid_bounds(i), origin, dir, end))
            add(queries.avoid_index(i), StructureKind::avoid, model.avoid[i].id,
                model.avoid[i].side, i);
    std::stable_sort(path.begin(), path.end(), [](const NeedleSegment& a, const NeedleSegment& b) {
        return a.enters_mm != b.enters_mm ? a.enters_mm < b.enters_mm : a.leaves_mm < b.leaves_mm;
    });
    // Stop after the first bone: nothing entered beyond its far side.
    const auto bone = std::find_if(path.begin(), path.end(), [](const NeedleSegment& s) {
        return s.kind == StructureKind::bone;
    });
    if (bone != path.end()) {
        const float stop = bone->leaves_mm;
        std::erase_if(path, [&](const NeedleSegment& s) { return s.enters_mm > stop; });
    }
    return path;
}

std::vector<NeedleSegment> needle_path(const ModelQueries& queries, const PlacedSite& site,
                                       float reach_mm, PathStructures structures) {
    if (!site.placed)
        return {};
    return needle_path(queries, site.position, site.needle_direction, reach_mm, structures);
}

float segment_distance(const SurfaceIndex& index, const glm::vec3& a, const glm::vec3& b) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    if (index.empty() || !finite(a) || !finite(b))
        return kInf;
    const glm::vec3 ab = b - a;
    const float length = glm::length(ab);
    // Crossing the surface.
    if (length > 1e-6f && !index.ray_crossings(a, ab / length, length).empty())
        return 0.0f;
    const auto distance_at = [&](float t) {
        const glm::vec3 p = a + ab * t;
        const auto hit = index.closest_point(p);
        return hit ? hit->distance : kInf;
    };
    // Inside a closed mesh: an odd number of crossings along a ray from a (crossings at a shared
    // edge reported twice are merged).
    {
        const glm::vec3 dir = length > 1e-6f ? ab / length : glm::vec3(0.0f, 0.0f, 1.0f);
        int crossings = 0;
        float last = -1.0f;
        for (const auto& c : index.ray_crossings(a, dir))
            if (c.distance - last > 1e-4f) {
                ++crossings;
                last = c.distance;
            }
        if (crossings % 2 == 1)
            return 0.0f;
    }
    const int samples = std::max(2, static_cast<int>(std::ceil(length / 0.5f)) + 1);
    float best = kInf;
    int best_i = 0;
    for (int i = 0; i < samples; ++i) {
        const float d = distance_at(static_cast<float>(i) / static_cast<float>(samples - 1));
        if (d < best) {
            best = d;
            best_i = i;
        }
    }
    // Golden-section search between the neighbours of the nearest sample.
    const float step = 1.0f / static_cast<float>(samples - 1);
    float lo = std::max(0.0f, (static_cast<float>(best_i) - 1.0f) * step);
    float hi = std::min(1.0f, (static_cast<float>(best_i) + 1.0f) * step);
    constexpr float kG = 0.61803398875f;
    float x1 = hi - kG * (hi - lo), x2 = lo + kG * (hi - lo);
    float f1 = distance_at(x1), f2 = distance_at(x2);
    for (int it = 0; it < 16; ++it) {
        if (f1 < f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - kG * (hi - lo);
            f1 = distance_at(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + kG * (hi - lo);
            f2 = distance_at(x2);
        }
    }
    return std::min({best, f1, f2});
}

std::vector<AvoidDistance> avoid_distances(const ModelQueries& queries, const glm::vec3& skin_point,
                                           const glm::vec3& direction, float depth_mm) {
    std::vector<AvoidDistance> out;
    const float length = glm::length(direction);
    if (!(length > 1e-6f) || !std::isfinite(length) || !finite(skin_point) || !(depth_mm >= 0.0f))
        return out;
    const glm::vec3 end = skin_point + direction / length * depth_mm;
    const Model& model = queries.model();
    for (std::size_t i = 0; i < model.avoid.size(); ++i) {
        const float d = segment_distance(queries.avoid_index(i), skin_point, end);
        if (std::isfinite(d))
            out.push_back({i, d});
    }
    std::stable_sort(out.begin(), out.end(), [](const AvoidDistance& x, const AvoidDistance& y) {
        return x.distance_mm < y.distance_mm;
    });
    return out;
}

const std::vector<NeedleDepthDefault>& default_needle_depths() {
    static const std::vector<NeedleDepthDefault> table = {
        {"frontalis", 5.0,
         "thin facial muscle; inject superficially into muscle just past the dermis (PREEMPT "
         "technique)"},
        {"procerus", 5.0,
         "thin facial muscle over the nasal bone; superficial (PREEMPT technique)"},
        {"corrugator", 6.0,
         "deepest glabellar muscle, on bone medially under the frontalis/procerus (cadaver "
         "lesson); superficial, so the upper end of the thin facial muscles"},
        {"occipitalis", 5.0, "thin muscle of the scalp on the galea; superficial (PREEMPT)"},
        {"temporalis", 12.7,
         "the label's 1/2-inch (12.7 mm) needle; skin to temporalis fascia 13.5 +/- 2.6 mm at BMI "
         "> 35 (Wu-Fienberg & Totonchi)"},
        {"trapezius", 12.7,
         "the label's 1/2-inch (12.7 mm) needle; upper trapezius, needle horizontal and "
         "superficial"},
        {"cervical_paraspinal", 15.0,
         "skin to semispinalis capitis fascia 15.4 +/- 4.7 mm at BMI 25-30 (Wu-Fienberg & "
         "Totonchi); beyond the 1/2-inch needle, within the label's 1-inch needle for the neck"},
        {"", 25.4, "the label's 1-inch (25.4 mm) needle, allowed in the neck (other muscles)"},
    };
    return table;
}

double default_needle_depth_mm(std::string_view muscle_key) {
    const auto& table = default_needle_depths();
    for (const auto& d : table)
        if (muscle_key == d.muscle)
            return d.depth_mm;
    return table.back().depth_mm;
}

double needle_depth_mm(const Site& site) {
    return site.depth_mm ? *site.depth_mm : default_needle_depth_mm(site.muscle);
}

bool is_site_target(const Model& model, const Site& site, const Muscle& muscle) {
    const auto ids = model.expand_muscle_key(site.muscle);
    if (std::find(ids.begin(), ids.end(), muscle.id) == ids.end())
        return false;
    return site.side == Side::midline || muscle.side == Side::midline || muscle.side == site.side;
}

std::optional<float> target_entered_mm(const Model& model, const Site& site,
                                       const std::vector<NeedleSegment>& path) {
    for (const auto& s : path)
        if (s.kind == StructureKind::muscle && s.index < model.muscles.size() &&
            is_site_target(model, site, model.muscles[s.index]))
            return s.enters_mm;
    return std::nullopt;
}

std::string describe_needle_path(const std::vector<NeedleSegment>& path) {
    auto mm = [](float v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(v));
        std::string t = buf;
        if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0)
            t.resize(t.size() - 2);
        return t;
    };
    float end = 0.0f;
    for (const auto& s : path)
        end = std::max(end, s.leaves_mm);
    std::string out;
    for (const auto& s : path) {
        if (!out.empty())
            out += "; ";
        std::string name = s.kind == StructureKind::muscle
                               ? s.structure
                               : std::string(to_string(s.kind)) + " (" + s.structure + ")";
        if (s.kind == StructureKind::avoid) { // "supratrochlear nerve (to avoid)"
            name = s.structure;
            std::replace(name.begin(), name.end(), '_', ' ');
            name += " (to avoid)";
        }
        if (s.kind == StructureKind::bone || s.leaves_mm >= end)
            out += name + " from " + mm(s.enters_mm) + " mm";
        else
            out += name + " " + mm(s.enters_mm) + "–" + mm(s.leaves_mm) + " mm";
    }
    return out.empty() ? out : "through " + out;
}

} // namespace injmap
