#include "injmap/protocols/protocol_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "injmap/units_format.hpp"
#include "text_util.hpp"
#include "toml_reader.hpp"

namespace injmap {
namespace {

namespace fs = std::filesystem;
using detail::EnumEntry;
using detail::is_id;
using detail::one_line;
using detail::Reader;
using detail::TableView;
using detail::type_name;

// Protocols are a few kilobytes; anything this large is not a protocol and is refused before
// parsing.
constexpr std::uintmax_t kMaxProtocolBytes = 4u * 1024u * 1024u;
// Offsets beyond this are typos (a head is ~200 mm long); refusing them keeps the arithmetic
// finite.
constexpr double kMaxOffsetMm = 500.0;

constexpr EnumEntry<Certainty> kCertainties[] = {{"established", Certainty::established},
                                                 {"provisional", Certainty::provisional},
                                                 {"expert-opinion", Certainty::expert_opinion}};
constexpr EnumEntry<Paradigm> kParadigms[] = {{"preempt", Paradigm::preempt},
                                              {"preempt_ftp", Paradigm::preempt_ftp},
                                              {"cd_template", Paradigm::cd_template},
                                              {"custom", Paradigm::custom}};
constexpr EnumEntry<Guidance> kGuidance[] = {{"none", Guidance::none},
                                             {"emg", Guidance::emg},
                                             {"ultrasound", Guidance::ultrasound},
                                             {"emg_or_ultrasound", Guidance::emg_or_ultrasound}};
constexpr EnumEntry<SideSpec> kSides[] = {{"left", SideSpec::left},
                                          {"right", SideSpec::right},
                                          {"midline", SideSpec::midline},
                                          {"both", SideSpec::both},
                                          {"ipsilateral", SideSpec::ipsilateral},
                                          {"contralateral", SideSpec::contralateral},
                                          {"bilateral", SideSpec::bilateral}};
constexpr EnumEntry<SideSpec> kRelations[] = {{"ipsilateral", SideSpec::ipsilateral},
                                              {"contralateral", SideSpec::contralateral},
                                              {"bilateral", SideSpec::bilateral}};
constexpr EnumEntry<std::string_view> kViews[] = {{"front", "front"},
                                                  {"back", "back"},
                                                  {"left", "left"},
                                                  {"right", "right"},
                                                  {"top", "top"},
                                                  {"oblique-left", "oblique-left"},
                                                  {"oblique-right", "oblique-right"},
                                                  {"back-above", "back-above"},
                                                  {"left-back", "left-back"},
                                                  {"right-back", "right-back"}};
constexpr EnumEntry<std::string_view> kCdForms[] = {
    {"torticaput", "torticaput"},   {"torticollis", "torticollis"},
    {"laterocaput", "laterocaput"}, {"laterocollis", "laterocollis"},
    {"antecaput", "antecaput"},     {"anterocollis", "anterocollis"},
    {"retrocaput", "retrocaput"},   {"retrocollis", "retrocollis"}};
constexpr EnumEntry<std::string_view> kCdPlanes[] = {
    {"rotation", "rotation"}, {"lateral", "lateral"}, {"sagittal", "sagittal"}};
constexpr EnumEntry<std::string_view> kCdLevels[] = {{"caput", "caput"}, {"collis", "collis"}};

class ProtocolBuilder {
public:
    ProtocolBuilder(Reader& reader, Protocol& protocol) : r_(reader), p_(protocol) {}

