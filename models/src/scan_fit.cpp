// Assisted landmarking (scan_fit.hpp): load_scan reads the mesh into model space; fit_landmarks
// places the template on the scan by a similarity on the given points, registers its coarse skin
// onto the scan's by non-rigid ICP (scan_register.hpp), carries every landmark across and finds
// the landmarks with a definition on the skin's outline again on the scan's own skin
// (scan_refine.hpp).
#include "injmap/models/scan_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

#include <glm/geometric.hpp>
#include <glm/vector_relational.hpp>
#include <meshoptimizer.h>

#include "injmap/did_you_mean.hpp"

#include "injmap/models/surface_index.hpp"
#include "manifest/manifest_internal.hpp"
#include "manifest/mesh_weld.hpp"
#include "mesh_file.hpp"
#include "scan_refine.hpp"
#include "scan_register.hpp"

namespace injmap {

glm::vec3 Scan::to_model(const glm::vec3& p) const {
    return mm_per_unit *
           glm::vec3(glm::dot(p, file_left), glm::dot(p, file_up), glm::dot(p, file_forward));
}

glm::vec3 Scan::to_file(const glm::vec3& m) const {
    const glm::vec3 u = m / mm_per_unit;
    return u.x * file_left + u.y * file_up + u.z * file_forward;
}

std::optional<float> mesh_unit_mm(std::string_view units) {
    return detail::unit_scale(units);
}

std::optional<glm::vec3> mesh_axis(std::string_view name) {
    return detail::axis_vector(name);
}

Result<Scan> load_scan(const std::filesystem::path& mesh_path, const ScanFrame& frame) {
    Result<Scan> out;
    const std::string display = mesh_path.string();
    const auto scale = detail::unit_scale(frame.units);
    const auto up = detail::axis_vector(frame.up);
    const auto forward = detail::axis_vector(frame.forward);
    if (!scale)
        out.diagnostics.push_back({Severity::error,
                                   "manifest.unknown-units",
                                   "unknown units '" + frame.units + "'",
                                   {display, 0, 0},
                                   {}});
    if (!up || !forward || std::fabs(glm::dot(*up, *forward)) > 0.5f)
        out.diagnostics.push_back({Severity::error,
                                   "manifest.bad-axes",
                                   "up '" + frame.up + "' and forward '" + frame.forward +
                                       "' must be perpendicular axes (+x, -x, +y, -y, +z, -z)",
                                   {display, 0, 0},
                                   {}});
    if (has_errors(out.diagnostics))
        return out;
    auto obj = detail::read_mesh_file(mesh_path, display, *scale);
    out.diagnostics.insert(out.diagnostics.end(), obj.diagnostics.begin(), obj.diagnostics.end());
    if (!obj.ok())
        return out;
    detail::Frame f;
    f.scale = *scale;
    f.up = *up;
    f.forward = *forward;
    f.left = glm::cross(*up, *forward);
    Scan scan;
    scan.path = mesh_path;
    scan.frame = frame;
    scan.mm_per_unit = *scale;
    scan.file_left = f.left;
    scan.file_up = f.up;
    scan.file_forward = f.forward;
    for (const auto& group : obj.value->groups) {
        if (frame.skin_group != "*" && group.name != frame.skin_group)
            continue;
        Mesh part = detail::weld_by_position(*obj.value, group, f);
        const auto base = static_cast<std::uint32_t>(scan.skin.positions.size());
        scan.skin.positions.insert(scan.skin.positions.end(), part.positions.begin(),
                                   part.positions.end());
        for (auto i : part.indices)
            scan.skin.indices.push_back(base + i);
    }
    if (scan.skin.indices.empty()) {
        out.diagnostics.push_back({Severity::error,
                                   "manifest.no-skin",
                                   "no faces in group '" + frame.skin_group + "'",
                                   {display, 0, 0},
                                   {}});
        return out;
    }
    compute_vertex_normals(scan.skin);
    out.value = std::move(scan);
    return out;
}

namespace {

// The template skin is registered at about this many triangles: enough for the nose, lips and
// ears' outline, few enough for the non-rigid solve to take well under a second.
constexpr std::size_t kCoarseTriangles = 3000;
// The head's points must fit the template's by a similarity within this rms, about a sixth of a
// head's breadth (the MakeHuman mesh: 5.3 mm; the adult-female model: 1.9 mm; the tests' sphere
// "head": 20.7 mm; the MakeHuman's with left and right swapped: 65 mm), and at a scale within these
// bounds (a head half or twice the template's is a unit mistake), else fit.points-mismatch.
constexpr float kMismatchMm = 25.0f;
constexpr float kMinScale = 0.6f;
constexpr float kMaxScale = 1.6f;
// At most about this many of the scan's vertices pull the template toward themselves.
constexpr std::size_t kScanSamples = 4000;
// A given point farther than this from the scan's skin draws fit.point-off-skin.
constexpr float kOffSkinMm = 5.0f;
// The scan is cropped to the template's box after the similarity, grown by this fraction of its
// size on every side (a full-body scan: the legs have nothing to do with the head).
constexpr float kCropMargin = 0.15f;
// A carried landmark whose registered place lies farther than this from the scan's skin is not
// covered by the scan (a head-only scan and the template's T4): it is left out, with a warning.
constexpr float kUncoveredMm = 15.0f;
// … and so is one whose nearest skin is at an open edge of the scan, farther than this.
constexpr float kPastEdgeMm = 3.0f;
// Snapping a carried landmark: the outermost skin along its normal, searched from this far
// outside, when that is no farther than kOutermostSlackMm beyond the closest point.
constexpr float kOutsideMm = 6.0f;
constexpr float kOutermostSlackMm = 3.0f;

// The template skin decimated to about `triangles` triangles, compacted, with normals.
Mesh coarse_skin(const Mesh& skin, std::size_t triangles) {
    Mesh out;
    std::vector<std::uint32_t> indices(skin.indices.size());
    if (skin.triangle_count() > triangles) {
        indices.resize(meshopt_simplify(indices.data(), skin.indices.data(), skin.indices.size(),
                                        &skin.positions[0].x, skin.positions.size(),
                                        sizeof(glm::vec3), 3 * triangles, 0.05f));
    } else {
        indices = skin.indices;
    }
    std::vector<std::uint32_t> remap(skin.positions.size(), UINT32_MAX);
    for (auto& i : indices) {
        if (remap[i] == UINT32_MAX) {
            remap[i] = static_cast<std::uint32_t>(out.positions.size());
            out.positions.push_back(skin.positions[i]);
        }
        out.indices.push_back(remap[i]);
    }
    compute_vertex_normals(out);
    return out;
}

// The scan's triangles within `box` (their boundary flags alongside); the vertices stay as they
// are.
Mesh crop(const Mesh& mesh, const std::vector<std::uint8_t>& boundary, const Bounds& box,
          std::vector<std::uint8_t>& cropped_boundary) {
    Mesh out;
    out.positions = mesh.positions;
    out.normals = mesh.normals;
    cropped_boundary.clear();
    for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
        const glm::vec3& p = mesh.positions[mesh.indices[3 * t]];
        if (glm::any(glm::lessThan(p, box.min)) || glm::any(glm::greaterThan(p, box.max)))
            continue;
        out.indices.insert(out.indices.end(), mesh.indices.begin() + std::ptrdiff_t(3 * t),
                           mesh.indices.begin() + std::ptrdiff_t(3 * t + 3));
        cropped_boundary.push_back(boundary[t]);
    }
    return out;
}

detail::SurfacePoint surface_point(const Mesh& mesh, const SurfaceIndex& index,
                                   const glm::vec3& p) {
    detail::SurfacePoint out;
    out.point = p;
    if (auto hit = index.closest_point(p)) {
        out.triangle = hit->triangle;
        const std::size_t t = 3 * std::size_t(hit->triangle);
        out.weights = detail::barycentric(hit->point, mesh.positions[mesh.indices[t]],
                                          mesh.positions[mesh.indices[t + 1]],
                                          mesh.positions[mesh.indices[t + 2]]);
    }
    return out;
}

// A carried landmark onto the scan's skin: the first surface met coming in along the normal from
// just outside (the outermost shell, not an inner one), unless that lies well beyond the closest
// point of the skin (a fold or the ear in the way); else the closest point.
std::optional<glm::vec3> snap_outermost(const SurfaceIndex& skin, const glm::vec3& p,
                                        const glm::vec3& normal) {
    const auto closest = skin.closest_point(p);
    if (!closest)
        return std::nullopt;
    const glm::vec3 origin = p + kOutsideMm * normal;
    for (const auto& crossing : skin.ray_crossings(origin, -normal, 2.0f * kOutsideMm + 10.0f)) {
        if (!crossing.entering)
            continue;
        const glm::vec3 hit = origin - crossing.distance * normal;
        if (glm::length(hit - p) <= closest->distance + kOutermostSlackMm)
            return hit;
        break;
    }
    return closest->point;
}

Diagnostic fit_diagnostic(Severity severity, const char* rule, std::string message,
                          const Scan& scan) {
    return {severity, rule, std::move(message), {scan.path.string(), 0, 0}, {}};
}

} // namespace

