#include "injmap/models/surface_index.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <optional>

#include <glm/common.hpp>
#include <glm/geometric.hpp>

namespace injmap {

namespace {

constexpr std::uint32_t kMaxLeafSize = 4;
constexpr int kBins = 12;
// Past this depth the build splits at the median, which halves the triangle count per level:
// the tree stays shallower than kStackSize whatever the input, so traversal stacks cannot overflow.
constexpr int kSahMaxDepth = 48;
constexpr int kStackSize = 128;

struct Box {
    glm::vec3 lo{std::numeric_limits<float>::max()};
    glm::vec3 hi{-std::numeric_limits<float>::max()};

    void grow(const glm::vec3& p) {
        lo = glm::min(lo, p);
        hi = glm::max(hi, p);
    }
    void grow(const Box& b) {
        lo = glm::min(lo, b.lo);
        hi = glm::max(hi, b.hi);
    }
    [[nodiscard]] bool valid() const { return lo.x <= hi.x; }
    [[nodiscard]] float area() const {
        if (!valid())
            return 0.0f;
        const glm::vec3 d = hi - lo;
        return 2.0f * (d.x * d.y + d.y * d.z + d.z * d.x);
    }
};

// Flattened depth-first: an interior node's first child is the next node, `right` the second.
struct Node {
    glm::vec3 lo;
    std::uint32_t right_or_first; // interior: index of the right child; leaf: first triangle
    glm::vec3 hi;
    std::uint32_t count; // 0 for interior nodes
};

struct Triangle {
    glm::vec3 a, b, c;
};

// Where a ray meets a triangle (Möller–Trumbore): distance t along `dir` (in its units),
// barycentric u, v and the determinant (positive when the ray enters the triangle's front).
struct RayTriangleHit {
    float t, u, v, det;
};
inline std::optional<RayTriangleHit> intersect(const Triangle& tri, const glm::vec3& origin,
                                               const glm::vec3& dir) {
    const glm::vec3 e1 = tri.b - tri.a, e2 = tri.c - tri.a;
    const glm::vec3 pvec = glm::cross(dir, e2);
    const float det = glm::dot(e1, pvec);
    if (std::fabs(det) < 1e-12f)
        return std::nullopt; // parallel to the triangle (or a degenerate one)
    const float inv_det = 1.0f / det;
    const glm::vec3 tvec = origin - tri.a;
    const float u = glm::dot(tvec, pvec) * inv_det;
    if (u < 0.0f || u > 1.0f)
        return std::nullopt;
    const glm::vec3 qvec = glm::cross(tvec, e1);
    const float v = glm::dot(dir, qvec) * inv_det;
    if (v < 0.0f || u + v > 1.0f)
        return std::nullopt;
    return RayTriangleHit{glm::dot(e2, qvec) * inv_det, u, v, det};
}

float box_distance2(const glm::vec3& lo, const glm::vec3& hi, const glm::vec3& p) {
    const glm::vec3 d = glm::max(glm::max(lo - p, p - hi), glm::vec3(0.0f));
    return glm::dot(d, d);
}

float box_distance2(const Node& n, const glm::vec3& p) {
    return box_distance2(n.lo, n.hi, p);
}

constexpr float kMiss = std::numeric_limits<float>::infinity();

// Ray/box slab test; returns the entry distance, or kMiss when missed within [0, t_max].
float ray_box(const Node& n, const glm::vec3& origin, const glm::vec3& inv_dir, float t_max) {
    const glm::vec3 t0 = (n.lo - origin) * inv_dir;
    const glm::vec3 t1 = (n.hi - origin) * inv_dir;
    const glm::vec3 t_small = glm::min(t0, t1);
    const glm::vec3 t_big = glm::max(t0, t1);
    const float t_enter = std::max(std::max(t_small.x, t_small.y), std::max(t_small.z, 0.0f));
    const float t_exit = std::min(std::min(t_big.x, t_big.y), std::min(t_big.z, t_max));
    return t_enter <= t_exit ? t_enter : kMiss;
}

// Closest point on triangle abc to p (Ericson, Real-Time Collision Detection, 5.1.5), as
// barycentric weights (wa, wb, wc). Degenerate triangles fall through to their edges.
glm::vec3 closest_barycentric(const glm::vec3& p, const Triangle& t) {
    const glm::vec3 ab = t.b - t.a, ac = t.c - t.a, ap = p - t.a;
    const float d1 = glm::dot(ab, ap), d2 = glm::dot(ac, ap);
    if (d1 <= 0.0f && d2 <= 0.0f)
        return {1, 0, 0};
    const glm::vec3 bp = p - t.b;
    const float d3 = glm::dot(ab, bp), d4 = glm::dot(ac, bp);
    if (d3 >= 0.0f && d4 <= d3)
        return {0, 1, 0};
    const float vc = d1 * d4 - d3 * d2;
    if (vc <= 0.0f && d1 >= 0.0f && d3 <= 0.0f && d1 - d3 > 0.0f) {
        const float v = d1 / (d1 - d3);
        return {1 - v, v, 0};
    }
    const glm::vec3 cp = p - t.c;
    const float d5 = glm::dot(ab, cp), d6 = glm::dot(ac, cp);
    if (d6 >= 0.0f && d5 <= d6)
        return {0, 0, 1};
    const float vb = d5 * d2 - d1 * d6;
    if (vb <= 0.0f && d2 >= 0.0f && d6 <= 0.0f && d2 - d6 > 0.0f) {
        const float w = d2 / (d2 - d6);
        return {1 - w, 0, w};
    }
    const float va = d3 * d6 - d5 * d4;
    if (va <= 0.0f && (d4 - d3) >= 0.0f && (d5 - d6) >= 0.0f && (d4 - d3) + (d5 - d6) > 0.0f) {
        const float w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
        return {0, 1 - w, w};
    }
    const float sum = va + vb + vc;
    if (sum > 0.0f && std::isfinite(sum)) {
        const float v = vb / sum, w = vc / sum;
        return {1 - v - w, v, w};
    }
    // Degenerate (zero-area) triangle whose regions above all failed: take the best edge point.
    auto on_segment = [&](const glm::vec3& x, const glm::vec3& y) {
        const glm::vec3 xy = y - x;
        const float len2 = glm::dot(xy, xy);
        return len2 > 0.0f ? glm::clamp(glm::dot(p - x, xy) / len2, 0.0f, 1.0f) : 0.0f;
    };
    const float s_ab = on_segment(t.a, t.b), s_ac = on_segment(t.a, t.c),
                s_bc = on_segment(t.b, t.c);
    const std::array<glm::vec3, 3> candidates = {
        glm::vec3{1 - s_ab, s_ab, 0}, glm::vec3{1 - s_ac, 0, s_ac}, glm::vec3{0, 1 - s_bc, s_bc}};
    glm::vec3 best = candidates[0];
    float best_d2 = std::numeric_limits<float>::max();
    for (const auto& w : candidates) {
        const glm::vec3 q = w.x * t.a + w.y * t.b + w.z * t.c;
        const float q_d2 = glm::dot(q - p, q - p);
        if (q_d2 < best_d2) {
            best_d2 = q_d2;
            best = w;
        }
    }
    return best;
}

} // namespace

struct SurfaceIndex::Impl {
    std::vector<Node> nodes;
    std::vector<Triangle> triangles;     // in tree order
    std::vector<std::uint32_t> original; // tree order → the mesh's triangle index
    std::vector<std::array<glm::vec3, 3>> corner_normals; // tree order; empty → face normals

