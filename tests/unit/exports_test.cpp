// Exports of a treatment (protocols/exports.hpp): the FHIR R5 Bundle, the 3D Slicer markups file
// and the per-site CSV made from one replayed session on the generated adult-male model, and the
// `injmap export` command's contract. The JSON schema checks are tests/exports/validate_exports.py.
#include <chrono>
#include <cmath>
#include <memory>
#include <set>

#include <glm/geometric.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/models/csv.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/exports.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using injmap::test::data_dir;
using injmap::test::fresh_dir;
using injmap::test::read_text;
using injmap::test::run_injmap;
using injmap::test::write_text;
namespace fs = std::filesystem;
using Json = nlohmann::json;

// A reason holding every character CSV must quote.
const std::string kAwkwardReason = "smaller: brow \"heavy\", asked\nagain";

// One finished session of the small test protocol (tests/data/sessions/mini-ftp.toml) on the
// generated adult-male model: two sites injected (the second at 2.5 U with kAwkwardReason),
// procerus skipped, a follow-the-pain trapezius site without a position (a stand-in) and one with a
// recorded position, the rest not given. Times 30 s apart from 2026-03-01T09:00:00Z.
struct Treatment {
    std::shared_ptr<const Protocol> protocol;
    std::unique_ptr<Session> session;
    const Model* model = nullptr;
    std::unique_ptr<ModelQueries> queries;
    PlacedProtocol placed;
    ExportContext context;
    glm::vec3 recorded_position{0.0f};
};

std::unique_ptr<Treatment> make_treatment(bool finish = true) {
    auto t = std::make_unique<Treatment>();
    t->model = test::default_model("adult-male");
    if (!t->model)
        return nullptr;
    auto read = read_protocol_file(data_dir() / "sessions" / "mini-ftp.toml");
    if (!read.ok())
        return nullptr;
    t->protocol = std::make_shared<const Protocol>(std::move(*read.value));
    const SessionTime t0 = *parse_iso8601_utc("2026-03-01T09:00:00Z");
    auto tick = std::make_shared<int>(0);
    t->session = std::make_unique<Session>(
        t->protocol, [t0, tick] { return t0 + std::chrono::seconds(30 * (*tick)++); });
    Session& s = *t->session;
    SessionStart start;
    start.format = 2; // before the checklist: none needed here
    start.model = "adult-male";
    t->recorded_position = *t->model->landmark("acromion_right") + glm::vec3(8.0f, 20.0f, 0.0f);
    const bool ok = s.start(start).ok() && s.inject().ok() && s.inject(2.5, kAwkwardReason).ok() &&
                    s.skip("bruise, left").ok() && s.add("trapezius", Side::left, 3.0).ok() &&
                    s.add("trapezius", Side::right, 4.0, t->recorded_position).ok() &&
                    (!finish || s.finish().ok());
    if (!ok)
        return nullptr;
    t->queries = std::make_unique<ModelQueries>(*t->model);
    auto placed = place_protocol(*t->protocol, *t->queries);
    if (!placed.value)
        return nullptr;
    t->placed = std::move(*placed.value);
    t->context.treatment_key = sha256_hex("test treatment");
    t->context.model_id = "adult-male";
    t->context.placed = &t->placed;
    return t;
}

// The finished treatment, made once per process (the Exports.* tests run as one ctest test).
const Treatment* finished_treatment() {
    static const std::unique_ptr<Treatment> treatment = make_treatment();
    return treatment.get();
}

#define TREATMENT_OR_SKIP(t)                                                                       \
    const Treatment* const t = finished_treatment();                                               \
    if (!t)                                                                                        \
        GTEST_SKIP() << "the generated adult-male model is not built";

// The placed position of a protocol site.
glm::vec3 placed_at(const Treatment& t, std::string_view id) {
    const auto sites = t.protocol->sites();
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i]->id == id)
            return t.placed.sites[i].position;
    ADD_FAILURE() << "no site " << id;
    return glm::vec3(0.0f);
}

