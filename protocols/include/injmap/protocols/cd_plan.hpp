#pragma once
// Cervical dystonia planning from the Col-Cap forms (Reichel; docs/protocol-format.md, "Cervical
// dystonia templates"). The clinician names one or more forms, each with the side the posture
// points to; the plan lists the candidate muscles of every form on the correct side, merged, with
// per-side unit ranges, site counts and guidance flags, the session's total range and the warnings
// the limits call for. A plan is a starting point the clinician adjusts, never a prescription.
//
// Sides: "ipsilateral" is the side the head turns or tilts towards. Rotation and lateral forms
// (torti-, latero-) need a side; sagittal forms (ante-, antero-, retro-) take none and their
// candidates are bilateral. Example: torticaput to the left → left splenius capitis, right SCM.
//
// Merging: when several chosen forms name the same muscle on the same side (e.g. a shift, or
// torticaput plus laterocaput), that muscle appears once with units_min = the largest minimum,
// units_max = the largest maximum (one muscle is not dosed twice), sites = the largest count and
// the most specific guidance (emg and ultrasound together become emg_or_ultrasound).
//
// Errors (make_cd_plan fails): cd.no-forms, cd.unknown-form, cd.side-required (rotation/lateral
// form without a side), cd.side-not-allowed (sagittal form with a side), cd.duplicate-form (a form
// twice), cd.contradictory-forms (ante- and retro- at the same level), cd.no-template (no template
// read for a chosen form), cd.not-a-template (a template without a [cd] table).
//
// Warnings and notes in CdPlan::warnings (severity warning unless noted):
//   cd.scm-cap            SCM upper bound over both sides above the template's SCM cap (100 U):
//   label,
//                         "may reduce dysphagia".
//   cd.bilateral-scm      SCM on both sides: more dysphagia risk (label).
//   cd.session-total      total upper bound above the session cap (300 U, non-US labelling).
//   cd.first-session      total upper bound above the first-session cap (200 U, UK SmPC [R]);
//                         only for a first session (make_cd_plan's first_session).
//   cd.levator-scapulae   levator scapulae in the plan: may add URI and dysphagia risk (label
//   note). cd.posterior-symmetry posterior neck muscles on both sides and no lateral form: keep
//   them
//                         symmetrical (manufacturer guidance).
//   cd.guidance     (note) muscles flagged for EMG or ultrasound.
//   cd.not-on-model (note) candidates the model lacks: listed, no site placed.
//   cd.shift        (note) the combination is a lateral, forward or backward shift (Reichel).
// The caps come from the first template's [limits] (300 / 200 / SCM 100 in the shipped ones).
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

// The eight Col-Cap forms; the shipped template for each is "cd-<form>".
inline constexpr std::array<std::string_view, 8> kCdForms = {
    "torticaput", "torticollis",  "laterocaput", "laterocollis",
    "antecaput",  "anterocollis", "retrocaput",  "retrocollis",
};

[[nodiscard]] bool is_cd_form(std::string_view form);
// antecaput, anterocollis, retrocaput, retrocollis: no side.
[[nodiscard]] bool cd_form_is_sagittal(std::string_view form);

struct CdFormChoice {
    std::string form;         // one of kCdForms
    std::optional<Side> side; // left or right for torti-/latero- forms; empty for sagittal forms
};

struct CdPlanMuscle {
    std::string muscle;     // model muscle id, or a candidate the model lacks (e.g. "longus_colli")
    Side side = Side::left; // left or right (a bilateral candidate gives one entry per side)
    double units_min = 0.0; // for this side
    double units_max = 0.0;
    int sites = 1; // for this side
    Guidance guidance = Guidance::none;
    std::vector<std::string> forms; // the chosen forms that name it
    std::vector<std::string> notes; // the candidates' notes, without repeats
    bool placed = false; // some chosen template places sites for it (false: not on the model)
};

struct CdPlan {
    std::vector<CdFormChoice> forms; // as chosen, in order
    std::vector<CdPlanMuscle>
        muscles; // in order of first mention (form order, candidate order; left before right)
    double total_min = 0.0;
    double total_max = 0.0;
    Diagnostics warnings; // cd.* rules above, severity warning or note; where = the template file
};

// `templates`: protocols with a [cd] table (paradigm cd_template); for each choice the one whose
// cd->form matches is used. `first_session`: false when the patient's history shows an earlier
// cervical dystonia treatment (history.hpp), which drops cd.first-session; true (the default, also
// when no patient is known) keeps it. Never throws.
[[nodiscard]] Result<CdPlan> make_cd_plan(std::span<const CdFormChoice> choices,
                                          std::span<const Protocol> templates,
                                          bool first_session = true);

// The eight shipped templates ("cd-<form>", found through data_paths.hpp), read with the protocol
// reader. Fails (with the reader's diagnostics, or protocol.io) if any is missing or has errors.
[[nodiscard]] Result<std::vector<Protocol>> load_cd_templates();

// Turns a plan into a concrete protocol the session guide can step through: id "cd-plan", paradigm
// custom, one step per placed plan muscle and side (in plan order) with the template's sites for it
// on that side (ids "<template site id>_<side>", side left/right), the view mirrored for a posture
// to the right. Each muscle-side gets units_min + fraction × (units_max − units_min) in total
// (fraction clamped to [0, 1]; 0.5 = the midpoint), shared equally by its sites and rounded to
// hundredths of a unit (the precision units are shown and recorded in). Each step's instruction
// gives the plan's figures ("this plan: 25 U per site, 50 U on this side") in place of the
// template's example ones ("shown: 12.5 U per site, the low end of the range"). Limits,
// needle, reconstitution, patient texts and sources come from the templates; muscles that are not
// placed are named in provisional_notes. For each muscle-side the template (among the chosen forms)
// that places the most sites for it is used.
[[nodiscard]] Protocol make_plan_protocol(const CdPlan& plan, std::span<const Protocol> templates,
                                          double fraction = 0.5);

// Whether a plan protocol (make_plan_protocol) can be started: its required sites at their units
// within every error-severity limit (Session::check_plan, the rule the session applies). None when
// it can; else an error cd.plan-over-limit whose message names the muscle and side to lower and by
// how much ("the plan gives 331 U, above at most 300 U per session: lower right
// sternocleidomastoid (62.5 U) by 31 U before starting").
[[nodiscard]] std::optional<Diagnostic> check_plan_protocol(const Protocol& plan);

// "torticaput to the left + retrocollis" — for titles and the CLI.
[[nodiscard]] std::string describe_cd_forms(std::span<const CdFormChoice> choices);

} // namespace injmap
