// Umeyama's similarity and Amberg's non-rigid ICP (scan_register.hpp), on Eigen's dense SVD and
// sparse Cholesky (LDLᵀ).
#include "scan_register.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_set>

#include <Eigen/Dense>
#include <Eigen/Geometry>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <glm/geometric.hpp>

namespace injmap::detail {

namespace {

Eigen::Vector3d to_eigen(const glm::vec3& v) {
    return {double(v.x), double(v.y), double(v.z)};
}

// The stiffness schedule (Amberg et al.: from nearly rigid to supple), in the solve's units
// (positions scaled to about unit size). The last steps let the template follow the scan's own
// shape within a few millimetres while neighbouring affines still stay alike.
constexpr double kStiffness[] = {40.0, 20.0, 10.0, 5.0, 2.5, 1.0};
constexpr int kIterationsPerStep = 3;
// A user's point weighs as much as this many matched vertices (squared: rows are scaled by it).
constexpr double kPointWeight = 20.0;
// A match is trusted within this distance (mm; the first steps allow more, while the template
// is still only roughly placed) and when the scan's normal there agrees with the template's.
constexpr float kMatchEarlyMm = 30.0f;
constexpr float kMatchLateMm = 12.0f;
constexpr float kNormalAgreement = 0.5f; // cosine: within 60°
// A step is done when no vertex moved more than this (mm) in its last iteration.
constexpr float kConvergedMm = 0.1f;

// Runs body(i) for i in [0, count) on up to the machine's cores (the closest-point searches of the
// matching steps; SurfaceIndex queries are thread-safe).
template <class Body>
void parallel_for(std::size_t count, const Body& body) {
    const unsigned cores = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    if (cores == 1 || count < 256) {
        for (std::size_t i = 0; i < count; ++i)
            body(i);
        return;
    }
    std::vector<std::thread> workers;
    const std::size_t chunk = (count + cores - 1) / cores;
    for (unsigned c = 1; c < cores; ++c)
        workers.emplace_back([&, c] {
            for (std::size_t i = c * chunk; i < std::min(count, (c + 1) * chunk); ++i)
                body(i);
        });
    for (std::size_t i = 0; i < std::min(count, chunk); ++i)
        body(i);
    for (auto& w : workers)
        w.join();
}

} // namespace

glm::vec3 barycentric(const glm::vec3& p, const glm::vec3& a, const glm::vec3& b,
                      const glm::vec3& c) {
    const glm::vec3 v0 = b - a, v1 = c - a, v2 = p - a;
    const float d00 = glm::dot(v0, v0), d01 = glm::dot(v0, v1), d11 = glm::dot(v1, v1);
    const float d20 = glm::dot(v2, v0), d21 = glm::dot(v2, v1);
    const float denom = d00 * d11 - d01 * d01;
    if (std::fabs(denom) < 1e-12f)
        return glm::vec3(1.0f / 3.0f);
    const float v = (d11 * d20 - d01 * d21) / denom;
    const float w = (d00 * d21 - d01 * d20) / denom;
    return {1.0f - v - w, v, w};
}

// Triangles of `mesh` with a corner on an open boundary (an edge used by one triangle only).
std::vector<std::uint8_t> boundary_triangles(const Mesh& mesh) {
    std::vector<std::uint64_t> edges;
    edges.reserve(mesh.indices.size());
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        for (std::size_t k = 0; k < 3; ++k) {
            const std::uint32_t a = mesh.indices[t + k], b = mesh.indices[t + (k + 1) % 3];
            edges.push_back((std::uint64_t(std::min(a, b)) << 32) | std::max(a, b));
        }
    std::sort(edges.begin(), edges.end());
    std::vector<std::uint8_t> on_boundary(mesh.positions.size(), 0);
    for (std::size_t i = 0; i < edges.size();) {
        std::size_t j = i;
        while (j < edges.size() && edges[j] == edges[i])
            ++j;
        if (j - i == 1) {
            on_boundary[std::uint32_t(edges[i] >> 32)] = 1;
            on_boundary[std::uint32_t(edges[i])] = 1;
        }
        i = j;
    }
    std::vector<std::uint8_t> out(mesh.triangle_count(), 0);
    for (std::size_t t = 0; t < out.size(); ++t)
        out[t] = on_boundary[mesh.indices[3 * t]] | on_boundary[mesh.indices[3 * t + 1]] |
                 on_boundary[mesh.indices[3 * t + 2]];
    return out;
}

Similarity fit_similarity(const std::vector<glm::vec3>& from, const std::vector<glm::vec3>& to) {
    Similarity out;
    const auto n = static_cast<Eigen::Index>(std::min(from.size(), to.size()));
    if (n < 3) {
        out.degenerate = true;
        return out;
    }
    Eigen::Matrix3Xd src(3, n), dst(3, n);
    for (Eigen::Index i = 0; i < n; ++i) {
        src.col(i) = to_eigen(from[std::size_t(i)]);
        dst.col(i) = to_eigen(to[std::size_t(i)]);
    }
    // Both sets must span a plane: the second singular value of the centred points against the
    // first (a line or a single spot leaves a rotation about it free).
    for (const Eigen::Matrix3Xd* set : {&src, &dst}) {
        const Eigen::Matrix3Xd centred = set->colwise() - set->rowwise().mean();
        const Eigen::JacobiSVD<Eigen::Matrix3Xd> svd(centred);
        const auto s = svd.singularValues();
        if (s(0) < 1e-6 || s(1) < 0.05 * s(0)) {
            out.degenerate = true;
            return out;
        }
    }
    const Eigen::Matrix4d t = Eigen::umeyama(src, dst, true);
    const Eigen::Matrix3d sr = t.topLeftCorner<3, 3>();
    const double scale = std::cbrt(sr.determinant());
    const Eigen::Matrix3d r = sr / scale;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            out.rotation[j][i] = float(r(i, j)); // glm is column-major
    out.scale = float(scale);
    out.translation = glm::vec3(float(t(0, 3)), float(t(1, 3)), float(t(2, 3)));
    double sum = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const float d = glm::length(out.apply(from[std::size_t(i)]) - to[std::size_t(i)]);
        sum += double(d) * d;
        out.max_mm = std::max(out.max_mm, d);
    }
    out.rms_mm = float(std::sqrt(sum / double(n)));
    return out;
}

