// Hostile inputs for every reader: files far too large (sparse, so nothing big is written), paths
// that are folders or unreadable, deeply nested TOML and JSON, NaN/inf numbers, zero-area and
// degenerate triangles, an OBJ with millions of faces, and the same through the CLI. Each must end
// in a located diagnostic with the right rule id (or exit code), never a crash or a hang.
// Readers: protocol (read_protocol_file/text), manifest + OBJ (load_model), session record
// (read_session_record/parse_session_record), and `injmap` itself.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "injmap/models/manifest.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/session_record.hpp"
#include "test_support.hpp"

namespace injmap {
namespace {
namespace fs = std::filesystem;
using test::fresh_dir;
using test::write_text;

constexpr std::uintmax_t kOneGiB = 1024ull * 1024 * 1024;

// A file of `size` bytes that takes no disk space (a hole): readers must refuse it by its size.
fs::path sparse_file(const fs::path& path, std::uintmax_t size) {
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0) << path;
    ::close(fd);
    return path;
}

std::string describe(const Diagnostics& diagnostics) {
    std::ostringstream s;
    for (const auto& d : diagnostics)
        s << "\n  " << format_diagnostic(d);
    return diagnostics.empty() ? std::string("\n  (no diagnostics)") : s.str();
}

// The answer is refused (no value, an error) and one error carries `rule`.
template <class T>
::testing::AssertionResult refused_with(const Result<T>& result, std::string_view rule) {
    if (result.value && !has_errors(result.diagnostics))
        return ::testing::AssertionFailure()
               << "accepted, expected " << rule << describe(result.diagnostics);
    for (const auto& d : result.diagnostics)
        if (d.rule == rule && d.severity == Severity::error)
            return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no error " << rule << describe(result.diagnostics);
}

int line_of(const Diagnostics& diagnostics, std::string_view rule) {
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            return d.where.line;
    return -1;
}

std::string repeat(std::string_view piece, std::size_t n) {
    std::string out;
    out.reserve(piece.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        out += piece;
    return out;
}

// `[a.a.a....]`: toml++ builds one table per part recursively; ~50k parts overflow an 8 MB stack.
std::string deep_dotted_header(std::size_t parts) {
    return "[a" + repeat(".a", parts) + "]\nx = 1\n";
}

bool running_as_root() {
    return ::geteuid() == 0;
}

// ---------------------------------------------------------------------------------------------------
// Protocols

// The smallest protocol the reader accepts; each hostile case changes one thing in it.
constexpr std::string_view kProtocol = R"toml(schema_version = 1
id = "hostile"
title = "Hostile"
indication = "other"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"
[[sources]]
key = "T"
citation = "Test."
[reconstitution]
vial_units = 100
diluent_ml = 2.0
[needle]
gauge = 30
length_inch = 0.5
[[steps]]
id = "one"
title = "One"
[[steps.sites]]
id = "site"
muscle = "procerus"
side = "midline"
units = 5
at = { landmark = "glabella", up_mm = 5 }
)toml";

std::string protocol_with(std::string_view from, std::string_view to) {
    std::string text(kProtocol);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        text.replace(at, from.size(), to);
    return text;
}

TEST(HostileProtocol, BaseProtocolIsAccepted) {
    const auto r = read_protocol_text(kProtocol, "hostile.toml");
    EXPECT_TRUE(r.ok()) << describe(r.diagnostics);
}

TEST(HostileProtocol, OneGigabyteFileIsRefusedBySize) {
    const auto path = sparse_file(fresh_dir("p") / "huge.toml", kOneGiB);
    EXPECT_TRUE(refused_with(read_protocol_file(path), "protocol.too-large"));
}

TEST(HostileProtocol, OversizedTextIsRefusedBySize) {
    // Just over the 4 MB limit, all inside one comment: it would parse fine if it were read.
    const std::string text =
        std::string(kProtocol) + "# " + std::string(4u * 1024 * 1024, 'x') + "\n";
    EXPECT_TRUE(refused_with(read_protocol_text(text, "big.toml"), "protocol.too-large"));
}

TEST(HostileProtocol, DirectoryIsAnIoError) {
    EXPECT_TRUE(refused_with(read_protocol_file(fresh_dir("p")), "protocol.io"));
    EXPECT_TRUE(refused_with(read_protocol_file("/"), "protocol.io"));
}

TEST(HostileProtocol, MissingFileIsAnIoError) {
    EXPECT_TRUE(refused_with(read_protocol_file(fresh_dir("p") / "absent.toml"), "protocol.io"));
}

TEST(HostileProtocol, UnreadableFileIsAnIoError) {
    if (running_as_root())
        GTEST_SKIP() << "root reads files whatever their mode";
    const auto path = fresh_dir("p") / "locked.toml";
    write_text(path, std::string(kProtocol));
    fs::permissions(path, fs::perms::none);
    EXPECT_TRUE(refused_with(read_protocol_file(path), "protocol.io"));
    fs::permissions(path, fs::perms::owner_all);
}

TEST(HostileProtocol, DeeplyNestedArraysAreASyntaxError) {
    const std::string text =
        std::string(kProtocol) + "x = " + repeat("[", 100000) + repeat("]", 100000) + "\n";
    const auto r = read_protocol_text(text, "nested.toml");
    EXPECT_TRUE(refused_with(r, "toml.syntax"));
    EXPECT_EQ(line_of(r.diagnostics, "toml.syntax"), 25);
}

TEST(HostileProtocol, DeeplyNestedInlineTablesAreASyntaxError) {
    const std::string text = "x = " + repeat("{a=", 100000) + "1" + repeat("}", 100000) + "\n";
    EXPECT_TRUE(refused_with(read_protocol_text(text, "nested.toml"), "toml.syntax"));
}

TEST(HostileProtocol, DeeplyDottedTableHeaderIsASyntaxError) {
    const auto r = read_protocol_text(deep_dotted_header(100000), "dotted.toml");
    EXPECT_TRUE(refused_with(r, "toml.syntax"));
    EXPECT_EQ(line_of(r.diagnostics, "toml.syntax"), 1);
}

TEST(HostileProtocol, DeeplyDottedKeyIsASyntaxError) {
    const std::string text = std::string(kProtocol) + "a" + repeat(".a", 100000) + " = 1\n";
    EXPECT_TRUE(refused_with(read_protocol_text(text, "dotted.toml"), "toml.syntax"));
}

TEST(HostileProtocol, DottedKeysNestedThroughArraysDoNotCrash) {
    // Each line stays under the dotted-key limit, but arrays of inline tables span lines: about
    // 127 × 256 nested tables in all. toml++ parses this; the reader must report the unknown key.
    std::string open_line = "{a";
    open_line += repeat(".a", 250);
    open_line += " = [\n";
    std::string text(kProtocol);
    text += "[extra]\nx = [\n";
    text += repeat(open_line, 127);
    text += "1\n";
    text += repeat("]}\n", 127);
    text += "]\n";
    const auto r = read_protocol_text(text, "arrays.toml");
    EXPECT_FALSE(r.ok()) << describe(r.diagnostics);
    EXPECT_TRUE(refused_with(r, "protocol.unknown-key"));
}

TEST(HostileProtocol, NonFiniteNumbersAreBadValues) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"units = 5", "units = nan"},
             {"units = 5", "units = inf"},
             {"units = 5", "units = -inf"},
             {"up_mm = 5", "up_mm = inf"},
             {"up_mm = 5", "up_mm = nan"},
             {"up_mm = 5", "up_mm = 1e308"},
             {"vial_units = 100", "vial_units = inf"},
             {"diluent_ml = 2.0", "diluent_ml = nan"},
             {"length_inch = 0.5", "length_inch = -nan"},
         }) {
        const auto r = read_protocol_text(protocol_with(from, to), "nan.toml");
        EXPECT_TRUE(refused_with(r, "protocol.bad-value")) << to;
    }
}

