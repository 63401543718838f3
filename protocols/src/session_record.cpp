#include "injmap/protocols/session_record.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "injmap/models/atomic_file.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/record_time.hpp"
#include "record_util.hpp"

namespace injmap {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// -------------------------------------------------------------------------------------------------
// Helpers shared with record_summary.cpp (record_util.hpp)

namespace detail {

Diagnostic record_error(std::string rule, std::string message, const std::string& file, int line) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    // One line: messages quote record text, and JSON strings may hold escaped newlines.
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::replace(message.begin(), message.end(), '\r', ' ');
    d.message = std::move(message);
    d.where.file = file;
    d.where.line = line;
    return d;
}

Diagnostic record_warning(std::string rule, std::string message, const std::string& file,
                          int line) {
    Diagnostic d = record_error(std::move(rule), std::move(message), file, line);
    d.severity = Severity::warning;
    return d;
}

bool write_record_file(const fs::path& path, std::string_view text, std::string& err) {
    return io::write_file_atomically(path, text, err, 0600);
}

double hundredths(float v) {
    return std::round(static_cast<double>(v) * 100.0) / 100.0;
}

std::string record_stem(const fs::path& record_path) {
    std::string name = record_path.filename().string();
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0)
        name.resize(name.size() - 6);
    return name;
}

} // namespace detail

