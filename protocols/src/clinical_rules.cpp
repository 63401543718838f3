#include "injmap/protocols/clinical_rules.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "injmap/models/data_paths.hpp"
#include "toml_reader.hpp"

namespace injmap {
namespace {

namespace fs = std::filesystem;
using detail::Reader;
using detail::TableView;

constexpr std::uintmax_t kMaxRulesBytes = 1024u * 1024u;

constexpr detail::EnumEntry<Severity> kSeverities[] = {
    {"error", Severity::error}, {"warning", Severity::warning}, {"note", Severity::note}};
constexpr detail::EnumEntry<Certainty> kCertainties[] = {
    {"established", Certainty::established},
    {"provisional", Certainty::provisional},
    {"expert-opinion", Certainty::expert_opinion}};

// Scalar keys of a limits row, each one limit or an array of them.
constexpr std::string_view kScalarKeys[] = {
    "site_units_exact",        "site_units_max",       "first_session_site_units_max",
    "side_units_max",          "session_units_max",    "session_sites_max",
    "first_session_units_max", "cumulative_units_max", "retreatment_weeks_min",
    "units_per_0_1_ml",        "needle_gauge",         "needle_length_inch_max",
    "reference_range",         "ftp_extra_units_max",  "ftp_extra_sites_max"};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

class RulesBuilder {
public:
    RulesBuilder(Reader& reader, ClinicalRules& rules) : r_(reader), rules_(rules) {}

    void read(const toml::table& root) {
        TableView top{&root, "the top level", r_.file_start(), nullptr, {}};
        r_.check_keys(top, {"schema_version", "muscle_classes", "products", "indications", "limits",
                            "sources"});
        if (auto v = r_.integer_in(top, "schema_version", true, 0, 1000000);
            v && *v != kClinicalRulesSchemaVersion) {
            r_.error("rules.schema-version",
                     "schema_version " + std::to_string(*v) +
                         " is not understood; this injmap reads " +
                         std::to_string(kClinicalRulesSchemaVersion),
                     r_.loc(root.get("schema_version")->source()));
            return;
        }
        for (const toml::table* t : r_.table_array(top, "sources", true))
            read_source(*t);
        if (const auto* t = r_.table(top, "muscle_classes", false))
            read_classes(*t);
        for (const toml::table* t : r_.table_array(top, "products", true))
            read_product(*t);
        for (const toml::table* t : r_.table_array(top, "indications", true))
            read_indication(*t);
        for (const toml::table* t : r_.table_array(top, "limits", false))
            read_row(*t);
    }

private:
    void read_source(const toml::table& t) {
        TableView v = r_.sub(t, "[[sources]]", nullptr);
        r_.check_keys(v, {"key", "citation", "link", "provisional"});
        RuleSource s;
        if (auto k = r_.string(v, "key", true)) {
            s.key = *k;
            if (!source_keys_.insert(*k).second)
                r_.error("rules.duplicate-id",
                         "source key '" + detail::one_line(*k) + "' is used twice",
                         r_.loc(t.get("key")->source()));
        }
        if (auto c = r_.string(v, "citation", true))
            s.citation = *c;
        if (auto l = r_.string(v, "link", false))
            s.link = *l;
        if (auto p = r_.boolean(v, "provisional", false))
            s.provisional = *p;
        rules_.sources.push_back(std::move(s));
    }

    void read_classes(const toml::table& t) {
        TableView v = r_.sub(t, "[muscle_classes]", nullptr);
        r_.check_keys(
            v, {"deep", "head", "glabellar", "posterior_neck", "head_needle_length_inch_max"});
        if (auto x = r_.string_array(v, "deep", false))
            rules_.deep_muscles = *x;
        if (auto x = r_.string_array(v, "head", false))
            rules_.head_muscles = *x;
        if (auto x = r_.string_array(v, "glabellar", false))
            rules_.glabellar_muscles = *x;
        if (auto x = r_.string_array(v, "posterior_neck", false))
            rules_.posterior_neck_muscles = *x;
        if (const toml::node* n = r_.node(v, "head_needle_length_inch_max", false))
            if (auto limit = read_limit(v, "head_needle_length_inch_max", *n))
                rules_.head_needle_length_max = *limit;
    }

