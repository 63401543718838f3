#include "injmap/protocols/validator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include <glm/geometric.hpp>

#include "injmap/protocols/needle_path.hpp"
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
constexpr const char* kFileLimit = "protocol limit"; // a limit the file itself states

// Every rule the validator can report. Severity policy: what breaks a label or trial rule, or makes
// the file unusable, is an error; common practice and "consider this" flags are warnings.
const std::vector<RuleInfo> kRules = {
    // Structure and consistency.
    {"protocol.paradigm-indication", Severity::error, kStructure,
     "paradigm and indication agree: preempt/preempt_ftp are for chronic_migraine, cd_template for "
     "cervical_dystonia"},
    {"protocol.no-sources", Severity::error, kStructure,
     "the file names at least one source ([[sources]])"},
    {"protocol.no-sites", Severity::error, kStructure,
     "the file has at least one site (a cd_template may instead list [[cd.candidates]])"},
    {"protocol.provisional-notes", Severity::warning, kStructure,
     "a file with provisional sites or sources says in 'provisional' what is not verified"},
    {"product.units", Severity::warning, kLabel,
     "PREEMPT doses are onabotulinumtoxinA units; units never convert between products"},
    // Doses.
    {"dose.site-units", Severity::error, kLabel,
     "every PREEMPT site gets exactly 5 U (0.1 mL); otherwise every site gets "
     "limits.units_per_site when stated"},
    {"dose.site-max", Severity::error, kLabel,
     "no site above limits.max_units_per_site; cervical dystonia at most 50 U per site"},
    {"dose.total", Severity::error, "label (US) / trial protocol / label (non-US)",
     "session total within limits.max_total_units; PREEMPT 155 U (US label), PREEMPT with "
     "follow-the-pain 195 U, "
     "cervical dystonia 300 U"},
    {"dose.site-count", Severity::error, kTrial,
     "number of sites within limits.max_sites; PREEMPT 31, with follow-the-pain 39"},
    {"dose.total-us-label", Severity::warning, kLabelUs,
     "a follow-the-pain total above 155 U goes beyond the US label (the 155–195 U range is from "
     "the trials and "
     "non-US labels)"},
    {"dose.cumulative", Severity::error, kLabel,
     "a session above 400 U exceeds the cumulative adult maximum over any 3 months"},
    {"limits.above-label", Severity::warning, kLabel,
     "the file's own [limits] do not exceed the label's or the trial's (totals, per-site, "
     "follow-the-pain, "
     "first session)"},
    // PREEMPT.
    {"preempt.muscle-table", Severity::error, kLabel,
     "PREEMPT fixed sites per muscle: corrugator 2/10 U, procerus 1/5 U, frontalis 4/20 U, "
     "temporalis 8/40 U, "
     "occipitalis 6/30 U, cervical_paraspinal 4/20 U, trapezius 6/30 U (31 sites, 155 U), nothing "
     "else"},
    {"preempt.procerus-midline", Severity::error, kLabel,
     "the PREEMPT procerus site is one midline site"},
    {"symmetry.mirror", Severity::error, kLabel,
     "every PREEMPT fixed-site muscle except procerus has equal left and right site counts and "
     "units"},
    // Follow-the-pain.
    {"ftp.not-enabled", Severity::error, kLabelUs,
     "paradigm 'preempt' has no optional (follow-the-pain) sites; use paradigm 'preempt_ftp'"},
    {"ftp.muscle", Severity::error, kTrial,
     "follow-the-pain sites only in temporalis, occipitalis and trapezius (and only in the file's "
     "own list)"},
    {"ftp.extra-units", Severity::error, kTrial,
     "follow-the-pain adds at most 40 U (or the file's max_extra_units)"},
    {"ftp.extra-sites", Severity::error, kTrial,
     "follow-the-pain adds at most 8 sites (or the file's max_extra_sites)"},
    {"ftp.muscle-cap", Severity::warning, kTrial,
     "suggested follow-the-pain sites per muscle: temporalis 2, occipitalis 2, trapezius 4"},
    // Muscles, preparation, needle, guidance, interval.
    {"muscle.cap", Severity::warning, kLabel,
     "per-muscle totals within limits.max_units_per_muscle; cervical dystonia: sternocleidomastoid "
     "at most 100 U "
     "(may reduce dysphagia)"},
    {"muscle.bilateral-scm", Severity::warning, kLabel,
     "cervical dystonia: injecting both sternocleidomastoids raises the risk of dysphagia"},
    {"reconstitution.concentration", Severity::error, kLabel,
     "a stated units_per_0_1_ml equals vial_units ÷ (diluent_ml × 10); chronic migraine needs 5 U "
     "per 0.1 mL"},
    {"reconstitution.label-dilution", Severity::warning, kLabel,
     "cervical dystonia label dilutions give 5 or 10 U per 0.1 mL"},
    {"needle.gauge", Severity::warning, kLabel, "chronic migraine 30 G; cervical dystonia 25–30 G"},
    {"needle.length", Severity::warning, kLabel,
     "chronic migraine ½-inch needle, up to 1 inch in the neck of a patient with thick neck "
     "muscles"},
    {"guidance.deep-muscle", Severity::warning, kPractice,
     "deep neck muscles (longus colli/capitis, obliquus capitis, scalenes, semispinalis, "
     "longissimus, levator "
     "scapulae) need EMG or ultrasound guidance"},
    {"retreatment.interval", Severity::warning, kLabel,
     "retreatment no sooner than 12 weeks (chronic migraine) or 10 weeks (cervical dystonia)"},
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
     "corrugator sites at least 10 mm above the supraorbital rim (lid "
     "ptosis)"},
    {"clearance.glabella-lateral", Severity::warning, kPractice,
     "glabellar sites not lateral to the midpupillary line (the supraorbital_rim landmark)"},
    {"clearance.trapezius-span", Severity::warning, kTrial,
     "PREEMPT fixed trapezius sites lie between neck_inflection and the acromion"},
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
             const char* basis = nullptr) {
        const RuleInfo& info = rule_info(rule);
        out.push_back({info.severity, std::string(rule), detail::one_line(std::move(message)),
                       std::move(where), basis ? basis : info.basis});
    }
    Diagnostics out;
};

