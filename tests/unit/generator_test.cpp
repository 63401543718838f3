// The default model generator: proportions, symmetry, landmarks on the skin, muscles under the
// skin, mesh sanity and the written files. Each model is generated once per test binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <glm/geometric.hpp>

#include "injmap/models/generate.hpp"
#include "injmap/models/landmark_names.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/measurements.hpp"
#include "injmap/models/surface_index.hpp"
#include "test_support.hpp"

namespace {

using glm::vec3;

const injmap::Model& model(const std::string& id) {
    static std::map<std::string, injmap::Model> cache;
    auto it = cache.find(id);
    if (it == cache.end())
        it = cache.emplace(id, injmap::generate_model(id)).first;
    return it->second;
}

const std::array<std::string, 2> kIds = {"adult-male", "adult-female"};

const std::array<const char*, 21> kPairedMuscles = {"frontalis",
                                                    "orbicularis_oculi_pretarsal",
                                                    "orbicularis_oculi_preseptal",
                                                    "orbicularis_oculi_orbital",
                                                    "platysma",
                                                    "galea_aponeurotica",
                                                    "corrugator",
                                                    "temporalis",
                                                    "occipitalis",
                                                    "trapezius",
                                                    "splenius_capitis",
                                                    "semispinalis_capitis",
                                                    "sternocleidomastoid",
                                                    "splenius_cervicis",
                                                    "levator_scapulae",
                                                    "scalenus_anterior",
                                                    "scalenus_medius",
                                                    "scalenus_posterior",
                                                    "longissimus_capitis",
                                                    "obliquus_capitis_inferior",
                                                    "procerus"};

// Triangles of a mesh binned on a uniform grid, for distance and ray-parity queries.
class TriangleGrid {
public:
    explicit TriangleGrid(const injmap::Mesh& mesh, float cell = 8.0f) : mesh_(mesh), cell_(cell) {
        const auto b = injmap::bounds_of(mesh);
        lo_ = b.min - vec3(1.0f);
        for (int a = 0; a < 3; ++a)
            n_[a] = static_cast<int>((b.max[a] - lo_[a]) / cell_) + 2;
        bins_.resize(static_cast<std::size_t>(n_[0]) * n_[1] * n_[2]);
        columns_.resize(static_cast<std::size_t>(n_[0]) * n_[2]);
        for (std::uint32_t t = 0; t < mesh.triangle_count(); ++t) {
            vec3 mn(1e30f), mx(-1e30f);
            for (int c = 0; c < 3; ++c) {
                mn = glm::min(mn, vertex(t, c));
                mx = glm::max(mx, vertex(t, c));
            }
            const auto i0 = index(mn), i1 = index(mx);
            for (int k = i0[2]; k <= i1[2]; ++k)
                for (int i = i0[0]; i <= i1[0]; ++i) {
                    columns_[static_cast<std::size_t>(k) * n_[0] + i].push_back(t);
                    for (int j = i0[1]; j <= i1[1]; ++j)
                        bins_[(static_cast<std::size_t>(k) * n_[1] + j) * n_[0] + i].push_back(t);
                }
        }
    }

    // Distance from p to the mesh, searched up to `reach` mm (returns reach if nothing is nearer).
    [[nodiscard]] float distance(vec3 p, float reach = 40.0f) const {
        const auto i0 = index(p - vec3(reach)), i1 = index(p + vec3(reach));
        float best = reach;
        for (int k = i0[2]; k <= i1[2]; ++k)
            for (int j = i0[1]; j <= i1[1]; ++j)
                for (int i = i0[0]; i <= i1[0]; ++i)
                    for (const auto t :
                         bins_[(static_cast<std::size_t>(k) * n_[1] + j) * n_[0] + i])
                        best = std::min(best, glm::distance(p, closest(p, t)));
        return best;
    }