Result<LandmarkFit> fit_landmarks(const Scan& scan, const std::map<std::string, glm::vec3>& points,
                                  const Model& template_model) {
    Result<LandmarkFit> out;
    std::vector<std::string> known;
    for (const auto& [name, p] : template_model.landmarks)
        known.push_back(name);
    for (auto name : kFitRequiredPoints)
        if (!points.contains(std::string(name)))
            out.diagnostics.push_back(
                fit_diagnostic(Severity::error, "fit.missing-point",
                               "the fit needs the point '" + std::string(name) + "'", scan));
    for (const auto& [name, p] : points)
        if (!template_model.landmarks.contains(name))
            out.diagnostics.push_back(fit_diagnostic(Severity::error, "fit.unknown-point",
                                                     "no landmark '" + detail::one_line(name) +
                                                         "' in the template" +
                                                         detail::did_you_mean(name, known),
                                                     scan));
    if (scan.skin.triangle_count() == 0)
        out.diagnostics.push_back(
            fit_diagnostic(Severity::error, "fit.degenerate", "the scan has no triangles", scan));
    if (has_errors(out.diagnostics))
        return out;

    // 1. The given points on the scan's skin, and the similarity template → scan on them.
    const SurfaceIndex full_skin(scan.skin);
    std::map<std::string, glm::vec3> given;
    std::vector<glm::vec3> from, to, raw, head_from, head_to;
    for (const auto& [name, p] : points) {
        glm::vec3 snapped = p;
        if (auto hit = full_skin.closest_point(p)) {
            snapped = hit->point;
            if (hit->distance > kOffSkinMm) {
                std::ostringstream m;
                m.precision(3);
                m << "the point '" << name << "' lies " << hit->distance
                  << " mm from the scan's skin (snapped onto it)";
                out.diagnostics.push_back(
                    fit_diagnostic(Severity::warning, "fit.point-off-skin", m.str(), scan));
            }
        }
        given[name] = snapped;
        raw.push_back(p);
        from.push_back(template_model.landmarks.at(name));
        to.push_back(snapped);
        if (name == "vertex" || std::find(kFitRequiredPoints.begin(), kFitRequiredPoints.end(),
                                          name) != kFitRequiredPoints.end()) {
            head_from.push_back(from.back());
            head_to.push_back(snapped);
        }
    }
    // The similarity on the head's points (the required ones and the vertex): the neck's and the
    // shoulders' proportions vary more between people than the head's, and the registration
    // brings C7 and any other point given to its place.
    detail::Similarity similarity = detail::fit_similarity(head_from, head_to);
    if (similarity.degenerate)
        similarity = detail::fit_similarity(from, to);
    // Degenerate as given (snapping points of a line onto a curved skin would hide it).
    if (similarity.degenerate || detail::fit_similarity(from, raw).degenerate ||
        !(similarity.scale > 0.0f)) {
        out.diagnostics.push_back(fit_diagnostic(
            Severity::error, "fit.degenerate",
            "the given points do not fix the template's position: they lie on a line or on top "
            "of each other",
            scan));
        return out;
    }
    // Points that no similarity brings onto the template's: sides swapped (left is the
    // subject's left), names mixed up, or the wrong units.
    if (similarity.rms_mm > kMismatchMm || similarity.scale < kMinScale ||
        similarity.scale > kMaxScale) {
        std::vector<glm::vec3> swapped_from;
        std::vector<glm::vec3> swapped_to;
        for (const auto& [name, p] : given) {
            std::string other = name;
            if (other.ends_with("_left"))
                other.replace(other.size() - 5, 5, "_right");
            else if (other.ends_with("_right"))
                other.replace(other.size() - 6, 6, "_left");
            if (!template_model.landmarks.contains(other))
                continue;
            swapped_from.push_back(template_model.landmarks.at(other));
            swapped_to.push_back(p);
        }
        const detail::Similarity swapped = detail::fit_similarity(swapped_from, swapped_to);
        std::ostringstream m;
        m.precision(3);
        // Swapped sides: exchanging them fits, with the head still upright (four points also
        // fit a head turned upside down with its sides exchanged: the menton at the vertex).
        const bool upright = (swapped.rotation * glm::vec3(0, 1, 0)).y > 0.5f;
        if (!swapped.degenerate && upright && swapped.rms_mm < 0.5f * similarity.rms_mm &&
            swapped.rms_mm <= kMismatchMm)
            m << "the left and right points look swapped (rms " << similarity.rms_mm << " mm, "
              << swapped.rms_mm << " mm with the sides exchanged): _left is the subject's own left";
        else if (similarity.rms_mm > kMismatchMm)
            m << "the points do not match the template's head (rms " << similarity.rms_mm
              << " mm after the best similarity): check their names and --up/--forward";
        else
            m << "the points make the head " << similarity.scale
              << " times the template's size: check --units";
        out.diagnostics.push_back(
            fit_diagnostic(Severity::error, "fit.points-mismatch", m.str(), scan));
        return out;
    }

    // 2. The template's skin, coarse, placed by the similarity.
    const Mesh coarse = coarse_skin(template_model.skin, kCoarseTriangles);
    const SurfaceIndex coarse_index(coarse); // template space
    Mesh placed = coarse;
    for (auto& p : placed.positions)
        p = similarity.apply(p);
    compute_vertex_normals(placed);

    // 3. The scan near the placed template, without trusting its open edges.
    const Bounds tb = bounds_of(placed);
    const glm::vec3 margin = kCropMargin * (tb.max - tb.min);
    std::vector<std::uint8_t> cropped_boundary;
    const std::vector<std::uint8_t> scan_boundary = detail::boundary_triangles(scan.skin);
    const Mesh near =
        crop(scan.skin, scan_boundary, {tb.min - margin, tb.max + margin}, cropped_boundary);
    // A scan wholly inside the box (the usual head scan) keeps the index already built for it.
    const bool whole = near.indices.size() == scan.skin.indices.size();
    const SurfaceIndex near_built = whole ? SurfaceIndex() : SurfaceIndex(near);
    const SurfaceIndex& near_index = whole ? full_skin : near_built;

    // 4. Non-rigid registration, held at the given points.
    std::vector<detail::PointConstraint> constraints;
    auto carried_point = [&](const glm::vec3& template_point) {
        detail::SurfacePoint sp = surface_point(coarse, coarse_index, template_point);
        sp.point = similarity.apply(template_point);
        return sp;
    };
    for (const auto& [name, p] : given)
        constraints.push_back({carried_point(template_model.landmarks.at(name)), p});
    detail::NonRigidIcp icp(placed);
    detail::RegistrationResult reg;
    detail::RegistrationTarget target{&near_index, &cropped_boundary, {}, {}};
    {
        // About kScanSamples of the scan's vertices in the crop, away from its open edges.
        std::vector<std::uint8_t> use(near.positions.size(), 0);
        for (std::size_t t = 0; t < near.triangle_count(); ++t)
            if (!cropped_boundary[t])
                for (std::size_t k = 0; k < 3; ++k)
                    use[near.indices[3 * t + k]] = 1;
        std::size_t count = 0;
        for (auto u : use)
            count += u;
        const std::size_t stride = std::max<std::size_t>(1, count / kScanSamples);
        std::size_t seen = 0;
        for (std::size_t i = 0; i < use.size(); ++i)
            if (use[i] && seen++ % stride == 0) {
                target.samples.push_back(near.positions[i]);
                target.sample_normals.push_back(near.normals[i]);
            }
    }
    if (!near_index.empty())
        reg = icp.run(target, constraints);

    // 5. Every landmark carried across and snapped onto the scan's skin.
    LandmarkFit fit;
    fit.scale = similarity.scale;
    {
        double sum = 0.0;
        for (std::size_t i = 0; i < from.size(); ++i) {
            const float d = glm::length(similarity.apply(from[i]) - to[i]);
            sum += double(d) * d;
        }
        fit.points_rms_mm = float(std::sqrt(sum / double(from.size())));
    }
    fit.surface_mean_mm = reg.surface_mean_mm;
    fit.matched_fraction = reg.matched_fraction;
    std::vector<std::string> uncovered;
    for (const auto& [name, t] : template_model.landmarks) {
        if (auto it = given.find(name); it != given.end()) {
            fit.landmarks[name] = it->second;
            fit.given.insert(name);
            continue;
        }
        const detail::SurfacePoint sp = carried_point(t);
        const glm::vec3 p = icp.deform(sp);
        const auto closest = full_skin.closest_point(p, kUncoveredMm);
        // Beyond the scan's open edge (a head-only scan and C7): its nearest skin is the edge.
        if (!closest || (scan_boundary[closest->triangle] && closest->distance > kPastEdgeMm)) {
            uncovered.push_back(name);
            continue;
        }
        const auto snapped = snap_outermost(full_skin, p, icp.deformed_normal(sp.triangle));
        fit.landmarks[name] = snapped ? *snapped : closest->point;
    }
    // 6. Landmarks with a crisp definition on the skin looked for again near where they landed.
    detail::refine_landmarks(full_skin, similarity, template_model.landmarks, fit.given,
                             fit.landmarks);
    if (!uncovered.empty()) {
        std::string list;
        for (const auto& name : uncovered) {
            if (!list.empty())
                list += ", ";
            list += name;
        }
        out.diagnostics.push_back(fit_diagnostic(
            Severity::warning, "fit.landmark-uncovered",
            std::to_string(uncovered.size()) +
                " landmark(s) of the template fall where the scan has no skin and are left out: " +
                list,
            scan));
    }
    fit.uncovered = std::move(uncovered);
    out.value = std::move(fit);
    return out;
}

