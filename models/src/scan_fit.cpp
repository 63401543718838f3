// FIRST CUT (lead's stub, to be replaced by the registration): load_scan reads an OBJ, and
// fit_landmarks moves the template's landmarks by the translation and scale that best match the
// given points, then snaps them to the scan's skin. No rotation, no non-rigid step yet.
#include "injmap/models/scan_fit.hpp"

#include <cmath>
#include <sstream>

#include <glm/geometric.hpp>

#include "injmap/models/surface_index.hpp"
#include "manifest/manifest_internal.hpp"
#include "manifest/mesh_weld.hpp"
#include "obj_loader.hpp"

namespace injmap {

glm::vec3 Scan::to_model(const glm::vec3& p) const {
    return mm_per_unit *
           glm::vec3(glm::dot(p, file_left), glm::dot(p, file_up), glm::dot(p, file_forward));
}

glm::vec3 Scan::to_file(const glm::vec3& m) const {
    const glm::vec3 u = m / mm_per_unit;
    return u.x * file_left + u.y * file_up + u.z * file_forward;
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
    auto obj = detail::read_obj(mesh_path, display, *scale);
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

Result<LandmarkFit> fit_landmarks(const Scan& scan, const std::map<std::string, glm::vec3>& points,
                                  const Model& template_model) {
    Result<LandmarkFit> out;
    for (auto name : kFitRequiredPoints)
        if (!points.contains(std::string(name)))
            out.diagnostics.push_back({Severity::error,
                                       "fit.missing-point",
                                       "the fit needs the point '" + std::string(name) + "'",
                                       {scan.path.string(), 0, 0},
                                       {}});
    for (const auto& [name, p] : points)
        if (!template_model.landmarks.contains(name))
            out.diagnostics.push_back({Severity::error,
                                       "fit.unknown-point",
                                       "no landmark '" + name + "' in the template",
                                       {scan.path.string(), 0, 0},
                                       {}});
    if (has_errors(out.diagnostics))
        return out;
    glm::vec3 cs{0}, ct{0};
    for (const auto& [name, p] : points) {
        cs += p;
        ct += template_model.landmarks.at(name);
    }
    cs /= float(points.size());
    ct /= float(points.size());
    float ss = 0, st = 0;
    for (const auto& [name, p] : points) {
        ss += glm::length(p - cs);
        st += glm::length(template_model.landmarks.at(name) - ct);
    }
    LandmarkFit fit;
    fit.scale = st > 0 ? ss / st : 1.0f;
    const SurfaceIndex skin(scan.skin);
    for (const auto& [name, t] : template_model.landmarks) {
        glm::vec3 p = cs + fit.scale * (t - ct);
        if (auto it = points.find(name); it != points.end()) {
            p = it->second;
            fit.given.insert(name);
        }
        if (auto hit = skin.closest_point(p))
            p = hit->point;
        fit.landmarks[name] = p;
    }
    out.value = std::move(fit);
    return out;
}

std::string fit_manifest_text(const Scan& scan, const LandmarkFit& fit, std::string_view id,
                              std::string_view name, std::string_view mesh_reference) {
    std::ostringstream o;
    o << "# Written by `injmap model fit` (" << fit.given.size()
      << " points given, the other landmarks carried from the default model).\n";
    o << "schema_version = 1\nid = \"" << id << "\"\nname = \"" << name << "\"\n";
    o << "sex = \"unspecified\"\nsource = \"Scan fitted by injmap\"\n\n[mesh]\nfile = \""
      << mesh_reference << "\"\nunits = \"" << scan.frame.units << "\"\nup = \"" << scan.frame.up
      << "\"\nforward = \"" << scan.frame.forward << "\"\n\n[skin]\ngroup = \""
      << scan.frame.skin_group << "\"\n\n[landmarks]\n";
    for (const auto& [landmark, p] : fit.landmarks) {
        const glm::vec3 f = scan.to_file(p);
        o << landmark << " = [" << f.x << ", " << f.y << ", " << f.z << "]\n";
    }
    return o.str();
}

} // namespace injmap
