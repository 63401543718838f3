// SessionRecorder: a Session whose every accepted action is first appended to its record file
// (session_record.hpp).
#include "injmap/protocols/session_record.hpp"

#include <algorithm>
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
using detail::read_record_bytes;
using detail::record_error;
using detail::record_stem;
using detail::record_warning;
using detail::write_record_file;

} // namespace

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

Outcome SessionRecorder::inject_elsewhere(glm::vec3 actual_mm, glm::vec3 planned_mm,
                                          std::optional<double> units, std::string reason,
                                          bool confirm_optional) {
    SessionAction a;
    a.kind = ActionKind::inject;
    a.units = units;
    a.reason = std::move(reason);
    a.optional_confirmed = confirm_optional;
    a.position_mm = actual_mm;
    a.planned_mm = planned_mm;
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
