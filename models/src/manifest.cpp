#include "injmap/models/manifest.hpp"
#include "injmap/models/model_cache.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include <glm/geometric.hpp>
#include <toml++/toml.h>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/landmark_names.hpp"
#include "injmap/models/skin_paint.hpp"
#include "injmap/models/skin_regions.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/toml_depth.hpp"
#include "obj_loader.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxManifestBytes = 1024 * 1024;
// A landmark may sit this far from the skin before it is an error (model space, mm): generous for
// hand-placed points, far below any anatomical distance that matters for placing sites.
constexpr float kLandmarkToleranceMm = 5.0f;

// ---------------------------------------------------------------------------------------------
// Spelling help

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean 'x'?)" for the closest candidate within a third of the word's length, else "".
template <class Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(1, (word.size() + 2) / 3) + 1;
    for (const auto& c : candidates) {
        const std::string_view candidate(c);
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

template <class Range>
std::string join_quoted(const Range& items, std::size_t limit = 12) {
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

const char* type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return "a date/time";
    default:
        return "nothing";
    }
}

// ---------------------------------------------------------------------------------------------
// Units and axes

std::optional<float> unit_scale(std::string_view units) {
    if (units == "mm")
        return 1.0f;
    if (units == "cm")
        return 10.0f;
    if (units == "dm")
        return 100.0f;
    if (units == "m")
        return 1000.0f;
    if (units == "in")
        return 25.4f;
    return std::nullopt;
}
constexpr std::array kUnitNames = {"mm", "cm", "dm", "m", "in"};
constexpr std::array kAxisNames = {"+x", "-x", "+y", "-y", "+z", "-z"};

std::optional<glm::vec3> axis_vector(std::string_view text) {
    if (text.size() != 2 || (text[0] != '+' && text[0] != '-'))
        return std::nullopt;
    const float sign = text[0] == '+' ? 1.0f : -1.0f;
    switch (text[1]) {
    case 'x':
        return glm::vec3(sign, 0, 0);
    case 'y':
        return glm::vec3(0, sign, 0);
    case 'z':
        return glm::vec3(0, 0, sign);
    default:
        return std::nullopt;
    }
}

// File coordinates → model space (mm, +Y up, +Z forward, +X = up × forward = subject's left).
struct Frame {
    float scale = 1.0f;
    glm::vec3 left{1, 0, 0}, up{0, 1, 0}, forward{0, 0, 1}; // in file coordinates

    [[nodiscard]] glm::vec3 direction(const glm::vec3& v) const {
        return {glm::dot(v, left), glm::dot(v, up), glm::dot(v, forward)};
    }
    [[nodiscard]] glm::vec3 point(const glm::vec3& p) const { return scale * direction(p); }
};

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

// ---------------------------------------------------------------------------------------------
// Reading the TOML with located diagnostics

class ManifestReader {
public:
    explicit ManifestReader(std::string file) : file_(std::move(file)) {}

    Diagnostics diagnostics;

    [[nodiscard]] SourceLocation at(const toml::source_region& region) const {
        return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
    }
    [[nodiscard]] SourceLocation at(const toml::node& node) const { return at(node.source()); }
    [[nodiscard]] SourceLocation whole_file() const { return {file_, 0, 0}; }

    // Messages are one line (they quote file text, and toml++ quotes the character it stopped at).
    void error(const char* rule, std::string message, SourceLocation where) {
        diagnostics.push_back(
            {Severity::error, rule, one_line(std::move(message)), std::move(where), {}});
    }
    void warning(const char* rule, std::string message, SourceLocation where) {
        diagnostics.push_back(
            {Severity::warning, rule, one_line(std::move(message)), std::move(where), {}});
    }
    static std::string one_line(std::string text) {
        std::replace(text.begin(), text.end(), '\n', ' ');
        std::replace(text.begin(), text.end(), '\r', ' ');
        return text;
    }

    // Reports keys of `table` not in `allowed`; `where` names the table in messages ("[mesh]").
    template <std::size_t N>
    void check_keys(const toml::table& table, const std::array<const char*, N>& allowed,
                    const std::string& where) {
        for (auto&& [key, node] : table) {
            const std::string_view k = key.str();
            if (std::find_if(allowed.begin(), allowed.end(),
                             [&](const char* a) { return k == a; }) != allowed.end())
                continue;
            error("manifest.unknown-key",
                  "unknown key '" + std::string(k) + "' in " + where + did_you_mean(k, allowed),
                  at(key.source()));
        }
    }