    void build(const Mesh& mesh);
    [[nodiscard]] SurfaceHit make_hit(std::uint32_t tri, const glm::vec3& weights,
                                      float distance) const;
};

void SurfaceIndex::Impl::build(const Mesh& mesh) {
    const std::size_t vertex_count = mesh.positions.size();
    std::vector<Triangle> input;
    std::vector<std::uint32_t> input_index;
    input.reserve(mesh.triangle_count());
    for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
        const auto i0 = mesh.indices[3 * t], i1 = mesh.indices[3 * t + 1],
                   i2 = mesh.indices[3 * t + 2];
        if (i0 >= vertex_count || i1 >= vertex_count || i2 >= vertex_count)
            continue; // a malformed mesh must not crash a query; such triangles are simply absent
        input.push_back({mesh.positions[i0], mesh.positions[i1], mesh.positions[i2]});
        input_index.push_back(static_cast<std::uint32_t>(t));
    }
    const std::size_t n = input.size();
    if (n == 0)
        return;

    std::vector<Box> boxes(n);
    std::vector<glm::vec3> centroids(n);
    for (std::size_t i = 0; i < n; ++i) {
        boxes[i].grow(input[i].a);
        boxes[i].grow(input[i].b);
        boxes[i].grow(input[i].c);
        centroids[i] = (boxes[i].lo + boxes[i].hi) * 0.5f;
    }
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i)
        order[i] = i;

    struct Task {
        std::uint32_t begin, end;
        std::uint32_t
            parent; // node whose right child this is; UINT32_MAX for the root or a left child
        int depth;
    };
    nodes.reserve(2 * n / kMaxLeafSize + 1);
    std::vector<Task> tasks{{0, static_cast<std::uint32_t>(n), UINT32_MAX, 0}};
    while (!tasks.empty()) {
        const Task task = tasks.back();
        tasks.pop_back();
        const auto node_index = static_cast<std::uint32_t>(nodes.size());
        if (task.parent != UINT32_MAX)
            nodes[task.parent].right_or_first = node_index;
        Box bounds, centre_bounds;
        for (std::uint32_t i = task.begin; i < task.end; ++i) {
            bounds.grow(boxes[order[i]]);
            centre_bounds.grow(centroids[order[i]]);
        }
        nodes.push_back({bounds.lo, task.begin, bounds.hi, task.end - task.begin});
        const std::uint32_t count = task.end - task.begin;
        if (count <= kMaxLeafSize)
            continue;

        const glm::vec3 extent = centre_bounds.hi - centre_bounds.lo;
        int axis =
            extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2);
        std::uint32_t mid = task.begin + count / 2;
        bool use_median = task.depth >= kSahMaxDepth || !(extent[axis] > 0.0f);

        if (!use_median) {
            // Binned SAH over the widest centroid axis.
            struct Bin {
                Box box;
                std::uint32_t count = 0;
            };
            std::array<Bin, kBins> bins{};
            const float scale = kBins / extent[axis];
            auto bin_of = [&](std::uint32_t tri) {
                const int b =
                    static_cast<int>((centroids[tri][axis] - centre_bounds.lo[axis]) * scale);
                return std::clamp(b, 0, kBins - 1);
            };
            for (std::uint32_t i = task.begin; i < task.end; ++i) {
                Bin& bin = bins[bin_of(order[i])];
                bin.box.grow(boxes[order[i]]);
                ++bin.count;
            }
            std::array<float, kBins - 1> left_cost{};
            Box acc;
            std::uint32_t acc_count = 0;
            for (int i = 0; i < kBins - 1; ++i) {
                acc.grow(bins[i].box);
                acc_count += bins[i].count;
                left_cost[i] = acc.area() * static_cast<float>(acc_count);
            }
            acc = Box{};
            acc_count = 0;
            float best_cost = std::numeric_limits<float>::max();
            int best_split = -1;
            for (int i = kBins - 1; i > 0; --i) {
                acc.grow(bins[i].box);
                acc_count += bins[i].count;
                const float cost = left_cost[i - 1] + acc.area() * static_cast<float>(acc_count);
                if (acc_count < count && acc_count > 0 && cost < best_cost) {
                    best_cost = cost;
                    best_split = i;
                }
            }
            if (best_split < 0) {
                use_median = true;
            } else {
                const auto split_at =
                    std::partition(order.begin() + task.begin, order.begin() + task.end,
                                   [&](std::uint32_t tri) { return bin_of(tri) < best_split; });
                mid = static_cast<std::uint32_t>(split_at - order.begin());
                if (mid == task.begin || mid == task.end)
                    use_median = true;
            }
        }
        if (use_median) {
            mid = task.begin + count / 2;
            std::nth_element(order.begin() + task.begin, order.begin() + mid,
                             order.begin() + task.end, [&](std::uint32_t x, std::uint32_t y) {
                                 return centroids[x][axis] < centroids[y][axis];
                             });
        }
        nodes[node_index].count = 0;
        // Right first so the left child is popped next and lands at node_index + 1.
        tasks.push_back({mid, task.end, node_index, task.depth + 1});
        tasks.push_back({task.begin, mid, UINT32_MAX, task.depth + 1});
    }

    triangles.resize(n);
    original.resize(n);
    const bool have_normals = mesh.normals.size() == vertex_count;
    if (have_normals)
        corner_normals.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        triangles[i] = input[order[i]];
        original[i] = input_index[order[i]];
        if (have_normals) {
            const std::size_t t = original[i];
            corner_normals[i] = {mesh.normals[mesh.indices[3 * t]],
                                 mesh.normals[mesh.indices[3 * t + 1]],
                                 mesh.normals[mesh.indices[3 * t + 2]]};
        }
    }
}