TEST(Exports, UuidsAreVersion8AndDeterministic) {
    const std::string a = export_uuid("key", "procedure");
    EXPECT_EQ(a, export_uuid("key", "procedure"));
    EXPECT_NE(a, export_uuid("key", "patient"));
    EXPECT_NE(a, export_uuid("other key", "procedure"));
    ASSERT_EQ(a.size(), 36u);
    for (const std::size_t dash : {8u, 13u, 18u, 23u})
        EXPECT_EQ(a[dash], '-');
    EXPECT_EQ(a[14], '8');                                         // version 8
    EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos); // variant 10xx
}

TEST(Exports, FormatNames) {
    EXPECT_EQ(export_format_from_string("fhir"), ExportFormat::fhir);
    EXPECT_EQ(export_format_from_string("slicer"), ExportFormat::slicer);
    EXPECT_EQ(export_format_from_string("csv"), ExportFormat::csv);
    EXPECT_FALSE(export_format_from_string("FHIR"));
    EXPECT_FALSE(export_format_from_string("json"));
}

// The sites as every format sees them: statuses, positions by their source, landmark distances.
TEST(Exports, SitesCarryPositionsLandmarksAndDistances) {
    TREATMENT_OR_SKIP(t);
    const auto sites = export_sites(*t->session, *t->model, t->context);
    ASSERT_EQ(sites.size(), t->session->sites().size());
    const ExportSite& first = sites[0];
    EXPECT_EQ(first.id, "corrugator_left");
    EXPECT_EQ(first.status, SiteStatus::injected);
    EXPECT_EQ(first.position_source, PositionSource::placed);
    EXPECT_EQ(first.landmark, "supraorbital_rim_left");
    ASSERT_TRUE(first.position && first.distance_from_landmark_mm);
    EXPECT_LT(glm::distance(*first.position, placed_at(*t, "corrugator_left")), 1e-4f);
    EXPECT_NEAR(*first.distance_from_landmark_mm,
                glm::distance(*first.position, *t->model->landmark("supraorbital_rim_left")), 1e-3);
    EXPECT_EQ(sites[1].units_given, 2.5);
    EXPECT_EQ(sites[1].reason, kAwkwardReason);
    EXPECT_EQ(sites[2].status, SiteStatus::skipped);

    const ExportSite& stand_in = sites[sites.size() - 2];
    EXPECT_TRUE(stand_in.added);
    EXPECT_EQ(stand_in.position_source, PositionSource::stand_in);
    EXPECT_EQ(stand_in.stand_in_site, "trapezius_1_left");
    // trapezius_1 lies halfway from the acromion to C7 (the protocol's `toward`)
    EXPECT_EQ(stand_in.landmark, "acromion_left");
    EXPECT_EQ(stand_in.between_landmarks, "0.5 of the way from acromion_left to c7");
    ASSERT_TRUE(stand_in.position);
    EXPECT_LT(glm::distance(*stand_in.position, placed_at(*t, "trapezius_1_left")), 1e-4f);

    const ExportSite& recorded = sites.back();
    EXPECT_EQ(recorded.position_source, PositionSource::recorded);
    ASSERT_TRUE(recorded.position && recorded.distance_from_landmark_mm);
    // (the session keeps a recorded position to hundredths of a millimetre)
    EXPECT_LT(glm::distance(*recorded.position, t->recorded_position), 0.01f);
    // The model's nearest landmark to the recorded point, and its distance.
    EXPECT_EQ(recorded.landmark, "acromion_right");
    EXPECT_NEAR(*recorded.distance_from_landmark_mm, glm::length(glm::vec3(8.0f, 20.0f, 0.0f)),
                0.01);

    // Without placements: no positions, the landmarks still named.
    ExportContext bare = t->context;
    bare.placed = nullptr;
    const auto unplaced = export_sites(*t->session, *t->model, bare);
    EXPECT_FALSE(unplaced[0].position);
    EXPECT_EQ(unplaced[0].position_source, PositionSource::none);
    EXPECT_EQ(unplaced[0].landmark, "supraorbital_rim_left");
    EXPECT_TRUE(unplaced.back().position); // the recorded one needs no placement
}