namespace {

using detail::hundredths;
using detail::record_error;
using detail::record_stem;
using detail::record_warning;
using detail::write_record_file;

using io::sync_dir;
using io::UniqueFd;
using io::write_all;

// ---------------------------------------------------------------------------------------------
// Lines

struct LineError {
    std::string rule = "record.corrupt-line";
    std::string message;
};

const Json* member(const Json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool get_string(const Json& object, const char* key, std::string& out, LineError& err,
                bool required = true) {
    const Json* v = member(object, key);
    if (!v || v->is_null()) {
        if (required)
            err.message = std::string("missing \"") + key + "\"";
        return !required;
    }
    if (!v->is_string()) {
        err.message = std::string("\"") + key + "\" must be a string";
        return false;
    }
    out = v->get<std::string>();
    return true;
}

bool get_number(const Json& object, const char* key, std::optional<double>& out, LineError& err) {
    const Json* v = member(object, key);
    if (!v || !v->is_number()) {
        err.message = std::string("\"") + key + "\" must be a number";
        return false;
    }
    out = v->get<double>();
    return true;
}

std::optional<SessionAction> parse_action(const Json& j, LineError& err) {
    if (!j.is_object()) {
        err.message = "a record line must be a JSON object";
        return std::nullopt;
    }
    SessionAction a;
    std::string text;
    if (!get_string(j, "action", text, err))
        return std::nullopt;
    const auto kind = action_kind_from_string(text);
    if (!kind) {
        err.message = "unknown action '" + text + "'";
        return std::nullopt;
    }
    a.kind = *kind;
    if (!get_string(j, "time", text, err))
        return std::nullopt;
    a.time = parse_iso8601_utc(text);
    if (!a.time) {
        err.message = "\"time\" must be ISO 8601 UTC like 2024-05-01T09:30:00Z";
        return std::nullopt;
    }
    switch (a.kind) {
    case ActionKind::start: {
        const Json* format = member(j, "format");
        if (!format || !format->is_number_integer()) {
            err.message = "\"format\" must be an integer";
            return std::nullopt;
        }
        if (format->get<long long>() < 1 || format->get<long long>() > kSessionRecordFormat) {
            err.rule = "record.format";
            err.message = "record format " + format->dump() + " is not understood (only 1 to " +
                          std::to_string(kSessionRecordFormat) + ")";
            return std::nullopt;
        }
        a.start.format = static_cast<int>(format->get<long long>());
        if (!get_string(j, "protocol", a.start.protocol_id, err) ||
            !get_string(j, "protocol_path", a.start.protocol_path, err, false) ||
            !get_string(j, "protocol_sha256", a.start.protocol_sha256, err, false) ||
            !get_string(j, "model", a.start.model, err, false) ||
            !get_string(j, "label", a.start.label, err, false) ||
            !get_string(j, "injmap_version", a.start.injmap_version, err, false))
            return std::nullopt;
        if (a.start.protocol_id.empty()) {
            err.message = "\"protocol\" is empty";
            return std::nullopt;
        }
        break;
    }
    case ActionKind::inject:
        // "reason" is optional (why this dose; records before it existed have none).
        if (!get_string(j, "site", a.site, err) || !get_number(j, "units", a.units, err) ||
            !get_string(j, "reason", a.reason, err, false))
            return std::nullopt;
        break;
    case ActionKind::skip:
        if (!get_string(j, "site", a.site, err) || !get_string(j, "reason", a.reason, err))
            return std::nullopt;
        break;
    case ActionKind::back:
        if (!get_string(j, "site", a.site, err, false))
            return std::nullopt;
        break;
    case ActionKind::add: {
        std::string side;
        if (!get_string(j, "site", a.site, err) || !get_string(j, "muscle", a.muscle, err) ||
            !get_string(j, "side", side, err) || !get_number(j, "units", a.units, err))
            return std::nullopt;
        const auto s = side_from_string(side);
        if (!s) {
            err.message = "\"side\" must be left, right or midline";
            return std::nullopt;
        }
        a.side = *s;
        if (const Json* p = member(j, "position_mm"); p && !p->is_null()) {
            if (!p->is_array() || p->size() != 3 || !(*p)[0].is_number() || !(*p)[1].is_number() ||
                !(*p)[2].is_number()) {
                err.message = "\"position_mm\" must be [x, y, z] or null";
                return std::nullopt;
            }
            glm::vec3 position{};
            for (int i = 0; i < 3; ++i) {
                const double v = (*p)[static_cast<std::size_t>(i)].get<double>();
                // Model space is millimetres around a body: anything near float's range is damage.
                if (!std::isfinite(v) || std::abs(v) > 1e6) {
                    err.message = "\"position_mm\" is out of range";
                    return std::nullopt;
                }
                position[i] = static_cast<float>(v);
            }
            a.position_mm = position;
        }
        break;
    }
    case ActionKind::checklist: {
        const Json* answers = member(j, "answers");
        if (!answers || !answers->is_array()) {
            err.message = "\"answers\" must be an array";
            return std::nullopt;
        }
        for (const Json& item : *answers) {
            ChecklistAnswer answer;
            std::string value;
            if (!item.is_object()) {
                err.message = "each checklist answer must be an object";
                return std::nullopt;
            }
            if (!get_string(item, "id", answer.id, err) ||
                !get_string(item, "answer", value, err) ||
                !get_string(item, "reason", answer.reason, err, false))
                return std::nullopt;
            if (value != "yes" && value != "no") {
                err.message = "a checklist \"answer\" must be \"yes\" or \"no\"";
                return std::nullopt;
            }
            answer.yes = value == "yes";
            a.checklist.answers.push_back(std::move(answer));
        }
        const Json* ack = member(j, "warning_acknowledged");
        if (!ack || !ack->is_boolean()) {
            err.message = "\"warning_acknowledged\" must be true or false";
            return std::nullopt;
        }
        a.checklist.warning_acknowledged = ack->get<bool>();
        if (const Json* v = member(j, "checklist_version"); v && !v->is_null()) {
            if (!v->is_number_integer() || v->get<long long>() < 0 ||
                v->get<long long>() > 1'000'000) {
                err.message = "\"checklist_version\" must be a whole number";
                return std::nullopt;
            }
            a.checklist.version = static_cast<int>(v->get<long long>());
        }
        break;
    }
    case ActionKind::finish:
        break;
    }
    return a;
}

} // namespace

// -------------------------------------------------------------------------------------------------
// Lines

namespace {
constexpr std::string_view kSelfKey = ",\"self\":\"";
constexpr std::size_t kSelfSuffix = kSelfKey.size() + 64 + 2; // ,"self":"<64 hex>"}
} // namespace

bool record_line_self_ok(std::string_view line) {
    if (line.size() < kSelfSuffix + 1)
        return false;
    const std::string_view tail = line.substr(line.size() - kSelfSuffix);
    if (tail.substr(0, kSelfKey.size()) != kSelfKey || tail.substr(tail.size() - 2) != "\"}")
        return false;
    std::string body(line.substr(0, line.size() - kSelfSuffix));
    body += '}';
    return sha256_hex(body) == tail.substr(kSelfKey.size(), 64);
}

std::string record_line(const SessionAction& a, std::string_view prev_sha256) {
    Json j;
    j["action"] = to_string(a.kind);
    switch (a.kind) {
    case ActionKind::start:
        j["format"] = a.start.format;
        j["protocol"] = a.start.protocol_id;
        j["protocol_path"] = a.start.protocol_path;
        if (!a.start.protocol_sha256.empty())
            j["protocol_sha256"] = a.start.protocol_sha256;
        if (!a.start.model.empty())
            j["model"] = a.start.model;
        if (!a.start.label.empty())
            j["label"] = a.start.label;
        if (!a.start.injmap_version.empty())
            j["injmap_version"] = a.start.injmap_version;
        break;
    case ActionKind::inject:
        j["site"] = a.site;
        j["units"] = a.units.value_or(0.0);
        if (!a.reason.empty())
            j["reason"] = a.reason;
        break;
    case ActionKind::skip:
        j["site"] = a.site;
        j["reason"] = a.reason;
        break;
    case ActionKind::back:
        j["site"] = a.site;
        break;
    case ActionKind::add:
        j["site"] = a.site;
        j["muscle"] = a.muscle;
        j["side"] = to_string(a.side);
        j["units"] = a.units.value_or(0.0);
        if (a.position_mm)
            j["position_mm"] =
                Json::array({hundredths(a.position_mm->x), hundredths(a.position_mm->y),
                             hundredths(a.position_mm->z)});
        else
            j["position_mm"] = nullptr;
        break;
    case ActionKind::checklist: {
        Json answers = Json::array();
        for (const ChecklistAnswer& answer : a.checklist.answers) {
            Json item;
            item["id"] = answer.id;
            item["answer"] = answer.yes ? "yes" : "no";
            if (!answer.reason.empty())
                item["reason"] = answer.reason;
            answers.push_back(std::move(item));
        }
        j["answers"] = std::move(answers);
        j["warning_acknowledged"] = a.checklist.warning_acknowledged;
        if (a.checklist.version > 0)
            j["checklist_version"] = a.checklist.version;
        break;
    }
    case ActionKind::finish:
        break;
    }
    j["time"] = format_iso8601_utc(a.time.value_or(SessionTime{}));
    if (!prev_sha256.empty())
        j["prev"] = std::string(prev_sha256);
    // Invalid UTF-8 in free text (a label, a reason) is replaced rather than thrown on.
    std::string line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    // "self" last: the hash of the line as it is without it.
    const std::string self = sha256_hex(line);
    line.pop_back(); // '}'
    line += kSelfKey;
    line += self;
    line += "\"}";
    return line;
}

std::optional<SessionAction> parse_record_line(std::string_view line, std::string& error) {
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded()) {
        error = "not valid JSON";
        return std::nullopt;
    }
    LineError err;
    auto a = parse_action(j, err);
    if (!a)
        error = err.message;
    return a;
}

