#pragma once
// One cell of surface nets (Gibson 1998; Lysenko 2012), shared by the skin's mesher
// (surface_nets.cpp) and the bones' (field_mesh.cpp): the cell's corners and edges, and its vertex
// as the mean of the points where the field crosses zero along its edges.
#include <array>
#include <cmath>
#include <optional>

#include "sdf_primitives.hpp"

namespace injmap::gen {

// Corner c of a cell lies at node (i, j, k) + kCellCorner[c].
inline constexpr std::array<std::array<int, 3>, 8> kCellCorner = {
    {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}}};
inline constexpr std::array<std::array<int, 2>, 12> kCellEdge = {{{0, 1},
                                                                  {2, 3},
                                                                  {4, 5},
                                                                  {6, 7},
                                                                  {0, 2},
                                                                  {1, 3},
                                                                  {4, 6},
                                                                  {5, 7},
                                                                  {0, 4},
                                                                  {1, 5},
                                                                  {2, 6},
                                                                  {3, 7}}};

// The cell's vertex in cell units from its first corner, given the field at its corners
// (`value(c)` for corner c): nullopt when a value is unset (NaN) or the surface does not cross it.
template <class CornerValue>
[[nodiscard]] std::optional<vec3> cell_crossing_mean(const CornerValue& value) {
    float v[8];
    int inside = 0;
    for (int c = 0; c < 8; ++c) {
        v[c] = value(c);
        if (std::isnan(v[c]))
            return std::nullopt;
        inside += v[c] < 0.0f ? 1 : 0;
    }
    if (inside == 0 || inside == 8)
        return std::nullopt;
    vec3 sum{0.0f};
    int crossings = 0;
    for (const auto& e : kCellEdge) {
        const float a = v[e[0]], b = v[e[1]];
        if ((a < 0.0f) == (b < 0.0f))
            continue;
        const float t = a / (a - b);
        const vec3 pa{static_cast<float>(kCellCorner[e[0]][0]),
                      static_cast<float>(kCellCorner[e[0]][1]),
                      static_cast<float>(kCellCorner[e[0]][2])};
        const vec3 pb{static_cast<float>(kCellCorner[e[1]][0]),
                      static_cast<float>(kCellCorner[e[1]][1]),
                      static_cast<float>(kCellCorner[e[1]][2])};
        sum += pa + (pb - pa) * t;
        ++crossings;
    }
    return sum / static_cast<float>(crossings);
}

} // namespace injmap::gen