    void read(const toml::table& root) {
        TableView top{&root, "the top level", r_.file_start(), &p_.locations, {}};
        r_.check_keys(top, {"schema_version", "id", "title", "summary", "indication", "paradigm",
                            "product", "provisional", "sources", "source", "certainty",
                            "reconstitution", "needle", "limits", "patient", "cd", "steps"});
        if (auto v =
                r_.integer_in(top, "schema_version", true, std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::int64_t>::max())) {
            if (*v != kProtocolSchemaVersion) {
                r_.error("protocol.schema-version",
                         "schema_version " + std::to_string(*v) +
                             " is not understood; this injmap reads " +
                             std::to_string(kProtocolSchemaVersion),
                         p_.where_of("schema_version"));
                return; // the rest follows a format we do not know
            }
            p_.schema_version = static_cast<int>(*v);
        }
        if (auto v = r_.string(top, "id", true)) {
            p_.id = *v;
            if (!is_id(*v, false))
                r_.bad_value(*root.get("id"), "id '" + one_line(*v) +
                                                  "' must be 1–64 characters of a–z, 0–9 and '-'");
        }
        if (auto v = r_.string(top, "title", true))
            p_.title = *v;
        if (auto v = r_.string(top, "summary", false))
            p_.summary = *v;
        // Checked against the clinical-limits table by the validator (protocol.unknown-indication).
        if (auto v = r_.string(top, "indication", true)) {
            p_.indication = *v;
            if (!is_id(*v, true))
                r_.bad_value(*root.get("indication"),
                             "indication '" + one_line(*v) +
                                 "' must be 1–64 characters of a–z, 0–9, '_' and '-'");
        }
        bool paradigm_known = false;
        if (auto v = r_.enumeration(top, "paradigm", true, kParadigms)) {
            p_.paradigm = *v;
            paradigm_known = true;
        }
        if (auto v = r_.string(top, "product", true))
            p_.product = *v;
        if (auto v = r_.string_array(top, "provisional", false))
            p_.provisional_notes = *v;
        read_sources(top);
        read_source_keys(top, p_.default_sources);
        if (auto v = r_.enumeration(top, "certainty", false, kCertainties))
            p_.default_certainty = *v;
        if (const auto* t = r_.table(top, "reconstitution", true))
            read_reconstitution(*t);
        if (const auto* t = r_.table(top, "needle", true))
            read_needle(*t);
        if (const auto* t = r_.table(top, "limits", false))
            read_limits(*t);
        if (const auto* t = r_.table(top, "patient", false))
            read_patient(*t);
        const bool is_template = paradigm_known && p_.paradigm == Paradigm::cd_template;
        if (const auto* t = r_.table(top, "cd", is_template)) {
            if (!is_template && paradigm_known)
                r_.bad_value(*root.get("cd"), "[cd] is only for paradigm = \"cd_template\"");
            read_cd(*t);
        }
        const auto steps = r_.table_array(top, "steps", !is_template);
        std::set<std::string> step_ids;
        for (const toml::table* t : steps)
            read_step(*t, is_template, step_ids);
    }

private:
    // `source`: one key or an array of keys of [[sources]] (read before any step).
    void read_source_keys(const TableView& v, std::vector<std::string>& out) {
        const toml::node* n = r_.node(v, "source", false);
        if (!n)
            return;
        std::vector<std::string> keys;
        if (const auto* one = n->as_string())
            keys.push_back(one->get());
        else if (auto many = r_.string_array(v, "source", false))
            keys = *many;
        else
            return;
        for (const auto& key : keys) {
            const bool known = std::any_of(p_.sources.begin(), p_.sources.end(),
                                           [&](const SourceRef& s) { return s.key == key; });
            if (!known)
                r_.error("protocol.unknown-source",
                         "source '" + one_line(key) + "' in " + v.name +
                             " is not a key of [[sources]]",
                         r_.loc(n->source()));
        }
        out = std::move(keys);
    }

    void read_sources(const TableView& top) {
        std::set<std::string> keys;
        for (const toml::table* t : r_.table_array(top, "sources", false)) {
            TableView v = r_.sub(*t, "[[sources]]", nullptr);
            r_.check_keys(v, {"key", "citation", "link", "provisional"});
            SourceRef s;
            if (auto k = r_.string(v, "key", true)) {
                s.key = *k;
                if (!keys.insert(*k).second)
                    r_.error("protocol.duplicate-id",
                             "source key '" + one_line(*k) + "' is used twice",
                             r_.loc(t->get("key")->source()));
            }
            if (auto c = r_.string(v, "citation", true))
                s.citation = *c;
            if (auto l = r_.string(v, "link", false))
                s.link = *l;
            if (auto pv = r_.boolean(v, "provisional", false))
                s.provisional = *pv;
            p_.sources.push_back(std::move(s));
        }
    }

