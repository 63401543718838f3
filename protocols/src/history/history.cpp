// The parts of history.hpp that need no database: the store's location and backend choice,
// treatments from sessions and records, the cross-visit rules and the timeline's JSON.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../text_util.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/protocols/site_offset.hpp"
#include "injmap/units_format.hpp"

namespace injmap {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
constexpr double kEpsilon = 1e-9;

Diagnostic diag(Severity severity, std::string rule, std::string message, std::string file,
                std::string basis = {}) {
    Diagnostic d;
    d.severity = severity;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = std::move(file);
    d.basis = std::move(basis);
    return d;
}

Diagnostic error(std::string rule, std::string message, std::string file) {
    return diag(Severity::error, std::move(rule), std::move(message), std::move(file));
}

std::optional<std::string> read_bytes(const fs::path& path, std::uintmax_t max_bytes,
                                      std::string& why) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        why = ec.message();
        return std::nullopt;
    }
    if (size > max_bytes) {
        why = "larger than " + std::to_string(max_bytes) + " bytes";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = "cannot be opened";
        return std::nullopt;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
}

std::string date_of(std::string_view iso) {
    return std::string(iso.substr(0, std::min<std::size_t>(10, iso.size())));
}

std::optional<Clock::time_point> time_of(const TreatmentRow& t) {
    return parse_iso8601_utc(t.started);
}

} // namespace

HistoryOpenOptions HistoryOpenOptions::from_environment() {
    HistoryOpenOptions o;
    if (const char* v = std::getenv("INJMAP_DB_BUSY_TIMEOUT_MS"); v && *v) {
        char* end = nullptr;
        const long ms = std::strtol(v, &end, 10);
        if (end && *end == '\0' && ms >= 0 && ms <= 600000)
            o.busy_timeout_ms = static_cast<int>(ms);
    }
    return o;
}

std::string default_history_location() {
    if (const char* url = std::getenv("INJMAP_DATABASE_URL"); url && *url)
        return url;
    return (user_data_dir() / "injmap.db").string();
}

std::string history_backend(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://")
               ? "postgresql"
               : "sqlite";
}

std::string display_history_location(std::string_view location) {
    if (history_backend(location) != "postgresql")
        return std::string(location);
    std::string out(location);
    // user:PASSWORD@ in the authority (before the first '/' or '?' after "://").
    const std::size_t start = out.find("://") + 3;
    const std::size_t end = std::min(out.find('/', start), out.find('?', start));
    const std::size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
        const std::size_t colon = out.find(':', start);
        if (colon != std::string::npos && colon < at)
            out.replace(colon + 1, at - colon - 1, "***");
    }
    // password=… among the query parameters.
    for (std::size_t q = out.find('?'); q != std::string::npos; q = out.find('&', q + 1)) {
        if (out.compare(q + 1, 9, "password=") != 0)
            continue;
        const std::size_t value = q + 10;
        const std::size_t stop = out.find('&', value);
        out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
    }
    return out;
}

Result<std::unique_ptr<HistoryStore>> open_history_store(const std::string& location,
                                                         HistoryOpenOptions options) {
    if (history_backend(location) == "postgresql")
        return open_postgres_history(location, options);
    std::string_view l = location;
    if (l.starts_with("postgresql:") || l.starts_with("postgres:"))
        return {std::nullopt,
                {error("db.bad-url",
                       "a PostgreSQL database is named by a URL: postgresql://[user@]host[:port]/"
                       "dbname",
                       display_history_location(location))}};
    if (l.starts_with("sqlite://"))
        l.remove_prefix(9);
    else if (l.starts_with("sqlite:"))
        l.remove_prefix(7);
    if (l.empty())
        return {std::nullopt, {error("db.unsupported", "no database path", location)}};
    return open_sqlite_history(fs::path(l), options);
}