NonRigidIcp::NonRigidIcp(const Mesh& source) : source_(source) {
    const std::size_t n = source_.positions.size();
    glm::vec3 sum(0.0f);
    for (const auto& p : source_.positions)
        sum += p;
    centre_ = n ? sum / float(n) : glm::vec3(0.0f);
    double rms = 0.0;
    for (const auto& p : source_.positions)
        rms += double(glm::dot(p - centre_, p - centre_));
    unit_ = n ? float(std::sqrt(rms / double(n))) : 1.0f;
    if (!(unit_ > 0.0f))
        unit_ = 1.0f;
    std::unordered_set<std::uint64_t> seen;
    for (std::size_t t = 0; t + 2 < source_.indices.size(); t += 3)
        for (int k = 0; k < 3; ++k) {
            const std::uint32_t a = source_.indices[t + std::size_t(k)],
                                b = source_.indices[t + std::size_t((k + 1) % 3)];
            const std::uint64_t key =
                (std::uint64_t(std::min(a, b)) << 32) | std::uint64_t(std::max(a, b));
            if (a != b && seen.insert(key).second)
                edges_.insert(edges_.end(), {a, b});
        }
    affine_.assign(12 * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
        affine_[12 * i + 0] = affine_[12 * i + 4] = affine_[12 * i + 8] = 1.0f;
    }
    deformed_ = source_.positions;
    source_boundary_ = boundary_triangles(source_);
}

void NonRigidIcp::update_deformed() {
    for (std::size_t i = 0; i < source_.positions.size(); ++i) {
        const glm::vec3 q = (source_.positions[i] - centre_) / unit_;
        const float* x = &affine_[12 * i];
        glm::vec3 r;
        for (int c = 0; c < 3; ++c)
            r[c] = q.x * x[c] + q.y * x[3 + c] + q.z * x[6 + c] + x[9 + c];
        deformed_[i] = r * unit_ + centre_;
    }
}

