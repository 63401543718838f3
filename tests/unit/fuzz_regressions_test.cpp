// Inputs the fuzzers (tests/fuzz/) once broke a reader with, kept in tests/data/fuzz-regressions/
// <target>/: every file is replayed through its reader here (so the dev preset's ASan/UBSan build
// checks them on every run), plus a focused test per finding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"
#include "injmap/protocols/validator.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace injmap {
namespace {
namespace fs = std::filesystem;

// The saved inputs of one fuzz target. A missing or empty folder is a failure, not an empty loop:
// a test that replays nothing asserts nothing.
std::vector<fs::path> regressions(const std::string& target) {
    std::vector<fs::path> files;
    const fs::path dir = test::data_dir() / "fuzz-regressions" / target;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        ADD_FAILURE() << "no fuzz regression folder " << dir;
        return files;
    }
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file())
            files.push_back(entry.path());
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    EXPECT_FALSE(files.empty()) << "no inputs in " << dir;
    std::sort(files.begin(), files.end());
    return files;
}

// The reader contract the fuzzers check: rule ids, one-line messages, sane locations.
void expect_contract(const Diagnostics& diagnostics, const fs::path& input) {
    for (const auto& d : diagnostics) {
        EXPECT_FALSE(d.rule.empty()) << input << ": " << d.message;
        EXPECT_FALSE(d.message.empty()) << input << " [" << d.rule << "]";
        EXPECT_EQ(d.message.find('\n'), std::string::npos)
            << input << " [" << d.rule << "]: a multi-line message";
        EXPECT_GE(d.where.line, 0) << input;
        EXPECT_GE(d.where.column, 0) << input;
    }
}

// The tiny model fuzz_manifest writes next to each input (tests/fuzz/tiny_obj.hpp).
constexpr const char* kTinyObj =
    "v -50 -50 -50\nv 50 -50 -50\nv 50 50 -50\nv -50 50 -50\n"
    "v -50 -50 50\nv 50 -50 50\nv 50 50 50\nv -50 50 50\n"
    "vt 0 0\ng skin\nf 1 4 3\nf 1 3 2\nf 5 6 7\nf 5 7 8\nf 1 5 8\nf 1 8 4\n"
    "f 2 3 7\nf 2 7 6\nf 4 8 7\nf 4 7 3\nf 1 2 6\nf 1 6 5\n"
    "g muscle\nf 1/1 2/1 3/1\n";

// As fuzz_protocol does: read, validate, place on a small model, check on the model.
TEST(FuzzRegressions, ProtocolInputs) {
    const Model model = test::make_test_model();
    const ModelQueries queries(model);
    for (const auto& file : regressions("fuzz_protocol")) {
        const auto r = read_protocol_text(test::read_text(file), file.filename().string());
        expect_contract(r.diagnostics, file);
        // As the fuzzer: a protocol read with errors is still validated, then not placed.
        if (!r.value)
            continue;
        expect_contract(validate_protocol(*r.value), file);
        if (!r.ok())
            continue;
        const auto placed = place_protocol(*r.value, queries);
        expect_contract(placed.diagnostics, file);
        if (placed.value)
            expect_contract(validate_on_model(*r.value, *placed.value, queries), file);
    }
}

// fuzz_protocol: a landmark (and a muscle) name holding an escaped newline was quoted into
// placement.unknown-landmark and validator messages, which became two lines.
TEST(FuzzRegressions, PlacementMessagesAreOneLine) {
    const auto r = read_protocol_file(test::data_dir() / "fuzz-regressions" / "fuzz_protocol" /
                                      "landmark-newline.toml");
    ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics.front()));
    const Model model = test::make_test_model();
    const ModelQueries queries(model);
    const auto placed = place_protocol(*r.value, queries);
    bool unknown_landmark = false;
    for (const auto& d : placed.diagnostics)
        unknown_landmark = unknown_landmark || d.rule == "placement.unknown-landmark";
    EXPECT_TRUE(unknown_landmark);
    expect_contract(placed.diagnostics, "landmark-newline.toml");
    if (placed.value)
        expect_contract(validate_on_model(*r.value, *placed.value, queries),
                        "landmark-newline.toml");
}

TEST(FuzzRegressions, ManifestInputs) {
    const fs::path dir = test::fresh_dir("manifest");
    test::write_text(dir / "tiny.obj", kTinyObj);
    for (const auto& file : regressions("fuzz_manifest")) {
        fs::copy_file(file, dir / "fuzz.toml", fs::copy_options::overwrite_existing);
        expect_contract(load_model(dir / "fuzz.toml").diagnostics, file);
    }
}

// The contract fuzz_obj checks on a loaded mesh: whole triangles, indices in range, one normal per
// position, everything finite.
void expect_mesh_contract(const Mesh& mesh, const std::string& what, const fs::path& input) {
    EXPECT_EQ(mesh.indices.size() % 3, 0u) << input << " " << what;
    for (std::uint32_t i : mesh.indices)
        ASSERT_LT(i, mesh.positions.size()) << input << " " << what;
    if (!mesh.normals.empty()) {
        EXPECT_EQ(mesh.normals.size(), mesh.positions.size()) << input << " " << what;
    }
    const auto is_finite = [](const glm::vec3& v) {
        return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
    };
    for (const glm::vec3& p : mesh.positions)
        ASSERT_TRUE(is_finite(p)) << input << " " << what << ": a non-finite position";
    for (const glm::vec3& n : mesh.normals)
        ASSERT_TRUE(is_finite(n)) << input << " " << what << ": a non-finite normal";
}

