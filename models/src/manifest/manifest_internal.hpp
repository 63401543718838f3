#pragma once
// Model manifests, private to injmap_models. load_model (manifest.cpp) reads the TOML into a
// ManifestData (read_manifest, one function per section in the read_*.cpp files here, all on the
// shared TOML toolkit injmap/toml_diagnostics.hpp), then builds model space from the OBJ
// (mesh_weld.hpp, fibre_geometry.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>
#include <toml++/toml.h>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/toml_diagnostics.hpp"

namespace injmap::detail {

// A manifest larger than this is refused before it is read (manifest.too-large).
inline constexpr std::uintmax_t kMaxManifestBytes = 1024 * 1024;

// File coordinates → model space (mm, +Y up, +Z forward, +X = up × forward = subject's left).
struct Frame {
    float scale = 1.0f;
    glm::vec3 left{1, 0, 0}, up{0, 1, 0}, forward{0, 0, 1}; // in file coordinates

    [[nodiscard]] glm::vec3 direction(const glm::vec3& v) const {
        return {glm::dot(v, left), glm::dot(v, up), glm::dot(v, forward)};
    }
    [[nodiscard]] glm::vec3 point(const glm::vec3& p) const { return scale * direction(p); }
};

// The manifest's [mesh] units and axis names: millimetres per unit, and the file-space direction of
// "+x", "-y", …; nullopt for anything else.
inline constexpr std::array<std::string_view, 5> kUnitNames = {"mm", "cm", "dm", "m", "in"};
inline constexpr std::array<std::string_view, 6> kAxisNames = {"+x", "-x", "+y", "-y", "+z", "-z"};
[[nodiscard]] std::optional<float> unit_scale(std::string_view units);
[[nodiscard]] std::optional<glm::vec3> axis_vector(std::string_view text);

[[nodiscard]] inline bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

// Ids of the model and its parts: lowercase letters, digits, '-' or '_'.
[[nodiscard]] inline bool valid_manifest_id(std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// "'a', 'b', 'c'" (at most `limit` items, then "…") for "must be one of" messages.
template <class Range>
[[nodiscard]] std::string join_quoted(const Range& items, std::size_t limit = 12) {
    std::string out;
    std::size_t n = 0;
    for (const auto& item : items) {
        if (n == limit) {
            out += ", …";
            break;
        }
        out += (n++ ? ", '" : "'") + std::string(item) + "'";
    }
    return out;
}

// The manifest's located diagnostics (rule ids "manifest.*") and its two getters.
class ManifestReader : public TomlDiagnostics {
public:
    explicit ManifestReader(std::string file) : TomlDiagnostics(std::move(file), "manifest") {}

    // The string at table[key]; reports a missing (when required) or mistyped value.
    std::optional<std::string> string_at(const toml::table& table, std::string_view key,
                                         bool required, const std::string& where,
                                         SourceLocation table_location);
    // The table at table[key]; reports a missing (when required) or mistyped value.
    const toml::table* table_at(const toml::table& table, std::string_view key, bool required,
                                SourceLocation table_location);
};

// A mesh group name as the manifest wrote it.
struct NamedGroup {
    std::string name;
    SourceLocation location;
};

// What the [[muscles]], [[bones]] and [[avoid]] entries and [landmarks] say, before the OBJ.
struct MuscleEntry {
    std::string id;
    Side side = Side::midline;
    MuscleLayer layer = MuscleLayer::strap;
    std::string group;
    SourceLocation group_location; // where the OBJ group name came from (or the entry)
};

struct BoneEntry {
    std::string id;
    Side side = Side::midline;
    std::string group;
    SourceLocation group_location;
};

struct AvoidEntry {
    std::string id;
    Side side = Side::midline;
    std::string kind;
    std::string name;
    float warn_mm = 5.0f;
    std::string group;
    SourceLocation group_location;
};

struct LandmarkEntry {
    std::string name;
    glm::vec3 file_point{0.0f};
    SourceLocation location;
};

// Everything the manifest's TOML says, checked against itself but not yet against the OBJ.
struct ManifestData {
    Model model; // id, display_name, sex, manifest_path, groups
    Frame frame;
    bool frame_ok = true; // units and axes were understood
    // Where [mesh] and its units, up and forward keys are (the table's own line when a key is
    // absent), for the sanity checks (sanity_checks.cpp).
    SourceLocation mesh_location, units_location, up_location, forward_location;
    std::string units; // as written ("dm"), when understood
    std::string up_name = "+y", forward_name = "+z";
    std::optional<std::filesystem::path> obj_path;
    SourceLocation mesh_file_location;
    // [skin] group: one name, a list of names (their union) or "*" (every group no muscle, bone or
    // avoid entry names); each with where it was written. nullopt when missing or mistyped.
    std::optional<std::vector<NamedGroup>> skin_groups;
    SourceLocation skin_group_location;
    std::vector<MuscleEntry> muscles;
    std::vector<BoneEntry> bones;
    std::vector<AvoidEntry> avoid;
    std::vector<LandmarkEntry> landmarks;
};

// The whole manifest (file checks, guarded parse, every section in order), or nullopt when the
// file cannot be read or parsed. Problems go to `r`; a value may still have errors in `r`.
[[nodiscard]] std::optional<ManifestData> read_manifest(const std::filesystem::path& manifest_path,
                                                        ManifestReader& r);

// One section each, in the order read_manifest calls them (read_manifest.cpp, read_entries.cpp,
// read_groups_landmarks.cpp). `root` is the parsed file.
void read_top_level(const toml::table& root, const std::filesystem::path& manifest_path,
                    ManifestReader& r, ManifestData& out);
void read_mesh(const toml::table& root, const std::filesystem::path& manifest_path,
               ManifestReader& r, ManifestData& out);
void read_skin(const toml::table& root, ManifestReader& r, ManifestData& out);
void read_muscles(const toml::table& root, ManifestReader& r, ManifestData& out);
void read_bones(const toml::table& root, ManifestReader& r, ManifestData& out);
void read_avoid(const toml::table& root, ManifestReader& r, ManifestData& out);
void read_groups(const toml::table& root, ManifestReader& r, ManifestData& out);
void read_landmarks(const toml::table& root, ManifestReader& r, ManifestData& out);

// Whether the landmarks agree with [mesh] units, up and forward, and with their _left/_right
// names (sanity_checks.cpp): manifest.units-scale, manifest.up-axis, manifest.forward-axis,
// manifest.handedness. Needs data.frame_ok; a check whose landmarks are absent is skipped.
void check_manifest_sanity(const ManifestData& data, ManifestReader& r);

} // namespace injmap::detail