    void read_reconstitution(const toml::table& t) {
        TableView v = r_.sub(t, "[reconstitution]", &p_.locations, "reconstitution.");
        r_.check_keys(v, {"vial_units", "diluent_ml", "units_per_0_1_ml"});
        if (auto x = r_.number_in(v, "vial_units", true, 0.0, 10000.0, true))
            p_.reconstitution.vial_units = *x;
        if (auto x = r_.number_in(v, "diluent_ml", true, 0.0, 100.0, true))
            p_.reconstitution.diluent_ml = *x;
        if (auto x = r_.number_in(v, "units_per_0_1_ml", false, 0.0, 10000.0, true))
            p_.stated_units_per_0_1_ml = *x;
    }

    void read_needle(const toml::table& t) {
        TableView v = r_.sub(t, "[needle]", &p_.locations, "needle.");
        r_.check_keys(v, {"gauge", "length_inch", "note"});
        if (auto x = r_.integer_in(v, "gauge", true, 10, 34))
            p_.needle.gauge = static_cast<int>(*x);
        if (auto x = r_.number_in(v, "length_inch", true, 0.0, 4.0, true))
            p_.needle.length_inch = *x;
        if (auto x = r_.string(v, "note", false))
            p_.needle.note = *x;
    }

    void read_limits(const toml::table& t) {
        Limits& l = p_.limits;
        l.where = r_.loc(t.source());
        TableView v = r_.sub(t, "[limits]", &p_.locations, "limits.");
        r_.check_keys(v, {"max_total_units", "max_sites", "units_per_site", "max_units_per_site",
                          "retreatment_weeks", "first_session_max_units", "reference_range",
                          "max_units_per_muscle", "follow_the_pain"});
        constexpr double kBig = 1e6;
        l.max_total_units = r_.number_in(v, "max_total_units", false, 0.0, kBig, true);
        if (auto x = r_.integer_in(v, "max_sites", false, 1, 10000))
            l.max_sites = static_cast<int>(*x);
        l.units_per_site = r_.number_in(v, "units_per_site", false, 0.0, kBig, true);
        l.max_units_per_site = r_.number_in(v, "max_units_per_site", false, 0.0, kBig, true);
        l.retreatment_weeks = r_.number_in(v, "retreatment_weeks", false, 0.0, 520.0, true);
        l.first_session_max_units =
            r_.number_in(v, "first_session_max_units", false, 0.0, kBig, true);
        if (const toml::node* n = r_.node(v, "reference_range", false)) {
            const auto* array = n->as_array();
            if (!array || array->size() != 2 || !(*array)[0].is_number() ||
                !(*array)[1].is_number()) {
                r_.type_error(v, "reference_range", *n, "an array of two numbers, [low, high]");
            } else {
                const double lo = (*array)[0].value<double>().value_or(0.0);
                const double hi = (*array)[1].value<double>().value_or(0.0);
                if (!std::isfinite(lo) || !std::isfinite(hi) || lo < 0.0 || lo > hi)
                    r_.bad_value(
                        *n,
                        "'reference_range' in [limits] must be [low, high] with 0 ≤ low ≤ high");
                else
                    l.reference_range = std::pair{lo, hi};
            }
        }
        if (const auto* muscles = r_.table(v, "max_units_per_muscle", false)) {
            TableView mv = r_.sub(*muscles, "[limits.max_units_per_muscle]", &p_.locations,
                                  "limits.max_units_per_muscle.");
            for (auto&& [key, node] : *muscles) {
                (void)node;
                if (auto x = r_.number_in(mv, key.str(), true, 0.0, kBig, true))
                    l.max_units_per_muscle[std::string(key.str())] = *x;
            }
        }
        if (const auto* ftp = r_.table(v, "follow_the_pain", false)) {
            FollowThePainLimits f;
            TableView fv =
                r_.sub(*ftp, "[limits.follow_the_pain]", &p_.locations, "limits.follow_the_pain.");
            r_.check_keys(
                fv, {"max_extra_units", "max_extra_sites", "muscles", "max_sites_per_muscle"});
            if (auto x = r_.number_in(fv, "max_extra_units", true, 0.0, kBig))
                f.max_extra_units = *x;
            if (auto x = r_.integer_in(fv, "max_extra_sites", true, 0, 10000))
                f.max_extra_sites = static_cast<int>(*x);
            if (auto x = r_.string_array(fv, "muscles", true))
                f.muscles = *x;
            if (const auto* caps = r_.table(fv, "max_sites_per_muscle", false)) {
                TableView cv = r_.sub(*caps, "'max_sites_per_muscle'", &p_.locations,
                                      "limits.follow_the_pain.max_sites_per_muscle.");
                for (auto&& [key, node] : *caps) {
                    (void)node;
                    if (auto x = r_.integer_in(cv, key.str(), true, 0, 10000))
                        f.max_sites_per_muscle[std::string(key.str())] = static_cast<int>(*x);
                }
            }
            l.follow_the_pain = std::move(f);
        }
    }