TEST(HostileProtocol, BinaryAndEmptyInputsAreRefused) {
    EXPECT_TRUE(refused_with(read_protocol_text(std::string("\0\0\0\xff\xfe", 5), "nul.toml"),
                             "toml.syntax"));
    EXPECT_TRUE(
        refused_with(read_protocol_text("title = \"\xc3\x28\"\n", "utf8.toml"), "toml.syntax"));
    EXPECT_TRUE(refused_with(read_protocol_text("", "empty.toml"), "protocol.missing-key"));
}

// ---------------------------------------------------------------------------------------------------
// Model manifests and OBJ files

// A cube of skin (100 mm) around a cube of muscle with texture coordinates.
constexpr std::string_view kCubeObj = R"(v -50 -50 -50
v 50 -50 -50
v 50 50 -50
v -50 50 -50
v -50 -50 50
v 50 -50 50
v 50 50 50
v -50 50 50
v -30 -30 -30
v 30 -30 -30
v 30 30 -30
v -30 30 -30
v -30 -30 30
v 30 -30 30
v 30 30 30
v -30 30 30
vt 0 0
vt 1 0
vt 1 1
vt 0 1
g skin
f 1 4 3
f 1 3 2
f 5 6 7
f 5 7 8
f 1 5 8
f 1 8 4
f 2 3 7
f 2 7 6
f 4 8 7
f 4 7 3
f 1 2 6
f 1 6 5
g muscle
f 9/1 12/4 11/3
f 9/1 11/3 10/2
f 13/1 14/2 15/3
f 13/1 15/3 16/4
f 9/1 13/2 16/3
f 9/1 16/3 12/4
f 10/1 11/4 15/3
f 10/1 15/3 14/2
f 12/1 16/2 15/3
f 12/1 15/3 11/4
f 9/1 10/2 14/3
f 9/1 14/3 13/4
)";

