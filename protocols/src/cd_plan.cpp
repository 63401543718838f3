#include "injmap/protocols/cd_plan.hpp"

#include "injmap/protocols/dose_limits.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/units_format.hpp"
#include "text_util.hpp"

namespace injmap {
namespace {

// Caps used when a template does not state them (the shipped templates do).
constexpr double kDefaultScmCap = 100.0;
constexpr double kDefaultSessionCap = 300.0;
constexpr double kDefaultFirstSessionCap = 200.0;

const char* const kScm = "sternocleidomastoid";

// Muscles at the back of the neck, for the symmetry reminder (manufacturer guidance: without a head
// tilt, posterior-neck injections must be symmetrical).
const std::set<std::string> kPosteriorNeck = {
    "splenius_capitis",
    "splenius_cervicis",
    "semispinalis_capitis",
    "semispinalis_cervicis",
    "trapezius",
    "levator_scapulae",
    "longissimus_capitis",
    "longissimus_cervicis",
    "obliquus_capitis_inferior",
    "obliquus_capitis_superior",
    "rectus_capitis_posterior_major",
    "rectus_capitis_posterior_minor",
};

Side opposite(Side side) {
    return side == Side::left ? Side::right : Side::left;
}

const Protocol* find_template(std::span<const Protocol> templates, std::string_view form) {
    for (const auto& t : templates)
        if (t.cd && t.cd->form == form)
            return &t;
    return nullptr;
}

// The sides a relation stands for, given the side the posture points to (none for sagittal forms,
// whose candidates are bilateral whatever the file says).
// `posture` is Side::midline for sagittal forms.
std::vector<Side> resolve_relation(SideSpec relation, Side posture) {
    if (posture == Side::midline || relation == SideSpec::bilateral || relation == SideSpec::both)
        return {Side::left, Side::right};
    if (relation == SideSpec::contralateral)
        return {opposite(posture)};
    if (relation == SideSpec::left)
        return {Side::left};
    if (relation == SideSpec::right)
        return {Side::right};
    return {posture}; // ipsilateral (and midline, which a template should not use)
}

Side posture_of(const CdFormChoice& choice) {
    return cd_form_is_sagittal(choice.form) ? Side::midline : choice.side.value_or(Side::midline);
}

// none < emg_or_ultrasound < a specific method; two different specific methods → either.
Guidance merge_guidance(Guidance a, Guidance b) {
    if (a == b)
        return a;
    if (a == Guidance::none)
        return b;
    if (b == Guidance::none)
        return a;
    if (a == Guidance::emg_or_ultrasound)
        return b;
    if (b == Guidance::emg_or_ultrasound)
        return a;
    return Guidance::emg_or_ultrasound; // emg and ultrasound
}

bool template_places(const Protocol& t, const std::string& muscle) {
    for (const auto& step : t.steps)
        for (const auto& site : step.sites)
            if (site.muscle == muscle)
                return true;
    return false;
}

Diagnostic make_diag(Severity severity, std::string rule, std::string message,
                     const Protocol* where) {
    Diagnostic d;
    d.severity = severity;
    d.rule = std::move(rule);
    d.message = std::move(message);
    if (where)
        d.where.file = where->path.string();
    return d;
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? separator : "") + items[i];
    return out;
}

std::string pretty_muscle(const std::string& id) {
    std::string out = id;
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

std::string muscle_side(const CdPlanMuscle& m) {
    return std::string(to_string(m.side)) + " " + pretty_muscle(m.muscle);
}

// Same-plane ante-/retro- pairs at one level pull in opposite directions.
bool contradictory(std::string_view a, std::string_view b) {
    auto pair_is = [&](std::string_view x, std::string_view y) {
        return (a == x && b == y) || (a == y && b == x);
    };
    return pair_is("antecaput", "retrocaput") || pair_is("anterocollis", "retrocollis");
}

std::string swap_left_right(std::string text) {
    const std::string left = "left", right = "right";
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, left.size(), left) == 0) {
            out += right;
            i += left.size();
        } else if (text.compare(i, right.size(), right) == 0) {
            out += left;
            i += right.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

} // namespace

bool is_cd_form(std::string_view form) {
    return std::find(kCdForms.begin(), kCdForms.end(), form) != kCdForms.end();
}

bool cd_form_is_sagittal(std::string_view form) {
    return form == "antecaput" || form == "anterocollis" || form == "retrocaput" ||
           form == "retrocollis";
}

std::string describe_cd_forms(std::span<const CdFormChoice> choices) {
    std::vector<std::string> parts;
    for (const auto& c : choices)
        parts.push_back(c.side ? c.form + " to the " + to_string(*c.side) : c.form);
    return join(parts, " + ");
}

Result<CdPlan> make_cd_plan(std::span<const CdFormChoice> choices,
                            std::span<const Protocol> templates, bool first_session) {
    Result<CdPlan> result;
    auto error = [&](std::string rule, std::string message) {
        result.diagnostics.push_back(
            make_diag(Severity::error, std::move(rule), std::move(message), nullptr));
    };
    if (choices.empty())
        error("cd.no-forms", "no Col-Cap form chosen");

    std::vector<const Protocol*> used;
    std::set<std::string> seen;
    for (const auto& choice : choices) {
        if (!is_cd_form(choice.form)) {
            error("cd.unknown-form",
                  "unknown Col-Cap form '" + choice.form +
                      "' (torticaput, torticollis, laterocaput, laterocollis, antecaput, "
                      "anterocollis, retrocaput, retrocollis)");
            continue;
        }
        const bool sagittal = cd_form_is_sagittal(choice.form);
        if (sagittal && choice.side)
            error("cd.side-not-allowed", choice.form + " is a sagittal form and takes no side");
        if (!sagittal && !choice.side)
            error("cd.side-required", choice.form + " needs a side (left or right)");
        if (choice.side && *choice.side == Side::midline)
            error("cd.side-required", choice.form + ": the side must be left or right");
        if (!seen.insert(choice.form).second)
            error("cd.duplicate-form", choice.form + " is chosen more than once");
        for (const auto& other : seen)
            if (contradictory(choice.form, other))
                error("cd.contradictory-forms",
                      choice.form + " and " + other + " pull in opposite directions");
        const Protocol* t = find_template(templates, choice.form);
        if (!t)
            error("cd.no-template",
                  "no template for " + choice.form + " (expected cd-" + choice.form + ")");
        used.push_back(t);
    }
    if (has_errors(result.diagnostics))
        return result;

    CdPlan plan;
    plan.forms.assign(choices.begin(), choices.end());
    for (std::size_t i = 0; i < choices.size(); ++i) {
        const auto& choice = choices[i];
        const Protocol& t = *used[i];
        const Side posture = posture_of(choice);
        for (const auto& c : t.cd->candidates) {
            for (Side side : resolve_relation(c.relation, posture)) {
                auto it = std::find_if(
                    plan.muscles.begin(), plan.muscles.end(),
                    [&](const CdPlanMuscle& m) { return m.muscle == c.muscle && m.side == side; });
                const bool placed = template_places(t, c.muscle);
                if (it == plan.muscles.end()) {
                    CdPlanMuscle m;
                    m.muscle = c.muscle;
                    m.side = side;
                    m.units_min = c.units_min;
                    m.units_max = c.units_max;
                    m.sites = c.sites;
                    m.guidance = c.guidance;
                    m.forms = {choice.form};
                    if (!c.note.empty())
                        m.notes = {c.note};
                    m.placed = placed;
                    plan.muscles.push_back(std::move(m));
                    continue;
                }
                it->units_min = std::max(it->units_min, c.units_min);
                it->units_max = std::max(it->units_max, c.units_max);
                it->sites = std::max(it->sites, c.sites);
                it->guidance = merge_guidance(it->guidance, c.guidance);
                if (std::find(it->forms.begin(), it->forms.end(), choice.form) == it->forms.end())
                    it->forms.push_back(choice.form);
                if (!c.note.empty() &&
                    std::find(it->notes.begin(), it->notes.end(), c.note) == it->notes.end())
                    it->notes.push_back(c.note);
                it->placed = it->placed || placed;
            }
        }
    }
    for (const auto& m : plan.muscles) {
        plan.total_min += m.units_min;
        plan.total_max += m.units_max;
    }

    // Caps: the clinical-limits table's and the templates' own (dose_limits.hpp), tightest first.
    // A plan whose smallest total is past a refused cap cannot be given: an error; one whose
    // range only reaches past it is a warning (choose lower doses).
    double scm_cap = kDefaultScmCap, session_cap = kDefaultSessionCap,
           first_cap = kDefaultFirstSessionCap;
    Severity session_severity = Severity::warning;
    bool table_session_cap = false;
    const Protocol* first = used.front();
    for (const Protocol* t : used)
        for (const DoseLimit& d : dose_limits(*t, applied_rules(*t))) {
            if (d.scope == DoseScope::muscle_units && d.muscle == kScm)
                scm_cap = std::min(scm_cap, d.value);
            if (d.scope == DoseScope::session_units && d.severity == Severity::error) {
                session_cap = table_session_cap ? std::min(session_cap, d.value) : d.value;
                table_session_cap = true;
                session_severity = Severity::error;
            }
            if (d.scope == DoseScope::first_session_units)
                first_cap = std::min(first_cap, d.value);
        }
    auto warn = [&](Severity severity, const char* rule, std::string message) {
        plan.warnings.push_back(make_diag(severity, rule, std::move(message), first));
    };
    double scm_max = 0.0;
    std::set<Side> scm_sides;
    for (const auto& m : plan.muscles)
        if (m.muscle == kScm) {
            scm_max += m.units_max;
            scm_sides.insert(m.side);
        }
    if (scm_max > scm_cap)
        warn(Severity::warning, "cd.scm-cap",
             "sternocleidomastoid up to " + format_units(scm_max) + " U in total, above " +
                 format_units(scm_cap) + " U; limiting the SCM total to " + format_units(scm_cap) +
                 " U may reduce dysphagia (label)");
    if (scm_sides.size() == 2)
        warn(Severity::warning, "cd.bilateral-scm",
             "sternocleidomastoid on both sides: bilateral SCM injections raise the risk of "
             "dysphagia (label)");
    if (plan.total_min > session_cap)
        warn(session_severity, "cd.session-total",
             "even the smallest doses add up to " + format_units(plan.total_min) +
                 " U, above the " + format_units(session_cap) +
                 " U per-session cap (non-US labelling); a session refuses it: choose fewer "
                 "muscles");
    else if (plan.total_max > session_cap)
        warn(Severity::warning, "cd.session-total",
             "the total range reaches " + format_units(plan.total_max) + " U, above the " +
                 format_units(session_cap) +
                 " U per-session cap (non-US labelling); choose fewer muscles or lower doses");
    if (first_session && plan.total_max > first_cap)
        warn(Severity::warning, "cd.first-session",
             "the total range reaches " + format_units(plan.total_max) +
                 " U; a first session is capped at " + format_units(first_cap) +
                 " U (UK SmPC, provisional)");
    if (std::any_of(plan.muscles.begin(), plan.muscles.end(),
                    [](const CdPlanMuscle& m) { return m.muscle == "levator_scapulae"; }))
        warn(Severity::warning, "cd.levator-scapulae",
             "levator scapulae injections may add a risk of upper respiratory infection and "
             "dysphagia (label note)");

    const bool has_lateral_form =
        std::any_of(choices.begin(), choices.end(), [](const CdFormChoice& c) {
            return c.form == "laterocaput" || c.form == "laterocollis";
        });
    if (!has_lateral_form) {
        std::vector<std::string> both_sides;
        for (const auto& m : plan.muscles)
            if (m.side == Side::left && kPosteriorNeck.count(m.muscle) &&
                std::any_of(plan.muscles.begin(), plan.muscles.end(), [&](const CdPlanMuscle& r) {
                    return r.side == Side::right && r.muscle == m.muscle;
                }))
                both_sides.push_back(pretty_muscle(m.muscle));
        if (!both_sides.empty())
            warn(Severity::warning, "cd.posterior-symmetry",
                 "no head tilt is planned: keep the posterior-neck injections symmetrical on the "
                 "two sides (" +
                     join(both_sides) + ") to avoid causing a tilt (manufacturer guidance)");
    }

    std::vector<std::string> guided, unplaced;
    for (const auto& m : plan.muscles) {
        if (m.guidance != Guidance::none)
            guided.push_back(muscle_side(m) + " (" + guidance_words(m.guidance) + ")");
        if (!m.placed)
            unplaced.push_back(muscle_side(m));
    }
    if (!guided.empty())
        warn(Severity::note, "cd.guidance",
             "guided injection recommended for deep muscles: " + join(guided));
    if (!unplaced.empty())
        warn(Severity::note, "cd.not-on-model",
             "not on the model, so no site is placed (inject under EMG, ultrasound or CT "
             "guidance): " +
                 join(unplaced));

    // Shifts (Reichel): the head is displaced but stays near upright.
    auto find_choice = [&](std::string_view form) -> const CdFormChoice* {
        for (const auto& c : choices)
            if (c.form == form)
                return &c;
        return nullptr;
    };
    const CdFormChoice* lcollis = find_choice("laterocollis");
    const CdFormChoice* lcaput = find_choice("laterocaput");
    if (lcollis && lcaput && lcollis->side && lcaput->side && *lcollis->side != *lcaput->side)
        warn(Severity::note, "cd.shift",
             std::string("laterocollis to the ") + to_string(*lcollis->side) +
                 " with laterocaput to the " + to_string(*lcaput->side) +
                 " is a lateral shift: the head is displaced sideways");
    if (find_choice("anterocollis") && find_choice("retrocaput"))
        warn(Severity::note, "cd.shift",
             "anterocollis with retrocaput is a forward sagittal shift");
    if (find_choice("retrocollis") && find_choice("antecaput"))
        warn(Severity::note, "cd.shift",
             "retrocollis with antecaput is a backward sagittal shift (provisional)");

    result.value = std::move(plan);
    return result;
}

Result<std::vector<Protocol>> load_cd_templates() {
    Result<std::vector<Protocol>> result;
    std::vector<Protocol> templates;
    for (std::string_view form : kCdForms) {
        const std::string id = "cd-" + std::string(form);
        const auto path = resolve_protocol(id);
        if (!path) {
            Diagnostic d;
            d.rule = "protocol.io";
            d.message = "cannot find the shipped template " + id;
            d.where.file = id + ".toml";
            result.diagnostics.push_back(std::move(d));
            continue;
        }
        auto read = read_protocol_file(*path);
        for (auto& d : read.diagnostics)
            result.diagnostics.push_back(std::move(d));
        if (read.value && !has_errors(read.diagnostics)) {
            if (!read.value->cd) {
                Diagnostic d;
                d.rule = "cd.not-a-template";
                d.message = id + " has no [cd] table";
                d.where.file = path->string();
                result.diagnostics.push_back(std::move(d));
                continue;
            }
            templates.push_back(std::move(*read.value));
        }
    }
    if (!has_errors(result.diagnostics))
        result.value = std::move(templates);
    return result;
}

static std::string plan_instruction(const std::string& instruction, double per_site,
                                    double side_total) {
    std::string figures = "this plan: " + format_units(per_site) + " U per site, " +
                          format_units(side_total) + " U on this side";
    // The template's example figures ("(shown: 12.5 U per site, the low end of the range)") are
    // not the plan's: they give way to the plan's own.
    const auto open = instruction.find("(shown:");
    if (open != std::string::npos) {
        const auto close = instruction.find(')', open);
        if (close != std::string::npos)
            return instruction.substr(0, open) + "(" + figures + ")" +
                   instruction.substr(close + 1);
    }
    figures[0] = 'T';
    return instruction + (instruction.empty() ? "" : " ") + figures + ".";
}

Protocol make_plan_protocol(const CdPlan& plan, std::span<const Protocol> templates,
                            double fraction) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    Protocol out;
    out.id = "cd-plan";
    out.title = "Cervical dystonia plan: " + describe_cd_forms(plan.forms);
    out.summary = "Made from the Col-Cap templates; each muscle gets " +
                  detail::format_number(fraction * 100.0) +
                  " % of the way through its range. A starting point the clinician adjusts.";
    out.indication = std::string(kCervicalDystonia);
    out.paradigm = Paradigm::custom;

