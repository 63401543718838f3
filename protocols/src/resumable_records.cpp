#include "injmap/protocols/resumable_records.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

namespace injmap {
namespace fs = std::filesystem;
namespace {

// Whether the record's last line is a well-formed finish action: such a record is over and is
// never offered, so it need not be read and replayed. Reads only the file's tail (a finish line is
// well under a kilobyte), which keeps the folder scan cheap when it holds years of sessions.
bool ends_with_finish(const fs::path& path) {
    constexpr std::streamoff kTail = 4096;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return false;
    const std::streamoff size = in.tellg();
    if (size <= 1)
        return false;
    const std::streamoff from = std::max<std::streamoff>(0, size - kTail);
    in.seekg(from);
    std::string tail(static_cast<std::size_t>(size - from), '\0');
    if (!in.read(tail.data(), static_cast<std::streamsize>(tail.size())) || tail.back() != '\n')
        return false;
    tail.pop_back();
    const auto start = tail.rfind('\n');
    if (start == std::string::npos && from > 0)
        return false; // the last line is longer than the tail: not a finish line
    std::string error;
    const auto action = parse_record_line(
        std::string_view(tail).substr(start == std::string::npos ? 0 : start + 1), error);
    return action && action->kind == ActionKind::finish;
}

// The first line of a file (at most kMaxRecordLineBytes), to tell whose record an unreadable one
// is; nullopt when it cannot be read.
std::optional<std::string> first_line(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string line(kMaxRecordLineBytes, '\0');
    in.read(line.data(), static_cast<std::streamsize>(line.size()));
    line.resize(static_cast<std::size_t>(in.gcount()));
    const auto eol = line.find('\n');
    if (eol == std::string::npos)
        return std::nullopt;
    line.resize(eol);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

bool has_rule(const Diagnostics& diagnostics, std::string_view rule) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.rule == rule; });
}

int first_error_line(const Diagnostics& diagnostics) {
    for (const Diagnostic& d : diagnostics)
        if (d.severity == Severity::error)
            return d.where.line;
    return 0;
}

// One .jsonl file: listed (true) when it is a record of `protocol`.
bool list_record(const fs::path& path, const std::shared_ptr<const Protocol>& protocol,
                 ResumableRecord& out) {
    out = ResumableRecord{};
    out.path = path;
    Result<SessionRecord> read = read_session_record(path);
    if (!read.value || has_errors(read.diagnostics)) {
        // Not a record (no start line, empty, too large, unreadable file): not ours to list. A
        // record whose start line names this protocol but which breaks further on is listed as
        // unreadable, so a damaged session is seen rather than silently passed over.
        if (!has_rule(read.diagnostics, "record.corrupt-line"))
            return false;
        const auto line = first_line(path);
        std::string error;
        const auto start = line ? parse_record_line(*line, error) : std::nullopt;
        if (!start || start->kind != ActionKind::start || start->start.protocol_id != protocol->id)
            return false;
        out.protocol_id = start->start.protocol_id;
        out.label = start->start.label;
        out.started = start->time;
        out.damage = RecordDamage::unreadable;
        out.damage_line = first_error_line(read.diagnostics);
        out.diagnostics = std::move(read.diagnostics);
        return true;
    }
    const SessionRecord& record = *read.value;
    const SessionStart* start = record.start();
    if (!start || start->protocol_id != protocol->id)
        return false;
    out.protocol_id = start->protocol_id;
    out.label = start->label;
    out.started = record.actions.front().time;
    out.diagnostics = read.diagnostics;
    Result<Session> replay = replay_session_record(record, protocol);
    out.diagnostics.insert(out.diagnostics.end(), replay.diagnostics.begin(),
                           replay.diagnostics.end());
    if (!replay.value || has_errors(replay.diagnostics)) {
        out.damage = RecordDamage::unreadable;
        out.damage_line = first_error_line(replay.diagnostics);
        out.finished = record.actions.back().kind == ActionKind::finish;
        return true;
    }
    const Session& session = *replay.value;
    const SessionTallies t = session.tallies();
    out.finished = session.finished();
    out.injected = t.injected;
    out.skipped = t.skipped;
    out.pending = t.pending;
    out.added = t.added;
    out.protocol_sites = static_cast<int>(session.protocol_site_count());
    out.units_given = t.total.units;
    if (session.started_at())
        out.started = session.started_at();
    if (record.chain_broken_line > 0) {
        out.damage = RecordDamage::chain_broken;
        out.damage_line = record.chain_broken_line;
    } else if (record.truncated) {
        out.damage = RecordDamage::tail_cut;
    }
    out.record = std::move(*read.value);
    return true;
}

