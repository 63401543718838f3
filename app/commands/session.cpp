// `injmap session play|resume`: drives the session state machine (protocols/session.hpp) from a
// script and keeps its record (protocols/session_record.hpp, docs/session-record.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "gui/patient_visit.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/resumable_records.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/units_format.hpp"
#include "injmap/version.hpp"

namespace injmap::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "Usage: injmap session play --protocol ID|FILE --script FILE [--record OUT.jsonl]\n"
    "                           [--model ID] [--label TEXT] [--injector NAME]\n"
    "                           [--lot LOT] [--expiry DATE] [--reconstituted TIME]\n"
    "                           [--patient ID [--at TIME] [--override-reason TEXT]]\n"
    "       injmap session resume RECORD [--script FILE] [--json]\n"
    "       injmap session verify RECORD\n"
    "       injmap session list --protocol ID|FILE [--dir FOLDER] [--json]\n"
    "\n"
    "Plays a treatment session from a script, or continues a recorded one, headlessly.\n"
    "Every action is appended to the record (JSON Lines) and synced to disk at once; see\n"
    "docs/session-record.md. Without --record, play writes to\n"
    "$XDG_DATA_HOME/injmap/sessions/<YYYYmmdd-HHMMSS>-<protocol>.jsonl (UTC) and prints the path.\n"
    "\n"
    "Script: one action per line; blank lines and lines starting with # are ignored.\n"
    "  checklist ID=no|yes:REASON ... warning=acknowledged\n"
    "                              the pre-treatment checklist, once, before the first inject\n"
    "                              or add: every question of\n"
    "                              <share>/protocols/rules/pretreatment-checklist.toml answered\n"
    "                              (a yes needs a reason: one word, or \"quoted text\" with \\\"\n"
    "                              and \\\\ escapes; at most 300 bytes), and the boxed warning\n"
    "                              acknowledged\n"
    "  inject [UNITS]              inject the current site (default: its planned units)\n"
    "  inject UNITS \"REASON\"       the same, with the reason for this dose noted in the\n"
    "                              record (e.g. a dose above the plan): double-quoted, with\n"
    "                              \\\" and \\\\ escapes; at most 1000 bytes\n"
    "  skip REASON                 skip the current site (a reason is required, at most\n"
    "                              1000 bytes)\n"
    "  back                        undo the last inject, skip or add\n"
    "  add MUSCLE SIDE [UNITS]     add a follow-the-pain site (SIDE: left, right or midline);\n"
    "                              its position is that of the muscle's first protocol site\n"
    "  finish                      end the session; sites not reached become \"not given\"\n"
    "  next | previous | goto SITE move to another site without recording anything\n"
    "\n"
    "Options:\n"
    "  --protocol ID|FILE  shipped protocol id or a protocol file (play)\n"
    "  --script FILE       the actions to play: a regular file of at most 1 MiB\n"
    "  --record OUT.jsonl  the record to create (play; never overwritten)\n"
    "  --model ID          the model shown, noted in the record (play)\n"
    "  --label TEXT        free text noted in the record (no patient-identifying data needed;\n"
    "                      at most 200 bytes)\n"
    "  --injector NAME, --lot LOT, --expiry DATE, --reconstituted TIME\n"
    "                      play: who injects, the product's lot and its expiry as printed on\n"
    "                      the vial, when the vial was reconstituted; noted on the record's\n"
    "                      start line and filed with the treatment (each at most 200 bytes);\n"
    "                      a lot past its expiry (YYYY-MM or YYYY-MM-DD) is the warning\n"
    "                      session.lot-expired, not a refusal\n"
    "  --patient ID        play: file the finished session under this patient in the\n"
    "                      treatment history ($XDG_DATA_HOME/injmap/injmap.db; see 'injmap db'),\n"
    "                      creating the patient if new; shows the last treatment and runs the\n"
    "                      cross-visit rules first (history.interval: a warning under 12 weeks;\n"
    "                      history.cumulative: more than the product's cumulative limit, BOTOX\n"
    "                      400 U in any 90 days across indications, is refused: exit 1 and\n"
    "                      nothing given)\n"
    "  --at TIME           play: the session's start time (ISO 8601 UTC, e.g.\n"
    "                      2026-01-05T09:00:00Z); the script's actions follow it\n"
    "  --override-reason TEXT\n"
    "                      play --patient: give the session although history.cumulative\n"
    "                      refuses it; the reason is filed with the treatment (at most 1000 "
    "bytes)\n"
    "  --json              resume: print {\"protocol\", \"actions\", \"injected\", \"skipped\",\n"
    "                      \"units_given\", \"finished\", \"checklist\"}\n"
    "\n"
    "resume without --script only reads: it never changes a byte of the record (nor writes a\n"
    "summary). With --script, a damaged last line is first copied to\n"
    "RECORD.damaged-<YYYYmmddTHHMMSSZ> beside the record, then cut off before appending.\n"
    "One writer at a time: a record another injmap has open for appending is refused\n"
    "(record.locked, naming its process id; exit 2).\n"
    "resume warns (record.chain-broken) when the record's hash chain is broken, and still shows\n"
    "what is there. It replays with the protocol as recorded: play copies the protocol file to\n"
    "<record>.protocol.toml beside the record, so a protocol file edited or deleted since is only\n"
    "a warning (record.protocol-changed).\n"
    "\n"
    "verify checks the record's hash chain (format 2 and later): it prints \"RECORD: intact\"\n"
    "and exits 0, or names the first altered, removed, inserted or reordered line\n"
    "(PATH:LINE: error: ... [record.chain-broken], or the line that no longer reads) and exits\n"
    "1; a format 1 record has no chain (\"format 1: no chain\", exit 0 when it reads); an\n"
    "unreadable file exits 2.\n"
    "\n"
    "list shows the records of a protocol in FOLDER (default: the sessions folder above),\n"
    "newest first, each replayed: when it started, its label, how far it got, and its damage\n"
    "(none, tail_cut, chain_broken or unreadable), then the one the GUI offers to resume (the\n"
    "newest, if unfinished). It only reads. --json prints {\"protocol\", \"folder\",\n"
    "\"records\": [{\"path\", \"label\", \"started\", \"finished\", \"injected\", \"skipped\",\n"
    "\"pending\", \"added\", \"units_given\", \"damage\", \"damage_line\", \"resumable\"}],\n"
    "\"resume\"} (resume: a path or null).\n"
    "\n"
    "Records of format 3 (every new one) need the checklist line before the first inject or add\n"
    "(session.checklist-required); records of format 1 and 2, written before the checklist\n"
    "existed, replay and continue without it. resume prints the answers (--json: \"checklist\",\n"
    "null when none were recorded).\n"
    "\n"
    "A refused action prints SCRIPT:LINE: error: REASON [CODE] and exits 1; the record keeps "
    "every\n"
    "action done before it. Exit codes: 0 ok, 1 refused action, 2 bad arguments or unreadable "
    "files.\n";

