// Sanity checks of a manifest's [mesh] units and axes against its own landmarks: a head a tenth or
// ten times its size, a face looking backwards or a head lying on its side, _left landmarks on the
// subject's right. Each would otherwise load without a word and place every site wrongly (sites
// 25–68 mm off, left sites on the right). The checks use the landmarks as written (file units and
// axes), before the OBJ is read, and suggest the [mesh] value that would fit them.
//
// Rules (all errors; docs/model-manifest.md): manifest.units-scale, manifest.up-axis,
// manifest.forward-axis, manifest.handedness. A check is skipped when its landmarks are absent.
#include <cmath>
#include <map>
#include <sstream>

#include "manifest_internal.hpp"

namespace injmap::detail {
namespace {

using Points = std::map<std::string, const LandmarkEntry*>;

// More than 45° between a declared axis and the landmarks' direction is an error: real heads tilt
// (Frankfurt plane, a slumped scan) by far less, a wrong axis is off by 90° or 180°.
constexpr float kMinAxisCosine = 0.7071f;

const LandmarkEntry* find(const Points& points, const std::string& name) {
    const auto it = points.find(name);
    return it == points.end() ? nullptr : it->second;
}

// The first landmark of `names` the manifest has, or the midpoint of a sided pair ("tragion" →
// tragion_left and tragion_right) when a name ends in '*'.
struct Found {
    glm::vec3 point{0.0f};
    std::string name;
    SourceLocation location;
};

std::optional<Found> first_of(const Points& points, std::initializer_list<const char*> names) {
    for (const char* raw : names) {
        std::string name(raw);
        if (!name.empty() && name.back() == '*') {
            name.pop_back();
            const LandmarkEntry* l = find(points, name + "_left");
            const LandmarkEntry* r = find(points, name + "_right");
            if (l && r)
                return Found{0.5f * (l->file_point + r->file_point), "mid-" + name, l->location};
            continue;
        }
        if (const LandmarkEntry* e = find(points, name))
            return Found{e->file_point, name, e->location};
    }
    return std::nullopt;
}

// The file axis ("+z") closest to a direction.
std::string axis_name(const glm::vec3& v) {
    int k = 0;
    for (int i = 1; i < 3; ++i)
        if (std::fabs(v[i]) > std::fabs(v[k]))
            k = i;
    return std::string(v[k] < 0.0f ? "-" : "+") + static_cast<char>('x' + k);
}

std::string mm_text(float mm) {
    std::ostringstream out;
    out.precision(mm < 10.0f ? 2 : 0);
    out << (mm < 10.0f ? std::defaultfloat : std::fixed) << mm;
    return out.str();
}

// One head measure with the range an adult head (and most children's) falls in, in mm.
struct Measure {
    const char* from;
    const char* to;
    const char* dimension; // "long", "tall", "wide"
    float low, high;
};

void check_units(const Points& points, const ManifestData& data, ManifestReader& r) {
    static constexpr Measure kMeasures[] = {
        {"glabella", "opisthocranion", "long", 150.0f, 250.0f},
        {"vertex", "menton", "tall", 170.0f, 300.0f},
        {"tragion_left", "tragion_right", "wide", 75.0f, 250.0f},
    };
    for (const Measure& m : kMeasures) {
        const LandmarkEntry* a = find(points, m.from);
        const LandmarkEntry* b = find(points, m.to);
        if (!a || !b)
            continue;
        const float file_length = glm::length(a->file_point - b->file_point);
        const float mm = file_length * data.frame.scale;
        if (!std::isfinite(mm) || (mm >= m.low && mm <= m.high))
            return;
        // The unit that brings the measure nearest the middle of its range (on a log scale).
        const float centre = std::sqrt(m.low * m.high);
        std::string best;
        float best_error = 0.0f;
        for (std::string_view unit : kUnitNames) {
            const float candidate = file_length * *unit_scale(unit);
            if (candidate < m.low || candidate > m.high)
                continue;
            const float error = std::fabs(std::log(candidate / centre));
            if (best.empty() || error < best_error) {
                best = unit;
                best_error = error;
            }
        }
        std::string message = "this head is " + mm_text(mm) + " mm " + m.dimension + " (" + m.from +
                              " to " + m.to + " in units = \"" + data.units +
                              "\"; an adult head is " + mm_text(m.low) + "–" + mm_text(m.high) +
                              " mm)";
        if (!best.empty() && best != data.units)
            message += "; did you mean units = \"" + best + "\"?";
        else
            message += "; check the units and these two landmarks";
        r.error("manifest.units-scale", message, data.units_location);
        return;
    }
}

// Returns false when the axis is wrong (the later checks then say nothing more).
bool check_axis(const ManifestData& data, ManifestReader& r, const char* rule, const char* key,
                const std::string& declared, const glm::vec3& declared_axis, const Found& from,
                const Found& to, glm::vec3 measured, const char* what) {
    const float length = glm::length(measured);
    if (!(length > 0.0f) || !std::isfinite(length))
        return true;
    measured /= length;
    if (glm::dot(measured, declared_axis) >= kMinAxisCosine)
        return true;
    const std::string suggestion = axis_name(measured);
    r.error(rule,
            "[mesh] " + std::string(key) + " = \"" + declared + "\", but " + to.name +
                " lies along " + suggestion + " from " + from.name + " in the mesh (" + what +
                "); did you mean " + key + " = \"" + suggestion + "\"?",
            std::string_view(key) == "up" ? data.up_location : data.forward_location);
    return false;
}

void check_handedness(const Points& points, const ManifestData& data, ManifestReader& r) {
    struct Pair {
        const LandmarkEntry* left;
        float separation; // (left - right) along the subject's left, file units
    };
    std::vector<Pair> pairs;
    for (const auto& [name, entry] : points) {
        constexpr std::string_view suffix = "_left";
        if (name.size() <= suffix.size() ||
            std::string_view(name).substr(name.size() - suffix.size()) != suffix)
            continue;
        const std::string base = name.substr(0, name.size() - suffix.size());
        if (const LandmarkEntry* right = find(points, base + "_right"))
            pairs.push_back(
                {entry, glm::dot(entry->file_point - right->file_point, data.frame.left)});
    }
    std::size_t swapped = 0;
    for (const Pair& p : pairs)
        swapped += p.separation < 0.0f ? 1 : 0;
    if (swapped == 0)
        return;
    const std::string left_axis = axis_name(data.frame.left);
    const std::string right_axis = axis_name(-data.frame.left);
    if (2 * swapped > pairs.size()) {
        // Most pairs: the whole model is mirrored or every name swapped.
        const Pair* first = nullptr;
        for (const Pair& p : pairs)
            if (p.separation < 0.0f &&
                (!first || p.left->location.line < first->left->location.line))
                first = &p;
        r.error("manifest.handedness",
                std::to_string(swapped) + " of " + std::to_string(pairs.size()) +
                    " _left landmarks lie on the subject's right (" + right_axis +
                    " in the mesh, while up × forward makes " + left_axis +
                    " the left): swap the _left and _right landmarks, or, if the mesh itself is "
                    "mirrored, flip it in your modelling tool",
                first->left->location);
        return;
    }
    for (const Pair& p : pairs)
        if (p.separation < 0.0f)
            r.error("manifest.handedness",
                    "landmark '" + p.left->name +
                        "' lies on the subject's right of its _right "
                        "twin (" +
                        right_axis + " in the mesh; the left is " + left_axis + "): swap the two",
                    p.left->location);
}

} // namespace

void check_manifest_sanity(const ManifestData& data, ManifestReader& r) {
    if (!data.frame_ok)
        return;
    Points points;
    for (const LandmarkEntry& l : data.landmarks)
        points[l.name] = &l;
    check_units(points, data, r);

    bool axes_ok = true;
    const auto top = first_of(points, {"vertex"});
    const auto bottom = first_of(points, {"menton", "suprasternal_notch", "c7", "tragion*"});
    if (top && bottom)
        axes_ok =
            check_axis(data, r, "manifest.up-axis", "up", data.up_name, data.frame.up, *bottom,
                       *top, top->point - bottom->point, "the top of the head is up");
    if (!axes_ok)
        return;
    const auto front = first_of(points, {"pronasale", "nasion", "glabella", "subnasale"});
    const auto back = first_of(points, {"tragion*", "opisthocranion", "inion"});
    if (front && back) {
        glm::vec3 d = front->point - back->point;
        d -= glm::dot(d, data.frame.up) * data.frame.up; // level it: only forward matters
        axes_ok = check_axis(data, r, "manifest.forward-axis", "forward", data.forward_name,
                             data.frame.forward, *back, *front, d, "the face looks forward");
    }
    if (axes_ok)
        check_handedness(points, data, r);
}

} // namespace injmap::detail
