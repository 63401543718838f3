#include "gui/patient_visit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "gui/hover_text.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/protocols/site_offset.hpp"
#include "injmap/units_format.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace

bool apply_history_override(Diagnostics& cross, const std::string& reason) {
    bool overridden = false;
    if (reason.empty())
        return false;
    for (Diagnostic& d : cross)
        if (d.severity == Severity::error) {
            d.severity = Severity::warning;
            d.message += "; overridden: " + reason;
            overridden = true;
        }
    return overridden;
}

Result<std::int64_t> file_finished_session(HistoryStore& store, const Session& session,
                                           const fs::path& record_path,
                                           const fs::path& protocol_path,
                                           const std::string& patient,
                                           const std::string& override_reason) {
    Result<std::int64_t> out;
    const auto record_text = slurp(record_path);
    std::error_code ec;
    const fs::path copy = record_protocol_copy_path(record_path);
    const auto protocol_text = slurp(fs::exists(copy, ec) ? copy : protocol_path);
    if (!record_text || !protocol_text) {
        Diagnostic d;
        d.rule = "db.io";
        d.message = "the finished record or its protocol cannot be read back";
        d.where.file = record_path.string();
        out.diagnostics.push_back(std::move(d));
        return out;
    }
    TreatmentRow row = treatment_from_session(session, *record_text, *protocol_text, record_path);
    row.patient_id = patient;
    row.override_reason = override_reason;
    const std::array rows{std::move(row)};
    auto filed = store.add_treatments(rows);
    out.diagnostics = std::move(filed.diagnostics);
    if (filed.ok() && filed.value && !filed.value->empty())
        out.value = filed.value->front();
    return out;
}

} // namespace injmap

namespace injmap::gui {

std::string weeks_and_days(double weeks) {
    const long days = std::max(0L, std::lround(std::floor(weeks * 7.0 + 1e-6)));
    const long w = days / 7, d = days % 7;
    std::string out;
    if (w > 0)
        out = std::to_string(w) + (w == 1 ? " week" : " weeks");
    if (d > 0 || w == 0)
        out += (out.empty() ? "" : " and ") + std::to_string(d) + (d == 1 ? " day" : " days");
    return out;
}

std::string plain_date(const std::string& iso) {
    static constexpr std::array<const char*, 12> kMonths = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    int y = 0, m = 0, d = 0;
    if (iso.size() < 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return iso;
    return std::to_string(d) + " " + kMonths[static_cast<std::size_t>(m - 1)] + " " +
           std::to_string(y);
}

std::vector<std::string> last_treatment_lines(const VisitContext& context) {
    std::vector<std::string> lines;
    if (!context.last)
        return lines;
    const TreatmentRow& t = *context.last;
    lines.push_back(plain_date(t.started) + " · " + t.protocol_id + " · " +
                    format_units(t.units_given) + " U");
    std::string muscles;
    for (const auto& [muscle, units] : t.per_muscle)
        muscles +=
            (muscles.empty() ? "" : ", ") + display_name(muscle) + " " + format_units(units) + " U";
    if (!muscles.empty())
        lines.push_back(muscles);
    if (context.weeks_since)
        lines.push_back(*context.weeks_since * 7.0 < 1.0 - 1e-6
                            ? std::string("Today")
                            : weeks_and_days(*context.weeks_since) + " ago");
    if (context.next_due)
        lines.push_back("Next due " + plain_date(*context.next_due) + " (" +
                        std::to_string(kRetreatmentWeeks) + " weeks after)");
    return lines;
}

double planned_units(const Protocol& protocol) {
    double units = 0.0;
    for (const Site* site : protocol.sites())
        if (!site->optional)
            units += site->units;
    return units;
}

std::vector<GhostMarker> ghost_markers(const TreatmentRow& last, const Protocol& protocol,
                                       const PlacedProtocol& placed, int first_number) {
    std::vector<GhostMarker> out;
    const auto sites = protocol.sites();
    int number = first_number;
    for (const SiteActionRow& row : last.sites) {
        if (row.status != "injected")
            continue;
        // The same site on the current model, when this protocol has it.
        const PlacedSite* plan = nullptr;
        for (std::size_t i = 0; i < sites.size() && i < placed.sites.size(); ++i)
            if (sites[i]->id == row.site && placed.sites[i].placed)
                plan = &placed.sites[i];
        GhostMarker g;
        render::Marker& m = g.marker;
        m.id = "last:" + row.site;
        m.number = ++number;
        m.state = render::MarkerState::ghost;
        std::string given = display_name(row.muscle);
        if (row.side == "left" || row.side == "right")
            given.append(" (").append(row.side).append(")");
        // Appended piece by piece: `" " + std::string` here trips GCC 12's -Wrestrict.
        given.append(" ").append(format_units(row.units)).append(" U");
        if (row.position_mm) {
            m.position = *row.position_mm;
            if (plan) {
                m.normal = plan->normal;
                m.needle_direction = plan->needle_direction;
                const Side side = row.side == "left"    ? Side::left
                                  : row.side == "right" ? Side::right
                                                        : Side::midline;
                const SiteOffset o = describe_offset(plan->position, *row.position_mm, side);
                std::string moved =
                    "last visit: moved " + std::to_string(std::lround(o.distance_mm)) + " mm";
                if (!o.direction.empty())
                    moved += ": " + o.direction;
                g.hover = moved + " · " + given;
            } else {
                g.hover = "last visit: given here · " + given;
            }
        } else if (plan) {
            m.position = plan->position;
            m.normal = plan->normal;
            m.needle_direction = plan->needle_direction;
            g.hover = "last visit: " + given;
        } else {
            --number;
            continue;
        }
        out.push_back(std::move(g));
    }
    return out;
}

std::vector<MuscleComparison> compare_by_muscle(const Session& now, const TreatmentRow& last) {
    std::map<std::pair<std::string, std::string>, std::pair<double, double>> by;
    for (const SessionSite& s : now.sites())
        if (s.status == SiteStatus::injected)
            by[{s.muscle, to_string(s.side)}].first += s.units_given;
    for (const SiteActionRow& s : last.sites)
        if (s.status == "injected")
            by[{s.muscle, s.side}].second += s.units;
    std::vector<MuscleComparison> rows;
    for (const auto& [key, units] : by)
        rows.push_back({key.first, key.second, units.first, units.second});
    return rows;
}

} // namespace injmap::gui