    void read_product(const toml::table& t) {
        TableView v = r_.sub(t, "[[products]]", nullptr);
        r_.check_keys(v, {"id", "brand", "aliases", "cumulative_units_max"});
        ProductInfo p;
        p.where = r_.loc(t.source());
        if (auto x = r_.string(v, "id", true)) {
            p.id = *x;
            if (!product_ids_.insert(lower(*x)).second)
                r_.error("rules.duplicate-id",
                         "product '" + detail::one_line(*x) + "' is listed twice",
                         r_.loc(t.get("id")->source()));
        }
        if (auto x = r_.string(v, "brand", true))
            p.brand = *x;
        if (auto x = r_.string_array(v, "aliases", false))
            p.aliases = *x;
        if (const toml::node* n = r_.node(v, "cumulative_units_max", false))
            p.cumulative_units_max = read_limit(v, "cumulative_units_max", *n);
        rules_.products.push_back(std::move(p));
    }

    void read_indication(const toml::table& t) {
        TableView v = r_.sub(t, "[[indications]]", nullptr);
        r_.check_keys(v, {"id", "display_name", "paradigms"});
        IndicationInfo info;
        info.where = r_.loc(t.source());
        if (auto x = r_.string(v, "id", true)) {
            info.id = *x;
            if (!detail::is_id(*x, true))
                r_.bad_value(*t.get("id"), "indication id '" + detail::one_line(*x) +
                                               "' must be 1–64 characters of a–z, 0–9, '_' and "
                                               "'-'");
            if (!indication_ids_.insert(*x).second)
                r_.error("rules.duplicate-id",
                         "indication '" + detail::one_line(*x) + "' is listed twice",
                         r_.loc(t.get("id")->source()));
        }
        if (auto x = r_.string(v, "display_name", true))
            info.display_name = *x;
        if (auto x = r_.string_array(v, "paradigms", true)) {
            info.paradigms = *x;
            for (const auto& p : *x)
                if (p != "preempt" && p != "preempt_ftp" && p != "cd_template" && p != "custom")
                    r_.bad_value(*t.get("paradigms"),
                                 "paradigm '" + detail::one_line(p) +
                                     "' is not one of preempt, preempt_ftp, cd_template, custom");
        }
        rules_.indications.push_back(std::move(info));
    }

    // One limit: an inline table with value/min/max/values, severity, basis, source, certainty.
    std::optional<RuleLimit> read_limit_table(const toml::table& t, const std::string& name) {
        TableView v = r_.sub(t, name, nullptr);
        r_.check_keys(v, {"value", "min", "max", "values", "window_days", "severity", "basis",
                          "source", "certainty", "note"});
        RuleLimit limit;
        limit.where = r_.loc(t.source());
        if (auto x = r_.number(v, "value", false))
            limit.value = *x;
        limit.min = r_.number(v, "min", false);
        limit.max = r_.number(v, "max", false);
        if (limit.min && limit.max && *limit.min > *limit.max)
            r_.bad_value(*t.get("min"), "'min' in " + name + " is above 'max'");
        if (const toml::node* n = r_.node(v, "values", false)) {
            const auto* array = n->as_array();
            bool ok = array != nullptr;
            if (array)
                for (const toml::node& e : *array) {
                    if (auto d = e.value<double>(); d && e.is_number() && std::isfinite(*d))
                        limit.values.push_back(*d);
                    else
                        ok = false;
                }
            if (!ok)
                r_.type_error(v, "values", *n, "an array of numbers");
        }
        if (auto x = r_.number(v, "window_days", false))
            limit.window_days = *x;
        if (auto x = r_.enumeration(v, "severity", true, kSeverities))
            limit.severity = *x;
        if (auto x = r_.string(v, "basis", true))
            limit.basis = *x;
        if (auto x = r_.string(v, "source", true)) {
            limit.source = *x;
            if (!source_keys_.count(*x))
                r_.error("rules.unknown-source",
                         "source '" + detail::one_line(*x) + "' in " + name +
                             " is not a key of [[sources]]",
                         r_.loc(t.get("source")->source()));
        }
        if (auto x = r_.enumeration(v, "certainty", true, kCertainties))
            limit.certainty = *x;
        if (auto x = r_.string(v, "note", false))
            limit.note = *x;
        return r_.failed() ? std::nullopt : std::optional<RuleLimit>(std::move(limit));
    }

