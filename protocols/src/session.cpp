#include "injmap/protocols/session.hpp"
#include "injmap/units_format.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

namespace injmap {
namespace {

// Limits are compared with a little slack so 31 × 5.0 never counts as above 155 through rounding.
constexpr double kEpsilon = 1e-9;

Outcome done() {
    return {};
}
Outcome refuse(std::string code, std::string reason) {
    return {std::move(code), std::move(reason)};
}

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

SessionTime whole_seconds(SessionTime t) {
    return std::chrono::floor<std::chrono::seconds>(t);
}

// Positions are kept to 0.01 mm, the precision the record writes, so a replay gives the same state.
std::optional<glm::vec3> to_hundredths(std::optional<glm::vec3> p) {
    if (!p)
        return p;
    for (int i = 0; i < 3; ++i)
        (*p)[i] = static_cast<float>(std::round(static_cast<double>((*p)[i]) * 100.0) / 100.0);
    return p;
}

bool finite_point(const glm::vec3& p) {
    return std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z) && std::abs(p.x) < 1e6f &&
           std::abs(p.y) < 1e6f && std::abs(p.z) < 1e6f;
}

} // namespace

const char* to_string(SiteStatus status) {
    switch (status) {
    case SiteStatus::pending:
        return "pending";
    case SiteStatus::current:
        return "current";
    case SiteStatus::injected:
        return "injected";
    case SiteStatus::skipped:
        return "skipped";
    case SiteStatus::not_given:
        return "not_given";
    }
    return "pending";
}

const char* to_string(ActionKind kind) {
    switch (kind) {
    case ActionKind::start:
        return "start";
    case ActionKind::inject:
        return "inject";
    case ActionKind::skip:
        return "skip";
    case ActionKind::back:
        return "back";
    case ActionKind::add:
        return "add";
    case ActionKind::finish:
        return "finish";
    case ActionKind::checklist:
        return "checklist";
    }
    return "inject";
}

std::optional<ActionKind> action_kind_from_string(std::string_view text) {
    for (ActionKind k : {ActionKind::start, ActionKind::inject, ActionKind::skip, ActionKind::back,
                         ActionKind::add, ActionKind::finish, ActionKind::checklist})
        if (text == to_string(k))
            return k;
    return std::nullopt;
}

Session::Session(std::shared_ptr<const Protocol> protocol, SessionClock clock)
    : protocol_(std::move(protocol)), clock_(std::move(clock)) {
    if (!clock_)
        clock_ = [] { return std::chrono::system_clock::now(); };
    if (!protocol_)
        protocol_ = std::make_shared<const Protocol>();
    {
        const AppliedRules applied = applied_rules(*protocol_);
        dose_limits_ = dose_limits(*protocol_, applied);
        if (applied.row)
            table_ftp_muscles_ = applied.row->ftp_muscles;
    }
    // Walk the steps directly (same order as Protocol::sites()).
    for (const Step& step : protocol_->steps)
        for (const Site& site : step.sites) {
            SessionSite s;
            s.site = &site;
            s.id = site.id;
            s.muscle = site.muscle;
            s.side = site.side;
            s.planned_units = site.units;
            s.optional = site.optional;
            sites_.push_back(std::move(s));
        }
    protocol_sites_ = sites_.size();
}

double MuscleSideTally::units(Side side, bool planned_only) const {
    if (planned_only) {
        const auto it = planned.find(side);
        return it == planned.end() ? 0.0 : it->second;
    }
    const auto it = given.find(side);
    return it == given.end() ? 0.0 : it->second.units;
}

const SessionSite* Session::current_site() const {
    return cursor_ ? &sites_[*cursor_] : nullptr;
}

SiteStatus Session::status(std::size_t index) const {
    if (index >= sites_.size())
        return SiteStatus::pending;
    const SiteStatus stored = sites_[index].status;
    if (stored == SiteStatus::pending && cursor_ && *cursor_ == index)
        return SiteStatus::current;
    return stored;
}

std::optional<std::size_t> Session::find(std::string_view site_id) const {
    for (std::size_t i = 0; i < sites_.size(); ++i)
        if (sites_[i].id == site_id)
            return i;
    return std::nullopt;
}

std::optional<double> Session::site_unit_limit() const {
    std::optional<double> tightest;
    for (const DoseLimit& limit : dose_limits_)
        if (limit.severity == Severity::error &&
            (limit.scope == DoseScope::site || limit.scope == DoseScope::site_exact))
            tightest = tightest ? std::min(*tightest, limit.value) : limit.value;
    return tightest;
}