    // Crossings of the ray from p straight up (+Y): odd = inside a closed (bottom-open) surface.
    [[nodiscard]] int crossings_up(vec3 p) const {
        const auto i = index(p);
        int count = 0;
        for (const auto t : columns_[static_cast<std::size_t>(i[2]) * n_[0] + i[0]]) {
            const vec3 a = vertex(t, 0), b = vertex(t, 1), c = vertex(t, 2);
            // Barycentric test in the xz plane, then the height of the hit.
            const float d = (b.x - a.x) * (c.z - a.z) - (c.x - a.x) * (b.z - a.z);
            if (std::abs(d) < 1e-12f)
                continue;
            const float u = ((p.x - a.x) * (c.z - a.z) - (c.x - a.x) * (p.z - a.z)) / d;
            const float v = ((b.x - a.x) * (p.z - a.z) - (p.x - a.x) * (b.z - a.z)) / d;
            if (u < 0.0f || v < 0.0f || u + v > 1.0f)
                continue;
            const float y = a.y + u * (b.y - a.y) + v * (c.y - a.y);
            if (y > p.y)
                ++count;
        }
        return count;
    }

private:
    [[nodiscard]] vec3 vertex(std::uint32_t t, int c) const {
        return mesh_.positions[mesh_.indices[t * 3 + c]];
    }
    [[nodiscard]] std::array<int, 3> index(vec3 p) const {
        std::array<int, 3> i{};
        for (int a = 0; a < 3; ++a)
            i[a] = std::clamp(static_cast<int>((p[a] - lo_[a]) / cell_), 0, n_[a] - 1);
        return i;
    }
    [[nodiscard]] vec3 closest(vec3 p, std::uint32_t t) const {
        const vec3 a = vertex(t, 0), b = vertex(t, 1), c = vertex(t, 2);
        const vec3 ab = b - a, ac = c - a, ap = p - a;
        const float d1 = glm::dot(ab, ap), d2 = glm::dot(ac, ap);
        if (d1 <= 0 && d2 <= 0)
            return a;
        const vec3 bp = p - b;
        const float d3 = glm::dot(ab, bp), d4 = glm::dot(ac, bp);
        if (d3 >= 0 && d4 <= d3)
            return b;
        const float vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0)
            return a + ab * (d1 / (d1 - d3));
        const vec3 cp = p - c;
        const float d5 = glm::dot(ab, cp), d6 = glm::dot(ac, cp);
        if (d6 >= 0 && d5 <= d6)
            return c;
        const float vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0)
            return a + ac * (d2 / (d2 - d6));
        const float va = d3 * d6 - d5 * d4;
        if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0)
            return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
        const float denom = 1.0f / (va + vb + vc);
        return a + ab * (vb * denom) + ac * (vc * denom);
    }

    const injmap::Mesh& mesh_;
    float cell_;
    vec3 lo_{0.0f};
    std::array<int, 3> n_{};
    std::vector<std::vector<std::uint32_t>> bins_, columns_;
};

const TriangleGrid& skin_grid(const std::string& id) {
    static std::map<std::string, std::unique_ptr<TriangleGrid>> cache;
    auto& slot = cache[id];
    if (!slot)
        slot = std::make_unique<TriangleGrid>(model(id).skin);
    return *slot;
}

struct EdgeReport {
    std::size_t boundary = 0, non_manifold = 0, same_direction = 0;
    std::vector<std::uint32_t> boundary_vertices;
};

EdgeReport edges_of(const injmap::Mesh& mesh) {
    // Directed edge counts: a closed, consistently wound surface uses every edge once each way.
    std::unordered_map<std::uint64_t, int> directed;
    for (std::size_t t = 0; t < mesh.indices.size(); t += 3)
        for (int e = 0; e < 3; ++e) {
            const std::uint64_t a = mesh.indices[t + e], b = mesh.indices[t + (e + 1) % 3];
            directed[a << 32 | b] += 1;
        }
    EdgeReport r;
    for (const auto& [key, count] : directed) {
        const std::uint64_t a = key >> 32, b = key & 0xffffffffu;
        const auto reverse = directed.find(b << 32 | a);
        const int back = reverse == directed.end() ? 0 : reverse->second;
        if (count > 1)
            ++r.same_direction;
        if (back == 0) {
            ++r.boundary;
            r.boundary_vertices.push_back(static_cast<std::uint32_t>(a));
            r.boundary_vertices.push_back(static_cast<std::uint32_t>(b));
        } else if (count + back > 2) {
            ++r.non_manifold;
        }
    }
    return r;
}

vec3 mirror(vec3 p) {
    return {-p.x, p.y, p.z};
}

class Generator : public ::testing::TestWithParam<std::string> {};

void check_has_every_muscle_landmark_and_group(const std::string& id) {
    const auto& m = model(id);
    for (const char* muscle_id : kPairedMuscles) {
        if (std::string(muscle_id) == "procerus" ||
            std::string(muscle_id) == "galea_aponeurotica") {
            EXPECT_NE(m.find_muscle(muscle_id, injmap::Side::midline), nullptr) << muscle_id;
            continue;
        }
        EXPECT_NE(m.find_muscle(muscle_id, injmap::Side::left), nullptr) << muscle_id;
        EXPECT_NE(m.find_muscle(muscle_id, injmap::Side::right), nullptr) << muscle_id;
    }
    for (const auto& l : injmap::kStandardLandmarks) {
        if (l.sided) {
            EXPECT_TRUE(m.landmark(std::string(l.name) + "_left")) << l.name;
            EXPECT_TRUE(m.landmark(std::string(l.name) + "_right")) << l.name;
        } else {
            EXPECT_TRUE(m.landmark(l.name)) << l.name;
        }
    }
    EXPECT_EQ(m.expand_muscle_key("cervical_paraspinal"),
              (std::vector<std::string>{"splenius_capitis", "splenius_cervicis",
                                        "semispinalis_capitis"}));
    EXPECT_EQ(
        m.expand_muscle_key("orbicularis_oculi"),
        (std::vector<std::string>{"orbicularis_oculi_pretarsal", "orbicularis_oculi_preseptal",
                                  "orbicularis_oculi_orbital"}));
    EXPECT_EQ(
        m.expand_muscle_key("scalenes"),
        (std::vector<std::string>{"scalenus_anterior", "scalenus_medius", "scalenus_posterior"}));
}

