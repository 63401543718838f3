// The record's JSON Lines format: one action per line, serialised and parsed, each line's "self"
// hash and the chain of "prev" hashes (session_record.hpp: record_line, parse_record_line,
// parse_session_record).
#include "injmap/protocols/session_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <nlohmann/json.hpp>

#include "injmap/models/atomic_file.hpp"
#include "injmap/protocols/record_time.hpp"
#include "record_util.hpp"

namespace injmap {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

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

// An optional point in model space: absent or null leaves `out` empty; otherwise [x, y, z].
bool get_point(const Json& object, const char* key, std::optional<glm::vec3>& out, LineError& err) {
    const Json* p = member(object, key);
    if (!p || p->is_null())
        return true;
    if (!p->is_array() || p->size() != 3 || !(*p)[0].is_number() || !(*p)[1].is_number() ||
        !(*p)[2].is_number()) {
        err.message = std::string("\"") + key + "\" must be [x, y, z] or null";
        return false;
    }
    glm::vec3 position{};
    for (int i = 0; i < 3; ++i) {
        const double v = (*p)[static_cast<std::size_t>(i)].get<double>();
        // Model space is millimetres around a body: anything near float's range is damage.
        if (!std::isfinite(v) || std::abs(v) > 1e6) {
            err.message = std::string("\"") + key + "\" is out of range";
            return false;
        }
        position[i] = static_cast<float>(v);
    }
    out = position;
    return true;
}

Json point_json(const glm::vec3& p) {
    return Json::array({hundredths(p.x), hundredths(p.y), hundredths(p.z)});
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
        // "position_mm" and "planned_mm": injected elsewhere (both or neither; older records have
        // neither).
        if (!get_point(j, "position_mm", a.position_mm, err) ||
            !get_point(j, "planned_mm", a.planned_mm, err))
            return std::nullopt;
        if (a.position_mm.has_value() != a.planned_mm.has_value()) {
            err.message = "\"position_mm\" and \"planned_mm\" come together";
            return std::nullopt;
        }
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
        if (!get_point(j, "position_mm", a.position_mm, err))
            return std::nullopt;
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
        if (a.position_mm && a.planned_mm) {
            j["position_mm"] = point_json(*a.position_mm);
            j["planned_mm"] = point_json(*a.planned_mm);
        }
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
            j["position_mm"] = point_json(*a.position_mm);
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

} // namespace injmap