std::optional<double> Session::default_add_units(std::string_view muscle) const {
    for (std::size_t i = 0; i < protocol_sites_; ++i)
        if (sites_[i].muscle == muscle && sites_[i].planned_units > 0.0)
            return sites_[i].planned_units;
    return protocol_->limits.units_per_site;
}

std::string Session::stand_in_site(std::string_view muscle, Side side) const {
    for (std::size_t i = 0; i < protocol_sites_; ++i)
        if (sites_[i].muscle == muscle && sites_[i].side == side)
            return sites_[i].id;
    for (std::size_t i = 0; i < protocol_sites_; ++i)
        if (sites_[i].muscle == muscle)
            return sites_[i].id;
    return {};
}

int Session::injected_sites() const {
    return static_cast<int>(std::count_if(sites_.begin(), sites_.end(), [](const SessionSite& s) {
        return s.status == SiteStatus::injected;
    }));
}

Outcome Session::check_active() const {
    if (!started())
        return refuse("session.not-started", "the session has not been started");
    if (finished())
        return refuse("session.finished", "the session is finished");
    return done();
}

SessionTime Session::now(const SessionAction& action) const {
    return whole_seconds(action.time ? *action.time : clock_());
}

namespace {
bool counts_sites(DoseScope scope) {
    return scope == DoseScope::session_sites || scope == DoseScope::ftp_extra_sites ||
           scope == DoseScope::ftp_muscle_sites;
}
bool is_ftp(DoseScope scope) {
    return scope == DoseScope::ftp_extra_units || scope == DoseScope::ftp_extra_sites ||
           scope == DoseScope::ftp_muscle_sites;
}
} // namespace

// Whether an injected site `s` counts towards `limit` (side: the side being checked).
bool Session::counts_towards(const DoseLimit& limit, const SessionSite& s, Side side) const {
    switch (limit.scope) {
    case DoseScope::side:
        return s.side == side;
    case DoseScope::muscle_units:
        return muscle_counts_towards(s.muscle, limit.muscle);
    case DoseScope::ftp_extra_units:
    case DoseScope::ftp_extra_sites:
        return s.added || s.optional;
    case DoseScope::ftp_muscle_sites:
        return (s.added || s.optional) && s.muscle == limit.muscle;
    default:
        return true;
    }
}

// The running quantity `limit` caps, over the injected sites (side: for DoseScope::side).
double Session::quantity(const DoseLimit& limit, Side side) const {
    double sum = 0.0;
    for (const SessionSite& s : sites_)
        if (s.status == SiteStatus::injected && counts_towards(limit, s, side))
            sum += counts_sites(limit.scope) ? 1.0 : s.units_given;
    return sum;
}

// The same with `units` more at `target` (extra: given as a follow-the-pain site).
double Session::quantity_with(const DoseLimit& limit, const SessionSite& target, double units,
                              bool extra) const {
    double sum = quantity(limit, target.side);
    const bool target_counts =
        is_ftp(limit.scope)
            ? extra && (limit.scope != DoseScope::ftp_muscle_sites || target.muscle == limit.muscle)
            : counts_towards(limit, target, target.side);
    if (target_counts)
        sum += counts_sites(limit.scope) ? 1.0 : units;
    return sum;
}