// What an input's "# expect: <rule id>" (or "# expect: ok") line says its load must give; empty
// when the input has none (a fuzzer seed kept as is: only the contract is checked).
std::string expected_outcome(const std::string& text) {
    const std::string tag = "# expect: ";
    const auto at = text.find(tag);
    if (at == std::string::npos)
        return {};
    const auto end = text.find_first_of("\r\n", at);
    return text.substr(at + tag.size(), end == std::string::npos ? end : end - at - tag.size());
}

// As fuzz_obj does: each saved OBJ through the whole load with a fixed manifest. Every input
// keeps the reader's contract, and an input that names its expected rule id must be refused with
// exactly that rule at a located line (obj.empty has no line), one marked "ok" must load.
TEST(FuzzRegressions, ObjInputs) {
    const fs::path dir = test::fresh_dir("obj");
    test::write_text(dir / "fixed.toml",
                     "schema_version = 1\nid = \"fuzz\"\n[mesh]\nfile = \"fuzzed.obj\"\n"
                     "units = \"mm\"\nup = \"+y\"\nforward = \"+z\"\n[skin]\ngroup = \"skin\"\n"
                     "[[muscles]]\nid = \"frontalis\"\nside = \"midline\"\ngroup = \"muscle\"\n"
                     "layer = \"sheet\"\n[landmarks]\nvertex = [0, 50, 0]\n");
    const auto files = regressions("fuzz_obj");
    ASSERT_FALSE(files.empty());
    int with_expectation = 0;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        fs::copy_file(file, dir / "fuzzed.obj", fs::copy_options::overwrite_existing);
        const auto r = load_model(dir / "fixed.toml");
        expect_contract(r.diagnostics, file);
        if (r.value) {
            expect_mesh_contract(r.value->skin, "skin", file);
            for (const Muscle& m : r.value->muscles)
                expect_mesh_contract(m.mesh, m.key(), file);
        }
        const std::string expect = expected_outcome(test::read_text(file));
        if (expect.empty())
            continue;
        ++with_expectation;
        if (expect == "ok") {
            EXPECT_TRUE(r.ok()) << (r.diagnostics.empty()
                                        ? std::string("no diagnostics")
                                        : format_diagnostic(r.diagnostics.front()));
            continue;
        }
        EXPECT_FALSE(r.ok()) << "expected " << expect;
        const auto hit =
            std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [&](const auto& d) {
                return d.severity == Severity::error && d.rule == expect;
            });
        ASSERT_TRUE(hit != r.diagnostics.end()) << "no " << expect << " error";
        if (expect != "obj.empty") {
            EXPECT_GT(hit->where.line, 0) << expect << " is not located";
        }
    }
    EXPECT_GE(with_expectation, 5) << "the folder lost its findings";
}

TEST(FuzzRegressions, SessionRecordInputs) {
    auto protocol = read_protocol_file(test::source_dir() / "protocols" / "preempt-155.toml");
    ASSERT_TRUE(protocol.ok());
    const auto shared = std::make_shared<const Protocol>(std::move(*protocol.value));
    for (const auto& file : regressions("fuzz_session_record")) {
        const auto r = parse_session_record(test::read_text(file), file.filename().string());
        expect_contract(r.diagnostics, file);
        if (r.ok())
            expect_contract(replay_session_record(*r.value, shared).diagnostics, file);
    }
}

// fuzz_session_record: a start time in the year 4048 overflowed the nanosecond time_point
// (signed overflow in std::chrono, caught by UBSan). Times must be refused or round-trip exactly.
TEST(FuzzRegressions, FarTimesAreRefusedOrRoundTrip) {
    for (const char* text :
         {"4048-05-01T09:30:00Z", "9999-12-31T23:59:59Z", "2263-01-01T00:00:00Z",
          "0000-01-01T00:00:00Z", "1677-01-01T00:00:00Z", "1970-01-01T00:00:00Z"}) {
        const auto time = parse_iso8601_utc(text);
        if (time) {
            EXPECT_EQ(format_iso8601_utc(*time), text);
        }
    }
    EXPECT_TRUE(parse_iso8601_utc("2024-05-01T09:30:00Z").has_value());
}

// fuzz_session_record: a position beyond float's range was read (as inf), and record_line then
// wrote a line that did not parse back (JSON has no inf). Such a line must be refused on reading.
TEST(FuzzRegressions, PositionBeyondFloatIsRefused) {
    std::string error;
    EXPECT_FALSE(parse_record_line(
        R"({"action":"add","site":"ftp_1","muscle":"trapezius","side":"left",)"
        R"("units":5,"position_mm":[6e30,5.1e71,-80.25],"time":"2024-05-01T09:35:00Z"})",
        error));
    EXPECT_FALSE(error.empty());
    const auto r = read_session_record(test::data_dir() / "fuzz-regressions" /
                                       "fuzz_session_record" / "position-beyond-float.jsonl");
    EXPECT_FALSE(r.ok());
}

// fuzz_manifest: toml++ quotes the character it choked on, here a newline, and the manifest reader
// passed that description on as a two-line message.
TEST(FuzzRegressions, ManifestSyntaxMessageIsOneLine) {
    const fs::path dir = test::fresh_dir("newline");
    test::write_text(dir / "model.toml", "schema_version = i\n");
    const auto r = load_model(dir / "model.toml");
    ASSERT_FALSE(r.ok());
    ASSERT_FALSE(r.diagnostics.empty());
    EXPECT_EQ(r.diagnostics.front().rule, "manifest.syntax");
    EXPECT_EQ(r.diagnostics.front().where.line, 1);
    expect_contract(r.diagnostics, dir / "model.toml");
}

} // namespace
} // namespace injmap
