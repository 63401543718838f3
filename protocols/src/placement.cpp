#include "injmap/protocols/placement.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

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

// The skin's outward normal at the anchor (the anchor is a landmark on the skin, or a point between
// two); nullopt when degenerate.
std::optional<glm::vec3> anchor_normal(const SurfaceIndex& skin, const glm::vec3& anchor) {
    const auto hit = skin.closest_point(anchor);
    if (!hit)
        return std::nullopt;
    const float length = glm::length(hit->normal);
    if (!(length > 1e-6f) || !std::isfinite(length))
        return std::nullopt;
    return hit->normal / length;
}

// The line a target is projected along: the anchor's normal without its parts along the offset's
// axes (offsets up and lateral from a landmark at the back of the neck project straight forward,
// as the back view sees them: the offsets are kept), else without its part along the offset,
// else none (the normal runs along the offset: the closest point is taken).
std::optional<glm::vec3> projection_direction(const glm::vec3& normal, const glm::vec3& offset) {
    constexpr float kUsedMm = 0.5f, kMinLength = 0.25f, kMaxAlongOffset = 0.3f;
    const float offset_length = glm::length(offset);
    // An offset that leaves the skin rather than running along it (more than 30° out of the
    // anchor's tangent plane: 25 mm behind and below the mastoid) has no line to keep: the
    // closest point is taken.
    if (offset_length > kUsedMm &&
        std::fabs(glm::dot(normal, offset)) > kMaxAlongOffset * offset_length)
        return std::nullopt;
    glm::vec3 d = normal;
    // The offset's axes, and the normal's slight tilts (a midline site's normal a degree off the
    // midline plane on a mesh) are left out.
    for (int k = 0; k < 3; ++k)
        if (std::fabs(offset[k]) > kUsedMm || std::fabs(d[k]) < 0.05f)
            d[k] = 0.0f;
    if (glm::length(d) >= kMinLength)
        return glm::normalize(d);
    if (!(offset_length > kUsedMm))
        return normal;
    const glm::vec3 along = offset / offset_length;
    d = normal - glm::dot(normal, along) * along;
    if (glm::length(d) >= kMinLength)
        return glm::normalize(d);
    return std::nullopt;
}

// The skin along the line through `through` in direction n: the crossing where the line, coming
// from outside, enters the skin nearest `through` (within kMaxOffSkinMm either side), then
// outwards to the outermost of a stack of surfaces entered one after another with none left
// between (a scan's hair over its scalp, an inner shell): the visible surface. A separate part
// of the body further out (an ear) is not a stack: the line leaves it first. nullopt when the line
// enters no skin there. The hit's distance is measured from `target`.
std::optional<SurfaceHit> along_line(const SurfaceIndex& skin, const glm::vec3& through,
                                     const glm::vec3& n, const glm::vec3& target,
                                     bool nudged = false) {
    const glm::vec3 origin = through + n * kMaxOffSkinMm;
    const std::vector<RayCrossing> crossings = skin.ray_crossings(origin, -n, 2.0f * kMaxOffSkinMm);
    if (!nudged && std::none_of(crossings.begin(), crossings.end(),
                                [](const RayCrossing& c) { return c.entering; })) {
        // A line exactly along a mesh edge (a symmetric mesh's midline) can slip between its two
        // triangles: once more, 0.01 mm to the side.
        const glm::vec3 side = glm::normalize(
            glm::cross(n, std::fabs(n.x) < 0.9f ? glm::vec3(1, 0, 0) : glm::vec3(0, 1, 0)));
        return along_line(skin, through + 0.01f * side, n, target, true);
    }
    // Nearest entering crossing to the target (distance kMaxOffSkinMm along the ray).
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < crossings.size(); ++i)
        if (crossings[i].entering &&
            (!best || std::fabs(crossings[i].distance - kMaxOffSkinMm) <
                          std::fabs(crossings[*best].distance - kMaxOffSkinMm)))
            best = i;
    if (!best)
        return std::nullopt;
    // Outwards (towards the origin) through entering crossings only; duplicates at a shared edge
    // (within 0.01 mm) are the same crossing.
    std::size_t chosen = *best;
    for (std::size_t i = *best; i-- > 0;) {
        if (crossings[chosen].distance - crossings[i].distance < 0.01f)
            continue;
        if (!crossings[i].entering)
            break;
        chosen = i;
    }
    const glm::vec3 point = origin - n * crossings[chosen].distance;
    // The interpolated normal there (the crossing's own triangle or its neighbour at an edge).
    auto hit = skin.closest_point(point);
    if (!hit)
        return std::nullopt;
    hit->point = point;
    hit->distance = glm::distance(point, target);
    return hit;
}

