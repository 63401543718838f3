#pragma once
// The clinical limits as data: protocols/rules/clinical-limits.toml (docs/clinical-limits.md).
// Products, indications and one row of limits per (indication, product) pair. A protocol names
// its indication by id and its product by id, brand or alias; every protocol of that pair gets
// the row's limits whatever its paradigm (a `[limits.paradigm.<name>]` table tightens or adds
// keys for one paradigm). A new indication or product is an edit of that file, not of code.
//
// Each limit carries its severity (error: `check` fails and the session refuses; warning: shown,
// the clinician decides; note: shown only), its basis (label, label (US), label (non-US), trial
// protocol, common practice), its source key and how certain it is. The validator
// (validator.hpp) and the session (session.hpp) both take their limits from dose_limits()
// (dose_limits.hpp), so they agree on what is refused and what is warned.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/diagnostic.hpp"

namespace injmap {

inline constexpr int kClinicalRulesSchemaVersion = 1;

enum class Certainty { established, provisional, expert_opinion };
[[nodiscard]] const char* to_string(Certainty value);
[[nodiscard]] std::optional<Certainty> certainty_from(std::string_view text);

// One limit as written: a value (or a range, or a set of accepted values) with its standing.
struct RuleLimit {
    double value = 0.0;         // caps (…_max) and minimums (…_min)
    std::optional<double> min;  // ranges (needle_gauge, reference_range)
    std::optional<double> max;  //
    std::vector<double> values; // accepted values (units_per_0_1_ml)
    double window_days = 0.0;   // cumulative limits: the rolling window
    Severity severity = Severity::error;
    std::string basis;  // "label", "label (US)", "label (non-US)", "trial protocol", ...
    std::string source; // a key of the file's [[sources]]
    Certainty certainty = Certainty::established;
    std::string note;
    SourceLocation where;
};

struct ProductInfo {
    std::string id;    // "onabotulinumtoxinA"
    std::string brand; // "BOTOX"
    std::vector<std::string> aliases;
    std::optional<RuleLimit> cumulative_units_max; // all indications together (window_days)
    SourceLocation where;
};

struct IndicationInfo {
    std::string id;           // "chronic_migraine"
    std::string display_name; // "Chronic migraine"
    std::vector<std::string> paradigms;
    SourceLocation where;
};

struct FixedSiteRow {
    int sites = 0;
    double units = 0.0;
};

// The keys a limits row may hold (docs/clinical-limits.md). Each maps to one or more limits (an
// array of tables allows a warning and an error on the same quantity).
using LimitSet = std::map<std::string, std::vector<RuleLimit>, std::less<>>;

struct LimitsRow {
    std::string indication;
    std::string product;
    LimitSet limits;                                           // scalar keys
    std::map<std::string, RuleLimit> muscle_units_max;         // per muscle (or group key)
    std::map<std::string, RuleLimit> ftp_sites_per_muscle_max; // follow-the-pain, per muscle
    std::vector<std::string> ftp_muscles;                      // the only FTP muscles
    std::map<std::string, FixedSiteRow> fixed_sites;           // exact table (PREEMPT)
    std::optional<RuleLimit> fixed_sites_rule;                 // standing of that table
    std::vector<std::string> bilateral_warning_muscles;        // e.g. sternocleidomastoid
    std::optional<RuleLimit> bilateral_warning;                //
    std::vector<std::string> symmetric_posterior_planes;       // CD planes (rule 17)
    std::optional<RuleLimit> symmetric_posterior;              //
    std::map<std::string, LimitsRow> by_paradigm;              // overrides, same shape
    SourceLocation where;

    // The row as it applies to `paradigm`: the paradigm's keys replace the base ones.
    [[nodiscard]] LimitsRow for_paradigm(std::string_view paradigm) const;
    [[nodiscard]] const std::vector<RuleLimit>* find(std::string_view key) const;
    [[nodiscard]] const RuleLimit* first(std::string_view key) const;
};

struct RuleSource {
    std::string key;
    std::string citation;
    std::string link;
    bool provisional = false;
};

struct ClinicalRules {
    std::vector<ProductInfo> products;
    std::vector<IndicationInfo> indications;
    std::vector<LimitsRow> rows;
    // Muscle classes: ids or id prefixes ("scalen" matches every scalene).
    std::vector<std::string> deep_muscles;      // need EMG/ultrasound guidance
    std::vector<std::string> head_muscles;      // face and scalp: a needle ≤ ½ inch
    std::vector<std::string> glabellar_muscles; // kept ≥ 10 mm above the orbital rim
    std::vector<std::string> posterior_neck_muscles;
    std::optional<RuleLimit> head_needle_length_max;
    std::vector<RuleSource> sources;
    std::filesystem::path path;

    [[nodiscard]] const IndicationInfo* indication(std::string_view id) const;
    [[nodiscard]] const ProductInfo* product(std::string_view id) const;
    [[nodiscard]] const LimitsRow* row(std::string_view indication, std::string_view product) const;
    [[nodiscard]] const RuleSource* source(std::string_view key) const;
};

// Which products a protocol's free-text `product` names: every product whose id, brand or alias
// appears in it as a whole word, case-insensitively ("Xeomin, not Botox" names two).
[[nodiscard]] std::vector<const ProductInfo*> products_named(const ClinicalRules& rules,
                                                             std::string_view text);

// True when `muscle` is one of `ids` or starts with one of them followed by '_' or nothing
// ("scalen" matches "scalenus_anterior"; "orbicularis_oculi" matches its parts).
[[nodiscard]] bool muscle_in_class(std::string_view muscle, const std::vector<std::string>& ids);

// Reads a clinical-limits file. Diagnostics use the rule ids rules.* (rules.unknown-key,
// rules.missing-key, rules.type, rules.bad-value, rules.duplicate-id, rules.unknown-source,
// rules.unknown-indication, rules.unknown-product, rules.io, toml.syntax, rules.schema-version).
[[nodiscard]] Result<ClinicalRules> parse_clinical_rules(std::string_view text,
                                                         const std::string& file_name);
[[nodiscard]] Result<ClinicalRules> read_clinical_rules(const std::filesystem::path& path);

// The shipped table (share/injmap/protocols/rules/clinical-limits.toml), read once. When it is
// missing or broken the result carries the errors and no value; callers report them.
[[nodiscard]] const Result<ClinicalRules>& shipped_clinical_rules();

} // namespace injmap