// The CSV reads back (RFC 4180: CRLF, quoted fields) to the same values, one row per site.
TEST(Exports, CsvRoundTripsThroughTheReader) {
    TREATMENT_OR_SKIP(t);
    const std::string text = export_csv(*t->session, *t->model, t->context);
    // Every record ends with CRLF and no line break stands alone outside quotes: the only bare LF
    // is the one inside the quoted reason.
    std::size_t crlf = 0, bare_lf = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n')
            ++(i > 0 && text[i - 1] == '\r' ? crlf : bare_lf);
    EXPECT_EQ(crlf, t->session->sites().size() + 1);
    EXPECT_EQ(bare_lf, 1u);
    EXPECT_EQ(text.substr(text.size() - 2), "\r\n");

    const CsvParse parse = parse_csv(text);
    ASSERT_FALSE(parse.unterminated);
    ASSERT_EQ(parse.rows.size(), t->session->sites().size() + 1);
    const auto& columns = export_csv_columns();
    ASSERT_EQ(parse.rows[0].fields.size(), columns.size());
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        EXPECT_EQ(parse.rows[0].fields[i].text, columns[i]);
        col[columns[i]] = i;
    }
    for (const CsvRow& row : parse.rows)
        EXPECT_EQ(row.fields.size(), columns.size()) << "line " << row.line;
    const auto field = [&](std::size_t row, const std::string& name) {
        return parse.rows[row].fields[col.at(name)].text;
    };
    EXPECT_EQ(field(1, "site"), "corrugator_left");
    EXPECT_EQ(field(1, "side"), "left");
    EXPECT_EQ(field(1, "status"), "injected");
    EXPECT_EQ(field(1, "units_given"), "5");
    EXPECT_EQ(field(1, "time"), "2026-03-01T09:00:30Z");
    EXPECT_EQ(field(1, "landmark"), "supraorbital_rim_left");
    const glm::vec3 p = placed_at(*t, "corrugator_left");
    EXPECT_NEAR(std::stod(field(1, "x_mm")), p.x, 0.051);
    EXPECT_NEAR(std::stod(field(1, "y_mm")), p.y, 0.051);
    EXPECT_NEAR(std::stod(field(1, "z_mm")), p.z, 0.051);
    EXPECT_EQ(field(2, "units_given"), "2.5");
    EXPECT_EQ(field(2, "reason"), kAwkwardReason);
    EXPECT_EQ(field(3, "status"), "skipped");
    EXPECT_EQ(field(3, "reason"), "bruise, left");
    EXPECT_EQ(field(3, "units_given"), "0");
    EXPECT_EQ(field(4, "status"), "not_given");
    EXPECT_EQ(field(4, "time"), "");
    const std::size_t last = parse.rows.size() - 1;
    EXPECT_EQ(field(last - 1, "position_source"), "stand-in");
    EXPECT_EQ(field(last - 1, "stand_in_site"), "trapezius_1_left");
    EXPECT_EQ(field(last - 1, "added"), "yes");
    EXPECT_EQ(field(last, "position_source"), "recorded");
    EXPECT_EQ(field(last, "units_given"), "4");
}