glm::vec3 NonRigidIcp::deform(const SurfacePoint& p) const {
    const glm::vec3 q = (p.point - centre_) / unit_;
    glm::vec3 r(0.0f);
    float total = 0.0f;
    for (int k = 0; k < 3; ++k) {
        const float w = p.weights[k];
        if (w == 0.0f)
            continue;
        const std::uint32_t v = source_.indices[3 * std::size_t(p.triangle) + std::size_t(k)];
        const float* x = &affine_[12 * std::size_t(v)];
        for (int c = 0; c < 3; ++c)
            r[c] += w * (q.x * x[c] + q.y * x[3 + c] + q.z * x[6 + c] + x[9 + c]);
        total += w;
    }
    if (total == 0.0f)
        return p.point;
    return r / total * unit_ + centre_;
}

glm::vec3 NonRigidIcp::deformed_normal(std::uint32_t triangle) const {
    const std::size_t t = 3 * std::size_t(triangle);
    const glm::vec3 a = deformed_[source_.indices[t]], b = deformed_[source_.indices[t + 1]],
                    c = deformed_[source_.indices[t + 2]];
    const glm::vec3 n = glm::cross(b - a, c - a);
    const float len = glm::length(n);
    return len > 0.0f ? n / len : glm::vec3(0.0f, 1.0f, 0.0f);
}