SurfaceHit SurfaceIndex::Impl::make_hit(std::uint32_t tri, const glm::vec3& w,
                                        float distance) const {
    const Triangle& t = triangles[tri];
    SurfaceHit hit;
    hit.point = w.x * t.a + w.y * t.b + w.z * t.c;
    hit.triangle = original[tri];
    hit.distance = distance;
    glm::vec3 normal(0.0f);
    if (!corner_normals.empty()) {
        const auto& cn = corner_normals[tri];
        normal = w.x * cn[0] + w.y * cn[1] + w.z * cn[2];
    }
    if (!(glm::dot(normal, normal) > 1e-12f))
        normal = glm::cross(t.b - t.a, t.c - t.a);
    const float len = glm::length(normal);
    hit.normal = len > 0.0f && std::isfinite(len) ? normal / len : glm::vec3(0.0f, 1.0f, 0.0f);
    return hit;
}

SurfaceIndex::SurfaceIndex() : impl_(std::make_unique<Impl>()) {}

SurfaceIndex::SurfaceIndex(const Mesh& mesh) : impl_(std::make_unique<Impl>()) {
    impl_->build(mesh);
}

SurfaceIndex::~SurfaceIndex() = default;
SurfaceIndex::SurfaceIndex(SurfaceIndex&&) noexcept = default;
SurfaceIndex& SurfaceIndex::operator=(SurfaceIndex&&) noexcept = default;