// -------------------------------------------------------------------------------------------------
// Reading

Result<SessionRecord> parse_session_record(std::string_view text, const std::string& display_path) {
    Result<SessionRecord> result;
    SessionRecord record;
    record.path = display_path;
    std::size_t pos = 0;
    int line_no = 0;
    std::string prev_sha; // of the previous intact line
    while (pos < text.size()) {
        ++line_no;
        const std::size_t newline = text.find('\n', pos);
        const bool terminated = newline != std::string_view::npos;
        const std::size_t end = terminated ? newline : text.size();
        const bool last = !terminated || end + 1 == text.size();
        const std::string_view line = text.substr(pos, end - pos);
        auto cut = [&](const std::string& why) {
            Diagnostic d =
                record_error("record.truncated",
                             "the last line is " + why + " (cut off by a crash?) and was ignored",
                             display_path, line_no);
            d.severity = Severity::warning;
            result.diagnostics.push_back(std::move(d));
            record.truncated = true;
        };
        if (!terminated) {
            cut("not terminated by a newline");
            break;
        }
        Json j;
        bool valid = false;
        if (line.size() <= kMaxRecordLineBytes) {
            j = Json::parse(line, nullptr, false);
            valid = !j.is_discarded();
        }
        if (!valid) {
            if (last) {
                cut("not valid JSON");
                break;
            }
            result.diagnostics.push_back(record_error(
                "record.corrupt-line",
                line.size() > kMaxRecordLineBytes ? "the line is longer than any injmap writes"
                                                  : "the line is not valid JSON",
                display_path, line_no));
            return result;
        }
        LineError err;
        auto action = parse_action(j, err);
        if (!action) {
            result.diagnostics.push_back(
                record_error(err.rule, err.message, display_path, line_no));
            return result;
        }
        if (record.actions.empty() && action->kind != ActionKind::start) {
            result.diagnostics.push_back(record_error(
                "record.format", "a record must begin with a start line", display_path, line_no));
            return result;
        }
        if (record.actions.empty())
            record.format = static_cast<int>(j["format"].get<long long>());
        const std::string line_sha = sha256_hex(line);
        if (record.format >= 2 && record.chain_broken_line == 0) {
            std::string why;
            const Json* prev = member(j, "prev");
            if (!record_line_self_ok(line))
                why = "its \"self\" hash does not match its bytes: the line was altered, or "
                      "inserted by hand";
            else if (!record.actions.empty() &&
                     (!prev || !prev->is_string() || prev->get<std::string>() != prev_sha))
                why = "its \"prev\" hash does not match line " + std::to_string(line_no - 1) +
                      ": a line was removed, inserted or reordered before it";
            if (!why.empty()) {
                Diagnostic d = record_error("record.chain-broken",
                                            "the hash chain breaks at line " +
                                                std::to_string(line_no) + ": " + why,
                                            display_path, line_no);
                d.severity = Severity::warning;
                result.diagnostics.push_back(std::move(d));
                record.chain_broken_line = line_no;
            }
        }
        prev_sha = line_sha;
        record.last_line_sha256 = line_sha;
        record.actions.push_back(std::move(*action));
        record.lines.push_back(line_no);
        pos = end + 1;
        record.valid_bytes = pos;
    }
    if (record.actions.empty()) {
        result.diagnostics.push_back(
            record_error("record.empty", "the record holds no complete line", display_path));
        return result;
    }
    result.value = std::move(record);
    return result;
}