constexpr const char* kName = "session";

void print_diagnostics(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::istringstream in{std::string(text)};
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

std::optional<double> parse_number(const std::string& text) {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Testing only: lets the crash tests kill the process at an exact point of the record
// (INJMAP_TEST_DIE_AFTER=N: after the N-th line written by this process is synced;
// INJMAP_TEST_DIE_DURING=N: halfway through writing the N-th line).
void arm_test_kill() {
    for (const auto& [name, mid_line] :
         {std::pair{"INJMAP_TEST_DIE_AFTER", false}, std::pair{"INJMAP_TEST_DIE_DURING", true}})
        if (const char* v = std::getenv(name); v && *v)
            if (const auto n = parse_number(v); n && *n >= 1)
                RecordFile::set_test_kill(static_cast<int>(*n), mid_line);
}

struct Script {
    std::string path;
    std::vector<std::pair<int, std::string>> lines; // line number, text (non-blank, not comments)
};

// A script is a small regular file. A FIFO, device or folder is refused without waiting for it
// (opened with O_NONBLOCK, then checked), and so is a file over kMaxScriptBytes; neither message
// quotes the file's content.
constexpr std::size_t kMaxScriptBytes = 1024 * 1024;

std::optional<Script> read_script(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot read the script '" + path + "': " + std::strerror(errno);
        return std::nullopt;
    }
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } close_fd{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        error = "cannot read the script '" + path + "': " + std::strerror(errno);
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        error = "the script '" + path + "' is not a regular file (" +
                (S_ISFIFO(st.st_mode)  ? "a FIFO"
                 : S_ISDIR(st.st_mode) ? "a folder"
                                       : "a device or special file") +
                ")";
        return std::nullopt;
    }
    const std::string too_large = "the script '" + path + "' is larger than " +
                                  std::to_string(kMaxScriptBytes / 1024 / 1024) +
                                  " MiB; a script is one short line per action";
    if (static_cast<std::uintmax_t>(st.st_size) > kMaxScriptBytes) {
        error = too_large;
        return std::nullopt;
    }
    // Read at most one byte past the limit: a file growing meanwhile is still bounded.
    std::string text(kMaxScriptBytes + 1, '\0');
    std::size_t size = 0;
    while (size < text.size()) {
        const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = "cannot read the script '" + path + "': " + std::strerror(errno);
            return std::nullopt;
        }
        if (n == 0)
            break;
        size += static_cast<std::size_t>(n);
    }
    if (size > kMaxScriptBytes) {
        error = too_large;
        return std::nullopt;
    }
    text.resize(size);
    Script script{path, {}};
    // LF, CRLF and a lone CR each end a line (as in every reader of injmap).
    int number = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t eol = text.find_first_of("\r\n", pos);
        if (eol == std::string::npos)
            eol = text.size();
        const std::string line = text.substr(pos, eol - pos);
        pos = eol + (text.compare(eol, 2, "\r\n") == 0 ? 2 : 1);
        ++number;
        const std::string trimmed = trim(line);
        if (trimmed.empty() || trimmed[0] == '#')
            continue;
        script.lines.emplace_back(number, trimmed);
    }
    return script;
}

