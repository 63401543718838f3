// `injmap export TREATMENT_ID --format fhir|slicer|csv -o FILE`: one treatment as a FHIR R5
// Bundle, a 3D Slicer markups file or the per-site CSV (protocols/exports.hpp, docs/exports.md).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands/commands.hpp"
#include "injmap/models/atomic_file.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/exports.hpp"
#include "injmap/protocols/history.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"

namespace injmap::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kName = "export";
constexpr const char* kDefaultModel = "adult-male";

void print_diagnostics(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        std::cerr << format_diagnostic(d) << "\n";
}

// The SHA-256 of the record's first line (without its newline): the treatment's lasting identity,
// the seed of the FHIR resources' UUIDs. Empty when it cannot be read.
std::string start_line_sha256(const fs::path& record) {
    std::ifstream in(record, std::ios::binary);
    std::string line;
    if (!in || !std::getline(in, line) || line.size() > kMaxRecordLineBytes)
        return {};
    return sha256_hex(line);
}

// Whether the argument names a session record: an existing regular file ending in .jsonl.
bool is_record_path(const std::string& argument) {
    std::error_code ec;
    const fs::path path(argument);
    return path.extension() == ".jsonl" && fs::is_regular_file(path, ec);
}

// A treatment id of the history database: a positive decimal number.
std::optional<std::int64_t> parse_treatment_id(const std::string& argument) {
    if (argument.empty() || argument.size() > 18 ||
        argument.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const std::int64_t id = std::stoll(argument);
    return id > 0 ? std::optional<std::int64_t>(id) : std::nullopt;
}

// The protocol a record replays with: its copy beside the record, else the file it was started
// with, else the protocol of that id found now (as `session resume`).
std::optional<Protocol> record_protocol(const SessionRecord& record) {
    const SessionStart& start = *record.start();
    Diagnostics notes;
    std::string argument = start.protocol_id;
    std::error_code ec;
    if (const auto copy = recorded_protocol(record, notes))
        argument = copy->string();
    else if (!start.protocol_path.empty() && fs::is_regular_file(start.protocol_path, ec))
        argument = start.protocol_path;
    print_diagnostics(notes);
    const auto path = resolve_protocol(argument);
    if (!path) {
        std::cerr << "injmap export: no protocol '" << escape_control(argument)
                  << "' for the record (its copy, its file and the id are all gone)\n";
        return std::nullopt;
    }
    Result<Protocol> read = read_protocol_file(*path);
    if (!read.ok()) {
        print_diagnostics(read.diagnostics);
        std::cerr << "injmap export: cannot read the protocol " << escape_control(path->string())
                  << "\n";
        return std::nullopt;
    }
    return std::move(*read.value);
}

int run_export(std::span<const std::string> args) {
    std::string error;
    const auto parsed =
        parse_args(args, {{"--format", true}, {"-o", true}, {"--output", true}}, error);
    if (!parsed)
        return usage_error(kName, error);
    if (parsed->positionals.size() != 1)
        return usage_error(kName,
                           parsed->positionals.empty()
                               ? "missing TREATMENT_ID (a treatment id or a session record .jsonl)"
                               : "give one TREATMENT_ID, not " +
                                     std::to_string(parsed->positionals.size()));
    const auto format_arg = parsed->value("--format");
    if (!format_arg)
        return usage_error(kName, "missing --format fhir|slicer|csv");
    const auto format = export_format_from_string(*format_arg);
    if (!format)
        return usage_error(kName, "unknown --format '" + *format_arg + "' (fhir, slicer or csv)");
    if (parsed->has("-o") && parsed->has("--output"))
        return usage_error(kName, "give -o or --output, not both");
    const auto output = parsed->has("-o") ? parsed->value("-o") : parsed->value("--output");
    if (!output || output->empty())
        return usage_error(kName, "missing -o FILE");

    const std::string& treatment = parsed->positionals.front();
    // The treatment: a session record given by path, or a treatment id of the history database
    // (`injmap history` prints them), replayed from the record's bytes stored with it.
    std::optional<Session> session_value;
    std::string treatment_id, patient_id, record_model, treatment_key;
    if (is_record_path(treatment)) {
        const fs::path record_path = treatment;
        {
            std::error_code ec;
            if (fs::equivalent(record_path, fs::path(*output), ec))
                return usage_error(kName, "-o names the record itself; give another file");
        }
        Result<SessionRecord> record = read_session_record(record_path);
        print_diagnostics(record.diagnostics);
        if (!record.ok()) {
            // A file that cannot be read at all is an I/O error; one that reads but is not a
            // record (or a damaged one) is a finding, located by the diagnostics above.
            for (const Diagnostic& d : record.diagnostics)
                if (d.severity == Severity::error &&
                    (d.rule == "record.io" || d.rule == "record.too-large"))
                    return exit_usage;
            return exit_findings;
        }
        auto protocol = record_protocol(*record.value);
        if (!protocol)
            return exit_usage;
        auto replayed = replay_session_record(
            *record.value, std::make_shared<const Protocol>(std::move(*protocol)));
        print_diagnostics(replayed.diagnostics);
        if (!replayed.ok())
            return exit_findings;
        session_value.emplace(std::move(*replayed.value));
        record_model = record.value->start()->model;
        treatment_key = start_line_sha256(record_path);
        if (treatment_key.empty())
            treatment_key = record.value->last_line_sha256;
    } else {
        const auto id = parse_treatment_id(treatment);
        if (!id)
            return usage_error(kName, "no treatment '" + treatment +
                                          "': give a treatment id (as `injmap history` prints it) "
                                          "or a session record (an existing .jsonl file)");
        HistoryOpenOptions options = HistoryOpenOptions::from_environment();
        options.create = false;
        options.read_only = true;
        auto store = open_history_store(default_history_location(), options);
        print_diagnostics(store.diagnostics);
        if (!store.ok())
            return exit_findings;
        auto row = (*store.value)->find_treatment(*id);
        print_diagnostics(row.diagnostics);
        if (!row.ok())
            return exit_findings;
        auto replayed = replay_treatment(*row.value);
        print_diagnostics(replayed.diagnostics);
        if (!replayed.ok())
            return exit_findings;
        session_value.emplace(std::move(*replayed.value));
        treatment_id = std::to_string(*id);
        patient_id = row.value->patient_id;
        record_model = row.value->model;
        const std::string& text = row.value->record_text;
        treatment_key = sha256_hex(std::string_view(text).substr(0, text.find('\n')));
    }
    const Session& session = *session_value;

    const std::string model_id = record_model.empty() ? kDefaultModel : record_model;
    auto model = load_model_by_name(model_id);
    if (!model.ok()) {
        print_diagnostics(model.diagnostics);
        return usage_error(kName, "cannot load the model '" + model_id + "' of the record");
    }
    const ModelQueries queries(*model.value);
    const Result<PlacedProtocol> placed = place_protocol(session.protocol(), queries);
    if (!placed.value)
        std::cerr << "injmap export: note: the protocol cannot be placed on " << model_id
                  << "; sites are exported without positions\n";

    ExportContext context;
    context.treatment_key = treatment_key;
    context.treatment_id = treatment_id;
    context.patient_id = patient_id;
    context.model_id = model_id;
    context.placed = placed.value ? &*placed.value : nullptr;
    const std::string text = export_session(*format, session, *model.value, context);

    std::string reason;
    if (!io::write_file_atomically(*output, text, reason)) {
        std::cerr << "injmap export: cannot write " << escape_control(*output) << ": " << reason
                  << "\n";
        return exit_usage;
    }
    return exit_ok;
}

} // namespace

