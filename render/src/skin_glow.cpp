#include "skin_glow.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include <glm/geometric.hpp>

namespace injmap::render {

namespace {

struct CellKey {
    int x, y, z;
    bool operator==(const CellKey&) const = default;
};
struct CellHash {
    std::size_t operator()(const CellKey& k) const {
        return std::size_t(std::uint32_t(k.x) * 73856093u ^ std::uint32_t(k.y) * 19349663u ^
                           std::uint32_t(k.z) * 83492791u);
    }
};
CellKey cell_of(const glm::vec3& p, float size) {
    return {int(std::floor(p.x / size)), int(std::floor(p.y / size)), int(std::floor(p.z / size))};
}

struct Sample {
    glm::vec3 position;
    int muscle;
};

} // namespace

SkinGlow compute_skin_glow(const Model& model, float full_mm, float radius_mm) {
    SkinGlow glow;
    const std::size_t n = model.skin.positions.size();
    glow.ids.assign(n, glm::vec4(0.0f));
    glow.weights.assign(n, glm::vec4(0.0f));
    if (model.muscles.empty())
        return glow;

    // Decimate each muscle to one sample per 4 mm voxel: plenty for a glow that fades over 2-3 cm.
    const float voxel = 4.0f;
    std::unordered_map<CellKey, std::vector<Sample>, CellHash> grid;
    for (std::size_t m = 0; m < model.muscles.size() && m < 128; ++m) {
        std::unordered_set<CellKey, CellHash> seen;
        for (const auto& p : model.muscles[m].mesh.positions) {
            if (!seen.insert(cell_of(p, voxel)).second)
                continue;
            grid[cell_of(p, radius_mm)].push_back({p, int(m)});
        }
    }

    const float r2 = radius_mm * radius_mm;
    for (std::size_t i = 0; i < n; ++i) {
        const glm::vec3& p = model.skin.positions[i];
        const CellKey c = cell_of(p, radius_mm);
        // Nearest distance per muscle among the neighbouring cells.
        std::array<std::pair<int, float>, 16> best{};
        std::size_t count = 0;
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    auto it = grid.find({c.x + dx, c.y + dy, c.z + dz});
                    if (it == grid.end())
                        continue;
                    for (const Sample& s : it->second) {
                        const glm::vec3 d = s.position - p;
                        const float d2 = glm::dot(d, d);
                        if (d2 >= r2)
                            continue;
                        std::size_t k = 0;
                        while (k < count && best[k].first != s.muscle)
                            ++k;
                        if (k == count) {
                            if (count == best.size())
                                continue;
                            best[count++] = {s.muscle, d2};
                        } else if (d2 < best[k].second) {
                            best[k].second = d2;
                        }
                    }
                }
        std::sort(best.begin(), best.begin() + std::ptrdiff_t(count),
                  [](const auto& a, const auto& b) { return a.second < b.second; });
        for (std::size_t k = 0; k < std::min<std::size_t>(count, 4); ++k) {
            const float d = std::sqrt(best[k].second);
            const float t = std::clamp((d - full_mm) / (radius_mm - full_mm), 0.0f, 1.0f);
            glow.ids[i][int(k)] = float(best[k].first);
            glow.weights[i][int(k)] = 1.0f - t * t * (3.0f - 2.0f * t);
        }
    }
    return glow;
}

} // namespace injmap::render