bool SurfaceIndex::empty() const {
    return !impl_ || impl_->nodes.empty();
}

std::optional<SurfaceHit> SurfaceIndex::closest_point(const glm::vec3& p,
                                                      float max_distance) const {
    if (empty() || !(max_distance >= 0.0f))
        return std::nullopt;
    const bool bounded = max_distance < std::numeric_limits<float>::infinity();
    const auto& nodes = impl_->nodes;
    const auto& tris = impl_->triangles;
    // Bounded: anything farther than max_distance is pruned from the start (the +1 ulp-ish margin
    // keeps a point exactly at max_distance).
    float best_d2 = bounded ? std::nextafter(max_distance * max_distance,
                                             std::numeric_limits<float>::infinity())
                            : std::numeric_limits<float>::infinity();
    bool found = false;
    std::uint32_t best_tri = 0;
    glm::vec3 best_w{1, 0, 0};

    std::array<std::pair<std::uint32_t, float>, kStackSize> stack;
    int top = 0;
    stack[top++] = {0, box_distance2(nodes[0], p)};
    while (top > 0) {
        const auto [index, d2] = stack[--top];
        if (d2 >= best_d2)
            continue;
        const Node& node = nodes[index];
        if (node.count > 0) {
            for (std::uint32_t i = node.right_or_first; i < node.right_or_first + node.count; ++i) {
                const glm::vec3 w = closest_barycentric(p, tris[i]);
                const glm::vec3 q = w.x * tris[i].a + w.y * tris[i].b + w.z * tris[i].c;
                const float qd2 = glm::dot(q - p, q - p);
                if (qd2 < best_d2) {
                    best_d2 = qd2;
                    best_tri = i;
                    best_w = w;
                    found = true;
                }
            }
            continue;
        }
        const std::uint32_t left = index + 1, right = node.right_or_first;
        const float dl = box_distance2(nodes[left], p), dr = box_distance2(nodes[right], p);
        // Nearer child on top of the stack: it usually tightens best_d2 and prunes the other.
        if (dl <= dr) {
            if (dr < best_d2)
                stack[top++] = {right, dr};
            if (dl < best_d2)
                stack[top++] = {left, dl};
        } else {
            if (dl < best_d2)
                stack[top++] = {left, dl};
            if (dr < best_d2)
                stack[top++] = {right, dr};
        }
    }
    if (!found) {
        if (bounded)
            return std::nullopt;
        // Only when the query point itself is not finite: answer with any surface point.
        return impl_->make_hit(0, glm::vec3{1, 0, 0}, std::numeric_limits<float>::infinity());
    }
    return impl_->make_hit(best_tri, best_w, std::sqrt(best_d2));
}