std::string
manifest_for(std::string_view obj_file, std::string_view units = "mm",
             std::string_view landmarks = "vertex = [0, 50, 0]\nglabella = [0, 0, 50]\n") {
    std::string m = "schema_version = 1\nid = \"hostile\"\nname = \"Hostile\"\n[mesh]\nfile = \"";
    m += obj_file;
    m += "\"\nunits = \"";
    m += units;
    m += "\"\nup = \"+y\"\nforward = \"+z\"\n[skin]\ngroup = \"skin\"\n"
         "[[muscles]]\nid = \"frontalis\"\nside = \"midline\"\ngroup = \"muscle\"\nlayer = "
         "\"sheet\"\n[landmarks]\n";
    m += landmarks;
    return m;
}

// Writes `obj` and a manifest naming it into a fresh folder and loads the model.
Result<Model> load_with_obj(const std::string& name, std::string_view obj,
                            std::string_view units = "mm") {
    const fs::path dir = fresh_dir(name);
    write_text(dir / "mesh.obj", std::string(obj));
    write_text(dir / "model.toml", manifest_for("mesh.obj", units));
    return load_model(dir / "model.toml");
}

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

::testing::AssertionResult all_finite(const Model& model) {
    for (const auto& p : model.skin.positions)
        if (!finite(p))
            return ::testing::AssertionFailure() << "a non-finite skin position";
    for (const auto& n : model.skin.normals)
        if (!finite(n))
            return ::testing::AssertionFailure() << "a non-finite skin normal";
    for (const auto& m : model.muscles) {
        for (const auto& n : m.mesh.normals)
            if (!finite(n))
                return ::testing::AssertionFailure() << "a non-finite normal on " << m.key();
        for (const auto& d : m.fibre_directions)
            if (!finite(d))
                return ::testing::AssertionFailure()
                       << "a non-finite fibre direction on " << m.key();
    }
    for (const auto& [name, p] : model.landmarks)
        if (!finite(p))
            return ::testing::AssertionFailure() << "a non-finite landmark " << name;
    return ::testing::AssertionSuccess();
}

TEST(HostileModel, CubeModelLoads) {
    const auto r = load_with_obj("cube", kCubeObj);
    ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
    EXPECT_TRUE(all_finite(*r.value));
    EXPECT_EQ(r.value->landmarks.size(), 2u);
}

TEST(HostileModel, OneGigabyteManifestIsRefusedBySize) {
    const auto path = sparse_file(fresh_dir("m") / "huge.toml", kOneGiB);
    EXPECT_TRUE(refused_with(load_model(path), "manifest.too-large"));
}