namespace {

// The whole file, at most kMaxRecordBytes; record.io / record.too-large otherwise.
std::optional<std::string> read_record_bytes(const fs::path& path, Diagnostics& out) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        out.push_back(record_error("record.io", "cannot read: " + ec.message(), path.string()));
        return std::nullopt;
    }
    if (size > kMaxRecordBytes) {
        out.push_back(record_error("record.too-large",
                                   "the file is " + std::to_string(size) +
                                       " bytes, far larger than any session record",
                                   path.string()));
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.push_back(record_error("record.io", "cannot open the file", path.string()));
        return std::nullopt;
    }
    std::string text;
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

} // namespace

RecordVerification verify_session_record_text(std::string_view text, std::string_view summary_json,
                                              const std::string& display_path) {
    RecordVerification v;
    Result<SessionRecord> parsed = parse_session_record(text, display_path);
    // Strict: everything reading would only warn about is a finding here.
    for (Diagnostic d : parsed.diagnostics) {
        d.severity = Severity::error;
        v.diagnostics.push_back(std::move(d));
    }
    if (!parsed.value)
        return v;
    const SessionRecord& record = *parsed.value;
    v.format = record.format;
    v.lines = static_cast<int>(record.actions.size());
    if (record.format < 2 || !v.diagnostics.empty() || summary_json.empty())
        return v;
    // The end of a finished record, as its summary names it.
    const Json summary = Json::parse(summary_json, nullptr, false);
    if (!summary.is_object())
        return v;
    const Json* lines = member(summary, "record_lines");
    const Json* head = member(summary, "record_last_line_sha256");
    if (!lines || !lines->is_number_integer() || !head || !head->is_string())
        return v;
    const long long expected = lines->get<long long>();
    if (expected == v.lines && head->get<std::string>() == record.last_line_sha256)
        return v;
    const int line = expected != v.lines
                         ? static_cast<int>(std::min<long long>(expected, v.lines)) + 1
                         : v.lines;
    v.diagnostics.push_back(record_error(
        "record.chain-broken",
        "the summary written at finish says the record has " + std::to_string(expected) +
            " lines ending with line hash " + head->get<std::string>().substr(0, 12) +
            "…; it has " + std::to_string(v.lines) +
            (expected != v.lines ? " (lines removed from, or added to, the end)"
                                 : " and its last line differs"),
        display_path, line));
    return v;
}