RegistrationResult NonRigidIcp::run(const RegistrationTarget& target,
                                    const std::vector<PointConstraint>& constraints) {
    RegistrationResult result;
    const std::size_t n = source_.positions.size();
    if (n == 0 || !target.skin || target.skin->empty())
        return result;
    using Triplet = Eigen::Triplet<double>;
    const auto N = static_cast<Eigen::Index>(4 * n);
    std::vector<Eigen::Vector4d> hom(n);
    for (std::size_t i = 0; i < n; ++i) {
        const glm::vec3 q = (source_.positions[i] - centre_) / unit_;
        hom[i] = {q.x, q.y, q.z, 1.0};
    }
    Mesh deformed_mesh;
    deformed_mesh.indices = source_.indices;
    std::vector<glm::vec3> match(n);
    std::vector<std::uint8_t> matched(n, 0);
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver;
    std::vector<Triplet> triplets;
    // The stiffness term's matrix (a graph Laplacian per affine row), built once. Its pattern
    // holds full 4×4 blocks on the diagonal and for every edge, so that every data term (a vertex,
    // or the corners of one triangle) falls inside it: the system's pattern never changes and is
    // analysed (ordered) once.
    Eigen::SparseMatrix<double> stiffness(N, N);
    {
        for (std::size_t i = 0; i < n; ++i)
            for (Eigen::Index r = 0; r < 4; ++r)
                for (Eigen::Index c = 0; c < 4; ++c)
                    triplets.emplace_back(4 * Eigen::Index(i) + r, 4 * Eigen::Index(i) + c, 0.0);
        for (std::size_t e = 0; e + 1 < edges_.size(); e += 2) {
            const Eigen::Index i = 4 * Eigen::Index(edges_[e]), j = 4 * Eigen::Index(edges_[e + 1]);
            for (Eigen::Index r = 0; r < 4; ++r)
                for (Eigen::Index c = 0; c < 4; ++c) {
                    const double v = r == c ? 1.0 : 0.0;
                    triplets.emplace_back(i + r, i + c, v);
                    triplets.emplace_back(j + r, j + c, v);
                    triplets.emplace_back(i + r, j + c, -v);
                    triplets.emplace_back(j + r, i + c, -v);
                }
        }
        stiffness.setFromTriplets(triplets.begin(), triplets.end());
    }
    std::vector<Eigen::Index> analysed_outer, analysed_inner;
    // A scan sample's match on the template: the triangle and the weights there.
    struct SampleMatch {
        bool ok = false;
        std::uint32_t triangle = 0;
        glm::vec3 weights{0.0f};
    };
    std::vector<SampleMatch> sample_match(target.samples.size());
    int step = 0;
    for (const double alpha : kStiffness) {
        const float reach = step < 3 ? kMatchEarlyMm : kMatchLateMm;
        ++step;
        for (int iteration = 0; iteration < kIterationsPerStep; ++iteration) {
            ++result.iterations;
            deformed_mesh.positions = deformed_;
            compute_vertex_normals(deformed_mesh);
            parallel_for(n, [&](std::size_t i) {
                matched[i] = 0;
                const auto hit = target.skin->closest_point(deformed_[i], reach);
                if (!hit)
                    return;
                if (target.boundary_triangle && (*target.boundary_triangle)[hit->triangle])
                    return;
                if (glm::dot(hit->normal, deformed_mesh.normals[i]) < kNormalAgreement)
                    return;
                matched[i] = 1;
                match[i] = (hit->point - centre_) / unit_;
            });
            triplets.clear();
            triplets.reserve(n * 20 + constraints.size() * 144 + target.samples.size() * 144);
            Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(N, 3);
            const double a2 = alpha * alpha;
            // A faint pull toward the current affines keeps the system definite where nothing
            // else holds it (a part of the template with no match and no stiffness link).
            constexpr double kHold = 1e-6;
            for (std::size_t i = 0; i < n; ++i) {
                const Eigen::Index b = 4 * Eigen::Index(i);
                for (Eigen::Index r = 0; r < 4; ++r) {
                    triplets.emplace_back(b + r, b + r, kHold);
                    for (Eigen::Index c = 0; c < 3; ++c)
                        rhs(b + r, c) += kHold * double(affine_[12 * i + std::size_t(3 * r + c)]);
                }
                if (!matched[i])
                    continue;
                const Eigen::Vector4d& h = hom[i];
                for (Eigen::Index r = 0; r < 4; ++r) {
                    for (Eigen::Index s = 0; s < 4; ++s)
                        triplets.emplace_back(b + r, b + s, h(r) * h(s));
                    for (Eigen::Index c = 0; c < 3; ++c)
                        rhs(b + r, c) += h(r) * double(match[i][int(c)]);
                }
            }
            // The scan's samples, each pulling its closest template point.
            if (!target.samples.empty()) {
                const SurfaceIndex template_index(deformed_mesh);
                parallel_for(target.samples.size(), [&](std::size_t k) {
                    SampleMatch& m = sample_match[k];
                    m.ok = false;
                    const auto hit = template_index.closest_point(target.samples[k], reach);
                    if (!hit || source_boundary_[hit->triangle] ||
                        glm::dot(hit->normal, target.sample_normals[k]) < kNormalAgreement)
                        return;
                    const std::size_t t = 3 * std::size_t(hit->triangle);
                    m.ok = true;
                    m.triangle = hit->triangle;
                    m.weights = barycentric(hit->point, deformed_[source_.indices[t]],
                                            deformed_[source_.indices[t + 1]],
                                            deformed_[source_.indices[t + 2]]);
                });
                for (std::size_t k = 0; k < target.samples.size(); ++k) {
                    if (!sample_match[k].ok)
                        continue;
                    const std::size_t t = 3 * std::size_t(sample_match[k].triangle);
                    const glm::vec3 w = sample_match[k].weights;
                    glm::vec3 src(0.0f);
                    for (std::size_t c = 0; c < 3; ++c)
                        src += w[int(c)] * source_.positions[source_.indices[t + c]];
                    const glm::vec3 q = (src - centre_) / unit_;
                    const glm::vec3 s = (target.samples[k] - centre_) / unit_;
                    const Eigen::Vector4d h(q.x, q.y, q.z, 1.0);
                    for (std::size_t c = 0; c < 3; ++c) {
                        const Eigen::Index bk = 4 * Eigen::Index(source_.indices[t + c]);
                        for (std::size_t d = 0; d < 3; ++d) {
                            const Eigen::Index bl = 4 * Eigen::Index(source_.indices[t + d]);
                            const double wcd = double(w[int(c)]) * double(w[int(d)]);
                            for (Eigen::Index r = 0; r < 4; ++r)
                                for (Eigen::Index e = 0; e < 4; ++e)
                                    triplets.emplace_back(bk + r, bl + e, wcd * h(r) * h(e));
                        }
                        for (Eigen::Index r = 0; r < 4; ++r)
                            for (Eigen::Index e = 0; e < 3; ++e)
                                rhs(bk + r, e) += double(w[int(c)]) * h(r) * double(s[int(e)]);
                    }
                }
            }
            const double p2 = kPointWeight * kPointWeight;
            for (const auto& pc : constraints) {
                const glm::vec3 q = (pc.at.point - centre_) / unit_;
                const glm::vec3 t = (pc.target - centre_) / unit_;
                const Eigen::Vector4d h(q.x, q.y, q.z, 1.0);
                for (int k = 0; k < 3; ++k) {
                    const Eigen::Index bk =
                        4 * Eigen::Index(
                                source_.indices[3 * std::size_t(pc.at.triangle) + std::size_t(k)]);
                    const double wk = pc.at.weights[k];
                    for (int l = 0; l < 3; ++l) {
                        const Eigen::Index bl =
                            4 *
                            Eigen::Index(
                                source_.indices[3 * std::size_t(pc.at.triangle) + std::size_t(l)]);
                        const double wl = pc.at.weights[l];
                        for (Eigen::Index r = 0; r < 4; ++r)
                            for (Eigen::Index s = 0; s < 4; ++s)
                                triplets.emplace_back(bk + r, bl + s, p2 * wk * wl * h(r) * h(s));
                    }
                    for (Eigen::Index r = 0; r < 4; ++r)
                        for (Eigen::Index c = 0; c < 3; ++c)
                            rhs(bk + r, c) += p2 * wk * h(r) * double(t[int(c)]);
                }
            }
            Eigen::SparseMatrix<double> data(N, N);
            data.setFromTriplets(triplets.begin(), triplets.end());
            Eigen::SparseMatrix<double> m = a2 * stiffness + data;
            m.makeCompressed();
            const std::vector<Eigen::Index> outer(m.outerIndexPtr(), m.outerIndexPtr() + N + 1),
                inner(m.innerIndexPtr(), m.innerIndexPtr() + m.nonZeros());
            if (outer != analysed_outer || inner != analysed_inner) {
                solver.analyzePattern(m);
                analysed_outer = outer;
                analysed_inner = inner;
            }
            solver.factorize(m);
            if (solver.info() != Eigen::Success)
                return result;
            const Eigen::MatrixXd x = solver.solve(rhs);
            if (solver.info() != Eigen::Success || !x.allFinite())
                return result;
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t k = 0; k < 12; ++k)
                    affine_[12 * i + k] =
                        float(x(Eigen::Index(4 * i + k / 3), Eigen::Index(k % 3)));
            const std::vector<glm::vec3> before = deformed_;
            update_deformed();
            float moved = 0.0f;
            for (std::size_t i = 0; i < n; ++i)
                moved = std::max(moved, glm::length(deformed_[i] - before[i]));
            if (moved < kConvergedMm)
                break;
        }
    }
    // The final fit: distances of the template's vertices to the scan where they match.
    deformed_mesh.positions = deformed_;
    compute_vertex_normals(deformed_mesh);
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto hit = target.skin->closest_point(deformed_[i], kMatchLateMm);
        if (!hit || (target.boundary_triangle && (*target.boundary_triangle)[hit->triangle]) ||
            glm::dot(hit->normal, deformed_mesh.normals[i]) < kNormalAgreement)
            continue;
        sum += double(hit->distance);
        ++count;
    }
    result.surface_mean_mm = count ? float(sum / double(count)) : 0.0f;
    result.matched_fraction = float(count) / float(n);
    return result;
}

} // namespace injmap::detail