// `"stronger pull on examination"`: one double-quoted text (escapes \" and \\) and nothing after
// it; nullopt when the text is not exactly that.
std::optional<std::string> parse_quoted_reason(std::string_view text) {
    if (text.size() < 2 || text.front() != '"')
        return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\'))
            out += text[++i];
        else if (c == '"')
            return i + 1 == text.size() ? std::optional<std::string>(out) : std::nullopt;
        else
            out += c;
    }
    return std::nullopt; // not closed
}

// `checklist allergy=no anticoagulant=yes:"takes apixaban" ... warning=acknowledged`: the words
// after the verb, split on blanks outside double quotes. A quoted reason may hold blanks and the
// escapes \" and \\. Returns the answers, or nullopt with `error` set.
std::optional<ChecklistAnswers> parse_checklist_line(std::string_view rest, std::string& error) {
    std::vector<std::string> tokens;
    std::string token;
    bool in_token = false, quoted = false;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        const char c = rest[i];
        if (quoted) {
            if (c == '\\' && i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\'))
                token += rest[++i];
            else if (c == '"')
                quoted = false;
            else
                token += c;
            continue;
        }
        if (c == ' ' || c == '\t') {
            if (in_token)
                tokens.push_back(std::move(token));
            token.clear();
            in_token = false;
            continue;
        }
        in_token = true;
        if (c == '"')
            quoted = true;
        else
            token += c;
    }
    if (quoted) {
        error = "a quoted reason is not closed";
        return std::nullopt;
    }
    if (in_token)
        tokens.push_back(std::move(token));
    if (tokens.empty()) {
        error = "checklist takes the answers: ID=no or ID=yes:REASON for every question, and "
                "warning=acknowledged";
        return std::nullopt;
    }
    ChecklistAnswers answers;
    for (const std::string& t : tokens) {
        const auto eq = t.find('=');
        if (eq == std::string::npos || eq == 0) {
            error = "'" + t.substr(0, 80) + "' is not ID=no, ID=yes:REASON or warning=acknowledged";
            return std::nullopt;
        }
        const std::string id = t.substr(0, eq);
        const std::string value = t.substr(eq + 1);
        if (id == "warning") {
            if (value != "acknowledged") {
                error = "warning takes one value: acknowledged (warning=acknowledged)";
                return std::nullopt;
            }
            answers.warning_acknowledged = true;
            continue;
        }
        ChecklistAnswer answer;
        answer.id = id;
        if (value == "no") {
            answer.yes = false;
        } else if (value == "yes") {
            answer.yes = true; // no reason: the session refuses it (session.checklist-reason)
        } else if (value.rfind("yes:", 0) == 0) {
            answer.yes = true;
            answer.reason = value.substr(4);
        } else {
            error = "the answer to '" + id.substr(0, 80) + "' must be no or yes:REASON";
            return std::nullopt;
        }
        answers.answers.push_back(std::move(answer));
    }
    return answers;
}