RecordVerification verify_session_record(const fs::path& path) {
    RecordVerification v;
    const auto text = read_record_bytes(path, v.diagnostics);
    if (!text)
        return v;
    std::string summary;
    std::error_code ec;
    const fs::path summary_path = summary_json_path(path);
    if (fs::is_regular_file(summary_path, ec) &&
        fs::file_size(summary_path, ec) < kMaxRecordBytes && !ec) {
        Diagnostics ignored;
        summary = read_record_bytes(summary_path, ignored).value_or("");
    }
    return verify_session_record_text(*text, summary, path.string());
}

Result<SessionRecord> read_session_record(const fs::path& path) {
    Result<SessionRecord> result;
    const auto text = read_record_bytes(path, result.diagnostics);
    if (!text)
        return result;
    result = parse_session_record(*text, path.string());
    if (result.value)
        result.value->read_bytes = text->size();
    if (result.value)
        result.value->path = path;
    return result;
}

Result<Session> replay_session_record(const SessionRecord& record,
                                      std::shared_ptr<const Protocol> protocol,
                                      SessionClock clock) {
    Result<Session> result;
    const std::string file = record.path.string();
    const SessionStart* start = record.start();
    if (!start || !protocol) {
        result.diagnostics.push_back(
            record_error("record.format", "a record must begin with a start line", file, 1));
        return result;
    }
    if (start->protocol_id != protocol->id) {
        result.diagnostics.push_back(record_error(
            "record.protocol-mismatch",
            "the record is for protocol '" + start->protocol_id + "', not '" + protocol->id + "'",
            file, record.lines.front()));
        return result;
    }
    if (!start->protocol_sha256.empty() && !protocol->path.empty()) {
        const auto digest = file_sha256(protocol->path);
        if (digest && *digest != start->protocol_sha256) {
            Diagnostic d = record_error("record.protocol-changed",
                                        "the protocol file " + protocol->path.string() +
                                            " changed since the session started",
                                        file, record.lines.front());
            d.severity = Severity::warning;
            result.diagnostics.push_back(std::move(d));
        }
    }
    Session session(std::move(protocol), std::move(clock));
    for (std::size_t i = 0; i < record.actions.size(); ++i) {
        const Outcome o = session.apply(record.actions[i]);
        if (!o.ok()) {
            result.diagnostics.push_back(
                record_error("record.bad-action",
                             std::string(to_string(record.actions[i].kind)) +
                                 " refused: " + o.reason + " [" + o.code + "]",
                             file, record.lines[i]));
            return result;
        }
    }
    result.value = std::move(session);
    return result;
}

