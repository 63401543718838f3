// fuzz_session_record: record text → parse_session_record → replay through a Session for the
// shipped preempt-155 and preempt-ftp-195 protocols (whichever the record names, so seeds reach
// deep into the state machine). A record line alone goes through parse_record_line and back through
// record_line, which must round-trip and carry a valid "self" hash; verify_session_record_text
// (the hash chain) runs over the same text.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"

namespace {
using namespace injmap;

// Shipped protocols by id, read once; empty when the files are missing (replay is then skipped).
const std::map<std::string, std::shared_ptr<const Protocol>>& protocols() {
    static const auto loaded = [] {
        std::map<std::string, std::shared_ptr<const Protocol>> map;
        for (const char* id : {"preempt-155", "preempt-ftp-195"}) {
            Result<Protocol> r =
                read_protocol_file(std::string(INJMAP_SOURCE_DIR "/protocols/") + id + ".toml");
            if (r.ok())
                map.emplace(id, std::make_shared<const Protocol>(std::move(*r.value)));
        }
        return map;
    }();
    return loaded;
}

// A fixed clock: replay must not depend on the time of day.
SessionTime fixed_time() {
    return SessionTime{} + std::chrono::seconds(1714555800);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)protocols();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        // One line alone: parse, and a parsed action must survive writing and parsing again.
        if (const auto newline = text.find('\n'); newline != std::string_view::npos) {
            std::string error;
            if (auto action = parse_record_line(text.substr(0, newline), error)) {
                std::string error2;
                const std::string line = record_line(*action);
                if (!parse_record_line(line, error2))
                    fuzz::contract_violation("record_line",
                                             "written line does not parse: " + error2);
                if (!record_line_self_ok(line))
                    fuzz::contract_violation("record_line", "written line fails its own \"self\"");
                if (line.size() > kMaxRecordLineBytes && check_text_limits(*action).ok())
                    fuzz::contract_violation("record_line",
                                             "a line within the text limits is too long to read");
            }
        }
        // The strict check never throws and agrees with reading on what is there.
        const RecordVerification verified = verify_session_record_text(text, {}, "fuzz.jsonl");
        fuzz::check_diagnostics(verified.diagnostics, "verify_session_record_text");
        Result<SessionRecord> record = parse_session_record(text, "fuzz.jsonl");
        fuzz::check_diagnostics(record.diagnostics, "parse_session_record");
        if (!record.ok())
            return 0;
        if (record.value->lines.size() != record.value->actions.size())
            fuzz::contract_violation("parse_session_record", "lines not parallel to actions");
        if (record.value->valid_bytes > size)
            fuzz::contract_violation("parse_session_record", "valid_bytes beyond the input");
        const SessionStart* start = record.value->start();
        auto it = start ? protocols().find(start->protocol_id) : protocols().end();
        if (it == protocols().end())
            it = protocols().find("preempt-155");
        if (it == protocols().end())
            return 0;
        Result<Session> session = replay_session_record(*record.value, it->second, fixed_time);
        fuzz::check_diagnostics(session.diagnostics, "replay_session_record");
        if (session.value) {
            (void)session_summary_json(*session.value);
            (void)session_summary_csv(*session.value);
        }
    } catch (const std::exception& e) {
        fuzz::contract_violation("session record", std::string("exception escaped: ") + e.what());
    } catch (...) {
        fuzz::contract_violation("session record", "a non-std exception escaped");
    }
    return 0;
}