// Runs the script on a SessionRecorder (or, for a dry run, a bare Session: the same calls); on the
// first refused or malformed line prints it (unless `quiet`) and returns exit_findings.
template <class Target>
int play_script(const Script& script, Target& recorder, bool quiet = false) {
    for (const auto& [number, text] : script.lines) {
        const auto words = split_words(text);
        const std::string& verb = words.front();
        Outcome outcome;
        auto bad = [&](std::string why) { outcome = {"script.bad-argument", std::move(why)}; };
        if (verb == "inject") {
            if (words.size() >= 2) {
                // inject UNITS ["REASON"]: a reason, if any, is one double-quoted text.
                std::string_view rest = std::string_view(text).substr(verb.size());
                rest = rest.substr(rest.find_first_not_of(" \t"));
                rest = rest.substr(std::min(rest.size(), rest.find_first_of(" \t")));
                const std::string after = trim(rest);
                const auto units = parse_number(words[1]);
                const auto reason =
                    after.empty() ? std::optional<std::string>("") : parse_quoted_reason(after);
                if (!units)
                    bad("'" + words[1] + "' is not a number of units");
                else if (!reason)
                    bad("inject takes at most one argument: the units (and a \"quoted reason\")");
                else
                    outcome = recorder.inject(*units, *reason);
            } else {
                outcome = recorder.inject();
            }
        } else if (verb == "checklist") {
            std::string why;
            if (auto answers =
                    parse_checklist_line(std::string_view(text).substr(verb.size()), why))
                outcome = recorder.answer_checklist(std::move(*answers));
            else
                bad(why);
        } else if (verb == "skip") {
            outcome = recorder.skip(trim(std::string_view(text).substr(verb.size())));
        } else if (verb == "back" || verb == "finish" || verb == "next" || verb == "previous") {
            if (words.size() != 1)
                bad(verb + " takes no arguments");
            else if (verb == "back")
                outcome = recorder.back();
            else if (verb == "finish")
                outcome = recorder.finish();
            else if (verb == "next")
                outcome = recorder.next();
            else
                outcome = recorder.previous();
        } else if (verb == "goto") {
            if (words.size() != 2)
                bad("goto takes one argument: the site id");
            else
                outcome = recorder.go_to(words[1]);
        } else if (verb == "add") {
            if (words.size() < 3 || words.size() > 4) {
                bad("add takes MUSCLE SIDE [UNITS]");
            } else if (const auto side = side_from_string(words[2]); !side) {
                bad("'" + words[2] + "' is not a side (left, right or midline)");
            } else if (words.size() == 4) {
                if (const auto units = parse_number(words[3]))
                    outcome = recorder.add(words[1], *side, *units);
                else
                    bad("'" + words[3] + "' is not a number of units");
            } else {
                outcome = recorder.add(words[1], *side);
            }
        } else {
            outcome = {"script.unknown-action", "unknown action '" + verb + "'"};
        }
        if (!outcome.ok()) {
            if (quiet)
                return exit_findings;
            std::cerr << escape_control(script.path) << ":" << number
                      << ": error: " << escape_control(outcome.reason) << " [" << outcome.code
                      << "]\n";
            return exit_findings;
        }
    }
    return exit_ok;
}

std::optional<Protocol> load_protocol(const std::string& id_or_path, std::string& error) {
    const auto path = resolve_protocol(id_or_path);
    if (!path) {
        error = "no protocol '" + id_or_path + "' (not a file, nor a shipped or user protocol id)";
        return std::nullopt;
    }
    Result<Protocol> read = read_protocol_file(*path);
    if (!read.ok()) {
        print_diagnostics(read.diagnostics);
        error = "cannot read the protocol " + path->string();
        return std::nullopt;
    }
    return std::move(*read.value);
}

// The shipped checklist the answers are checked against; nullptr (after printing why) when it
// cannot be read.
std::shared_ptr<const Checklist> load_checklist() {
    Result<Checklist> read = read_shipped_checklist();
    if (!read.ok()) {
        print_diagnostics(read.diagnostics);
        return nullptr;
    }
    return std::make_shared<const Checklist>(std::move(*read.value));
}

