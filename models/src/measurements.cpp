#include "injmap/models/measurements.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <glm/geometric.hpp>
#include <glm/vec2.hpp>

namespace injmap {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::optional<glm::vec3> mean_of_sides(const Model& model, const std::string& name) {
    const auto left = model.landmark(name + "_left");
    const auto right = model.landmark(name + "_right");
    if (left && right)
        return (*left + *right) * 0.5f;
    if (left)
        return left;
    return right;
}

float head_breadth(const Model& model) {
    const auto vertex = model.landmark("vertex");
    float y_min = 0.0f;
    if (const auto helix = mean_of_sides(model, "helix_top")) {
        y_min = helix->y + 5.0f;
    } else {
        const auto tragion = mean_of_sides(model, "tragion");
        if (!vertex || !tragion)
            return kNaN;
        y_min = tragion->y + 0.3f * (vertex->y - tragion->y);
    }
    float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
    for (const auto& p : model.skin.positions) {
        if (p.y < y_min)
            continue;
        lo = std::min(lo, p.x);
        hi = std::max(hi, p.x);
    }
    return hi > lo ? hi - lo : kNaN;
}

float bizygomatic_breadth(const Model& model) {
    const auto tragion = mean_of_sides(model, "tragion");
    if (!tragion)
        return kNaN;
    float half = 0.0f;
    for (const auto& p : model.skin.positions)
        if (p.z >= tragion->z + 10.0f && p.y >= tragion->y - 12.0f && p.y <= tragion->y + 12.0f)
            half = std::max(half, std::abs(p.x));
    return half > 0.0f ? 2.0f * half : kNaN;
}

float distance_between(const Model& model, const char* a, const char* b) {
    const auto pa = model.landmark(a);
    const auto pb = model.landmark(b);
    return pa && pb ? glm::distance(*pa, *pb) : kNaN;
}

// Closed loops of the mesh's section with the plane through `origin` with unit `normal`, as
// polygons in the plane's own 2-D basis (u = +X projected into the plane, w = normal × u).
std::vector<std::vector<glm::vec2>> plane_section(const Mesh& mesh, glm::vec3 origin,
                                                  glm::vec3 normal) {
    glm::vec3 u = glm::vec3(1, 0, 0) - normal * normal.x;
    u = glm::length(u) > 1e-6f ? glm::normalize(u) : glm::vec3(0, 0, 1);
    const glm::vec3 w = glm::cross(normal, u);
    const auto height = [&](std::uint32_t i) {
        return glm::dot(mesh.positions[i] - origin, normal);
    };
    using EdgeKey = std::pair<std::uint32_t, std::uint32_t>;
    std::map<EdgeKey, glm::vec2> points;
    std::map<EdgeKey, std::vector<EdgeKey>> links;
    const auto above = [&](std::uint32_t i) { return height(i) >= 0.0f; };
    const auto crossing = [&](std::uint32_t a, std::uint32_t b) {
        const EdgeKey key{std::min(a, b), std::max(a, b)};
        const glm::vec3 pa = mesh.positions[key.first], pb = mesh.positions[key.second];
        const float ha = height(key.first), hb = height(key.second);
        const glm::vec3 p = pa + (ha / (ha - hb)) * (pb - pa) - origin;
        points[key] = {glm::dot(p, u), glm::dot(p, w)};
        return key;
    };
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const std::uint32_t v[3] = {mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]};
        std::vector<EdgeKey> hits;
        for (int e = 0; e < 3; ++e) {
            const auto a = v[e], b = v[(e + 1) % 3];
            if (above(a) != above(b))
                hits.push_back(crossing(a, b));
        }
        if (hits.size() == 2) {
            links[hits[0]].push_back(hits[1]);
            links[hits[1]].push_back(hits[0]);
        }
    }
    std::vector<std::vector<glm::vec2>> loops;
    std::map<EdgeKey, bool> used;
    for (const auto& [start, _] : links) {
        if (used[start])
            continue;
        std::vector<glm::vec2> loop;
        std::optional<EdgeKey> previous;
        EdgeKey current = start;
        bool closed = false;
        while (true) {
            used[current] = true;
            loop.push_back(points[current]);
            const auto& next = links[current];
            if (next.size() != 2)
                break; // not a manifold crossing: drop this piece
            const EdgeKey step = (!previous || next[0] != *previous) ? next[0] : next[1];
            if (step == start) {
                closed = true;
                break;
            }
            if (used[step])
                break;
            previous = current;
            current = step;
        }
        if (closed && loop.size() >= 3)
            loops.push_back(std::move(loop));
    }
    return loops;
}

bool contains(const std::vector<glm::vec2>& polygon, glm::vec2 p) {
    bool inside = false;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
        const glm::vec2 a = polygon[i], b = polygon[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            inside = !inside;
    }
    return inside;
}

float perimeter(const std::vector<glm::vec2>& polygon) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < polygon.size(); ++i)
        sum += glm::distance(polygon[i], polygon[(i + 1) % polygon.size()]);
    return sum;
}

float neck_circumference(const Model& model) {
    const auto menton = model.landmark("menton");
    const auto notch = model.landmark("suprasternal_notch");
    if (!menton || !notch)
        return kNaN;
    // Just below the laryngeal prominence: 35 % of the way from the menton down to the notch.
    const float level = menton->y + 0.35f * (notch->y - menton->y);
    glm::vec3 origin{0.0f, level, 0.5f * (menton->z + notch->z)};
    glm::vec3 normal{0.0f, 1.0f, 0.0f};
    const auto c7 = model.landmark("c7");
    if (c7) {
        // ANSUR takes the girth perpendicular to the neck's long axis, which leans forward: the
        // tape runs from below the larynx in front up to the nape above C7 (about C6) behind. A
        // horizontal section at the larynx would cut the upper back below C7 instead.
        const glm::vec3 front{0.0f, level, notch->z};
        const glm::vec3 back{0.0f, c7->y + 20.0f, c7->z};
        const glm::vec3 along = glm::normalize(back - front);
        normal = glm::normalize(glm::cross(glm::vec3(1, 0, 0), along));
        if (normal.y < 0.0f)
            normal = -normal;
        origin = 0.5f * (front + back);
    }
    const auto loops = plane_section(model.skin, origin, normal);
    if (loops.empty())
        return kNaN;
    // The loop around the neck's centre (the section's origin), else the longest.
    float best = kNaN;
    for (const auto& loop : loops)
        if (contains(loop, {0.0f, 0.0f})) {
            const float length = perimeter(loop);
            if (std::isnan(best) || length < best)
                best = length;
        }
    if (!std::isnan(best))
        return best;
    for (const auto& loop : loops) {
        const float length = perimeter(loop);
        if (std::isnan(best) || length > best)
            best = length;
    }
    return best;
}

} // namespace

Measurements measure_model(const Model& model) {
    Measurements m;
    m.head_breadth = head_breadth(model);
    m.head_length = distance_between(model, "glabella", "opisthocranion");
    const auto vertex = model.landmark("vertex");
    const auto tragion = mean_of_sides(model, "tragion");
    m.tragion_to_vertex = vertex && tragion ? vertex->y - tragion->y : kNaN;
    m.neck_circumference = neck_circumference(model);
    m.biacromial_breadth = distance_between(model, "acromion_left", "acromion_right");
    m.bizygomatic_breadth = bizygomatic_breadth(model);
    m.menton_sellion = distance_between(model, "menton", "nasion");
    return m;
}

} // namespace injmap