TEST(HostileModel, OneGigabyteObjIsRefusedBySize) {
    const fs::path dir = fresh_dir("m");
    sparse_file(dir / "huge.obj", kOneGiB);
    write_text(dir / "model.toml", manifest_for("huge.obj"));
    EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "obj.too-large"));
}

TEST(HostileModel, DirectoryAsManifestIsAnIoError) {
    EXPECT_TRUE(refused_with(load_model(fresh_dir("m")), "manifest.io"));
    EXPECT_TRUE(refused_with(load_model("/"), "manifest.io"));
}

TEST(HostileModel, DirectoryAsObjIsAnIoError) {
    const fs::path dir = fresh_dir("m");
    fs::create_directories(dir / "mesh.obj");
    write_text(dir / "model.toml", manifest_for("mesh.obj"));
    EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "obj.io"));
}

TEST(HostileModel, UnreadableFilesAreIoErrors) {
    if (running_as_root())
        GTEST_SKIP() << "root reads files whatever their mode";
    const fs::path dir = fresh_dir("m");
    write_text(dir / "mesh.obj", std::string(kCubeObj));
    write_text(dir / "model.toml", manifest_for("mesh.obj"));
    fs::permissions(dir / "mesh.obj", fs::perms::none);
    EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "obj.io"));
    fs::permissions(dir / "model.toml", fs::perms::none);
    EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "manifest.io"));
    fs::permissions(dir / "mesh.obj", fs::perms::owner_all);
    fs::permissions(dir / "model.toml", fs::perms::owner_all);
}

TEST(HostileModel, DeeplyNestedManifestIsASyntaxError) {
    const fs::path dir = fresh_dir("m");
    write_text(dir / "arrays.toml", "x = " + repeat("[", 100000) + repeat("]", 100000) + "\n");
    EXPECT_TRUE(refused_with(load_model(dir / "arrays.toml"), "manifest.syntax"));
    write_text(dir / "dotted.toml", deep_dotted_header(100000));
    EXPECT_TRUE(refused_with(load_model(dir / "dotted.toml"), "manifest.syntax"));
    write_text(dir / "key.toml", "a" + repeat(".a", 100000) + " = 1\n");
    EXPECT_TRUE(refused_with(load_model(dir / "key.toml"), "manifest.syntax"));
}

TEST(HostileModel, NonFiniteLandmarkIsABadValue) {
    const fs::path dir = fresh_dir("m");
    write_text(dir / "mesh.obj", std::string(kCubeObj));
    for (const char* landmark :
         {"vertex = [nan, 50, 0]\n", "vertex = [0, inf, 0]\n", "vertex = [0, 50, -inf]\n"}) {
        write_text(dir / "model.toml", manifest_for("mesh.obj", "mm", landmark));
        EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "manifest.bad-value")) << landmark;
    }
}

TEST(HostileModel, HugeLandmarkIsOffTheSkin) {
    const fs::path dir = fresh_dir("m");
    write_text(dir / "mesh.obj", std::string(kCubeObj));
    write_text(dir / "model.toml", manifest_for("mesh.obj", "mm", "vertex = [0, 1e30, 0]\n"));
    EXPECT_TRUE(refused_with(load_model(dir / "model.toml"), "manifest.landmark-off-skin"));
    // 1e36 m is finite in the file but not in millimetres.
    write_text(dir / "model.toml", manifest_for("mesh.obj", "m", "vertex = [0, 1e36, 0]\n"));
    const auto r = load_model(dir / "model.toml");
    EXPECT_FALSE(r.ok()) << describe(r.diagnostics);
}

TEST(HostileModel, NonFiniteObjCoordinatesAreRefused) {
    for (const char* bad : {"v nan 0 0", "v 0 inf 0", "v 0 0 -inf", "vt nan 0", "vn 0 inf 0"}) {
        const std::string obj = std::string(bad) + "\n" + std::string(kCubeObj);
        const auto r = load_with_obj("nan", obj);
        EXPECT_TRUE(refused_with(r, "obj.non-finite")) << bad;
        EXPECT_EQ(line_of(r.diagnostics, "obj.non-finite"), 1) << bad;
    }
}

