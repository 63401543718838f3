// The summaries beside a finished record: <name>.summary.json and <name>.summary.csv.
#include <sstream>

#include <nlohmann/json.hpp>

#include "injmap/models/csv.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/protocols/site_offset.hpp"
#include "record_util.hpp"

namespace injmap {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

using detail::hundredths;
using detail::record_error;
using detail::record_stem;
using detail::write_record_file;

namespace {

Json tally_json(const Tally& t) {
    Json j;
    j["units"] = t.units;
    j["sites"] = t.sites;
    j["limit"] = t.limit ? Json(*t.limit) : Json(nullptr);
    j["over"] = t.over();
    return j;
}

std::string number_text(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// The checklist as recorded, for the summary: null when none was answered.
Json checklist_json(const Session& session) {
    const auto& answers = session.checklist_answers();
    if (!answers)
        return nullptr;
    Json j;
    j["time"] = session.checklist_time() ? Json(format_iso8601_utc(*session.checklist_time()))
                                         : Json(nullptr);
    j["version"] = answers->version > 0 ? Json(answers->version) : Json(nullptr);
    j["warning_acknowledged"] = answers->warning_acknowledged;
    j["yes"] = answers->yes_count();
    Json list = Json::array();
    for (const ChecklistAnswer& a : answers->answers) {
        Json item;
        item["id"] = a.id;
        item["answer"] = a.yes ? "yes" : "no";
        item["reason"] = a.reason;
        list.push_back(std::move(item));
    }
    j["answers"] = std::move(list);
    return j;
}

} // namespace

fs::path summary_json_path(const fs::path& record_path) {
    return record_path.parent_path() / (record_stem(record_path) + ".summary.json");
}

fs::path summary_csv_path(const fs::path& record_path) {
    return record_path.parent_path() / (record_stem(record_path) + ".summary.csv");
}

std::string session_summary_json(const Session& session, const RecordChainHead* head) {
    const Protocol& p = session.protocol();
    const SessionTallies t = session.tallies();
    Json j;
    j["format"] = session.start_info().format;
    if (head) {
        j["record_lines"] = head->lines;
        j["record_last_line_sha256"] = head->last_line_sha256;
    }
    j["protocol"] = p.id;
    j["title"] = p.title;
    j["model"] = session.start_info().model;
    j["label"] = session.start_info().label;
    if (!session.start_info().injmap_version.empty())
        j["injmap_version"] = session.start_info().injmap_version;
    j["started"] =
        session.started_at() ? Json(format_iso8601_utc(*session.started_at())) : Json(nullptr);
    j["finished"] =
        session.finished_at() ? Json(format_iso8601_utc(*session.finished_at())) : Json(nullptr);
    Json sites = Json::array();
    for (std::size_t i = 0; i < session.sites().size(); ++i) {
        const SessionSite& s = session.sites()[i];
        Json site;
        site["site"] = s.id;
        site["muscle"] = s.muscle;
        site["side"] = to_string(s.side);
        site["status"] = to_string(session.status(i));
        site["planned_units"] = s.planned_units;
        site["units_given"] = s.units_given;
        site["time"] = s.time ? Json(format_iso8601_utc(*s.time)) : Json(nullptr);
        site["reason"] = s.reason;
        site["optional"] = s.optional;
        site["added"] = s.added;
        if (s.added) {
            site["position_mm"] =
                s.position_mm
                    ? Json::array({hundredths(s.position_mm->x), hundredths(s.position_mm->y),
                                   hundredths(s.position_mm->z)})
                    : Json(nullptr);
            site["stand_in_site"] = s.stand_in_site;
        }
        if (s.moved()) {
            const SiteOffset offset = describe_offset(*s.planned_mm, *s.position_mm, s.side);
            Json moved;
            moved["position_mm"] =
                Json::array({hundredths(s.position_mm->x), hundredths(s.position_mm->y),
                             hundredths(s.position_mm->z)});
            moved["planned_mm"] =
                Json::array({hundredths(s.planned_mm->x), hundredths(s.planned_mm->y),
                             hundredths(s.planned_mm->z)});
            moved["offset_mm"] = hundredths(offset.distance_mm);
            moved["direction"] = offset.direction;
            site["injected_elsewhere"] = std::move(moved);
        }
        sites.push_back(std::move(site));
    }
    j["sites"] = std::move(sites);
    j["checklist"] = checklist_json(session);
    Json counts;
    counts["injected"] = t.injected;
    counts["skipped"] = t.skipped;
    counts["not_given"] = t.not_given;
    counts["pending"] = t.pending;
    counts["added"] = t.added;
    j["counts"] = std::move(counts);
    j["total"] = tally_json(t.total);
    j["planned_units"] = t.planned_units;
    Json muscles = Json::object();
    for (const auto& [muscle, tally] : t.per_muscle)
        muscles[muscle] = tally_json(tally);
    j["per_muscle"] = std::move(muscles);
    Json sides = Json::object();
    for (const auto& [side, tally] : t.per_side)
        sides[to_string(side)] = tally_json(tally);
    j["per_side"] = std::move(sides);
    if (p.limits.follow_the_pain) {
        Json ftp = tally_json(t.extra);
        ftp["sites_limit"] = t.extra_sites_limit ? Json(*t.extra_sites_limit) : Json(nullptr);
        j["follow_the_pain"] = std::move(ftp);
    } else {
        j["follow_the_pain"] = nullptr;
    }
    Json logistics;
    logistics["vial_units"] = p.reconstitution.vial_units;
    logistics["diluent_ml"] = p.reconstitution.diluent_ml;
    logistics["units_per_0_1_ml"] = t.units_per_0_1_ml;
    logistics["injections_of_0_1_ml"] = t.given.injections_of_0_1_ml;
    logistics["vials_needed"] = t.given.vials_needed;
    logistics["waste_units"] = t.given.waste_units;
    j["logistics"] = std::move(logistics);
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string session_summary_csv(const Session& session) {
    std::string out = csv_row({"site", "muscle", "side", "units_given", "status", "time", "reason",
                               "moved_mm", "moved_direction"});
    for (std::size_t i = 0; i < session.sites().size(); ++i) {
        const SessionSite& s = session.sites()[i];
        std::string moved_mm, moved_direction;
        if (s.moved()) {
            const SiteOffset offset = describe_offset(*s.planned_mm, *s.position_mm, s.side);
            moved_mm = number_text(hundredths(offset.distance_mm));
            moved_direction = offset.direction;
        }
        out += csv_row({s.id, s.muscle, to_string(s.side), number_text(s.units_given),
                        to_string(session.status(i)),
                        s.time ? format_iso8601_utc(*s.time) : std::string(), s.reason, moved_mm,
                        moved_direction});
    }
    return out;
}

Diagnostics write_session_summary(const Session& session, const fs::path& record_path,
                                  const RecordChainHead* head) {
    Diagnostics out;
    std::string err;
    for (const auto& [path, text] :
         {std::pair{summary_json_path(record_path), session_summary_json(session, head)},
          std::pair{summary_csv_path(record_path), session_summary_csv(session)}})
        if (!write_record_file(path, text, err))
            out.push_back(
                record_error("record.io", "cannot write the summary: " + err, path.string()));
    return out;
}

} // namespace injmap
