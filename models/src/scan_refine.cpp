// Refinement of carried landmarks (scan_refine.hpp).
//
// The carried landmarks follow the template's skin, so a landmark whose template place is off
// (the template has no arms: its acromion sits at the tip of a stump) or whose neighbourhood
// differs in shape (the front of the neck) lands where the template put it, not where the
// definition puts it on this person. These steps look for the definition on the scan itself, the
// way it is found by hand: the skin's outline along a profile (rays cast at the skin as a
// clinician looks at a silhouette), near the carried point. They work in the template's frame
// (the scan brought back by the inverse similarity: template millimetres, +X the subject's left,
// +Y up, +Z forward, the midline at X = 0), so every distance below is at the template's size.
// Points the user gave are never moved.
#include "scan_refine.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <vector>

#include <glm/geometric.hpp>
#include <glm/mat3x3.hpp>
#include <glm/matrix.hpp>
#include <glm/trigonometric.hpp>
#include <glm/vec2.hpp>

namespace injmap::detail {
namespace {

// Rays that trace the skin's outline start this far back (template mm): outside any head or
// shoulders.
constexpr float kRayReachMm = 300.0f;
// The longest outline traced (template mm).
constexpr float kMaxOutlineMm = 500.0f;
// Two crossings of one ray closer than this (scan mm) are one, through a shared edge.
constexpr float kSameCrossingMm = 1e-3f;
class Refiner {
public:
    Refiner(const SurfaceIndex& skin, const Similarity& similarity)
        : skin_(skin), sim_(similarity), inverse_(glm::transpose(similarity.rotation)) {}

    glm::vec3 to_template(const glm::vec3& p) const {
        return inverse_ * (p - sim_.translation) / sim_.scale;
    }
    glm::vec3 to_scan(const glm::vec3& q) const { return sim_.apply(q); }

    // The first skin met by a ray from `origin` along the unit `direction` (template frame).
    std::optional<glm::vec3> hit(const glm::vec3& origin, const glm::vec3& direction) const {
        const auto h =
            skin_.ray_cast(to_scan(origin), sim_.rotation * direction, kRayReachMm * sim_.scale);
        if (!h)
            return std::nullopt;
        return to_template(h->point);
    }

    // The skin's outline seen along `direction`: rays at `start` + t·`step` for t in
    // [-half, half] (`spacing` apart), each from kRayReachMm / 2 back along `direction`. Empty
    // for a window longer than kMaxOutlineMm (landmarks of a broken scan far apart: no one
    // feature of a head is that long) or not a number.
    std::vector<glm::vec3> outline(const glm::vec3& start, const glm::vec3& step, float half,
                                   const glm::vec3& direction, float spacing = 1.0f) const {
        std::vector<glm::vec3> out;
        if (!(half >= 0.0f && 2.0f * half <= kMaxOutlineMm && spacing > 0.0f))
            return out;
        const int rays = int(2.0f * half / spacing);
        for (int i = 0; i <= rays; ++i) {
            const float t = -half + float(i) * spacing;
            if (auto h = hit(start + t * step - 0.5f * kRayReachMm * direction, direction))
                out.push_back(*h);
        }
        return out;
    }

    // The outline's point farthest along `toward` (its support point in that direction).
    static std::optional<glm::vec3> support(const std::vector<glm::vec3>& points,
                                            const glm::vec3& toward) {
        std::optional<glm::vec3> best;
        for (const auto& p : points)
            if (!best || glm::dot(p, toward) > glm::dot(*best, toward))
                best = p;
        return best;
    }

    // Whether a template-frame point lies inside the skin: an odd number of crossings on a ray
    // straight up from it (crossings within kSameCrossingMm of each other, a ray through a shared
    // edge, counted once). The skin's winding is not trusted: scans come either way round.
    bool inside(const glm::vec3& q) const {
        int count = 0;
        float last = -1.0f;
        for (const auto& c : skin_.ray_crossings(to_scan(q), sim_.rotation * glm::vec3(0, 1, 0)))
            if (count == 0 || c.distance - last > kSameCrossingMm) {
                ++count;
                last = c.distance;
            }
        return count % 2 == 1;
    }

