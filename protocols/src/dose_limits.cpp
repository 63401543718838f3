#include "injmap/protocols/dose_limits.hpp"

#include <algorithm>

#include "injmap/units_format.hpp"
#include "text_util.hpp"

namespace injmap {
namespace {

using detail::format_number;

constexpr const char* kFileLimit = "protocol limit";

struct ScopeInfo {
    std::string_view key; // in the clinical-limits table
    DoseScope scope;
    const char* rule;
    const char* what; // "at most {} U per site"
};
constexpr ScopeInfo kScopes[] = {
    {"site_units_exact", DoseScope::site_exact, "dose.site-units", "{} U at every site"},
    {"site_units_max", DoseScope::site, "dose.site-max", "at most {} U per site"},
    {"first_session_site_units_max", DoseScope::site_first_session, "dose.first-session-site",
     "at most {} U per site at a first treatment"},
    {"side_units_max", DoseScope::side, "dose.side-total", "at most {} U per side"},
    {"session_units_max", DoseScope::session_units, "dose.total", "at most {} U per session"},
    {"session_sites_max", DoseScope::session_sites, "dose.site-count", "at most {} sites"},
    {"first_session_units_max", DoseScope::first_session_units, "dose.first-session",
     "at most {} U at a first treatment"},
    {"ftp_extra_units_max", DoseScope::ftp_extra_units, "ftp.extra-units",
     "at most {} U of follow-the-pain sites"},
    {"ftp_extra_sites_max", DoseScope::ftp_extra_sites, "ftp.extra-sites",
     "at most {} follow-the-pain sites"},
};

// `value` is a unit count or a whole count of sites: both read as unit counts do (format_units).
std::string fill(const char* pattern, double value, std::string_view muscle = {}) {
    std::string out(pattern);
    if (auto at = out.find("{}"); at != std::string::npos)
        out.replace(at, 2, format_units(value));
    if (auto at = out.find("{m}"); at != std::string::npos)
        out.replace(at, 3, std::string(muscle));
    return out;
}

std::string standing(const RuleLimit& limit) {
    std::string text = limit.basis;
    if (!limit.source.empty())
        text += ", " + limit.source;
    if (limit.certainty != Certainty::established)
        text += std::string(", ") + to_string(limit.certainty);
    return text;
}

DoseLimit from_table(DoseScope scope, const char* rule, const RuleLimit& limit, std::string what) {
    DoseLimit d;
    d.scope = scope;
    d.value = limit.value;
    d.window_days = limit.window_days;
    d.severity = limit.severity;
    d.rule = rule;
    d.basis = limit.basis;
    d.source = limit.source;
    d.certainty = limit.certainty;
    d.what = std::move(what) + " (" + standing(limit) + ")";
    d.where = limit.where;
    return d;
}

DoseLimit from_file(const Protocol& p, DoseScope scope, const char* rule, double value,
                    Severity severity, const std::string& key, std::string what) {
    DoseLimit d;
    d.scope = scope;
    d.value = value;
    d.severity = severity;
    d.rule = rule;
    d.basis = kFileLimit;
    d.what = std::move(what) + " (the protocol's " + key + ")";
    d.where = p.where_of(key);
    d.from_file = true;
    return d;
}

} // namespace

bool muscle_counts_towards(std::string_view site_muscle, std::string_view limit_muscle) {
    return site_muscle == limit_muscle ||
           (site_muscle.size() > limit_muscle.size() &&
            site_muscle.substr(0, limit_muscle.size()) == limit_muscle &&
            site_muscle[limit_muscle.size()] == '_');
}

AppliedRules applied_rules(const Protocol& protocol, const ClinicalRules& rules) {
    AppliedRules out;
    const SourceLocation at_indication = protocol.where_of("indication");
    const SourceLocation at_product = protocol.where_of("product");
    out.indication = rules.indication(protocol.indication);
    if (!out.indication) {
        std::vector<std::string> ids;
        std::string list;
        for (const auto& i : rules.indications) {
            ids.push_back(i.id);
            list += (list.empty() ? "" : ", ") + i.id;
        }
        out.diagnostics.push_back({Severity::error, "protocol.unknown-indication",
                                   "indication '" + detail::one_line(protocol.indication) +
                                       "' is not in the clinical-limits table" +
                                       detail::did_you_mean(protocol.indication, ids) +
                                       "; known: " + list,
                                   at_indication, "structure"});
    } else if (std::find(out.indication->paradigms.begin(), out.indication->paradigms.end(),
                         to_string(protocol.paradigm)) == out.indication->paradigms.end()) {
        std::string list;
        for (const auto& p : out.indication->paradigms)
            list += (list.empty() ? "" : ", ") + p;
        out.diagnostics.push_back({Severity::error, "protocol.paradigm-indication",
                                   std::string("paradigm '") + to_string(protocol.paradigm) +
                                       "' is not used for " + out.indication->id +
                                       " (the table allows " + list + ")",
                                   at_indication, "structure"});
    }
    const auto named = products_named(rules, protocol.product);
    if (named.empty()) {
        std::string list;
        for (const auto& p : rules.products)
            list += (list.empty() ? "" : ", ") + p.id + " (" + p.brand + ")";
        out.diagnostics.push_back(
            {Severity::error, "product.unknown",
             "product '" + detail::one_line(protocol.product) +
                 "' names no product of the clinical-limits table; units never convert between "
                 "products, so the product must be named: " +
                 list,
             at_product, "label"});
    } else if (named.size() > 1) {
        std::string list;
        for (const auto* p : named)
            list += (list.empty() ? "" : " and ") + p->id;
        out.diagnostics.push_back(
            {Severity::error, "product.ambiguous",
             "product '" + detail::one_line(protocol.product) + "' names " + list +
                 "; a protocol is for exactly one product (units never convert)",
             at_product, "label"});
    } else {
        out.product = named.front();
    }
    if (out.indication && out.product) {
        if (const LimitsRow* row = rules.row(out.indication->id, out.product->id)) {
            out.row = row->for_paradigm(to_string(protocol.paradigm));
        } else if (out.indication->id != "other") {
            out.diagnostics.push_back(
                {Severity::error, "product.no-limits",
                 "the clinical-limits table has no limits for " + out.product->id + " (" +
                     out.product->brand + ") in " + out.indication->id +
                     "; doses of one product say nothing about another, so add a [[limits]] row "
                     "for this pair before using it",
                 at_product, "label"});
        }
    }
    return out;
}

AppliedRules applied_rules(const Protocol& protocol) {
    const Result<ClinicalRules>& rules = shipped_clinical_rules();
    if (!rules.value) {
        AppliedRules out;
        out.diagnostics = rules.diagnostics;
        return out;
    }
    return applied_rules(protocol, *rules.value);
}

std::vector<DoseLimit> dose_limits(const Protocol& p, const AppliedRules& applied) {
    std::vector<DoseLimit> out;
    if (applied.row) {
        const LimitsRow& row = *applied.row;
        for (const ScopeInfo& s : kScopes)
            if (const auto* limits = row.find(s.key))
                for (const RuleLimit& limit : *limits)
                    out.push_back(from_table(s.scope, s.rule, limit, fill(s.what, limit.value)));
        // An indication's own cumulative cap (blepharospasm: 200 U in 30 days), as the product's.
        if (const auto* limits = row.find("cumulative_units_max"))
            for (const RuleLimit& limit : *limits)
                out.push_back(from_table(DoseScope::cumulative_units, "dose.cumulative", limit,
                                         fill("at most {} U over any ", limit.value) +
                                             format_number(limit.window_days) + " days"));
        for (const auto& [muscle, limit] : row.muscle_units_max) {
            DoseLimit d = from_table(DoseScope::muscle_units, "muscle.cap", limit,
                                     fill("at most {} U in {m}", limit.value, muscle));
            d.muscle = muscle;
            out.push_back(std::move(d));
        }
        for (const auto& [muscle, limit] : row.ftp_sites_per_muscle_max) {
            DoseLimit d =
                from_table(DoseScope::ftp_muscle_sites, "ftp.muscle-cap", limit,
                           fill("at most {} follow-the-pain sites in {m}", limit.value, muscle));
            d.muscle = muscle;
            out.push_back(std::move(d));
        }
    }
    if (applied.product && applied.product->cumulative_units_max) {
        const RuleLimit& limit = *applied.product->cumulative_units_max;
        DoseLimit d = from_table(DoseScope::cumulative_units, "dose.cumulative", limit,
                                 fill("at most {} U of this product over any ", limit.value) +
                                     format_number(limit.window_days) + " days");
        out.push_back(std::move(d));
    }

    const Limits& l = p.limits;
    if (l.units_per_site)
        out.push_back(from_file(p, DoseScope::site_exact, "dose.site-units", *l.units_per_site,
                                Severity::error, "limits.units_per_site",
                                fill("{} U at every site", *l.units_per_site)));
    if (l.max_units_per_site)
        out.push_back(from_file(p, DoseScope::site, "dose.site-max", *l.max_units_per_site,
                                Severity::error, "limits.max_units_per_site",
                                fill("at most {} U per site", *l.max_units_per_site)));
    if (l.max_total_units)
        out.push_back(from_file(p, DoseScope::session_units, "dose.total", *l.max_total_units,
                                Severity::error, "limits.max_total_units",
                                fill("at most {} U per session", *l.max_total_units)));
    if (l.max_sites)
        out.push_back(from_file(p, DoseScope::session_sites, "dose.site-count", *l.max_sites,
                                Severity::error, "limits.max_sites",
                                fill("at most {} sites", *l.max_sites)));
    if (l.first_session_max_units)
        out.push_back(from_file(
            p, DoseScope::first_session_units, "dose.first-session", *l.first_session_max_units,
            Severity::warning, "limits.first_session_max_units",
            fill("at most {} U at a first treatment", *l.first_session_max_units)));
    // The label gives per-muscle caps as advice ("may reduce dysphagia"): the clinician decides.
    for (const auto& [muscle, cap] : l.max_units_per_muscle) {
        DoseLimit d = from_file(p, DoseScope::muscle_units, "muscle.cap", cap, Severity::warning,
                                "limits.max_units_per_muscle." + muscle,
                                fill("at most {} U in {m}", cap, muscle));
        d.muscle = muscle;
        out.push_back(std::move(d));
    }
    if (l.follow_the_pain) {
        const FollowThePainLimits& f = *l.follow_the_pain;
        out.push_back(from_file(p, DoseScope::ftp_extra_units, "ftp.extra-units", f.max_extra_units,
                                Severity::error, "limits.follow_the_pain.max_extra_units",
                                fill("at most {} U of follow-the-pain sites", f.max_extra_units)));
        out.push_back(from_file(p, DoseScope::ftp_extra_sites, "ftp.extra-sites", f.max_extra_sites,
                                Severity::error, "limits.follow_the_pain.max_extra_sites",
                                fill("at most {} follow-the-pain sites", f.max_extra_sites)));
        // Suggested caps, as in the trial: shown, not refused.
        for (const auto& [muscle, cap] : f.max_sites_per_muscle) {
            DoseLimit d =
                from_file(p, DoseScope::ftp_muscle_sites, "ftp.muscle-cap", cap, Severity::warning,
                          "limits.follow_the_pain.max_sites_per_muscle." + muscle,
                          fill("at most {} follow-the-pain sites in {m}", cap, muscle));
            d.muscle = muscle;
            out.push_back(std::move(d));
        }
    }
    return out;
}

} // namespace injmap
