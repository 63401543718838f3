#include "skin_occlusion.hpp"

#include <algorithm>
#include <cstdint>

#include <glm/geometric.hpp>

namespace injmap::render {

std::vector<float> skin_occlusion(const Mesh& mesh, const std::vector<glm::vec3>& normals) {
    const std::size_t n = mesh.positions.size();
    std::vector<float> ao(n, 1.0f);
    if (n == 0 || normals.size() != n)
        return ao;

    // Neighbours in compressed rows, each once (a manifold mesh lists every edge twice).
    std::vector<std::uint32_t> start(n + 1, 0);
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        for (int k = 0; k < 3; ++k)
            if (mesh.indices[t + std::size_t(k)] < n)
                start[mesh.indices[t + std::size_t(k)] + 1] += 2;
    for (std::size_t i = 0; i < n; ++i)
        start[i + 1] += start[i];
    std::vector<std::uint32_t> neighbours(start[n]);
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const std::uint32_t v[3] = {mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]};
        if (v[0] >= n || v[1] >= n || v[2] >= n)
            continue;
        for (int k = 0; k < 3; ++k) {
            neighbours[fill[v[k]]++] = v[(k + 1) % 3];
            neighbours[fill[v[k]]++] = v[(k + 2) % 3];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        auto* b = neighbours.data() + start[i];
        std::sort(b, neighbours.data() + fill[i]);
        fill[i] = std::uint32_t(std::unique(b, neighbours.data() + fill[i]) - neighbours.data());
    }

    // Smoothed positions after a few and after many averaging steps: the vertex's offset from them
    // along its normal says how deep it sits in a small and in a broad crease.
    constexpr int kSmall = 4, kLarge = 36;
    std::vector<glm::vec3> current = mesh.positions, next(n);
    std::vector<float> small(n, 0.0f);
    for (int iteration = 1; iteration <= kLarge; ++iteration) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t b = start[i], e = fill[i];
            if (b == e) {
                next[i] = current[i];
                continue;
            }
            glm::vec3 sum(0.0f);
            for (std::uint32_t k = b; k < e; ++k)
                sum += current[neighbours[k]];
            next[i] = sum / float(e - b);
        }
        current.swap(next);
        if (iteration == kSmall)
            for (std::size_t i = 0; i < n; ++i)
                small[i] = glm::dot(normals[i], current[i] - mesh.positions[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const float large = glm::dot(normals[i], current[i] - mesh.positions[i]);
        const float occlusion = 0.22f * std::clamp(small[i] / 1.0f, 0.0f, 1.0f) +
                                0.45f * std::clamp(large / 6.0f, 0.0f, 1.0f);
        ao[i] = std::clamp(1.0f - occlusion, 0.5f, 1.0f);
    }
    return ao;
}

} // namespace injmap::render
