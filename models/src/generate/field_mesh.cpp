// Surface nets for any field in any box (the bones): the same construction as the skin's mesher
// (surface_nets.cpp: a vertex per crossed cell, a quad per crossed edge, narrow band by blocks),
// without the skin's mirroring and bust cut, then normals from the field's gradient, the largest
// pieces kept and quadric decimation (meshoptimizer) to a triangle budget. The skin keeps its own
// mesher, so its output is unchanged.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include <meshoptimizer.h>

#include "generate_internal.hpp"
#include "surface_nets_cell.hpp"

namespace injmap::gen {

namespace {

constexpr int kBlock = 4; // cells per block edge for the narrow-band test

// Drops connected pieces (by shared vertices) smaller than `fraction` of the largest one: stray
// specks where a field grazes zero.
void keep_large_pieces(Mesh& mesh, float fraction) {
    const std::size_t n = mesh.positions.size();
    std::vector<std::uint32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0u);
    const auto find = [&](std::uint32_t v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    };
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        for (int c = 1; c < 3; ++c) {
            const auto a = find(mesh.indices[t]), b = find(mesh.indices[t + c]);
            if (a != b)
                parent[std::max(a, b)] = std::min(a, b);
        }
    std::vector<std::size_t> triangles(n, 0);
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        ++triangles[find(mesh.indices[t])];
    const std::size_t largest = *std::max_element(triangles.begin(), triangles.end());
    std::vector<std::uint32_t> kept;
    kept.reserve(mesh.indices.size());
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        if (static_cast<float>(triangles[find(mesh.indices[t])]) >=
            fraction * static_cast<float>(largest))
            kept.insert(kept.end(), mesh.indices.begin() + static_cast<std::ptrdiff_t>(t),
                        mesh.indices.begin() + static_cast<std::ptrdiff_t>(t + 3));
    mesh.indices.swap(kept);
}

} // namespace

