// Reading a record file: its bytes (bounded), verification of the hash chain, replay into a
// Session; where records live and the protocol copy kept beside each (session_record.hpp).
#include "injmap/protocols/session_record.hpp"

#include <algorithm>
#include <cstring>
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

namespace {

using detail::hundredths;
using detail::record_error;
using detail::record_stem;
using detail::record_warning;
using detail::write_record_file;

} // namespace

namespace detail {

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

} // namespace detail

using detail::read_record_bytes;

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
    const auto lines_at = summary.find("record_lines");
    const auto head_at = summary.find("record_last_line_sha256");
    const Json* lines = lines_at == summary.end() ? nullptr : &*lines_at;
    const Json* head = head_at == summary.end() ? nullptr : &*head_at;
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

} // namespace injmap