    // The templates of the chosen forms, with the posture side of each.
    struct Used {
        const Protocol* t;
        Side posture; // midline for sagittal forms
    };
    std::vector<Used> used;
    for (const auto& choice : plan.forms)
        if (const Protocol* t = find_template(templates, choice.form))
            used.push_back({t, posture_of(choice)});
    if (used.empty())
        return out;

    const Protocol& first = *used.front().t;
    out.product = first.product;
    out.reconstitution = first.reconstitution;
    out.stated_units_per_0_1_ml = first.stated_units_per_0_1_ml;
    out.needle = first.needle;
    out.limits = first.limits;
    out.patient = first.patient;
    out.default_sources = first.default_sources;
    out.default_certainty = first.default_certainty;
    std::set<std::string> source_keys, notes;
    for (const auto& u : used) {
        for (const auto& s : u.t->sources)
            if (source_keys.insert(s.key).second)
                out.sources.push_back(s);
        for (const auto& n : u.t->provisional_notes)
            if (notes.insert(n).second)
                out.provisional_notes.push_back(n);
    }

    std::vector<std::string> unplaced;
    for (const auto& m : plan.muscles) {
        // The template step placing the most sites for this muscle on this side.
        const Step* best_step = nullptr;
        std::vector<const Site*> best_sites;
        bool best_mirrored = false;
        for (const auto& u : used) {
            for (const auto& step : u.t->steps) {
                std::vector<const Site*> sites;
                std::set<std::string> base_ids;
                for (const auto& site : step.sites) {
                    if (site.muscle != m.muscle)
                        continue;
                    const auto sides = resolve_relation(site.side_spec, u.posture);
                    if (std::find(sides.begin(), sides.end(), m.side) == sides.end())
                        continue;
                    // A reader may expand bilateral sites into pairs; keep one per written id.
                    if (base_ids.insert(site.base_id.empty() ? site.id : site.base_id).second)
                        sites.push_back(&site);
                }
                if (sites.size() > best_sites.size()) {
                    best_step = &step;
                    best_sites = std::move(sites);
                    // Template views assume a posture to the left; mirror them for the right.
                    best_mirrored = u.posture == Side::right;
                }
            }
        }
        if (!best_step) {
            unplaced.push_back(muscle_side(m));
            continue;
        }
        Step step;
        step.id = best_step->id + "-" + to_string(m.side);
        step.title = best_step->title + ", " + to_string(m.side);
        step.view = best_mirrored ? swap_left_right(best_step->view) : best_step->view;
        const double total = m.units_min + fraction * (m.units_max - m.units_min);
        // Hundredths, the precision units are shown and recorded in: what the card shows is what
        // Inject records.
        const double per_site =
            std::round(total / static_cast<double>(best_sites.size()) * 100.0) / 100.0;
        step.instruction = plan_instruction(best_step->instruction, per_site,
                                            per_site * static_cast<double>(best_sites.size()));
        step.patient_text = best_step->patient_text;
        step.cautions = best_step->cautions;
        step.where = best_step->where;
        for (const Site* src : best_sites) {
            Site site = *src;
            site.base_id = src->base_id.empty() ? src->id : src->base_id;
            site.id = site.base_id + "_" + to_string(m.side);
            site.side = m.side;
            site.side_spec = m.side == Side::left ? SideSpec::left : SideSpec::right;
            site.units = per_site;
            site.guidance = merge_guidance(site.guidance, m.guidance);
            step.sites.push_back(std::move(site));
        }
        out.steps.push_back(std::move(step));
    }
    if (!unplaced.empty())
        out.provisional_notes.push_back(
            "Not placed (not on the model; inject under EMG, ultrasound or CT guidance): " +
            join(unplaced) + ".");
    return out;
}

std::optional<Diagnostic> check_plan_protocol(const Protocol& plan) {
    // The session's own check: the rule a session started with this plan applies.
    const Session session(std::make_shared<const Protocol>(plan));
    const Outcome o = session.check_plan();
    if (o.ok())
        return std::nullopt;
    Diagnostic d;
    d.rule = "cd.plan-over-limit";
    d.severity = Severity::error;
    d.message = o.reason;
    d.where.file = plan.path.empty() ? plan.id : plan.path.string();
    return d;
}

} // namespace injmap