    void read_patient(const toml::table& t) {
        PatientInfo& info = p_.patient;
        TableView v = r_.sub(t, "[patient]", &p_.locations, "patient.");
        r_.check_keys(v, {"title", "what", "who_is_it_for", "who_should_not", "before_visit",
                          "where_and_why", "visit", "feel", "onset", "duration", "next",
                          "side_effects_common", "side_effects_serious", "aftercare",
                          "alternatives", "other_uses", "timeline"});
        const std::pair<std::string_view, std::string*> texts[] = {
            {"title", &info.title},
            {"what", &info.what},
            {"who_is_it_for", &info.who_is_it_for},
            {"who_should_not", &info.who_should_not},
            {"before_visit", &info.before_visit},
            {"where_and_why", &info.where_and_why},
            {"visit", &info.visit},
            {"feel", &info.feel},
            {"onset", &info.onset},
            {"duration", &info.duration},
            {"next", &info.next},
            {"side_effects_common", &info.side_effects_common},
            {"side_effects_serious", &info.side_effects_serious},
            {"aftercare", &info.aftercare},
            {"alternatives", &info.alternatives},
            {"other_uses", &info.other_uses},
        };
        for (const auto& [key, target] : texts)
            if (auto x = r_.string(v, key, false))
                *target = *x;
        if (const auto* timeline = r_.table(v, "timeline", false)) {
            TableView tv =
                r_.sub(*timeline, "[patient.timeline]", &p_.locations, "patient.timeline.");
            r_.check_keys(tv, {"first_effect_days", "full_effect_days", "wearing_off_days",
                               "retreatment_days"});
            const std::pair<std::string_view, double*> days[] = {
                {"first_effect_days", &info.first_effect_days},
                {"full_effect_days", &info.full_effect_days},
                {"wearing_off_days", &info.wearing_off_days},
                {"retreatment_days", &info.retreatment_days},
            };
            for (const auto& [key, target] : days)
                if (auto x = r_.number_in(tv, key, false, 0.0, 3650.0))
                    *target = *x;
            if (!(info.first_effect_days <= info.full_effect_days &&
                  info.full_effect_days <= info.wearing_off_days &&
                  info.wearing_off_days <= info.retreatment_days))
                r_.error("protocol.bad-value",
                         "[patient.timeline] days must be in order: first effect ≤ full effect ≤ "
                         "wearing off ≤ "
                         "retreatment",
                         r_.loc(timeline->source()));
        }
    }

    void read_cd(const toml::table& t) {
        CdTemplate cd;
        TableView v = r_.sub(t, "[cd]", &p_.locations, "cd.");
        r_.check_keys(v, {"form", "plane", "level", "candidates"});
        if (auto x = r_.enumeration(v, "form", true, kCdForms))
            cd.form = *x;
        if (auto x = r_.enumeration(v, "plane", true, kCdPlanes))
            cd.plane = *x;
        if (auto x = r_.enumeration(v, "level", true, kCdLevels))
            cd.level = *x;
        for (const toml::table* ct : r_.table_array(v, "candidates", true)) {
            CdCandidate c;
            c.where = r_.loc(ct->source());
            TableView cv = r_.sub(*ct, "[[cd.candidates]]", &c.locations);
            r_.check_keys(
                cv, {"muscle", "relation", "units_min", "units_max", "sites", "guidance", "note"});
            if (auto x = r_.string(cv, "muscle", true)) {
                c.muscle = *x;
                if (x->empty())
                    r_.bad_value(*ct->get("muscle"),
                                 "'muscle' in [[cd.candidates]] must not be empty");
            }
            if (auto x = r_.enumeration(cv, "relation", true, kRelations))
                c.relation = *x;
            auto lo = r_.number_in(cv, "units_min", true, 0.0, 1e6);
            auto hi = r_.number_in(cv, "units_max", true, 0.0, 1e6);
            if (lo)
                c.units_min = *lo;
            if (hi)
                c.units_max = *hi;
            if (lo && hi && *lo > *hi)
                r_.bad_value(*ct->get("units_max"), "units_max (" + format_units(*hi) +
                                                        ") is below units_min (" +
                                                        format_units(*lo) + ")");
            if (auto x = r_.integer_in(cv, "sites", false, 1, 100))
                c.sites = static_cast<int>(*x);
            if (auto x = r_.enumeration(cv, "guidance", false, kGuidance))
                c.guidance = *x;
            if (auto x = r_.string(cv, "note", false))
                c.note = *x;
            cd.candidates.push_back(std::move(c));
        }
        p_.cd = std::move(cd);
    }