constexpr double kEps = 1e-6;

struct PreemptRow {
    const char* muscle;
    int sites;
    double units;
};
constexpr PreemptRow kPreemptTable[] = {
    {"corrugator", 2, 10.0}, {"procerus", 1, 5.0},     {"frontalis", 4, 20.0},
    {"temporalis", 8, 40.0}, {"occipitalis", 6, 30.0}, {"cervical_paraspinal", 4, 20.0},
    {"trapezius", 6, 30.0},
};
constexpr double kPreemptUnitsPerSite = 5.0;
constexpr double kPreemptUsTotal = 155.0;
constexpr int kPreemptSites = 31;
constexpr double kFtpTotal = 195.0;
constexpr int kFtpSites = 39;
constexpr double kFtpExtraUnits = 40.0;
constexpr int kFtpExtraSites = 8;
const std::map<std::string, int> kFtpSuggestedSites = {
    {"temporalis", 2}, {"occipitalis", 2}, {"trapezius", 4}};
constexpr double kCdMaxPerSite = 50.0;
constexpr double kCdSessionMax = 300.0;
constexpr double kCdFirstSessionMax = 200.0;
constexpr double kScmCap = 100.0;
constexpr double kCumulativeMax = 400.0;
constexpr double kCmUnitsPer01 = 5.0;
constexpr double kCmRetreatWeeks = 12.0;
constexpr double kCdRetreatWeeks = 10.0;
const char* const kScm = "sternocleidomastoid";

bool is_preempt(const Protocol& p) {
    return p.paradigm == Paradigm::preempt || p.paradigm == Paradigm::preempt_ftp;
}
bool is_cm(const Protocol& p) {
    return p.indication == Indication::chronic_migraine;
}
bool is_cd(const Protocol& p) {
    return p.indication == Indication::cervical_dystonia || p.paradigm == Paradigm::cd_template;
}

