// The name tables of a manifest: [groups] (named sets of muscles) and [landmarks].
#include <algorithm>
#include <set>

#include "injmap/models/landmark_names.hpp"
#include "manifest_internal.hpp"

namespace injmap::detail {

namespace {

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

} // namespace

void read_groups(const toml::table& root, ManifestReader& r, ManifestData& out) {
    // --- [groups]
    if (const toml::table* groups = r.table_at(root, "groups", false, r.file_start())) {
        std::set<std::string> muscle_ids;
        for (const auto& m : out.muscles)
            muscle_ids.insert(m.id);
        for (auto&& [key, node] : *groups) {
            const std::string name(key.str());
            const toml::array* members = node.as_array();
            if (!members) {
                r.error("manifest.type",
                        "group '" + name + "' must be an array of muscle ids, not " +
                            type_name(node),
                        r.loc(node));
                continue;
            }
            std::vector<std::string> ids;
            for (const toml::node& member : *members) {
                if (!member.is_string()) {
                    r.error("manifest.type",
                            "group '" + name + "' must list muscle ids as strings, not " +
                                type_name(member),
                            r.loc(member));
                    continue;
                }
                const std::string id = member.as_string()->get();
                if (!muscle_ids.count(id)) {
                    r.error("manifest.unknown-group",
                            "group '" + name + "' names muscle '" + id +
                                "', which is not in [[muscles]]" + did_you_mean(id, muscle_ids),
                            r.loc(member));
                    continue;
                }
                ids.push_back(id);
            }
            out.model.groups[name] = std::move(ids);
        }
    }
}

void read_landmarks(const toml::table& root, ManifestReader& r, ManifestData& out) {
    // --- [landmarks]
    std::vector<LandmarkEntry>& landmarks = out.landmarks;
    if (const toml::table* table = r.table_at(root, "landmarks", false, r.file_start())) {
        const auto standard = standard_landmark_names();
        for (auto&& [key, node] : *table) {
            const std::string name(key.str());
            if (std::find(standard.begin(), standard.end(), name) == standard.end())
                r.warning("manifest.unknown-key",
                          "landmark '" + name + "' is not a standard landmark name" +
                              did_you_mean(name, standard),
                          r.loc(key.source()));
            const toml::array* xyz = node.as_array();
            if (!xyz || xyz->size() != 3 ||
                !std::all_of(xyz->begin(), xyz->end(),
                             [](const toml::node& n) { return n.is_number(); })) {
                r.error("manifest.type",
                        "landmark '" + name + "' must be an array of 3 numbers [x, y, z]",
                        r.loc(node));
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
                        r.loc(node));
                continue;
            }
            landmarks.push_back({name, p, r.loc(node)});
        }
    }
}

} // namespace injmap::detail