const Command export_command{
    "export", "export a treatment as FHIR R5, a 3D Slicer markups file or CSV",
    "Usage: injmap export TREATMENT_ID --format fhir|slicer|csv -o FILE\n"
    "\n"
    "Writes one treatment for other systems (docs/exports.md). TREATMENT_ID is a treatment id of\n"
    "the treatment history (as `injmap history PATIENT` prints it; the database of\n"
    "INJMAP_DATABASE_URL, else $XDG_DATA_HOME/injmap/injmap.db) or a session record (an existing\n"
    ".jsonl file, as `injmap session play` writes it); it is replayed with the protocol as\n"
    "recorded and its sites placed on the record's model (default adult-male).\n"
    "\n"
    "Formats:\n"
    "  fhir    an HL7 FHIR R5 Bundle (type collection, JSON): the patient (pseudonymous), one\n"
    "          Procedure, and per site acted on a MedicationAdministration (dose in U, partOf\n"
    "          the Procedure; not-done with its reason for a skipped site) and a BodyStructure\n"
    "          (muscle, side, distance in mm from its named landmark). UUIDs derive from the\n"
    "          record's first line: the same record gives the same file.\n"
    "  slicer  a 3D Slicer markups file (.mrk.json): one control point per site, labelled with\n"
    "          the site id, at the model's coordinates in mm (written as LPS, the way Slicer\n"
    "          reads the model's OBJ, so the points sit on it).\n"
    "  csv     the per-site table (RFC 4180, CRLF): site, muscle, side, status, units planned\n"
    "          and given, landmark and distance, depth, x/y/z, reason, time.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT    fhir, slicer or csv\n"
    "  -o, --output FILE  the file to write (written to a temporary file, then renamed)\n"
    "\n"
    "Exit codes: 0 written; 1 the record does not read or replay (FILE:LINE: error ... [rule]);\n"
    "2 bad arguments, an unknown format, no such record, a file that cannot be read at all or\n"
    "written.\n",
    run_export};

} // namespace injmap::cli