// The target along its projection line (projection_direction), or nullopt.
std::optional<SurfaceHit> project(const SurfaceIndex& skin, const glm::vec3& anchor,
                                  const glm::vec3& target) {
    const auto normal = anchor_normal(skin, anchor);
    if (!normal)
        return std::nullopt;
    const auto n = projection_direction(*normal, target - anchor);
    if (!n)
        return std::nullopt;
    return along_line(skin, target, *n, target);
}

// The closest skin point to the target, moved out to the outermost of a stack of surfaces along
// its normal (a closest point on an inner shell is hidden under the outer one).
std::optional<SurfaceHit> closest_outer(const SurfaceIndex& skin, const glm::vec3& target) {
    auto hit = skin.closest_point(target);
    if (!hit)
        return hit;
    const float length = glm::length(hit->normal);
    if (length > 1e-6f && std::isfinite(length))
        if (auto outer = along_line(skin, hit->point, hit->normal / length, target))
            // Another surface further out (more than 0.5 mm: not the same one re-found).
            if (const float gap = glm::distance(outer->point, hit->point);
                gap > 0.5f && gap < kMaxOffSkinMm)
                return outer;
    return hit;
}

} // namespace

std::size_t PlacedProtocol::placed_count() const {
    std::size_t n = 0;
    for (const PlacedSite& s : sites)
        n += s.placed ? 1 : 0;
    return n;
}

std::string moved_direction(const PlacedSite& placed) {
    const glm::vec3 v = placed.moved;
    const float length = glm::length(v);
    if (!(length >= 0.05f))
        return "none";
    const Side side = placed.site ? placed.site->side : Side::midline;
    // Towards the subject's left is +X; lateral is away from the midline on the site's side.
    const float lateral = side == Side::right ? -v.x : v.x;
    std::vector<std::pair<float, std::string>> parts = {
        {std::fabs(v.y), v.y > 0.0f ? "up" : "down"},
        {std::fabs(v.z), v.z > 0.0f ? "forward" : "back"},
        {std::fabs(v.x), side == Side::midline ? (v.x > 0.0f ? "left" : "right")
                                               : (lateral > 0.0f ? "lateral" : "medial")},
    };
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out;
    for (const auto& [size, word] : parts)
        if (size >= 0.25f * length)
            out += (out.empty() ? "" : ", ") + word;
    return out;
}

std::vector<std::string> unplaced_notes(const std::string& model_id, const Protocol& protocol,
                                        const PlacedProtocol& placed) {
    std::vector<std::string> ids;
    const auto sites = protocol.sites();
    for (std::size_t i = 0; i < sites.size() && i < placed.sites.size(); ++i)
        if (!placed.sites[i].placed)
            ids.push_back(sites[i]->id);
    if (ids.empty())
        return {};
    std::vector<std::string> lines{"Not placed on " + model_id + " (" + std::to_string(ids.size()) +
                                   " of " + std::to_string(sites.size()) + " sites):"};
    std::string line;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string item = ids[i] + (i + 1 < ids.size() ? "," : "");
        if (!line.empty() && line.size() + 1 + item.size() > 70) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + item;
    }
    lines.push_back(line);
    return lines;
}

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
            bool along_normal = false;
            if (finite(target)) {
                const auto closest = closest_outer(queries.skin(), target);
                hit = project(queries.skin(), *anchor, target);
                // A line that grazes the skin, or meets it only on another part (an eyelid's
                // line running into the eye socket), lands far further than the skin is: then
                // the closest point is the better guess (and moved_mm still says how far).
                if (hit && closest &&
                    hit->distance > closest->distance + std::max(5.0f, 0.5f * closest->distance))
                    hit.reset();
                along_normal = hit.has_value();
                if (!hit)
                    hit = closest;
            }
            if (!hit || !finite(hit->point) ||
                !(glm::distance(hit->point, target) <= kMaxOffSkinMm)) {
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
                out.target = target;
                out.moved = hit->point - target;
                out.moved_mm = glm::length(out.moved);
                out.along_normal = along_normal;
                if (out.moved_mm > kPlacementMovedWarnMm)
                    result.diagnostics.push_back(
                        {Severity::warning,
                         "placement.moved",
                         "site '" + site->id + "': projecting onto the skin of model '" + model.id +
                             "' moves it " +
                             detail::format_number(std::round(out.moved_mm * 10.0f) / 10.0) +
                             " mm (" + moved_direction(out) + ") from where its landmarks and " +
                             "offsets put it (at most " +
                             detail::format_number(kPlacementMovedWarnMm) +
                             " mm without a warning); the offsets do not follow this model's " +
                             "surface",
                         at.where,
                         {}});
            }
        }
        placed.sites.push_back(out);
    }
    result.value = std::move(placed);
    return result;
}

} // namespace injmap