    // The skin closest to a template-frame point, in scan space.
    std::optional<glm::vec3> on_skin(const glm::vec3& q) const {
        if (auto c = skin_.closest_point(to_scan(q)))
            return c->point;
        return std::nullopt;
    }

private:
    const SurfaceIndex& skin_;
    const Similarity& sim_;
    glm::mat3 inverse_;
};

// The refinement window (half-width, template mm): the carried point is within a few centimetres
// of the definition's place, and a wider window would reach the next feature (the chin, the arm).
constexpr float kRefineHalfMm = 35.0f;
// The acromion is looked for again only when the shoulder's outline goes on at least this far
// out past the corner (the upper arm).
constexpr float kArmBeyondMm = 20.0f;
// A midline profile with a point this far behind the straight line across it has a hollow.
constexpr float kHollowMm = 2.0f;
// The notch's window reaches this far above the carried point.
constexpr float kNotchAboveMm = 50.0f;

// The clavicle's middle is looked for on the outline from this far below the sternoclavicular
// joint to this far above the acromion, and is where the outline turns past this angle above
// forward (the front of the chest below it, the top of the shoulder behind it).
constexpr float kClavicleBelowMm = 30.0f;
constexpr float kClavicleAboveMm = 15.0f;
constexpr float kClavicleEdgeDeg = 60.0f;
// The subnasale is looked for from this far under the nose's tip, down over this window.
constexpr float kSubnasaleBelowTipMm = 4.0f;
constexpr float kSubnasaleWindowMm = 30.0f;
constexpr float kLipCrestMm = 1.0f;
constexpr float kOverhangMm = 2.0f;
constexpr float kProfileStepMm = 0.5f;
// A ray at the eye that meets skin this far behind the carried pupil (or none) went in through an
// open eye; the opening is looked for this far above and below the carried pupil.
constexpr float kEyeOpeningDepthMm = 8.0f;
constexpr float kEyeSearchMm = 14.0f;
// The inner corner is looked for at most this far toward the nose from the pupil (the
// palpebral fissure is about 30 mm long, the pupil near its middle).
constexpr float kCanthusSearchMm = 25.0f;
// The pupil goes on the upper lid's front, this far above the opening (past the margin's rounding).
constexpr float kLidMarginMm = 1.0f;
constexpr float kGlabellaAboveNasionMm = 25.0f;
// The helix top's window around the carried point (template mm), and how far toward the head a
// point must be in air for a hit to be on the ear.
constexpr float kHelixInMm = 6.0f;
constexpr float kHelixOutMm = 16.0f;
constexpr float kHelixSpanMm = 15.0f;
constexpr float kHelixAboveMm = 25.0f;
constexpr float kEarOffHeadMm = 4.0f;
constexpr float kHelixPlateauMm = 1.0f;
// The ray onto the jaw's angle starts this far out along its line of approach.
constexpr float kGonionApproachMm = 60.0f;

// The landmarks being refined, read and written in the template's frame.
class Landmarks {
public:
    Landmarks(const Refiner& refiner, const std::map<std::string, glm::vec3>& template_landmarks,
              const std::set<std::string>& given, std::map<std::string, glm::vec3>& landmarks)
        : r_(refiner), templ_(template_landmarks), given_(given), lm_(landmarks) {}