TEST(HostileModel, CoordinatesOverflowingAFloatAreRefused) {
    // 1e39 is a finite double but not a finite float. (The error is located at the skin group's
    // first face, not at the vertex's line 1: reported to the OBJ loader's owner.)
    const std::string obj = "v 1e39 0 0\n" + std::string(kCubeObj);
    EXPECT_TRUE(refused_with(load_with_obj("float", obj), "obj.non-finite"));
}

TEST(HostileModel, CoordinatesOverflowingOnUnitConversionAreRefused) {
    // 1e36 is a finite float; in metres it is 1e39 mm, which is not.
    const std::string obj = "v 1e36 0 0\n" + std::string(kCubeObj) + "g skin\nf 1 2 3\n";
    EXPECT_TRUE(refused_with(load_with_obj("overflow", obj, "m"), "obj.non-finite"));
}

// Positions beyond ±1e6 mm after unit conversion are refused at their line (a 1e20 coordinate
// used to abort render and handout in the cluster builder).
TEST(HostileModel, CoordinatesBeyondAMillionMillimetresAreRefused) {
    for (const auto& [vertex, units] :
         {std::pair{"v 1e20 0 0", "mm"}, std::pair{"v 0 -2e6 0", "mm"},
          std::pair{"v 0 0 2000", "m"}, std::pair{"v 1e5 0 0", "dm"}}) {
        const std::string obj = std::string(vertex) + "\n" + std::string(kCubeObj);
        const auto r = load_with_obj("range", obj, units);
        EXPECT_TRUE(refused_with(r, "obj.out-of-range")) << vertex << " " << units;
        EXPECT_EQ(line_of(r.diagnostics, "obj.out-of-range"), 1) << vertex << " " << units;
    }
    // Within range (an unused vertex after the cube): loads.
    const auto r = load_with_obj("in-range", std::string(kCubeObj) + "v 999999 0 -999999\n", "mm");
    EXPECT_TRUE(r.ok()) << describe(r.diagnostics);
}

// LF, CRLF and a lone CR end lines alike in the checks and in the OBJ reader: the same mesh reads
// the same, and a face after a CR-only line break cannot hide from the index check.
TEST(HostileModel, CrLfAndCrOnlyLineEndsReadTheSame) {
    const auto with_ends = [](std::string_view eol) {
        std::string out;
        for (const char c : kCubeObj)
            out += c == '\n' ? std::string(eol) : std::string(1, c);
        return out;
    };
    const auto lf = load_with_obj("lf", with_ends("\n"));
    ASSERT_TRUE(lf.ok()) << describe(lf.diagnostics);
    for (const std::string_view eol : {"\r\n", "\r"}) {
        const auto r = load_with_obj("eol", with_ends(eol));
        ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
        EXPECT_EQ(r.value->skin.indices.size(), lf.value->skin.indices.size());
        EXPECT_EQ(r.value->skin.positions.size(), lf.value->skin.positions.size());
        ASSERT_EQ(r.value->muscles.size(), lf.value->muscles.size());
        EXPECT_EQ(r.value->muscles[0].mesh.indices.size(),
                  lf.value->muscles[0].mesh.indices.size());
    }
    // A comment, a lone CR, then a face with a bad index: the checks see that face too.
    const auto hidden = load_with_obj("hidden", std::string(kCubeObj) + "# note\rf 1 2 99\n");
    EXPECT_TRUE(refused_with(hidden, "obj.bad-index"));
    EXPECT_EQ(line_of(hidden.diagnostics, "obj.bad-index"), 48);
    // Line numbers count a lone CR as a line end, in the checks' diagnostics too.
    const auto located = load_with_obj("cr-line", with_ends("\r") + "v nan 0 0\r");
    EXPECT_EQ(line_of(located.diagnostics, "obj.non-finite"), 47);
}