std::optional<SurfaceHit> SurfaceIndex::ray_cast(const glm::vec3& origin,
                                                 const glm::vec3& direction,
                                                 float max_distance) const {
    if (empty())
        return std::nullopt;
    const float dir_len = glm::length(direction);
    if (!(dir_len > 0.0f) || !std::isfinite(dir_len) || !(max_distance > 0.0f))
        return std::nullopt;
    const glm::vec3 dir = direction / dir_len; // t is then a distance
    // No zero components: 0 · inf on a slab plane would give NaN in the box test.
    glm::vec3 safe_dir = dir;
    for (int k = 0; k < 3; ++k)
        if (std::fabs(safe_dir[k]) < 1e-20f)
            safe_dir[k] = std::copysign(1e-20f, safe_dir[k]);
    const glm::vec3 inv_dir = 1.0f / safe_dir;
    const auto& nodes = impl_->nodes;
    const auto& tris = impl_->triangles;
    float best_t = max_distance;
    bool found = false;
    std::uint32_t best_tri = 0;
    glm::vec3 best_w{1, 0, 0};

    std::array<std::pair<std::uint32_t, float>, kStackSize> stack;
    int top = 0;
    const float root_t = ray_box(nodes[0], origin, inv_dir, best_t);
    if (!(root_t < kMiss))
        return std::nullopt;
    stack[top++] = {0, root_t};
    while (top > 0) {
        const auto [index, t_enter] = stack[--top];
        if (t_enter > best_t)
            continue;
        const Node& node = nodes[index];
        if (node.count > 0) {
            for (std::uint32_t i = node.right_or_first; i < node.right_or_first + node.count; ++i) {
                const auto hit = intersect(tris[i], origin, dir);
                if (hit && hit->t > 0.0f && hit->t <= best_t) {
                    best_t = hit->t;
                    best_tri = i;
                    best_w = {1.0f - hit->u - hit->v, hit->u, hit->v};
                    found = true;
                }
            }
            continue;
        }
        const std::uint32_t left = index + 1, right = node.right_or_first;
        const float tl = ray_box(nodes[left], origin, inv_dir, best_t);
        const float tr = ray_box(nodes[right], origin, inv_dir, best_t);
        // A miss is +inf, which must not pass as "≤ best_t" while best_t is still +inf.
        const bool hit_l = tl < kMiss && tl <= best_t, hit_r = tr < kMiss && tr <= best_t;
        if (hit_l && hit_r) {
            if (tl <= tr) {
                stack[top++] = {right, tr};
                stack[top++] = {left, tl};
            } else {
                stack[top++] = {left, tl};
                stack[top++] = {right, tr};
            }
        } else if (hit_l) {
            stack[top++] = {left, tl};
        } else if (hit_r) {
            stack[top++] = {right, tr};
        }
    }
    if (!found)
        return std::nullopt;
    return impl_->make_hit(best_tri, best_w, best_t);
}

std::vector<RayCrossing> SurfaceIndex::ray_crossings(const glm::vec3& origin,
                                                     const glm::vec3& direction,
                                                     float max_distance) const {
    std::vector<RayCrossing> out;
    if (empty())
        return out;
    const float dir_len = glm::length(direction);
    if (!(dir_len > 0.0f) || !std::isfinite(dir_len) || !(max_distance > 0.0f))
        return out;
    const glm::vec3 dir = direction / dir_len;
    glm::vec3 safe_dir = dir;
    for (int k = 0; k < 3; ++k)
        if (std::fabs(safe_dir[k]) < 1e-20f)
            safe_dir[k] = std::copysign(1e-20f, safe_dir[k]);
    const glm::vec3 inv_dir = 1.0f / safe_dir;
    const auto& nodes = impl_->nodes;
    const auto& tris = impl_->triangles;
    std::array<std::uint32_t, kStackSize> stack;
    int top = 0;
    if (!(ray_box(nodes[0], origin, inv_dir, max_distance) < kMiss))
        return out;
    stack[top++] = 0;
    while (top > 0) {
        const std::uint32_t index = stack[--top];
        const Node& node = nodes[index];
        if (node.count > 0) {
            for (std::uint32_t i = node.right_or_first; i < node.right_or_first + node.count; ++i) {
                // Möller–Trumbore, as in ray_cast; det > 0 ⇔ dot(dir, face normal) < 0.
                const auto hit = intersect(tris[i], origin, dir);
                if (hit && hit->t > 0.0f && hit->t <= max_distance)
                    out.push_back({hit->t, hit->det > 0.0f, impl_->original[i]});
            }
            continue;
        }
        const std::uint32_t left = index + 1, right = node.right_or_first;
        if (ray_box(nodes[left], origin, inv_dir, max_distance) < kMiss)
            stack[top++] = left;
        if (ray_box(nodes[right], origin, inv_dir, max_distance) < kMiss)
            stack[top++] = right;
    }
    std::sort(out.begin(), out.end(),
              [](const RayCrossing& a, const RayCrossing& b) { return a.distance < b.distance; });
    return out;
}