// -------------------------------------------------------------------------------------------------
// Paths

fs::path default_sessions_dir() {
    return user_data_dir() / "sessions";
}

fs::path default_record_path(std::string_view protocol_id, SessionTime time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return default_sessions_dir() /
           (std::string(stamp) + "-" + std::string(protocol_id) + ".jsonl");
}

// -------------------------------------------------------------------------------------------------
// The protocol as used

fs::path record_protocol_copy_path(const fs::path& record_path) {
    return record_path.parent_path() / (record_stem(record_path) + ".protocol.toml");
}

std::optional<fs::path> recorded_protocol(const SessionRecord& record, Diagnostics& diagnostics) {
    const SessionStart* start = record.start();
    if (!start)
        return std::nullopt;
    const fs::path copy = record_protocol_copy_path(record.path);
    std::error_code ec;
    if (!fs::is_regular_file(copy, ec))
        return std::nullopt;
    const int line = record.lines.empty() ? 0 : record.lines.front();
    const auto digest = file_sha256(copy);
    if (!digest || start->protocol_sha256.empty() || *digest != start->protocol_sha256) {
        diagnostics.push_back(record_warning(
            "record.protocol-copy",
            "the protocol's copy " + copy.string() +
                (digest ? " does not match the protocol_sha256 of the start line; it is not used"
                        : " cannot be read; it is not used"),
            record.path.string(), line));
        return std::nullopt;
    }
    if (!start->protocol_path.empty()) {
        if (!fs::is_regular_file(start->protocol_path, ec))
            diagnostics.push_back(record_warning(
                "record.protocol-changed",
                "the protocol file " + start->protocol_path +
                    " no longer exists; the session uses the protocol as recorded (" +
                    copy.filename().string() + ")",
                record.path.string(), line));
        else if (file_sha256(start->protocol_path) != digest)
            diagnostics.push_back(record_warning(
                "record.protocol-changed",
                "the protocol file " + start->protocol_path +
                    " changed since the session started; the session uses the protocol as "
                    "recorded (" +
                    copy.filename().string() + ")",
                record.path.string(), line));
    }
    return copy;
}

// -------------------------------------------------------------------------------------------------
// SessionRecorder

Result<SessionRecorder> SessionRecorder::create(const fs::path& path,
                                                std::shared_ptr<const Protocol> protocol,
                                                SessionStart start, SessionClock clock,
                                                SessionEntryRules rules) {
    Result<SessionRecorder> result;
    // The protocol as used, copied beside the record before the start line (self-contained
    // records); the start line's protocol_sha256 names exactly that copy.
    std::optional<std::string> protocol_text;
    if (protocol && !protocol->path.empty()) {
        Diagnostics read_problems;
        protocol_text = read_record_bytes(protocol->path, read_problems);
        if (protocol_text)
            start.protocol_sha256 = sha256_hex(*protocol_text);
        else
            result.diagnostics.push_back(
                record_warning("record.protocol-copy",
                               "the protocol file cannot be copied beside the record (" +
                                   (read_problems.empty() ? std::string("unreadable")
                                                          : read_problems.front().message) +
                                   "); the record depends on the file",
                               path.string()));
    }
    Session session(std::move(protocol), std::move(clock));
    session.set_entry_rules(rules);
    if (const Outcome o = session.start(std::move(start)); !o.ok()) {
        result.diagnostics.push_back(record_error(o.code, o.reason, path.string()));
        return result;
    }
    auto file = RecordFile::create(path);
    if (!file.ok()) {
        result.diagnostics = std::move(file.diagnostics);
        return result;
    }
    std::string err;
    if (protocol_text && !write_record_file(record_protocol_copy_path(path), *protocol_text, err))
        result.diagnostics.push_back(
            record_warning("record.protocol-copy",
                           "cannot write the protocol's copy beside the record (" + err +
                               "); the record depends on the protocol file",
                           record_protocol_copy_path(path).string()));
    const std::string line = record_line(session.history().back());
    if (!file.value->append_line(line, err)) {
        result.diagnostics.push_back(
            record_error("record.io", "cannot write: " + err, path.string()));
        std::error_code ec;
        fs::remove(path, ec);
        return result;
    }
    result.value =
        SessionRecorder(std::move(session), std::move(*file.value), path, 1, sha256_hex(line));
    return result;
}

