// load_model: a manifest (read by manifest/read_*.cpp into a ManifestData) plus the OBJ it names,
// converted to model space: welded meshes (manifest/mesh_weld.cpp), muscle fibre directions
// (manifest/fibre_geometry.cpp), landmarks snapped onto the skin, skin paint and regions.
#include "injmap/models/manifest.hpp"
#include "injmap/models/model_cache.hpp"

#include <algorithm>
#include <sstream>
#include <system_error>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/skin_paint.hpp"
#include "injmap/models/skin_regions.hpp"
#include "injmap/models/surface_index.hpp"
#include "manifest/fibre_geometry.hpp"
#include "manifest/manifest_internal.hpp"
#include "manifest/mesh_weld.hpp"
#include "mesh_file.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace {

using namespace detail;

// A landmark may sit this far from the skin before it is an error (model space, mm): generous for
// hand-placed points, far below any anatomical distance that matters for placing sites.
constexpr float kLandmarkToleranceMm = 5.0f;

// Every mesh group the manifest names exists (manifest.no-skin, manifest.unknown-group
// otherwise). Returns the skin's groups: those [skin] group names, or for "*" every group no
// muscle, bone or avoid entry names.
std::vector<const ObjGroup*> check_obj_groups(const ManifestData& data, const ObjFile& obj,
                                              ManifestReader& r) {
    std::vector<std::string> group_names;
    for (const auto& g : obj.groups)
        group_names.push_back(g.name);
    std::vector<const ObjGroup*> skin;
    const auto& skin_names = *data.skin_groups;
    if (skin_names.size() == 1 && skin_names.front().name == "*") {
        const auto is_part = [&](const std::string& name) {
            return std::any_of(data.muscles.begin(), data.muscles.end(),
                               [&](const auto& m) { return m.group == name; }) ||
                   std::any_of(data.bones.begin(), data.bones.end(),
                               [&](const auto& b) { return b.group == name; }) ||
                   std::any_of(data.avoid.begin(), data.avoid.end(),
                               [&](const auto& a) { return a.group == name; });
        };
        for (const auto& g : obj.groups)
            if (!is_part(g.name))
                skin.push_back(&g);
        if (skin.empty())
            r.error("manifest.no-skin",
                    "[skin] group \"*\" found no group that is not a muscle, bone or avoid "
                    "structure (the mesh has " +
                        join_quoted(group_names) + ")",
                    skin_names.front().location);
    } else {
        for (const auto& named : skin_names) {
            if (const ObjGroup* g = obj.find_group(named.name)) {
                skin.push_back(g);
                continue;
            }
            r.error("manifest.no-skin",
                    "the mesh has no group '" + named.name + "' (it has " +
                        join_quoted(group_names) + ")" + did_you_mean(named.name, group_names),
                    named.location);
        }
    }
    const auto check = [&](const std::string& group, const std::string& what,
                           const SourceLocation& where) {
        if (!obj.find_group(group))
            r.error("manifest.unknown-group",
                    "the mesh has no group '" + group + "' for " + what +
                        did_you_mean(group, group_names),
                    where);
    };
    for (const auto& m : data.muscles)
        check(m.group, "muscle '" + m.id + "'", m.group_location);
    for (const auto& b : data.bones)
        check(b.group, "bone '" + b.id + "'", b.group_location);
    for (const auto& a : data.avoid)
        check(a.group, "avoid structure '" + a.id + "'", a.group_location);
    return skin;
}

bool non_finite(const Mesh& mesh) {
    return std::any_of(mesh.positions.begin(), mesh.positions.end(),
                       [](const glm::vec3& p) { return !finite(p); });
}