// What starting a session for a patient shows: the last treatment, the interval, the next due
// date (docs/history.md).
void print_visit_context(const std::string& patient, const VisitContext& c) {
    std::cout << "patient " << escape_control(patient) << ": ";
    if (!c.last) {
        std::cout << "no earlier treatment\n";
        return;
    }
    const TreatmentRow& t = *c.last;
    std::cout << "last treatment " << t.started.substr(0, 10) << " (#" << t.id << ", "
              << escape_control(t.protocol_id) << ", " << format_units(t.units_given) << " U";
    const char* sep = ": ";
    for (const auto& [muscle, units] : t.per_muscle) {
        std::cout << sep << escape_control(muscle) << " " << format_units(units) << " U";
        sep = ", ";
    }
    std::ostringstream weeks;
    weeks.precision(1);
    weeks << std::fixed << c.weeks_since.value_or(0.0);
    std::cout << "); " << weeks.str() << " weeks ago; next due " << c.next_due.value_or("") << "\n";
}

// The session's warning-severity limits past ("rule: text", Session::warnings) as diagnostics.
void print_session_warnings(const Session& session, const std::string& where) {
    for (const std::string& w : session.warnings()) {
        const auto colon = w.find(": ");
        Diagnostic d;
        d.severity = Severity::warning;
        d.rule = colon == std::string::npos ? "session.warning" : w.substr(0, colon);
        d.message = colon == std::string::npos ? w : w.substr(colon + 2);
        d.where.file = where;
        std::cerr << format_diagnostic(d) << "\n";
    }
}