namespace {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(u));
            out += buffer;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

} // namespace

std::string fit_manifest_text(const Scan& scan, const LandmarkFit& fit, std::string_view id,
                              std::string_view name, std::string_view mesh_reference) {
    std::ostringstream o;
    char figures[160];
    std::snprintf(figures, sizeof figures,
                  "similarity scale %.3f, rms at the points %.1f mm, surface mean %.1f mm",
                  double(fit.scale), double(fit.points_rms_mm), double(fit.surface_mean_mm));
    o << "# Written by `injmap model fit`: " << fit.given.size()
      << " points given by the user (# given), the other landmarks carried across from the\n"
      << "# default model (# carried) by registering its skin onto this scan (" << figures
      << ").\n# Check the carried ones before use.\n";
    o << "schema_version = 1\nid = " << toml_quoted(id) << "\nname = " << toml_quoted(name)
      << "\nsex = \"unspecified\"\nsource = \"Scan fitted by injmap\"\n\n[mesh]\nfile = "
      << toml_quoted(mesh_reference) << "\nunits = " << toml_quoted(scan.frame.units)
      << "\nup = " << toml_quoted(scan.frame.up)
      << "\nforward = " << toml_quoted(scan.frame.forward)
      << "\n\n[skin]\ngroup = " << toml_quoted(scan.frame.skin_group) << "\n\n[landmarks]\n";
    for (const auto& [landmark, p] : fit.landmarks) {
        const glm::vec3 f = scan.to_file(p);
        o << landmark << " = [" << f.x << ", " << f.y << ", " << f.z << "]"
          << (fit.given.contains(landmark) ? " # given" : " # carried") << "\n";
    }
    return o.str();
}

} // namespace injmap
