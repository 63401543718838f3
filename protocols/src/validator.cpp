#include "injmap/protocols/validator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include <glm/geometric.hpp>

#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/units_format.hpp"
#include "text_util.hpp"

namespace injmap {
namespace {

using detail::format_number;

// Basis strings (RuleInfo::basis, Diagnostic::basis).
constexpr const char* kLabel = "label";
constexpr const char* kLabelUs = "label (US)";
constexpr const char* kLabelNonUs = "label (non-US)";
constexpr const char* kTrial = "trial protocol";
constexpr const char* kPractice = "common practice";
constexpr const char* kStructure = "structure";

// Every rule the validator can report. Severity policy: what breaks a label or trial rule, or makes
// the file unusable, is an error; common practice and "consider this" flags are warnings.
const std::vector<RuleInfo> kRules = {
    // Structure and consistency.
    {"protocol.unknown-indication", Severity::error, kStructure,
     "the indication is an id of the clinical-limits table (protocols/rules/clinical-limits.toml)"},
    {"protocol.paradigm-indication", Severity::error, kStructure,
     "the paradigm is one the table lists for the indication (preempt and preempt_ftp for "
     "chronic_migraine, cd_template for cervical_dystonia, custom for any)"},
    {"protocol.no-limits", Severity::note, kStructure,
     "indication 'other' has no limits row: only the file's own [limits] are checked"},
    {"protocol.no-sources", Severity::error, kStructure,
     "the file names at least one source ([[sources]])"},
    {"protocol.site-source", Severity::warning, kStructure,
     "every site names its sources (`source` on the site, its step or the file)"},
    {"protocol.no-sites", Severity::error, kStructure,
     "the file has at least one site (a cd_template may instead list [[cd.candidates]])"},
    {"protocol.provisional-notes", Severity::warning, kStructure,
     "a file with provisional sites or sources says in 'provisional' what is not verified"},
    {"product.unknown", Severity::error, kLabel,
     "the product names one product of the table (id, brand or alias): units never convert"},
    {"product.ambiguous", Severity::error, kLabel,
     "the product names exactly one product (\"Xeomin, not Botox\" names two)"},
    {"product.no-limits", Severity::error, kLabel,
     "the table has limits for the protocol's indication and product; doses of one product say "
     "nothing about another"},
    // Doses: limits from the table's row for (indication, product, paradigm) and from the file's
    // [limits]. Severity: the table's (rule 4's 155 U is a warning, 195 U an error); the file's
    // own limits are errors, its per-muscle and follow-the-pain per-muscle caps warnings.
    {"dose.site-units", Severity::error, kLabel,
     "every site gets exactly site_units_exact (chronic migraine: 5 U in 0.1 mL) or the file's "
     "limits.units_per_site"},
    {"dose.site-max", Severity::error, kLabel,
     "no site above site_units_max (cervical dystonia: 50 U) or limits.max_units_per_site"},
    {"dose.first-session-site", Severity::warning, kLabel,
     "at a first treatment no site above first_session_site_units_max"},
    {"dose.side-total", Severity::error, kLabel,
     "the sites of one side (one eye) within side_units_max"},
    {"dose.total", Severity::error, "label (US) / trial protocol / label (non-US)",
     "the session total within session_units_max and limits.max_total_units (chronic migraine: "
     "warning above 155 U, error above 195 U; PREEMPT fixed sites 155 U; cervical dystonia 300 U)"},
    {"dose.site-count", Severity::error, kTrial,
     "the number of sites within session_sites_max and limits.max_sites (PREEMPT 31, with "
     "follow-the-pain 39)"},
    {"dose.first-session", Severity::warning, kLabelNonUs,
     "a total above first_session_units_max (cervical dystonia: 200 U) is too much for a first "
     "treatment"},
    {"dose.cumulative", Severity::error, kLabel,
     "a session above the product's cumulative maximum (BOTOX: 400 U in any 3 months)"},
    {"dose.reference-range", Severity::note, "trial data",
     "a total outside the reference band (cervical dystonia: 198–300 U) is shown, never refused"},
    {"limits.above-label", Severity::warning, kLabel,
     "the file's own [limits] are not looser than the table's"},
    // Fixed sites (PREEMPT).
    {"preempt.muscle-table", Severity::error, kLabel,
     "fixed sites per muscle as the table's fixed_sites (PREEMPT: corrugator 2/10 U, procerus "
     "1/5 U, frontalis 4/20 U, temporalis 8/40 U, occipitalis 6/30 U, cervical_paraspinal 4/20 U, "
     "trapezius 6/30 U), nothing else"},
    {"preempt.procerus-midline", Severity::error, kLabel,
     "a fixed-site muscle with one site (the procerus) has one midline site"},
    {"symmetry.mirror", Severity::error, kLabel,
     "every other fixed-site muscle has equal left and right site counts and units"},
    // Follow-the-pain.
    {"ftp.not-enabled", Severity::error, kLabelUs,
     "paradigm 'preempt' has no optional (follow-the-pain) sites; use paradigm 'preempt_ftp'"},
    {"ftp.muscle", Severity::error, kTrial,
     "follow-the-pain sites only in the table's ftp_muscles (temporalis, occipitalis, trapezius) "
     "and the file's own list"},
    {"ftp.extra-units", Severity::error, kTrial,
     "follow-the-pain adds at most ftp_extra_units_max (40 U) or the file's max_extra_units"},
    {"ftp.extra-sites", Severity::error, kTrial,
     "follow-the-pain adds at most ftp_extra_sites_max (8 sites) or the file's max_extra_sites"},
    {"ftp.muscle-cap", Severity::warning, kTrial,
     "suggested follow-the-pain sites per muscle: temporalis 2, occipitalis 2, trapezius 4 "
     "(shown in check and in the session, refused by neither)"},
    // Muscles, preparation, needle, guidance, interval.
    {"muscle.cap", Severity::warning, kLabel,
     "per-muscle totals within muscle_units_max and limits.max_units_per_muscle (cervical "
     "dystonia: sternocleidomastoid at most 100 U, may reduce dysphagia)"},
    {"muscle.bilateral-scm", Severity::warning, kLabel,
     "injecting both sides of a bilateral_warning_muscles muscle (the sternocleidomastoid) raises "
     "the risk of dysphagia"},
    {"symmetry.posterior-neck", Severity::warning, "manufacturer guidance",
     "cervical dystonia without tilt or turn (sagittal forms): the back of the neck gets the same "
     "units left and right"},
    {"reconstitution.concentration", Severity::error, kLabel,
     "a stated units_per_0_1_ml equals vial_units ÷ (diluent_ml × 10); chronic migraine needs 5 U "
     "per 0.1 mL"},
    {"reconstitution.label-dilution", Severity::warning, kLabel,
     "cervical dystonia label dilutions give 5 or 10 U per 0.1 mL"},
    {"needle.gauge", Severity::warning, kLabel, "chronic migraine 30 G; cervical dystonia 25–30 G"},
    {"needle.length", Severity::warning, kLabel,
     "chronic migraine: at most a 1-inch needle (for a thick neck)"},
    {"needle.head-length", Severity::warning, kLabel,
     "a needle longer than ½ inch is not used at head and face sites"},
    {"guidance.deep-muscle", Severity::warning, kPractice,
     "deep neck muscles (longus colli/capitis, obliquus capitis, scalenes, semispinalis, "
     "longissimus, levator scapulae) need EMG or ultrasound guidance"},
    {"retreatment.interval", Severity::warning, kLabel,
     "retreatment no sooner than retreatment_weeks_min (chronic migraine 12 weeks, cervical "
     "dystonia 10 weeks)"},
    {"retreatment.default", Severity::note, kLabel,
     "a file without retreatment_weeks gets the table's interval"},
    // On a model.
    {"anatomy.unknown-muscle", Severity::error, kStructure,
     "every site's muscle key, and every muscle named in [limits], is a muscle id or group of the "
     "model (checked when the model has muscles; template candidates may name muscles it lacks)"},
    {"anatomy.muscle-miss", Severity::warning, kStructure,
     "the site's muscle lies under the placed site on the model (within 40 mm along the needle or "
     "20 mm away)"},
    {"placement.muscle-not-reached", Severity::warning, kPractice,
     "the needle line from the placed site enters the site's muscle (or a member of its group) "
     "within the site's depth: its depth_mm, else the default for the muscle (needle_path.hpp)"},
    {"placement.near-structure", Severity::warning, kPractice,
     "the straight needle path from the placed site to the site's depth keeps at least the "
     "structure's warning distance (warn_mm) from every structure to avoid on the model (nerves, "
     "arteries, veins, brachial plexus, lung apex)"},
    {"clearance.frontalis-brow", Severity::warning, kPractice,
     "frontalis sites at least 15 mm above the brow line (brow ptosis)"},
    {"clearance.glabella-rim", Severity::warning, kPractice,
     "glabellar sites (the table's class: corrugator and procerus) at least 10 mm above the "
     "supraorbital rim; a midline (procerus) site at least 10 mm from either rim (lid ptosis)"},
    {"clearance.glabella-lateral", Severity::warning, kPractice,
     "glabellar sites not lateral to the midpupillary line (the supraorbital_rim landmark)"},
    {"clearance.trapezius-span", Severity::warning, "trial protocol (provisional: secondary copy)",
     "PREEMPT fixed trapezius sites lie between neck_inflection and the acromion (BLUM17, read "
     "only in a secondary copy)"},
    {"symmetry.placed", Severity::warning, kStructure,
     "on a symmetric model, mirrored fixed sites land within 1 mm of each other's mirror image"},
};

const RuleInfo& rule_info(std::string_view id) {
    for (const auto& rule : kRules)
        if (id == rule.id)
            return rule;
    static const RuleInfo unknown{"", Severity::error, "", ""};
    return unknown;
}

class Checker {
public:
    void add(std::string_view rule, SourceLocation where, std::string message,
             std::string_view basis = {}) {
        const RuleInfo& info = rule_info(rule);
        add_as(rule, info.severity, std::move(where), std::move(message), basis);
    }
    // Rules whose severity comes from the clinical-limits table.
    void add_as(std::string_view rule, Severity severity, SourceLocation where, std::string message,
                std::string_view basis = {}) {
        const RuleInfo& info = rule_info(rule);
        out.push_back({severity, std::string(rule), detail::one_line(std::move(message)),
                       std::move(where), basis.empty() ? info.basis : std::string(basis)});
    }
    Diagnostics out;
};

constexpr double kEps = 1e-6;

bool is_preempt(const Protocol& p) {
    return p.paradigm == Paradigm::preempt || p.paradigm == Paradigm::preempt_ftp;
}

std::string side_name(Side side) {
    return to_string(side);
}

SourceLocation location_in(const KeyLocations& locations, std::string_view key,
                           const SourceLocation& fallback) {
    if (auto it = locations.find(key); it != locations.end())
        return it->second;
    return fallback;
}

// The first site (in order) at which a running sum of `value(site)` over the sites passing `filter`
// goes above `cap`; nullptr if it never does.
template <class Filter, class Value>
const Site* first_over(const std::vector<const Site*>& sites, double cap, Filter filter,
                       Value value) {
    double sum = 0.0;
    for (const Site* s : sites) {
        if (!filter(*s))
            continue;
        sum += value(*s);
        if (sum > cap + kEps)
            return s;
    }
    return nullptr;
}

std::string standing(const RuleLimit& limit) {
    std::string text = limit.basis + ", " + limit.source;
    if (limit.certainty != Certainty::established)
        text += std::string(", ") + to_string(limit.certainty);
    return text;
}

// What the protocol-level checks share: the protocol, its sites, the table and its row.
struct Context {
    const Protocol& p;
    std::vector<const Site*> sites;
    const ClinicalRules* rules = nullptr; // null when the table could not be read
    AppliedRules applied;
    std::vector<DoseLimit> limits;
    [[nodiscard]] const LimitsRow* row() const { return applied.row ? &*applied.row : nullptr; }
};

void check_structure(const Context& x, Checker& c) {
    const Protocol& p = x.p;
    for (const Diagnostic& d : x.applied.diagnostics)
        c.out.push_back(d);
    if (p.sources.empty())
        c.add("protocol.no-sources", p.where,
              "the protocol names no sources; add at least one [[sources]] entry for its clinical "
              "facts");
    const bool has_candidates = p.cd && !p.cd->candidates.empty();
    if (x.sites.empty() && !(p.paradigm == Paradigm::cd_template && has_candidates))
        c.add("protocol.no-sites", p.where_of("steps"), "the protocol has no injection sites");
    const bool provisional =
        std::any_of(x.sites.begin(), x.sites.end(),
                    [](const Site* s) { return s->certainty != Certainty::established; }) ||
        std::any_of(p.sources.begin(), p.sources.end(),
                    [](const SourceRef& s) { return s.provisional; });
    if (provisional && p.provisional_notes.empty())
        c.add("protocol.provisional-notes", p.where_of("provisional"),
              "some sites or sources are marked provisional but 'provisional' does not say what is "
              "unverified");
    if (x.applied.indication && x.applied.indication->id == "other")
        c.add("protocol.no-limits", p.where_of("indication"),
              "indication 'other' has no row in the clinical-limits table: only the file's own "
              "[limits] are checked");
}

// The running quantity a dose limit caps, for the sites passing its filter.
bool in_scope(const DoseLimit& d, const Site& s) {
    switch (d.scope) {
    case DoseScope::muscle_units:
        return muscle_counts_towards(s.muscle, d.muscle);
    case DoseScope::ftp_extra_units:
    case DoseScope::ftp_extra_sites:
        return s.optional;
    case DoseScope::ftp_muscle_sites:
        return s.optional && s.muscle == d.muscle;
    default:
        return true;
    }
}

bool counts_sites(DoseScope scope) {
    return scope == DoseScope::session_sites || scope == DoseScope::ftp_extra_sites ||
           scope == DoseScope::ftp_muscle_sites;
}

bool per_site(DoseScope scope) {
    return scope == DoseScope::site_exact || scope == DoseScope::site ||
           scope == DoseScope::site_first_session;
}

// Every dose limit against the written sites. Limits on one quantity are taken from the tightest
// up; one is reported where it is exceeded unless a tighter one of the same or a higher severity
// already was (so 310 U for chronic migraine gives the US-label warning at 155 U and the error at
// 195 U, not also the file's own cap of 195 U).
void check_doses(const Context& x, Checker& c) {
    std::map<std::pair<int, std::string>, std::vector<const DoseLimit*>> groups;
    for (const DoseLimit& d : x.limits)
        groups[{static_cast<int>(d.scope), d.muscle}].push_back(&d);
    const double total = x.p.total_units(true);
    for (auto& [key, group] : groups) {
        std::stable_sort(group.begin(), group.end(), [](const DoseLimit* a, const DoseLimit* b) {
            return a->value < b->value;
        });
        std::map<std::string, Severity> reported; // slot → most severe reported
        auto report = [&](const std::string& slot, const DoseLimit& d, SourceLocation where,
                          std::string message) {
            auto it = reported.find(slot);
            if (it != reported.end() &&
                static_cast<int>(it->second) <= static_cast<int>(d.severity))
                return;
            reported[slot] = d.severity;
            c.add_as(d.rule, d.severity, std::move(where), std::move(message), d.basis);
        };
        for (const DoseLimit* dp : group) {
            const DoseLimit& d = *dp;
            if (per_site(d.scope)) {
                for (const Site* s : x.sites) {
                    const bool bad = d.scope == DoseScope::site_exact
                                         ? std::abs(s->units - d.value) > kEps
                                         : s->units > d.value + kEps;
                    if (bad)
                        report("site:" + s->id, d, s->where_of("units"),
                               "site '" + s->id + "' has " + format_units(s->units) + " U; " +
                                   d.what);
                }
                continue;
            }
            if (d.scope == DoseScope::side) {
                for (Side side : {Side::left, Side::right})
                    if (const Site* s = first_over(
                            x.sites, d.value, [&](const Site& t) { return t.side == side; },
                            [](const Site& t) { return t.units; }))
                        report(std::string("side:") + to_string(side), d, s->where_of("units"),
                               "site '" + s->id + "' brings the " + side_name(side) +
                                   " side above " + d.what);
                continue;
            }
            if (d.scope == DoseScope::first_session_units) {
                if (total > d.value + kEps)
                    report("total", d, x.p.where_of("steps"),
                           "the sites add up to " + format_units(total) +
                               " U; if this is the patient's first treatment, " + d.what);
                continue;
            }
            const bool sites = counts_sites(d.scope);
            const Site* s = first_over(
                x.sites, d.value, [&](const Site& t) { return in_scope(d, t); },
                [&](const Site& t) { return sites ? 1.0 : t.units; });
            if (!s)
                continue;
            std::string message = "site '" + s->id + "' goes past " + d.what;
            if (d.scope == DoseScope::session_units || d.scope == DoseScope::cumulative_units)
                message += " (" + format_units(total) + " U in all)";
            if (d.scope == DoseScope::session_sites)
                message += " (" + std::to_string(x.sites.size()) + " sites in all)";
            report("aggregate", d, sites ? s->where : s->where_of("units"), std::move(message));
        }
    }
    // The file's own limits against the table's: a file may be stricter, never looser.
    for (const DoseLimit& file : x.limits) {
        if (!file.from_file)
            continue;
        for (const DoseLimit& table : x.limits) {
            if (table.from_file || table.scope != file.scope || table.muscle != file.muscle)
                continue;
            if (table.severity != Severity::error && table.severity != file.severity)
                continue;
            if (file.value > table.value + kEps) {
                c.add("limits.above-label", file.where,
                      "the file allows " + format_units(file.value) + "; the table gives " +
                          table.what,
                      table.basis);
                break;
            }
        }
    }
    // CD templates: a candidate's range against the per-muscle caps.
    if (x.p.cd)
        for (const DoseLimit& d : x.limits) {
            if (d.scope != DoseScope::muscle_units)
                continue;
            for (const CdCandidate& cand : x.p.cd->candidates) {
                if (!muscle_counts_towards(cand.muscle, d.muscle))
                    continue;
                const double sides = cand.relation == SideSpec::bilateral ? 2.0 : 1.0;
                if (cand.units_max * sides > d.value + kEps)
                    c.add_as("muscle.cap", d.severity,
                             location_in(cand.locations, "units_max", cand.where),
                             "candidate " + cand.muscle + " allows up to " +
                                 format_units(cand.units_max * sides) + " U; " + d.what,
                             d.basis);
            }
        }
    // Rule 11: the reference band is shown, never enforced.
    // A template's sites illustrate one side of a plan, not a session: no band for them.
    std::optional<std::pair<double, double>> shown;
    auto band = [&](double lo, double hi, const std::string& what, SourceLocation where) {
        if (x.sites.empty() || x.p.paradigm == Paradigm::cd_template ||
            (shown && std::abs(shown->first - lo) < kEps && std::abs(shown->second - hi) < kEps))
            return;
        shown = std::pair{lo, hi};
        if (total < lo - kEps || total > hi + kEps)
            c.add("dose.reference-range", std::move(where),
                  "the sites add up to " + format_units(total) + " U, outside " + what + " (" +
                      format_units(lo) + "–" + format_units(hi) + " U)");
    };
    if (const LimitsRow* row = x.row())
        if (const RuleLimit* r = row->first("reference_range"); r && r->min && r->max)
            band(*r->min, *r->max, "the reference range (" + standing(*r) + ")", x.p.where);
    if (x.p.limits.reference_range)
        band(x.p.limits.reference_range->first, x.p.limits.reference_range->second,
             "the file's reference_range", x.p.where_of("limits.reference_range"));
}

void check_fixed_sites(const Context& x, Checker& c) {
    const LimitsRow* row = x.row();
    if (!row || row->fixed_sites.empty())
        return;
    const Protocol& p = x.p;
    const Severity severity =
        row->fixed_sites_rule ? row->fixed_sites_rule->severity : Severity::error;
    const std::string basis = row->fixed_sites_rule ? row->fixed_sites_rule->basis : "label";
    struct Tally {
        int sites = 0;
        double units = 0.0;
        const Site* first = nullptr;
        int per_side_sites[3] = {0, 0, 0}; // left, right, midline
        double per_side_units[3] = {0.0, 0.0, 0.0};
    };
    std::map<std::string, Tally> fixed;
    std::vector<std::string> order;
    for (const Site* s : x.sites) {
        if (s->optional)
            continue;
        Tally& t = fixed[s->muscle];
        if (!t.first) {
            t.first = s;
            order.push_back(s->muscle);
        }
        ++t.sites;
        t.units += s->units;
        const int side = static_cast<int>(s->side);
        ++t.per_side_sites[side];
        t.per_side_units[side] += s->units;
    }
    std::vector<std::string> known;
    std::string known_text;
    for (const auto& [muscle, want] : row->fixed_sites) {
        known.push_back(muscle);
        known_text += (known_text.empty() ? "" : ", ") + muscle;
    }
    for (const auto& [muscle, want] : row->fixed_sites) {
        auto it = fixed.find(muscle);
        if (it == fixed.end()) {
            c.add_as("preempt.muscle-table", severity, p.where_of("paradigm"),
                     "the fixed-site table has " + std::to_string(want.sites) + " " + muscle +
                         " site" + (want.sites == 1 ? "" : "s") + " (" + format_units(want.units) +
                         " U); this protocol has none",
                     basis);
            continue;
        }
        const Tally& t = it->second;
        if (t.sites != want.sites || std::abs(t.units - want.units) > kEps)
            c.add_as("preempt.muscle-table", severity, t.first->where_of("muscle"),
                     muscle + ": " + std::to_string(t.sites) + " fixed site" +
                         (t.sites == 1 ? "" : "s") + " / " + format_units(t.units) +
                         " U; the fixed-site table has " + std::to_string(want.sites) + " / " +
                         format_units(want.units) + " U",
                     basis);
    }
    for (const auto& muscle : order) {
        if (row->fixed_sites.count(muscle))
            continue;
        c.add_as("preempt.muscle-table", severity, fixed[muscle].first->where_of("muscle"),
                 "'" + muscle + "' is not a fixed-site muscle key" +
                     detail::did_you_mean(muscle, known) + "; the fixed sites are " + known_text,
                 basis);
    }
    // A muscle with one site is a single midline site; the others are mirrored left and right.
    for (const Site* s : x.sites) {
        auto want = row->fixed_sites.find(s->muscle);
        if (!s->optional && want != row->fixed_sites.end() && want->second.sites == 1 &&
            s->side != Side::midline)
            c.add_as("preempt.procerus-midline", severity, s->where_of("side"),
                     "site '" + s->id + "': the " + s->muscle +
                         " site is a single midline site, not " + side_name(s->side),
                     basis);
    }
    for (const auto& muscle : order) {
        auto want = row->fixed_sites.find(muscle);
        if (want != row->fixed_sites.end() && want->second.sites == 1)
            continue;
        const Tally& t = fixed[muscle];
        const bool counts = t.per_side_sites[0] != t.per_side_sites[1];
        const bool doses = std::abs(t.per_side_units[0] - t.per_side_units[1]) > kEps;
        if (counts || doses || t.per_side_sites[2] > 0)
            c.add_as("symmetry.mirror", severity, t.first->where_of("muscle"),
                     muscle + ": left " + std::to_string(t.per_side_sites[0]) + " sites / " +
                         format_units(t.per_side_units[0]) + " U, right " +
                         std::to_string(t.per_side_sites[1]) + " sites / " +
                         format_units(t.per_side_units[1]) + " U" +
                         (t.per_side_sites[2] > 0
                              ? ", midline " + std::to_string(t.per_side_sites[2])
                              : std::string()) +
                         "; fixed sites are mirrored left and right",
                     basis);
    }
}

void check_ftp(const Context& x, Checker& c) {
    const Protocol& p = x.p;
    if (p.paradigm == Paradigm::preempt) {
        for (const Site* s : x.sites)
            if (s->optional)
                c.add("ftp.not-enabled", s->where_of("optional"),
                      "site '" + s->id +
                          "' is optional (follow-the-pain), but paradigm 'preempt' has none; use "
                          "paradigm 'preempt_ftp'");
        return;
    }
    if (p.paradigm != Paradigm::preempt_ftp)
        return;
    const LimitsRow* row = x.row();
    const std::optional<FollowThePainLimits>& f = p.limits.follow_the_pain;
    std::vector<std::string> allowed;
    for (const auto& m : row ? row->ftp_muscles : std::vector<std::string>{})
        if (!f || std::find(f->muscles.begin(), f->muscles.end(), m) != f->muscles.end())
            allowed.push_back(m);
    if (f && row)
        for (const auto& m : f->muscles)
            if (std::find(row->ftp_muscles.begin(), row->ftp_muscles.end(), m) ==
                row->ftp_muscles.end())
                c.add("limits.above-label", p.where_of("limits.follow_the_pain.muscles"),
                      "follow-the-pain muscle '" + m + "' is not one the table allows");
    std::string allowed_text;
    for (const auto& m : allowed)
        allowed_text += (allowed_text.empty() ? "" : ", ") + m;
    for (const Site* s : x.sites)
        if (s->optional && std::find(allowed.begin(), allowed.end(), s->muscle) == allowed.end())
            c.add("ftp.muscle", s->where_of("muscle"),
                  "follow-the-pain site '" + s->id + "' is in '" + s->muscle +
                      "'; follow-the-pain sites may only be in " +
                      (allowed_text.empty() ? std::string("(no muscle allowed)") : allowed_text));
}

void check_muscles(const Context& x, Checker& c) {
    const Protocol& p = x.p;
    if (const LimitsRow* row = x.row(); row && row->bilateral_warning)
        for (const auto& muscle : row->bilateral_warning_muscles) {
            const RuleLimit& rule = *row->bilateral_warning;
            bool left = false, right = false, reported = false;
            for (const Site* s : x.sites) {
                if (s->muscle != muscle)
                    continue;
                left = left || s->side == Side::left;
                right = right || s->side == Side::right;
                if (left && right && !reported) {
                    c.add_as("muscle.bilateral-scm", rule.severity, s->where_of("side"),
                             "both sides of " + muscle + " are injected: " + rule.note + " (" +
                                 standing(rule) + ")",
                             rule.basis);
                    reported = true;
                }
            }
            if (p.cd && !reported)
                for (const CdCandidate& cand : p.cd->candidates)
                    if (cand.muscle == muscle && cand.relation == SideSpec::bilateral &&
                        !reported) {
                        c.add_as("muscle.bilateral-scm", rule.severity,
                                 location_in(cand.locations, "relation", cand.where),
                                 "bilateral " + muscle + ": " + rule.note + " (" + standing(rule) +
                                     ")",
                                 rule.basis);
                        reported = true;
                    }
        }
    if (!x.rules)
        return;
    for (const Site* s : x.sites)
        if (s->guidance == Guidance::none && muscle_in_class(s->muscle, x.rules->deep_muscles))
            c.add("guidance.deep-muscle", s->where_of("muscle"),
                  "site '" + s->id + "' is in the deep muscle '" + s->muscle +
                      "'; set guidance to emg, ultrasound or emg_or_ultrasound");
    if (p.cd)
        for (const CdCandidate& cand : p.cd->candidates)
            if (cand.guidance == Guidance::none &&
                muscle_in_class(cand.muscle, x.rules->deep_muscles))
                c.add(
                    "guidance.deep-muscle", location_in(cand.locations, "muscle", cand.where),
                    "candidate '" + cand.muscle +
                        "' is a deep muscle; set guidance to emg, ultrasound or emg_or_ultrasound");
    // Rule 17: without tilt or turn, the back of the neck is injected evenly.
    const LimitsRow* row = x.row();
    if (row && row->symmetric_posterior && p.cd &&
        std::find(row->symmetric_posterior_planes.begin(), row->symmetric_posterior_planes.end(),
                  p.cd->plane) != row->symmetric_posterior_planes.end()) {
        double units[2] = {0.0, 0.0};
        const Site* last[2] = {nullptr, nullptr};
        for (const Site* s : x.sites) {
            if (s->side == Side::midline ||
                !muscle_in_class(s->muscle, x.rules->posterior_neck_muscles))
                continue;
            const int side = s->side == Side::left ? 0 : 1;
            units[side] += s->units;
            last[side] = s;
        }
        if (std::abs(units[0] - units[1]) > kEps) {
            const int heavier = units[0] > units[1] ? 0 : 1;
            const RuleLimit& rule = *row->symmetric_posterior;
            c.add_as("symmetry.posterior-neck", rule.severity, last[heavier]->where_of("units"),
                     "the back of the neck gets " + format_units(units[0]) + " U left and " +
                         format_units(units[1]) + " U right in a " + p.cd->plane + " posture; " +
                         rule.note + " (" + standing(rule) + ")",
                     rule.basis);
        }
    }
}

void check_preparation(const Context& x, Checker& c) {
    const Protocol& p = x.p;
    const double computed = p.reconstitution.units_per_0_1_ml();
    const std::string recipe = format_units(p.reconstitution.vial_units) + " U in " +
                               format_number(p.reconstitution.diluent_ml) + " mL gives " +
                               format_number(computed) + " U per 0.1 mL";
    if (p.stated_units_per_0_1_ml &&
        std::abs(*p.stated_units_per_0_1_ml - computed) > kEps * std::max(1.0, std::abs(computed)))
        c.add("reconstitution.concentration", p.where_of("reconstitution.units_per_0_1_ml"),
              "units_per_0_1_ml is " + format_number(*p.stated_units_per_0_1_ml) + ", but " +
                  recipe);
    const LimitsRow* row = x.row();
    if (row) {
        if (const RuleLimit* r = row->first("units_per_0_1_ml"); r && !r->values.empty()) {
            const bool ok = std::any_of(r->values.begin(), r->values.end(),
                                        [&](double v) { return std::abs(v - computed) < kEps; });
            std::string list;
            for (double v : r->values)
                list += (list.empty() ? "" : " or ") + format_number(v);
            if (!ok)
                c.add_as(r->severity == Severity::error ? "reconstitution.concentration"
                                                        : "reconstitution.label-dilution",
                         r->severity, p.where_of("reconstitution.diluent_ml"),
                         recipe + "; " + p.indication + " uses " + list + " U per 0.1 mL (" +
                             standing(*r) + ")",
                         r->basis);
        }
        if (const RuleLimit* r = row->first("needle_gauge"); r && r->min && r->max)
            if (p.needle.gauge < *r->min - kEps || p.needle.gauge > *r->max + kEps)
                c.add_as("needle.gauge", r->severity, p.where_of("needle.gauge"),
                         std::to_string(p.needle.gauge) + " G; " + p.indication + " uses " +
                             (*r->min == *r->max
                                  ? format_number(*r->min)
                                  : format_number(*r->min) + "–" + format_number(*r->max)) +
                             " G (" + standing(*r) + ")",
                         r->basis);
        if (const RuleLimit* r = row->first("needle_length_inch_max");
            r && p.needle.length_inch > r->value + kEps)
            c.add_as("needle.length", r->severity, p.where_of("needle.length_inch"),
                     format_number(p.needle.length_inch) + " inch; at most " +
                         format_number(r->value) + " inch (" + standing(*r) + ")",
                     r->basis);
        const RuleLimit* interval = row->first("retreatment_weeks_min");
        if (interval && p.limits.retreatment_weeks &&
            *p.limits.retreatment_weeks < interval->value - kEps)
            c.add_as("retreatment.interval", interval->severity,
                     p.where_of("limits.retreatment_weeks"),
                     "retreatment after " + format_number(*p.limits.retreatment_weeks) +
                         " weeks; no sooner than " + format_number(interval->value) + " weeks (" +
                         standing(*interval) + ")",
                     interval->basis);
        if (interval && !p.limits.retreatment_weeks)
            c.add("retreatment.default", p.limits.where.line ? p.limits.where : p.where,
                  "no retreatment_weeks: the table's " + format_number(interval->value) +
                      " weeks apply (" + standing(*interval) + ")");
    }
    // Rule 14: a needle longer than ½ inch only in the neck.
    if (x.rules && x.rules->head_needle_length_max) {
        const RuleLimit& r = *x.rules->head_needle_length_max;
        if (p.needle.length_inch > r.value + kEps)
            for (const Site* s : x.sites)
                if (muscle_in_class(s->muscle, x.rules->head_muscles)) {
                    c.add_as("needle.head-length", r.severity, s->where_of("muscle"),
                             "site '" + s->id + "' is in the " + s->muscle + " with a " +
                                 format_number(p.needle.length_inch) + "-inch needle; at most " +
                                 format_number(r.value) + " inch in the head and face (" +
                                 standing(r) + ")",
                             r.basis);
                    break; // the needle is one per protocol: one report
                }
    }
    // Sources named by sites are keys of [[sources]] (the reader checks); every site names one.
    for (const Site* s : x.sites)
        if (s->sources.empty()) {
            c.add("protocol.site-source", s->where,
                  "site '" + s->id +
                      "' names no source; give `source` on the site, its step or the file");
            break; // one is enough: the fix is usually one line at the top
        }
}

// --- Model checks
// ----------------------------------------------------------------------------------

glm::vec3 mirror(const glm::vec3& p) {
    return {-p.x, p.y, p.z};
}

bool model_has_muscle_key(const Model& model, const std::string& key) {
    if (model.groups.count(key))
        return true;
    return std::any_of(model.muscles.begin(), model.muscles.end(),
                       [&](const Muscle& m) { return m.id == key; });
}

// A model is symmetric when every sided landmark pair mirrors within tolerance.
bool model_is_symmetric(const Model& model, float tolerance_mm) {
    int pairs = 0;
    for (const auto& [name, point] : model.landmarks) {
        if (name.size() <= 5 || name.compare(name.size() - 5, 5, "_left") != 0)
            continue;
        auto right = model.landmark(name.substr(0, name.size() - 5) + "_right");
        if (!right)
            continue;
        ++pairs;
        if (glm::length(point - mirror(*right)) > tolerance_mm)
            return false;
    }
    return pairs > 0;
}

void check_muscle_names(const Protocol& p, const Model& model, Checker& c) {
    if (model.muscles.empty() && model.groups.empty())
        return; // a skin-only import: nothing to check names against
    std::vector<std::string> names;
    for (const auto& m : model.muscles)
        names.push_back(m.id);
    for (const auto& [key, members] : model.groups) {
        (void)members;
        names.push_back(key);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    auto check = [&](const std::string& key, const SourceLocation& where, const std::string& what) {
        if (!key.empty() && !model_has_muscle_key(model, key))
            c.add("anatomy.unknown-muscle", where,
                  what + "'" + key + "' is not a muscle or group of model '" + model.id + "'" +
                      detail::did_you_mean(key, names));
    };
    for (const Site* s : p.sites())
        check(s->muscle, s->where_of("muscle"), "site '" + s->id + "': ");
    // Candidates are a clinical list and may name muscles the model lacks (they then get no site).
    // Keys of limits must name something: a typo would make the limit silently never apply.
    std::set<std::string> used;
    for (const Site* s : p.sites())
        used.insert(s->muscle);
    if (p.cd)
        for (const auto& cand : p.cd->candidates)
            used.insert(cand.muscle);
    auto check_limit = [&](const std::string& key, const SourceLocation& where,
                           const std::string& what) {
        if (!used.count(key))
            check(key, where, what);
    };
    for (const auto& [key, cap] : p.limits.max_units_per_muscle) {
        (void)cap;
        check_limit(key, p.where_of("limits.max_units_per_muscle." + key),
                    "max_units_per_muscle: ");
    }
    if (p.limits.follow_the_pain) {
        for (const auto& key : p.limits.follow_the_pain->muscles)
            check_limit(key, p.where_of("limits.follow_the_pain.muscles"),
                        "follow_the_pain.muscles: ");
        for (const auto& [key, cap] : p.limits.follow_the_pain->max_sites_per_muscle) {
            (void)cap;
            check_limit(key, p.where_of("limits.follow_the_pain.max_sites_per_muscle." + key),
                        "max_sites_per_muscle: ");
        }
    }
}

void check_muscle_under(const Protocol& p, const PlacedProtocol& placed,
                        const ModelQueries& queries, Checker& c) {
    const Model& model = queries.model();
    const auto sites = p.sites();
    const std::size_t n = std::min(sites.size(), placed.sites.size());
    for (std::size_t i = 0; i < n; ++i) {
        const PlacedSite& ps = placed.sites[i];
        const Site& s = *sites[i];
        if (!ps.placed || !model_has_muscle_key(model, s.muscle))
            continue;
        bool any = false, found = false;
        for (std::size_t m = 0; m < model.muscles.size() && !found; ++m) {
            if (!is_site_target(model, s, model.muscles[m]))
                continue;
            any = true;
            const SurfaceIndex& index = queries.muscle_index(m);
            if (index.empty())
                continue;
            if (index.ray_cast(ps.position + ps.normal, ps.needle_direction, 41.0f)) {
                found = true;
            } else if (auto hit = index.closest_point(ps.position); hit && hit->distance <= 20.0f) {
                found = true;
            }
        }
        if (any && !found)
            c.add("anatomy.muscle-miss", s.where_of("at"),
                  "site '" + s.id + "': no " + s.muscle + " lies under it on model '" + model.id +
                      "' (within 40 mm along the needle or 20 mm around)");
    }
}

void check_muscle_reached(const Protocol& p, const PlacedProtocol& placed,
                          const ModelQueries& queries, Checker& c) {
    const Model& model = queries.model();
    const auto sites = p.sites();
    const std::size_t n = std::min(sites.size(), placed.sites.size());
    for (std::size_t i = 0; i < n; ++i) {
        const PlacedSite& ps = placed.sites[i];
        const Site& s = *sites[i];
        if (!ps.placed || !model_has_muscle_key(model, s.muscle))
            continue;
        if (std::none_of(model.muscles.begin(), model.muscles.end(),
                         [&](const Muscle& m) { return is_site_target(model, s, m); }))
            continue; // not on this model at all (anatomy.unknown-muscle and muscle-miss cover it)
        const double depth = needle_depth_mm(s);
        // Only the muscles within the needle's own length matter here: a short ray meets fewer
        // boxes and the bones' indices are not built (the whole path, bones included, is for
        // check --json and the step card). The bones lie under the muscles they carry.
        const auto path =
            needle_path(queries, ps, static_cast<float>(depth) + 1.0f, PathStructures::muscles);
        const auto entered = target_entered_mm(model, s, path);
        if (entered && *entered <= depth + 1e-6)
            continue;
        std::string first;
        for (const auto& seg : path)
            if (seg.kind == StructureKind::muscle) {
                first = seg.structure;
                break;
            }
        char buf[160];
        if (entered)
            std::snprintf(buf, sizeof buf, "entered only at %.1f mm",
                          static_cast<double>(*entered));
        else
            std::snprintf(buf, sizeof buf, "not entered within %.0f mm", depth + 1.0);
        c.add("placement.muscle-not-reached", s.where_of("at"),
              "site '" + s.id + "': the needle does not reach " + s.muscle + " within " +
                  detail::format_number(depth) + " mm on model '" + model.id + "' (" + buf +
                  (first.empty() ? std::string(", no muscle on the way")
                                 : "; first muscle: " + first) +
                  ")");
    }
}

void check_near_structures(const Protocol& p, const PlacedProtocol& placed,
                           const ModelQueries& queries, Checker& c) {
    const Model& model = queries.model();
    if (model.avoid.empty())
        return;
    const auto sites = p.sites();
    const std::size_t n = std::min(sites.size(), placed.sites.size());
    for (std::size_t i = 0; i < n; ++i) {
        const PlacedSite& ps = placed.sites[i];
        const Site& s = *sites[i];
        if (!ps.placed)
            continue;
        const double depth = needle_depth_mm(s);
        for (const auto& d : avoid_distances(queries, ps.position, ps.needle_direction,
                                             static_cast<float>(depth))) {
            const AvoidStructure& a = model.avoid[d.index];
            if (!(d.distance_mm < a.warn_mm))
                continue;
            char buf[200];
            if (d.distance_mm <= 0.0f)
                std::snprintf(buf, sizeof buf, "passes through");
            else
                std::snprintf(buf, sizeof buf, "comes within %.1f mm of",
                              static_cast<double>(d.distance_mm));
            c.add("placement.near-structure", s.where_of("at"),
                  "site '" + s.id + "': the needle path (to " + detail::format_number(depth) +
                      " mm) " + buf + " the " + a.display_name + " (" + to_string(a.side) +
                      ") on model '" + model.id + "' (warns within " +
                      detail::format_number(a.warn_mm) + " mm)");
        }
    }
}

// "12.3 mm above" / "4.0 mm below": millimetres to one decimal, the sign in words.
std::string height_text(float mm) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f mm %s", std::abs(static_cast<double>(mm)),
                  mm < 0.0f ? "below" : "above");
    return buf;
}

void check_clearances(const Protocol& p, const PlacedProtocol& placed, const Model& model,
                      Checker& c) {
    const Result<ClinicalRules>& rules = shipped_clinical_rules();
    const std::vector<std::string> glabellar =
        rules.value ? rules.value->glabellar_muscles : std::vector<std::string>{"corrugator"};
    const auto sites = p.sites();
    const std::size_t n = std::min(sites.size(), placed.sites.size());
    auto lm = [&](const std::string& base, Side side) {
        return model.landmark(base + "_" + to_string(side));
    };
    for (std::size_t i = 0; i < n; ++i) {
        const PlacedSite& ps = placed.sites[i];
        const Site& s = *sites[i];
        if (!ps.placed)
            continue;
        const glm::vec3 x = ps.position;
        const std::vector<Side> sides = s.side == Side::midline
                                            ? std::vector<Side>{Side::left, Side::right}
                                            : std::vector<Side>{s.side};

        if (s.muscle == "frontalis") {
            // The brow line between its medial and lateral ends, at the site's x.
            std::optional<float> brow_y;
            for (Side side : sides) {
                auto medial = lm("brow_medial", side), lateral = lm("brow_lateral", side);
                if (!medial || !lateral)
                    continue;
                float y = std::max(medial->y, lateral->y);
                const float span = lateral->x - medial->x;
                if (s.side != Side::midline && std::abs(span) > 1e-3f) {
                    const float u = std::clamp((x.x - medial->x) / span, 0.0f, 1.0f);
                    y = medial->y + u * (lateral->y - medial->y);
                }
                brow_y = brow_y ? std::max(*brow_y, y) : y;
            }
            if (brow_y && x.y - *brow_y < 15.0f)
                c.add("clearance.frontalis-brow", s.where_of("at"),
                      "frontalis site '" + s.id + "' is " + height_text(x.y - *brow_y) +
                          " the brow; keep frontalis sites at least 15 mm above it (brow "
                          "ptosis)");
        }
        // The rim clearance guards the orbit (lid ptosis from spread to levator palpebrae). It
        // applies to every glabellar site of the table's class (corrugator and procerus, rule
        // 16): the midline procerus site is measured against the higher of the two rims.
        if (muscle_in_class(s.muscle, glabellar)) {
            std::optional<float> rim_y;
            std::optional<float> rim_x;
            for (Side side : sides)
                if (auto rim = lm("supraorbital_rim", side)) {
                    rim_y = rim_y ? std::max(*rim_y, rim->y) : rim->y;
                    rim_x = std::abs(rim->x);
                }
            // A midline site (the procerus) is not above an orbit: what matters is how close it
            // comes to either rim over the levator, measured straight.
            std::optional<float> rim_distance;
            for (Side side : {Side::left, Side::right})
                if (auto rim = lm("supraorbital_rim", side))
                    rim_distance = std::min(rim_distance.value_or(1e9f), glm::length(x - *rim));
            if (s.side == Side::midline) {
                if (rim_distance && *rim_distance < 10.0f)
                    c.add("clearance.glabella-rim", s.where_of("at"),
                          s.muscle + " site '" + s.id + "' is " +
                              format_number(std::round(*rim_distance * 10.0) / 10.0) +
                              " mm from the supraorbital rim; keep glabellar sites at least 10 mm "
                              "from it (lid ptosis)");
            } else if (rim_y && x.y - *rim_y < 10.0f)
                c.add("clearance.glabella-rim", s.where_of("at"),
                      s.muscle + " site '" + s.id + "' is " + height_text(x.y - *rim_y) +
                          " the supraorbital rim; keep glabellar sites at least 10 mm "
                          "above it (lid ptosis)");
            if (s.side != Side::midline && rim_x && std::abs(x.x) > *rim_x + 1.0f)
                c.add("clearance.glabella-lateral", s.where_of("at"),
                      s.muscle + " site '" + s.id + "' is " +
                          format_number(std::round((std::abs(x.x) - *rim_x) * 10.0) / 10.0) +
                          " mm lateral to the midpupillary line (supraorbital_rim)");
        }
        if (is_preempt(p) && !s.optional && s.muscle == "trapezius" && s.side != Side::midline) {
            auto a = lm("neck_inflection", s.side), b = lm("acromion", s.side);
            if (a && b) {
                const glm::vec3 ab = *b - *a;
                const float len2 = glm::dot(ab, ab);
                if (len2 > 1.0f) {
                    const float t = glm::dot(x - *a, ab) / len2;
                    const float tolerance = 2.0f / std::sqrt(len2); // 2 mm either end
                    if (t < -tolerance || t > 1.0f + tolerance)
                        c.add(
                            "clearance.trapezius-span", s.where_of("at"),
                            "trapezius site '" + s.id + "' lies " +
                                (t < 0 ? "medial to neck_inflection" : "lateral to the acromion") +
                                " (at " + format_number(std::round(t * 100.0)) +
                                " % of the span); PREEMPT trapezius sites are between the two");
                }
            }
        }
    }
}

void check_placed_symmetry(const Protocol& p, const PlacedProtocol& placed, const Model& model,
                           Checker& c) {
    constexpr float kTolerance = 1.0f;
    if (!model_is_symmetric(model, kTolerance))
        return; // asymmetry would come from the model, not the protocol
    const auto sites = p.sites();
    const std::size_t n = std::min(sites.size(), placed.sites.size());
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    // Mirrored pairs written once (`both`, `bilateral`): left then right with the same base id.
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const Site& a = *sites[i];
        const Site& b = *sites[i + 1];
        if ((a.side_spec == SideSpec::both || a.side_spec == SideSpec::bilateral) &&
            a.base_id == b.base_id && a.side == Side::left && b.side == Side::right && !a.optional)
            pairs.emplace_back(i, i + 1);
    }
    // PREEMPT fixed sites written per side: the k-th left and k-th right site of each muscle.
    if (is_preempt(p)) {
        std::map<std::string, std::vector<std::size_t>> left, right;
        for (std::size_t i = 0; i < n; ++i) {
            const Site& s = *sites[i];
            if (s.optional || s.side_spec == SideSpec::both || s.side_spec == SideSpec::bilateral)
                continue;
            if (s.side == Side::left)
                left[s.muscle].push_back(i);
            else if (s.side == Side::right)
                right[s.muscle].push_back(i);
        }
        for (const auto& [muscle, ls] : left) {
            auto it = right.find(muscle);
            if (it == right.end() || it->second.size() != ls.size())
                continue; // symmetry.mirror reports the counts
            for (std::size_t k = 0; k < ls.size(); ++k)
                pairs.emplace_back(ls[k], it->second[k]);
        }
    }
    for (const auto& [li, ri] : pairs) {
        const PlacedSite& l = placed.sites[li];
        const PlacedSite& r = placed.sites[ri];
        if (!l.placed || !r.placed)
            continue;
        const float d = glm::length(l.position - mirror(r.position));
        if (d > kTolerance)
            c.add("symmetry.placed", sites[ri]->where_of("at"),
                  "site '" + sites[ri]->id + "' is " + format_number(std::round(d * 10.0) / 10.0) +
                      " mm from the mirror image of '" + sites[li]->id +
                      "' on the symmetric model '" + model.id + "'");
    }
}