TreatmentRow treatment_from_session(const Session& session, std::string_view record_text,
                                    std::string_view protocol_text, const fs::path& record_path) {
    const Protocol& p = session.protocol();
    const SessionTallies tallies = session.tallies();
    TreatmentRow t;
    t.record_sha256 = sha256_hex(record_text);
    std::error_code ec;
    t.record_path = record_path.empty() ? std::string() : fs::absolute(record_path, ec).string();
    t.record_text = std::string(record_text);
    t.protocol_text = std::string(protocol_text);
    t.protocol_id = p.id;
    t.protocol_sha256 = session.start_info().protocol_sha256;
    if (t.protocol_sha256.empty() && !protocol_text.empty())
        t.protocol_sha256 = sha256_hex(protocol_text);
    t.indication = p.indication;
    const AppliedRules applied = applied_rules(p);
    t.product = applied.product ? applied.product->id : p.product;
    if (const auto s = session.started_at())
        t.started = format_iso8601_utc(*s);
    if (const auto f = session.finished_at())
        t.finished = format_iso8601_utc(*f);
    t.model = session.start_info().model;
    t.label = session.start_info().label;
    t.injector = session.start_info().injector;
    t.lot = session.start_info().lot;
    t.expiry = session.start_info().expiry;
    t.reconstituted = session.start_info().reconstituted;
    t.units_per_0_1_ml = tallies.units_per_0_1_ml;
    t.units_given = tallies.total.units;
    t.waste_units = tallies.given.waste_units;
    t.sites_injected = tallies.injected;
    if (const auto& answers = session.checklist_answers()) {
        nlohmann::ordered_json c;
        c["warning_acknowledged"] = answers->warning_acknowledged;
        c["answers"] = nlohmann::ordered_json::array();
        for (const ChecklistAnswer& a : answers->answers)
            c["answers"].push_back(
                {{"id", a.id}, {"answer", a.yes ? "yes" : "no"}, {"reason", a.reason}});
        t.checklist_json = c.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    }
    for (std::size_t i = 0; i < session.sites().size(); ++i) {
        const SessionSite& s = session.sites()[i];
        SiteActionRow a;
        a.site = s.id;
        a.muscle = s.muscle;
        a.side = to_string(s.side);
        a.status = to_string(s.status == SiteStatus::pending ? SiteStatus::not_given : s.status);
        a.units = s.status == SiteStatus::injected ? s.units_given : 0.0;
        a.reason = s.reason;
        if (s.time)
            a.time = format_iso8601_utc(*s.time);
        a.added = s.added;
        a.position_mm = s.position_mm;
        if (s.moved()) {
            const SiteOffset offset = describe_offset(*s.planned_mm, *s.position_mm, s.side);
            a.anatomical = "injected " + std::to_string(std::lround(offset.distance_mm)) +
                           " mm from the planned point" +
                           (offset.direction.empty() ? "" : ": " + offset.direction);
        } else if (s.added)
            a.anatomical =
                s.muscle + ", " + to_string(s.side) +
                (s.position_mm ? std::string(", placed by hand") : ", at " + s.stand_in_site);
        if (a.status == "injected")
            t.per_muscle[a.muscle] += a.units;
        t.sites.push_back(std::move(a));
    }
    return t;
}

Result<Session> replay_treatment(const TreatmentRow& treatment) {
    const std::string name = "treatment " + std::to_string(treatment.id);
    Result<SessionRecord> record = parse_session_record(treatment.record_text, name);
    if (!record.ok())
        return {std::nullopt, record.diagnostics};
    Result<Protocol> protocol = read_protocol_text(treatment.protocol_text, name + " (protocol)");
    if (!protocol.ok())
        return {std::nullopt, protocol.diagnostics};
    Result<Session> session = replay_session_record(
        *record.value, std::make_shared<const Protocol>(std::move(*protocol.value)));
    session.diagnostics.insert(session.diagnostics.begin(), record.diagnostics.begin(),
                               record.diagnostics.end());
    return session;
}