void check_proportions_within_five_percent_of_ansur_means(const std::string& id) {
    const auto& m = model(id);
    const auto ansur = *injmap::BodyProportions::ansur_mean(m.sex);
    const auto measured = injmap::measure_model(m);
    const auto within = [](float value, float target) {
        return std::abs(value - target) <= 0.05f * target;
    };
    EXPECT_PRED2(within, measured.head_breadth, ansur.head_breadth);
    EXPECT_PRED2(within, measured.head_length, ansur.head_length);
    EXPECT_PRED2(within, measured.tragion_to_vertex, ansur.tragion_to_vertex);
    EXPECT_PRED2(within, measured.neck_circumference, ansur.neck_circumference);
    EXPECT_PRED2(within, measured.biacromial_breadth, ansur.biacromial_breadth);
    EXPECT_PRED2(within, measured.bizygomatic_breadth, ansur.bizygomatic_breadth);
    EXPECT_PRED2(within, measured.menton_sellion, ansur.face_height);
}

void check_landmarks_lie_on_the_skin_and_mirror(const std::string& id) {
    const auto& m = model(id);
    const auto& grid = skin_grid(id);
    for (const auto& [name, p] : m.landmarks)
        EXPECT_LE(grid.distance(p, 5.0f), 0.5f) << name;
    for (const auto& l : injmap::kStandardLandmarks) {
        if (l.sided) {
            const auto left = m.landmark(std::string(l.name) + "_left");
            const auto right = m.landmark(std::string(l.name) + "_right");
            ASSERT_TRUE(left && right) << l.name;
            EXPECT_LT(glm::distance(*left, mirror(*right)), 1.0f) << l.name;
            EXPECT_GT(left->x, 0.0f) << l.name << " _left must be on +X, the subject's left";
        } else {
            const auto p = m.landmark(l.name);
            ASSERT_TRUE(p) << l.name;
            EXPECT_LT(std::abs(p->x), 1.0f) << l.name;
        }
    }
    // The origin is mid-tragion.
    const vec3 mid = 0.5f * (*m.landmark("tragion_left") + *m.landmark("tragion_right"));
    EXPECT_LT(glm::length(mid), 1.0f);
}

void check_landmarks_are_where_a_clinician_finds_them(const std::string& id) {
    const auto& m = model(id);
    const auto L = [&](const char* name) { return *m.landmark(name); };
    EXPECT_GT(L("vertex").y, L("glabella").y);
    EXPECT_GT(L("glabella").z, L("nasion").z);    // the bridge is deeper than the glabella
    EXPECT_GT(L("pronasale").z, L("glabella").z); // the nose is the most anterior point
    EXPECT_LT(L("menton").y, L("subnasale").y);
    EXPECT_LT(L("inion").y, L("opisthocranion").y + 1.0f);
    EXPECT_LT(L("c7").y, L("inion").y);
    EXPECT_GT(L("c7").y, L("t1").y);
    EXPECT_GT(L("t3").y, L("t4").y);
    EXPECT_LT(L("suprasternal_notch").y, L("menton").y);
    EXPECT_GT(L("helix_top_left").y, L("tragion_left").y);
    EXPECT_GT(L("temporal_fossa_left").y, L("helix_top_left").y + 20.0f);
    EXPECT_GT(L("brow_lateral_left").x, L("brow_medial_left").x);
    EXPECT_GT(L("supraorbital_rim_left").y, L("pupil_left").y);
    EXPECT_GT(L("acromion_left").x, L("neck_inflection_left").x + 80.0f);
    EXPECT_LT(L("mastoid_left").y, L("tragion_left").y);
    EXPECT_LT(L("mastoid_left").z, L("tragion_left").z);
}

void check_skin_is_a_closed_consistently_wound_bust_open_only_at_the_cut(const std::string& id) {
    const auto& skin = model(id).skin;
    EXPECT_GE(skin.triangle_count(), 40000u); // decimated to about 45,000 (GenerateOptions)
    EXPECT_LE(skin.triangle_count(), 250000u);
    ASSERT_EQ(skin.normals.size(), skin.positions.size());
    const auto bounds = injmap::bounds_of(skin);
    const auto edges = edges_of(skin);
    EXPECT_EQ(edges.same_direction, 0u);
    EXPECT_EQ(edges.non_manifold, 0u);
    EXPECT_GT(edges.boundary, 0u); // the bottom cut is open
    std::size_t off_cut = 0;
    for (const auto v : edges.boundary_vertices)
        off_cut += std::abs(skin.positions[v].y - bounds.min.y) > 1e-3f ? 1 : 0;
    EXPECT_EQ(off_cut, 0u) << "boundary vertices away from the bottom cut";
}