Diagnostics validate_with(const Protocol& protocol, const ClinicalRules* rules,
                          AppliedRules applied) {
    Checker c;
    try {
        Context x{protocol, protocol.sites(), rules, std::move(applied), {}};
        x.limits = dose_limits(protocol, x.applied);
        check_structure(x, c);
        check_doses(x, c);
        check_fixed_sites(x, c);
        check_ftp(x, c);
        check_muscles(x, c);
        check_preparation(x, c);
    } catch (const std::exception& e) {
        c.out.push_back({Severity::error,
                         "protocol.internal",
                         std::string("validation failed: ") + e.what(),
                         protocol.where,
                         {}});
    }
    return c.out;
}

} // namespace

const std::vector<RuleInfo>& validator_rules() {
    return kRules;
}

Diagnostics validate_protocol(const Protocol& protocol, const ClinicalRules& rules) {
    return validate_with(protocol, &rules, applied_rules(protocol, rules));
}

Diagnostics validate_protocol(const Protocol& protocol) {
    const Result<ClinicalRules>& rules = shipped_clinical_rules();
    return validate_with(protocol, rules.value ? &*rules.value : nullptr, applied_rules(protocol));
}

Diagnostics validate_on_model(const Protocol& protocol, const PlacedProtocol& placed,
                              const ModelQueries& model) {
    Checker c;
    try {
        check_muscle_names(protocol, model.model(), c);
        check_muscle_under(protocol, placed, model, c);
        check_muscle_reached(protocol, placed, model, c);
        check_near_structures(protocol, placed, model, c);
        check_clearances(protocol, placed, model.model(), c);
        check_placed_symmetry(protocol, placed, model.model(), c);
    } catch (const std::exception& e) {
        c.out.push_back({Severity::error,
                         "protocol.internal",
                         std::string("validation failed: ") + e.what(),
                         protocol.where,
                         {}});
    }
    return c.out;
}

} // namespace injmap