// Muscles, bones and avoid structures in model space. A group whose coordinates overflow float
// millimetres after the unit conversion is an obj.non-finite error and is left out; a muscle
// without texture coordinates on every corner is an obj.no-uv warning.
void build_parts(const ManifestData& data, const ObjFile& obj, const fs::path& obj_path,
                 Model& model, Diagnostics& diagnostics) {
    const auto overflowed = [&](const std::string& name, const ObjGroup& group) {
        diagnostics.push_back(
            {Severity::error,
             "obj.non-finite",
             "coordinates of '" + name + "' overflow when converted to millimetres",
             {obj_path.string(), group.first_line, 0},
             {}});
    };
    for (const auto& entry : data.muscles) {
        const ObjGroup* group = obj.find_group(entry.group);
        Muscle muscle;
        muscle.id = entry.id;
        muscle.side = entry.side;
        muscle.layer = entry.layer;
        bool has_uvs = false;
        muscle.mesh = weld_by_position_and_uv(obj, *group, data.frame, has_uvs);
        if (non_finite(muscle.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        if (!has_uvs)
            diagnostics.push_back({Severity::warning,
                                   "obj.no-uv",
                                   "muscle group '" + entry.group +
                                       "' has no texture coordinates on every corner: its "
                                       "fibre direction is unknown (a default is used)",
                                   {obj_path.string(), group->first_line, 0},
                                   {}});
        muscle.fibre_directions = fibre_directions(muscle.mesh);
        model.muscles.push_back(std::move(muscle));
    }
    for (const auto& entry : data.bones) {
        const ObjGroup* group = obj.find_group(entry.group);
        Bone bone;
        bone.id = entry.id;
        bone.side = entry.side;
        bone.mesh = weld_by_position(obj, *group, data.frame); // like the skin
        if (non_finite(bone.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        model.bones.push_back(std::move(bone));
    }
    for (const auto& entry : data.avoid) {
        const ObjGroup* group = obj.find_group(entry.group);
        AvoidStructure a;
        a.id = entry.id;
        a.side = entry.side;
        a.kind = entry.kind;
        a.display_name = entry.name;
        a.warn_mm = entry.warn_mm;
        a.mesh = weld_by_position(obj, *group, data.frame); // like the skin
        if (non_finite(a.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        model.avoid.push_back(std::move(a));
    }
}

// Each landmark snapped to the closest skin point (manifest.landmark-off-skin when too far).
void place_landmarks(const ManifestData& data, ManifestReader& r, Model& model) {
    const SurfaceIndex skin_index(model.skin);
    for (const auto& l : data.landmarks) {
        const glm::vec3 p = data.frame.point(l.file_point);
        const auto hit = skin_index.closest_point(p);
        if (!hit || !finite(p)) {
            r.error("manifest.landmark-off-skin",
                    "landmark '" + l.name + "' cannot be placed on the skin", l.location);
            continue;
        }
        if (hit->distance > kLandmarkToleranceMm) {
            std::ostringstream msg;
            msg.precision(1);
            msg << std::fixed << "landmark '" << l.name << "' is " << hit->distance
                << " mm from the skin (at most " << kLandmarkToleranceMm << " mm allowed)";
            r.error("manifest.landmark-off-skin", msg.str(), l.location);
            continue;
        }
        model.landmarks[l.name] = hit->point;
    }
}

Result<Model> load(const fs::path& manifest_path) {
    ManifestReader r(manifest_path.string());
    Result<Model> result;
    auto finish = [&]() {
        const Diagnostics& manifest = r.diagnostics();
        result.diagnostics.insert(result.diagnostics.begin(), manifest.begin(), manifest.end());
        if (has_errors(result.diagnostics))
            result.value.reset();
        return std::move(result);
    };

    std::optional<ManifestData> data = read_manifest(manifest_path, r);
    if (data && !r.failed())
        check_manifest_sanity(*data, r); // units and axes against the landmarks
    // Stop before the mesh when the manifest itself is wrong: its errors are what the author must
    // fix.
    if (!data || r.failed() || !data->frame_ok || !data->obj_path || !data->skin_groups)
        return finish();

    // --- the OBJ
    const fs::path& obj_path = *data->obj_path;
    std::error_code ec;
    if (!fs::exists(obj_path, ec)) {
        r.error("manifest.mesh-missing", "mesh file '" + obj_path.string() + "' does not exist",
                data->mesh_file_location);
        return finish();
    }
    auto obj = read_mesh_file(obj_path, obj_path.string(), data->frame.scale);
    result.diagnostics.insert(result.diagnostics.end(), obj.diagnostics.begin(),
                              obj.diagnostics.end());
    if (!obj.value)
        return finish();
    const std::vector<const ObjGroup*> skin = check_obj_groups(*data, *obj.value, r);
    if (r.failed())
        return finish();

    // --- model space
    Model model = std::move(data->model);
    model.skin_path = obj_path;
    model.skin = weld_by_position(*obj.value, skin, data->frame);
    if (non_finite(model.skin)) {
        result.diagnostics.push_back({Severity::error,
                                      "obj.non-finite",
                                      "skin coordinates overflow when converted to millimetres",
                                      {obj_path.string(), skin.front()->first_line, 0},
                                      {}});
        return finish();
    }
    build_parts(*data, *obj.value, obj_path, model, result.diagnostics);
    place_landmarks(*data, r, model);

    // --- colour regions of the skin (hair, brows, lips), from the landmarks
    model.skin_paint = compute_skin_paint(model);
    // --- the seven PREEMPT injection regions, from the landmarks
    model.regions = compute_skin_regions(model);

    result.value = std::move(model);
    return finish();
}

} // namespace

Result<Model> load_model(const fs::path& manifest_path) {
    try {
        return load(manifest_path);
    } catch (const std::bad_alloc&) {
        Result<Model> result;
        result.diagnostics.push_back({Severity::error,
                                      "manifest.too-large",
                                      "not enough memory to load this model",
                                      {manifest_path.string(), 0, 0},
                                      {}});
        return result;
    } catch (const std::exception& e) {
        Result<Model> result;
        result.diagnostics.push_back({Severity::error,
                                      "manifest.io",
                                      std::string("could not load the model: ") + e.what(),
                                      {manifest_path.string(), 0, 0},
                                      {}});
        return result;
    }
}

Result<Model> load_model_by_name(std::string_view id_or_path) {
    std::optional<fs::path> path;
    try {
        path = resolve_model(id_or_path);
    } catch (const std::exception&) {
        path.reset();
    }
    if (!path) {
        Result<Model> result;
        std::string where;
        for (const auto& dir : model_dirs())
            where += (where.empty() ? "" : ", ") + dir.string();
        result.diagnostics.push_back({Severity::error,
                                      "manifest.io",
                                      "no model '" + std::string(id_or_path) + "' (looked in " +
                                          (where.empty() ? std::string("no model folder") : where) +
                                          ")",
                                      {std::string(id_or_path), 0, 0},
                                      {}});
        return result;
    }
    return load_model_cached(*path); // every command and the GUI start here: skip the OBJ parse
}

} // namespace injmap