    void read_step(const toml::table& t, bool is_template, std::set<std::string>& step_ids) {
        Step step;
        step.where = r_.loc(t.source());
        TableView v = r_.sub(t, "[[steps]]", &step.locations);
        r_.check_keys(v, {"id", "title", "view", "instruction", "patient_text", "cautions",
                          "source", "certainty", "sites"});
        if (auto x = r_.string(v, "id", true)) {
            step.id = *x;
            v.name = "step '" + one_line(*x) + "'";
            if (!is_id(*x, true))
                r_.bad_value(*t.get("id"),
                             "step id '" + one_line(*x) +
                                 "' must be 1–64 characters of a–z, 0–9, '_' and '-'");
            else if (!step_ids.insert(*x).second)
                r_.error("protocol.duplicate-id", "step id '" + *x + "' is used twice",
                         r_.loc(t.get("id")->source()));
        }
        if (auto x = r_.string(v, "title", true))
            step.title = *x;
        step.view = "front";
        if (auto x = r_.enumeration(v, "view", false, kViews))
            step.view = std::string(*x);
        if (auto x = r_.string(v, "instruction", false))
            step.instruction = *x;
        if (auto x = r_.string(v, "patient_text", false))
            step.patient_text = *x;
        if (auto x = r_.string_array(v, "cautions", false))
            step.cautions = *x;
        read_source_keys(v, step.sources);
        if (auto x = r_.enumeration(v, "certainty", false, kCertainties))
            step.certainty = *x;
        for (const toml::table* st : r_.table_array(v, "sites", true))
            read_site(*st, is_template, step);
        p_.steps.push_back(std::move(step));
    }

