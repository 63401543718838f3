#pragma once
// Model manifests (TOML, docs/model-manifest.md): which mesh file (OBJ, PLY or STL, by extension),
// its units and axes, which of its groups are the skin (one name, a list, or "*") and which are
// muscles, named muscle groups and landmarks. Loading converts everything to
// model space (mm, +Y up, +Z forward, +X subject's left) and snaps landmarks onto the skin.
//
// Rule ids (stable): manifest.io, manifest.syntax, manifest.unknown-key, manifest.type,
// manifest.missing-key, manifest.unknown-units, manifest.bad-axes, manifest.mesh-missing,
// manifest.no-skin, manifest.unknown-group, manifest.landmark-off-skin, manifest.too-large,
// manifest.too-many-errors (past 200 problems),
// manifest.bad-value (a value outside its allowed set, e.g. sex, side, layer, schema_version),
// obj.io, obj.syntax, obj.bad-index, obj.non-finite, obj.out-of-range, obj.too-large, obj.empty,
// obj.no-uv (warning: a muscle without texture coordinates, so without a known fibre direction),
// obj.trailing-garbage (warning: binary bytes after the last OBJ statement, ignored),
// obj.material (warning, at most one per file: the `mtllib` file is not next to the OBJ);
// PLY: ply.io, ply.too-large, ply.syntax, ply.truncated, ply.non-finite, ply.out-of-range,
// ply.bad-index, ply.bad-face, ply.empty, ply.trailing-garbage (warning);
// STL: stl.io, stl.too-large, stl.syntax, stl.truncated, stl.non-finite, stl.out-of-range,
// stl.empty, stl.trailing-garbage (warning).
#include <filesystem>
#include <string>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"

namespace injmap {

// Loads the manifest and the OBJ it names. On success the model has skin normals, muscle fibre
// directions (from the muscles' u texture coordinate), and every landmark snapped to the skin.
[[nodiscard]] Result<Model> load_model(const std::filesystem::path& manifest_path);

// An id ("adult-male") found through data_paths.hpp, or a path to a manifest.
[[nodiscard]] Result<Model> load_model_by_name(std::string_view id_or_path);

} // namespace injmap