Result<SessionRecorder> SessionRecorder::resume(const SessionRecord& record,
                                                std::shared_ptr<const Protocol> protocol,
                                                SessionClock clock) {
    Result<SessionRecorder> result;
    auto replayed = replay_session_record(record, std::move(protocol), std::move(clock));
    result.diagnostics = replayed.diagnostics;
    if (!replayed.ok())
        return result;
    auto file = RecordFile::open_for_append(
        record.path, record.valid_bytes,
        record.read_bytes > 0 ? std::optional<std::uintmax_t>(record.read_bytes) : std::nullopt);
    for (auto& d : file.diagnostics)
        result.diagnostics.push_back(d);
    if (!file.ok())
        return result;
    result.value =
        SessionRecorder(std::move(*replayed.value), std::move(*file.value), record.path,
                        static_cast<int>(record.actions.size()), record.last_line_sha256);
    // A crash between the finish line and the summary: write the summary now.
    std::error_code ec;
    if (result.value->session().finished() && (!fs::exists(summary_json_path(record.path), ec) ||
                                               !fs::exists(summary_csv_path(record.path), ec))) {
        const RecordChainHead head{result.value->lines(), result.value->last_sha256_};
        for (Diagnostic d : write_session_summary(result.value->session(), record.path, &head)) {
            d.severity = Severity::warning; // the record itself is fine
            result.diagnostics.push_back(std::move(d));
        }
    }
    return result;
}

Outcome SessionRecorder::apply(const SessionAction& action) {
    // Text limits at entry, so every line written is one reading accepts.
    if (Outcome o = check_text_limits(action); !o.ok())
        return o;
    // Apply to a copy first: the action counts only once its line is on disk.
    Session trial = session_;
    if (Outcome o = trial.apply(action); !o.ok())
        return o;
    std::string err;
    const std::string line = record_line(trial.history().back(), last_sha256_);
    if (!file_.append_line(line, err))
        return {"record.io", "cannot write the record: " + err};
    session_ = std::move(trial);
    ++lines_;
    last_sha256_ = sha256_hex(line);
    if (action.kind == ActionKind::finish) {
        const RecordChainHead head{lines_, last_sha256_};
        const Diagnostics d = write_session_summary(session_, path_, &head);
        if (!d.empty())
            return {"record.io", d.front().message};
    }
    return {};
}

Outcome SessionRecorder::inject(std::optional<double> units, std::string reason,
                                bool confirm_optional) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
    a.reason = std::move(reason);
    a.optional_confirmed = confirm_optional;
    return apply(a);
}

Outcome SessionRecorder::skip(std::string reason) {
    SessionAction a;
    a.kind = ActionKind::skip;
    a.reason = std::move(reason);
    return apply(a);
}

Outcome SessionRecorder::back() {
    SessionAction a;
    a.kind = ActionKind::back;
    return apply(a);
}

Outcome SessionRecorder::add(std::string muscle, Side side, std::optional<double> units,
                             std::optional<glm::vec3> position_mm) {
    SessionAction a;
    a.kind = ActionKind::add;
    a.muscle = std::move(muscle);
    a.side = side;
    a.units = units;
    a.position_mm = position_mm;
    return apply(a);
}

Outcome SessionRecorder::finish() {
    SessionAction a;
    a.kind = ActionKind::finish;
    return apply(a);
}

Outcome SessionRecorder::answer_checklist(ChecklistAnswers answers) {
    SessionAction a;
    a.kind = ActionKind::checklist;
    a.checklist = std::move(answers);
    return apply(a);
}

} // namespace injmap
