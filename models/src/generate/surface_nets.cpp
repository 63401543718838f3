// Naive surface nets (Gibson 1998; Lysenko 2012) over a narrow band of the body field: one vertex
// per cell the surface crosses (the mean of its edge crossings), one quad per crossed grid edge,
// split along the shorter diagonal. Vertices are then projected onto the zero set and get the
// field's gradient as normal. The grid's bottom plane is the bust cut, left open.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "generate_internal.hpp"
#include "surface_nets_cell.hpp"

namespace injmap::gen {

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& body) {
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n, 1)));
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i)
            body(i);
        return;
    }
    // Small chunks handed out dynamically: the cost per item varies a lot across the body.
    std::atomic<std::size_t> next{0};
    const std::size_t chunk = std::max<std::size_t>(1, n / (threads * 64));
    const auto worker = [&] {
        for (;;) {
            const std::size_t begin = next.fetch_add(chunk);
            if (begin >= n)
                return;
            const std::size_t end = std::min(n, begin + chunk);
            for (std::size_t i = begin; i < end; ++i)
                body(i);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& th : pool)
        th.join();
}

namespace {

constexpr int kBlock = 4; // cells per block edge for the narrow-band test

struct Grid {
    int nx = 0, ny = 0, nz = 0; // nodes
    vec3 origin{0.0f};
    float h = 1.0f;
    [[nodiscard]] std::size_t node(int i, int j, int k) const {
        return (static_cast<std::size_t>(k) * ny + j) * nx + i;
    }
    [[nodiscard]] std::size_t cell(int i, int j, int k) const {
        return (static_cast<std::size_t>(k) * (ny - 1) + j) * (nx - 1) + i;
    }
    [[nodiscard]] vec3 position(int i, int j, int k) const {
        return origin +
               vec3(static_cast<float>(i), static_cast<float>(j), static_cast<float>(k)) * h;
    }
};

} // namespace