    // The string at table[key]; reports a missing (when required) or mistyped value.
    std::optional<std::string> string_at(const toml::table& table, std::string_view key,
                                         bool required, const std::string& where,
                                         SourceLocation table_location) {
        const toml::node* node = table.get(key);
        if (!node) {
            if (required)
                error("manifest.missing-key", "missing key '" + std::string(key) + "' in " + where,
                      std::move(table_location));
            return std::nullopt;
        }
        if (!node->is_string()) {
            error("manifest.type",
                  "'" + std::string(key) + "' must be a string, not " + type_name(*node),
                  at(*node));
            return std::nullopt;
        }
        return node->as_string()->get();
    }

    const toml::table* table_at(const toml::table& table, std::string_view key, bool required,
                                SourceLocation table_location) {
        const toml::node* node = table.get(key);
        if (!node) {
            if (required)
                error("manifest.missing-key", "missing table [" + std::string(key) + "]",
                      std::move(table_location));
            return nullptr;
        }
        if (!node->is_table()) {
            error("manifest.type",
                  "'" + std::string(key) + "' must be a table, not " + type_name(*node), at(*node));
            return nullptr;
        }
        return node->as_table();
    }

private:
    std::string file_;
};

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

// The standard and the optional names (landmark_names.hpp): neither draws a warning.
std::vector<std::string> standard_landmark_names() {
    std::vector<std::string> names;
    const auto add = [&](const auto& list) {
        for (const auto& l : list) {
            if (l.sided) {
                names.push_back(std::string(l.name) + "_left");
                names.push_back(std::string(l.name) + "_right");
            } else {
                names.emplace_back(l.name);
            }
        }
    };
    add(kStandardLandmarks);
    add(kOptionalLandmarks);
    return names;
}