void check_skin_triangles_are_neither_degenerate_nor_flipped(const std::string& id) {
    const auto& skin = model(id).skin;
    std::size_t degenerate = 0, flipped = 0, bad_normals = 0;
    for (std::size_t t = 0; t < skin.indices.size(); t += 3) {
        const auto a = skin.indices[t], b = skin.indices[t + 1], c = skin.indices[t + 2];
        const vec3 n = glm::cross(skin.positions[b] - skin.positions[a],
                                  skin.positions[c] - skin.positions[a]);
        const float area2 = glm::length(n);
        if (a == b || b == c || a == c || area2 < 1e-4f) {
            ++degenerate;
            continue;
        }
        const vec3 vn = skin.normals[a] + skin.normals[b] + skin.normals[c];
        if (glm::dot(n, vn) <= 0.0f)
            ++flipped;
    }
    for (const auto& n : skin.normals)
        bad_normals += std::abs(glm::length(n) - 1.0f) > 1e-3f ? 1 : 0;
    EXPECT_EQ(degenerate, 0u);
    // Surface nets folds a few slivers where the skin turns sharply inward (the nostrils, the
    // ear's folds, the midline of the 1.5 mm grid): about a dozen of 46,000. A winding error would
    // turn thousands.
    EXPECT_LE(flipped, skin.triangle_count() / 2000);
    EXPECT_EQ(bad_normals, 0u);
}

// The skin is one closed body open at the crop, plus closed surfaces inside it: the eyeballs under
// the closed lids and the oral cavity behind the closed lips.
void check_skin_inner_surfaces_are_eyeballs_and_airway_inside_the_body(const std::string& id) {
    const auto& m = model(id);
    const auto& skin = m.skin;
    // Connected components by shared vertices (union-find).
    std::vector<std::uint32_t> parent(skin.positions.size());
    for (std::uint32_t v = 0; v < parent.size(); ++v)
        parent[v] = v;
    const auto find = [&](std::uint32_t v) {
        while (parent[v] != v)
            v = parent[v] = parent[parent[v]];
        return v;
    };
    for (std::size_t t = 0; t < skin.indices.size(); t += 3)
        for (int k = 1; k < 3; ++k)
            parent[find(skin.indices[t + k])] = find(skin.indices[t]);
    std::map<std::uint32_t, std::vector<std::uint32_t>> triangles; // root → triangle starts
    for (std::uint32_t t = 0; t < skin.indices.size(); t += 3)
        triangles[find(skin.indices[t])].push_back(t);
    std::uint32_t body = 0;
    std::size_t most = 0;
    for (const auto& [root, list] : triangles)
        if (list.size() > most)
            most = list.size(), body = root;
    injmap::Mesh outer;
    outer.positions = skin.positions;
    for (const auto t : triangles[body])
        outer.indices.insert(outer.indices.end(), skin.indices.begin() + t,
                             skin.indices.begin() + t + 3);
    const TriangleGrid grid(outer);
    int eyeballs = 0, airways = 0;
    const vec3 pupil_l = *m.landmark("pupil_left"), pupil_r = *m.landmark("pupil_right");
    const vec3 stomion = 0.5f * (*m.landmark("subnasale") + *m.landmark("menton"));
    for (const auto& [root, list] : triangles) {
        if (root == body)
            continue;
        vec3 lo(1e30f), hi(-1e30f), sum(0.0f);
        std::size_t outside = 0, n = 0;
        for (const auto t : list)
            for (int k = 0; k < 3; ++k) {
                const vec3 p = skin.positions[skin.indices[t + k]];
                lo = glm::min(lo, p), hi = glm::max(hi, p), sum += p, ++n;
                outside += grid.crossings_up(p) % 2 == 0 ? 1 : 0;
                // At least a millimetre under the outer skin.
                outside += grid.distance(p, 2.0f) < 1.0f ? 1 : 0;
            }
        EXPECT_EQ(outside, 0u) << "an inner surface reaches the outer skin near " << sum.x / n
                               << " " << sum.y / n << " " << sum.z / n;
        const vec3 centre = sum / static_cast<float>(n), size = hi - lo;
        const bool behind_a_pupil =
            (glm::distance(centre, pupil_l) < 25.0f || glm::distance(centre, pupil_r) < 25.0f) &&
            centre.z < pupil_l.z;
        if (behind_a_pupil && std::abs(size.x - 24.0f) < 3.0f && std::abs(size.y - size.x) < 1.0f)
            ++eyeballs; // a globe 24 mm across
        else if (glm::distance(centre, stomion) < 80.0f && centre.z < stomion.z)
            ++airways; // the oral cavity, nasal passages and pharynx
        else
            ADD_FAILURE() << "an unexpected inner surface at " << centre.x << " " << centre.y << " "
                          << centre.z;
    }
    EXPECT_EQ(eyeballs, 2);
    EXPECT_EQ(airways, 1);
}

void check_skin_is_mirror_symmetric(const std::string& id) {
    const auto& skin = model(id).skin;
    const auto& grid = skin_grid(id);
    float worst = 0.0f;
    for (std::size_t v = 0; v < skin.positions.size(); v += 97)
        worst = std::max(worst, grid.distance(mirror(skin.positions[v]), 5.0f));
    EXPECT_LT(worst, 0.05f);
}