Mesh mesh_field(const std::function<float(vec3)>& field, vec3 lo, vec3 hi, float h,
                unsigned threads, std::size_t target_triangles) {
    const int nx = static_cast<int>(std::ceil((hi.x - lo.x) / h)) + 1;
    const int ny = static_cast<int>(std::ceil((hi.y - lo.y) / h)) + 1;
    const int nz = static_cast<int>(std::ceil((hi.z - lo.z) / h)) + 1;
    const auto node = [&](int i, int j, int k) {
        return (static_cast<std::size_t>(k) * ny + j) * nx + i;
    };
    const auto cell = [&](int i, int j, int k) {
        return (static_cast<std::size_t>(k) * (ny - 1) + j) * (nx - 1) + i;
    };
    const auto position = [&](int i, int j, int k) {
        return lo + vec3(static_cast<float>(i), static_cast<float>(j), static_cast<float>(k)) * h;
    };

    const int bx = (nx - 1 + kBlock - 1) / kBlock, by = (ny - 1 + kBlock - 1) / kBlock,
              bz = (nz - 1 + kBlock - 1) / kBlock;
    const float reach = 1.6f * (0.5f * std::sqrt(3.0f) * kBlock * h + h);
    std::vector<std::uint8_t> active(static_cast<std::size_t>(bx) * by * bz, 0);
    parallel_for(static_cast<std::size_t>(bz), threads, [&](std::size_t kb) {
        for (int jb = 0; jb < by; ++jb)
            for (int ib = 0; ib < bx; ++ib) {
                const vec3 c = lo + vec3((ib + 0.5f) * kBlock, (jb + 0.5f) * kBlock,
                                         (static_cast<float>(kb) + 0.5f) * kBlock) *
                                        h;
                if (std::abs(field(c)) < reach)
                    active[(kb * by + jb) * bx + ib] = 1;
            }
    });
    const float kUnset = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> value(static_cast<std::size_t>(nx) * ny * nz, kUnset);
    std::vector<std::uint8_t> wanted(value.size(), 0);
    std::vector<std::array<int, 3>> band;
    for (int kb = 0; kb < bz; ++kb)
        for (int jb = 0; jb < by; ++jb)
            for (int ib = 0; ib < bx; ++ib) {
                if (!active[(static_cast<std::size_t>(kb) * by + jb) * bx + ib])
                    continue;
                for (int k = kb * kBlock; k <= std::min((kb + 1) * kBlock, nz - 1); ++k)
                    for (int j = jb * kBlock; j <= std::min((jb + 1) * kBlock, ny - 1); ++j)
                        for (int i = ib * kBlock; i <= std::min((ib + 1) * kBlock, nx - 1); ++i)
                            wanted[node(i, j, k)] = 1;
                for (int k = kb * kBlock; k < std::min((kb + 1) * kBlock, nz); ++k)
                    for (int j = jb * kBlock; j < std::min((jb + 1) * kBlock, ny); ++j)
                        for (int i = ib * kBlock; i < std::min((ib + 1) * kBlock, nx); ++i)
                            band.push_back({i, j, k});
            }
    parallel_for(static_cast<std::size_t>(nz), threads, [&](std::size_t k) {
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const std::size_t n = node(i, j, static_cast<int>(k));
                if (wanted[n])
                    value[n] = field(position(i, j, static_cast<int>(k)));
            }
    });
    wanted = {};

    std::vector<std::int32_t> cell_vertex(static_cast<std::size_t>(nx - 1) * (ny - 1) * (nz - 1),
                                          -1);
    Mesh mesh;
    for (const auto& nd : band) {
        const int i = nd[0], j = nd[1], k = nd[2];
        if (i + 1 >= nx || j + 1 >= ny || k + 1 >= nz)
            continue;
        const auto offset = cell_crossing_mean([&](int c) {
            return value[node(i + kCellCorner[c][0], j + kCellCorner[c][1], k + kCellCorner[c][2])];
        });
        if (!offset)
            continue;
        cell_vertex[cell(i, j, k)] = static_cast<std::int32_t>(mesh.positions.size());
        mesh.positions.push_back(position(i, j, k) + *offset * h);
    }
    const auto vertex_of = [&](int i, int j, int k) -> std::int64_t {
        if (i < 0 || j < 0 || k < 0 || i + 1 >= nx || j + 1 >= ny || k + 1 >= nz)
            return -1;
        return cell_vertex[cell(i, j, k)];
    };
    for (const auto& nd : band) {
        const int i = nd[0], j = nd[1], k = nd[2];
        const float a = value[node(i, j, k)];
        if (std::isnan(a))
            continue;
        for (int axis = 0; axis < 3; ++axis) {
            int n[3] = {i, j, k};
            n[axis] += 1;
            if (n[axis] >= (axis == 0 ? nx : axis == 1 ? ny : nz))
                continue;
            const float b = value[node(n[0], n[1], n[2])];
            if (std::isnan(b) || (a < 0.0f) == (b < 0.0f))
                continue;
            const int u = (axis + 1) % 3, w = (axis + 2) % 3;
            static constexpr int kOff[4][2] = {{-1, -1}, {0, -1}, {0, 0}, {-1, 0}};
            std::array<std::uint32_t, 4> quad{};
            bool ok = true;
            for (int q = 0; q < 4; ++q) {
                int cc[3] = {i, j, k};
                cc[u] += kOff[q][0];
                cc[w] += kOff[q][1];
                const std::int64_t c = vertex_of(cc[0], cc[1], cc[2]);
                ok = ok && c >= 0;
                quad[q] = static_cast<std::uint32_t>(std::max<std::int64_t>(c, 0));
            }
            if (!ok)
                continue;
            if (!(a < 0.0f))
                std::swap(quad[1], quad[3]);
            const vec3 p0 = mesh.positions[quad[0]], p1 = mesh.positions[quad[1]],
                       p2 = mesh.positions[quad[2]], p3 = mesh.positions[quad[3]];
            if (glm::distance(p0, p2) <= glm::distance(p1, p3))
                mesh.indices.insert(mesh.indices.end(),
                                    {quad[0], quad[1], quad[2], quad[0], quad[2], quad[3]});
            else
                mesh.indices.insert(mesh.indices.end(),
                                    {quad[0], quad[1], quad[3], quad[1], quad[2], quad[3]});
        }
    }
    value = {};
    if (mesh.indices.empty())
        return mesh;
    keep_large_pieces(mesh, 0.02f);

    if (target_triangles > 0 && mesh.indices.size() / 3 > target_triangles) {
        std::vector<std::uint32_t> simplified(mesh.indices.size());
        simplified.resize(meshopt_simplify(
            simplified.data(), mesh.indices.data(), mesh.indices.size(), &mesh.positions[0].x,
            mesh.positions.size(), sizeof(vec3), target_triangles * 3, 0.01f, 0, nullptr));
        mesh.indices.swap(simplified);
    }
    const std::size_t n = mesh.positions.size();
    meshopt_optimizeVertexCache(mesh.indices.data(), mesh.indices.data(), mesh.indices.size(), n);
    std::vector<std::uint32_t> remap(n);
    const std::size_t used =
        meshopt_optimizeVertexFetchRemap(remap.data(), mesh.indices.data(), mesh.indices.size(), n);
    Mesh out;
    out.positions.resize(used);
    for (std::size_t v = 0; v < n; ++v)
        if (remap[v] != ~0u)
            out.positions[remap[v]] = mesh.positions[v];
    out.indices.resize(mesh.indices.size());
    meshopt_remapIndexBuffer(out.indices.data(), mesh.indices.data(), mesh.indices.size(),
                             remap.data());
    // Normals from the field (central differences), smoother than the decimated faces'.
    out.normals.resize(used);
    const float e = 0.5f * h;
    parallel_for(used, threads, [&](std::size_t v) {
        const vec3 p = out.positions[v];
        const vec3 g{field(p + vec3(e, 0, 0)) - field(p - vec3(e, 0, 0)),
                     field(p + vec3(0, e, 0)) - field(p - vec3(0, e, 0)),
                     field(p + vec3(0, 0, e)) - field(p - vec3(0, 0, e))};
        const float len = glm::length(g);
        out.normals[v] = len > 1e-12f ? g / len : vec3(0, 1, 0);
    });
    return out;
}

} // namespace injmap::gen