bool is_deep_muscle(std::string_view id) {
    for (std::string_view prefix : {"longus_colli", "longus_capitis", "obliquus_capitis", "scalen",
                                    "semispinalis", "longissimus", "levator_scapulae"})
        if (id.substr(0, prefix.size()) == prefix)
            return true;
    return false;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
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

struct Cap {
    double value;
    const char* basis;
    std::string what;
};

// The smallest cap a running total exceeds, with the site where it first does.
template <class Filter, class Value>
std::optional<std::pair<Cap, const Site*>> tightest_exceeded(const std::vector<const Site*>& sites,
                                                             std::vector<Cap> caps, Filter filter,
                                                             Value value) {
    std::sort(caps.begin(), caps.end(),
              [](const Cap& a, const Cap& b) { return a.value < b.value; });
    for (const Cap& cap : caps)
        if (const Site* s = first_over(sites, cap.value, filter, value))
            return std::pair{cap, s};
    return std::nullopt;
}

std::string side_name(Side side) {
    return to_string(side);
}

void check_structure(const Protocol& p, const std::vector<const Site*>& sites, Checker& c) {
    if (is_preempt(p) && !is_cm(p))
        c.add("protocol.paradigm-indication", p.where_of("indication"),
              std::string("paradigm '") + to_string(p.paradigm) +
                  "' is for indication 'chronic_migraine', not '" + to_string(p.indication) + "'");
    if (p.paradigm == Paradigm::cd_template && p.indication != Indication::cervical_dystonia)
        c.add("protocol.paradigm-indication", p.where_of("indication"),
              std::string("paradigm 'cd_template' is for indication 'cervical_dystonia', not '") +
                  to_string(p.indication) + "'");
    if (p.sources.empty())
        c.add("protocol.no-sources", p.where,
              "the protocol names no sources; add at least one [[sources]] entry for its clinical "
              "facts");
    const bool has_candidates = p.cd && !p.cd->candidates.empty();
    if (sites.empty() && !(p.paradigm == Paradigm::cd_template && has_candidates))
        c.add("protocol.no-sites", p.where_of("steps"), "the protocol has no injection sites");
    const bool provisional =
        std::any_of(sites.begin(), sites.end(), [](const Site* s) { return s->provisional; }) ||
        std::any_of(p.sources.begin(), p.sources.end(),
                    [](const SourceRef& s) { return s.provisional; });
    if (provisional && p.provisional_notes.empty())
        c.add("protocol.provisional-notes", p.where_of("provisional"),
              "some sites or sources are marked provisional but 'provisional' does not say what is "
              "unverified");
    if (is_preempt(p)) {
        const std::string product = lower(p.product);
        if (product.find("onabotulinumtoxina") == std::string::npos &&
            product.find("botox") == std::string::npos)
            c.add("product.units", p.where_of("product"),
                  "PREEMPT doses are onabotulinumtoxinA (BOTOX) units; product '" + p.product +
                      "' is not interchangeable unit for unit");
    }
}

void check_doses(const Protocol& p, const std::vector<const Site*>& sites, Checker& c) {
    const bool preempt = is_preempt(p);
    const bool ftp = p.paradigm == Paradigm::preempt_ftp;
    const bool cd = is_cd(p);
    const Limits& l = p.limits;

    // Per-site exact dose.
    std::optional<double> exact =
        preempt ? std::optional<double>(kPreemptUnitsPerSite) : l.units_per_site;
    if (exact) {
        for (const Site* s : sites)
            if (std::abs(s->units - *exact) > kEps)
                c.add("dose.site-units", s->where_of("units"),
                      "site '" + s->id + "' has " + format_number(s->units) + " U; " +
                          (preempt ? "every PREEMPT site gets 5 U (0.1 mL)"
                                   : "this protocol gives " + format_number(*exact) +
                                         " U per site (limits.units_per_site)"),
                      preempt ? kLabel : kFileLimit);
    }
    if (preempt && l.units_per_site && std::abs(*l.units_per_site - kPreemptUnitsPerSite) > kEps)
        c.add("limits.above-label", p.where_of("limits.units_per_site"),
              "units_per_site is " + format_number(*l.units_per_site) +
                  "; PREEMPT gives 5 U per site");

    // Per-site maximum.
    {
        std::vector<Cap> caps;
        if (l.max_units_per_site)
            caps.push_back({*l.max_units_per_site, kFileLimit, "limits.max_units_per_site"});
        if (cd)
            caps.push_back(
                {kCdMaxPerSite, kLabel, "the label's 50 U per site for cervical dystonia"});
        if (!caps.empty()) {
            const auto tightest =
                *std::min_element(caps.begin(), caps.end(),
                                  [](const Cap& a, const Cap& b) { return a.value < b.value; });
            for (const Site* s : sites)
                if (s->units > tightest.value + kEps)
                    c.add("dose.site-max", s->where_of("units"),
                          "site '" + s->id + "' has " + format_number(s->units) + " U, above " +
                              tightest.what + " (" + format_number(tightest.value) + " U)",
                          tightest.basis);
        }
        if (cd && l.max_units_per_site && *l.max_units_per_site > kCdMaxPerSite + kEps)
            c.add("limits.above-label", p.where_of("limits.max_units_per_site"),
                  "max_units_per_site is " + format_number(*l.max_units_per_site) +
                      " U; the label gives at most 50 U per site for cervical dystonia");
    }

    // Session total and site count.
    auto all = [](const Site&) { return true; };
    auto units = [](const Site& s) { return s.units; };
    auto one = [](const Site&) { return 1.0; };
    std::vector<Cap> totals;
    if (l.max_total_units)
        totals.push_back({*l.max_total_units, kFileLimit, "the protocol's max_total_units"});
    if (p.paradigm == Paradigm::preempt)
        totals.push_back({kPreemptUsTotal, kLabelUs, "the US label's 155 U for chronic migraine"});
    if (ftp)
        totals.push_back({kFtpTotal, kTrial, "the PREEMPT follow-the-pain maximum of 195 U"});
    if (cd)
        totals.push_back(
            {kCdSessionMax, kLabelNonUs, "the 300 U per session for cervical dystonia"});
    if (auto hit = tightest_exceeded(sites, totals, all, units))
        c.add("dose.total", hit->second->where_of("units"),
              "site '" + hit->second->id + "' brings the session total above " + hit->first.what +
                  " (" + format_number(p.total_units(true)) + " U in all)",
              hit->first.basis);
    std::vector<Cap> counts;
    if (l.max_sites)
        counts.push_back(
            {static_cast<double>(*l.max_sites), kFileLimit, "the protocol's max_sites"});
    if (p.paradigm == Paradigm::preempt)
        counts.push_back({static_cast<double>(kPreemptSites), kLabel, "PREEMPT's 31 sites"});
    if (ftp)
        counts.push_back(
            {static_cast<double>(kFtpSites), kTrial, "PREEMPT follow-the-pain's 39 sites"});
    if (auto hit = tightest_exceeded(sites, counts, all, one))
        c.add("dose.site-count", hit->second->where,
              "site '" + hit->second->id + "' is one more than " + hit->first.what + " (" +
                  std::to_string(sites.size()) + " sites in all)",
              hit->first.basis);
    if (ftp)
        if (const Site* s = first_over(sites, kPreemptUsTotal, all, units))
            c.add("dose.total-us-label", s->where_of("units"),
                  "with follow-the-pain sites the total reaches " +
                      format_number(p.total_units(true)) +
                      " U; the US label recommends 155 U (155–195 U comes from the PREEMPT trials "
                      "and non-US labels)");
    if (const Site* s = first_over(sites, kCumulativeMax, all, units))
        c.add("dose.cumulative", s->where_of("units"),
              "site '" + s->id +
                  "' brings the session above 400 U, the cumulative adult maximum in any 3 months");

    // The file's own limits against the label's.
    if (preempt && l.max_total_units &&
        *l.max_total_units > (ftp ? kFtpTotal : kPreemptUsTotal) + kEps)
        c.add("limits.above-label", p.where_of("limits.max_total_units"),
              "max_total_units is " + format_number(*l.max_total_units) + " U; " +
                  (ftp ? "PREEMPT with follow-the-pain allows at most 195 U"
                       : "the US label gives 155 U"),
              ftp ? kTrial : kLabelUs);
    if (preempt && l.max_sites && *l.max_sites > (ftp ? kFtpSites : kPreemptSites))
        c.add("limits.above-label", p.where_of("limits.max_sites"),
              "max_sites is " + std::to_string(*l.max_sites) + "; PREEMPT has " +
                  (ftp ? "at most 39 sites with follow-the-pain" : "31 sites"),
              ftp ? kTrial : kLabel);
    if (cd && l.max_total_units && *l.max_total_units > kCdSessionMax + kEps)
        c.add("limits.above-label", p.where_of("limits.max_total_units"),
              "max_total_units is " + format_number(*l.max_total_units) +
                  " U; non-US labels allow at most 300 U per session for cervical dystonia",
              kLabelNonUs);
    if (cd && l.first_session_max_units && *l.first_session_max_units > kCdFirstSessionMax + kEps)
        c.add("limits.above-label", p.where_of("limits.first_session_max_units"),
              "first_session_max_units is " + format_number(*l.first_session_max_units) +
                  " U; the first course is at most 200 U (UK SmPC)",
              kLabelNonUs);
}

void check_preempt(const Protocol& p, const std::vector<const Site*>& sites, Checker& c) {
    if (!is_preempt(p))
        return;
    struct Tally {
        int sites = 0;
        double units = 0.0;
        const Site* first = nullptr;
        int per_side_sites[3] = {0, 0, 0}; // left, right, midline
        double per_side_units[3] = {0.0, 0.0, 0.0};
    };
    std::map<std::string, Tally> fixed;
    std::vector<std::string> order;
    for (const Site* s : sites) {
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
    for (const auto& row : kPreemptTable)
        known.emplace_back(row.muscle);
    for (const auto& row : kPreemptTable) {
        auto it = fixed.find(row.muscle);
        if (it == fixed.end()) {
            c.add("preempt.muscle-table", p.where_of("paradigm"),
                  std::string("PREEMPT has ") + std::to_string(row.sites) + " fixed " + row.muscle +
                      " site" + (row.sites == 1 ? "" : "s") + " (" + format_number(row.units) +
                      " U); this protocol has none");
            continue;
        }
        const Tally& t = it->second;
        if (t.sites != row.sites || std::abs(t.units - row.units) > kEps)
            c.add("preempt.muscle-table", t.first->where_of("muscle"),
                  std::string(row.muscle) + ": " + std::to_string(t.sites) + " fixed site" +
                      (t.sites == 1 ? "" : "s") + " / " + format_number(t.units) +
                      " U; PREEMPT has " + std::to_string(row.sites) + " / " +
                      format_number(row.units) + " U");
    }
    for (const auto& muscle : order) {
        if (std::find(known.begin(), known.end(), muscle) != known.end())
            continue;
        c.add("preempt.muscle-table", fixed[muscle].first->where_of("muscle"),
              "'" + muscle + "' is not a PREEMPT fixed-site muscle key" +
                  detail::did_you_mean(muscle, known) +
                  "; the fixed sites are corrugator, procerus, frontalis, temporalis, occipitalis, "
                  "cervical_paraspinal "
                  "and trapezius");
    }
    for (const Site* s : sites)
        if (!s->optional && s->muscle == "procerus" && s->side != Side::midline)
            c.add("preempt.procerus-midline", s->where_of("side"),
                  "site '" + s->id + "': the PREEMPT procerus site is a single midline site, not " +
                      side_name(s->side));
    for (const auto& muscle : order) {
        if (muscle == "procerus")
            continue;
        const Tally& t = fixed[muscle];
        const bool counts = t.per_side_sites[0] != t.per_side_sites[1];
        const bool doses = std::abs(t.per_side_units[0] - t.per_side_units[1]) > kEps;
        if (counts || doses || t.per_side_sites[2] > 0)
            c.add("symmetry.mirror", t.first->where_of("muscle"),
                  muscle + ": left " + std::to_string(t.per_side_sites[0]) + " sites / " +
                      format_number(t.per_side_units[0]) + " U, right " +
                      std::to_string(t.per_side_sites[1]) + " sites / " +
                      format_number(t.per_side_units[1]) + " U" +
                      (t.per_side_sites[2] > 0 ? ", midline " + std::to_string(t.per_side_sites[2])
                                               : std::string()) +
                      "; PREEMPT fixed sites are mirrored left and right");
    }
}

void check_ftp(const Protocol& p, const std::vector<const Site*>& sites, Checker& c) {
    if (p.paradigm == Paradigm::preempt) {
        for (const Site* s : sites)
            if (s->optional)
                c.add("ftp.not-enabled", s->where_of("optional"),
                      "site '" + s->id +
                          "' is optional (follow-the-pain), but paradigm 'preempt' has none; use "
                          "paradigm 'preempt_ftp'");
        return;
    }
    if (p.paradigm != Paradigm::preempt_ftp)
        return;
    const std::optional<FollowThePainLimits>& f = p.limits.follow_the_pain;
    std::set<std::string> allowed;
    for (const auto& [muscle, cap] : kFtpSuggestedSites) {
        (void)cap;
        if (!f || std::find(f->muscles.begin(), f->muscles.end(), muscle) != f->muscles.end())
            allowed.insert(muscle);
    }
    if (f) {
        for (const auto& m : f->muscles)
            if (!kFtpSuggestedSites.count(m))
                c.add("limits.above-label", p.where_of("limits.follow_the_pain.muscles"),
                      "follow-the-pain muscle '" + m +
                          "' is not one of temporalis, occipitalis, trapezius",
                      kTrial);
        if (f->max_extra_units > kFtpExtraUnits + kEps)
            c.add("limits.above-label", p.where_of("limits.follow_the_pain.max_extra_units"),
                  "max_extra_units is " + format_number(f->max_extra_units) +
                      " U; follow-the-pain adds at most 40 U",
                  kTrial);
        if (f->max_extra_sites > kFtpExtraSites)
            c.add("limits.above-label", p.where_of("limits.follow_the_pain.max_extra_sites"),
                  "max_extra_sites is " + std::to_string(f->max_extra_sites) +
                      "; follow-the-pain adds at most 8 sites",
                  kTrial);
        for (const auto& [muscle, cap] : f->max_sites_per_muscle) {
            auto it = kFtpSuggestedSites.find(muscle);
            if (it != kFtpSuggestedSites.end() && cap > it->second)
                c.add("limits.above-label",
                      p.where_of("limits.follow_the_pain.max_sites_per_muscle." + muscle),
                      "max_sites_per_muscle for " + muscle + " is " + std::to_string(cap) +
                          "; the trial suggests " + std::to_string(it->second),
                      kTrial);
        }
    }
    std::vector<std::string> allowed_list(allowed.begin(), allowed.end());
    std::string allowed_text;
    for (const auto& m : allowed_list)
        allowed_text += (allowed_text.empty() ? "" : ", ") + m;
    for (const Site* s : sites)
        if (s->optional && !allowed.count(s->muscle))
            c.add("ftp.muscle", s->where_of("muscle"),
                  "follow-the-pain site '" + s->id + "' is in '" + s->muscle +
                      "'; follow-the-pain sites may only be in " +
                      (allowed_text.empty() ? std::string("(no muscle allowed)") : allowed_text));
    auto optional = [](const Site& s) { return s.optional; };
    const double unit_cap = std::min(kFtpExtraUnits, f ? f->max_extra_units : kFtpExtraUnits);
    if (const Site* s =
            first_over(sites, unit_cap, optional, [](const Site& x) { return x.units; }))
        c.add("ftp.extra-units", s->where_of("units"),
              "follow-the-pain site '" + s->id + "' brings the extra dose above " +
                  format_number(unit_cap) + " U");
    const double site_cap =
        std::min<double>(kFtpExtraSites, f ? f->max_extra_sites : kFtpExtraSites);
    if (const Site* s = first_over(sites, site_cap, optional, [](const Site&) { return 1.0; }))
        c.add("ftp.extra-sites", s->where,
              "follow-the-pain site '" + s->id + "' is more than " + format_number(site_cap) +
                  " extra sites");
    for (const auto& [muscle, suggested] : kFtpSuggestedSites) {
        int cap = suggested;
        if (f)
            if (auto it = f->max_sites_per_muscle.find(muscle); it != f->max_sites_per_muscle.end())
                cap = std::min(cap, it->second);
        const std::string& m = muscle;
        if (const Site* s = first_over(
                sites, cap, [&](const Site& x) { return x.optional && x.muscle == m; },
                [](const Site&) { return 1.0; }))
            c.add("ftp.muscle-cap", s->where,
                  "follow-the-pain site '" + s->id + "' is more than the suggested " +
                      std::to_string(cap) + " extra " + muscle + " site" + (cap == 1 ? "" : "s"));
    }
}

void check_muscles(const Protocol& p, const std::vector<const Site*>& sites, Checker& c) {
    const bool cd = is_cd(p);
    std::map<std::string, Cap> caps;
    for (const auto& [muscle, cap] : p.limits.max_units_per_muscle)
        caps[muscle] = {cap, kFileLimit, "the protocol's cap of " + format_number(cap) + " U"};
    if (cd) {
        auto it = caps.find(kScm);
        if (it == caps.end() || it->second.value > kScmCap)
            caps[kScm] = {kScmCap, kLabel,
                          "100 U (the label: keeping sternocleidomastoid at most 100 U may reduce "
                          "dysphagia)"};
    }
    for (const auto& [muscle, cap] : caps) {
        const std::string& m = muscle;
        if (const Site* s = first_over(
                sites, cap.value, [&](const Site& x) { return x.muscle == m; },
                [](const Site& x) { return x.units; }))
            c.add("muscle.cap", s->where_of("units"),
                  "site '" + s->id + "' brings " + muscle + " above " + cap.what, cap.basis);
        if (p.cd)
            for (const CdCandidate& cand : p.cd->candidates) {
                if (cand.muscle != muscle)
                    continue;
                const double sides = cand.relation == SideSpec::bilateral ? 2.0 : 1.0;
                if (cand.units_max * sides > cap.value + kEps)
                    c.add("muscle.cap", location_in(cand.locations, "units_max", cand.where),
                          "candidate " + muscle + " allows up to " +
                              format_number(cand.units_max * sides) + " U, above " + cap.what,
                          cap.basis);
            }
    }
    if (cd) {
        bool left = false, right = false, reported = false;
        for (const Site* s : sites) {
            if (s->muscle != kScm)
                continue;
            left = left || s->side == Side::left;
            right = right || s->side == Side::right;
            if (left && right && !reported) {
                c.add("muscle.bilateral-scm", s->where_of("side"),
                      "both sternocleidomastoids are injected; bilateral SCM injections raise the "
                      "risk of dysphagia");
                reported = true;
            }
        }
        if (p.cd && !reported)
            for (const CdCandidate& cand : p.cd->candidates)
                if (cand.muscle == kScm && cand.relation == SideSpec::bilateral && !reported) {
                    c.add("muscle.bilateral-scm",
                          location_in(cand.locations, "relation", cand.where),
                          "bilateral sternocleidomastoid; bilateral SCM injections raise the risk "
                          "of dysphagia");
                    reported = true;
                }
    }
    for (const Site* s : sites)
        if (s->guidance == Guidance::none && is_deep_muscle(s->muscle))
            c.add("guidance.deep-muscle", s->where_of("muscle"),
                  "site '" + s->id + "' is in the deep muscle '" + s->muscle +
                      "'; set guidance to emg, ultrasound or emg_or_ultrasound");
    if (p.cd)
        for (const CdCandidate& cand : p.cd->candidates)
            if (cand.guidance == Guidance::none && is_deep_muscle(cand.muscle))
                c.add(
                    "guidance.deep-muscle", location_in(cand.locations, "muscle", cand.where),
                    "candidate '" + cand.muscle +
                        "' is a deep muscle; set guidance to emg, ultrasound or emg_or_ultrasound");
}

void check_preparation(const Protocol& p, Checker& c) {
    const double computed = p.reconstitution.units_per_0_1_ml();
    const std::string recipe = format_number(p.reconstitution.vial_units) + " U in " +
                               format_number(p.reconstitution.diluent_ml) + " mL gives " +
                               format_number(computed) + " U per 0.1 mL";
    if (p.stated_units_per_0_1_ml &&
        std::abs(*p.stated_units_per_0_1_ml - computed) > kEps * std::max(1.0, std::abs(computed)))
        c.add("reconstitution.concentration", p.where_of("reconstitution.units_per_0_1_ml"),
              "units_per_0_1_ml is " + format_number(*p.stated_units_per_0_1_ml) + ", but " +
                  recipe);
    if (is_cm(p) && std::abs(computed - kCmUnitsPer01) > kEps)
        c.add("reconstitution.concentration", p.where_of("reconstitution.diluent_ml"),
              "chronic migraine uses 5 U per 0.1 mL (100 U in 2 mL or 200 U in 4 mL); " + recipe);
    if (is_cd(p) && std::abs(computed - 5.0) > kEps && std::abs(computed - 10.0) > kEps)
        c.add("reconstitution.label-dilution", p.where_of("reconstitution.diluent_ml"),
              recipe + "; the label's cervical dystonia dilutions give 5 or 10 U per 0.1 mL");

    if (is_cm(p) && p.needle.gauge != 30)
        c.add("needle.gauge", p.where_of("needle.gauge"),
              std::to_string(p.needle.gauge) +
                  " G; the chronic migraine technique uses a 30 G needle");
    if (is_cd(p) && (p.needle.gauge < 25 || p.needle.gauge > 30))
        c.add("needle.gauge", p.where_of("needle.gauge"),
              std::to_string(p.needle.gauge) + " G; cervical dystonia uses 25–30 G needles");
    if (is_cm(p) && p.needle.length_inch > 1.0 + kEps)
        c.add("needle.length", p.where_of("needle.length_inch"),
              format_number(p.needle.length_inch) +
                  " inch; chronic migraine uses a ½-inch needle, up to 1 inch in a thick neck");

    if (p.limits.retreatment_weeks) {
        const double weeks = *p.limits.retreatment_weeks;
        if (is_cm(p) && weeks < kCmRetreatWeeks - kEps)
            c.add("retreatment.interval", p.where_of("limits.retreatment_weeks"),
                  "retreatment after " + format_number(weeks) +
                      " weeks; the label interval is 12 weeks");
        if (is_cd(p) && weeks < kCdRetreatWeeks - kEps)
            c.add("retreatment.interval", p.where_of("limits.retreatment_weeks"),
                  "retreatment after " + format_number(weeks) +
                      " weeks; no sooner than 10 weeks for cervical dystonia");
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
        // The rim clearance guards the orbit (lid ptosis from spread to levator palpebrae), so it
        // applies to the corrugator, whose sites sit over the orbits. The procerus site is midline,
        // between the medial brows over the nasal bridge (BLUM10), not above an orbit.
        if (s.muscle == "corrugator") {
            std::optional<float> rim_y;
            std::optional<float> rim_x;
            for (Side side : sides)
                if (auto rim = lm("supraorbital_rim", side)) {
                    rim_y = rim_y ? std::max(*rim_y, rim->y) : rim->y;
                    rim_x = std::abs(rim->x);
                }
            if (rim_y && x.y - *rim_y < 10.0f)
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

} // namespace

const std::vector<RuleInfo>& validator_rules() {
    return kRules;
}

Diagnostics validate_protocol(const Protocol& protocol) {
    Checker c;
    try {
        const auto sites = protocol.sites();
        check_structure(protocol, sites, c);
        check_doses(protocol, sites, c);
        check_preempt(protocol, sites, c);
        check_ftp(protocol, sites, c);
        check_muscles(protocol, sites, c);
        check_preparation(protocol, c);
    } catch (const std::exception& e) {
        c.out.push_back({Severity::error,
                         "protocol.internal",
                         std::string("validation failed: ") + e.what(),
                         protocol.where,
                         {}});
    }
    return c.out;
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