// The skin is decimated half by half: every vertex has its exact mirror image among the vertices.
void check_skin_vertices_mirror_exactly(const std::string& id) {
    const auto& skin = model(id).skin;
    std::map<std::array<float, 3>, int> positions;
    for (const auto& p : skin.positions)
        positions[{p.x, p.y, p.z}] += 1;
    std::size_t unmatched = 0;
    for (const auto& p : skin.positions)
        unmatched += positions.count({-p.x, p.y, p.z}) ? 0 : 1;
    EXPECT_EQ(unmatched, 0u);
}

// Decimation keeps triangles small where the surface bends: the face's triangles are several times
// smaller than those of the flat upper back (a uniform mesh would have them alike).
void check_skin_triangles_are_finer_on_the_face_than_on_the_back(const std::string& id) {
    const auto& m = model(id);
    const auto& skin = m.skin;
    const vec3 nasion = *m.landmark("nasion"), menton = *m.landmark("menton");
    const vec3 t4 = *m.landmark("t4");
    double face_area = 0.0, back_area = 0.0;
    std::size_t face = 0, back = 0;
    for (std::size_t t = 0; t + 2 < skin.indices.size(); t += 3) {
        const vec3 a = skin.positions[skin.indices[t]], b = skin.positions[skin.indices[t + 1]],
                   c = skin.positions[skin.indices[t + 2]];
        const vec3 centre = (a + b + c) / 3.0f;
        const double area = 0.5 * glm::length(glm::cross(b - a, c - a));
        if (centre.y < nasion.y && centre.y > menton.y && centre.z > menton.z - 20.0f) {
            face_area += area;
            ++face;
        } else if (std::abs(centre.y - t4.y) < 40.0f && centre.z < t4.z + 15.0f &&
                   std::abs(centre.x) < 80.0f) {
            back_area += area;
            ++back;
        }
    }
    ASSERT_GT(face, 100u);
    ASSERT_GT(back, 20u);
    EXPECT_GT(back_area / double(back), 3.0 * face_area / double(face))
        << "mean triangle area: face " << face_area / double(face) << " mm², upper back "
        << back_area / double(back) << " mm²";
}

void check_muscles_are_closed_mirrored_and_carry_fibres(const std::string& id) {
    const auto& m = model(id);
    for (const auto& muscle : m.muscles) {
        const auto& mesh = muscle.mesh;
        SCOPED_TRACE(muscle.key());
        ASSERT_GT(mesh.triangle_count(), 0u);
        ASSERT_EQ(mesh.uvs.size(), mesh.positions.size());
        ASSERT_EQ(mesh.normals.size(), mesh.positions.size());
        ASSERT_EQ(muscle.fibre_directions.size(), mesh.positions.size());
        const auto edges = edges_of(mesh);
        EXPECT_EQ(edges.boundary, 0u);
        EXPECT_EQ(edges.same_direction, 0u);
        for (const auto& p : mesh.positions)
            ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z));
        float u_min = 1.0f, u_max = 0.0f;
        for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
            u_min = std::min(u_min, mesh.uvs[v].x);
            u_max = std::max(u_max, mesh.uvs[v].x);
            EXPECT_GE(mesh.uvs[v].y, 0.0f);
            EXPECT_LE(mesh.uvs[v].y, 1.0f);
            EXPECT_NEAR(glm::length(muscle.fibre_directions[v]), 1.0f, 1e-3f);
            EXPECT_LT(std::abs(glm::dot(muscle.fibre_directions[v], mesh.normals[v])), 1e-3f);
        }
        if (muscle.layer == injmap::MuscleLayer::aponeurosis) {
            EXPECT_EQ(u_max, 0.0f); // tendon throughout
        } else {
            EXPECT_EQ(u_min, 0.0f);
            EXPECT_EQ(u_max, 1.0f);
        }
        std::size_t degenerate = 0;
        for (std::size_t t = 0; t < mesh.indices.size(); t += 3) {
            const vec3 a = mesh.positions[mesh.indices[t]], b = mesh.positions[mesh.indices[t + 1]],
                       c = mesh.positions[mesh.indices[t + 2]];
            degenerate += glm::length(glm::cross(b - a, c - a)) < 1e-5f ? 1 : 0;
        }
        EXPECT_EQ(degenerate, 0u);
        if (muscle.side == injmap::Side::left) {
            const auto* right = m.find_muscle(muscle.id, injmap::Side::right);
            ASSERT_NE(right, nullptr);
            ASSERT_EQ(right->mesh.positions.size(), mesh.positions.size());
            float worst = 0.0f;
            for (std::size_t v = 0; v < mesh.positions.size(); ++v)
                worst = std::max(
                    worst, glm::distance(mesh.positions[v], mirror(right->mesh.positions[v])));
            EXPECT_LT(worst, 1.0f);
            EXPECT_GT(mesh.positions[0].x, 0.0f);
        }
    }
}