// The .jsonl files of a folder, newest first (record names begin with the UTC start time).
std::vector<fs::path> record_files(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->path().extension() == ".jsonl" && it->is_regular_file(type_ec))
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() > b.filename(); });
    return files;
}

// The start line of a record file (its first line), or nullopt when it has none.
std::optional<SessionAction> start_line(const fs::path& path) {
    const auto line = first_line(path);
    if (!line)
        return std::nullopt;
    std::string error;
    auto action = parse_record_line(*line, error);
    if (!action || action->kind != ActionKind::start)
        return std::nullopt;
    return action;
}

// Whether the file's start line is a well-formed start of another protocol (a cheap first-line
// read): such a record is never listed for `protocol`, so it need not be read whole.
bool other_protocol(const fs::path& path, const Protocol& protocol) {
    const auto start = start_line(path);
    return start && start->start.protocol_id != protocol.id;
}

} // namespace

const char* to_string(RecordDamage damage) {
    switch (damage) {
    case RecordDamage::none:
        return "none";
    case RecordDamage::tail_cut:
        return "tail_cut";
    case RecordDamage::chain_broken:
        return "chain_broken";
    case RecordDamage::unreadable:
        return "unreadable";
    }
    return "none";
}

std::vector<ResumableRecord> find_session_records(const fs::path& folder,
                                                  const std::shared_ptr<const Protocol>& protocol) {
    std::vector<ResumableRecord> out;
    if (!protocol)
        return out;
    for (const fs::path& path : record_files(folder)) {
        if (other_protocol(path, *protocol))
            continue;
        ResumableRecord record;
        if (list_record(path, protocol, record))
            out.push_back(std::move(record));
    }
    return out;
}

std::optional<ResumableRecord>
find_record_to_resume(const fs::path& folder, const std::shared_ptr<const Protocol>& protocol) {
    if (!protocol)
        return std::nullopt;
    for (const fs::path& path : record_files(folder)) {
        if (other_protocol(path, *protocol))
            continue;
        ResumableRecord record;
        if (!list_record(path, protocol, record))
            continue;
        if (record.damage == RecordDamage::unreadable && !record.finished)
            continue; // as record_to_resume: seen in the list, never the offer
        if (!record.resumable())
            return std::nullopt;
        return record;
    }
    return std::nullopt;
}

std::vector<ResumableRecord> find_unfinished_records(const fs::path& folder,
                                                     const RecordProtocolLookup& lookup) {
    std::vector<ResumableRecord> out;
    std::map<std::string, std::shared_ptr<const Protocol>> protocols; // by id, looked up once
    for (const fs::path& path : record_files(folder)) {
        if (ends_with_finish(path))
            continue; // finished: never offered
        const auto start = start_line(path);
        if (!start)
            continue; // not a session record
        const SessionStart& info = start->start;
        auto found = protocols.find(info.protocol_id);
        if (found == protocols.end())
            found = protocols.emplace(info.protocol_id, lookup ? lookup(info) : nullptr).first;
        ResumableRecord record;
        if (found->second) {
            if (!list_record(path, found->second, record))
                continue;
        } else {
            // No protocol to replay with: what the record itself says.
            record.path = path;
            record.protocol_id = info.protocol_id;
            record.label = info.label;
            record.started = start->time;
            record.protocol_found = false;
            Result<SessionRecord> read = read_session_record(path);
            record.diagnostics = std::move(read.diagnostics);
            if (read.value && !read.value->actions.empty()) {
                record.finished = read.value->actions.back().kind == ActionKind::finish;
                record.record = std::move(*read.value);
            } else {
                record.damage = RecordDamage::unreadable;
                record.damage_line = first_error_line(record.diagnostics);
            }
        }
        if (record.finished)
            continue;
        record.protocol_path = info.protocol_path;
        out.push_back(std::move(record));
    }
    return out;
}

const ResumableRecord* record_to_resume(const std::vector<ResumableRecord>& records) {
    for (const ResumableRecord& r : records) {
        if (r.damage == RecordDamage::unreadable && !r.finished)
            continue;
        return r.resumable() ? &r : nullptr;
    }
    return nullptr;
}

} // namespace injmap