    void read_site(const toml::table& t, bool is_template, Step& step) {
        Site site;
        site.where = r_.loc(t.source());
        TableView v = r_.sub(t, "a site of step '" + one_line(step.id) + "'", &site.locations);
        r_.check_keys(v, {"id", "muscle", "side", "units", "depth", "depth_mm", "optional",
                          "guidance", "provisional", "source", "certainty", "at"});
        if (auto x = r_.string(v, "id", true)) {
            site.id = *x;
            site.base_id = *x;
            v.name = "site '" + one_line(*x) + "'";
            if (!is_id(*x, true))
                r_.bad_value(*t.get("id"),
                             "site id '" + one_line(*x) +
                                 "' must be 1–64 characters of a–z, 0–9, '_' and '-'");
        }
        if (auto x = r_.string(v, "muscle", true)) {
            site.muscle = *x;
            if (x->empty())
                r_.bad_value(*t.get("muscle"), "'muscle' in " + v.name + " must not be empty");
        }
        bool side_ok = false;
        if (auto x = r_.enumeration(v, "side", true, kSides)) {
            site.side_spec = *x;
            side_ok = true;
            const bool relation = *x == SideSpec::ipsilateral || *x == SideSpec::contralateral ||
                                  *x == SideSpec::bilateral;
            if (is_template && (*x == SideSpec::left || *x == SideSpec::right)) {
                r_.bad_value(
                    *t.get("side"),
                    "side '" + std::string(to_string(*x)) + "' in " + v.name +
                        ": a cd_template names sides relative to the posture (ipsilateral, "
                        "contralateral, bilateral) or midline");
                side_ok = false;
            } else if (!is_template && relation) {
                r_.bad_value(*t.get("side"), "side '" + std::string(to_string(*x)) + "' in " +
                                                 v.name +
                                                 " is only for paradigm = \"cd_template\"; use "
                                                 "left, right, midline or both");
                side_ok = false;
            }
        }
        if (auto x = r_.number_in(v, "units", true, 0.0, 1e6, true))
            site.units = *x;
        if (auto x = r_.string(v, "depth", false))
            site.depth_note = *x;
        if (auto x = r_.number_in(v, "depth_mm", false, 0.0, 100.0, true))
            site.depth_mm = *x;
        if (auto x = r_.boolean(v, "optional", false))
            site.optional = *x;
        if (auto x = r_.enumeration(v, "guidance", false, kGuidance))
            site.guidance = *x;
        if (auto x = r_.boolean(v, "provisional", false))
            site.provisional = *x;
        read_source_keys(v, site.sources);
        if (site.sources.empty())
            site.sources = step.sources.empty() ? p_.default_sources : step.sources;
        std::optional<Certainty> certainty = r_.enumeration(v, "certainty", false, kCertainties);
        if (!certainty)
            certainty = site.provisional ? std::optional(Certainty::provisional)
                        : step.certainty ? step.certainty
                                         : p_.default_certainty;
        site.certainty = certainty.value_or(Certainty::established);
        if (site.certainty == Certainty::provisional)
            site.provisional = true;
        if (const auto* at = r_.table(v, "at", true))
            read_placement(*at, v.name, site.placement);

        if (!side_ok) {
            step.sites.push_back(std::move(site));
            check_duplicate(step.sites.back(), t);
            return;
        }
        switch (site.side_spec) {
        case SideSpec::left:
        case SideSpec::ipsilateral: // a template reads as if the posture were to the subject's left
            site.side = Side::left;
            break;
        case SideSpec::right:
        case SideSpec::contralateral:
            site.side = Side::right;
            break;
        case SideSpec::midline:
            site.side = Side::midline;
            break;
        case SideSpec::both:
        case SideSpec::bilateral: {
            Site right = site;
            site.id = site.base_id + "_left";
            site.side = Side::left;
            right.id = right.base_id + "_right";
            right.side = Side::right;
            step.sites.push_back(std::move(site));
            check_duplicate(step.sites.back(), t);
            step.sites.push_back(std::move(right));
            check_duplicate(step.sites.back(), t);
            return;
        }
        }
        step.sites.push_back(std::move(site));
        check_duplicate(step.sites.back(), t);
    }

    void read_placement(const toml::table& t, const std::string& site_name, Placement& placement) {
        TableView v = r_.sub(t, "'at' of " + site_name, nullptr);
        r_.check_keys(v, {"landmark", "toward", "t", "up_mm", "lateral_mm", "forward_mm"});
        placement.where = r_.loc(t.source());
        if (auto x = r_.string(v, "landmark", true)) {
            placement.landmark = *x;
            placement.where = r_.loc(t.get("landmark")->source());
            if (x->empty())
                r_.bad_value(*t.get("landmark"), "'landmark' in " + v.name + " must not be empty");
        }
        const auto toward = r_.string(v, "toward", false);
        const auto fraction = r_.number_in(v, "t", false, 0.0, 1.0);
        if (toward) {
            placement.toward = *toward;
            if (toward->empty())
                r_.bad_value(*t.get("toward"), "'toward' in " + v.name + " must not be empty");
            if (!t.get("t"))
                r_.error("protocol.missing-key",
                         "'toward' in " + v.name + " needs 't' (the fraction of the way, 0–1)",
                         r_.loc(t.get("toward")->source()));
        } else if (t.get("t") && !t.get("toward")) {
            r_.error("protocol.missing-key",
                     "'t' in " + v.name + " needs 'toward' (the landmark to move towards)",
                     r_.loc(t.get("t")->source()));
        }
        if (fraction)
            placement.t = *fraction;
        if (auto x = r_.number_in(v, "up_mm", false, -kMaxOffsetMm, kMaxOffsetMm))
            placement.up_mm = *x;
        if (auto x = r_.number_in(v, "lateral_mm", false, -kMaxOffsetMm, kMaxOffsetMm))
            placement.lateral_mm = *x;
        if (auto x = r_.number_in(v, "forward_mm", false, -kMaxOffsetMm, kMaxOffsetMm))
            placement.forward_mm = *x;
    }