int run_play(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--protocol", true},
                                    {"--script", true},
                                    {"--record", true},
                                    {"--model", true},
                                    {"--label", true},
                                    {"--injector", true},
                                    {"--lot", true},
                                    {"--expiry", true},
                                    {"--reconstituted", true},
                                    {"--patient", true},
                                    {"--at", true},
                                    {"--override-reason", true}},
                                   error);
    if (!parsed)
        return usage_error(kName, error);
    if (!parsed->positionals.empty())
        return usage_error(kName, "play takes no positional argument '" +
                                      parsed->positionals.front() + "'");
    const auto protocol_arg = parsed->value("--protocol");
    const auto script_arg = parsed->value("--script");
    if (!protocol_arg || !script_arg)
        return usage_error(kName, "play needs --protocol and --script");
    const auto patient = parsed->value("--patient");
    const auto override_reason = parsed->value("--override-reason");
    if (patient &&
        (patient->empty() || patient->size() > kMaxIdBytes || escape_control(*patient) != *patient))
        return usage_error(kName, "--patient takes an id of 1 to " + std::to_string(kMaxIdBytes) +
                                      " bytes without control characters");
    if (override_reason && !patient)
        return usage_error(kName, "--override-reason needs --patient");
    if (override_reason && (override_reason->empty() || override_reason->size() > kMaxReasonBytes))
        return usage_error(kName, "--override-reason takes a reason of 1 to " +
                                      std::to_string(kMaxReasonBytes) + " bytes");
    std::optional<SessionTime> at;
    if (const auto at_arg = parsed->value("--at")) {
        at = parse_iso8601_utc(*at_arg);
        if (!at)
            return usage_error(kName, "--at takes an ISO 8601 UTC time such as "
                                      "2026-01-05T09:00:00Z, not '" +
                                          *at_arg + "'");
    }

    const auto script = read_script(*script_arg, error);
    if (!script)
        return usage_error(kName, error);
    auto protocol = load_protocol(*protocol_arg, error);
    if (!protocol)
        return usage_error(kName, error);
    const auto checklist = load_checklist();
    if (!checklist)
        return usage_error(kName, "cannot read the pre-treatment checklist");
    SessionStart start;
    start.protocol_id = protocol->id;
    std::error_code ec;
    start.protocol_path = fs::absolute(protocol->path, ec).string();
    start.protocol_sha256 = file_sha256(protocol->path).value_or("");
    start.injmap_version = kVersion;
    if (const auto model = parsed->value("--model")) {
        if (!resolve_model(*model))
            return usage_error(kName, "no model '" + *model + "'");
        start.model = *model;
    }
    for (const auto& [flag, field] :
         {std::pair{"--label", &start.label}, std::pair{"--injector", &start.injector},
          std::pair{"--lot", &start.lot}, std::pair{"--expiry", &start.expiry},
          std::pair{"--reconstituted", &start.reconstituted}}) {
        *field = parsed->value(flag).value_or("");
        if (field->size() > kMaxLabelBytes)
            return usage_error(kName, std::string(flag) + " is " + std::to_string(field->size()) +
                                          " bytes long; at most " + std::to_string(kMaxLabelBytes) +
                                          " are allowed [session.too-long]");
    }

    // The session's clock: now, or --at plus the time elapsed since the start.
    const SessionTime start_time = at.value_or(std::chrono::system_clock::now());
    // A lot past its expiry ("2026-05" runs to the end of May; "2026-05-31" to that day) is
    // noted, not refused: the clinician decides.
    if (start.expiry.size() == 7 || start.expiry.size() == 10) {
        const std::string today = format_iso8601_utc(start_time).substr(0, start.expiry.size());
        if (today > start.expiry)
            std::cerr << "warning: the lot" << (start.lot.empty() ? "" : " " + start.lot)
                      << " expired " << start.expiry << " [session.lot-expired]\n";
    }
    SessionClock clock;
    if (at) {
        const auto t0 = std::chrono::steady_clock::now();
        clock = [at0 = *at, t0] {
            return at0 + std::chrono::duration_cast<SessionTime::duration>(
                             std::chrono::steady_clock::now() - t0);
        };
    }
    auto shared = std::make_shared<const Protocol>(std::move(*protocol));

    // A patient: the history, what it shows, and the cross-visit rules, before anything is given.
    std::unique_ptr<HistoryStore> store;
    std::optional<bool> first_treatment;
    bool overridden = false;
    if (patient) {
        auto opened =
            open_history_store(default_history_location(), HistoryOpenOptions::from_environment());
        print_diagnostics(opened.diagnostics);
        if (!opened.ok())
            return exit_usage;
        store = std::move(*opened.value);
        auto history = store->list_treatments(*patient);
        print_diagnostics(history.diagnostics);
        if (!history.ok())
            return exit_usage;
        const VisitContext context = visit_context(*history.value, start_time, shared->indication);
        print_visit_context(*patient, context);
        first_treatment = !context.earlier_same_indication;
        // A dry run of the script gives the units the session would give.
        Session dry(shared, clock);
        dry.set_checklist(checklist);
        SessionStart dry_start = start;
        if (dry.start(std::move(dry_start)).ok())
            (void)play_script(*script, dry, true);
        Diagnostics cross = check_history(*history.value, *shared, start_time,
                                          dry.tallies().total.units, script->path);
        overridden = apply_history_override(cross, override_reason.value_or(""));
        print_diagnostics(cross);
        if (has_errors(cross)) {
            std::cerr << "injmap session: nothing given and nothing recorded; give "
                         "--override-reason TEXT to go ahead with a recorded reason\n";
            return exit_findings;
        }
    }

    const fs::path record_path = parsed->value("--record")
                                     ? fs::path(*parsed->value("--record"))
                                     : default_record_path(shared->id, start_time);
    arm_test_kill();
    auto recorder = SessionRecorder::create(record_path, shared, std::move(start), clock);
    if (!recorder.ok()) {
        print_diagnostics(recorder.diagnostics);
        return exit_usage;
    }
    recorder.value->set_checklist(checklist);
    recorder.value->set_first_treatment(first_treatment);
    if (!parsed->value("--record"))
        std::cout << "record: " << record_path.string() << "\n";
    const int code = play_script(*script, *recorder.value);
    const Session& session = recorder.value->session();
    if (session.finished())
        std::cout << "summary: " << summary_json_path(record_path).string() << "\n";
    if (!patient)
        return code;
    print_session_warnings(session, script->path);
    if (!session.finished()) {
        std::cout << "not filed: the session is not finished; the record "
                  << escape_control(record_path.string()) << " is kept\n";
        return code;
    }
    // The record is the journal; the finished session goes to the history in one transaction
    // (file_finished_session: the clinician window files it the same way).
    auto filed = file_finished_session(*store, session, record_path, fs::path(shared->path),
                                       *patient, overridden ? *override_reason : std::string());
    print_diagnostics(filed.diagnostics);
    if (filed.ok()) {
        std::cout << "filed: treatment " << *filed.value << " for patient "
                  << escape_control(*patient) << "\n";
        return code;
    }
    std::cerr << "injmap session: the session was not filed in the history; its record "
              << escape_control(record_path.string())
              << " is kept: file it later with 'injmap db import --patient "
              << escape_control(*patient) << " RECORD'\n";
    return exit_usage;
}

