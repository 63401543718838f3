// Exports of a treatment: FHIR R5 Bundle, 3D Slicer markups, per-site CSV (exports.hpp,
// docs/exports.md has the mapping of every field).
#include "injmap/protocols/exports.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include <glm/geometric.hpp>
#include <nlohmann/json.hpp>

#include "injmap/models/csv.hpp"
#include "injmap/models/landmark_names.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/protocols/session_record.hpp" // sha256_hex
#include "injmap/protocols/site_offset.hpp"
#include "injmap/units_format.hpp"

namespace injmap {
namespace {
using Json = nlohmann::ordered_json;

// The published schema a markups file names (Slicer writes the same string).
constexpr const char* kSlicerSchema =
    "https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/"
    "Schema/markups-schema-v1.0.3.json#";
// HL7's free route code system (FHIR's terminology server hosts it) and UCUM.
constexpr const char* kRouteSystem =
    "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration";
constexpr const char* kUcum = "http://unitsofmeasure.org";
// The R5 core extension that links a coded body site to a BodyStructure.
constexpr const char* kBodySiteExtension = "http://hl7.org/fhir/StructureDefinition/bodySite";

// Tenths of a millimetre: finer than any placement means, coarse enough to read.
double tenths(double v) {
    const double r = std::round(v * 10.0) / 10.0;
    return r == 0.0 ? 0.0 : r; // no "-0"
}

std::string fixed1(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", tenths(v));
    return buf;
}

// "temporalis_anterior" → "temporalis anterior".
std::string words(std::string_view id) {
    std::string out(id);
    for (char& c : out)
        if (c == '_')
            c = ' ';
    return out;
}

std::string side_word(Side side) {
    return side == Side::left ? "left" : side == Side::right ? "right" : "midline";
}

// A landmark in words: "supraorbital_rim_left" → "supraorbital rim, left: superior orbital rim
// above the pupil (midpupillary line)" (the standard description, when it is a standard one).
std::string landmark_text(std::string_view name) {
    for (const LandmarkName& l : kStandardLandmarks) {
        if (name == l.name)
            return words(name) + ": " + std::string(l.description);
        if (!l.sided || name.size() <= l.name.size() || name.substr(0, l.name.size()) != l.name)
            continue;
        const std::string_view suffix = name.substr(l.name.size());
        if (suffix == "_left" || suffix == "_right")
            return words(l.name) + ", " + std::string(suffix.substr(1)) + ": " +
                   std::string(l.description);
    }
    return words(name);
}

// The directions of `offset` from a landmark at `landmark`, in anatomical words: each axis whose
// component is at least a third of the distance and at least 2 mm. X is medial/lateral for a
// landmark off the midline, left/right (the subject's) for one on it.
std::vector<std::string> surface_orientation(glm::vec3 landmark, glm::vec3 offset) {
    std::vector<std::string> out;
    const float length = glm::length(offset);
    const auto counts = [&](float c) { return std::abs(c) >= 2.0f && std::abs(c) >= length / 3; };
    if (counts(offset.y))
        out.push_back(offset.y > 0 ? "superior" : "inferior");
    if (counts(offset.z))
        out.push_back(offset.z > 0 ? "anterior" : "posterior");
    if (counts(offset.x)) {
        if (std::abs(landmark.x) < 5.0f)
            out.push_back(offset.x > 0 ? "left" : "right");
        else
            out.push_back((landmark.x > 0) == (offset.x > 0) ? "lateral" : "medial");
    }
    return out;
}

const char* status_word(SiteStatus status) {
    switch (status) {
    case SiteStatus::injected:
        return "injected";
    case SiteStatus::skipped:
        return "skipped";
    case SiteStatus::not_given:
        return "not given";
    case SiteStatus::pending:
    case SiteStatus::current:
        break;
    }
    return "pending";
}

std::string product_text(const Session& session) {
    const std::string& product = session.protocol().product;
    return product.empty() ? std::string("botulinum toxin") : product;
}

std::string site_words(const ExportSite& s) {
    std::string text = words(s.muscle);
    if (s.side != Side::midline)
        text.append(", ").append(side_word(s.side));
    return text;
}

std::string time_text(std::optional<SessionTime> t) {
    return t ? format_iso8601_utc(*t) : std::string();
}

Json reference(const std::string& uuid) {
    return Json{{"reference", "urn:uuid:" + uuid}};
}

Json text_concept(const std::string& text) {
    return Json{{"text", text}};
}

// ---- FHIR ----

Json fhir_patient(const ExportContext& context) {
    Json p;
    p["resourceType"] = "Patient";
    if (!context.patient_id.empty())
        p["identifier"] = Json::array({Json{{"type", text_concept("pseudonymous patient id")},
                                            {"value", context.patient_id}}});
    return p;
}

Json fhir_procedure(const Session& session, const std::vector<ExportSite>& sites,
                    const ExportContext& context, const std::string& patient_uuid) {
    int injected = 0;
    double units = 0.0;
    for (const ExportSite& s : sites)
        if (s.status == SiteStatus::injected) {
            ++injected;
            units += s.units_given;
        }
    const Protocol& protocol = session.protocol();
    Json p;
    p["resourceType"] = "Procedure";
    if (!context.treatment_id.empty())
        p["identifier"] = Json::array(
            {Json{{"type", text_concept("injmap treatment id")}, {"value", context.treatment_id}}});
    p["status"] = !session.finished() ? "in-progress" : injected > 0 ? "completed" : "not-done";
    p["code"] = text_concept("Botulinum toxin injections: " + protocol.title);
    p["subject"] = reference(patient_uuid);
    if (const auto start = session.started_at()) {
        Json period;
        period["start"] = format_iso8601_utc(*start);
        if (const auto end = session.finished_at())
            period["end"] = format_iso8601_utc(*end);
        p["occurrencePeriod"] = std::move(period);
    }
    p["used"] = Json::array({Json{{"concept", text_concept(product_text(session))}}});
    std::string note = "Protocol " + protocol.id + "; " + std::to_string(injected) +
                       " sites injected, " + format_units(units) + " U in all.";
    if (!session.start_info().label.empty())
        note += " Label: " + session.start_info().label + ".";
    p["note"] = Json::array({Json{{"text", note}}});
    return p;
}

Json fhir_body_structure(const ExportSite& s, const ExportContext& context,
                         const std::string& patient_uuid, const std::string& protocol_id) {
    Json included;
    included["structure"] = text_concept(words(s.muscle) + " muscle");
    if (s.side != Side::midline)
        included["laterality"] = text_concept(side_word(s.side));
    if (!s.landmark.empty() && s.distance_from_landmark_mm && s.landmark_position &&
        s.offset_from_landmark) {
        Json orientation;
        Json landmarks = Json::array({text_concept(landmark_text(s.landmark))});
        if (!s.between_landmarks.empty())
            landmarks.push_back(text_concept("site placed " + words(s.between_landmarks)));
        orientation["landmarkDescription"] = std::move(landmarks);
        Json distance;
        distance["device"] = Json::array({Json{
            {"concept",
             text_concept("straight-line distance measured on the 3D model " +
                          (context.model_id.empty() ? std::string("used") : context.model_id) +
                          " (injmap)")}}});
        distance["value"] = Json::array({Json{{"value", tenths(*s.distance_from_landmark_mm)},
                                              {"unit", "mm"},
                                              {"system", kUcum},
                                              {"code", "mm"}}});
        orientation["distanceFromLandmark"] = Json::array({std::move(distance)});
        Json directions = Json::array();
        for (const std::string& w :
             surface_orientation(*s.landmark_position, *s.offset_from_landmark))
            directions.push_back(text_concept(w));
        if (!directions.empty())
            orientation["surfaceOrientation"] = std::move(directions);
        included["bodyLandmarkOrientation"] = Json::array({std::move(orientation)});
    }
    Json b;
    b["resourceType"] = "BodyStructure";
    b["includedStructure"] = Json::array({std::move(included)});
    std::string description = "Injection site " + s.id + " of protocol " + protocol_id;
    if (s.position)
        description += "; on the model " + context.model_id + " at x " + fixed1(s.position->x) +
                       ", y " + fixed1(s.position->y) + ", z " + fixed1(s.position->z) +
                       " mm (+x the subject's left, +y up, +z forward)";
    if (s.position_source == PositionSource::stand_in)
        description += "; position of the protocol site " + s.stand_in_site;
    b["description"] = description + ".";
    b["patient"] = reference(patient_uuid);
    return b;
}

Json fhir_administration(const Session& session, const ExportSite& s,
                         const std::string& patient_uuid, const std::string& procedure_uuid,
                         const std::string& body_uuid) {
    const bool given = s.status == SiteStatus::injected;
    Json m;
    m["resourceType"] = "MedicationAdministration";
    m["partOf"] = Json::array({reference(procedure_uuid)});
    m["status"] = given ? "completed" : "not-done";
    if (!given)
        m["statusReason"] = Json::array(
            {text_concept(s.status == SiteStatus::skipped
                              ? (s.reason.empty() ? std::string("skipped") : "skipped: " + s.reason)
                              : std::string("not reached before the session was finished"))});
    m["medication"] = Json{{"concept", text_concept(product_text(session))}};
    m["subject"] = reference(patient_uuid);
    // When it was given or skipped; a site never reached: when the session ended.
    const auto when = s.time                  ? s.time
                      : session.finished_at() ? session.finished_at()
                                              : session.started_at();
    if (when)
        m["occurenceDateTime"] = format_iso8601_utc(*when);
    Json notes = Json::array();
    if (given && !s.reason.empty())
        notes.push_back(Json{{"text", "Reason for this dose: " + s.reason}});
    if (given && s.moved_mm)
        notes.push_back(Json{
            {"text", "Injected " + fixed1(*s.moved_mm) + " mm from the planned point" +
                         (s.moved_direction.empty() ? std::string() : ": " + s.moved_direction) +
                         "."}});
    if (!notes.empty())
        m["note"] = std::move(notes);
    Json dosage;
    dosage["text"] = (given ? format_units(s.units_given) + " U" : std::string("no dose")) +
                     " intramuscular, " + site_words(s);
    Json site = text_concept(site_words(s));
    site["extension"] =
        Json::array({Json{{"url", kBodySiteExtension}, {"valueReference", reference(body_uuid)}}});
    dosage["site"] = std::move(site);
    dosage["route"] = Json{{"coding", Json::array({Json{{"system", kRouteSystem},
                                                        {"code", "IM"},
                                                        {"display", "Injection, intramuscular"}}})},
                           {"text", "intramuscular"}};
    // "U": the product's own biological units (not UCUM's enzyme unit), hence no code.
    if (given)
        dosage["dose"] = Json{{"value", std::round(s.units_given * 100.0) / 100.0}, {"unit", "U"}};
    m["dosage"] = std::move(dosage);
    return m;
}

} // namespace

std::optional<ExportFormat> export_format_from_string(std::string_view text) {
    if (text == "fhir")
        return ExportFormat::fhir;
    if (text == "slicer")
        return ExportFormat::slicer;
    if (text == "csv")
        return ExportFormat::csv;
    return std::nullopt;
}

const char* to_string(ExportFormat format) {
    switch (format) {
    case ExportFormat::fhir:
        return "fhir";
    case ExportFormat::slicer:
        return "slicer";
    case ExportFormat::csv:
        break;
    }
    return "csv";
}

const char* to_string(PositionSource source) {
    switch (source) {
    case PositionSource::placed:
        return "placed";
    case PositionSource::recorded:
        return "recorded";
    case PositionSource::moved:
        return "moved";
    case PositionSource::stand_in:
        return "stand-in";
    case PositionSource::none:
        break;
    }
    return "none";
}

std::string export_uuid(std::string_view key, std::string_view name) {
    std::string seed(key);
    seed += '/';
    seed += name;
    std::string hex = sha256_hex(seed).substr(0, 32);
    hex[12] = '8'; // version 8: a custom, name-based UUID (RFC 9562)
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    hex[16] = "0123456789abcdef"[(nibble(hex[16]) & 0x3) | 0x8]; // variant 10xx
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::vector<ExportSite> export_sites(const Session& session, const Model& model,
                                     const ExportContext& context) {
    const Protocol& protocol = session.protocol();
    const std::vector<const Site*> protocol_sites = protocol.sites();
    std::map<const Site*, std::size_t> index_of;
    for (std::size_t i = 0; i < protocol_sites.size(); ++i)
        index_of[protocol_sites[i]] = i;
    const auto placed_position = [&](const Site* site) -> std::optional<glm::vec3> {
        if (!context.placed || !site)
            return std::nullopt;
        const auto it = index_of.find(site);
        if (it == index_of.end() || it->second >= context.placed->sites.size() ||
            !context.placed->sites[it->second].placed)
            return std::nullopt;
        return context.placed->sites[it->second].position;
    };
    const auto anchor = [&](const Site* site, ExportSite& out) {
        out.landmark = resolve_landmark_name(model, site->placement.landmark, site->side);
        out.landmark_position = model.landmark(out.landmark);
        if (!out.landmark_position)
            out.landmark.clear();
        else if (!site->placement.toward.empty())
            out.between_landmarks =
                format_units(site->placement.t) + " of the way from " + out.landmark + " to " +
                resolve_landmark_name(model, site->placement.toward, site->side);
    };

    std::vector<ExportSite> out;
    for (const SessionSite& s : session.sites()) {
        ExportSite e;
        e.id = s.id;
        e.muscle = s.muscle;
        e.side = s.side;
        e.status = s.status == SiteStatus::current ? SiteStatus::pending : s.status;
        e.units_planned = s.planned_units;
        e.units_given = s.status == SiteStatus::injected ? s.units_given : 0.0;
        e.optional = s.optional;
        e.added = s.added;
        e.reason = s.reason;
        e.time = s.time;
        if (s.site) {
            e.depth_mm = s.site->depth_mm;
            e.depth_note = s.site->depth_note;
            if ((e.position = placed_position(s.site)))
                e.position_source = PositionSource::placed;
            if (s.moved()) { // the record's points: where given, and the plan as it was then
                e.position = s.position_mm;
                e.position_source = PositionSource::moved;
                e.planned_position = s.planned_mm;
                const SiteOffset offset = describe_offset(*s.planned_mm, *s.position_mm, s.side);
                e.moved_mm = offset.distance_mm;
                e.moved_direction = offset.direction;
            }
            anchor(s.site, e);
        } else if (s.position_mm) {
            e.position = s.position_mm;
            e.position_source = PositionSource::recorded;
            float best = std::numeric_limits<float>::max();
            for (const auto& [name, point] : model.landmarks) {
                const float d = glm::length(point - *s.position_mm);
                if (d < best) {
                    best = d;
                    e.landmark = name;
                    e.landmark_position = point;
                }
            }
        } else if (!s.stand_in_site.empty()) {
            e.stand_in_site = s.stand_in_site;
            if (const Site* stand_in = protocol.find_site(s.stand_in_site)) {
                e.depth_mm = stand_in->depth_mm;
                e.depth_note = stand_in->depth_note;
                if ((e.position = placed_position(stand_in)))
                    e.position_source = PositionSource::stand_in;
                anchor(stand_in, e);
            }
        }
        if (e.position && e.landmark_position) {
            e.offset_from_landmark = *e.position - *e.landmark_position;
            e.distance_from_landmark_mm = glm::length(*e.offset_from_landmark);
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::string export_fhir(const Session& session, const Model& model, const ExportContext& context) {
    const std::vector<ExportSite> sites = export_sites(session, model, context);
    const std::string& key = context.treatment_key;
    const std::string patient_uuid = context.patient_id.empty()
                                         ? export_uuid(key, "patient")
                                         : export_uuid("injmap-patient", context.patient_id);
    const std::string procedure_uuid = export_uuid(key, "procedure");

    Json entries = Json::array();
    const auto add = [&](const std::string& uuid, Json resource) {
        entries.push_back(Json{{"fullUrl", "urn:uuid:" + uuid}, {"resource", std::move(resource)}});
    };
    add(patient_uuid, fhir_patient(context));
    add(procedure_uuid, fhir_procedure(session, sites, context, patient_uuid));
    for (const ExportSite& s : sites) {
        if (s.status == SiteStatus::pending)
            continue; // not acted on yet: nothing was administered, nor decided against
        const std::string body_uuid = export_uuid(key, "site/" + s.id + "/body-structure");
        const std::string admin_uuid = export_uuid(key, "site/" + s.id + "/administration");
        add(body_uuid, fhir_body_structure(s, context, patient_uuid, session.protocol().id));
        add(admin_uuid, fhir_administration(session, s, patient_uuid, procedure_uuid, body_uuid));
    }
    Json bundle;
    bundle["resourceType"] = "Bundle";
    // The Bundle's own identity changes with the record's content (its actions); the resources'
    // identities do not.
    bundle["identifier"] =
        Json{{"system", "urn:ietf:rfc:3986"},
             {"value", "urn:uuid:" +
                           export_uuid(key, "bundle/" + std::to_string(session.history().size()))}};
    bundle["type"] = "collection";
    bundle["entry"] = std::move(entries);
    return bundle.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string export_slicer(const Session& session, const Model& model,
                          const ExportContext& context) {
    const std::vector<ExportSite> sites = export_sites(session, model, context);
    Json points = Json::array();
    int n = 0;
    for (const ExportSite& s : sites) {
        Json p;
        p["id"] = std::to_string(++n);
        p["label"] = s.id;
        std::string description = site_words(s) + ": " + status_word(s.status);
        if (s.status == SiteStatus::injected)
            description.append(" ").append(format_units(s.units_given)).append(" U");
        else
            description.append(" (planned ").append(format_units(s.units_planned)).append(" U)");
        if (!s.reason.empty())
            description += "; " + s.reason;
        if (s.position_source == PositionSource::stand_in)
            description += "; at the position of " + s.stand_in_site;
        p["description"] = description;
        p["associatedNodeID"] = "";
        const glm::vec3 at = s.position.value_or(glm::vec3(0.0f));
        p["position"] = Json::array({tenths(at.x), tenths(at.y), tenths(at.z)});
        p["orientation"] = Json::array({-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0});
        p["selected"] = true;
        p["locked"] = true;
        p["visibility"] = true;
        p["positionStatus"] = s.position ? "defined" : "undefined";
        points.push_back(std::move(p));
    }
    Json markup;
    markup["type"] = "Fiducial";
    markup["name"] = session.protocol().id;
    // The model's own numbers, which Slicer reads as LPS: the points sit on the model's OBJ as
    // Slicer loads it (docs/exports.md).
    markup["coordinateSystem"] = "LPS";
    markup["coordinateUnits"] = "mm";
    markup["locked"] = true;
    markup["labelFormat"] = "%N-%d";
    markup["controlPoints"] = std::move(points);
    markup["measurements"] = Json::array();
    markup["display"] = Json{{"visibility", true},
                             {"opacity", 1.0},
                             {"color", Json::array({0.9, 0.2, 0.2})},
                             {"selectedColor", Json::array({0.9, 0.2, 0.2})},
                             {"propertiesLabelVisibility", false},
                             {"pointLabelsVisibility", true},
                             {"textScale", 2.0},
                             {"glyphType", "Sphere3D"},
                             {"glyphScale", 1.5},
                             {"glyphSize", 4.0},
                             {"useGlyphScale", true}};
    Json file;
    file["@schema"] = kSlicerSchema;
    file["markups"] = Json::array({std::move(markup)});
    return file.dump(4, ' ', false, Json::error_handler_t::replace) + "\n";
}

const std::vector<std::string>& export_csv_columns() {
    static const std::vector<std::string> columns = {
        "site",          "muscle",   "side",  "status",   "units_planned",
        "units_given",   "optional", "added", "landmark", "distance_from_landmark_mm",
        "depth_mm",      "x_mm",     "y_mm",  "z_mm",     "position_source",
        "stand_in_site", "reason",   "time",  "moved_mm", "moved_direction"};
    return columns;
}

std::string export_csv(const Session& session, const Model& model, const ExportContext& context) {
    const auto row = [](const std::vector<std::string>& fields) {
        std::string line;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0)
                line += ',';
            line += csv_field(fields[i]);
        }
        return line + "\r\n"; // RFC 4180: CRLF ends every record
    };
    std::string out = row(export_csv_columns());
    for (const ExportSite& s : export_sites(session, model, context)) {
        const std::string status = to_string(s.status);
        out += row({s.id,
                    s.muscle,
                    side_word(s.side),
                    status,
                    format_units(s.units_planned),
                    format_units(s.units_given),
                    s.optional ? "yes" : "no",
                    s.added ? "yes" : "no",
                    s.landmark,
                    s.distance_from_landmark_mm ? fixed1(*s.distance_from_landmark_mm) : "",
                    s.depth_mm ? fixed1(*s.depth_mm) : "",
                    s.position ? fixed1(s.position->x) : "",
                    s.position ? fixed1(s.position->y) : "",
                    s.position ? fixed1(s.position->z) : "",
                    to_string(s.position_source),
                    s.stand_in_site,
                    s.reason,
                    time_text(s.time),
                    s.moved_mm ? fixed1(*s.moved_mm) : "",
                    s.moved_direction});
    }
    return out;
}

std::string export_session(ExportFormat format, const Session& session, const Model& model,
                           const ExportContext& context) {
    switch (format) {
    case ExportFormat::fhir:
        return export_fhir(session, model, context);
    case ExportFormat::slicer:
        return export_slicer(session, model, context);
    case ExportFormat::csv:
        break;
    }
    return export_csv(session, model, context);
}

} // namespace injmap