    std::optional<RuleLimit> read_limit(const TableView& parent, std::string_view key,
                                        const toml::node& n) {
        if (const auto* t = n.as_table())
            return read_limit_table(*t, "'" + std::string(key) + "'");
        r_.type_error(parent, key, n, "an inline table { value = …, severity = …, … }");
        return std::nullopt;
    }

    std::vector<RuleLimit> read_limits(const TableView& parent, std::string_view key,
                                       const toml::node& n) {
        std::vector<RuleLimit> out;
        if (const auto* array = n.as_array()) {
            for (const toml::node& e : *array)
                if (auto limit = read_limit(parent, key, e))
                    out.push_back(std::move(*limit));
        } else if (auto limit = read_limit(parent, key, n)) {
            out.push_back(std::move(*limit));
        }
        return out;
    }

    void read_row_keys(const toml::table& t, const std::string& name, LimitsRow& row,
                       bool is_paradigm) {
        TableView v = r_.sub(t, name, nullptr);
        std::vector<std::string_view> allowed(std::begin(kScalarKeys), std::end(kScalarKeys));
        for (std::string_view k :
             {"muscle_units_max", "ftp_sites_per_muscle_max", "ftp_muscles", "fixed_sites",
              "fixed_sites_rule", "bilateral_warning_muscles", "bilateral_warning",
              "symmetric_posterior_planes", "symmetric_posterior"})
            allowed.push_back(k);
        if (!is_paradigm)
            for (std::string_view k : {"indication", "product", "paradigm"})
                allowed.push_back(k);
        for (auto&& [key, node] : t) {
            const std::string_view k = key.str();
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
                std::vector<std::string> names(allowed.begin(), allowed.end());
                r_.error("rules.unknown-key",
                         "unknown key '" + std::string(k) + "' in " + name +
                             detail::did_you_mean(k, names),
                         r_.loc(key.source()));
                continue;
            }
            if (std::find(std::begin(kScalarKeys), std::end(kScalarKeys), k) !=
                std::end(kScalarKeys))
                row.limits[std::string(k)] = read_limits(v, k, node);
        }
        auto per_muscle = [&](std::string_view key, std::map<std::string, RuleLimit>& out) {
            if (const auto* m = r_.table(v, key, false))
                for (auto&& [muscle, node] : *m)
                    if (auto limit = read_limit(v, muscle.str(), node))
                        out[std::string(muscle.str())] = *limit;
        };
        per_muscle("muscle_units_max", row.muscle_units_max);
        per_muscle("ftp_sites_per_muscle_max", row.ftp_sites_per_muscle_max);
        if (auto x = r_.string_array(v, "ftp_muscles", false))
            row.ftp_muscles = *x;
        if (const auto* fixed = r_.table(v, "fixed_sites", false)) {
            for (auto&& [muscle, node] : *fixed) {
                const auto* ft = node.as_table();
                if (!ft) {
                    r_.type_error(v, muscle.str(), node, "a table { sites = …, units = … }");
                    continue;
                }
                TableView fv = r_.sub(*ft, "fixed_sites." + std::string(muscle.str()), nullptr);
                r_.check_keys(fv, {"sites", "units"});
                FixedSiteRow fr;
                if (auto s = r_.integer_in(fv, "sites", true, 1, 1000))
                    fr.sites = static_cast<int>(*s);
                if (auto u = r_.number(fv, "units", true))
                    fr.units = *u;
                row.fixed_sites[std::string(muscle.str())] = fr;
            }
        }
        if (const toml::node* n = r_.node(v, "fixed_sites_rule", false))
            row.fixed_sites_rule = read_limit(v, "fixed_sites_rule", *n);
        if (auto x = r_.string_array(v, "bilateral_warning_muscles", false))
            row.bilateral_warning_muscles = *x;
        if (const toml::node* n = r_.node(v, "bilateral_warning", false))
            row.bilateral_warning = read_limit(v, "bilateral_warning", *n);
        if (auto x = r_.string_array(v, "symmetric_posterior_planes", false))
            row.symmetric_posterior_planes = *x;
        if (const toml::node* n = r_.node(v, "symmetric_posterior", false))
            row.symmetric_posterior = read_limit(v, "symmetric_posterior", *n);
    }