void check_no_muscle_vertex_outside_the_skin(const std::string& id) {
    const auto& m = model(id);
    const auto& grid = skin_grid(id);
    for (const auto& muscle : m.muscles) {
        std::size_t outside = 0;
        vec3 example{0.0f};
        for (const auto& p : muscle.mesh.positions)
            // A ray in the mirror plane runs along the skin's midline edges, where a crossing can
            // count twice: rays start a quarter millimetre off it.
            if (grid.crossings_up(vec3(std::abs(p.x) < 0.25f ? 0.25f : p.x, p.y, p.z)) % 2 == 0) {
                ++outside;
                example = p;
            }
        EXPECT_EQ(outside, 0u) << muscle.key() << " e.g. at " << example.x << " " << example.y
                               << " " << example.z;
    }
}

void check_sheet_muscles_lie_two_to_ten_millimetres_deep(const std::string& id) {
    const auto& m = model(id);
    const auto& grid = skin_grid(id);
    for (const auto& muscle : m.muscles) {
        if (muscle.layer != injmap::MuscleLayer::sheet &&
            muscle.layer != injmap::MuscleLayer::aponeurosis)
            continue;
        float shallowest = 1e9f, deepest = 0.0f;
        for (const auto& p : muscle.mesh.positions) {
            const float d = grid.distance(p, 12.0f);
            shallowest = std::min(shallowest, d);
            deepest = std::max(deepest, d);
        }
        // The eyelid's skin is the thinnest of the body (under 1 mm): its orbicularis lies just
        // under it; every other sheet lies under the subcutaneous fat.
        const bool eyelid = muscle.id.starts_with("orbicularis_oculi");
        EXPECT_GE(shallowest, eyelid ? 0.25f : 2.0f) << muscle.key();
        // The temporalis's tendon passes deep to the zygomatic arch.
        EXPECT_LE(deepest, eyelid ? 4.0f : (muscle.id == "temporalis" ? 18.0f : 10.0f))
            << muscle.key();
    }
    // Deep muscles lie deeper than the sheets.
    for (const auto& muscle : m.muscles) {
        if (muscle.layer != injmap::MuscleLayer::deep)
            continue;
        float shallowest = 1e9f;
        for (const auto& p : muscle.mesh.positions)
            shallowest = std::min(shallowest, grid.distance(p, 8.0f));
        EXPECT_GE(shallowest, 7.0f) << muscle.key();
    }
}

// Layers as in life: along a needle from the skin straight in, where both muscles of a pair lie on
// the way, the superficial one is entered first and left before the deep one begins (0.5 mm of
// slack for the meshes' facets). Each pair must overlap somewhere, so the check can fail.
void check_muscles_are_layered_as_in_life(const std::string& id) {
    const auto& m = model(id);
    struct Pair {
        const char* over;
        const char* under;
    };
    const Pair pairs[] = {
        {"trapezius", "splenius_capitis"},
        {"sternocleidomastoid", "splenius_capitis"},
        {"splenius_capitis", "semispinalis_capitis"},
        {"trapezius", "semispinalis_capitis"},
        {"trapezius", "levator_scapulae"},
        {"sternocleidomastoid", "scalenus_anterior"},
        {"platysma", "sternocleidomastoid"},
        {"frontalis", "corrugator"},
        {"orbicularis_oculi_orbital", "corrugator"},
    };
    const auto& skin = m.skin;
    // Needles start on the outer skin only (not the airway's or the eyeballs' walls): nothing lies
    // outside their start.
    const injmap::SurfaceIndex skin_index(skin);
    std::vector<std::size_t> starts;
    for (std::size_t v = 0; v < skin.positions.size(); ++v)
        if (skin.positions[v].x >= 1.0f &&
            skin_index
                .ray_crossings(skin.positions[v] + skin.normals[v] * 0.5f, skin.normals[v], 400.0f)
                .empty())
            starts.push_back(v);
    for (const auto& pair : pairs) {
        const auto* over = m.find_muscle(pair.over, injmap::Side::left);
        const auto* under = m.find_muscle(pair.under, injmap::Side::left);
        ASSERT_TRUE(over && under) << pair.over << " / " << pair.under;
        const injmap::SurfaceIndex over_index(over->mesh), under_index(under->mesh);
        const auto first_span = [](const injmap::SurfaceIndex& index, vec3 from, vec3 dir) {
            std::optional<std::pair<float, float>> span;
            for (const auto& c : index.ray_crossings(from, dir, 60.0f)) {
                if (c.entering && !span)
                    span = std::pair{c.distance, c.distance};
                else if (!c.entering && span) {
                    span->second = c.distance;
                    break;
                }
            }
            return span;
        };
        std::size_t shared = 0, wrong = 0;
        vec3 example{0.0f};
        for (const std::size_t v : starts) {
            const vec3 p = skin.positions[v];
            const vec3 dir = -skin.normals[v];
            const auto a = first_span(over_index, p - dir * 0.5f, dir);
            const auto b = first_span(under_index, p - dir * 0.5f, dir);
            // A needle that only grazes the superficial muscle's edge says nothing of the order.
            if (!a || !b || a->second - a->first < 0.5f)
                continue;
            ++shared;
            if (b->first < a->second - 0.5f) {
                ++wrong;
                example = p;
            }
        }
        EXPECT_GE(shared, 5u) << pair.over << " never over " << pair.under;
        EXPECT_LE(wrong, shared / 25)
            << pair.under << " reaches above " << pair.over << " at " << wrong << " of " << shared
            << " needles, e.g. at " << example.x << " " << example.y << " " << example.z;
    }
}

