// The manifest's file, its guarded parse, the top-level keys, [mesh] and [skin]; read_manifest
// reads every section in order.
#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <system_error>

#include "manifest_internal.hpp"

namespace injmap::detail {
namespace fs = std::filesystem;

std::optional<std::string> ManifestReader::string_at(const toml::table& table, std::string_view key,
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
              "'" + std::string(key) + "' must be a string, not " + type_name(*node), loc(*node));
        return std::nullopt;
    }
    return node->as_string()->get();
}

const toml::table* ManifestReader::table_at(const toml::table& table, std::string_view key,
                                            bool required, SourceLocation table_location) {
    const toml::node* node = table.get(key);
    if (!node) {
        if (required)
            error("manifest.missing-key", "missing table [" + std::string(key) + "]",
                  std::move(table_location));
        return nullptr;
    }
    if (!node->is_table()) {
        error("manifest.type",
              "'" + std::string(key) + "' must be a table, not " + type_name(*node), loc(*node));
        return nullptr;
    }
    return node->as_table();
}

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

namespace {

// The manifest's text, or nullopt after a manifest.io / manifest.too-large error.
std::optional<std::string> read_manifest_text(const fs::path& manifest_path, ManifestReader& r) {
    std::error_code ec;
    if (!fs::exists(manifest_path, ec)) {
        r.error("manifest.io", "the manifest does not exist", r.whole_file());
        return std::nullopt;
    }
    if (!fs::is_regular_file(manifest_path, ec)) {
        r.error("manifest.io", "the manifest path is not a regular file", r.whole_file());
        return std::nullopt;
    }
    const std::uintmax_t size = fs::file_size(manifest_path, ec);
    if (ec) {
        r.error("manifest.io", "cannot read the manifest's size: " + ec.message(), r.whole_file());
        return std::nullopt;
    }
    if (size > kMaxManifestBytes) {
        r.error("manifest.too-large",
                "the manifest is " + std::to_string(size / 1024) +
                    " KB; a model manifest may be at most " +
                    std::to_string(kMaxManifestBytes / 1024) + " KB",
                r.whole_file());
        return std::nullopt;
    }
    std::ifstream in(manifest_path, std::ios::binary);
    if (!in) {
        r.error("manifest.io", "cannot open the manifest", r.whole_file());
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace

void read_top_level(const toml::table& root, const fs::path& manifest_path, ManifestReader& r,
                    ManifestData& out) {
    const SourceLocation root_location = r.file_start();
    r.check_keys(root, "the manifest",
                 {"schema_version", "id", "name", "sex", "source", "mesh", "skin", "muscles",
                  "bones", "avoid", "groups", "landmarks"});
    Model& model = out.model;
    std::error_code ec;
    model.manifest_path = fs::absolute(manifest_path, ec).lexically_normal();
    if (const toml::node* node = root.get("schema_version"); !node) {
        r.error("manifest.missing-key",
                "missing key 'schema_version' (this injmap reads schema_version = 1)",
                root_location);
    } else if (!node->is_integer()) {
        r.error("manifest.type",
                std::string("'schema_version' must be an integer, not ") + type_name(*node),
                r.loc(*node));
    } else if (node->as_integer()->get() != 1) {
        r.error("manifest.bad-value",
                "schema_version " + std::to_string(node->as_integer()->get()) +
                    " is not understood (only 1 is)",
                r.loc(*node));
    }
    if (auto id = r.string_at(root, "id", true, "the manifest", root_location)) {
        if (!valid_manifest_id(*id))
            r.error("manifest.bad-value",
                    "id '" + *id + "' must be lowercase letters, digits, '-' or '_'",
                    r.loc(*root.get("id")));
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
                    r.loc(*root.get("sex")));
        model.sex = *sex;
    } else {
        model.sex = "unspecified";
    }
    (void)r.string_at(root, "source", false, "the manifest", root_location);
}

void read_mesh(const toml::table& root, const fs::path& manifest_path, ManifestReader& r,
               ManifestData& out) {
    Frame& frame = out.frame;
    bool& frame_ok = out.frame_ok;
    out.mesh_file_location = r.file_start();
    const toml::table* mesh = r.table_at(root, "mesh", true, r.file_start());
    if (!mesh) {
        frame_ok = false;
        return;
    }
    const SourceLocation mesh_location = r.loc(*mesh);
    out.mesh_location = out.units_location = out.up_location = out.forward_location = mesh_location;
    r.check_keys(*mesh, "[mesh]", {"file", "units", "up", "forward"});
    if (auto file = r.string_at(*mesh, "file", true, "[mesh]", mesh_location)) {
        out.mesh_file_location = r.loc(*mesh->get("file"));
        if (file->empty()) {
            r.error("manifest.bad-value", "[mesh] file is empty", out.mesh_file_location);
        } else {
            fs::path p(*file);
            if (p.is_relative())
                p = manifest_path.parent_path() / p;
            std::error_code ec;
            out.obj_path = fs::absolute(p, ec).lexically_normal();
        }
    }
    if (auto units = r.string_at(*mesh, "units", true, "[mesh]", mesh_location)) {
        out.units_location = r.loc(*mesh->get("units"));
        if (auto scale = unit_scale(*units)) {
            frame.scale = *scale;
            out.units = *units;
        } else {
            frame_ok = false;
            r.error("manifest.unknown-units",
                    "unknown units '" + *units + "': use one of " + join_quoted(kUnitNames) +
                        did_you_mean(*units, kUnitNames),
                    r.loc(*mesh->get("units")));
        }
    } else {
        frame_ok = false;
    }
    auto axis = [&](const char* key, const char* fallback, glm::vec3& axis_out) {
        const auto value = r.string_at(*mesh, key, false, "[mesh]", mesh_location);
        if (!value) {
            if (mesh->get(key)) { // present but mistyped (already reported)
                frame_ok = false;
                return false;
            }
            axis_out = *axis_vector(fallback);
            return true;
        }
        (std::string_view(key) == "up" ? out.up_location : out.forward_location) =
            r.loc(*mesh->get(key));
        if (auto v = axis_vector(*value)) {
            axis_out = *v;
            (std::string_view(key) == "up" ? out.up_name : out.forward_name) = *value;
            return true;
        }
        frame_ok = false;
        r.error("manifest.bad-axes",
                "[mesh] " + std::string(key) + " '" + *value + "' must be one of " +
                    join_quoted(kAxisNames),
                r.loc(*mesh->get(key)));
        return false;
    };
    const bool up_ok = axis("up", "+y", frame.up);
    const bool forward_ok = axis("forward", "+z", frame.forward);
    if (up_ok && forward_ok) {
        if (std::fabs(glm::dot(frame.up, frame.forward)) > 0.5f) {
            frame_ok = false;
            const toml::node* where = mesh->get("forward") ? mesh->get("forward") : mesh->get("up");
            r.error("manifest.bad-axes", "[mesh] up and forward must be perpendicular",
                    where ? r.loc(*where) : mesh_location);
        } else {
            frame.left = glm::cross(frame.up, frame.forward);
        }
    }
}

void read_skin(const toml::table& root, ManifestReader& r, ManifestData& out) {
    out.skin_group_location = r.file_start();
    const toml::table* skin = r.table_at(root, "skin", true, r.file_start());
    if (!skin)
        return;
    r.check_keys(*skin, "[skin]", {"group"});
    const toml::node* node = skin->get("group");
    if (!node) {
        r.error("manifest.missing-key", "missing key 'group' in [skin]", r.loc(*skin));
        return;
    }
    out.skin_group_location = r.loc(*node);
    std::vector<NamedGroup> names;
    if (const auto* text = node->as_string()) {
        names.push_back({text->get(), r.loc(*node)});
    } else if (const auto* list = node->as_array()) {
        bool typed = true;
        for (const toml::node& item : *list) {
            if (const auto* name = item.as_string()) {
                const bool seen = std::any_of(names.begin(), names.end(), [&](const NamedGroup& g) {
                    return g.name == name->get();
                });
                if (!seen) // a group named twice is one group
                    names.push_back({name->get(), r.loc(item)});
            } else {
                typed = false;
                r.error("manifest.type",
                        std::string("[skin] group's items must be strings, not ") + type_name(item),
                        r.loc(item));
            }
        }
        if (!typed)
            return;
        if (names.empty()) {
            r.error("manifest.bad-value", "[skin] group is an empty list: name at least one group",
                    r.loc(*node));
            return;
        }
    } else {
        r.error("manifest.type",
                std::string("[skin] group must be a string or a list of strings, not ") +
                    type_name(*node),
                r.loc(*node));
        return;
    }
    for (const auto& g : names) {
        if (g.name == "*" && names.size() > 1) {
            r.error("manifest.bad-value",
                    "[skin] group \"*\" (every group) cannot be listed with other names",
                    g.location);
            return;
        }
    }
    out.skin_groups = std::move(names);
}

std::optional<ManifestData> read_manifest(const fs::path& manifest_path, ManifestReader& r) {
    const std::optional<std::string> text = read_manifest_text(manifest_path, r);
    if (!text)
        return std::nullopt;
    const std::optional<toml::table> root =
        parse_toml(*text, r, "manifest.syntax", kMaxManifestBytes, "a model manifest");
    if (!root)
        return std::nullopt;
    ManifestData out;
    read_top_level(*root, manifest_path, r, out);
    read_mesh(*root, manifest_path, r, out);
    read_skin(*root, r, out);
    read_muscles(*root, r, out);
    read_bones(*root, r, out);
    read_avoid(*root, r, out);
    read_groups(*root, r, out);
    read_landmarks(*root, r, out);
    return out;
}

} // namespace injmap::detail