struct ModelQueries::LazyIndex {
    std::once_flag built;
    SurfaceIndex index;
    Bounds bounds; // of the muscle's mesh
};

ModelQueries::ModelQueries(const Model& model)
    : model_(model), skin_(model.skin),
      muscles_(std::make_unique<LazyIndex[]>(model.muscles.size())),
      bones_(std::make_unique<LazyIndex[]>(model.bones.size())),
      avoid_(std::make_unique<LazyIndex[]>(model.avoid.size())) {
    for (std::size_t i = 0; i < model.muscles.size(); ++i)
        muscles_[i].bounds = bounds_of(model.muscles[i].mesh);
    for (std::size_t i = 0; i < model.bones.size(); ++i)
        bones_[i].bounds = bounds_of(model.bones[i].mesh);
    for (std::size_t i = 0; i < model.avoid.size(); ++i)
        avoid_[i].bounds = bounds_of(model.avoid[i].mesh);
}

ModelQueries::~ModelQueries() = default;

const SurfaceIndex& ModelQueries::muscle_index(std::size_t muscle) const {
    LazyIndex& m = muscles_[muscle];
    std::call_once(m.built, [&] { m.index = SurfaceIndex(model_.muscles[muscle].mesh); });
    return m.index;
}

const SurfaceIndex& ModelQueries::bone_index(std::size_t bone) const {
    LazyIndex& b = bones_[bone];
    std::call_once(b.built, [&] { b.index = SurfaceIndex(model_.bones[bone].mesh); });
    return b.index;
}

const Bounds& ModelQueries::muscle_bounds(std::size_t muscle) const {
    return muscles_[muscle].bounds;
}

const Bounds& ModelQueries::bone_bounds(std::size_t bone) const {
    return bones_[bone].bounds;
}

const SurfaceIndex& ModelQueries::avoid_index(std::size_t avoid) const {
    LazyIndex& a = avoid_[avoid];
    std::call_once(a.built, [&] { a.index = SurfaceIndex(model_.avoid[avoid].mesh); });
    return a.index;
}

const Bounds& ModelQueries::avoid_bounds(std::size_t avoid) const {
    return avoid_[avoid].bounds;
}

const Muscle* ModelQueries::muscle_under(const glm::vec3& skin_point, const glm::vec3& skin_normal,
                                         float max_depth_mm) const {
    if (!(max_depth_mm > 0.0f))
        return nullptr;
    // A muscle whose box lies farther than max_depth_mm can neither be hit within that depth nor
    // be that near: its index is not needed. (Not finite distances are not skipped.)
    const std::size_t count = model_.muscles.size();
    auto out_of_reach = [&](std::size_t i) {
        const Bounds& b = muscles_[i].bounds;
        return box_distance2(b.min, b.max, skin_point) > max_depth_mm * max_depth_mm;
    };
    const glm::vec3 inward = -skin_normal;
    const Muscle* best = nullptr;
    float best_distance = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < count; ++i) {
        if (out_of_reach(i))
            continue;
        if (auto hit = muscle_index(i).ray_cast(skin_point, inward, max_depth_mm);
            hit && hit->distance < best_distance) {
            best_distance = hit->distance;
            best = &model_.muscles[i];
        }
    }
    if (best)
        return best;
    for (std::size_t i = 0; i < count; ++i) {
        if (out_of_reach(i))
            continue;
        if (auto hit = muscle_index(i).closest_point(skin_point, max_depth_mm);
            hit && hit->distance <= max_depth_mm && hit->distance < best_distance) {
            best_distance = hit->distance;
            best = &model_.muscles[i];
        }
    }
    return best;
}

} // namespace injmap