bool valid_id(std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// The "id" of a [[muscles]] or [[bones]] entry (required; lowercase letters, digits, '-' or '_').
// Clears `ok` after reporting what is wrong.
std::string entry_id(ManifestReader& r, const toml::table& entry, const char* table,
                     const char* kind, const SourceLocation& where, bool& ok) {
    const auto id = r.string_at(entry, "id", true, table, where);
    if (!id) {
        ok = false;
        return {};
    }
    if (!valid_id(*id)) {
        r.error("manifest.bad-value",
                std::string(kind) + " id '" + *id +
                    "' must be lowercase letters, digits, '-' or '_'",
                r.at(*entry.get("id")));
        ok = false;
    }
    return *id;
}

// The "side" of such an entry; nullopt when absent (an error only when `required`) or wrong, in
// which case `ok` is cleared after reporting.
std::optional<Side> entry_side(ManifestReader& r, const toml::table& entry, const char* table,
                               bool required, const SourceLocation& where, bool& ok) {
    const auto side = r.string_at(entry, "side", required, table, where);
    if (!side) {
        if (required || entry.get("side"))
            ok = false;
        return std::nullopt;
    }
    if (auto s = side_from_string(*side))
        return s;
    static constexpr std::array kSides = {"left", "right", "midline"};
    r.error("manifest.bad-value",
            "side '" + *side + "' must be one of " + join_quoted(kSides) +
                did_you_mean(*side, kSides),
            r.at(*entry.get("side")));
    ok = false;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Meshes from OBJ groups

// The skin is welded by position only: texture seams must not cut it into pieces (it would gain
// false boundaries and creased normals).
Mesh build_skin(const detail::ObjFile& obj, const detail::ObjGroup& group, const Frame& frame) {
    Mesh mesh;
    const std::size_t v_count = obj.positions.size() / 3;
    std::vector<std::int64_t> remap(v_count, -1);
    std::vector<int> normal_of;
    bool all_normals = true;
    mesh.indices.reserve(group.corners.size());
    for (const auto& c : group.corners) {
        if (remap[c.v] < 0) {
            remap[c.v] = static_cast<std::int64_t>(mesh.positions.size());
            mesh.positions.push_back(frame.point(
                {obj.positions[3 * c.v], obj.positions[3 * c.v + 1], obj.positions[3 * c.v + 2]}));
            normal_of.push_back(c.vn);
        }
        all_normals = all_normals && c.vn >= 0;
        mesh.indices.push_back(static_cast<std::uint32_t>(remap[c.v]));
    }
    if (all_normals) {
        mesh.normals.reserve(mesh.positions.size());
        for (const int n : normal_of) {
            const glm::vec3 file_n{obj.normals[3 * n], obj.normals[3 * n + 1],
                                   obj.normals[3 * n + 2]};
            const glm::vec3 model_n = frame.direction(file_n);
            const float len = glm::length(model_n);
            if (!(len > 1e-6f) || !std::isfinite(len)) {
                all_normals = false; // a zero normal in the file: recompute them all
                break;
            }
            mesh.normals.push_back(model_n / len);
        }
    }
    if (!all_normals)
        compute_vertex_normals(mesh);
    return mesh;
}

// Muscles are welded by (position, texture coordinate): u must stay exact per corner.
Mesh build_muscle(const detail::ObjFile& obj, const detail::ObjGroup& group, const Frame& frame,
                  bool& has_uvs) {
    Mesh mesh;
    std::unordered_map<std::uint64_t, std::uint32_t> remap;
    std::vector<int> normal_of;
    bool all_normals = true;
    has_uvs = true;
    for (const auto& c : group.corners)
        has_uvs = has_uvs && c.vt >= 0;
    for (const auto& c : group.corners) {
        const std::uint64_t key = (static_cast<std::uint64_t>(c.v) << 32) |
                                  static_cast<std::uint32_t>(has_uvs ? c.vt : 0);
        auto [it, inserted] = remap.emplace(key, static_cast<std::uint32_t>(mesh.positions.size()));
        if (inserted) {
            mesh.positions.push_back(frame.point(
                {obj.positions[3 * c.v], obj.positions[3 * c.v + 1], obj.positions[3 * c.v + 2]}));
            if (has_uvs)
                mesh.uvs.emplace_back(obj.texcoords[2 * c.vt], obj.texcoords[2 * c.vt + 1]);
            normal_of.push_back(c.vn);
        }
        all_normals = all_normals && c.vn >= 0;
        mesh.indices.push_back(it->second);
    }
    if (all_normals) {
        for (const int n : normal_of) {
            const glm::vec3 model_n = frame.direction(
                {obj.normals[3 * n], obj.normals[3 * n + 1], obj.normals[3 * n + 2]});
            const float len = glm::length(model_n);
            if (!(len > 1e-6f) || !std::isfinite(len)) {
                all_normals = false;
                break;
            }
            mesh.normals.push_back(model_n / len);
        }
    }
    if (!all_normals)
        compute_vertex_normals(mesh);
    return mesh;
}

// A unit tangent at a vertex when u gives none: the projection of "up" (or of "forward" where the
// surface faces up), so downstream code always gets a usable direction.
glm::vec3 fallback_tangent(const glm::vec3& normal) {
    glm::vec3 t = glm::vec3(0, 1, 0) - normal * normal.y;
    if (glm::length(t) < 1e-3f)
        t = glm::vec3(0, 0, 1) - normal * normal.z;
    return glm::normalize(t);
}

// Fibre direction = the surface gradient of u, area-weighted over the triangles around each vertex
// and projected onto the vertex's tangent plane.
std::vector<glm::vec3> fibre_directions(const Mesh& mesh) {
    std::vector<glm::vec3> dirs(mesh.positions.size(), glm::vec3(0.0f));
    if (mesh.uvs.size() == mesh.positions.size()) {
        for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
            const auto a = mesh.indices[3 * t], b = mesh.indices[3 * t + 1],
                       c = mesh.indices[3 * t + 2];
            const glm::vec3 e1 = mesh.positions[b] - mesh.positions[a];
            const glm::vec3 e2 = mesh.positions[c] - mesh.positions[a];
            const glm::vec3 n = glm::cross(e1, e2);
            const float n2 = glm::dot(n, n);
            if (!(n2 > 0.0f))
                continue;
            const float du1 = mesh.uvs[b].x - mesh.uvs[a].x, du2 = mesh.uvs[c].x - mesh.uvs[a].x;
            // grad u · e1 = du1 and grad u · e2 = du2, grad u in the triangle's plane
            const glm::vec3 grad = (du1 * glm::cross(e2, n) + du2 * glm::cross(n, e1)) / n2;
            const glm::vec3 weighted = grad * std::sqrt(n2); // area weighting (×2, irrelevant)
            dirs[a] += weighted;
            dirs[b] += weighted;
            dirs[c] += weighted;
        }
    }
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        const glm::vec3& normal = mesh.normals[i];
        glm::vec3 d = dirs[i] - normal * glm::dot(dirs[i], normal);
        const float len = glm::length(d);
        dirs[i] = len > 1e-9f && std::isfinite(len) ? d / len : fallback_tangent(normal);
    }
    return dirs;
}

