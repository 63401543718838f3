// Shaping helpers shared by the builders of muscles, bones and structures to avoid
// (generate_internal.hpp).
#include <algorithm>
#include <utility>

#include "generate_internal.hpp"

namespace injmap::gen {

vec3 SkinPoints::cast(vec3 outside, vec3 inside) const {
    if (auto hit = sdf.cast(outside, inside))
        return *hit;
    return sdf.project(inside, 20);
}
vec3 SkinPoints::front(float x, float y, float z_in) const {
    return cast({x, y, 250}, {x, y, z_in});
}
vec3 SkinPoints::back(float x, float y, float z_in) const {
    return cast({x, y, -250}, {x, y, z_in});
}
vec3 SkinPoints::lateral(float y, float z) const {
    return cast({300, y, z}, {0, y, z});
}
vec3 SkinPoints::on_skin(vec3 p) const {
    return sdf.project(p, 20);
}

vec3 catmull_rom(const std::vector<vec3>& points, float t) {
    const int n = static_cast<int>(points.size());
    if (n == 1)
        return points[0];
    const float s = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(n - 1);
    const int i = std::min(static_cast<int>(s), n - 2);
    const float x = s - static_cast<float>(i);
    const auto p = [&](int k) {
        if (k < 0)
            return 2.0f * points[0] - points[1];
        if (k >= n)
            return 2.0f * points[n - 1] - points[n - 2];
        return points[k];
    };
    const vec3 p0 = p(i - 1), p1 = p(i), p2 = p(i + 1), p3 = p(i + 2);
    const float x2 = x * x, x3 = x2 * x;
    return 0.5f * ((2.0f * p1) + (-p0 + p2) * x + (2.0f * p0 - 5.0f * p1 + 4.0f * p2 - p3) * x2 +
                   (-p0 + 3.0f * p1 - 3.0f * p2 + p3) * x3);
}

void sink_under_skin(const BodySdf& sdf, Mesh& mesh, float min_depth) {
    for (auto& p : mesh.positions)
        for (int it = 0; it < 3; ++it) {
            const float f = sdf(p);
            if (f <= -min_depth)
                break;
            p -= sdf.normal(p, 0.5f) * (f + min_depth + 0.05f);
        }
    compute_vertex_normals(mesh);
}

Mesh mirrored_mesh(const Mesh& mesh) {
    Mesh out = mesh;
    for (auto& p : out.positions)
        p.x = -p.x;
    for (auto& n : out.normals)
        n.x = -n.x;
    for (std::size_t t = 0; t + 2 < out.indices.size(); t += 3)
        std::swap(out.indices[t + 1], out.indices[t + 2]);
    return out;
}

} // namespace injmap::gen
