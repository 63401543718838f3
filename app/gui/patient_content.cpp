#include "gui/patient_content.hpp"

#include <algorithm>
#include <cmath>

namespace injmap::gui {

namespace {

// The card headings, in reading order, with the field each one shows.
struct CardSpec {
    const char* heading;
    std::string PatientInfo::*field;
    bool urgent;
};
constexpr CardSpec kCards[] = {
    {"What is it?", &PatientInfo::what, false},
    {"Who is it for?", &PatientInfo::who_is_it_for, false},
    {"Who should not have it?", &PatientInfo::who_should_not, false},
    {"Before your visit", &PatientInfo::before_visit, false},
    {"Where, and why there?", &PatientInfo::where_and_why, false},
    {"The visit", &PatientInfo::visit, false},
    {"What does it feel like?", &PatientInfo::feel, false},
    {"When does it start working?", &PatientInfo::onset, false},
    {"How long does it last?", &PatientInfo::duration, false},
    {"The next treatment", &PatientInfo::next, false},
    {"Common side effects", &PatientInfo::side_effects_common, false},
    {"Get medical help at once if…", &PatientInfo::side_effects_serious, true},
    {"After the visit", &PatientInfo::aftercare, false},
    {"Other choices", &PatientInfo::alternatives, false},
    {"What else is it used for?", &PatientInfo::other_uses, false},
};

} // namespace

std::vector<PatientCard> patient_cards(const PatientInfo& p) {
    std::vector<PatientCard> cards;
    for (const CardSpec& spec : kCards)
        if (!(p.*spec.field).empty())
            cards.push_back({spec.heading, p.*spec.field, spec.urgent});
    return cards;
}

std::string patient_title(const Protocol& protocol) {
    if (!protocol.patient.title.empty())
        return protocol.patient.title;
    return protocol.title.empty() ? protocol.id : protocol.title;
}

std::string posture_in_plain_words(std::string_view form, Side side) {
    const std::string to = side == Side::right ? "right" : "left";
    if (form == "torticaput")
        return "Your head turns to the " + to + ", at the top of the neck.";
    if (form == "torticollis")
        return "Your neck turns to the " + to + " and takes the head with it.";
    if (form == "laterocaput")
        return "Your head tilts towards your " + to + " shoulder, at the top of the neck.";
    if (form == "laterocollis")
        return "Your neck bends towards your " + to + " shoulder.";
    if (form == "antecaput")
        return "Your head tips forward, chin down, at the top of the neck.";
    if (form == "anterocollis")
        return "Your neck bends forward.";
    if (form == "retrocaput")
        return "Your head tips back, at the top of the neck.";
    if (form == "retrocollis")
        return "Your neck bends back.";
    return "";
}

std::vector<NamedText> fixed_patient_texts() {
    namespace w = patient_words;
    std::vector<NamedText> out = {
        {"patient_words::kPatientInformation", std::string(w::kPatientInformation)},
        {"patient_words::kWhereHeading", std::string(w::kWhereHeading)},
        {"patient_words::kShadedHint", std::string(w::kShadedHint)},
        {"patient_words::kTimelineHeading", std::string(w::kTimelineHeading)},
        {"patient_words::kTimelineNote", std::string(w::kTimelineNote)},
        {"patient_words::kNextAppointment", std::string(w::kNextAppointment)},
        {"patient_words::kQuestions", std::string(w::kQuestions)},
        {"patient_words::kFooter", std::string(w::kFooter)},
        {"patient_words::kMedicine", std::string(w::kMedicine)},
        {"patient_words::kContinued", std::string(w::kContinued)},
        {"patient_words::kPageTwo", std::string(w::kPageTwo)},
        {"patient_words::kShowOneByOne", std::string(w::kShowOneByOne)},
        {"patient_words::kAllAreas", std::string(w::kAllAreas)},
        {"patient_words::kAllTreated", std::string(w::kAllTreated)},
        {"patient_words::kPause", std::string(w::kPause)},
        {"patient_words::kOnLeft", std::string(w::kOnLeft)},
        {"patient_words::kOnRight", std::string(w::kOnRight)},
        {"patient_words::kNothingToShow", std::string(w::kNothingToShow)},
        {"patient_words::kChooseProtocol", std::string(w::kChooseProtocol)},
        {"patient_words::kNoTexts", std::string(w::kNoTexts)},
        {"patient_words::kNoAreas", std::string(w::kNoAreas)},
        {"patient_words::kCaptionAll", std::string(w::kCaptionAll)},
    };
    for (const CardSpec& spec : kCards)
        out.push_back({"card heading", spec.heading});
    PatientInfo typical;
    typical.first_effect_days = 4;
    typical.full_effect_days = 42;
    for (const TimelineMark& m : timeline_marks(typical)) {
        out.push_back({"timeline mark", m.title});
        out.push_back({"timeline mark", m.when});
    }
    for (std::string_view form : {"torticaput", "torticollis", "laterocaput", "laterocollis",
                                  "antecaput", "anterocollis", "retrocaput", "retrocollis"})
        for (Side side : {Side::left, Side::right})
            out.push_back({"posture " + std::string(form), posture_in_plain_words(form, side)});
    return out;
}

std::vector<PatientArea> patient_areas(const Protocol& protocol) {
    std::vector<PatientArea> areas;
    std::vector<std::pair<bool, bool>> sides; // per area: a left site, a right site (or midline)
    for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
        const Step& step = protocol.steps[s];
        const std::string text = step.patient_text.empty() ? step.title : step.patient_text;
        auto same = std::find_if(areas.begin(), areas.end(),
                                 [&](const PatientArea& a) { return a.text == text; });
        if (same == areas.end()) {
            areas.push_back({text, {}, step.view});
            sides.emplace_back(false, false);
            same = areas.end() - 1;
        }
        same->steps.push_back(s);
        auto& [left, right] = sides[std::size_t(same - areas.begin())];
        for (const Site& site : step.sites) {
            left = left || site.side != Side::right;
            right = right || site.side != Side::left;
        }
    }
    // An area treated on one side only says which, unless its text already does (a cervical
    // dystonia plan is one-sided; the pictures show it, the words should too).
    for (std::size_t i = 0; i < areas.size(); ++i) {
        const auto [left, right] = sides[i];
        const std::string& t = areas[i].text;
        if (left == right || t.find("left") != std::string::npos ||
            t.find("right") != std::string::npos)
            continue;
        areas[i].text += " " + std::string(left ? patient_words::kOnLeft : patient_words::kOnRight);
    }
    return areas;
}