// The Bundle: its resources, their links and the R5 element names; the same bytes every time.
TEST(Exports, FhirBundleLinksEveryAdministrationToItsProcedureAndSite) {
    TREATMENT_OR_SKIP(t);
    const std::string text = export_fhir(*t->session, *t->model, t->context);
    EXPECT_EQ(text, export_fhir(*t->session, *t->model, t->context));
    const Json bundle = Json::parse(text);
    EXPECT_EQ(bundle["resourceType"], "Bundle");
    EXPECT_EQ(bundle["type"], "collection");
    std::map<std::string, Json> by_url;
    std::map<std::string, std::vector<Json>> by_type;
    for (const Json& e : bundle["entry"]) {
        const std::string url = e["fullUrl"];
        EXPECT_EQ(url.rfind("urn:uuid:", 0), 0u) << url;
        EXPECT_TRUE(by_url.emplace(url, e["resource"]).second) << "duplicate " << url;
        by_type[e["resource"]["resourceType"]].push_back(e["resource"]);
    }
    // Acted on: 2 injected + 1 skipped + 2 added + 5 not given (every site of this session).
    const std::size_t acted = t->session->sites().size();
    ASSERT_EQ(by_type["Patient"].size(), 1u);
    ASSERT_EQ(by_type["Procedure"].size(), 1u);
    EXPECT_EQ(by_type["MedicationAdministration"].size(), acted);
    EXPECT_EQ(by_type["BodyStructure"].size(), acted);

    const Json& procedure = by_type["Procedure"][0];
    EXPECT_EQ(procedure["status"], "completed");
    EXPECT_EQ(procedure["occurrencePeriod"]["start"], "2026-03-01T09:00:00Z");
    EXPECT_TRUE(procedure["occurrencePeriod"].contains("end"));
    EXPECT_FALSE(procedure.contains("identifier")); // no treatment id given
    const std::string patient_url = procedure["subject"]["reference"];
    ASSERT_TRUE(by_url.count(patient_url));
    EXPECT_EQ(by_url[patient_url]["resourceType"], "Patient");
    EXPECT_FALSE(by_url[patient_url].contains("identifier")); // no patient id given

    std::string procedure_url;
    for (const auto& [url, r] : by_url)
        if (r["resourceType"] == "Procedure")
            procedure_url = url;
    double given = 0.0;
    int completed = 0, not_done = 0;
    for (const Json& m : by_type["MedicationAdministration"]) {
        EXPECT_EQ(m["partOf"][0]["reference"], procedure_url);
        EXPECT_EQ(m["subject"]["reference"], patient_url);
        EXPECT_TRUE(m.contains("occurenceDateTime")) << m.dump(); // R5: one r
        EXPECT_FALSE(m.contains("occurrenceDateTime"));
        EXPECT_FALSE(m.contains("effectiveDateTime")); // R4's name
        EXPECT_TRUE(m["medication"].contains("concept"));
        EXPECT_EQ(m["dosage"]["route"]["coding"][0]["code"], "IM");
        const std::string body_url =
            m["dosage"]["site"]["extension"][0]["valueReference"]["reference"];
        ASSERT_TRUE(by_url.count(body_url));
        EXPECT_EQ(by_url[body_url]["resourceType"], "BodyStructure");
        EXPECT_EQ(by_url[body_url]["patient"]["reference"], patient_url);
        if (m["status"] == "completed") {
            ++completed;
            EXPECT_EQ(m["dosage"]["dose"]["unit"], "U");
            given += m["dosage"]["dose"]["value"].get<double>();
        } else {
            ++not_done;
            EXPECT_EQ(m["status"], "not-done");
            EXPECT_FALSE(m["dosage"].contains("dose"));
            EXPECT_FALSE(m["statusReason"][0]["text"].get<std::string>().empty());
        }
    }
    EXPECT_EQ(completed, 4);
    EXPECT_EQ(not_done, 6);
    EXPECT_DOUBLE_EQ(given, 5 + 2.5 + 3 + 4);

    // The first site's BodyStructure: side, landmark, distance in mm (UCUM), direction.
    const Json& body = by_type["BodyStructure"][0];
    const Json& included = body["includedStructure"][0];
    EXPECT_EQ(included["structure"]["text"], "corrugator muscle");
    EXPECT_EQ(included["laterality"]["text"], "left");
    const Json& orientation = included["bodyLandmarkOrientation"][0];
    EXPECT_NE(orientation["landmarkDescription"][0]["text"].get<std::string>().find(
                  "supraorbital rim, left"),
              std::string::npos);
    const Json& value = orientation["distanceFromLandmark"][0]["value"][0];
    EXPECT_EQ(value["code"], "mm");
    EXPECT_EQ(value["system"], "http://unitsofmeasure.org");
    const auto sites = export_sites(*t->session, *t->model, t->context);
    EXPECT_NEAR(value["value"].get<double>(), *sites[0].distance_from_landmark_mm, 0.051);
    // corrugator sits above the supraorbital rim
    EXPECT_EQ(orientation["surfaceOrientation"][0]["text"], "superior");
    // procerus is midline: no laterality
    EXPECT_FALSE(by_type["BodyStructure"][2]["includedStructure"][0].contains("laterality"));
}

