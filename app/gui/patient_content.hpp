#pragma once
// What the patient sees, as plain data shared by the patient mode (ImGui) and the printed handout
// (render::PageCanvas): the text cards from the protocol's [patient] table, the areas walked
// through (the steps' patient_text), the treated muscles for the soft glow, and the timeline of
// [patient.timeline] with an illustrative effect curve. No drawing here, so both pictures say the
// same thing.
#include <string>
#include <string_view>
#include <vector>

#include "injmap/models/model.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap::gui {

// The fixed words of the patient view and handout (the protocol's own texts come from [patient]),
// here rather than in the drawing code so a unit test can score every one for reading ease.
namespace patient_words {
inline constexpr std::string_view kPatientInformation = "About your treatment";
inline constexpr std::string_view kWhereHeading = "Where the injections go";
inline constexpr std::string_view kShadedHint =
    "The shaded areas on the pictures show the treated muscles.";
inline constexpr std::string_view kTimelineHeading = "What to expect over time";
inline constexpr std::string_view kTimelineNote = "how well it works (a sketch)";
inline constexpr std::string_view kNextAppointment = "Next appointment:";
inline constexpr std::string_view kQuestions = "Questions? Ask your doctor.";
inline constexpr std::string_view kFooter =
    "This sheet tells you about a planned treatment in general terms. Your doctor decides what "
    "you are given. It was made with injmap, a tool for teaching and planning.";
inline constexpr std::string_view kMedicine = "Medicine used:";
inline constexpr std::string_view kContinued = "More on the next page.";
inline constexpr std::string_view kPageTwo = "page 2";
inline constexpr std::string_view kShowOneByOne = "Show me, one by one";
inline constexpr std::string_view kAllAreas = "All the areas";
inline constexpr std::string_view kAllTreated = "All treated areas";
inline constexpr std::string_view kPause = "Pause";
inline constexpr std::string_view kOnLeft = "On your left side.";
inline constexpr std::string_view kOnRight = "On your right side.";
inline constexpr std::string_view kNothingToShow = "Nothing to show";
inline constexpr std::string_view kChooseProtocol = "Choose a protocol first.";
inline constexpr std::string_view kNoTexts = "This protocol has no patient texts.";
inline constexpr std::string_view kNoAreas = "No areas in this protocol.";
inline constexpr std::string_view kCaptionAll =
    "The softly lit areas are the muscles that are treated. Press Next to go through them one by "
    "one.";
} // namespace patient_words

struct NamedText {
    std::string name; // where it is used: "patient_words::kFooter", "card heading", …
    std::string text;
};
// Every fixed patient-facing string: patient_words, the card headings, the timeline marks' words
// and the posture sentences of every cervical dystonia form and side.
[[nodiscard]] std::vector<NamedText> fixed_patient_texts();

// The plain title: [patient] title, else the protocol's title, else its id.
[[nodiscard]] std::string patient_title(const Protocol& protocol);

// The posture of a Col-Cap form in plain words: "Your head turns to the right, at the top of the
// neck." `side` is ignored for the sagittal forms (ante-, antero-, retro-); "" for an unknown form.
[[nodiscard]] std::string posture_in_plain_words(std::string_view form, Side side);

struct PatientCard {
    std::string heading; // plain question or heading: "When does it start working?"
    std::string text;
    bool urgent = false; // "Get help at once if…": drawn so it cannot be missed
};

// The [patient] texts in reading order (title aside), empty ones left out.
[[nodiscard]] std::vector<PatientCard> patient_cards(const PatientInfo& info);

// One stop of the walk through the treated areas: a step, or several steps with the same text.
// An area whose sites are all on one side, and whose text does not say so, gets " On your left
// side." or " On your right side." added.
struct PatientArea {
    std::string text;               // the step's patient_text (or its title when it has none)
    std::vector<std::size_t> steps; // indices into protocol.steps
    std::string view;               // the first step's suggested view
};
[[nodiscard]] std::vector<PatientArea> patient_areas(const Protocol& protocol);

// Muscle keys ("trapezius_left"; midline muscles by id) of the protocol's sites, on their sides,
// optionally only those of `steps`; group keys are expanded with Model::expand_muscle_key.
[[nodiscard]] std::vector<std::string>
treated_muscles(const Model& model, const Protocol& protocol,
                const std::vector<std::size_t>* steps = nullptr);

// The points the patient view keeps in frame at an area: the area's own points and the whole head
// and neck (the model's landmarks from the vertex to the chin and the back of the neck, the ears
// and the face's front), so every stop shows the area in its place on the person, never a close-up
// that cuts the head off. Landmarks the model lacks are left out; with none, only `area_points`.
[[nodiscard]] std::vector<glm::vec3>
patient_frame_points(const Model& model, const std::vector<glm::vec3>& area_points);

// ---- the timeline ----
struct TimelineMark {
    double day = 0.0;
    std::string title; // "First effect"
    std::string when;  // "after about 1 week"
};
// Visit (day 0), first effect, full effect, wearing off, next treatment — days from
// [patient.timeline].
[[nodiscard]] std::vector<TimelineMark> timeline_marks(const PatientInfo& info);
// The span the graphic covers, in days (a little past the next treatment).
[[nodiscard]] double timeline_span_days(const PatientInfo& info);
// An illustrative effect level 0..1 on `day`: none before the first effect, easing up to full at
// full_effect_days, level until wearing_off_days, easing down towards the next treatment. For the
// picture only; no clinical meaning beyond the four days.
[[nodiscard]] double effect_level(const PatientInfo& info, double day);
// Where each mark's label goes: below the axis (row 0) or above the curve (row 1), and its left
// edge. Greedy in time order: below when it clears the previous label below, else above when it
// clears the previous one above, else below, pushed right. `widths` parallel to `centres`.
struct TimelineLabelPlace {
    int row = 0;
    float left = 0.0f;
};
[[nodiscard]] std::vector<TimelineLabelPlace>
place_timeline_labels(const std::vector<float>& centres, const std::vector<float>& widths, float x0,
                      float x1, float gap);
// "about 1 week", "about 6 weeks", "3 days", "about 12 weeks (3 months)".
[[nodiscard]] std::string plain_days(double days);

} // namespace injmap::gui