void print_state(const fs::path& path, const Session& s, int lines, bool json) {
    const SessionTallies t = s.tallies();
    if (json) {
        nlohmann::ordered_json j;
        j["protocol"] = s.protocol().id;
        j["actions"] = lines;
        j["injected"] = t.injected;
        j["skipped"] = t.skipped;
        j["units_given"] = t.total.units;
        j["finished"] = s.finished();
        if (const auto& answers = s.checklist_answers()) {
            nlohmann::ordered_json c;
            c["warning_acknowledged"] = answers->warning_acknowledged;
            c["yes"] = answers->yes_count();
            c["answers"] = nlohmann::ordered_json::array();
            for (const ChecklistAnswer& a : answers->answers)
                c["answers"].push_back(
                    {{"id", a.id}, {"answer", a.yes ? "yes" : "no"}, {"reason", a.reason}});
            j["checklist"] = std::move(c);
        } else {
            j["checklist"] = nullptr;
        }
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                  << "\n";
        return;
    }
    std::cout << path.string() << ": protocol " << s.protocol().id << ", " << lines << " actions, "
              << t.injected << " sites injected, " << t.skipped << " skipped, " << t.total.units
              << " U given, " << (s.finished() ? "finished" : "in progress") << "\n";
    if (const auto& answers = s.checklist_answers()) {
        std::cout << "checklist: " << answers->yes_count() << " yes of " << answers->answers.size()
                  << (answers->warning_acknowledged ? ", boxed warning acknowledged" : "") << "\n";
        for (const ChecklistAnswer& a : answers->answers)
            if (a.yes)
                std::cout << "  " << escape_control(a.id) << ": yes: " << escape_control(a.reason)
                          << "\n";
    } else {
        std::cout << "checklist: not answered"
                  << (s.checklist_required() ? ""
                                             : " (not required: a record of format " +
                                                   std::to_string(s.start_info().format) + ")")
                  << "\n";
    }
}

int run_resume(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--script", true}, {"--json", false}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.size() != 1)
        return usage_error(kName, "resume takes one record file");
    const fs::path record_path = parsed->positionals.front();
    std::optional<Script> script;
    if (const auto script_arg = parsed->value("--script")) {
        script = read_script(*script_arg, error);
        if (!script)
            return usage_error(kName, error);
    }

    Result<SessionRecord> record = read_session_record(record_path);
    print_diagnostics(record.diagnostics);
    if (!record.ok())
        return exit_usage;
    const SessionStart& start = *record.value->start();
    // The protocol as recorded beside the record; else the file the session was started with;
    // else the protocol of that id found now.
    std::string protocol_arg = start.protocol_id;
    std::error_code ec;
    Diagnostics protocol_notes;
    if (const auto copy = recorded_protocol(*record.value, protocol_notes))
        protocol_arg = copy->string();
    else if (!start.protocol_path.empty() && fs::is_regular_file(start.protocol_path, ec))
        protocol_arg = start.protocol_path;
    print_diagnostics(protocol_notes);
    auto protocol = load_protocol(protocol_arg, error);
    if (!protocol) {
        std::cerr << "injmap session: " << escape_control(error) << "\n";
        return exit_usage;
    }
    auto shared = std::make_shared<const Protocol>(std::move(*protocol));
    const bool json = parsed->has("--json");
    if (!script) {
        // Without a script nothing is appended: a pure read that never changes a byte on disk
        // (a damaged tail stays until something is appended; no summary is written).
        auto replayed = replay_session_record(*record.value, shared);
        print_diagnostics(replayed.diagnostics);
        if (!replayed.ok())
            return exit_usage;
        print_state(record_path, *replayed.value, static_cast<int>(record.value->actions.size()),
                    json);
        return exit_ok;
    }
    const auto checklist = load_checklist();
    if (!checklist)
        return usage_error(kName, "cannot read the pre-treatment checklist");
    arm_test_kill();
    auto recorder = SessionRecorder::resume(*record.value, shared);
    print_diagnostics(recorder.diagnostics);
    if (!recorder.ok())
        return exit_usage;
    recorder.value->set_checklist(checklist);
    const int code = play_script(*script, *recorder.value);
    print_state(recorder.value->path(), recorder.value->session(), recorder.value->lines(), json);
    return code;
}