// The identities: resources keep their UUIDs across exports of the same treatment, a patient id
// and a treatment id are written where they belong, another treatment gets other UUIDs.
TEST(Exports, FhirIdentitiesFollowTheContext) {
    TREATMENT_OR_SKIP(t);
    const auto urls = [&](const ExportContext& c) {
        std::set<std::string> out;
        // (the parsed bundle is named: a range-for over a member of a temporary would outlive it)
        const Json bundle = Json::parse(export_fhir(*t->session, *t->model, c));
        for (const Json& e : bundle["entry"])
            out.insert(e["fullUrl"].get<std::string>());
        return out;
    };
    const auto base = urls(t->context);
    ExportContext other = t->context;
    other.treatment_key = sha256_hex("another treatment");
    for (const std::string& url : urls(other))
        EXPECT_EQ(base.count(url), 0u) << url;

    ExportContext known = t->context;
    known.patient_id = "P-0042";
    known.treatment_id = "T-7";
    const Json bundle = Json::parse(export_fhir(*t->session, *t->model, known));
    const Json& patient = bundle["entry"][0]["resource"];
    EXPECT_EQ(patient["identifier"][0]["value"], "P-0042");
    EXPECT_EQ(bundle["entry"][1]["resource"]["identifier"][0]["value"], "T-7");
    // The same patient id gives the same Patient UUID in another treatment's Bundle.
    other.patient_id = "P-0042";
    EXPECT_EQ(Json::parse(export_fhir(*t->session, *t->model, other))["entry"][0]["fullUrl"],
              bundle["entry"][0]["fullUrl"]);
}

// A session still running: the Procedure is in progress with no end, and only the sites acted on
// so far have an administration (a pending site was neither given nor decided against).
TEST(Exports, FhirOfARunningSessionLeavesPendingSitesOut) {
    const auto t = make_treatment(false);
    if (!t)
        GTEST_SKIP() << "the generated adult-male model is not built";
    const Json bundle = Json::parse(export_fhir(*t->session, *t->model, t->context));
    int administrations = 0;
    for (const Json& e : bundle["entry"]) {
        const Json& r = e["resource"];
        if (r["resourceType"] == "Procedure") {
            EXPECT_EQ(r["status"], "in-progress");
            EXPECT_FALSE(r["occurrencePeriod"].contains("end"));
        }
        if (r["resourceType"] == "MedicationAdministration")
            ++administrations;
    }
    EXPECT_EQ(administrations, 5); // 2 injected, 1 skipped, 2 added
    // The CSV still lists every site, the pending ones as such.
    const CsvParse csv = parse_csv(export_csv(*t->session, *t->model, t->context));
    ASSERT_EQ(csv.rows.size(), t->session->sites().size() + 1);
    EXPECT_EQ(csv.rows[4].fields[3].text, "pending");
}

