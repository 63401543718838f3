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
        y_min = helix->y;
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

float distance_between(const Model& model, const char* a, const char* b) {
    const auto pa = model.landmark(a);
    const auto pb = model.landmark(b);
    return pa && pb ? glm::distance(*pa, *pb) : kNaN;
}

// Closed loops of the mesh's section with the plane y = level, as polygons in (x, z).
std::vector<std::vector<glm::vec2>> horizontal_section(const Mesh& mesh, float level) {
    using EdgeKey = std::pair<std::uint32_t, std::uint32_t>;
    std::map<EdgeKey, glm::vec2> points;
    std::map<EdgeKey, std::vector<EdgeKey>> links;
    const auto above = [&](std::uint32_t i) { return mesh.positions[i].y >= level; };
    const auto crossing = [&](std::uint32_t a, std::uint32_t b) {
        const EdgeKey key{std::min(a, b), std::max(a, b)};
        const glm::vec3 pa = mesh.positions[key.first], pb = mesh.positions[key.second];
        const float t = (level - pa.y) / (pb.y - pa.y);
        const glm::vec3 p = pa + t * (pb - pa);
        points[key] = {p.x, p.z};
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
    const float level = menton->y + 0.35f * (notch->y - menton->y);
    const auto loops = horizontal_section(model.skin, level);
    if (loops.empty())
        return kNaN;
    const auto c7 = model.landmark("c7");
    float best = kNaN;
    if (c7) {
        const glm::vec2 probe{0.5f * (c7->x + notch->x), 0.5f * (c7->z + notch->z)};
        for (const auto& loop : loops)
            if (contains(loop, probe)) {
                const float length = perimeter(loop);
                if (std::isnan(best) || length < best)
                    best = length;
            }
        if (!std::isnan(best))
            return best;
    }
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
    return m;
}

} // namespace injmap
