#include "injmap/protocols/placement.hpp"

#include <cmath>
#include <set>

#include <glm/geometric.hpp>

#include "text_util.hpp"

namespace injmap {
namespace {

// A projection further than this from the skin means the anchor or the offsets are wrong: the
// "closest point" would then be an arbitrary spot (another side of the head, the shoulder).
constexpr float kMaxOffSkinMm = 40.0f;

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// For the right site of a mirrored pair (`both`, `bilateral`), written names with an explicit side
// swap to the other side: the pair is written once, for the left.
std::string mirror_name(const std::string& name) {
    if (ends_with(name, "_left"))
        return name.substr(0, name.size() - 5) + "_right";
    if (ends_with(name, "_right"))
        return name.substr(0, name.size() - 6) + "_left";
    return name;
}

bool mirrored_pair(const Site& site) {
    return site.side_spec == SideSpec::both || site.side_spec == SideSpec::bilateral;
}

// Landmark names for "did you mean": full names and the base names of sided ones.
std::vector<std::string> landmark_candidates(const Model& model) {
    std::set<std::string> names;
    for (const auto& [name, point] : model.landmarks) {
        (void)point;
        names.insert(name);
        if (ends_with(name, "_left"))
            names.insert(name.substr(0, name.size() - 5));
        else if (ends_with(name, "_right"))
            names.insert(name.substr(0, name.size() - 6));
    }
    return {names.begin(), names.end()};
}

// The point a (possibly unsided) landmark name stands for on a site's side. A midline site naming a
// sided landmark without a suffix uses the midpoint of the pair (e.g. procerus between the brows).
std::optional<glm::vec3> landmark_point(const Model& model, const std::string& written,
                                        const Site& site) {
    const std::string name =
        site.side == Side::right && mirrored_pair(site) ? mirror_name(written) : written;
    if (auto p = model.landmark(resolve_landmark_name(model, name, site.side)))
        return p;
    if (site.side == Side::midline) {
        auto l = model.landmark(name + "_left");
        auto r = model.landmark(name + "_right");
        if (l && r)
            return (*l + *r) * 0.5f;
    }
    return std::nullopt;
}

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

} // namespace

std::string resolve_landmark_name(const Model& model, const std::string& name, Side side) {
    if (model.landmarks.count(name) != 0 || side == Side::midline)
        return name;
    return name + "_" + to_string(side);
}

Result<PlacedProtocol> place_protocol(const Protocol& protocol, const ModelQueries& queries) {
    Result<PlacedProtocol> result;
    PlacedProtocol placed;
    const Model& model = queries.model();
    std::vector<std::string> candidates; // built on the first unknown name only

    auto unknown = [&](const Site& site, const std::string& name, const char* role) {
        if (candidates.empty())
            candidates = landmark_candidates(model);
        result.diagnostics.push_back(
            {Severity::error,
             "placement.unknown-landmark",
             detail::one_line("site '" + site.id + "': " + role + " '" + name +
                              "' is not a landmark of model '" + model.id + "'" +
                              detail::did_you_mean(name, candidates)),
             site.placement.where,
             {}});
    };

    for (const Site* site : protocol.sites()) {
        PlacedSite out;
        out.site = site;
        const Placement& at = site->placement;
        auto anchor = landmark_point(model, at.landmark, *site);
        if (!anchor)
            unknown(*site, at.landmark, "landmark");
        if (anchor && !at.toward.empty()) {
            if (auto target = landmark_point(model, at.toward, *site))
                *anchor += (*target - *anchor) * static_cast<float>(at.t);
            else {
                unknown(*site, at.toward, "'toward' landmark");
                anchor.reset();
            }
        }
        if (anchor) {
            // Lateral is towards the site's own side: +X (the subject's left) for left and midline
            // sites.
            const float lateral_sign = site->side == Side::right ? -1.0f : 1.0f;
            const glm::vec3 target =
                *anchor + glm::vec3(static_cast<float>(at.lateral_mm) * lateral_sign,
                                    static_cast<float>(at.up_mm),
                                    static_cast<float>(at.forward_mm));
            std::optional<SurfaceHit> hit;
            if (finite(target))
                hit = queries.skin().closest_point(target);
            if (!hit || !finite(hit->point) || !(hit->distance <= kMaxOffSkinMm)) {
                result.diagnostics.push_back(
                    {Severity::error,
                     "placement.off-skin",
                     "site '" + site->id + "': the point is " +
                         (hit ? detail::format_number(std::round(hit->distance * 10.0f) / 10.0) +
                                    " mm from the skin of model '" + model.id + "' (at most " +
                                    detail::format_number(kMaxOffSkinMm) + " mm); check the offsets"
                              : std::string("not on the skin of model '") + model.id +
                                    "' (the model has no skin)"),
                     at.where,
                     {}});
            } else {
                glm::vec3 normal = hit->normal;
                const float length = glm::length(normal);
                if (!(length > 1e-6f) || !std::isfinite(length)) {
                    // A degenerate normal: fall back to the direction from the skin to the target.
                    const glm::vec3 d = target - hit->point;
                    normal =
                        glm::length(d) > 1e-6f ? glm::normalize(d) : glm::vec3(0.0f, 0.0f, 1.0f);
                } else {
                    normal /= length;
                }
                out.position = hit->point;
                out.normal = normal;
                out.needle_direction = -normal;
                out.muscle_hit = queries.muscle_under(out.position, out.normal);
                out.placed = true;
            }
        }
        placed.sites.push_back(out);
    }
    result.value = std::move(placed);
    return result;
}

} // namespace injmap