Result<TreatmentRow> treatment_from_record(const fs::path& record_path, ProtocolCache* cache) {
    const std::string name = record_path.string();
    std::string why;
    const auto text = read_bytes(record_path, kMaxRecordBytes, why);
    if (!text)
        return {std::nullopt,
                {error("history.bad-record", "the record cannot be read: " + why, name)}};
    Result<SessionRecord> record = parse_session_record(*text, name);
    Diagnostics notes;
    for (const Diagnostic& d : record.diagnostics)
        if (d.severity != Severity::error)
            notes.push_back(d);
    if (!record.ok()) {
        Diagnostics out = record.diagnostics;
        out.push_back(error("history.bad-record", "not a readable session record", name));
        return {std::nullopt, std::move(out)};
    }
    // The protocol as used: the copy beside the record, else the file it names, else its id.
    const SessionStart& start = *record.value->start();
    std::optional<fs::path> protocol_path = recorded_protocol(*record.value, notes);
    std::error_code ec;
    if (!protocol_path && !start.protocol_path.empty() &&
        fs::is_regular_file(start.protocol_path, ec))
        protocol_path = start.protocol_path;
    if (!protocol_path)
        protocol_path = resolve_protocol(start.protocol_id);
    if (!protocol_path) {
        notes.push_back(error("history.bad-record",
                              "its protocol '" + start.protocol_id + "' cannot be found", name));
        return {std::nullopt, std::move(notes)};
    }
    const auto protocol_text = read_bytes(*protocol_path, 16u * 1024 * 1024, why);
    if (!protocol_text) {
        notes.push_back(error("history.bad-record",
                              "its protocol " + protocol_path->string() + " cannot be read: " + why,
                              name));
        return {std::nullopt, std::move(notes)};
    }
    const std::string digest = sha256_hex(*protocol_text);
    std::shared_ptr<const Protocol> protocol;
    if (cache)
        if (const auto it = cache->by_digest.find(digest); it != cache->by_digest.end())
            protocol = it->second;
    if (!protocol) {
        Result<Protocol> read = read_protocol_text(*protocol_text, protocol_path->string());
        if (!read.ok()) {
            notes.insert(notes.end(), read.diagnostics.begin(), read.diagnostics.end());
            notes.push_back(error("history.bad-record", "its protocol does not read", name));
            return {std::nullopt, std::move(notes)};
        }
        protocol = std::make_shared<const Protocol>(std::move(*read.value));
        if (cache)
            cache->by_digest.emplace(digest, protocol);
    }
    Result<Session> session = replay_session_record(*record.value, protocol);
    if (!session.ok()) {
        notes.insert(notes.end(), session.diagnostics.begin(), session.diagnostics.end());
        notes.push_back(error("history.bad-record", "the record does not replay", name));
        return {std::nullopt, std::move(notes)};
    }
    if (!session.value->finished()) {
        notes.push_back(error("history.bad-record",
                              "the session is not finished (resume and finish it first)", name));
        return {std::nullopt, std::move(notes)};
    }
    // Only the intact part of the record is the treatment (a cut last line is not).
    const std::string_view intact = std::string_view(*text).substr(
        0, std::min<std::size_t>(text->size(), record.value->valid_bytes));
    return {treatment_from_session(*session.value, intact, *protocol_text, record_path),
            std::move(notes)};
}

ImportSummary import_records(HistoryStore& store, std::span<const fs::path> records,
                             const std::string& patient_id) {
    ImportSummary summary;
    ProtocolCache cache;
    std::vector<TreatmentRow> rows;
    rows.reserve(records.size());
    for (const fs::path& path : records) {
        Result<TreatmentRow> row = treatment_from_record(path, &cache);
        summary.diagnostics.insert(summary.diagnostics.end(), row.diagnostics.begin(),
                                   row.diagnostics.end());
        if (!row.ok()) {
            ++summary.failed;
            continue;
        }
        row.value->patient_id = patient_id;
        rows.push_back(std::move(*row.value));
    }
    // The same record given twice in one call is filed once.
    std::vector<TreatmentRow> unique;
    for (TreatmentRow& row : rows) {
        if (std::any_of(unique.begin(), unique.end(), [&](const TreatmentRow& u) {
                return u.record_sha256 == row.record_sha256;
            })) {
            ++summary.skipped;
            continue;
        }
        unique.push_back(std::move(row));
    }
    if (unique.empty())
        return summary;
    Result<std::vector<std::int64_t>> ids = store.add_treatments(unique);
    summary.diagnostics.insert(summary.diagnostics.end(), ids.diagnostics.begin(),
                               ids.diagnostics.end());
    if (!ids.ok()) {
        summary.failed += static_cast<int>(unique.size());
        return summary;
    }
    for (const std::int64_t id : *ids.value)
        ++(id == 0 ? summary.skipped : summary.imported);
    return summary;
}

