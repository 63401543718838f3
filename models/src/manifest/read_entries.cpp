// The entry tables of a manifest: [[muscles]], [[bones]] and [[avoid]].
#include <array>
#include <set>

#include "manifest_internal.hpp"

namespace injmap::detail {

namespace {

// The "id" of a [[muscles]] or [[bones]] entry (required; lowercase letters, digits, '-' or '_').
// Clears `ok` after reporting what is wrong.
std::string entry_id(ManifestReader& r, const toml::table& entry, const char* table,
                     const char* kind, const SourceLocation& where, bool& ok) {
    const auto id = r.string_at(entry, "id", true, table, where);
    if (!id) {
        ok = false;
        return {};
    }
    if (!valid_manifest_id(*id)) {
        r.error("manifest.bad-value",
                std::string(kind) + " id '" + *id +
                    "' must be lowercase letters, digits, '-' or '_'",
                r.loc(*entry.get("id")));
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
            r.loc(*entry.get("side")));
    ok = false;
    return std::nullopt;
}

} // namespace

void read_muscles(const toml::table& root, ManifestReader& r, ManifestData& out) {
    // --- [[muscles]]
    std::vector<MuscleEntry>& muscles = out.muscles;
    if (const toml::node* node = root.get("muscles")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'muscles' must be an array of tables ([[muscles]])",
                    r.loc(*node));
        } else {
            std::set<std::string> seen;
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.loc(entry);
                r.check_keys(entry, "[[muscles]]", {"id", "side", "group", "layer"});
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
                                r.loc(*entry.get("layer")));
                        ok = false;
                    }
                } else if (entry.get("layer")) {
                    ok = false;
                }
                if (auto group =
                        r.string_at(entry, "group", false, "[[muscles]]", entry_location)) {
                    m.group = *group;
                    m.group_location = r.loc(*entry.get("group"));
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
}

void read_bones(const toml::table& root, ManifestReader& r, ManifestData& out) {
    // --- [[bones]] (optional: a model may have no skeleton)
    std::vector<BoneEntry>& bones = out.bones;
    if (const toml::node* node = root.get("bones")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'bones' must be an array of tables ([[bones]])",
                    r.loc(*node));
        } else {
            std::set<std::string> seen;
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.loc(entry);
                r.check_keys(entry, "[[bones]]", {"id", "side", "group"});
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
                    b.group_location = r.loc(*entry.get("group"));
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
}

void read_avoid(const toml::table& root, ManifestReader& r, ManifestData& out) {
    // --- [[avoid]] (optional: structures the needle should keep away from)
    std::vector<AvoidEntry>& avoid = out.avoid;
    if (const toml::node* node = root.get("avoid")) {
        const toml::array* array = node->as_array();
        if (!array || !(array->empty() || array->is_array_of_tables())) {
            r.error("manifest.type", "'avoid' must be an array of tables ([[avoid]])",
                    r.loc(*node));
        } else {
            std::set<std::string> seen;
            static constexpr std::array kKinds = {"nerve", "artery", "vein", "plexus", "lung"};
            for (const toml::node& element : *array) {
                const toml::table& entry = *element.as_table();
                const SourceLocation entry_location = r.loc(entry);
                r.check_keys(entry, "[[avoid]]",
                             {"id", "side", "kind", "name", "warn_mm", "group"});
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
                                r.loc(*entry.get("kind")));
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
                                r.loc(*warn));
                        ok = false;
                    } else {
                        const double v = warn->is_integer()
                                             ? static_cast<double>(warn->as_integer()->get())
                                             : warn->as_floating_point()->get();
                        if (!(v >= 0.0 && v <= 50.0)) {
                            r.error("manifest.bad-value",
                                    "'warn_mm' must be between 0 and 50 (millimetres)",
                                    r.loc(*warn));
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
                    a.group_location = r.loc(*entry.get("group"));
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
}

} // namespace injmap::detail