Outcome Session::check_dose(const SessionSite& target, double units, bool extra) const {
    if (!std::isfinite(units) || units <= 0.0)
        return refuse("session.bad-units", "units must be a number above 0");
    // Only error-severity limits are refused; warnings are shown (warnings()), as `check` does.
    for (const DoseLimit& limit : dose_limits_) {
        if (limit.severity != Severity::error)
            continue;
        switch (limit.scope) {
        case DoseScope::site_exact: // a site may get less than the fixed dose, never more
        case DoseScope::site:
            if (units > limit.value + kEpsilon)
                return refuse("session.over-site-limit",
                              format_units(units) + " U is above " + limit.what);
            break;
        case DoseScope::side:
            if (quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.over-side-total", format_units(units) +
                                                             " U more on this side would go past " +
                                                             limit.what);
            break;
        case DoseScope::session_units:
        case DoseScope::cumulative_units:
            if (quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.over-total",
                              format_units(units) + " U more would make " +
                                  format_units(quantity_with(limit, target, units, extra)) +
                                  " U, above " + limit.what);
            break;
        case DoseScope::session_sites:
            if (quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.over-site-count",
                              "one more site would go past " + limit.what);
            break;
        case DoseScope::muscle_units:
            if (quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.over-muscle-total",
                              format_units(units) + " U more would go past " + limit.what);
            break;
        case DoseScope::ftp_extra_sites:
            if (extra && quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.ftp-max-sites", "follow-the-pain allows " + limit.what);
            break;
        case DoseScope::ftp_muscle_sites:
            if (extra && quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.ftp-muscle-sites", "follow-the-pain allows " + limit.what);
            break;
        case DoseScope::ftp_extra_units:
            if (extra && quantity_with(limit, target, units, extra) > limit.value + kEpsilon)
                return refuse("session.ftp-max-units", "follow-the-pain allows " + limit.what);
            break;
        case DoseScope::site_first_session:
        case DoseScope::first_session_units:
            break; // advice for a first treatment: never refused
        }
    }
    return done();
}

std::vector<std::string> Session::warnings() const {
    std::vector<std::string> out;
    std::set<std::pair<int, std::string>> seen;
    for (const DoseLimit& limit : dose_limits_) {
        if (limit.severity == Severity::error)
            continue;
        // The first-treatment advice is for a first treatment only: not when the patient's
        // history shows an earlier one of this indication (set_first_treatment(false)).
        if (first_treatment_ == false && (limit.scope == DoseScope::site_first_session ||
                                          limit.scope == DoseScope::first_session_units))
            continue;
        bool over = false;
        switch (limit.scope) {
        case DoseScope::site:
        case DoseScope::site_first_session:
            for (const SessionSite& s : sites_)
                over = over ||
                       (s.status == SiteStatus::injected && s.units_given > limit.value + kEpsilon);
            break;
        case DoseScope::site_exact:
            break; // less than the fixed dose is the clinician's choice
        case DoseScope::side:
            over = quantity(limit, Side::left) > limit.value + kEpsilon ||
                   quantity(limit, Side::right) > limit.value + kEpsilon;
            break;
        default:
            over = quantity(limit, Side::midline) > limit.value + kEpsilon;
            break;
        }
        if (over && seen.insert({static_cast<int>(limit.scope), limit.muscle}).second)
            out.push_back(limit.rule + ": past " + limit.what);
    }
    return out;
}

void Session::advance_from(std::size_t index) {
    for (std::size_t j = index + 1; j < protocol_sites_; ++j)
        if (sites_[j].status == SiteStatus::pending) {
            cursor_ = j;
            return;
        }
    for (std::size_t j = 0; j <= index && j < protocol_sites_; ++j)
        if (sites_[j].status == SiteStatus::pending) {
            cursor_ = j;
            return;
        }
    cursor_.reset();
}

Outcome check_text_limits(const SessionAction& action) {
    auto too_long = [](std::string_view what, std::string_view text, std::size_t limit) {
        return refuse("session.too-long", std::string(what) + " is " + std::to_string(text.size()) +
                                              " bytes long; at most " + std::to_string(limit) +
                                              " are allowed");
    };
    const std::pair<std::string_view, std::pair<std::string_view, std::size_t>> fields[] = {
        {"the site id", {action.site, kMaxIdBytes}},
        {"the reason", {action.reason, kMaxReasonBytes}},
        {"the muscle id", {action.muscle, kMaxIdBytes}},
        {"the protocol id", {action.start.protocol_id, kMaxIdBytes}},
        {"the protocol path", {action.start.protocol_path, kMaxProtocolPathBytes}},
        {"the protocol digest", {action.start.protocol_sha256, kMaxDigestBytes}},
        {"the model id", {action.start.model, kMaxIdBytes}},
        {"the label", {action.start.label, kMaxLabelBytes}},
    };
    for (const auto& [what, field] : fields)
        if (field.first.size() > field.second)
            return too_long(what, field.first, field.second);
    if (action.checklist.answers.size() > kMaxChecklistAnswers)
        return refuse("session.too-long",
                      "the checklist has " + std::to_string(action.checklist.answers.size()) +
                          " answers; at most " + std::to_string(kMaxChecklistAnswers) +
                          " are allowed");
    for (const ChecklistAnswer& answer : action.checklist.answers) {
        if (answer.id.size() > kMaxIdBytes)
            return too_long("a checklist question id", answer.id, kMaxIdBytes);
        if (answer.reason.size() > kMaxChecklistReasonBytes)
            return too_long("the reason for '" + answer.id.substr(0, 64) + "'", answer.reason,
                            kMaxChecklistReasonBytes);
    }
    return {};
}

Outcome Session::start(SessionStart info) {
    SessionAction a;
    a.kind = ActionKind::start;
    a.start = std::move(info);
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::inject(std::optional<double> units, std::string reason, bool confirm_optional) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
    a.reason = std::move(reason);
    a.optional_confirmed = confirm_optional;
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::inject_elsewhere(glm::vec3 actual_mm, glm::vec3 planned_mm,
                                  std::optional<double> units, std::string reason,
                                  bool confirm_optional) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
    a.reason = std::move(reason);
    a.optional_confirmed = confirm_optional;
    a.position_mm = actual_mm;
    a.planned_mm = planned_mm;
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::can_inject(std::optional<double> units, std::string_view reason,
                            bool confirm_optional) const {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
    a.reason = std::string(reason);
    a.optional_confirmed = confirm_optional;
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    std::size_t index = 0;
    return check_site_action(a, index);
}

bool Session::over_plan(std::size_t index, double units) const {
    return index < sites_.size() && units > sites_[index].planned_units + kEpsilon;
}

namespace {
// "left sternocleidomastoid"
std::string muscle_words(std::string_view muscle, Side side) {
    std::string name(muscle);
    std::replace(name.begin(), name.end(), '_', ' ');
    return side == Side::midline ? name : std::string(to_string(side)) + " " + name;
}
} // namespace

Outcome Session::check_plan() const {
    // The required sites at their planned units, by muscle and side (treatment order).
    struct Part {
        std::string muscle;
        Side side;
        double units = 0.0;
    };
    std::vector<Part> parts;
    std::vector<const SessionSite*> required;
    for (std::size_t i = 0; i < protocol_sites_; ++i) {
        const SessionSite& s = sites_[i];
        if (s.optional)
            continue;
        required.push_back(&s);
        auto it = std::find_if(parts.begin(), parts.end(), [&](const Part& p) {
            return p.muscle == s.muscle && p.side == s.side;
        });
        if (it == parts.end())
            parts.push_back({s.muscle, s.side, s.planned_units});
        else
            it->units += s.planned_units;
    }
    // The largest part among those `counts` selects: the muscle to lower.
    auto largest = [&](auto counts) -> const Part* {
        const Part* best = nullptr;
        for (const Part& p : parts)
            if (counts(p) && (!best || p.units > best->units + kEpsilon))
                best = &p;
        return best;
    };
    auto over = [&](double planned, const DoseLimit& limit, const Part* lower) {
        std::string reason = "the plan gives " + format_units(planned) + " U, above " + limit.what;
        if (lower) {
            const double by = planned - limit.value;
            reason += ": lower " + muscle_words(lower->muscle, lower->side) + " (" +
                      format_units(lower->units) + " U) by " + format_units(by) + " U" +
                      (lower->units + kEpsilon < by ? " and other muscles too" : "") +
                      " before starting";
        }
        return refuse("session.plan-over-limit", std::move(reason));
    };
    for (const DoseLimit& limit : dose_limits_) {
        if (limit.severity != Severity::error)
            continue;
        switch (limit.scope) {
        case DoseScope::site:
        case DoseScope::site_exact:
            for (const SessionSite* s : required)
                if (s->planned_units > limit.value + kEpsilon)
                    return refuse("session.plan-over-limit",
                                  "site " + s->id + " plans " + format_units(s->planned_units) +
                                      " U, above " + limit.what + ": lower " +
                                      muscle_words(s->muscle, s->side) + " before starting");
            break;
        case DoseScope::side:
            for (Side side : {Side::left, Side::right}) {
                double sum = 0.0;
                for (const Part& p : parts)
                    if (p.side == side)
                        sum += p.units;
                if (sum > limit.value + kEpsilon)
                    return over(sum, limit,
                                largest([side](const Part& p) { return p.side == side; }));
            }
            break;
        case DoseScope::session_units:
        case DoseScope::cumulative_units: {
            double sum = 0.0;
            for (const Part& p : parts)
                sum += p.units;
            if (sum > limit.value + kEpsilon)
                return over(sum, limit, largest([](const Part&) { return true; }));
            break;
        }
        case DoseScope::muscle_units: {
            double sum = 0.0;
            for (const Part& p : parts)
                if (muscle_counts_towards(p.muscle, limit.muscle))
                    sum += p.units;
            if (sum > limit.value + kEpsilon)
                return over(sum, limit, largest([&limit](const Part& p) {
                                return muscle_counts_towards(p.muscle, limit.muscle);
                            }));
            break;
        }
        case DoseScope::session_sites:
            if (static_cast<double>(required.size()) > limit.value + kEpsilon)
                return refuse("session.plan-over-limit",
                              "the plan has " + std::to_string(required.size()) + " sites, above " +
                                  limit.what + ": leave some out");
            break;
        default:
            break; // follow-the-pain extras and first-treatment advice: not the plan's
        }
    }
    return done();
}

Outcome Session::skip(std::string reason) {
    SessionAction a;
    a.kind = ActionKind::skip;
    a.reason = std::move(reason);
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::back() {
    SessionAction a;
    a.kind = ActionKind::back;
    return apply(a);
}

Outcome Session::add(std::string muscle, Side side, std::optional<double> units,
                     std::optional<glm::vec3> position_mm) {
    SessionAction a;
    a.kind = ActionKind::add;
    a.muscle = std::move(muscle);
    a.side = side;
    a.units = units;
    a.position_mm = position_mm;
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::can_add(std::string_view muscle, Side side, std::optional<double> units,
                         std::optional<glm::vec3> position_mm) const {
    SessionAction a;
    a.kind = ActionKind::add;
    a.muscle = std::string(muscle);
    a.side = side;
    a.units = units;
    a.position_mm = position_mm;
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    SessionSite site;
    return check_add(a, site);
}

Outcome Session::finish() {
    SessionAction a;
    a.kind = ActionKind::finish;
    return apply(a);
}

Outcome Session::answer_checklist(ChecklistAnswers answers) {
    SessionAction a;
    a.kind = ActionKind::checklist;
    a.checklist = std::move(answers);
    if (Outcome o = check_text_limits(a); !o.ok())
        return o;
    return apply(a);
}

Outcome Session::check_checklist(const ChecklistAnswers& answers,
                                 ChecklistAnswers& normalised) const {
    normalised = ChecklistAnswers{};
    normalised.warning_acknowledged = answers.warning_acknowledged;
    normalised.version = checklist_ ? checklist_->version : answers.version;
    std::vector<std::string> seen;
    for (const ChecklistAnswer& given : answers.answers) {
        ChecklistAnswer a = given;
        a.reason = trim(a.reason);
        if (a.id.empty())
            return refuse("session.checklist-unknown", "a checklist answer has no question id");
        if (std::find(seen.begin(), seen.end(), a.id) != seen.end())
            return refuse("session.checklist-duplicate",
                          "the checklist question '" + a.id + "' is answered twice");
        seen.push_back(a.id);
        if (checklist_ && !checklist_->find(a.id))
            return refuse("session.checklist-unknown",
                          "the checklist has no question '" + a.id + "'");
        if (a.yes && a.reason.empty())
            return refuse("session.checklist-reason", "'" + a.id +
                                                          "' is answered yes: going on needs a "
                                                          "reason");
        normalised.answers.push_back(std::move(a));
    }
    if (checklist_) {
        std::string missing;
        for (const ChecklistQuestion& q : checklist_->questions)
            if (std::find(seen.begin(), seen.end(), q.id) == seen.end())
                missing += (missing.empty() ? "" : ", ") + q.id;
        if (!missing.empty())
            return refuse("session.checklist-incomplete", "unanswered: " + missing);
        // The checklist's order, whatever the order given.
        std::vector<ChecklistAnswer> ordered;
        for (const ChecklistQuestion& q : checklist_->questions)
            ordered.push_back(*normalised.find(q.id));
        normalised.answers = std::move(ordered);
    } else if (normalised.answers.empty()) {
        return refuse("session.checklist-incomplete", "the checklist holds no answer");
    }
    if (!answers.warning_acknowledged)
        return refuse("session.checklist-incomplete",
                      "the boxed warning has not been acknowledged");
    return done();
}

// The checks of an add, shared by add (through apply) and can_add: one rule, one wording.
Outcome Session::check_add(const SessionAction& action, SessionSite& site) const {
    if (auto o = check_active(); !o.ok())
        return o;
    if (!checklist_satisfied())
        return refuse("session.checklist-required",
                      "answer the pre-treatment checklist before the first injection");
    const auto& ftp = protocol_->limits.follow_the_pain;
    if (!ftp)
        return refuse("session.ftp-not-allowed", "this protocol has no follow-the-pain option");
    // The file's list, narrowed by the clinical-limits table's (as `check` does: ftp.muscle).
    auto allowed_muscle = [&](const std::string& m) {
        return std::find(ftp->muscles.begin(), ftp->muscles.end(), m) != ftp->muscles.end() &&
               (table_ftp_muscles_.empty() ||
                std::find(table_ftp_muscles_.begin(), table_ftp_muscles_.end(), m) !=
                    table_ftp_muscles_.end());
    };
    if (!allowed_muscle(action.muscle)) {
        std::string allowed;
        for (const auto& m : ftp->muscles)
            if (allowed_muscle(m))
                allowed += (allowed.empty() ? "" : ", ") + m;
        return refuse("session.ftp-muscle",
                      "follow-the-pain sites may only be in " +
                          (allowed.empty() ? std::string("no muscle") : allowed) + ", not '" +
                          action.muscle + "'");
    }
    if (action.position_mm &&
        !(std::isfinite((*action.position_mm)[0]) && std::isfinite((*action.position_mm)[1]) &&
          std::isfinite((*action.position_mm)[2])))
        return refuse("session.bad-position", "the position is not a finite point");
    const auto units = action.units ? action.units : default_add_units(action.muscle);
    if (!units)
        return refuse("session.units-required",
                      "no default dose for '" + action.muscle + "'; state the units");
    site = SessionSite{};
    site.id = "ftp-" + std::to_string(sites_.size() - protocol_sites_ + 1);
    site.muscle = action.muscle;
    site.side = action.side;
    site.planned_units = *units;
    site.added = true;
    return check_dose(site, *units, true);
}

Outcome Session::check_site_action(const SessionAction& action, std::size_t& index) const {
    if (auto o = check_active(); !o.ok())
        return o;
    index = 0;
    if (!action.site.empty()) {
        const auto found = find(action.site);
        if (!found)
            return refuse("session.unknown-site", "no site '" + action.site + "' in this session");
        index = *found;
    } else if (cursor_) {
        index = *cursor_;
    } else {
        return refuse("session.no-current-site", "every site has been injected or skipped");
    }
    if (action.kind == ActionKind::inject && !checklist_satisfied())
        return refuse("session.checklist-required",
                      "answer the pre-treatment checklist before the first injection");
    const SessionSite& target = sites_[index];
    if (target.status == SiteStatus::injected)
        return refuse("session.already-injected", "site '" + target.id + "' is already injected");
    if (action.kind == ActionKind::inject) {
        const double units = action.units.value_or(target.planned_units);
        if (auto o = check_dose(target, units, target.optional); !o.ok())
            return o;
        if (entry_rules_.confirm_optional && target.optional && !action.optional_confirmed)
            return refuse("session.optional-unconfirmed",
                          "this site is optional: it adds a follow-the-pain extra of " +
                              format_units(units) + " U; confirm it to give it");
        if (entry_rules_.over_plan_reason && units > target.planned_units + kEpsilon &&
            trim(action.reason).empty())
            return refuse("session.over-plan-reason",
                          format_units(units) + " U is above the " +
                              format_units(target.planned_units) +
                              " U planned for this site: give a reason to record it");
        return done();
    }
    if (target.status == SiteStatus::skipped)
        return refuse("session.already-skipped", "site '" + target.id + "' is already skipped");
    if (trim(action.reason).empty())
        return refuse("session.reason-required", "skipping a site needs a reason");
    return done();
}

Outcome Session::apply(const SessionAction& action) {
    SessionAction recorded = action;
    switch (action.kind) {
    case ActionKind::start: {
        if (started())
            return refuse("session.already-started", "the session has already been started");
        if (recorded.start.format < 1 || recorded.start.format > kSessionFormat)
            return refuse("session.bad-format", "record format " +
                                                    std::to_string(recorded.start.format) +
                                                    " is not one this injmap writes (1 to " +
                                                    std::to_string(kSessionFormat) + ")");
        if (entry_rules_.plan_within_limits)
            if (Outcome o = check_plan(); !o.ok())
                return o;
        if (recorded.start.protocol_id.empty())
            recorded.start.protocol_id = protocol_->id;
        else if (recorded.start.protocol_id != protocol_->id)
            return refuse("session.protocol-mismatch", "the session is for protocol '" +
                                                           recorded.start.protocol_id + "', not '" +
                                                           protocol_->id + "'");
        recorded.time = now(action);
        start_ = recorded.start;
        started_at_ = recorded.time;
        cursor_.reset();
        if (protocol_sites_ > 0)
            cursor_ = 0;
        break;
    }
    case ActionKind::inject:
    case ActionKind::skip: {
        std::size_t index = 0;
        if (auto o = check_site_action(action, index); !o.ok())
            return o;
        const bool elsewhere = action.kind == ActionKind::inject && action.position_mm;
        if (elsewhere && !(action.planned_mm && finite_point(*action.position_mm) &&
                           finite_point(*action.planned_mm)))
            return refuse("session.bad-position",
                          "an injection elsewhere needs finite actual and planned points");
        SessionSite& target = sites_[index];
        if (action.kind == ActionKind::inject) {
            recorded.units = action.units.value_or(target.planned_units);
            recorded.reason = trim(action.reason);
        } else {
            recorded.reason = trim(action.reason);
            recorded.units.reset();
        }
        recorded.optional_confirmed = false;
        recorded.site = target.id;
        recorded.time = now(action);
        undo_.push_back({action.kind, index, target, cursor_});
        recorded.position_mm.reset();
        recorded.planned_mm.reset();
        if (elsewhere) {
            recorded.position_mm = to_hundredths(action.position_mm);
            recorded.planned_mm = to_hundredths(action.planned_mm);
        }
        if (action.kind == ActionKind::inject) {
            target.status = SiteStatus::injected;
            target.units_given = *recorded.units;
            target.reason = recorded.reason;
            if (!target.added) {
                target.position_mm = recorded.position_mm;
                target.planned_mm = recorded.planned_mm;
            }
        } else {
            target.status = SiteStatus::skipped;
            target.units_given = 0.0;
            target.reason = recorded.reason;
        }
        target.time = recorded.time;
        advance_from(index);
        break;
    }
    case ActionKind::back: {
        if (auto o = check_active(); !o.ok())
            return o;
        if (undo_.empty())
            return refuse("session.nothing-to-undo", "there is nothing to undo");
        const Undo undo = undo_.back();
        const std::string undone_id = sites_[undo.index].id;
        if (!action.site.empty() && action.site != undone_id)
            return refuse("session.record-mismatch",
                          "back would undo '" + undone_id + "', not '" + action.site + "'");
        undo_.pop_back();
        if (undo.kind == ActionKind::add) {
            // Adds are appended and undone last-in-first-out, so the undone site is the last one.
            sites_.erase(sites_.begin() + static_cast<std::ptrdiff_t>(undo.index));
            cursor_ = undo.cursor;
        } else {
            sites_[undo.index] = undo.before;
            cursor_ = undo.index;
        }
        recorded = SessionAction{};
        recorded.kind = ActionKind::back;
        recorded.site = undone_id;
        recorded.time = now(action);
        break;
    }
    case ActionKind::add: {
        SessionSite site;
        if (auto o = check_add(action, site); !o.ok())
            return o;
        if (!action.site.empty() && action.site != site.id)
            return refuse("session.record-mismatch",
                          "the added site would be '" + site.id + "', not '" + action.site + "'");
        recorded.site = site.id;
        recorded.units = site.planned_units;
        recorded.time = now(action);
        site.status = SiteStatus::injected;
        site.units_given = site.planned_units;
        site.time = recorded.time;
        site.position_mm = to_hundredths(action.position_mm);
        recorded.position_mm = site.position_mm;
        if (!site.position_mm)
            site.stand_in_site = stand_in_site(site.muscle, site.side);
        undo_.push_back({ActionKind::add, sites_.size(), site, cursor_});
        sites_.push_back(std::move(site));
        break;
    }
    case ActionKind::checklist: {
        if (auto o = check_active(); !o.ok())
            return o;
        if (checklist_answers_)
            return refuse("session.checklist-done", "the checklist has already been answered");
        for (const SessionAction& earlier : history_)
            if (earlier.kind == ActionKind::inject || earlier.kind == ActionKind::add)
                return refuse("session.checklist-late",
                              "the checklist comes before the first injection, and sites have "
                              "been injected");
        ChecklistAnswers normalised;
        if (auto o = check_checklist(action.checklist, normalised); !o.ok())
            return o;
        recorded = SessionAction{};
        recorded.kind = ActionKind::checklist;
        recorded.checklist = normalised;
        recorded.time = now(action);
        checklist_answers_ = std::move(normalised);
        checklist_at_ = recorded.time;
        break;
    }
    case ActionKind::finish: {
        if (auto o = check_active(); !o.ok())
            return o;
        recorded = SessionAction{};
        recorded.kind = ActionKind::finish;
        recorded.time = now(action);
        for (std::size_t i = 0; i < protocol_sites_; ++i)
            if (sites_[i].status == SiteStatus::pending)
                sites_[i].status = SiteStatus::not_given;
        cursor_.reset();
        undo_.clear();
        finished_at_ = recorded.time;
        break;
    }
    }
    history_.push_back(std::move(recorded));
    return done();
}

Outcome Session::next() {
    if (!started())
        return refuse("session.not-started", "the session has not been started");
    if (!cursor_ || *cursor_ + 1 >= protocol_sites_)
        return refuse("session.no-next", "there is no next site");
    ++*cursor_;
    return done();
}

Outcome Session::previous() {
    if (!started())
        return refuse("session.not-started", "the session has not been started");
    if (!cursor_) {
        if (protocol_sites_ == 0)
            return refuse("session.no-previous", "there is no previous site");
        cursor_ = protocol_sites_ - 1;
        return done();
    }
    if (*cursor_ == 0)
        return refuse("session.no-previous", "there is no previous site");
    --*cursor_;
    return done();
}

Outcome Session::go_to(std::string_view site_id) {
    if (!started())
        return refuse("session.not-started", "the session has not been started");
    const auto found = find(site_id);
    if (!found || *found >= protocol_sites_)
        return refuse("session.unknown-site", "no protocol site '" + std::string(site_id) + "'");
    cursor_ = *found;
    return done();
}

SessionTallies Session::tallies() const {
    const Limits& limits = protocol_->limits;
    SessionTallies t;
    for (const DoseLimit& limit : dose_limits_) {
        if (limit.severity != Severity::error)
            continue;
        if (limit.scope == DoseScope::session_units)
            t.total.limit = t.total.limit ? std::min(*t.total.limit, limit.value) : limit.value;
        if (limit.scope == DoseScope::session_sites) {
            const int n = static_cast<int>(limit.value);
            t.max_sites = t.max_sites ? std::min(*t.max_sites, n) : n;
        }
    }
    if (limits.follow_the_pain) {
        t.extra.limit = limits.follow_the_pain->max_extra_units;
        t.extra_sites_limit = limits.follow_the_pain->max_extra_sites;
    }
    auto muscle_side = [&t](const std::string& muscle) -> MuscleSideTally& {
        for (MuscleSideTally& m : t.per_muscle_side)
            if (m.muscle == muscle)
                return m;
        t.per_muscle_side.push_back({});
        t.per_muscle_side.back().muscle = muscle;
        return t.per_muscle_side.back();
    };
    for (const SessionSite& s : sites_) {
        MuscleSideTally& row = muscle_side(s.muscle);
        if (!s.added && !s.optional) {
            row.planned[s.side] += s.planned_units;
            row.planned_units += s.planned_units;
        }
        if (s.status == SiteStatus::injected) {
            Tally& given = row.given[s.side];
            given.units += s.units_given;
            ++given.sites;
            row.given_units += s.units_given;
        }
        Tally& muscle = t.per_muscle[s.muscle];
        for (const DoseLimit& limit : dose_limits_)
            if (limit.scope == DoseScope::muscle_units && limit.muscle == s.muscle)
                muscle.limit = muscle.limit ? std::min(*muscle.limit, limit.value) : limit.value;
        if (!s.added && !s.optional)
            t.planned_units += s.planned_units;
        switch (s.status) {
        case SiteStatus::injected: {
            ++t.injected;
            t.total.units += s.units_given;
            ++t.total.sites;
            muscle.units += s.units_given;
            ++muscle.sites;
            Tally& side = t.per_side[s.side];
            side.units += s.units_given;
            ++side.sites;
            if (s.added || s.optional) {
                t.extra.units += s.units_given;
                ++t.extra.sites;
            }
            break;
        }
        case SiteStatus::skipped:
            ++t.skipped;
            break;
        case SiteStatus::not_given:
            ++t.not_given;
            break;
        case SiteStatus::pending:
        case SiteStatus::current:
            ++t.pending;
            if (!s.optional)
                t.projected_units += s.planned_units;
            break;
        }
        if (s.added)
            ++t.added;
    }
    for (MuscleSideTally& row : t.per_muscle_side)
        row.limit = t.per_muscle[row.muscle].limit;
    t.projected_units += t.total.units;
    t.units_per_0_1_ml = protocol_->reconstitution.units_per_0_1_ml();
    t.given = dose_logistics(protocol_->reconstitution, t.total.units);
    t.projected = dose_logistics(protocol_->reconstitution, t.projected_units);
    return t;
}

} // namespace injmap