// One control point per site, labelled with the site id, at the model's coordinates.
TEST(Exports, SlicerControlPointsSitAtTheModelPositions) {
    TREATMENT_OR_SKIP(t);
    const Json file = Json::parse(export_slicer(*t->session, *t->model, t->context));
    EXPECT_NE(file["@schema"].get<std::string>().find("markups-schema-v1.0.3.json"),
              std::string::npos);
    ASSERT_EQ(file["markups"].size(), 1u);
    const Json& markup = file["markups"][0];
    EXPECT_EQ(markup["type"], "Fiducial");
    EXPECT_EQ(markup["coordinateSystem"], "LPS");
    EXPECT_EQ(markup["coordinateUnits"], "mm");
    const Json& points = markup["controlPoints"];
    ASSERT_EQ(points.size(), t->session->sites().size());
    std::set<std::string> ids;
    for (std::size_t i = 0; i < points.size(); ++i) {
        EXPECT_EQ(points[i]["label"], t->session->sites()[i].id);
        EXPECT_TRUE(ids.insert(points[i]["id"].get<std::string>()).second);
        EXPECT_EQ(points[i]["positionStatus"], "defined");
    }
    const glm::vec3 p = placed_at(*t, "corrugator_left");
    EXPECT_NEAR(points[0]["position"][0].get<double>(), p.x, 0.051);
    EXPECT_NEAR(points[0]["position"][1].get<double>(), p.y, 0.051);
    EXPECT_NEAR(points[0]["position"][2].get<double>(), p.z, 0.051);
    EXPECT_NE(points[1]["description"].get<std::string>().find("2.5 U"), std::string::npos);

    ExportContext bare = t->context;
    bare.placed = nullptr;
    const Json unplaced = Json::parse(export_slicer(*t->session, *t->model, bare));
    EXPECT_EQ(unplaced["markups"][0]["controlPoints"][0]["positionStatus"], "undefined");
}

// ---- the command ----

#define CHECKLIST                                                                                  \
    "checklist allergy=no infection=no neuromuscular=no pregnancy=no anticoagulant=no "            \
    "recent_toxin=no swallowing_breathing=no warning=acknowledged\n"