VisitContext visit_context(std::span<const TreatmentRow> history, Clock::time_point at,
                           std::string_view indication) {
    VisitContext c;
    std::optional<Clock::time_point> last_time;
    for (const TreatmentRow& t : history) {
        const auto when = time_of(t);
        if (!when || *when > at)
            continue;
        if (t.indication == indication)
            c.earlier_same_indication = true;
        if (!last_time || *when >= *last_time) {
            last_time = when;
            c.last = t;
        }
    }
    if (last_time) {
        using Days = std::chrono::duration<double, std::ratio<86400>>;
        c.weeks_since = std::chrono::duration_cast<Days>(at - *last_time).count() / 7.0;
        c.next_due =
            date_of(format_iso8601_utc(*last_time + std::chrono::weeks(kRetreatmentWeeks)));
    }
    return c;
}

Diagnostics check_history(std::span<const TreatmentRow> history, const Protocol& protocol,
                          Clock::time_point at, double units, const std::string& where) {
    Diagnostics out;
    const VisitContext c = visit_context(history, at, protocol.indication);
    if (c.last && c.weeks_since && *c.weeks_since < kRetreatmentWeeks - kEpsilon) {
        const bool strong = *c.weeks_since < kRetreatmentWeeksStrong - kEpsilon;
        std::ostringstream m;
        m.precision(1);
        m << std::fixed << *c.weeks_since << " weeks since the last treatment ("
          << date_of(c.last->started) << ", " << c.last->protocol_id << ", "
          << format_units(c.last->units_given) << " U); ";
        if (strong)
            m << "that is less than " << kRetreatmentWeeksStrong
              << " weeks, well short of the label's " << kRetreatmentWeeks
              << "-week interval: treat this early only for a reason you record";
        else
            m << "the label's interval is at least " << kRetreatmentWeeks << " weeks";
        m << " (next due " << *c.next_due << ")";
        out.push_back(diag(Severity::warning, "history.interval", m.str(), where, "label"));
    }

    // Cumulative limits: the product's (all indications together) and the indication's own.
    const AppliedRules applied = applied_rules(protocol);
    const std::string product = applied.product ? applied.product->id : protocol.product;
    struct Window {
        const RuleLimit* limit;
        bool same_indication;
    };
    std::vector<Window> windows;
    if (applied.product && applied.product->cumulative_units_max)
        windows.push_back({&*applied.product->cumulative_units_max, false});
    if (applied.row)
        if (const auto* limits = applied.row->find("cumulative_units_max"))
            for (const RuleLimit& l : *limits)
                windows.push_back({&l, true});
    for (const Window& w : windows) {
        if (w.limit->severity != Severity::error)
            continue;
        const double days = w.limit->window_days > 0 ? w.limit->window_days : 90.0;
        const auto from = at - std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double, std::ratio<86400>>(days));
        double before = 0.0;
        std::string which;
        for (const TreatmentRow& t : history) {
            const auto when = time_of(t);
            if (!when || *when <= from || *when > at || t.product != product ||
                (w.same_indication && t.indication != protocol.indication))
                continue;
            before += t.units_given;
            if (!which.empty())
                which += ", ";
            which += date_of(t.started);
            which += ' ';
            which += format_units(t.units_given);
            which += " U";
        }
        if (before + units <= w.limit->value + kEpsilon)
            continue;
        out.push_back(diag(
            Severity::error, "history.cumulative",
            format_units(units) + " U now would make " + format_units(before + units) + " U of " +
                product + " in the " + detail::format_number(days) + " days up to " +
                date_of(format_iso8601_utc(at)) + " (" + format_units(before) +
                " U already: " + which + "), above at most " + format_units(w.limit->value) + " U" +
                (w.same_indication ? " for this indication" : " across all indications"),
            where, w.limit->basis));
    }
    return out;
}

std::string history_timeline_json(std::string_view patient_id,
                                  std::span<const TreatmentRow> treatments) {
    nlohmann::ordered_json j;
    j["patient"] = patient_id;
    j["treatments"] = nlohmann::ordered_json::array();
    for (const TreatmentRow& t : treatments)
        j["treatments"].push_back({{"id", t.id},
                                   {"date", t.started},
                                   {"protocol", t.protocol_id},
                                   {"units_given", t.units_given},
                                   {"sites_injected", t.sites_injected}});
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace injmap