    void check_duplicate(const Site& site, const toml::table& t) {
        if (site.id.empty())
            return;
        if (!site_ids_.insert(site.id).second) {
            const toml::node* id = t.get("id");
            r_.error("protocol.duplicate-id",
                     "site id '" + one_line(site.id) + "' is used twice" +
                         (site.id != site.base_id
                              ? " (side = \"both\" adds _left and _right to '" + site.base_id + "')"
                              : std::string()),
                     id ? r_.loc(id->source()) : site.where);
        }
    }

    Reader& r_;
    Protocol& p_;
    std::set<std::string> site_ids_;
};

} // namespace

Result<Protocol> read_protocol_text(std::string_view text, const std::string& display_path) {
    Result<Protocol> result;
    Reader reader(display_path);
    try {
        const std::optional<toml::table> root =
            detail::parse_toml(text, reader, "toml.syntax", kMaxProtocolBytes, "a protocol");
        if (!root) {
            result.diagnostics = reader.take();
            return result;
        }
        Protocol protocol;
        protocol.where = {display_path, 1, 1};
        ProtocolBuilder builder(reader, protocol);
        builder.read(*root);
        // A file of an unknown schema is not a protocol we can describe: no value at all.
        if (!std::any_of(reader.diagnostics().begin(), reader.diagnostics().end(),
                         [](const Diagnostic& d) { return d.rule == "protocol.schema-version"; }))
            result.value = std::move(protocol);
    } catch (const std::exception& e) {
        reader.error("protocol.internal", std::string("could not read the file: ") + e.what(),
                     {display_path, 0, 0});
        result.value.reset();
    } catch (...) {
        reader.error("protocol.internal", "could not read the file", {display_path, 0, 0});
        result.value.reset();
    }
    result.diagnostics = reader.take();
    return result;
}

Result<Protocol> read_protocol_file(const std::filesystem::path& path) {
    Result<Protocol> result;
    const std::string display = path.string();
    try {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            result.diagnostics.push_back(
                {Severity::error,
                 "protocol.io",
                 fs::exists(path, ec) ? "not a regular file" : "no such file",
                 {display, 0, 0},
                 {}});
            return result;
        }
        const auto size = fs::file_size(path, ec);
        if (ec) {
            result.diagnostics.push_back({Severity::error,
                                          "protocol.io",
                                          "cannot read: " + ec.message(),
                                          {display, 0, 0},
                                          {}});
            return result;
        }
        if (size > kMaxProtocolBytes) {
            result.diagnostics.push_back(
                {Severity::error,
                 "protocol.too-large",
                 "the file is " + std::to_string(size) + " bytes; protocols are limited to 4 MB",
                 {display, 0, 0},
                 {}});
            return result;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            result.diagnostics.push_back({Severity::error,
                                          "protocol.io",
                                          "cannot open the file for reading",
                                          {display, 0, 0},
                                          {}});
            return result;
        }
        std::string text;
        text.resize(static_cast<std::size_t>(size));
        in.read(text.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size)) {
            result.diagnostics.push_back({Severity::error,
                                          "protocol.io",
                                          "the file could not be read completely",
                                          {display, 0, 0},
                                          {}});
            return result;
        }
        result = read_protocol_text(text, display);
        if (result.value) {
            result.value->path = path;
            const std::string stem = path.stem().string();
            if (!result.value->id.empty() && path.extension() == ".toml" &&
                stem != result.value->id)
                result.diagnostics.push_back({Severity::warning,
                                              "protocol.id-mismatch",
                                              "id '" + result.value->id +
                                                  "' differs from the file name '" + stem +
                                                  ".toml'; injmap finds protocols by file name",
                                              result.value->where_of("id"),
                                              {}});
        }
    } catch (const std::exception& e) {
        result.value.reset();
        result.diagnostics.push_back({Severity::error,
                                      "protocol.io",
                                      std::string("cannot read: ") + e.what(),
                                      {display, 0, 0},
                                      {}});
    }
    return result;
}

} // namespace injmap