    void read_row(const toml::table& t) {
        LimitsRow row;
        row.where = r_.loc(t.source());
        TableView v = r_.sub(t, "[[limits]]", nullptr);
        read_row_keys(t, "[[limits]]", row, false);
        if (auto x = r_.string(v, "indication", true)) {
            row.indication = *x;
            if (!indication_ids_.count(*x))
                r_.error("rules.unknown-indication",
                         "indication '" + detail::one_line(*x) +
                             "' is not listed under [[indications]]",
                         r_.loc(t.get("indication")->source()));
        }
        if (auto x = r_.string(v, "product", true)) {
            row.product = *x;
            if (!product_ids_.count(lower(*x)))
                r_.error("rules.unknown-product",
                         "product '" + detail::one_line(*x) + "' is not listed under [[products]]",
                         r_.loc(t.get("product")->source()));
        }
        for (const LimitsRow& other : rules_.rows)
            if (other.indication == row.indication && other.product == row.product)
                r_.error("rules.duplicate-id",
                         "a second [[limits]] row for " + row.indication + " and " + row.product,
                         row.where);
        if (const auto* paradigms = r_.table(v, "paradigm", false))
            for (auto&& [name, node] : *paradigms) {
                const auto* pt = node.as_table();
                if (!pt) {
                    r_.type_error(v, name.str(), node, "a table");
                    continue;
                }
                LimitsRow sub;
                sub.where = r_.loc(pt->source());
                read_row_keys(*pt, "[limits.paradigm." + std::string(name.str()) + "]", sub, true);
                row.by_paradigm[std::string(name.str())] = std::move(sub);
            }
        rules_.rows.push_back(std::move(row));
    }

    Reader& r_;
    ClinicalRules& rules_;
    std::set<std::string> source_keys_;
    std::set<std::string> product_ids_;
    std::set<std::string> indication_ids_;
};

bool word_at(std::string_view text, std::size_t pos, std::size_t len) {
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    const bool start = pos == 0 || !is_word(text[pos - 1]);
    const bool end = pos + len >= text.size() || !is_word(text[pos + len]);
    return start && end;
}

bool names(std::string_view haystack_lower, std::string_view needle) {
    const std::string n = lower(needle);
    if (n.empty())
        return false;
    for (std::size_t pos = haystack_lower.find(n); pos != std::string_view::npos;
         pos = haystack_lower.find(n, pos + 1))
        if (word_at(haystack_lower, pos, n.size()))
            return true;
    return false;
}

} // namespace

const char* to_string(Certainty value) {
    switch (value) {
    case Certainty::established:
        return "established";
    case Certainty::provisional:
        return "provisional";
    case Certainty::expert_opinion:
        return "expert-opinion";
    }
    return "provisional";
}

std::optional<Certainty> certainty_from(std::string_view text) {
    for (const auto& [name, value] : kCertainties)
        if (name == text)
            return value;
    return std::nullopt;
}

LimitsRow LimitsRow::for_paradigm(std::string_view paradigm) const {
    LimitsRow out = *this;
    out.by_paradigm.clear();
    const auto it = by_paradigm.find(std::string(paradigm));
    if (it == by_paradigm.end())
        return out;
    const LimitsRow& p = it->second;
    for (const auto& [key, values] : p.limits)
        out.limits[key] = values;
    for (const auto& [muscle, limit] : p.muscle_units_max)
        out.muscle_units_max[muscle] = limit;
    for (const auto& [muscle, limit] : p.ftp_sites_per_muscle_max)
        out.ftp_sites_per_muscle_max[muscle] = limit;
    if (!p.ftp_muscles.empty())
        out.ftp_muscles = p.ftp_muscles;
    if (!p.fixed_sites.empty()) {
        out.fixed_sites = p.fixed_sites;
        out.fixed_sites_rule = p.fixed_sites_rule;
    }
    if (!p.bilateral_warning_muscles.empty()) {
        out.bilateral_warning_muscles = p.bilateral_warning_muscles;
        out.bilateral_warning = p.bilateral_warning;
    }
    if (!p.symmetric_posterior_planes.empty()) {
        out.symmetric_posterior_planes = p.symmetric_posterior_planes;
        out.symmetric_posterior = p.symmetric_posterior;
    }
    return out;
}

