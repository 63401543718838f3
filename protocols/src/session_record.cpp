#include "injmap/protocols/session_record.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "injmap/models/atomic_file.hpp"
#include "injmap/models/data_paths.hpp"

namespace injmap {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

Diagnostic error(std::string rule, std::string message, const std::string& file, int line = 0) {
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

std::string errno_text(int err) {
    return std::strerror(err);
}

using io::sync_dir;
using io::UniqueFd;
using io::write_all;

// Writes a whole file durably (temporary file, fsync, rename, fsync of the folder); private to
// the user (0600) like the record.
bool write_file_atomically(const fs::path& path, const std::string& text, std::string& err) {
    return io::write_file_atomically(path, std::string_view(text), err, 0600);
}

double hundredths(float v) {
    return std::round(static_cast<double>(v) * 100.0) / 100.0;
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), for noticing that a protocol file changed under a record.

class Sha256 {
public:
    void update(const unsigned char* data, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) {
            block_[block_size_++] = data[i];
            if (block_size_ == 64) {
                compress();
                block_size_ = 0;
            }
        }
        bytes_ += size;
    }

    std::string hex() {
        const std::uint64_t bits = bytes_ * 8;
        const unsigned char pad = 0x80;
        update(&pad, 1);
        const unsigned char zero = 0;
        while (block_size_ != 56)
            update(&zero, 1);
        for (int i = 7; i >= 0; --i) {
            const auto b = static_cast<unsigned char>(bits >> (i * 8));
            update(&b, 1);
        }
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (std::uint32_t v : h_)
            for (int i = 28; i >= 0; i -= 4)
                out += digits[(v >> i) & 0xf];
        return out;
    }

private:
    static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

    void compress() {
        static constexpr std::array<std::uint32_t, 64> k = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2};
        std::array<std::uint32_t, 64> w{};
        for (int i = 0; i < 16; ++i)
            w[i] = (std::uint32_t(block_[i * 4]) << 24) | (std::uint32_t(block_[i * 4 + 1]) << 16) |
                   (std::uint32_t(block_[i * 4 + 2]) << 8) | std::uint32_t(block_[i * 4 + 3]);
        for (int i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6],
                      h = h_[7];
        for (int i = 0; i < 64; ++i) {
            const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const std::uint32_t ch = (e & f) ^ (~e & g);
            const std::uint32_t t1 = h + s1 + ch + k[i] + w[i];
            const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            const std::uint32_t t2 = s0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h_[0] += a;
        h_[1] += b;
        h_[2] += c;
        h_[3] += d;
        h_[4] += e;
        h_[5] += f;
        h_[6] += g;
        h_[7] += h;
    }

    std::array<std::uint32_t, 8> h_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<unsigned char, 64> block_{};
    std::size_t block_size_ = 0;
    std::uint64_t bytes_ = 0;
};

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
        if (!get_string(j, "site", a.site, err) || !get_number(j, "units", a.units, err))
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
// Time

std::string format_iso8601_utc(SessionTime time) {
    const std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::optional<SessionTime> parse_iso8601_utc(std::string_view text) {
    // Exactly YYYY-MM-DDTHH:MM:SSZ: the form injmap writes.
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t digits, int& out) {
        out = 0;
        for (std::size_t i = at; i < at + digits; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
        !number(14, 2, minute) || !number(17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    // system_clock counts nanoseconds in 64 bits: years past 2262 (or before 1677) overflow it.
    if (year < 1970 || year > 2200)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    // timegm normalises 2024-02-31 to 2024-03-02; a date that does not exist is not a record's.
    std::tm check{};
    ::gmtime_r(&t, &check);
    if (check.tm_mday != day || check.tm_mon != month - 1)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

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
                error("record.truncated",
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
            result.diagnostics.push_back(error("record.corrupt-line",
                                               line.size() > kMaxRecordLineBytes
                                                   ? "the line is longer than any injmap writes"
                                                   : "the line is not valid JSON",
                                               display_path, line_no));
            return result;
        }
        LineError err;
        auto action = parse_action(j, err);
        if (!action) {
            result.diagnostics.push_back(error(err.rule, err.message, display_path, line_no));
            return result;
        }
        if (record.actions.empty() && action->kind != ActionKind::start) {
            result.diagnostics.push_back(error(
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
                Diagnostic d =
                    error("record.chain-broken",
                          "the hash chain breaks at line " + std::to_string(line_no) + ": " + why,
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
            error("record.empty", "the record holds no complete line", display_path));
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
        out.push_back(error("record.io", "cannot read: " + ec.message(), path.string()));
        return std::nullopt;
    }
    if (size > kMaxRecordBytes) {
        out.push_back(error("record.too-large",
                            "the file is " + std::to_string(size) +
                                " bytes, far larger than any session record",
                            path.string()));
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.push_back(error("record.io", "cannot open the file", path.string()));
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
    v.diagnostics.push_back(
        error("record.chain-broken",
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
            error("record.format", "a record must begin with a start line", file, 1));
        return result;
    }
    if (start->protocol_id != protocol->id) {
        result.diagnostics.push_back(error("record.protocol-mismatch",
                                           "the record is for protocol '" + start->protocol_id +
                                               "', not '" + protocol->id + "'",
                                           file, record.lines.front()));
        return result;
    }
    if (!start->protocol_sha256.empty() && !protocol->path.empty()) {
        const auto digest = file_sha256(protocol->path);
        if (digest && *digest != start->protocol_sha256) {
            Diagnostic d = error("record.protocol-changed",
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
            result.diagnostics.push_back(error("record.bad-action",
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
// Paths, digests

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

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return h.hex();
}

std::optional<std::string> file_sha256(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    Sha256 h;
    std::array<char, 8192> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        h.update(reinterpret_cast<const unsigned char*>(buffer.data()),
                 static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        return std::nullopt;
    return h.hex();
}

// -------------------------------------------------------------------------------------------------
// Summary

namespace {

std::string record_stem(const fs::path& record_path) {
    std::string name = record_path.filename().string();
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0)
        name.resize(name.size() - 6);
    return name;
}

Json tally_json(const Tally& t) {
    Json j;
    j["units"] = t.units;
    j["sites"] = t.sites;
    j["limit"] = t.limit ? Json(*t.limit) : Json(nullptr);
    j["over"] = t.over();
    return j;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
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
    std::string out = "site,muscle,side,units_given,status,time,reason\n";
    for (std::size_t i = 0; i < session.sites().size(); ++i) {
        const SessionSite& s = session.sites()[i];
        out += csv_field(s.id) + "," + csv_field(s.muscle) + "," + to_string(s.side) + "," +
               number_text(s.units_given) + "," + to_string(session.status(i)) + "," +
               (s.time ? format_iso8601_utc(*s.time) : std::string()) + "," + csv_field(s.reason) +
               "\n";
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
        if (!write_file_atomically(path, text, err))
            out.push_back(error("record.io", "cannot write the summary: " + err, path.string()));
    return out;
}

// -------------------------------------------------------------------------------------------------
// The protocol as used

namespace {
Diagnostic warning_from(std::string rule, std::string message, const std::string& file,
                        int line = 0) {
    Diagnostic d = error(std::move(rule), std::move(message), file, line);
    d.severity = Severity::warning;
    return d;
}
} // namespace

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
        diagnostics.push_back(warning_from(
            "record.protocol-copy",
            "the protocol's copy " + copy.string() +
                (digest ? " does not match the protocol_sha256 of the start line; it is not used"
                        : " cannot be read; it is not used"),
            record.path.string(), line));
        return std::nullopt;
    }
    if (!start->protocol_path.empty()) {
        if (!fs::is_regular_file(start->protocol_path, ec))
            diagnostics.push_back(
                warning_from("record.protocol-changed",
                             "the protocol file " + start->protocol_path +
                                 " no longer exists; the session uses the protocol as recorded (" +
                                 copy.filename().string() + ")",
                             record.path.string(), line));
        else if (file_sha256(start->protocol_path) != digest)
            diagnostics.push_back(warning_from(
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
// RecordFile

RecordFile::~RecordFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

RecordFile::RecordFile(RecordFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), lines_written_(other.lines_written_) {}

RecordFile& RecordFile::operator=(RecordFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        lines_written_ = other.lines_written_;
    }
    return *this;
}

// -------------------------------------------------------------------------------------------------
// One writer at a time

namespace {

// The pid holding a flock on the file with this device and inode, from /proc/locks (Linux):
// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5447824 0 EOF" (device major:minor in hex). Lines of
// waiters ("1: -> FLOCK ...") are skipped.
std::optional<long> flock_holder(dev_t dev, ino_t ino) {
    std::ifstream in("/proc/locks");
    std::optional<long> inode_only; // a match on the inode alone (e.g. overlay file systems)
    int inode_matches = 0;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string number, type, advisory, mode, pid, where;
        if (!(words >> number >> type) || type != "FLOCK")
            continue;
        if (!(words >> advisory >> mode >> pid >> where))
            continue;
        unsigned long major_id = 0, minor_id = 0;
        unsigned long long inode = 0;
        if (std::sscanf(where.c_str(), "%lx:%lx:%llu", &major_id, &minor_id, &inode) != 3)
            continue;
        char* end = nullptr;
        const long holder = std::strtol(pid.c_str(), &end, 10);
        if (end == pid.c_str() || *end != '\0' || holder <= 0)
            continue;
        if (inode != static_cast<unsigned long long>(ino))
            continue;
        if (major_id == major(dev) && minor_id == minor(dev))
            return holder;
        inode_only = holder;
        ++inode_matches;
    }
    if (inode_matches == 1)
        return inode_only;
    return std::nullopt;
}

std::string holder_words(std::optional<long> pid) {
    return pid ? "process " + std::to_string(*pid) : std::string("another process");
}

// Takes the record's exclusive lock, held as long as `fd` stays open; record.locked naming the
// holder when another descriptor has it.
bool lock_record(int fd, const fs::path& path, Diagnostics& out) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            struct stat st {};
            std::optional<long> holder;
            if (::fstat(fd, &st) == 0)
                holder = flock_holder(st.st_dev, st.st_ino);
            out.push_back(error("record.locked",
                                "the record is open for appending elsewhere (" +
                                    holder_words(holder) +
                                    "); one writer at a time: close it there first",
                                path.string()));
        } else {
            out.push_back(
                error("record.io", "cannot lock the record: " + errno_text(errno), path.string()));
        }
        return false;
    }
    return true;
}

} // namespace

std::optional<long> record_lock_holder(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return flock_holder(st.st_dev, st.st_ino);
}

Result<RecordFile> RecordFile::create(const fs::path& path) {
    Result<RecordFile> result;
    std::error_code ec;
    if (!path.parent_path().empty())
        fs::create_directories(path.parent_path(), ec);
    // 0600: a treatment record is nobody else's business.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        result.diagnostics.push_back(error(err == EEXIST ? "record.exists" : "record.io",
                                           err == EEXIST
                                               ? "the record already exists (resume it instead)"
                                               : "cannot create: " + errno_text(err),
                                           path.string()));
        return result;
    }
    RecordFile file(fd);
    if (!lock_record(fd, path, result.diagnostics))
        return result;
    sync_dir(path.parent_path());
    result.value = std::move(file);
    return result;
}

namespace {

// "20240501T093000Z": the UTC time in a file name.
std::string utc_stamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return stamp;
}

// Copies bytes [from, to) of `fd` to a new file <record>.damaged-<UTC time> (never overwriting:
// -2, -3, ... when that name exists), fsync'ed with its folder. Returns the path, or empty with
// `err` set.
fs::path keep_damaged_tail(int fd, const fs::path& record, std::uintmax_t from, std::uintmax_t to,
                           std::string& err) {
    std::string tail(static_cast<std::size_t>(to - from), '\0');
    std::size_t done = 0;
    while (done < tail.size()) {
        const ssize_t n =
            ::pread(fd, tail.data() + done, tail.size() - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno_text(errno) : "the file got shorter";
            return {};
        }
        done += static_cast<std::size_t>(n);
    }
    const std::string base = record.string() + ".damaged-" + utc_stamp();
    for (int attempt = 1; attempt < 1000; ++attempt) {
        const fs::path path =
            attempt == 1 ? fs::path(base) : fs::path(base + "-" + std::to_string(attempt));
        UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (out.get() < 0) {
            if (errno == EEXIST)
                continue;
            err = errno_text(errno);
            return {};
        }
        if (!write_all(out.get(), tail) || ::fsync(out.get()) != 0) {
            err = errno_text(errno);
            std::error_code ec;
            fs::remove(path, ec);
            return {};
        }
        sync_dir(path.parent_path());
        return path;
    }
    err = "too many damaged-tail files already";
    return {};
}

} // namespace

Result<RecordFile> RecordFile::open_for_append(const fs::path& path, std::uintmax_t valid_bytes,
                                               std::optional<std::uintmax_t> read_bytes) {
    Result<RecordFile> result;
    // Read-write: a damaged tail is read back (and kept) before it is cut.
    const int raw = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (raw < 0) {
        result.diagnostics.push_back(
            error("record.io", "cannot open for appending: " + errno_text(errno), path.string()));
        return result;
    }
    RecordFile file(raw);
    // Locked before anything is looked at or cut: a second writer leaves the file alone.
    if (!lock_record(raw, path, result.diagnostics))
        return result;
    struct stat st {};
    if (::fstat(raw, &st) != 0 || static_cast<std::uintmax_t>(st.st_size) < valid_bytes ||
        (read_bytes && static_cast<std::uintmax_t>(st.st_size) != *read_bytes)) {
        result.diagnostics.push_back(
            error("record.io", "the record changed while it was being resumed", path.string()));
        return result;
    }
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > valid_bytes) {
        // Keep the damaged tail beside the record, then drop it so the next line starts on a
        // fresh line. Nothing is cut unless the copy is safely on disk.
        if (size > kMaxRecordBytes) {
            result.diagnostics.push_back(error("record.too-large",
                                               "the record grew past any session record's size",
                                               path.string()));
            return result;
        }
        std::string err;
        const fs::path kept = keep_damaged_tail(raw, path, valid_bytes, size, err);
        if (kept.empty()) {
            result.diagnostics.push_back(
                error("record.io", "cannot keep the damaged last line (nothing was cut): " + err,
                      path.string()));
            return result;
        }
        if (::ftruncate(raw, static_cast<off_t>(valid_bytes)) != 0 || ::fsync(raw) != 0) {
            result.diagnostics.push_back(
                error("record.io", "cannot cut the damaged last line: " + errno_text(errno),
                      path.string()));
            return result;
        }
        Diagnostic d =
            error("record.tail-kept",
                  "the damaged last line (" + std::to_string(size - valid_bytes) +
                      " bytes) was cut off before appending and kept in " + kept.string(),
                  path.string());
        d.severity = Severity::warning;
        result.diagnostics.push_back(std::move(d));
    }
    result.value = std::move(file);
    return result;
}

bool RecordFile::append_line(std::string_view line, std::string& err) {
    if (fd_ < 0) {
        err = "the record is not open";
        return false;
    }
    struct stat st {};
    const bool have_size = ::fstat(fd_, &st) == 0;
    std::string buffer(line);
    buffer += '\n';
    const int nth = test_lines_appended_ + 1;
    if (test_kill_at_ == nth && test_kill_mid_line_) {
        (void)write_all(fd_, std::string_view(buffer).substr(0, buffer.size() / 2));
        ::fsync(fd_);
        std::raise(SIGKILL);
    }
    if (!write_all(fd_, buffer) || ::fsync(fd_) != 0) {
        err = errno_text(errno);
        // Take back a partly written line (e.g. disk full) so later lines stay on their own lines.
        if (have_size && ::ftruncate(fd_, st.st_size) == 0)
            ::fsync(fd_);
        return false;
    }
    ++lines_written_;
    ++test_lines_appended_;
    if (test_kill_at_ == nth)
        std::raise(SIGKILL);
    return true;
}

// -------------------------------------------------------------------------------------------------
// SessionRecorder

Result<SessionRecorder> SessionRecorder::create(const fs::path& path,
                                                std::shared_ptr<const Protocol> protocol,
                                                SessionStart start, SessionClock clock) {
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
                warning_from("record.protocol-copy",
                             "the protocol file cannot be copied beside the record (" +
                                 (read_problems.empty() ? std::string("unreadable")
                                                        : read_problems.front().message) +
                                 "); the record depends on the file",
                             path.string()));
    }
    Session session(std::move(protocol), std::move(clock));
    if (const Outcome o = session.start(std::move(start)); !o.ok()) {
        result.diagnostics.push_back(error(o.code, o.reason, path.string()));
        return result;
    }
    auto file = RecordFile::create(path);
    if (!file.ok()) {
        result.diagnostics = std::move(file.diagnostics);
        return result;
    }
    std::string err;
    if (protocol_text &&
        !write_file_atomically(record_protocol_copy_path(path), *protocol_text, err))
        result.diagnostics.push_back(
            warning_from("record.protocol-copy",
                         "cannot write the protocol's copy beside the record (" + err +
                             "); the record depends on the protocol file",
                         record_protocol_copy_path(path).string()));
    const std::string line = record_line(session.history().back());
    if (!file.value->append_line(line, err)) {
        result.diagnostics.push_back(error("record.io", "cannot write: " + err, path.string()));
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

Outcome SessionRecorder::inject(std::optional<double> units) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
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