fs::path play_record(const fs::path& dir) {
    write_text(dir / "s.txt", CHECKLIST "inject\ninject 2.5\nskip bruise\nadd trapezius left 3\n"
                                        "finish\n");
    const fs::path record = dir / "r.jsonl";
    const auto r = run_injmap({"session", "play", "--protocol",
                               (data_dir() / "sessions" / "mini-ftp.toml").string(), "--script",
                               (dir / "s.txt").string(), "--record", record.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return record;
}

TEST(ExportCli, WritesEachFormatAndTheSameBytesTwice) {
    const fs::path dir = fresh_dir("export-cli");
    const fs::path record = play_record(dir);
    for (const std::string format : {"fhir", "slicer", "csv"}) {
        const fs::path out = dir / ("out." + format);
        write_text(out, "an older export"); // replaced whole
        const auto r =
            run_injmap({"export", record.string(), "--format", format, "-o", out.string()});
        ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
        EXPECT_NE(read_text(out), "an older export");
    }
    // Made again from the same record (the other spellings of the options): the same bytes, UUIDs
    // included.
    const fs::path again = dir / "again.fhir";
    const auto r =
        run_injmap({"export", record.string(), "--format=fhir", "--output", again.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_text(again), read_text(dir / "out.fhir"));
    EXPECT_EQ(Json::parse(read_text(dir / "out.fhir"))["type"], "collection");
    EXPECT_EQ(Json::parse(read_text(dir / "out.slicer"))["markups"][0]["controlPoints"].size(), 9u);
    EXPECT_EQ(parse_csv(read_text(dir / "out.csv")).rows.size(), 1u + 9u); // header + 8 + 1 added
}

TEST(ExportCli, UsageErrorsExitTwo) {
    const fs::path dir = fresh_dir("export-usage");
    const fs::path record = play_record(dir);
    const std::string out = (dir / "out").string();
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"export", record.string(), "--format", "pdf", "-o", out},
             {"export", record.string(), "-o", out},
             {"export", record.string(), "--format", "csv"},
             {"export", "--format", "csv", "-o", out},
             {"export", (dir / "missing.jsonl").string(), "--format", "csv", "-o", out},
             {"export", "T-17", "--format", "csv", "-o", out},
             {"export", record.string(), "--format", "csv", "-o", (dir / "no/such/dir/f").string()},
             {"export", record.string(), "--format", "csv", "-o", record.string()},
         }) {
        const auto r = run_injmap(args);
        EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args.back() << ": " << r.err;
        EXPECT_FALSE(r.err.empty());
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(read_text(record).find("site,muscle"), std::string::npos); // the record is intact
}

// A record that reads as no record: exit 1 with the located rule id; nothing is written.
TEST(ExportCli, DamagedRecordIsAFindingWithItsLine) {
    const fs::path dir = fresh_dir("export-damaged");
    const fs::path record = play_record(dir);
    std::string text = read_text(record);
    const auto second = text.find('\n') + 1;
    text.insert(second, "this is not json\n");
    write_text(record, text);
    const fs::path out = dir / "out.csv";
    const auto r = run_injmap({"export", record.string(), "--format", "csv", "-o", out.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("r.jsonl:2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[record.corrupt-line]"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

} // namespace

// A protocol site injected elsewhere is exported where it was given, with the plan and the offset.
TEST(Exports, AMovedSiteIsExportedWhereItWasGiven) {
    const Model* model = test::default_model("adult-male");
    ASSERT_NE(model, nullptr);
    auto read = read_protocol_file(data_dir() / "sessions" / "mini-ftp.toml");
    ASSERT_TRUE(read.ok());
    auto protocol = std::make_shared<const Protocol>(std::move(*read.value));
    const ModelQueries queries(*model);
    auto placed = place_protocol(*protocol, queries);
    ASSERT_TRUE(placed.value);
    const glm::vec3 planned = placed.value->sites[0].position;
    const glm::vec3 given = planned + glm::vec3(6.0f, 5.0f, -3.0f);
    Session s(protocol, [] { return *parse_iso8601_utc("2026-03-01T09:00:00Z"); });
    SessionStart start;
    start.format = 2;
    ASSERT_TRUE(s.start(start).ok());
    ASSERT_TRUE(s.inject_elsewhere(given, planned).ok());
    ExportContext context;
    context.treatment_key = sha256_hex("moved");
    context.model_id = "adult-male";
    context.placed = &*placed.value;
    const auto sites = export_sites(s, *model, context);
    ASSERT_FALSE(sites.empty());
    EXPECT_EQ(sites[0].position_source, PositionSource::moved);
    ASSERT_TRUE(sites[0].position && sites[0].planned_position && sites[0].moved_mm);
    EXPECT_LT(glm::distance(*sites[0].position, given), 0.01f);
    EXPECT_NEAR(*sites[0].moved_mm, std::sqrt(36.0 + 25.0 + 9.0), 0.02);
    EXPECT_EQ(sites[0].moved_direction, "6 mm lateral, 5 mm up, 3 mm back"); // a left site
    const std::string csv = export_csv(s, *model, context);
    EXPECT_NE(csv.find(",moved,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",8.4,\"6 mm lateral, 5 mm up, 3 mm back\"\r\n"), std::string::npos) << csv;
    const auto bundle = nlohmann::json::parse(export_fhir(s, *model, context));
    bool noted = false;
    for (const auto& entry : bundle["entry"])
        if (entry["resource"]["resourceType"] == "MedicationAdministration" &&
            entry["resource"].contains("note"))
            for (const auto& n : entry["resource"]["note"])
                noted = noted || n["text"].get<std::string>().find("mm from the planned point") !=
                                     std::string::npos;
    EXPECT_TRUE(noted);
}
