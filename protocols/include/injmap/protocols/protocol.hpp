#pragma once
// A treatment protocol as plain data, as read from a protocol file (TOML, docs/protocol-format.md).
// Sites carry anatomical placements (landmarks + offsets), never raw coordinates; placement.hpp
// turns them into points on a model's skin. Every field keeps where it came from, for diagnostics.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/reconstitution.hpp"

namespace injmap {

inline constexpr int kProtocolSchemaVersion = 1;

// Indications are data: ids of protocols/rules/clinical-limits.toml (clinical_rules.hpp), checked
// by the validator (protocol.unknown-indication). These name the two the app treats specially.
inline constexpr std::string_view kChronicMigraine = "chronic_migraine";
inline constexpr std::string_view kCervicalDystonia = "cervical_dystonia";
enum class Paradigm { preempt, preempt_ftp, cd_template, custom };
enum class Guidance { none, emg, ultrasound, emg_or_ultrasound };
// Side as written in the file. `both` is expanded into a left/right pair on reading; the CD
// relations are resolved against the direction of the posture when a plan is made (cd_plan.hpp).
// Until then a template reads as if the posture were to the subject's left: ipsilateral sites get
// Side::left, contralateral Side::right, and `bilateral` expands into a pair like `both`
// (side_spec keeps what was written, so a plan for the right swaps ipsilateral/contralateral
// sides).
enum class SideSpec { left, right, midline, both, ipsilateral, contralateral, bilateral };

struct SourceRef {
    std::string key;          // "BLUM10"
    std::string citation;     // "Blumenfeld A et al. Headache 2010;50:1406-18"
    std::string link;         // PMID, DOI or URL (optional)
    bool provisional = false; // facts from it not re-checked against the full text
};

// Where each key of a table was written: key (dotted for nested tables, e.g.
// "limits.max_total_units") → the location of its value. Lets the validator point at the offending
// line, not just the table.
using KeyLocations = std::map<std::string, SourceLocation, std::less<>>;

struct Placement {
    std::string landmark;    // anchor; a name without _left/_right takes the site's own side
    std::string toward;      // optional second landmark
    double t = 0.0;          // fraction of the way from landmark to toward (0 when no toward)
    double up_mm = 0.0;      // +Y
    double lateral_mm = 0.0; // away from the midline towards the site's own side (midline: +X)
    double forward_mm = 0.0; // +Z
    SourceLocation where;
};

struct Site {
    std::string id;      // unique in the protocol; `both` pairs get "<id>_left" / "<id>_right"
    std::string base_id; // the id as written (equal to id unless mirrored)
    std::string muscle;  // muscle id or group key from the model, e.g. "cervical_paraspinal"
    Side side = Side::midline;              // resolved side (after expanding `both`)
    SideSpec side_spec = SideSpec::midline; // as written
    Placement placement;
    double units = 0.0;
    std::string depth_note;         // "superficial, just past the dermis; 90°, bevel up"
    std::optional<double> depth_mm; // typical skin-to-target depth, if the protocol states one
    bool optional = false;          // follow-the-pain (or otherwise optional) site
    Guidance guidance = Guidance::none;
    bool provisional = false; // its position is commonly taught but not verified in a source
    // The [[sources]] keys behind this site and how certain it is: as written on the site, else
    // on its step, else at the top of the file (`source`, `certainty`); `provisional = true`
    // alone means certainty "provisional". Empty sources = none named anywhere.
    std::vector<std::string> sources;
    Certainty certainty = Certainty::established;
    SourceLocation where;   // the site's table
    KeyLocations locations; // "units", "muscle", "side", "at", ... as written