// Grouped checks: ctest runs every test in its own process, so each group pays for one generation.
// Each muscle lies where a clinician's landmark says it is: its nearest surface is close to the
// landmark (attachments and the PREEMPT anchors).
void check_muscles_lie_at_their_landmarks(const std::string& id) {
    const auto& m = model(id);
    struct Expectation {
        const char* muscle;
        injmap::Side side;
        const char* landmark;
        float within_mm;
    };
    const Expectation expectations[] = {
        {"temporalis", injmap::Side::left, "temporal_fossa_left", 12.0f},
        {"trapezius", injmap::Side::left, "neck_inflection_left", 12.0f},
        {"trapezius", injmap::Side::left, "acromion_left", 15.0f},
        {"trapezius", injmap::Side::left, "c7", 12.0f},
        {"occipitalis", injmap::Side::left, "inion", 15.0f},
        {"procerus", injmap::Side::midline, "glabella", 8.0f},
        {"corrugator", injmap::Side::left, "brow_medial_left", 12.0f},
        {"sternocleidomastoid", injmap::Side::left, "mastoid_left", 15.0f},
        {"sternocleidomastoid", injmap::Side::left, "sternoclavicular_left", 20.0f},
        {"splenius_capitis", injmap::Side::left, "mastoid_left", 20.0f},
        {"levator_scapulae", injmap::Side::left, "scapula_superior_angle_left", 25.0f},
        {"frontalis", injmap::Side::right, "supraorbital_rim_right", 25.0f},
    };
    for (const auto& e : expectations) {
        const auto* muscle = m.find_muscle(e.muscle, e.side);
        const auto where = m.landmark(e.landmark);
        ASSERT_TRUE(muscle && where) << e.muscle << " / " << e.landmark;
        const TriangleGrid grid(muscle->mesh, 6.0f);
        EXPECT_LE(grid.distance(*where, 60.0f), e.within_mm) << e.muscle << " at " << e.landmark;
    }
}

TEST_P(Generator, NamesProportionsAndLandmarks) {
    {
        SCOPED_TRACE("HasEveryMuscleLandmarkAndGroup");
        check_has_every_muscle_landmark_and_group(GetParam());
    }
    {
        SCOPED_TRACE("ProportionsWithinFivePercentOfAnsurMeans");
        check_proportions_within_five_percent_of_ansur_means(GetParam());
    }
    {
        SCOPED_TRACE("LandmarksLieOnTheSkinAndMirror");
        check_landmarks_lie_on_the_skin_and_mirror(GetParam());
    }
    {
        SCOPED_TRACE("LandmarksAreWhereAClinicianFindsThem");
        check_landmarks_are_where_a_clinician_finds_them(GetParam());
    }
}

TEST_P(Generator, SkinMesh) {
    {
        SCOPED_TRACE("SkinIsAClosedConsistentlyWoundBustOpenOnlyAtTheCut");
        check_skin_is_a_closed_consistently_wound_bust_open_only_at_the_cut(GetParam());
    }
    {
        SCOPED_TRACE("SkinTrianglesAreNeitherDegenerateNorFlipped");
        check_skin_triangles_are_neither_degenerate_nor_flipped(GetParam());
    }
    {
        SCOPED_TRACE("SkinInnerSurfacesAreEyeballsAndAirwayInsideTheBody");
        check_skin_inner_surfaces_are_eyeballs_and_airway_inside_the_body(GetParam());
    }
    {
        SCOPED_TRACE("SkinIsMirrorSymmetric");
        check_skin_is_mirror_symmetric(GetParam());
    }
    {
        SCOPED_TRACE("SkinVerticesMirrorExactly");
        check_skin_vertices_mirror_exactly(GetParam());
    }
    {
        SCOPED_TRACE("SkinTrianglesAreFinerOnTheFaceThanOnTheBack");
        check_skin_triangles_are_finer_on_the_face_than_on_the_back(GetParam());
    }
}

TEST_P(Generator, Muscles) {
    {
        SCOPED_TRACE("MusclesLieAtTheirLandmarks");
        check_muscles_lie_at_their_landmarks(GetParam());
    }
    {
        SCOPED_TRACE("MusclesAreClosedMirroredAndCarryFibres");
        check_muscles_are_closed_mirrored_and_carry_fibres(GetParam());
    }
    {
        SCOPED_TRACE("NoMuscleVertexOutsideTheSkin");
        check_no_muscle_vertex_outside_the_skin(GetParam());
    }
    {
        SCOPED_TRACE("SheetMusclesLieTwoToTenMillimetresDeep");
        check_sheet_muscles_lie_two_to_ten_millimetres_deep(GetParam());
    }
    {
        SCOPED_TRACE("MusclesAreLayeredAsInLife");
        check_muscles_are_layered_as_in_life(GetParam());
    }
}