    [[nodiscard]] const Refiner& refiner() const { return r_; }
    [[nodiscard]] bool has(const std::string& name) const { return lm_.contains(name); }
    // Carried, not given: the user's points are never moved.
    [[nodiscard]] bool movable(const std::string& name) const {
        return lm_.contains(name) && !given_.contains(name);
    }
    // Where the landmark is now, in the template's frame.
    [[nodiscard]] glm::vec3 at(const std::string& name) const {
        return r_.to_template(lm_.at(name));
    }
    [[nodiscard]] bool in_template(const std::string& name) const { return templ_.contains(name); }
    [[nodiscard]] glm::vec3 template_at(const std::string& name) const { return templ_.at(name); }
    // Moves the landmark to the skin closest to the template-frame point `q`; nothing without one.
    void put(const std::string& name, const std::optional<glm::vec3>& q) {
        if (!q)
            return;
        if (auto p = r_.on_skin(*q))
            lm_[name] = *p;
    }

private:
    const Refiner& r_;
    const std::map<std::string, glm::vec3>& templ_;
    const std::set<std::string>& given_;
    std::map<std::string, glm::vec3>& lm_;
};

// Suprasternal (jugular) notch: the hollow at the base of the front of the neck, above the
// manubrium, on the midline profile (rays from the front). Where the profile near the carried
// point has a hollow — a point at least kHollowMm behind the straight line across the window,
// the ruler laid from the upper chest to the front of the neck — the notch is its deepest
// point; a profile with no hollow there (the front of the neck running straight into the
// chest) keeps the carried point.
void refine_notch(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    if (lm.movable("suprasternal_notch")) {
        const glm::vec3 c = lm.at("suprasternal_notch");
        // The window: kRefineHalfMm below the carried point, kNotchAboveMm above it (the
        // template's notch sits low, on the manubrium, on a neck that meets the chest at an
        // angle).
        const float lo = kRefineHalfMm;
        const float hi = kNotchAboveMm;
        const auto profile = r.outline({0.0f, c.y + 0.5f * (hi - lo), c.z}, {0.0f, 1.0f, 0.0f},
                                       0.5f * (hi + lo), back);
        if (profile.size() >= 3) {
            const glm::vec2 a(profile.front().y, profile.front().z);
            const glm::vec2 b(profile.back().y, profile.back().z);
            const glm::vec2 u = glm::normalize(b - a);
            std::optional<glm::vec3> deepest;
            float depth = 0.0f;
            for (const auto& p : profile) {
                const glm::vec2 v = glm::vec2(p.y, p.z) - a;
                // Behind the chord: the chord's z at this height minus the profile's.
                const float t = glm::dot(v, u);
                const glm::vec2 on = a + t * u;
                const float d = on.y - p.z;
                if (d > depth) {
                    depth = d;
                    deepest = p;
                }
            }
            if (deepest && depth >= kHollowMm) {
                const glm::vec3 moved = *deepest - c;
                lm.put("suprasternal_notch", deepest);
                // The sternoclavicular joints flank the notch at its height, just below and in
                // front of it: they move with it.
                for (const char* name : {"sternoclavicular_left", "sternoclavicular_right"})
                    if (lm.movable(name))
                        lm.put(name, lm.at(name) + moved);
            }
        }
    }
}

// Acromion: the lateral end of the shoulder's flat top, on the coronal section through the
// carried point — the outline seen from above, where the top starts to fall away toward the
// deltoid and the arm: the outline's support point in the direction (±1, 4), i.e. the
// point where the outline turns steeper than 1 in 4 (14°). The acromion's bony shelf is
// the flattest part of the shoulder's top; past it the deltoid's rounding takes over.
void refine_acromions(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    for (const char* side : {"_left", "_right"}) {
        const std::string name = std::string("acromion") + side;
        if (!lm.movable(name))
            continue;
        const glm::vec3 c = lm.at(name);
        const float s = c.x >= 0.0f ? 1.0f : -1.0f;
        const auto top = r.outline(c, {1.0f, 0.0f, 0.0f}, kRefineHalfMm, {0.0f, -1.0f, 0.0f});
        const auto corner = Refiner::support(top, glm::normalize(glm::vec3(s, 4.0f, 0.0f)));
        // Only where the scan has an arm: the outline goes on down past the corner. A scan cut
        // at the shoulder (the template's own armless stump) keeps the carried point, the stump's
        // tip.
        bool arm = false;
        for (const auto& p : top)
            arm = arm || (corner && s * (p.x - corner->x) >= kArmBeyondMm);
        if (arm)
            lm.put(name, corner);
    }
}

// T1–T4: the spinous processes below C7 follow one another down the back's midline at a
// steady step (a vertebra's height). The registration carries T1–T4 with the scan's own
// spacing between them, but lets them lag behind a C7 the given point moved (the MakeHuman
// mesh: T1 11 mm below C7, then 22 mm steps). So: the carried T1→T4 step (its mean), laid
// down from this scan's C7 (given or carried), each on the back's midline profile (a ray
// from behind at that height).
void refine_thoracic(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const char* const thoracic[] = {"t1", "t2", "t3", "t4"};
    bool all = lm.has("c7");
    for (const char* name : thoracic)
        all = all && lm.has(name);
    if (all) {
        const glm::vec3 c7 = lm.at("c7");
        const float step = (lm.at("t1").y - lm.at("t4").y) / 3.0f;
        for (int k = 0; k < 4; ++k) {
            const std::string name = thoracic[k];
            if (!lm.movable(name) || !(step > 0.0f))
                continue;
            const glm::vec3 c = lm.at(name);
            lm.put(name, r.hit({0.0f, c7.y - float(k + 1) * step, c.z - 0.5f * kRayReachMm},
                               {0.0f, 0.0f, 1.0f}));
        }
    }
}

// Clavicle, middle: the front edge of the shoulder's top, where the front of the chest turns
// over onto it. The registration carries the point across the clavicle well but, the chest
// and the neck's base being shaped differently from the template's, leaves it on the chest
// below the bone (the MakeHuman mesh: 16 mm low, 17 mm in front). On the sagittal outline
// through the carried point (rays from the front), from kClavicleBelowMm below the
// sternoclavicular joint to kClavicleAboveMm above the acromion: its support point
// kClavicleEdgeDeg above forward.
void refine_clavicles(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    for (const char* side : {"_left", "_right"}) {
        const std::string name = std::string("clavicle_mid") + side;
        const std::string acromion = std::string("acromion") + side;
        const std::string joint = std::string("sternoclavicular") + side;
        if (!lm.movable(name) || !lm.has(acromion) || !lm.has(joint))
            continue;
        const glm::vec3 c = lm.at(name);
        const float lo = lm.at(joint).y - kClavicleBelowMm;
        const float hi = lm.at(acromion).y + kClavicleAboveMm;
        const auto profile = r.outline({c.x, 0.5f * (lo + hi), c.z}, {0.0f, 1.0f, 0.0f},
                                       0.5f * (hi - lo), back, kProfileStepMm);
        const float edge = glm::radians(kClavicleEdgeDeg);
        lm.put(name, Refiner::support(profile, {0.0f, std::sin(edge), std::cos(edge)}));
    }
}

// Subnasale: where the columella meets the upper lip, on the midline profile (rays from the
// front, kProfileStepMm apart). Walking down from kSubnasaleBelowTipMm under the nose's tip,
// the profile falls back along the columella and then turns down the lip: the corner is
// where a nose that overhangs the lip hides the profile (a step back of more than
// kOverhangMm from one ray to the next: the point above the step), else the deepest point
// before the lip comes forward again by kLipCrestMm. A profile that does neither within the
// window keeps the carried point. The registration follows the nose's outline but lets the
// corner slide up the columella when the scan's nose is shaped differently (the MakeHuman
// mesh: 11 mm).
void refine_subnasale(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    if (lm.movable("subnasale") && lm.has("pronasale")) {
        const glm::vec3 tip = lm.at("pronasale");
        const float hi = tip.y - kSubnasaleBelowTipMm;
        const float lo = hi - kSubnasaleWindowMm;
        const auto profile = r.outline({0.0f, 0.5f * (lo + hi), tip.z}, {0.0f, 1.0f, 0.0f},
                                       0.5f * (hi - lo), back, kProfileStepMm);
        std::optional<glm::vec3> corner;
        bool found = false;
        for (auto p = profile.rbegin(); p != profile.rend() && !found; ++p) {
            if (p != profile.rbegin() && std::prev(p)->z - p->z > kOverhangMm) {
                corner = *std::prev(p);
                found = true;
            } else if (!corner || p->z < corner->z) {
                corner = *p;
            } else if (p->z > corner->z + kLipCrestMm) {
                found = true;
            }
        }
        if (found)
            lm.put("subnasale", corner);
    }
}

// Glabella, the most prominent midline point between the brows (the template's rule): on the
// midline profile (rays from the front), the most forward point from the nasion up
// kGlabellaAboveNasionMm. The registration lets it slide on a forehead without a brow ridge
// (the MakeHuman mesh: 6.5 mm). The opisthocranion, the same on the back of the head, is left
// as carried: there the profile is flat over centimetres (the MakeHuman mesh: within 0.3 mm
// from 745 to 763 mm up) and its extreme no better than the registration's.
void refine_glabella(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    if (lm.movable("glabella") && lm.has("nasion")) {
        const glm::vec3 n = lm.at("nasion");
        const auto profile =
            r.outline({0.0f, n.y + 0.5f * kGlabellaAboveNasionMm, n.z}, {0.0f, 1.0f, 0.0f},
                      0.5f * kGlabellaAboveNasionMm, back, kProfileStepMm);
        lm.put("glabella", Refiner::support(profile, {0.0f, 0.0f, 1.0f}));
    }
}

// The frontal hairline: at the template's height above its glabella, from this scan's, on the
// midline profile (a smooth forehead gives the registration nothing to hold it by).
void refine_hairline(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    if (lm.movable("frontal_hairline") && lm.has("glabella") &&
        lm.in_template("frontal_hairline") && lm.in_template("glabella")) {
        const glm::vec3 g = lm.at("glabella");
        const float y = g.y + (lm.template_at("frontal_hairline").y - lm.template_at("glabella").y);
        lm.put("frontal_hairline", r.hit({0.0f, y, g.z + 0.5f * kRayReachMm}, back));
    }
}

// Pupil and inner eye corner on a scan with open eyes (no skin over the eye: the rays go in
// through the lids). The template's pupil is the centre of the closed lid over the pupil,
// which the registration carries into the opening and the snap puts on its lower margin. On
// an open eye the lid that closes over the pupil is the upper one: the pupil is put on the
// upper lid's margin straight above (the mid-pupillary line is what the sites use), and the
// inner corner where the opening ends toward the nose, at the opening's mid-height. A scan
// with closed lids has no opening there and keeps the carried points.
void refine_open_eyes(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    const glm::vec3 back(0.0f, 0.0f, -1.0f);
    for (const char* side : {"_left", "_right"}) {
        const std::string pupil = std::string("pupil") + side;
        if (!lm.movable(pupil))
            continue;
        const glm::vec3 c = lm.at(pupil);
        auto in_opening = [&](float x, float y) {
            const auto h = r.hit({x, y, c.z + 0.5f * kRayReachMm}, back);
            return !h || h->z < c.z - kEyeOpeningDepthMm;
        };
        // Counted steps (not a float stepped by 0.5 mm, which a far-off point would never move).
        const int rows = int(2.0f * kEyeSearchMm / kProfileStepMm);
        std::optional<float> bottom, top;
        for (int i = 0; i <= rows; ++i) {
            const float y = c.y - kEyeSearchMm + float(i) * kProfileStepMm;
            const bool open = in_opening(c.x, y);
            if (open && !bottom)
                bottom = y;
            if (bottom && !open) {
                top = y;
                break;
            }
        }
        if (!bottom || !top)
            continue;
        lm.put(pupil, r.hit({c.x, *top + kLidMarginMm, c.z + 0.5f * kRayReachMm}, back));
        const std::string corner = std::string("medial_canthus") + side;
        if (!lm.movable(corner))
            continue;
        // Toward the nose along the opening's mid-height until no ray goes in within half
        // kEyeSearchMm of it: the corner is the skin there.
        const float mid = 0.5f * (*bottom + *top - kProfileStepMm);
        const float s = c.x >= 0.0f ? 1.0f : -1.0f;
        const int columns = int(kCanthusSearchMm / kProfileStepMm);
        for (int i = 0; i <= columns; ++i) {
            const float x = c.x - s * float(i) * kProfileStepMm;
            if (s * x <= 0.0f)
                break;
            bool open = false;
            for (int j = 0; j <= rows / 2 && !open; ++j)
                open = in_opening(x, mid - 0.5f * kEyeSearchMm + float(j) * kProfileStepMm);
            if (!open) {
                lm.put(corner, r.hit({x, mid, c.z + 0.5f * kRayReachMm}, back));
                break;
            }
        }
    }
}

// Helix top: the highest point of the ear, looking down on the part of the ear that stands
// off the head (the template's rule). Rays straight down over a window around the carried
// point, reaching kHelixOutMm further out from the head and kHelixInMm in toward it,
// kHelixSpanMm forward and back; a ray that starts inside the head is the head's column, and a
// hit whose point kEarOffHeadMm toward the head is inside it is the head's side, not the ear.
// The registration carries the ear's place well but may snap the point onto the head just
// inside the rim (the MakeHuman mesh: 6 mm).
void refine_helix_tops(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    for (const char* side : {"_left", "_right"}) {
        const std::string name = std::string("helix_top") + side;
        if (!lm.movable(name))
            continue;
        const glm::vec3 c = lm.at(name);
        const float s = c.x >= 0.0f ? 1.0f : -1.0f;
        std::vector<glm::vec3> ear;
        float top = -std::numeric_limits<float>::infinity();
        for (float dx = -kHelixInMm; dx <= kHelixOutMm; dx += 1.0f)
            for (float dz = -kHelixSpanMm; dz <= kHelixSpanMm; dz += 1.0f) {
                const glm::vec3 origin(c.x + s * dx, c.y + kHelixAboveMm, c.z + dz);
                if (r.inside(origin))
                    continue;
                const auto h = r.hit(origin, {0.0f, -1.0f, 0.0f});
                if (!h || h->y < c.y - kHelixAboveMm || h->y < top - kHelixPlateauMm)
                    continue;
                if (r.inside(*h - glm::vec3(s * kEarOffHeadMm, 0.0f, 0.0f)))
                    continue;
                ear.push_back(*h);
                top = std::max(top, h->y);
            }
        // The helix's top is a ridge, level over a centimetre or so: its middle, the mean of the
        // hits within kHelixPlateauMm of the highest (the highest alone wanders along it with the
        // scan's tessellation).
        glm::vec3 sum(0.0f);
        int count = 0;
        for (const auto& h : ear)
            if (h.y >= top - kHelixPlateauMm) {
                sum += h;
                ++count;
            }
        if (count > 0)
            lm.put(name, sum / float(count));
    }
}

// Temporal fossa, the centre of the temple "about 3 cm above the helix top": at the
// template's height above its helix top, from this scan's helix top, and at the template's
// step forward of its tragion, from this scan's tragion (the ear canal is fixed to the skull
// whose hollow this is; the top of the ear moves with the ear's size and tilt), then a ray from
// the side. The registration carries the ear well but lets the temple, smooth and without a
// feature, drift (the MakeHuman mesh: 12 mm up).
void refine_temporal_fossae(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    for (const char* side : {"_left", "_right"}) {
        const std::string name = std::string("temporal_fossa") + side;
        const std::string helix = std::string("helix_top") + side;
        const std::string tragion = std::string("tragion") + side;
        if (!lm.movable(name) || !lm.has(helix) || !lm.has(tragion) || !lm.in_template(name) ||
            !lm.in_template(helix) || !lm.in_template(tragion))
            continue;
        const float y = lm.at(helix).y + (lm.template_at(name).y - lm.template_at(helix).y);
        const float z = lm.at(tragion).z + (lm.template_at(name).z - lm.template_at(tragion).z);
        const float s = lm.at(tragion).x >= 0.0f ? 1.0f : -1.0f;
        lm.put(name, r.hit({s * 0.5f * kRayReachMm, y, z}, {-s, 0.0f, 0.0f}));
    }
}

// Gonion, the angle of the jaw: below the ear, at the template's step from its tragion,
// applied from this scan's tragion (given), and onto the skin along the template's own line of
// approach to the angle, from below, behind and outside. The registration follows a jaw with
// a clear angle, but on one the scan rounds off (the skin over the ramus running smoothly into
// the neck) it slides the point back along the jaw's lower edge (the MakeHuman mesh: 17 mm
// behind the tragion).
void refine_gonions(Landmarks& lm) {
    const Refiner& r = lm.refiner();
    for (const char* side : {"_left", "_right"}) {
        const std::string name = std::string("gonion") + side;
        const std::string tragion = std::string("tragion") + side;
        if (!lm.movable(name) || !lm.has(tragion) || !lm.in_template(name) ||
            !lm.in_template(tragion))
            continue;
        const glm::vec3 q = lm.at(tragion) + (lm.template_at(name) - lm.template_at(tragion));
        const float s = q.x >= 0.0f ? 1.0f : -1.0f;
        const glm::vec3 approach = glm::normalize(glm::vec3(-75.0f * s, 30.0f, 20.0f));
        lm.put(name, r.hit(q - kGonionApproachMm * approach, approach));
    }
}

} // namespace

void refine_landmarks(const SurfaceIndex& skin, const Similarity& similarity,
                      const std::map<std::string, glm::vec3>& template_landmarks,
                      const std::set<std::string>& given,
                      std::map<std::string, glm::vec3>& landmarks) {
    const Refiner refiner(skin, similarity);
    Landmarks lm(refiner, template_landmarks, given, landmarks);
    // In this order: the sternoclavicular joints follow the notch, the clavicles' window uses the
    // joints and the acromions, the hairline the glabella, the temples the helix tops.
    refine_notch(lm);
    refine_acromions(lm);
    refine_thoracic(lm);
    refine_clavicles(lm);
    refine_subnasale(lm);
    refine_glabella(lm);
    refine_hairline(lm);
    refine_open_eyes(lm);
    refine_helix_tops(lm);
    refine_temporal_fossae(lm);
    refine_gonions(lm);
}

} // namespace injmap::detail