TEST(HostileModel, DegenerateTrianglesLoadWithFiniteNormals) {
    // Zero-area triangles of the skin: a repeated corner, three collinear points, three equal
    // points, and an isolated one whose vertices belong to no other triangle (their normals have
    // no area to come from).
    const std::string obj = std::string(kCubeObj) +
                            "v 0 60 0\nv 0 61 0\nv 0 62 0\n"
                            "g skin\nf 1 1 2\nf 17 18 19\nf 3 3 3\nf 17 17 17\n";
    const auto r = load_with_obj("degenerate", obj);
    ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
    EXPECT_TRUE(all_finite(*r.value));
    EXPECT_EQ(r.value->landmarks.size(), 2u);
}

TEST(HostileModel, AllDegenerateSkinIsRefusedOrFinite) {
    // A skin of nothing but zero-area triangles: no surface to snap a landmark to.
    const std::string obj = "v 0 0 0\nv 0 50 0\nv 0 100 0\ng skin\nf 1 2 3\nf 1 1 1\n"
                            "v 0 0 1\nv 1 0 1\nv 0 1 1\nvt 0 0\ng muscle\nf 4/1 5/1 6/1\n";
    const auto r = load_with_obj("all-degenerate", obj);
    if (r.ok()) {
        EXPECT_TRUE(all_finite(*r.value));
    } else {
        EXPECT_TRUE(has_errors(r.diagnostics));
    }
}

// Under AddressSanitizer (the dev preset) the big-mesh cases use a tenth of the faces: they look
// for memory errors, which a smaller mesh takes the same paths to, and the full size costs minutes
// there. The Release suite loads the full millions.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kMeshScale = 10;
#else
constexpr int kMeshScale = 1;
#endif

TEST(HostileModel, MillionsOfFacesLoadOrAreRefused) {
    // 2 million faces on a 1001 × 1001 grid of vertices (59 MB): either loaded (docs/performance.md
    // states how long that takes) or refused with obj.too-large — never a crash.
    constexpr int kGrid = kMeshScale == 1 ? 1001 : 317;
    std::string obj;
    obj.reserve(48u * 1024 * 1024);
    for (int y = 0; y < kGrid; ++y)
        for (int x = 0; x < kGrid; ++x)
            obj += "v " + std::to_string(x - kGrid / 2) + " " + std::to_string(y - kGrid / 2) +
                   " 50\n";
    obj += "g skin\n";
    for (int y = 0; y + 1 < kGrid; ++y)
        for (int x = 0; x + 1 < kGrid; ++x) {
            const int a = y * kGrid + x + 1, b = a + 1, c = a + kGrid, d = c + 1;
            obj +=
                "f " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(d) + "\n";
            obj +=
                "f " + std::to_string(a) + " " + std::to_string(d) + " " + std::to_string(c) + "\n";
        }
    obj += "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\ng muscle\nf -3/1 -2/1 -1/1\n";
    const fs::path dir = fresh_dir("million");
    write_text(dir / "mesh.obj", obj);
    write_text(dir / "model.toml", manifest_for("mesh.obj", "mm", "glabella = [0, 0, 50]\n"));
    const auto r = load_model(dir / "model.toml");
    if (r.ok()) {
        EXPECT_EQ(r.value->skin.triangle_count(), 2u * (kGrid - 1) * (kGrid - 1));
        EXPECT_TRUE(all_finite(*r.value));
    } else {
        EXPECT_TRUE(refused_with(r, "obj.too-large"));
    }
}

TEST(HostileModel, MillionsOfIdenticalFacesLoadOrAreRefused) {
    // The same triangle 2 million times over: every centroid equal, the worst case for a BVH split.
    std::string obj =
        "v -50 0 50\nv 50 0 50\nv 0 50 50\ng skin\n" + repeat("f 1 2 3\n", 2000000 / kMeshScale);
    obj += "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\ng muscle\nf 4/1 5/1 6/1\n";
    const fs::path dir = fresh_dir("identical");
    write_text(dir / "mesh.obj", obj);
    write_text(dir / "model.toml", manifest_for("mesh.obj", "mm", "glabella = [0, 10, 50]\n"));
    const auto r = load_model(dir / "model.toml");
    if (r.ok()) {
        EXPECT_TRUE(all_finite(*r.value));
    } else {
        EXPECT_TRUE(refused_with(r, "obj.too-large"));
    }
}

// ---------------------------------------------------------------------------------------------------
// Session records