// Counts per OBJ object: vertices, texture coordinates, normals and faces.
struct ObjCounts {
    std::size_t v = 0, vt = 0, vn = 0, f = 0;
};

TEST_P(Generator, WrittenFilesReadBack) {
    const auto& m = model(GetParam());
    const auto dir = injmap::test::fresh_dir("generator_" + GetParam());
    std::string error;
    ASSERT_TRUE(injmap::write_model(m, dir, error)) << error;

    std::ifstream obj(dir / (m.id + ".obj"));
    ASSERT_TRUE(obj);
    std::map<std::string, ObjCounts> counts;
    std::string current, line;
    while (std::getline(obj, line)) {
        std::istringstream in(line);
        std::string key;
        in >> key;
        if (key == "o")
            in >> current;
        else if (key == "v")
            ++counts[current].v;
        else if (key == "vt")
            ++counts[current].vt;
        else if (key == "vn")
            ++counts[current].vn;
        else if (key == "f")
            ++counts[current].f;
    }
    EXPECT_EQ(counts["skin"].v, m.skin.vertex_count());
    EXPECT_EQ(counts["skin"].vn, m.skin.vertex_count());
    EXPECT_EQ(counts["skin"].vt, 0u);
    EXPECT_EQ(counts["skin"].f, m.skin.triangle_count());
    for (const auto& muscle : m.muscles) {
        const auto& c = counts[muscle.key()];
        EXPECT_EQ(c.v, muscle.mesh.vertex_count()) << muscle.key();
        EXPECT_EQ(c.vt, muscle.mesh.vertex_count()) << muscle.key();
        EXPECT_EQ(c.f, muscle.mesh.triangle_count()) << muscle.key();
    }
    for (const auto& bone : m.bones) {
        const auto& c = counts["bone_" + bone.key()];
        EXPECT_EQ(c.v, bone.mesh.vertex_count()) << bone.key();
        EXPECT_EQ(c.vn, bone.mesh.vertex_count()) << bone.key();
        EXPECT_EQ(c.f, bone.mesh.triangle_count()) << bone.key();
    }
    for (const auto& a : m.avoid) {
        const auto& c = counts["avoid_" + a.key()];
        EXPECT_EQ(c.v, a.mesh.vertex_count()) << a.key();
        EXPECT_EQ(c.f, a.mesh.triangle_count()) << a.key();
    }
    EXPECT_EQ(counts.size(), 1 + m.muscles.size() + m.bones.size() + m.avoid.size());

    // And the project's own loader reads them back into the same model.
    const auto loaded = injmap::load_model(dir / (m.id + ".toml"));
    ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? std::string("no diagnostics")
                                                            : loaded.diagnostics.front().message);
    EXPECT_EQ(loaded.value->skin.triangle_count(), m.skin.triangle_count());
    EXPECT_EQ(loaded.value->muscles.size(), m.muscles.size());
    ASSERT_EQ(loaded.value->bones.size(), m.bones.size());
    for (std::size_t i = 0; i < m.bones.size(); ++i) {
        EXPECT_EQ(loaded.value->bones[i].key(), m.bones[i].key());
        EXPECT_EQ(loaded.value->bones[i].mesh.triangle_count(), m.bones[i].mesh.triangle_count());
    }
    ASSERT_EQ(loaded.value->avoid.size(), m.avoid.size());
    for (std::size_t i = 0; i < m.avoid.size(); ++i) {
        const auto& a = loaded.value->avoid[i];
        EXPECT_EQ(a.key(), m.avoid[i].key());
        EXPECT_EQ(a.kind, m.avoid[i].kind);
        EXPECT_EQ(a.display_name, m.avoid[i].display_name);
        EXPECT_NEAR(a.warn_mm, m.avoid[i].warn_mm, 0.05f);
        EXPECT_EQ(a.mesh.triangle_count(), m.avoid[i].mesh.triangle_count());
    }
    for (const auto& [name, p] : m.landmarks) {
        const auto q = loaded.value->landmark(name);
        ASSERT_TRUE(q) << name;
        EXPECT_LT(glm::distance(*q, p), 0.05f) << name;
    }
}

TEST(GeneratorApi, RejectsUnknownIdsAndKnowsTheMeans) {
    EXPECT_THROW((void)injmap::generate_model("adult-child"), std::invalid_argument);
    EXPECT_FALSE(injmap::BodyProportions::ansur_mean("other"));
    EXPECT_EQ(injmap::BodyProportions::ansur_mean("male")->head_breadth, 154.0f);
    EXPECT_EQ(injmap::BodyProportions::ansur_mean("female")->biacromial_breadth, 365.0f);
}

INSTANTIATE_TEST_SUITE_P(DefaultModels, Generator, ::testing::ValuesIn(kIds),
                         [](const auto& param_info) {
                             return param_info.param == "adult-male" ? "Male" : "Female";
                         });

} // namespace