const std::vector<RuleLimit>* LimitsRow::find(std::string_view key) const {
    const auto it = limits.find(key);
    return it == limits.end() || it->second.empty() ? nullptr : &it->second;
}

const RuleLimit* LimitsRow::first(std::string_view key) const {
    const auto* all = find(key);
    return all ? &all->front() : nullptr;
}

const IndicationInfo* ClinicalRules::indication(std::string_view id) const {
    for (const auto& i : indications)
        if (i.id == id)
            return &i;
    return nullptr;
}

const ProductInfo* ClinicalRules::product(std::string_view id) const {
    for (const auto& p : products)
        if (lower(p.id) == lower(id))
            return &p;
    return nullptr;
}

const LimitsRow* ClinicalRules::row(std::string_view indication_id,
                                    std::string_view product_id) const {
    for (const auto& r : rows)
        if (r.indication == indication_id && lower(r.product) == lower(product_id))
            return &r;
    return nullptr;
}

const RuleSource* ClinicalRules::source(std::string_view key) const {
    for (const auto& s : sources)
        if (s.key == key)
            return &s;
    return nullptr;
}

std::vector<const ProductInfo*> products_named(const ClinicalRules& rules, std::string_view text) {
    const std::string haystack = lower(text);
    std::vector<const ProductInfo*> out;
    for (const auto& p : rules.products) {
        bool hit = names(haystack, p.id) || names(haystack, p.brand);
        for (const auto& alias : p.aliases)
            hit = hit || names(haystack, alias);
        if (hit)
            out.push_back(&p);
    }
    return out;
}

bool muscle_in_class(std::string_view muscle, const std::vector<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(),
                       [&](const std::string& id) { return muscle.substr(0, id.size()) == id; });
}

Result<ClinicalRules> parse_clinical_rules(std::string_view text, const std::string& file_name) {
    Result<ClinicalRules> result;
    Reader reader(file_name, "rules");
    try {
        const std::optional<toml::table> root = detail::parse_toml(
            text, reader, "toml.syntax", kMaxRulesBytes, "a clinical limits table");
        if (!root) {
            result.diagnostics = reader.take();
            return result;
        }
        ClinicalRules rules;
        RulesBuilder(reader, rules).read(*root);
        if (!reader.failed())
            result.value = std::move(rules);
    } catch (const std::exception& e) {
        reader.error("rules.internal", std::string("could not read the file: ") + e.what(),
                     {file_name, 0, 0});
        result.value.reset();
    }
    result.diagnostics = reader.take();
    return result;
}

Result<ClinicalRules> read_clinical_rules(const fs::path& path) {
    Result<ClinicalRules> result;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || !fs::is_regular_file(path, ec) || size > kMaxRulesBytes) {
        result.diagnostics.push_back(
            {Severity::error,
             "rules.io",
             ec ? "cannot read the clinical limits '" + path.string() + "': " + ec.message()
                : "the clinical limits '" + path.string() +
                      "' is not a regular file of at most 1 MiB",
             {path.string(), 0, 0},
             {}});
        return result;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
        result.diagnostics.push_back({Severity::error,
                                      "rules.io",
                                      "cannot read the clinical limits '" + path.string() + "'",
                                      {path.string(), 0, 0},
                                      {}});
        return result;
    }
    result = parse_clinical_rules(text.str(), path.string());
    if (result.value)
        result.value->path = path;
    return result;
}

const Result<ClinicalRules>& shipped_clinical_rules() {
    static const Result<ClinicalRules> rules = [] {
        if (auto path = shipped_rules_file("clinical-limits.toml"))
            return read_clinical_rules(*path);
        Result<ClinicalRules> missing;
        missing.diagnostics.push_back(
            {Severity::error,
             "rules.io",
             "cannot find the shipped clinical limits (protocols/rules/clinical-limits.toml)",
             {"clinical-limits.toml", 0, 0},
             {}});
        return missing;
    }();
    return rules;
}

} // namespace injmap