constexpr std::string_view kStartLine =
    R"json({"action":"start","format":1,"protocol":"preempt-155","protocol_path":"preempt-155.toml","time":"2024-05-01T09:30:00Z"})json";

TEST(HostileRecord, OneGigabyteRecordIsRefusedBySize) {
    const auto path = sparse_file(fresh_dir("r") / "huge.jsonl", kOneGiB);
    EXPECT_TRUE(refused_with(read_session_record(path), "record.too-large"));
}

TEST(HostileRecord, DirectoryIsAnIoError) {
    EXPECT_TRUE(refused_with(read_session_record(fresh_dir("r")), "record.io"));
    EXPECT_TRUE(refused_with(read_session_record("/"), "record.io"));
}

TEST(HostileRecord, UnreadableFileIsAnIoError) {
    if (running_as_root())
        GTEST_SKIP() << "root reads files whatever their mode";
    const auto path = fresh_dir("r") / "locked.jsonl";
    write_text(path, std::string(kStartLine) + "\n");
    fs::permissions(path, fs::perms::none);
    EXPECT_TRUE(refused_with(read_session_record(path), "record.io"));
    fs::permissions(path, fs::perms::owner_all);
}

TEST(HostileRecord, DeeplyNestedJsonLineIsCorrupt) {
    // 30 000 levels fit under the 64 KB line limit.
    const std::string text = std::string(kStartLine) + "\n" + repeat("[", 30000) +
                             repeat("]", 30000) + "\n" + std::string(kStartLine) + "\n";
    const auto r = parse_session_record(text, "nested.jsonl");
    EXPECT_TRUE(refused_with(r, "record.corrupt-line"));
    EXPECT_EQ(line_of(r.diagnostics, "record.corrupt-line"), 2);
}

TEST(HostileRecord, OverlongLineIsCorrupt) {
    const std::string text = std::string(kStartLine) + "\n{\"action\":\"skip\",\"reason\":\"" +
                             std::string(kMaxRecordLineBytes, 'x') + "\"}\n" +
                             std::string(kStartLine) + "\n";
    const auto r = parse_session_record(text, "long.jsonl");
    EXPECT_TRUE(refused_with(r, "record.corrupt-line"));
    EXPECT_EQ(line_of(r.diagnostics, "record.corrupt-line"), 2);
}

TEST(HostileRecord, NonFiniteUnitsAreRefused) {
    // JSON has no NaN; 1e999 is how an overflowing number arrives.
    const std::string text = std::string(kStartLine) +
                             "\n{\"action\":\"inject\",\"site\":\"procerus\",\"units\":1e999,"
                             "\"time\":\"2024-05-01T09:31:00Z\"}\n"
                             "{\"action\":\"finish\",\"time\":\"2024-05-01T09:40:00Z\"}\n";
    const auto r = parse_session_record(text, "inf.jsonl");
    EXPECT_FALSE(r.ok()) << describe(r.diagnostics);
    EXPECT_EQ(line_of(r.diagnostics, "record.corrupt-line"), 2) << describe(r.diagnostics);
}

TEST(HostileRecord, BinaryAndEmptyInputsAreRefused) {
    EXPECT_TRUE(refused_with(parse_session_record("", "empty.jsonl"), "record.empty"));
    EXPECT_TRUE(
        refused_with(parse_session_record(std::string("\0\0\0\n\xff\xfe\n", 7), "nul.jsonl"),
                     "record.corrupt-line"));
}

// ---------------------------------------------------------------------------------------------------
// The command line: a folder, a huge file or garbage where a file is expected → exit 2, one line.

::testing::AssertionResult one_line_usage_error(const test::CommandResult& r) {
    if (r.exit_code != 2)
        return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: " << r.err;
    if (r.err.empty() || r.err.find('\n') != r.err.size() - 1)
        return ::testing::AssertionFailure() << "stderr is not one line: '" << r.err << "'";
    return ::testing::AssertionSuccess();
}

TEST(HostileCli, CheckOfADirectoryIsAUsageError) {
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"check", "/"})));
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"check", fresh_dir("cli").string()})));
}