// ---------------------------------------------------------------------------------------------

Result<Model> load(const fs::path& manifest_path) {
    const std::string display = manifest_path.string();
    ManifestReader r(display);
    Result<Model> result;
    auto finish = [&]() {
        result.diagnostics.insert(result.diagnostics.begin(), r.diagnostics.begin(),
                                  r.diagnostics.end());
        if (has_errors(result.diagnostics))
            result.value.reset();
        return std::move(result);
    };

    // --- the file itself
    std::error_code ec;
    if (!fs::exists(manifest_path, ec)) {
        r.error("manifest.io", "the manifest does not exist", r.whole_file());
        return finish();
    }
    if (!fs::is_regular_file(manifest_path, ec)) {
        r.error("manifest.io", "the manifest path is not a regular file", r.whole_file());
        return finish();
    }
    const std::uintmax_t size = fs::file_size(manifest_path, ec);
    if (ec) {
        r.error("manifest.io", "cannot read the manifest's size: " + ec.message(), r.whole_file());
        return finish();
    }
    if (size > kMaxManifestBytes) {
        r.error("manifest.too-large",
                "the manifest is " + std::to_string(size / 1024) +
                    " KB; a model manifest may be at most " +
                    std::to_string(kMaxManifestBytes / 1024) + " KB",
                r.whole_file());
        return finish();
    }
    std::string text;
    {
        std::ifstream in(manifest_path, std::ios::binary);
        if (!in) {
            r.error("manifest.io", "cannot open the manifest", r.whole_file());
            return finish();
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
    }

    if (const int line = find_too_deep_toml_line(text)) {
        r.error("manifest.syntax",
                "a key with more than " + std::to_string(kMaxTomlDotsPerLine) +
                    " dotted parts; tables this deeply nested are refused",
                {display, line, 1});
        return finish();
    }
    toml::table root;
    try {
        root = toml::parse(text, display);
    } catch (const toml::parse_error& e) {
        r.error("manifest.syntax", std::string(e.description()), r.at(e.source()));
        return finish();
    }
    const SourceLocation root_location{display, 1, 1};

    // --- top level
    r.check_keys(root,
                 std::array{"schema_version", "id", "name", "sex", "source", "mesh", "skin",
                            "muscles", "bones", "avoid", "groups", "landmarks"},
                 "the manifest");
    Model model;
    model.manifest_path = fs::absolute(manifest_path, ec).lexically_normal();
    if (const toml::node* node = root.get("schema_version"); !node) {
        r.error("manifest.missing-key",
                "missing key 'schema_version' (this injmap reads schema_version = 1)",
                root_location);
    } else if (!node->is_integer()) {
        r.error("manifest.type",
                std::string("'schema_version' must be an integer, not ") + type_name(*node),
                r.at(*node));
    } else if (node->as_integer()->get() != 1) {
        r.error("manifest.bad-value",
                "schema_version " + std::to_string(node->as_integer()->get()) +
                    " is not understood (only 1 is)",
                r.at(*node));
    }
    if (auto id = r.string_at(root, "id", true, "the manifest", root_location)) {
        if (!valid_id(*id))
            r.error("manifest.bad-value",
                    "id '" + *id + "' must be lowercase letters, digits, '-' or '_'",
                    r.at(*root.get("id")));
        model.id = *id;
    }
    model.display_name =
        r.string_at(root, "name", false, "the manifest", root_location).value_or(model.id);
    if (auto sex = r.string_at(root, "sex", false, "the manifest", root_location)) {
        static constexpr std::array kSexes = {"male", "female", "unspecified"};
        if (std::find_if(kSexes.begin(), kSexes.end(), [&](const char* s) { return *sex == s; }) ==
            kSexes.end())
            r.error("manifest.bad-value",
                    "sex '" + *sex + "' must be one of " + join_quoted(kSexes) +
                        did_you_mean(*sex, kSexes),
                    r.at(*root.get("sex")));
        model.sex = *sex;
    } else {
        model.sex = "unspecified";
    }
    (void)r.string_at(root, "source", false, "the manifest", root_location);

    // --- [mesh]
    Frame frame;
    std::optional<fs::path> obj_path;
    SourceLocation mesh_file_location = root_location;
    bool frame_ok = true;
    if (const toml::table* mesh = r.table_at(root, "mesh", true, root_location)) {
        const SourceLocation mesh_location = r.at(*mesh);
        r.check_keys(*mesh, std::array{"file", "units", "up", "forward"}, "[mesh]");
        if (auto file = r.string_at(*mesh, "file", true, "[mesh]", mesh_location)) {
            mesh_file_location = r.at(*mesh->get("file"));
            if (file->empty()) {
                r.error("manifest.bad-value", "[mesh] file is empty", mesh_file_location);
            } else {
                fs::path p(*file);
                if (p.is_relative())
                    p = manifest_path.parent_path() / p;
                obj_path = fs::absolute(p, ec).lexically_normal();
            }
        }
        if (auto units = r.string_at(*mesh, "units", true, "[mesh]", mesh_location)) {
            if (auto scale = unit_scale(*units)) {
                frame.scale = *scale;
            } else {
                frame_ok = false;
                r.error("manifest.unknown-units",
                        "unknown units '" + *units + "': use one of " + join_quoted(kUnitNames) +
                            did_you_mean(*units, kUnitNames),
                        r.at(*mesh->get("units")));
            }
        } else {
            frame_ok = false;
        }
        auto axis = [&](const char* key, const char* fallback, glm::vec3& out) {
            const auto value = r.string_at(*mesh, key, false, "[mesh]", mesh_location);
            if (!value) {
                if (mesh->get(key)) { // present but mistyped (already reported)
                    frame_ok = false;
                    return false;
                }
                out = *axis_vector(fallback);
                return true;
            }
            if (auto v = axis_vector(*value)) {
                out = *v;
                return true;
            }
            frame_ok = false;
            r.error("manifest.bad-axes",
                    "[mesh] " + std::string(key) + " '" + *value + "' must be one of " +
                        join_quoted(kAxisNames),
                    r.at(*mesh->get(key)));
            return false;
        };
        const bool up_ok = axis("up", "+y", frame.up);
        const bool forward_ok = axis("forward", "+z", frame.forward);
        if (up_ok && forward_ok) {
            if (std::fabs(glm::dot(frame.up, frame.forward)) > 0.5f) {
                frame_ok = false;
                const toml::node* where =
                    mesh->get("forward") ? mesh->get("forward") : mesh->get("up");
                r.error("manifest.bad-axes", "[mesh] up and forward must be perpendicular",
                        where ? r.at(*where) : mesh_location);
            } else {
                frame.left = glm::cross(frame.up, frame.forward);
            }
        }
    } else {
        frame_ok = false;
    }

    // --- [skin]
    std::optional<std::string> skin_group;
    SourceLocation skin_group_location = root_location;
    if (const toml::table* skin = r.table_at(root, "skin", true, root_location)) {
        r.check_keys(*skin, std::array{"group"}, "[skin]");
        skin_group = r.string_at(*skin, "group", true, "[skin]", r.at(*skin));
        if (skin_group)
            skin_group_location = r.at(*skin->get("group"));
    }

    // --- [[muscles]]
    std::vector<MuscleEntry> muscles;
    if (const toml::node* node = root.get("muscles")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'muscles' must be an array of tables ([[muscles]])",
                    r.at(*node));
        } else {
            std::set<std::string> seen;
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.at(entry);
                r.check_keys(entry, std::array{"id", "side", "group", "layer"}, "[[muscles]]");
                MuscleEntry m;
                bool ok = true;
                m.id = entry_id(r, entry, "[[muscles]]", "muscle", entry_location, ok);
                if (auto side = entry_side(r, entry, "[[muscles]]", true, entry_location, ok))
                    m.side = *side;
                if (auto layer =
                        r.string_at(entry, "layer", false, "[[muscles]]", entry_location)) {
                    static constexpr std::array kLayers = {"sheet", "strap", "deep", "aponeurosis"};
                    if (*layer == "sheet") {
                        m.layer = MuscleLayer::sheet;
                    } else if (*layer == "strap") {
                        m.layer = MuscleLayer::strap;
                    } else if (*layer == "deep") {
                        m.layer = MuscleLayer::deep;
                    } else if (*layer == "aponeurosis") {
                        m.layer = MuscleLayer::aponeurosis;
                    } else {
                        r.error("manifest.bad-value",
                                "layer '" + *layer + "' must be one of " + join_quoted(kLayers) +
                                    did_you_mean(*layer, kLayers),
                                r.at(*entry.get("layer")));
                        ok = false;
                    }
                } else if (entry.get("layer")) {
                    ok = false;
                }
                if (auto group =
                        r.string_at(entry, "group", false, "[[muscles]]", entry_location)) {
                    m.group = *group;
                    m.group_location = r.at(*entry.get("group"));
                } else if (entry.get("group")) {
                    ok = false;
                } else {
                    Muscle probe;
                    probe.id = m.id;
                    probe.side = m.side;
                    m.group = probe.key(); // default: "<id>_<side>" or "<id>"
                    m.group_location = entry_location;
                }
                if (!ok)
                    continue;
                Muscle probe;
                probe.id = m.id;
                probe.side = m.side;
                if (!seen.insert(probe.key()).second) {
                    r.error("manifest.bad-value", "muscle '" + probe.key() + "' is listed twice",
                            entry_location);
                    continue;
                }
                muscles.push_back(std::move(m));
            }
        }
    }

    // --- [[bones]] (optional: a model may have no skeleton)
    std::vector<BoneEntry> bones;
    if (const toml::node* node = root.get("bones")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'bones' must be an array of tables ([[bones]])", r.at(*node));
        } else {
            std::set<std::string> seen;
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.at(entry);
                r.check_keys(entry, std::array{"id", "side", "group"}, "[[bones]]");
                BoneEntry b;
                bool ok = true;
                b.id = entry_id(r, entry, "[[bones]]", "bone", entry_location, ok);
                if (auto side = entry_side(r, entry, "[[bones]]", false, entry_location, ok))
                    b.side = *side;
                Bone probe;
                probe.id = b.id;
                probe.side = b.side;
                if (auto group = r.string_at(entry, "group", false, "[[bones]]", entry_location)) {
                    b.group = *group;
                    b.group_location = r.at(*entry.get("group"));
                } else if (entry.get("group")) {
                    ok = false;
                } else {
                    b.group = "bone_" + probe.key(); // default: "bone_<id>[_<side>]"
                    b.group_location = entry_location;
                }
                if (!ok)
                    continue;
                if (!seen.insert(probe.key()).second) {
                    r.error("manifest.bad-value", "bone '" + probe.key() + "' is listed twice",
                            entry_location);
                    continue;
                }
                bones.push_back(std::move(b));
            }
        }
    }

    // --- [[avoid]] (optional: structures the needle should keep away from)
    std::vector<AvoidEntry> avoid;
    if (const toml::node* node = root.get("avoid")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'avoid' must be an array of tables ([[avoid]])", r.at(*node));
        } else {
            std::set<std::string> seen;
            static constexpr std::array kKinds = {"nerve", "artery", "vein", "plexus", "lung"};
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.at(entry);
                r.check_keys(entry, std::array{"id", "side", "kind", "name", "warn_mm", "group"},
                             "[[avoid]]");
                AvoidEntry a;
                bool ok = true;
                a.id = entry_id(r, entry, "[[avoid]]", "avoid structure", entry_location, ok);
                if (auto side = entry_side(r, entry, "[[avoid]]", false, entry_location, ok))
                    a.side = *side;
                if (auto kind = r.string_at(entry, "kind", true, "[[avoid]]", entry_location)) {
                    if (is_avoid_kind(*kind)) {
                        a.kind = *kind;
                    } else {
                        r.error("manifest.bad-value",
                                "kind '" + *kind + "' must be one of " + join_quoted(kKinds) +
                                    did_you_mean(*kind, kKinds),
                                r.at(*entry.get("kind")));
                        ok = false;
                    }
                } else {
                    ok = false;
                }
                if (auto name = r.string_at(entry, "name", false, "[[avoid]]", entry_location))
                    a.name = *name;
                else if (entry.get("name"))
                    ok = false;
                else
                    a.name = a.id;
                a.warn_mm = default_avoid_warn_mm(a.kind);
                if (const toml::node* warn = entry.get("warn_mm")) {
                    if (!warn->is_number()) {
                        r.error("manifest.type",
                                std::string("'warn_mm' must be a number, not ") + type_name(*warn),
                                r.at(*warn));
                        ok = false;
                    } else {
                        const double v = warn->is_integer()
                                             ? static_cast<double>(warn->as_integer()->get())
                                             : warn->as_floating_point()->get();
                        if (!(v >= 0.0 && v <= 50.0)) {
                            r.error("manifest.bad-value",
                                    "'warn_mm' must be between 0 and 50 (millimetres)",
                                    r.at(*warn));
                            ok = false;
                        } else {
                            a.warn_mm = static_cast<float>(v);
                        }
                    }
                }
                AvoidStructure probe;
                probe.id = a.id;
                probe.side = a.side;
                if (auto group = r.string_at(entry, "group", false, "[[avoid]]", entry_location)) {
                    a.group = *group;
                    a.group_location = r.at(*entry.get("group"));
                } else if (entry.get("group")) {
                    ok = false;
                } else {
                    a.group = "avoid_" + probe.key(); // default: "avoid_<id>[_<side>]"
                    a.group_location = entry_location;
                }
                if (!ok)
                    continue;
                if (!seen.insert(probe.key()).second) {
                    r.error("manifest.bad-value",
                            "avoid structure '" + probe.key() + "' is listed twice",
                            entry_location);
                    continue;
                }
                avoid.push_back(std::move(a));
            }
        }
    }

    // --- [groups]
    if (const toml::table* groups = r.table_at(root, "groups", false, root_location)) {
        std::set<std::string> muscle_ids;
        for (const auto& m : muscles)
            muscle_ids.insert(m.id);
        for (auto&& [key, node] : *groups) {
            const std::string name(key.str());
            const toml::array* members = node.as_array();
            if (!members) {
                r.error("manifest.type",
                        "group '" + name + "' must be an array of muscle ids, not " +
                            type_name(node),
                        r.at(node));
                continue;
            }
            std::vector<std::string> ids;
            for (const toml::node& member : *members) {
                if (!member.is_string()) {
                    r.error("manifest.type",
                            "group '" + name + "' must list muscle ids as strings, not " +
                                type_name(member),
                            r.at(member));
                    continue;
                }
                const std::string id = member.as_string()->get();
                if (!muscle_ids.count(id)) {
                    r.error("manifest.unknown-group",
                            "group '" + name + "' names muscle '" + id +
                                "', which is not in [[muscles]]" + did_you_mean(id, muscle_ids),
                            r.at(member));
                    continue;
                }
                ids.push_back(id);
            }
            model.groups[name] = std::move(ids);
        }
    }

    // --- [landmarks]
    std::vector<LandmarkEntry> landmarks;
    if (const toml::table* table = r.table_at(root, "landmarks", false, root_location)) {
        const auto standard = standard_landmark_names();
        for (auto&& [key, node] : *table) {
            const std::string name(key.str());
            if (std::find(standard.begin(), standard.end(), name) == standard.end())
                r.warning("manifest.unknown-key",
                          "landmark '" + name + "' is not a standard landmark name" +
                              did_you_mean(name, standard),
                          r.at(key.source()));
            const toml::array* xyz = node.as_array();
            if (!xyz || xyz->size() != 3 ||
                !std::all_of(xyz->begin(), xyz->end(),
                             [](const toml::node& n) { return n.is_number(); })) {
                r.error("manifest.type",
                        "landmark '" + name + "' must be an array of 3 numbers [x, y, z]",
                        r.at(node));
                continue;
            }
            glm::vec3 p;
            for (int k = 0; k < 3; ++k) {
                const toml::node& n = *xyz->get(static_cast<std::size_t>(k));
                p[k] = n.is_integer() ? static_cast<float>(n.as_integer()->get())
                                      : static_cast<float>(n.as_floating_point()->get());
            }
            if (!finite(p)) {
                r.error("manifest.bad-value", "landmark '" + name + "' has a non-finite coordinate",
                        r.at(node));
                continue;
            }
            landmarks.push_back({name, p, r.at(node)});
        }
    }

    // Stop before the mesh when the manifest itself is wrong: its errors are what the author must
    // fix.
    if (has_errors(r.diagnostics) || !frame_ok || !obj_path || !skin_group)
        return finish();

    // --- the OBJ
    if (!fs::exists(*obj_path, ec)) {
        r.error("manifest.mesh-missing", "mesh file '" + obj_path->string() + "' does not exist",
                mesh_file_location);
        return finish();
    }
    auto obj = detail::read_obj(*obj_path, obj_path->string(), frame.scale);
    result.diagnostics.insert(result.diagnostics.end(), obj.diagnostics.begin(),
                              obj.diagnostics.end());
    if (!obj.value)
        return finish();

    std::vector<std::string> group_names;
    for (const auto& g : obj.value->groups)
        group_names.push_back(g.name);
    const detail::ObjGroup* skin = obj.value->find_group(*skin_group);
    if (!skin) {
        r.error("manifest.no-skin",
                "the mesh has no group '" + *skin_group + "' (it has " + join_quoted(group_names) +
                    ")" + did_you_mean(*skin_group, group_names),
                skin_group_location);
    }
    for (const auto& m : muscles) {
        if (!obj.value->find_group(m.group))
            r.error("manifest.unknown-group",
                    "the mesh has no group '" + m.group + "' for muscle '" + m.id + "'" +
                        did_you_mean(m.group, group_names),
                    m.group_location);
    }
    for (const auto& b : bones) {
        if (!obj.value->find_group(b.group))
            r.error("manifest.unknown-group",
                    "the mesh has no group '" + b.group + "' for bone '" + b.id + "'" +
                        did_you_mean(b.group, group_names),
                    b.group_location);
    }
    for (const auto& a : avoid) {
        if (!obj.value->find_group(a.group))
            r.error("manifest.unknown-group",
                    "the mesh has no group '" + a.group + "' for avoid structure '" + a.id + "'" +
                        did_you_mean(a.group, group_names),
                    a.group_location);
    }
    if (has_errors(r.diagnostics))
        return finish();

    // --- model space
    model.skin_path = *obj_path;
    model.skin = build_skin(*obj.value, *skin, frame);
    const auto non_finite = [](const Mesh& mesh) {
        return std::any_of(mesh.positions.begin(), mesh.positions.end(),
                           [](const glm::vec3& p) { return !finite(p); });
    };
    if (non_finite(model.skin)) {
        result.diagnostics.push_back({Severity::error,
                                      "obj.non-finite",
                                      "skin coordinates overflow when converted to millimetres",
                                      {obj_path->string(), skin->first_line, 0},
                                      {}});
        return finish();
    }
    // A group whose coordinates overflow float millimetres after the unit conversion.
    const auto overflowed = [&](const std::string& name, const detail::ObjGroup& group) {
        result.diagnostics.push_back(
            {Severity::error,
             "obj.non-finite",
             "coordinates of '" + name + "' overflow when converted to millimetres",
             {obj_path->string(), group.first_line, 0},
             {}});
    };
    for (const auto& entry : muscles) {
        const detail::ObjGroup* group = obj.value->find_group(entry.group);
        Muscle muscle;
        muscle.id = entry.id;
        muscle.side = entry.side;
        muscle.layer = entry.layer;
        bool has_uvs = false;
        muscle.mesh = build_muscle(*obj.value, *group, frame, has_uvs);
        if (non_finite(muscle.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        if (!has_uvs)
            result.diagnostics.push_back({Severity::warning,
                                          "obj.no-uv",
                                          "muscle group '" + entry.group +
                                              "' has no texture coordinates on every corner: its "
                                              "fibre direction is unknown (a default is used)",
                                          {obj_path->string(), group->first_line, 0},
                                          {}});
        muscle.fibre_directions = fibre_directions(muscle.mesh);
        model.muscles.push_back(std::move(muscle));
    }

    for (const auto& entry : bones) {
        const detail::ObjGroup* group = obj.value->find_group(entry.group);
        Bone bone;
        bone.id = entry.id;
        bone.side = entry.side;
        bone.mesh = build_skin(*obj.value, *group, frame); // welded by position, like the skin
        if (non_finite(bone.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        model.bones.push_back(std::move(bone));
    }

    for (const auto& entry : avoid) {
        const detail::ObjGroup* group = obj.value->find_group(entry.group);
        AvoidStructure a;
        a.id = entry.id;
        a.side = entry.side;
        a.kind = entry.kind;
        a.display_name = entry.name;
        a.warn_mm = entry.warn_mm;
        a.mesh = build_skin(*obj.value, *group, frame); // welded by position, like the skin
        if (non_finite(a.mesh)) {
            overflowed(entry.group, *group);
            continue;
        }
        model.avoid.push_back(std::move(a));
    }

    // --- landmarks onto the skin
    const SurfaceIndex skin_index(model.skin);
    for (const auto& l : landmarks) {
        const glm::vec3 p = frame.point(l.file_point);
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