Mesh mesh_skin(const BodySdf& sdf, float h, unsigned threads, std::size_t target_triangles) {
    const Skeleton& s = sdf.skeleton();
    Grid g;
    g.h = h;
    // x nodes symmetric about 0 (x = 0 is a node) so both halves are meshed alike.
    const int half_x = static_cast<int>(std::ceil(s.box_max.x / h)) + 1;
    g.nx = 2 * half_x + 1;
    g.ny = static_cast<int>(std::ceil((s.box_max.y - s.cut_height) / h)) + 1;
    g.nz = static_cast<int>(std::ceil((s.box_max.z - s.box_min.z) / h)) + 1;
    g.origin = {-static_cast<float>(half_x) * h, s.cut_height, s.box_min.z};

    const int bx = (g.nx - 1 + kBlock - 1) / kBlock, by = (g.ny - 1 + kBlock - 1) / kBlock,
              bz = (g.nz - 1 + kBlock - 1) / kBlock;
    // A block can hold surface only if the field at its centre is below its half-diagonal (with a
    // margin, since the field is a bound rather than an exact distance).
    const float reach = 1.6f * (0.5f * std::sqrt(3.0f) * kBlock * h + h);
    std::vector<std::uint8_t> active(static_cast<std::size_t>(bx) * by * bz, 0);
    parallel_for(static_cast<std::size_t>(bz), threads, [&](std::size_t kb) {
        for (int jb = 0; jb < by; ++jb)
            for (int ib = 0; ib < bx; ++ib) {
                const vec3 c = g.origin + vec3((ib + 0.5f) * kBlock, (jb + 0.5f) * kBlock,
                                               (static_cast<float>(kb) + 0.5f) * kBlock) *
                                              h;
                if (std::abs(sdf(c)) < reach)
                    active[(kb * by + jb) * bx + ib] = 1;
            }
    });
    // Blocks are not mirror images of each other (cell i mirrors cell nx − 2 − i, across block
    // boundaries): a small feature found by one side's test and missed by the other's would leave
    // a vertex without its mirror. Activate the blocks holding each active block's mirror cells.
    {
        const std::vector<std::uint8_t> found = active;
        for (int kb = 0; kb < bz; ++kb)
            for (int jb = 0; jb < by; ++jb)
                for (int ib = 0; ib < bx; ++ib) {
                    if (!found[(static_cast<std::size_t>(kb) * by + jb) * bx + ib])
                        continue;
                    const int i0 = ib * kBlock, i1 = std::min((ib + 1) * kBlock, g.nx - 1) - 1;
                    const int m0 = std::max(0, (g.nx - 2 - i1) / kBlock);
                    const int m1 = std::min(bx - 1, (g.nx - 2 - i0) / kBlock);
                    for (int m = m0; m <= m1; ++m)
                        active[(static_cast<std::size_t>(kb) * by + jb) * bx + m] = 1;
                }
    }

    // Evaluate every node of the active blocks once.
    const float kUnset = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> value(static_cast<std::size_t>(g.nx) * g.ny * g.nz, kUnset);
    std::vector<std::uint8_t> wanted(value.size(), 0);
    for (int kb = 0; kb < bz; ++kb)
        for (int jb = 0; jb < by; ++jb)
            for (int ib = 0; ib < bx; ++ib) {
                if (!active[(static_cast<std::size_t>(kb) * by + jb) * bx + ib])
                    continue;
                for (int k = kb * kBlock; k <= std::min((kb + 1) * kBlock, g.nz - 1); ++k)
                    for (int j = jb * kBlock; j <= std::min((jb + 1) * kBlock, g.ny - 1); ++j)
                        for (int i = ib * kBlock; i <= std::min((ib + 1) * kBlock, g.nx - 1); ++i)
                            wanted[g.node(i, j, k)] = 1;
            }
    // The field is mirror-symmetric in x: evaluate the left half and the x = 0 plane, copy the
    // right. Exactly mirrored values give an exactly mirrored mesh, which decimation relies on.
    parallel_for(static_cast<std::size_t>(g.nz), threads, [&](std::size_t k) {
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i <= half_x; ++i) {
                const std::size_t n = g.node(i, j, static_cast<int>(k));
                const std::size_t m = g.node(g.nx - 1 - i, j, static_cast<int>(k));
                if (wanted[n] || wanted[m]) {
                    value[n] = sdf(g.position(i, j, static_cast<int>(k)));
                    value[m] = value[n];
                }
            }
    });
    wanted.clear();
    wanted.shrink_to_fit();

    // The nodes of the active blocks, each once (a block owns the nodes [b·B, b·B + B) per axis);
    // every later pass walks only these instead of the whole grid.
    std::vector<std::array<int, 3>> band;
    for (int kb = 0; kb < bz; ++kb)
        for (int jb = 0; jb < by; ++jb)
            for (int ib = 0; ib < bx; ++ib) {
                if (!active[(static_cast<std::size_t>(kb) * by + jb) * bx + ib])
                    continue;
                for (int k = kb * kBlock; k < std::min((kb + 1) * kBlock, g.nz); ++k)
                    for (int j = jb * kBlock; j < std::min((jb + 1) * kBlock, g.ny); ++j)
                        for (int i = ib * kBlock; i < std::min((ib + 1) * kBlock, g.nx); ++i)
                            band.push_back({i, j, k});
            }

    // Ambiguous faces (corners alternating in sign) would make an edge shared by four triangles:
    // decide them by the field at the face centre and flip the weakest corner of the losing sign,
    // so each face is crossed at most once. Repeat, since a flip can make a neighbour ambiguous.
    for (int pass = 0; pass < 8; ++pass) {
        std::size_t flips = 0;
        for (int axis = 0; axis < 3; ++axis) {
            const int u = (axis + 1) % 3, w = (axis + 2) % 3;
            const int n_axis[3] = {g.nx, g.ny, g.nz};
            for (const auto& node : band) {
                const int i = node[0], j = node[1], k = node[2];
                int c[3] = {i, j, k};
                if (c[u] + 1 >= n_axis[u] || c[w] + 1 >= n_axis[w])
                    continue;
                std::size_t id[4];
                float v[4];
                bool complete = true;
                for (int q = 0; q < 4; ++q) {
                    int cc[3] = {i, j, k};
                    cc[u] += (q == 1 || q == 2) ? 1 : 0;
                    cc[w] += (q >= 2) ? 1 : 0;
                    id[q] = g.node(cc[0], cc[1], cc[2]);
                    v[q] = value[id[q]];
                    complete = complete && !std::isnan(v[q]);
                }
                if (!complete)
                    continue;
                // Corners in cyclic order 0,1,2,3: ambiguous when signs alternate.
                const bool s0 = v[0] < 0.0f, s1 = v[1] < 0.0f, s2 = v[2] < 0.0f, s3 = v[3] < 0.0f;
                if (!(s0 == s2 && s1 == s3 && s0 != s1))
                    continue;
                vec3 centre = g.position(i, j, k);
                centre[u] += 0.5f * h;
                centre[w] += 0.5f * h;
                const bool centre_inside = sdf(centre) < 0.0f;
                // Flip the corner (of the sign that does not connect through the centre)
                // closest to the surface.
                int pick = -1;
                for (int q = 0; q < 4; ++q)
                    if ((v[q] < 0.0f) != centre_inside &&
                        (pick < 0 || std::abs(v[q]) < std::abs(v[pick])))
                        pick = q;
                // The same flip on the mirror node keeps the mesh symmetric.
                const std::size_t flip_node = id[pick];
                const std::size_t row = flip_node / static_cast<std::size_t>(g.nx);
                const std::size_t col = flip_node % static_cast<std::size_t>(g.nx);
                const float flipped = centre_inside ? -1e-4f : 1e-4f;
                value[flip_node] = flipped;
                value[row * g.nx + (g.nx - 1 - col)] = flipped;
                ++flips;
            }
        }
        if (flips == 0)
            break;
    }

    // One vertex per crossed cell.
    std::vector<std::int32_t> cell_vertex(
        static_cast<std::size_t>(g.nx - 1) * (g.ny - 1) * (g.nz - 1), -1);
    Mesh mesh;
    std::vector<std::array<int, 3>> vertex_cell; // per vertex
    for (const auto& node : band) {
        const int i = node[0], j = node[1], k = node[2];
        if (i + 1 >= g.nx || j + 1 >= g.ny || k + 1 >= g.nz)
            continue;
        const auto offset = cell_crossing_mean([&](int c) {
            return value[g.node(i + kCellCorner[c][0], j + kCellCorner[c][1],
                                k + kCellCorner[c][2])];
        });
        if (!offset)
            continue;
        cell_vertex[g.cell(i, j, k)] = static_cast<std::int32_t>(mesh.positions.size());
        mesh.positions.push_back(g.position(i, j, k) + *offset * h);
        vertex_cell.push_back({i, j, k});
    }
    // Cell i mirrors cell nx − 2 − i; left cells are those below x = 0 (i < half_x).
    std::vector<std::uint32_t> mirror(mesh.positions.size());
    std::vector<std::uint8_t> left(mesh.positions.size());
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
        const auto [i, j, k] = vertex_cell[v];
        const std::int32_t m = cell_vertex[g.cell(g.nx - 2 - i, j, k)];
        if (m < 0)
            throw std::logic_error("surface nets: a skin vertex has no mirror image (at " +
                                   std::to_string(mesh.positions[v].x) + ", " +
                                   std::to_string(mesh.positions[v].y) + ", " +
                                   std::to_string(mesh.positions[v].z) + ")");
        mirror[v] = static_cast<std::uint32_t>(m);
        left[v] = i < half_x ? 1 : 0;
    }
    vertex_cell = {};

    // One quad per crossed edge, facing from the inside node to the outside node.
    std::vector<std::array<std::uint32_t, 4>> quads;
    quads.reserve(mesh.positions.size() * 2);
    const auto vertex_of = [&](int i, int j, int k) -> std::int64_t {
        if (i < 0 || j < 0 || k < 0 || i + 1 >= g.nx || j + 1 >= g.ny || k + 1 >= g.nz)
            return -1;
        return cell_vertex[g.cell(i, j, k)];
    };
    for (const auto& node : band) {
        const int i = node[0], j = node[1], k = node[2];
        const float a = value[g.node(i, j, k)];
        if (std::isnan(a))
            continue;
        for (int axis = 0; axis < 3; ++axis) {
            int n[3] = {i, j, k};
            n[axis] += 1;
            if (n[axis] >= (axis == 0 ? g.nx : axis == 1 ? g.ny : g.nz))
                continue;
            const float b = value[g.node(n[0], n[1], n[2])];
            if (std::isnan(b) || (a < 0.0f) == (b < 0.0f))
                continue;
            // The four cells around the edge, in (axis+1, axis+2) order: counter-clockwise
            // seen from +axis.
            const int u = (axis + 1) % 3, w = (axis + 2) % 3;
            std::array<std::int64_t, 4> c{};
            static constexpr int kOff[4][2] = {{-1, -1}, {0, -1}, {0, 0}, {-1, 0}};
            bool ok = true;
            for (int q = 0; q < 4; ++q) {
                int cc[3] = {i, j, k};
                cc[u] += kOff[q][0];
                cc[w] += kOff[q][1];
                c[q] = vertex_of(cc[0], cc[1], cc[2]);
                ok = ok && c[q] >= 0;
            }
            if (!ok)
                continue;
            std::array<std::uint32_t, 4> quad{};
            for (int q = 0; q < 4; ++q)
                quad[q] = static_cast<std::uint32_t>(c[q]);
            if (!(a < 0.0f)) // inside at the far end: the surface faces -axis
                std::swap(quad[1], quad[3]);
            quads.push_back(quad);
        }
    }
    value.clear();
    value.shrink_to_fit();

    // Onto the zero set, normals from the gradient.
    const std::vector<vec3> raw = mesh.positions;
    mesh.normals.resize(mesh.positions.size());
    parallel_for(mesh.positions.size(), threads, [&](std::size_t v) {
        const vec3 p = sdf.project(mesh.positions[v], 3);
        mesh.positions[v] = p;
        mesh.normals[v] = sdf.normal(p, 0.5f * h);
    });

    mesh.indices.reserve(quads.size() * 6);
    for (const auto& q : quads) {
        const vec3 p0 = mesh.positions[q[0]], p1 = mesh.positions[q[1]], p2 = mesh.positions[q[2]],
                   p3 = mesh.positions[q[3]];
        if (glm::distance(p0, p2) <= glm::distance(p1, p3))
            mesh.indices.insert(mesh.indices.end(), {q[0], q[1], q[2], q[0], q[2], q[3]});
        else
            mesh.indices.insert(mesh.indices.end(), {q[0], q[1], q[3], q[1], q[2], q[3]});
    }

    // Where projection folded a triangle over (deep creases), fall back to the unprojected
    // surface-nets positions of its corners, which do not fold.
    for (int round = 0; round < 3; ++round) {
        std::vector<std::uint32_t> bad;
        for (std::size_t t = 0; t < mesh.indices.size(); t += 3) {
            const auto a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
            const vec3 n = glm::cross(mesh.positions[b] - mesh.positions[a],
                                      mesh.positions[c] - mesh.positions[a]);
            const vec3 vn = mesh.normals[a] + mesh.normals[b] + mesh.normals[c];
            if (glm::length(n) < 1e-3f * h * h || glm::dot(n, vn) <= 0.0f)
                bad.insert(bad.end(), {a, b, c});
        }
        if (bad.empty())
            break;
        for (const auto v : bad) {
            const vec3 back = round == 0 ? 0.5f * (raw[v] + mesh.positions[v]) : raw[v];
            mesh.positions[v] = back;
            mesh.normals[v] = sdf.normal(back, 0.5f * h);
        }
    }

    // The open rim at the cut: put its vertices exactly on the cut plane, on the surface within it.
    std::unordered_map<std::uint64_t, int> edge_use;
    edge_use.reserve(mesh.indices.size() * 2);
    for (std::size_t t = 0; t < mesh.indices.size(); t += 3)
        for (int e = 0; e < 3; ++e) {
            const std::uint64_t a = mesh.indices[t + e], b = mesh.indices[t + (e + 1) % 3];
            edge_use[std::min(a, b) << 32 | std::max(a, b)] += 1;
        }
    std::vector<std::uint8_t> rim(mesh.positions.size(), 0);
    for (const auto& [key, count] : edge_use)
        if (count == 1) {
            rim[key >> 32] = 1;
            rim[key & 0xffffffffu] = 1;
        }
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
        if (!rim[v])
            continue;
        vec3 p = mesh.positions[v];
        p.y = s.cut_height;
        for (int it = 0; it < 4; ++it) {
            vec3 grad = sdf.gradient(p, 0.25f);
            grad.y = 0.0f;
            const float g2 = glm::dot(grad, grad);
            if (g2 < 1e-8f)
                break;
            p -= grad * (sdf(p) / g2);
        }
        mesh.positions[v] = p;
        vec3 n = sdf.normal(p, 0.5f * h);
        mesh.normals[v] = n;
    }

    // The right half is the exact mirror image of the left (float rounding made them differ by
    // ~1e-5 mm), so that decimation can work on one half.
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
        if (!left[v])
            continue;
        const std::uint32_t m = mirror[v];
        mesh.positions[m] = mesh.positions[v] * vec3(-1.0f, 1.0f, 1.0f);
        mesh.normals[m] = mesh.normals[v] * vec3(-1.0f, 1.0f, 1.0f);
    }
    if (target_triangles > 0 && mesh.triangle_count() > target_triangles)
        return decimate_mirrored(mesh, mirror, left, target_triangles);
    return mesh;
}

} // namespace injmap::gen
