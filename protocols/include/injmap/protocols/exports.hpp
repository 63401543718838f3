#pragma once
// Exports of a treatment (a replayed session) for other systems (docs/exports.md):
// - export_fhir: an HL7 FHIR R5 (5.0.0) Bundle of type "collection": the Patient (pseudonymous),
//   one Procedure for the session, one MedicationAdministration per site acted on (partOf the
//   Procedure) and one BodyStructure per such site (laterality, distance from its named landmark);
// - export_slicer: a 3D Slicer markups file (.mrk.json, markups schema v1.0.3): one labelled
//   control point per site, in the model's coordinates;
// - export_csv: the per-site table, RFC 4180 (CRLF line ends, quoted fields where needed).
// Plain functions of plain data: no I/O, no GL. The same session, model and context give the same
// bytes (the FHIR resources' UUIDs derive from ExportContext::treatment_key), so an export can be
// made again and compared.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/models/model.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/session.hpp"

namespace injmap {

enum class ExportFormat { fhir, slicer, csv };
[[nodiscard]] std::optional<ExportFormat> export_format_from_string(std::string_view text);
[[nodiscard]] const char* to_string(ExportFormat format);

// What the session itself does not say.
struct ExportContext {
    // Hex digest naming the treatment: the seed of every UUID in the FHIR Bundle. The CLI uses the
    // SHA-256 of the record's first (start) line, which a record keeps for its whole life: a record
    // exported again after more lines were appended keeps its resources' identities.
    std::string treatment_key;
    // The treatment's id as `injmap history` prints it; empty when there is none (a record given
    // by path). Written as the Procedure's identifier.
    std::string treatment_id;
    // A pseudonymous patient id (never a name); empty when unknown. Written as the Patient's
    // identifier; without one the Bundle's Patient carries no identifier at all.
    std::string patient_id;
    // The model the positions are given on (its id, written in every format).
    std::string model_id;
    // The protocol's sites placed on `model` (place_protocol), parallel to protocol().sites();
    // nullptr: no positions (the CSV's and FHIR's position fields stay empty, and Slicer gets no
    // control point for an unplaced site).
    const PlacedProtocol* placed = nullptr;
};

// How an exported site's position was found.
enum class PositionSource {
    none,     // not placed (no placement given, or the site could not be placed on this model)
    placed,   // the protocol site placed on the model
    recorded, // an added site's position as recorded (a click on the skin)
    moved,    // a protocol site injected elsewhere: where it was given (planned_position: the plan)
    stand_in  // an added site without a position: the protocol site standing in for it
};
[[nodiscard]] const char* to_string(PositionSource source);

// One site of the session as every format sees it.
struct ExportSite {
    std::string id;
    std::string muscle;
    Side side = Side::midline;
    SiteStatus status = SiteStatus::pending; // the stored state (never `current`)
    double units_planned = 0.0;
    double units_given = 0.0; // > 0 only when injected
    bool optional = false;
    bool added = false;
    std::optional<double> depth_mm; // the protocol's typical skin-to-target depth
    std::string depth_note;
    std::string reason;                // skip reason, or the reason given with the dose
    std::optional<SessionTime> time;   // when injected or skipped
    std::optional<glm::vec3> position; // model space, mm
    PositionSource position_source = PositionSource::none;
    std::string stand_in_site; // the protocol site standing in (stand_in), else empty
    // The named landmark the site is measured from: the site's own anchor (resolved to the site's
    // side, e.g. "supraorbital_rim_left"); for an added site with a recorded position, the model's
    // landmark nearest to it. Empty when the model has none.
    std::string landmark;
    std::optional<glm::vec3> landmark_position;
    // When the placement runs between two landmarks: "0.5 of the way from brow_medial_left to
    // brow_medial_right" (the protocol's `toward` and `t`); else empty.
    std::string between_landmarks;
    // position - landmark_position, in mm: the offset in model axes (+X subject's left, +Y up,
    // +Z forward) and its length.
    std::optional<glm::vec3> offset_from_landmark;
    std::optional<double> distance_from_landmark_mm;
    // A protocol site injected elsewhere (position_source moved): where the plan had it and the
    // offset from there in anatomical terms (site_offset.hpp).
    std::optional<glm::vec3> planned_position;
    std::optional<double> moved_mm;
    std::string moved_direction;
};

// The session's sites (protocol sites in treatment order, then added sites) with positions and
// landmarks resolved on `model`.
[[nodiscard]] std::vector<ExportSite> export_sites(const Session& session, const Model& model,
                                                   const ExportContext& context);

// The three formats. Each ends with a line break.
[[nodiscard]] std::string export_fhir(const Session& session, const Model& model,
                                      const ExportContext& context);
[[nodiscard]] std::string export_slicer(const Session& session, const Model& model,
                                        const ExportContext& context);
[[nodiscard]] std::string export_csv(const Session& session, const Model& model,
                                     const ExportContext& context);
[[nodiscard]] std::string export_session(ExportFormat format, const Session& session,
                                         const Model& model, const ExportContext& context);

// The CSV's header fields, in order (docs/exports.md).
[[nodiscard]] const std::vector<std::string>& export_csv_columns();

// A name-based UUID (RFC 9562 version 8, built from SHA-256): the first 16 bytes of
// SHA-256(key + "/" + name) with the version and variant bits set, in 8-4-4-4-12 form.
[[nodiscard]] std::string export_uuid(std::string_view key, std::string_view name);

} // namespace injmap