std::vector<std::string> treated_muscles(const Model& model, const Protocol& protocol,
                                         const std::vector<std::size_t>* steps) {
    std::vector<std::string> ids;
    for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
        if (steps && std::find(steps->begin(), steps->end(), s) == steps->end())
            continue;
        for (const Site& site : protocol.steps[s].sites) {
            // A group key (cervical_paraspinal) names every member; keep only the site's side, as
            // exact keys ("trapezius_left"), so a one-sided plan glows on one side.
            for (const std::string& id : model.expand_muscle_key(site.muscle))
                for (const Muscle& m : model.muscles) {
                    if (m.id != id)
                        continue;
                    if (site.side != Side::midline && m.side != Side::midline &&
                        m.side != site.side)
                        continue;
                    const std::string key = m.key();
                    if (std::find(ids.begin(), ids.end(), key) == ids.end())
                        ids.push_back(key);
                }
        }
    }
    return ids;
}

std::string plain_days(double days) {
    const long d = std::lround(days);
    if (d <= 0)
        return "on the day";
    if (d < 7)
        return std::to_string(d) + (d == 1 ? " day" : " days");
    const double weeks = days / 7.0;
    const long w = std::lround(weeks);
    std::string out = "about " + std::to_string(w) + (w == 1 ? " week" : " weeks");
    if (w >= 8 && w % 4 == 0)
        out += " (" + std::to_string(w / 4) + " months)";
    else if (w == 13)
        out += " (3 months)";
    return out;
}

std::vector<TimelineMark> timeline_marks(const PatientInfo& p) {
    // plain_days() says "about …" for weeks; the verbs carry the rest.
    return {{0.0, "Treatment visit", "day 0"},
            {p.first_effect_days, "First effect", "after " + plain_days(p.first_effect_days)},
            {p.full_effect_days, "Full effect", "at " + plain_days(p.full_effect_days)},
            {p.wearing_off_days, "Wearing off", "from " + plain_days(p.wearing_off_days)},
            {p.retreatment_days, "Next treatment", "at " + plain_days(p.retreatment_days)}};
}

std::vector<TimelineLabelPlace> place_timeline_labels(const std::vector<float>& centres,
                                                      const std::vector<float>& widths, float x0,
                                                      float x1, float gap) {
    std::vector<TimelineLabelPlace> out;
    float right[2] = {-1e30f, -1e30f};
    for (std::size_t i = 0; i < centres.size() && i < widths.size(); ++i) {
        const float w = widths[i];
        const float left = std::clamp(centres[i] - w * 0.5f, x0, std::max(x0, x1 - w));
        TimelineLabelPlace p;
        if (left >= right[0] + gap) {
            p = {0, left};
        } else if (left >= right[1] + gap) {
            p = {1, left};
        } else {
            p = {0, std::min(right[0] + gap, std::max(x0, x1 - w))};
        }
        right[p.row] = p.left + w;
        out.push_back(p);
    }
    return out;
}

double timeline_span_days(const PatientInfo& p) {
    const double last =
        std::max({p.retreatment_days, p.wearing_off_days, p.full_effect_days, 14.0});
    return std::ceil((last * 1.08) / 7.0) * 7.0;
}

namespace {
double smooth(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}
} // namespace

double effect_level(const PatientInfo& p, double day) {
    const double first = std::max(0.0, p.first_effect_days);
    const double full = std::max(first + 1.0, p.full_effect_days);
    const double off = std::max(full, p.wearing_off_days);
    const double next = std::max(off + 1.0, p.retreatment_days);
    if (day <= 0.0)
        return 0.0;
    if (day < first) // a faint start: nothing to notice yet
        return 0.08 * smooth(day / std::max(first, 1.0));
    if (day < full)
        return 0.08 + 0.92 * smooth((day - first) / (full - first));
    if (day < off)
        return 1.0;
    if (day < next)
        return 1.0 - 0.6 * smooth((day - off) / (next - off));
    // After the next treatment a new cycle starts from where the last one had faded to.
    const double again = day - next;
    if (again < first)
        return 0.4;
    return 0.4 + 0.6 * smooth((again - first) / (full - first));
}

std::vector<glm::vec3> patient_frame_points(const Model& model,
                                            const std::vector<glm::vec3>& area_points) {
    static constexpr std::string_view kHeadAndNeck[] = {"vertex",
                                                        "menton",
                                                        "pronasale",
                                                        "opisthocranion",
                                                        "tragion_left",
                                                        "tragion_right",
                                                        "helix_top_left",
                                                        "helix_top_right",
                                                        "c7",
                                                        "suprasternal_notch"};
    std::vector<glm::vec3> points = area_points;
    for (std::string_view name : kHeadAndNeck)
        if (const auto p = model.landmark(name))
            points.push_back(*p);
    return points;
}

} // namespace injmap::gui