TEST(HostileCli, CheckOfAHugeFileIsAUsageError) {
    const auto path = sparse_file(fresh_dir("cli") / "huge.toml", kOneGiB);
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"check", path.string()})));
}

TEST(HostileCli, ModelOfADirectoryIsAUsageError) {
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"model", "/"})));
}

TEST(HostileCli, ModelOfAHugeManifestIsAUsageError) {
    const auto path = sparse_file(fresh_dir("cli") / "huge.toml", kOneGiB);
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"model", path.string()})));
}

TEST(HostileCli, SessionResumeOfADirectoryOrHugeFileIsAUsageError) {
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"session", "resume", "/"})));
    const auto path = sparse_file(fresh_dir("cli") / "huge.jsonl", kOneGiB);
    EXPECT_TRUE(one_line_usage_error(test::run_injmap({"session", "resume", path.string()})));
}

TEST(HostileCli, SessionScriptThatIsADirectoryIsAUsageError) {
    EXPECT_TRUE(one_line_usage_error(
        test::run_injmap({"session", "play", "--protocol", "preempt-155", "--script", "/"})));
}

// Control characters from files are escaped in every diagnostic and listing: a crafted protocol
// cannot clear the terminal, and a newline in a file name cannot split a diagnostic.
TEST(HostileText, ControlCharactersAreEscapedInDiagnostics) {
    const Diagnostic d{Severity::error,
                       "toml.syntax",
                       "title \x1b[2J\x1b[H cleared\xc2\x9b"
                       "1m",
                       {"bad\nname\r.toml", 3, 1},
                       {}};
    const std::string line = format_diagnostic(d);
    for (const char c : line)
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << line;
    EXPECT_EQ(line.find("\xc2\x9b"), std::string::npos) << line; // the C1 CSI
    EXPECT_NE(line.find("[toml.syntax]"), std::string::npos) << line;
    EXPECT_EQ(escape_control("plain text, ünïcode"), "plain text, ünïcode");
}

TEST(HostileCli, ControlCharactersInFilesAndNamesReachNoTerminal) {
    const fs::path dir = fresh_dir("control");
    // A file name with a newline and an escape sequence, content with a syntax error.
    const fs::path bad = dir / "bad\nname\x1b[2J.toml";
    write_text(bad, "schema_version = 1\nid = \"bad\"\ntitle = [unclosed\n");
    const auto r = test::run_injmap({"check", bad.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err; // one diagnostic, one line
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[toml.syntax]"), std::string::npos) << r.err;
    // A valid protocol of the user's whose title carries an escape sequence: listed escaped.
    const fs::path data = dir / "data";
    write_text(data / "injmap" / "protocols" / "crafted.toml",
               protocol_with("title = \"Hostile\"", "title = \"\\u001b[2J\\u001b[HHostile\""));
    // Unreadable files and bad arguments: one line, escaped, exit 2.
    const std::string missing = (dir / "missing\x1b[2J\n.toml").string();
    for (const std::vector<std::string>& args : {std::vector<std::string>{"check", missing},
                                                 {"model", missing},
                                                 {"list", "extra\x1b[2J\nargument"},
                                                 {"render", "--frobnicate\x1b[2J"}}) {
        const auto refused = test::run_injmap(args);
        EXPECT_EQ(refused.exit_code, 2) << args[0] << ": " << refused.err;
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1)
            << args[0] << ": " << refused.err;
        EXPECT_EQ(refused.err.find('\x1b'), std::string::npos) << args[0] << ": " << refused.err;
    }
    const auto listed = test::run_injmap({"list"}, {"XDG_DATA_HOME=" + data.string()});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(listed.out.find('\x1b'), std::string::npos) << listed.out;
    EXPECT_EQ(listed.err.find('\x1b'), std::string::npos) << listed.err;
}

TEST(HostileCli, RenderOfADirectoryProtocolIsAUsageError) {
    const auto out = fresh_dir("cli") / "out.png";
    EXPECT_TRUE(
        one_line_usage_error(test::run_injmap({"render", "--protocol", "/", "-o", out.string()})));
    EXPECT_FALSE(fs::exists(out));
}

} // namespace
} // namespace injmap