    // The location of `key`'s value, or the site's table when the key was not written.
    [[nodiscard]] SourceLocation where_of(std::string_view key) const;
};

struct Step {
    std::string id;
    std::string title;
    std::string instruction;  // for the clinician
    std::string patient_text; // plain language, for the patient view
    std::vector<std::string> cautions;
    std::vector<std::string> sources;   // default for its sites
    std::optional<Certainty> certainty; // default for its sites
    std::string
        view; // suggested camera view: front, back, left, right, top, oblique-left, back-above, ...
    std::vector<Site> sites;
    SourceLocation where;
    KeyLocations locations;
};

struct Needle {
    int gauge = 30;
    double length_inch = 0.5;
    std::string note;
};

struct FollowThePainLimits {
    double max_extra_units = 0.0;
    int max_extra_sites = 0;
    std::vector<std::string> muscles;                // the only muscles FTP sites may use
    std::map<std::string, int> max_sites_per_muscle; // suggested caps, e.g. trapezius = 4
};

struct Limits {
    std::optional<double> max_total_units; // session cap (e.g. 155, 195, 300)
    std::optional<int> max_sites;
    std::optional<double> units_per_site;     // exact dose every site must have (PREEMPT: 5)
    std::optional<double> max_units_per_site; // e.g. CD 50
    std::optional<double> retreatment_weeks;  // minimum interval
    std::optional<double> first_session_max_units;
    std::map<std::string, double> max_units_per_muscle; // e.g. sternocleidomastoid = 100
    std::optional<FollowThePainLimits> follow_the_pain;
    std::optional<std::pair<double, double>>
        reference_range; // e.g. CD pivotal 198–300 U, shown not enforced
    SourceLocation where;
};

// Plain-language texts for the patient view and handout. Authors adapt and translate them.
struct PatientInfo {
    std::string title;          // plain title: "Botox for chronic migraine" (else the protocol's)
    std::string what;           // what the treatment is
    std::string who_is_it_for;  // who it is for (e.g. the chronic migraine criteria)
    std::string who_should_not; // who should not have it (allergy, infection, …)
    std::string before_visit;   // what to tell or ask before the visit (blood thinners, …)
    std::string where_and_why;  // where the injections go and why
    std::string visit;          // how long a visit takes
    std::string feel;           // what it feels like
    std::string onset;          // when it starts working
    std::string duration;       // how long it lasts
    std::string next;           // when the next one is
    std::string side_effects_common;
    std::string side_effects_serious;
    std::string aftercare;
    std::string alternatives; // other treatments
    std::string other_uses;   // other conditions the medicine treats
    // Timeline graphic, in days after the visit.
    double first_effect_days = 7;
    double full_effect_days = 14;
    double wearing_off_days = 70;
    double retreatment_days = 84;
};

// Cervical dystonia templates: the Col-Cap form and the candidate muscles it implicates.
struct CdCandidate {
    std::string muscle;
    SideSpec relation = SideSpec::ipsilateral; // ipsilateral, contralateral or bilateral
    double units_min = 0.0;                    // per side
    double units_max = 0.0;
    int sites = 1; // per side
    Guidance guidance = Guidance::none;
    std::string note;
    SourceLocation where;
    KeyLocations locations;
};

struct CdTemplate {
    std::string form;  // torticaput, torticollis, laterocaput, laterocollis, antecaput,
                       // anterocollis, retrocaput, retrocollis
    std::string plane; // rotation, lateral, sagittal
    std::string level; // caput, collis
    std::vector<CdCandidate> candidates;
};

struct Protocol {
    int schema_version = kProtocolSchemaVersion;
    std::string id;
    std::string title;
    std::string summary;
    std::string indication = "other"; // an id of the clinical-limits table
    Paradigm paradigm = Paradigm::custom;
    std::string product;
    std::vector<SourceRef> sources;
    std::vector<std::string> default_sources;   // top-level `source`: keys for every site
    std::optional<Certainty> default_certainty; // top-level `certainty`
    std::vector<std::string> provisional_notes; // what in this file is not verified, in words
    Reconstitution reconstitution;
    std::optional<double> stated_units_per_0_1_ml;
    Needle needle;
    Limits limits;
    PatientInfo patient;
    std::optional<CdTemplate> cd;
    std::vector<Step> steps;
    std::filesystem::path path;
    SourceLocation where; // the file as a whole (line 1, column 1)
    KeyLocations
        locations; // top-level and nested keys: "paradigm", "reconstitution.diluent_ml", ...

    // The location of `key`'s value, or `where` when the key was not written.
    [[nodiscard]] SourceLocation where_of(std::string_view key) const;

    // All sites in order (steps in order, sites in order within each step).
    [[nodiscard]] std::vector<const Site*> sites() const;
    [[nodiscard]] const Site* find_site(std::string_view id) const;
    [[nodiscard]] double total_units(bool include_optional = false) const;
};

[[nodiscard]] const char* to_string(Paradigm value);
[[nodiscard]] const char* to_string(Guidance value);
// For people: "EMG", "ultrasound", "EMG or ultrasound", "" for none (to_string gives the id).
[[nodiscard]] const char* guidance_words(Guidance value);
[[nodiscard]] const char* to_string(SideSpec value);

} // namespace injmap