// `verify RECORD`: the hash chain, strictly (docs/session-record.md, "Tamper evidence").
int run_verify(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.size() != 1)
        return usage_error(kName, "verify takes one record file");
    const fs::path record_path = parsed->positionals.front();
    const RecordVerification v = verify_session_record(record_path);
    print_diagnostics(v.diagnostics);
    for (const Diagnostic& d : v.diagnostics)
        if (d.rule == "record.io" || d.rule == "record.too-large")
            return exit_usage;
    if (!v.diagnostics.empty()) {
        const Diagnostic& first = v.diagnostics.front();
        std::cout << record_path.string() << ": NOT intact";
        if (first.where.line > 0)
            std::cout << " from line " << first.where.line;
        std::cout << " [" << first.rule << "]\n";
        return exit_findings;
    }
    if (v.format < 2) {
        std::cout << record_path.string() << ": format " << v.format << ": no chain (" << v.lines
                  << " lines read; changes to them cannot be detected)\n";
        return exit_ok;
    }
    std::cout << record_path.string() << ": intact (" << v.lines << " lines, format " << v.format
              << ")\n";
    return exit_ok;
}

// `list --protocol ID|FILE [--dir FOLDER] [--json]`: the records find_session_records finds, as the
// GUI's resume offer sees them.
int run_list(std::span<const std::string> args) {
    std::string error;
    const auto parsed =
        parse_args(args, {{"--protocol", true}, {"--dir", true}, {"--json", false}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (!parsed->positionals.empty())
        return usage_error(kName, "list takes no positional argument '" +
                                      parsed->positionals.front() + "'");
    const auto protocol_arg = parsed->value("--protocol");
    if (!protocol_arg)
        return usage_error(kName, "list needs --protocol");
    auto protocol = load_protocol(*protocol_arg, error);
    if (!protocol)
        return usage_error(kName, error);
    const auto shared = std::make_shared<const Protocol>(std::move(*protocol));
    const fs::path folder =
        parsed->value("--dir") ? fs::path(*parsed->value("--dir")) : default_sessions_dir();
    const std::vector<ResumableRecord> records = find_session_records(folder, shared);
    const ResumableRecord* offer = record_to_resume(records);
    auto started = [](const ResumableRecord& r) {
        return r.started ? format_iso8601_utc(*r.started) : std::string();
    };
    if (parsed->has("--json")) {
        nlohmann::ordered_json j;
        j["protocol"] = shared->id;
        j["folder"] = folder.string();
        j["records"] = nlohmann::ordered_json::array();
        for (const ResumableRecord& r : records)
            j["records"].push_back({{"path", r.path.string()},
                                    {"label", r.label},
                                    {"started", started(r)},
                                    {"finished", r.finished},
                                    {"injected", r.injected},
                                    {"skipped", r.skipped},
                                    {"pending", r.pending},
                                    {"added", r.added},
                                    {"units_given", r.units_given},
                                    {"damage", to_string(r.damage)},
                                    {"damage_line", r.damage_line},
                                    {"resumable", r.resumable()}});
        j["resume"] = offer ? nlohmann::ordered_json(offer->path.string()) : nullptr;
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                  << "\n";
        return exit_ok;
    }
    for (const ResumableRecord& r : records) {
        std::cout << escape_control(r.path.string()) << ": started " << started(r);
        if (r.damage != RecordDamage::unreadable)
            std::cout << ", " << r.injected << " injected, " << r.skipped << " skipped, "
                      << r.pending << " pending, " << format_units(r.units_given) << " U given";
        std::cout << ", " << (r.finished ? "finished" : "in progress");
        if (r.damage != RecordDamage::none) {
            std::cout << ", damaged: " << to_string(r.damage);
            if (r.damage_line > 0)
                std::cout << " at line " << r.damage_line;
        }
        if (!r.label.empty())
            std::cout << ", label: " << escape_control(r.label);
        std::cout << "\n";
    }
    std::cout << "resume: " << (offer ? escape_control(offer->path.string()) : "none") << "\n";
    return exit_ok;
}

int run_session(std::span<const std::string> args) {
    if (args.empty())
        return usage_error(kName, "expected 'play', 'resume', 'verify' or 'list'");
    if (args.front() == "play")
        return run_play(args.subspan(1));
    if (args.front() == "resume")
        return run_resume(args.subspan(1));
    if (args.front() == "verify")
        return run_verify(args.subspan(1));
    if (args.front() == "list")
        return run_list(args.subspan(1));
    return usage_error(kName, "unknown action '" + args.front() +
                                  "' (expected 'play', 'resume', 'verify' or 'list')");
}
} // namespace

const Command session_command{"session", "play, resume, verify or list session records headlessly",
                              kUsage, run_session};
} // namespace injmap::cli
