// Real scan files (issue #19 items 4 and 6): OBJ exports with trailing NULs or a missing .mtl, a
// skin in several groups ([skin] group as a list or "*"), repeated vertices welded by position,
// and PLY (ASCII, binary little/big-endian) and STL (binary, ASCII) meshes — each reader fed the
// hostile inputs the OBJ reader already survives (truncated, huge counts, NaN, wrong indices,
// lying headers, empty files), asserted on rule ids and locations.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <glm/geometric.hpp>
#include <gtest/gtest.h>

#include "injmap/models/manifest.hpp"
#include "manifest/mesh_weld.hpp" // models/src
#include "mesh_file.hpp"          // models/src: private to injmap_models
#include "ply_reader.hpp"         // models/src
#include "stl_reader.hpp"         // models/src
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

std::string describe(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += format_diagnostic(d) + "\n";
    return out;
}

const Diagnostic* find_rule(const Diagnostics& diagnostics, const std::string& rule) {
    for (const auto& d : diagnostics)
        if (d.rule == rule)
            return &d;
    return nullptr;
}

int count_rule(const Diagnostics& diagnostics, const std::string& rule) {
    int n = 0;
    for (const auto& d : diagnostics)
        n += d.rule == rule;
    return n;
}

// Refused with an error of exactly this rule.
::testing::AssertionResult refused_with(const Result<detail::ObjFile>& r, const std::string& rule) {
    if (r.value)
        return ::testing::AssertionFailure() << "a value was returned\n" << describe(r.diagnostics);
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::error && d.rule == rule)
            return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no " << rule << " error\n" << describe(r.diagnostics);
}

// The unit cube's 8 corners (mm × 100) and its 6 faces as counter-clockwise quads seen from
// outside.
constexpr float kCube[8][3] = {{-50, -50, -50}, {50, -50, -50}, {50, 50, -50}, {-50, 50, -50},
                               {-50, -50, 50},  {50, -50, 50},  {50, 50, 50},  {-50, 50, 50}};
constexpr int kQuads[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 4, 7, 3},
                              {1, 2, 6, 5}, {3, 7, 6, 2}, {0, 1, 5, 4}};

std::string cube_obj(const std::string& group = "skin") {
    std::string s;
    for (const auto& v : kCube)
        s += "v " + std::to_string(v[0]) + " " + std::to_string(v[1]) + " " + std::to_string(v[2]) +
             "\n";
    s += "g " + group + "\n";
    for (const auto& q : kQuads)
        s += "f " + std::to_string(q[0] + 1) + " " + std::to_string(q[1] + 1) + " " +
             std::to_string(q[2] + 1) + " " + std::to_string(q[3] + 1) + "\n";
    return s;
}

template <class T>
void put(std::string& out, T value, bool big_endian) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &value, sizeof(T));
    if (big_endian != (std::endian::native == std::endian::big))
        for (std::size_t i = 0; i < sizeof(T) / 2; ++i)
            std::swap(b[i], b[sizeof(T) - 1 - i]);
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

// The cube as PLY: vertex x y z plus a colour (skipped), face list uchar int plus a texcoord list
// (skipped), and an extra element after the faces (skipped).
std::string cube_ply(const std::string& format) {
    std::string s = "ply\nformat " + format +
                    " 1.0\ncomment made by injmap's tests\nelement vertex 8\nproperty float x\n"
                    "property float y\nproperty float z\nproperty uchar red\n"
                    "element face 6\nproperty list uchar int vertex_indices\n"
                    "property list uchar float texcoord\nelement note 1\nproperty short code\n"
                    "end_header\n";
    const bool big = format == "binary_big_endian";
    if (format == "ascii") {
        for (const auto& v : kCube)
            s += std::to_string(v[0]) + " " + std::to_string(v[1]) + " " + std::to_string(v[2]) +
                 " 200\n";
        for (const auto& q : kQuads)
            s += "4 " + std::to_string(q[0]) + " " + std::to_string(q[1]) + " " +
                 std::to_string(q[2]) + " " + std::to_string(q[3]) + " 2 0.5 0.25\n";
        s += "7\n";
        return s;
    }
    for (const auto& v : kCube) {
        for (float c : v)
            put(s, c, big);
        put(s, static_cast<std::uint8_t>(200), big);
    }
    for (const auto& q : kQuads) {
        put(s, static_cast<std::uint8_t>(4), big);
        for (int i : q)
            put(s, static_cast<std::int32_t>(i), big);
        put(s, static_cast<std::uint8_t>(2), big);
        put(s, 0.5f, big);
        put(s, 0.25f, big);
    }
    put(s, static_cast<std::int16_t>(7), big);
    return s;
}

// The cube as binary STL (12 triangles of soup); `header` is the 80-byte header's text.
std::string cube_stl_binary(const std::string& header = "binary cube", int claimed = 12) {
    std::string s = header;
    s.resize(80, ' ');
    put(s, static_cast<std::uint32_t>(claimed), false);
    for (const auto& q : kQuads)
        for (const auto& tri : {std::array<int, 3>{q[0], q[1], q[2]}, {q[0], q[2], q[3]}}) {
            for (int k = 0; k < 3; ++k)
                put(s, 0.0f, false); // facet normal: not used
            for (int i : tri)
                for (float c : kCube[i])
                    put(s, c, false);
            put(s, static_cast<std::uint16_t>(0), false);
        }
    return s;
}

std::string cube_stl_ascii() {
    std::string s = "solid cube\n";
    for (const auto& q : kQuads)
        for (const auto& tri : {std::array<int, 3>{q[0], q[1], q[2]}, {q[0], q[2], q[3]}}) {
            s += "  facet normal 0 0 0\n    outer loop\n";
            for (int i : tri)
                s += "      vertex " + std::to_string(kCube[i][0]) + " " +
                     std::to_string(kCube[i][1]) + " " + std::to_string(kCube[i][2]) + "\n";
            s += "    endloop\n  endfacet\n";
        }
    s += "endsolid cube\n";
    return s;
}

std::string manifest(const std::string& mesh_file, const std::string& skin_group_value,
                     const std::string& extra = "") {
    return "schema_version = 1\nid = \"scan\"\n[mesh]\nfile = \"" + mesh_file +
           "\"\nunits = \"mm\"\n[skin]\ngroup = " + skin_group_value + "\n" + extra +
           "[landmarks]\nvertex = [0, 0, 50]\n";
}

Result<Model> load_files(const std::string& name, const std::string& mesh_file,
                         const std::string& mesh_bytes, const std::string& skin_group_value,
                         const std::string& extra = "") {
    const fs::path dir = test::fresh_dir(name);
    test::write_text(dir / mesh_file, mesh_bytes);
    test::write_text(dir / "model.toml", manifest(mesh_file, skin_group_value, extra));
    return load_model(dir / "model.toml");
}

// The set of skin positions, rounded to 1e-3 mm, for comparing meshes read from different formats.
std::set<std::tuple<long, long, long>> position_set(const Mesh& mesh) {
    std::set<std::tuple<long, long, long>> out;
    for (const auto& p : mesh.positions)
        out.emplace(std::lround(p.x * 1000), std::lround(p.y * 1000), std::lround(p.z * 1000));
    return out;
}

} // namespace

// --- OBJ: real exports --------------------------------------------------------------------------

TEST(MeshFiles, ObjWithTrailingNulsLoadsWithALocatedWarning) {
    for (const std::string& tail : {std::string(1, '\0'), std::string("\n\0\0\0\x1a", 6),
                                    std::string("\x01\x02garbage\xff\n\x03", 12)}) {
        const auto r = load_files("nul", "mesh.obj", cube_obj() + tail, "\"skin\"");
        ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
        const Diagnostic* w = find_rule(r.diagnostics, "obj.trailing-garbage");
        ASSERT_NE(w, nullptr) << describe(r.diagnostics);
        EXPECT_EQ(w->severity, Severity::warning);
        EXPECT_GE(w->where.line, 15); // after the 14 lines of the cube
        EXPECT_GE(w->where.column, 1);
        EXPECT_EQ(r.value->skin.triangle_count(), 12u);
    }
}

TEST(MeshFiles, ObjWithBinaryBytesBeforeMoreStatementsIsRefused) {
    const auto r = detail::parse_obj(cube_obj() + std::string("\0\n", 2) + "f 1 2 3\n", "mid.obj");
    EXPECT_TRUE(refused_with(r, "obj.syntax"));
    const Diagnostic* e = find_rule(r.diagnostics, "obj.syntax");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->where.line, 16);
    EXPECT_EQ(e->where.column, 1);
}

TEST(MeshFiles, MissingMaterialLibraryIsOneWarningAtItsLine) {
    const std::string obj =
        "# exported\nmtllib scan.mtl other.mtl\nusemtl skin\n" + cube_obj() + "mtllib third.mtl\n";
    const auto r = load_files("mtl", "mesh.obj", obj, "\"skin\"");
    ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
    EXPECT_EQ(count_rule(r.diagnostics, "obj.material"), 1) << describe(r.diagnostics);
    const Diagnostic* w = find_rule(r.diagnostics, "obj.material");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->severity, Severity::warning);
    EXPECT_EQ(w->where.line, 2);
    EXPECT_EQ(w->where.column, 8);
    EXPECT_EQ(count_rule(r.diagnostics, "obj.syntax"), 0) << describe(r.diagnostics);

    // With the libraries beside the mesh, nothing to say.
    const fs::path dir = test::fresh_dir("mtl-present");
    test::write_text(dir / "mesh.obj", obj);
    for (const char* name : {"scan.mtl", "other.mtl"})
        test::write_text(dir / name, "newmtl skin\n");
    test::write_text(dir / "model.toml", manifest("mesh.obj", "\"skin\""));
    const auto quiet = load_model(dir / "model.toml");
    ASSERT_TRUE(quiet.ok()) << describe(quiet.diagnostics);
    EXPECT_TRUE(quiet.diagnostics.empty()) << describe(quiet.diagnostics);
}

// A skin exported in 13 groups (a grid of 13 rows of quads, one group per row) plus a muscle.
std::string thirteen_group_obj() {
    std::string s;
    constexpr int kRows = 13, kColumns = 4;
    for (int y = 0; y <= kRows; ++y)
        for (int x = 0; x <= kColumns; ++x)
            s += "v " + std::to_string(x * 10 - 20) + " " + std::to_string(y * 10 - 65) + " 50\n";
    for (int y = 0; y < kRows; ++y) {
        // Each row's vertices are repeated in its own group, as some exporters write them: the
        // weld by position must join the rows again.
        s += "g part_" + std::to_string(y) + "\n";
        for (int x = 0; x <= kColumns; ++x)
            for (int dy = 0; dy < 2; ++dy)
                s += "v " + std::to_string(x * 10 - 20) + " " + std::to_string((y + dy) * 10 - 65) +
                     " 50\n";
        for (int x = 0; x < kColumns; ++x) {
            // the row's own copies: 2 per column, (x, y) at -2*(kColumns+1-x)... relative indices
            const int base = -2 * (kColumns + 1) + 2 * x; // (x, y) of this row's copies
            const int a = base, b = base + 2, c = base + 3, d = base + 1;
            s += "f " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(c) +
                 " " + std::to_string(d) + "\n";
        }
    }
    s += "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\ng muscle\nf -3/1 -2/1 -1/1\n";
    return s;
}

TEST(MeshFiles, SkinInThirteenGroupsAsAListOrStarIsTheirUnionWelded) {
    const std::string obj = thirteen_group_obj();
    const std::string muscle = "[[muscles]]\nid = \"frontalis\"\nside = \"midline\"\n"
                               "group = \"muscle\"\nlayer = \"sheet\"\n";
    std::string list = "[";
    for (int i = 0; i < 13; ++i)
        list += std::string(i ? ", " : "") + "\"part_" + std::to_string(i) + "\"";
    list += ", \"part_0\"]"; // a name given twice counts once
    const auto listed = load_files("list", "mesh.obj", obj, list, muscle);
    ASSERT_TRUE(listed.ok()) << describe(listed.diagnostics);
    const auto star = load_files("star", "mesh.obj", obj, "\"*\"", muscle);
    ASSERT_TRUE(star.ok()) << describe(star.diagnostics);
    const auto one = load_files("one", "mesh.obj", obj, "\"part_6\"", muscle);
    ASSERT_TRUE(one.ok()) << describe(one.diagnostics);
    for (const Model* m : {&*listed.value, &*star.value}) {
        EXPECT_EQ(m->skin.triangle_count(), 13u * 4 * 2); // all 13 rows, the muscle left out
        // 14 × 5 grid points: every row's repeated copies welded into one surface.
        EXPECT_EQ(m->skin.positions.size(), 14u * 5);
    }
    EXPECT_EQ(one.value->skin.triangle_count(), 4u * 2);
    EXPECT_EQ(one.value->skin.positions.size(), 2u * 5);
}

TEST(MeshFiles, SkinGroupListErrorsAreLocated) {
    const std::string obj = cube_obj("head") + cube_obj("neck");
    // An unknown name in a list: manifest.no-skin at that item, with a suggestion.
    const auto unknown = load_files("unknown", "mesh.obj", obj, "[\"head\", \"nek\"]");
    ASSERT_FALSE(unknown.ok());
    const Diagnostic* e = find_rule(unknown.diagnostics, "manifest.no-skin");
    ASSERT_NE(e, nullptr) << describe(unknown.diagnostics);
    EXPECT_EQ(e->where.line, 7);
    EXPECT_EQ(e->where.column, 18);
    EXPECT_NE(e->message.find("neck"), std::string::npos) << e->message; // did you mean
    // Items of the wrong type, an empty list, "*" with other names, a number.
    for (const auto& [value, rule] : std::vector<std::pair<std::string, std::string>>{
             {"[\"head\", 3]", "manifest.type"},
             {"[]", "manifest.bad-value"},
             {"[\"*\", \"head\"]", "manifest.bad-value"},
             {"42", "manifest.type"}}) {
        const auto r = load_files("bad-skin", "mesh.obj", obj, value);
        ASSERT_FALSE(r.ok()) << value;
        const Diagnostic* d = find_rule(r.diagnostics, rule);
        ASSERT_NE(d, nullptr) << value << "\n" << describe(r.diagnostics);
        EXPECT_EQ(d->where.line, 7) << value;
    }
}

TEST(MeshFiles, WeldMergesVerticesWithinTheToleranceOnly) {
    // Two triangles sharing an edge whose second copy is 0.004 mm off (welded), and a third whose
    // copy is 0.05 mm off (kept apart).
    const std::string obj = "v 0 0 50\nv 10 0 50\nv 0 10 50\n"
                            "v 10.004 0 50\nv 0 10.004 50\nv 10 10 50\n"
                            "v 0 0.05 50\nv -10 0 50\nv 0 -10 50\n"
                            "g skin\nf 1 2 3\nf 4 6 5\nf 8 9 7\n";
    const auto r = detail::parse_obj(obj, "weld.obj");
    ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
    detail::Frame frame;
    const Mesh mesh = detail::weld_by_position(*r.value, r.value->groups.front(), frame);
    EXPECT_EQ(mesh.triangle_count(), 3u);
    EXPECT_EQ(mesh.positions.size(), 7u); // 9 − the two near copies
    EXPECT_EQ(mesh.indices[3], mesh.indices[1]);
    EXPECT_EQ(mesh.indices[5], mesh.indices[2]);
    EXPECT_NE(mesh.indices[8], mesh.indices[0]);
}

// --- PLY and STL --------------------------------------------------------------------------------

TEST(MeshFiles, PlyAndStlInEveryEncodingLoadAsTheSameCube) {
    const auto obj = load_files("obj", "cube.obj", cube_obj("mesh"), "\"mesh\"");
    ASSERT_TRUE(obj.ok()) << describe(obj.diagnostics);
    const auto expected = position_set(obj.value->skin);
    ASSERT_EQ(expected.size(), 8u);
    const std::vector<std::tuple<std::string, std::string, std::string>> files = {
        {"ascii.ply", cube_ply("ascii"), "\"mesh\""},
        {"little.PLY", cube_ply("binary_little_endian"), "\"*\""},
        {"big.Ply", cube_ply("binary_big_endian"), "[\"mesh\"]"},
        {"binary.stl", cube_stl_binary(), "\"mesh\""},
        {"solid-header.STL", cube_stl_binary("solid but binary"), "\"*\""},
        {"ascii.stl", cube_stl_ascii(), "\"mesh\""},
    };
    for (const auto& [name, bytes, group] : files) {
        SCOPED_TRACE(name);
        const auto r = load_files("formats", name, bytes, group);
        ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
        EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
        const Mesh& skin = r.value->skin;
        EXPECT_EQ(skin.triangle_count(), 12u);
        EXPECT_EQ(skin.positions.size(), 8u); // STL's soup welded
        EXPECT_EQ(position_set(skin), expected);
        ASSERT_EQ(skin.normals.size(), skin.positions.size());
        for (std::size_t i = 0; i < skin.positions.size(); ++i) // outward: winding kept
            EXPECT_GT(glm::dot(skin.normals[i], skin.positions[i]), 0.0f) << i;
    }
}

TEST(MeshFiles, MeshFormatIsChosenByExtensionAnyCase) {
    EXPECT_EQ(detail::mesh_format_of("a/b.PLY"), detail::MeshFormat::ply);
    EXPECT_EQ(detail::mesh_format_of("scan.stl"), detail::MeshFormat::stl);
    EXPECT_EQ(detail::mesh_format_of("scan.StL"), detail::MeshFormat::stl);
    EXPECT_EQ(detail::mesh_format_of("scan.obj"), detail::MeshFormat::obj);
    EXPECT_EQ(detail::mesh_format_of("scan.mesh"), detail::MeshFormat::obj);
    EXPECT_EQ(detail::mesh_format_of("ply"), detail::MeshFormat::obj);
}

TEST(MeshFiles, PlyNormalsAndTextureCoordinatesAreRead) {
    const std::string ply = "ply\nformat ascii 1.0\nelement vertex 3\nproperty double x\n"
                            "property double y\nproperty double z\nproperty float nx\n"
                            "property float ny\nproperty float nz\nproperty float s\n"
                            "property float t\nelement face 1\n"
                            "property list uchar uint vertex_index\nend_header\n"
                            "0 0 0 0 0 1 0 0\n1 0 0 0 0 1 1 0\n0 1 0 0 0 1 0 1\n3 0 1 2\n";
    const auto r = detail::parse_ply(ply, "n.ply");
    ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
    EXPECT_EQ(r.value->normals.size(), 9u);
    EXPECT_EQ(r.value->texcoords.size(), 6u);
    ASSERT_EQ(r.value->groups.size(), 1u);
    EXPECT_EQ(r.value->groups[0].name, "mesh");
    EXPECT_EQ(r.value->groups[0].corners.size(), 3u);
    EXPECT_EQ(r.value->groups[0].corners[1].vt, 1);
    EXPECT_EQ(r.value->groups[0].corners[2].vn, 2);
}

// Hostile PLY: each refused with its rule (located where the format allows), never a crash, a
// hang or an allocation the file cannot back.
TEST(MeshFiles, HostilePlyIsRefusedWithItsRule) {
    const std::string head = "ply\nformat binary_little_endian 1.0\nelement vertex ";
    const std::string props = "\nproperty float x\nproperty float y\nproperty float z\n"
                              "element face ";
    const std::string tail = "\nproperty list uchar int vertex_indices\nend_header\n";
    const auto header = [&](const std::string& vertices, const std::string& faces) {
        return head + vertices + props + faces + tail;
    };
    std::string one_triangle;
    for (float c : {0.f, 0.f, 0.f, 10.f, 0.f, 0.f, 0.f, 10.f, 0.f})
        put(one_triangle, c, false);
    put(one_triangle, static_cast<std::uint8_t>(3), false);
    for (int i : {0, 1, 2})
        put(one_triangle, static_cast<std::int32_t>(i), false);
    ASSERT_TRUE(detail::parse_ply(header("3", "1") + one_triangle, "ok.ply").ok());

    struct Case {
        const char* what;
        std::string bytes;
        const char* rule;
        int line; // -1: not checked
    };
    std::string nan_triangle = one_triangle;
    const float nan = std::nanf("");
    std::memcpy(nan_triangle.data() + 4, &nan, 4);
    std::string bad_index = one_triangle;
    const std::int32_t nine = 9;
    std::memcpy(bad_index.data() + 36 + 1 + 8, &nine, 4);
    std::string two_corners = one_triangle;
    two_corners[36] = 2;
    std::string far = one_triangle;
    const float beyond = 2e6f;
    std::memcpy(far.data(), &beyond, 4);
    const std::vector<Case> cases = {
        {"zero bytes", "", "ply.empty", -1},
        {"not a PLY", "solid x\n", "ply.syntax", 1},
        {"no end_header", "ply\nformat ascii 1.0\nelement vertex 1\n", "ply.truncated", -1},
        {"unknown format", "ply\nformat binary_middle_endian 1.0\nend_header\n", "ply.syntax", 2},
        {"unknown type", "ply\nformat ascii 1.0\nelement vertex 1\nproperty half x\nend_header\n",
         "ply.syntax", 4},
        {"no x y z",
         "ply\nformat ascii 1.0\nelement vertex 1\nproperty float q\nelement face 1\n"
         "property list uchar int vertex_indices\nend_header\n1\n3 0 0 0\n",
         "ply.syntax", 3},
        {"point cloud",
         "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
         "property float z\nend_header\n1 2 3\n",
         "ply.empty", 3},
        {"truncated body", header("3", "1") + one_triangle.substr(0, 30), "ply.truncated", 3},
        {"2 GB claim", header("2000000000", "1") + one_triangle, "ply.truncated", 3},
        {"huge face claim", header("3", "4000000000") + one_triangle, "ply.truncated", 7},
        {"NaN", header("3", "1") + nan_triangle, "ply.non-finite", 3},
        {"beyond 1e6 mm", header("3", "1") + far, "ply.out-of-range", 3},
        {"wrong face index", header("3", "1") + bad_index, "ply.bad-index", 7},
        {"two corners", header("3", "1") + two_corners, "ply.bad-face", 7},
        {"ASCII NaN",
         "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
         "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
         "end_header\n0 0 0\nnan 0 0\n0 1 0\n3 0 1 2\n",
         "ply.non-finite", 11},
        {"ASCII bad index",
         "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
         "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
         "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 -1\n",
         "ply.bad-index", 13},
        {"ASCII not a number",
         "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
         "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
         "end_header\n0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n",
         "ply.syntax", 11},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        const auto r = detail::parse_ply(c.bytes, "hostile.ply");
        EXPECT_TRUE(refused_with(r, c.rule));
        if (c.line >= 0) {
            const Diagnostic* d = find_rule(r.diagnostics, c.rule);
            ASSERT_NE(d, nullptr);
            EXPECT_EQ(d->where.line, c.line) << d->message;
        }
        for (const auto& d : r.diagnostics)
            EXPECT_EQ(d.message.find('\n'), std::string::npos) << d.message;
    }
    // A header whose counts are smaller than the body: read as declared, the rest a warning.
    const auto lying = detail::parse_ply(header("3", "1") + one_triangle + "extra", "lying.ply");
    ASSERT_TRUE(lying.ok()) << describe(lying.diagnostics);
    EXPECT_EQ(count_rule(lying.diagnostics, "ply.trailing-garbage"), 1);
}

TEST(MeshFiles, HostileStlIsRefusedWithItsRule) {
    const std::string good = cube_stl_binary();
    ASSERT_TRUE(detail::parse_stl(good, "ok.stl").ok());
    std::string nan = good;
    const float not_a_number = std::nanf("");
    std::memcpy(nan.data() + 84 + 50 * 5 + 12 + 8, &not_a_number, 4);
    std::string far = good;
    const float beyond = 3e6f;
    std::memcpy(far.data() + 84 + 12, &beyond, 4);
    struct Case {
        const char* what;
        std::string bytes;
        const char* rule;
        int line;
    };
    const std::vector<Case> cases = {
        {"zero bytes", "", "stl.empty", -1},
        {"short and not ASCII", "binary?", "stl.truncated", -1},
        {"truncated body", good.substr(0, good.size() - 7), "stl.truncated", -1},
        {"4 billion claimed", cube_stl_binary("x", -1), "stl.truncated", -1},
        {"solid header, 13 claimed", cube_stl_binary("solid cube", 13), "stl.truncated", -1},
        {"no triangles", cube_stl_binary("x", 0).substr(0, 84), "stl.empty", -1},
        {"NaN", nan, "stl.non-finite", -1},
        {"beyond 1e6 mm", far, "stl.out-of-range", -1},
        {"ASCII vertex of two numbers",
         "solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0\nvertex 0 1 0\n"
         "endloop\nendfacet\nendsolid a\n",
         "stl.syntax", 6},
        {"ASCII NaN",
         "solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 nan 0\n"
         "vertex 0 1 0\nendloop\nendfacet\nendsolid a\n",
         "stl.non-finite", 5},
        {"ASCII two vertices",
         "solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\n"
         "endloop\nendfacet\nendsolid a\n",
         "stl.syntax", 2},
        {"ASCII cut short", "solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\n",
         "stl.truncated", -1},
        {"ASCII without endsolid", cube_stl_ascii().substr(0, cube_stl_ascii().size() - 14),
         "stl.truncated", -1},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        const auto r = detail::parse_stl(c.bytes, "hostile.stl");
        EXPECT_TRUE(refused_with(r, c.rule));
        if (c.line >= 0) {
            const Diagnostic* d = find_rule(r.diagnostics, c.rule);
            ASSERT_NE(d, nullptr);
            EXPECT_EQ(d->where.line, c.line) << d->message;
        }
    }
    // Bytes after the header's triangles, and text (or NULs) after endsolid: warnings.
    for (const std::string& bytes :
         {good + std::string(3, '\0'), cube_stl_ascii() + std::string("\0\0", 2),
          cube_stl_ascii() + "junk\n"}) {
        const auto r = detail::parse_stl(bytes, "tail.stl");
        ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
        EXPECT_EQ(count_rule(r.diagnostics, "stl.trailing-garbage"), 1) << describe(r.diagnostics);
        EXPECT_EQ(r.value->groups.front().corners.size(), 36u);
    }
}

TEST(MeshFiles, ManifestMeshErrorsUseTheFormatsRules) {
    const auto ply = load_files("ply-error", "scan.ply", "ply\nformat ascii 1.0\n", "\"*\"");
    EXPECT_NE(find_rule(ply.diagnostics, "ply.truncated"), nullptr) << describe(ply.diagnostics);
    const auto stl = load_files("stl-error", "scan.stl", "", "\"mesh\"");
    EXPECT_NE(find_rule(stl.diagnostics, "stl.empty"), nullptr) << describe(stl.diagnostics);
    const auto group = load_files("stl-group", "scan.stl", cube_stl_binary(), "\"skin\"");
    const Diagnostic* d = find_rule(group.diagnostics, "manifest.no-skin");
    ASSERT_NE(d, nullptr) << describe(group.diagnostics);
    EXPECT_NE(d->message.find("'mesh'"), std::string::npos) << d->message;
}

// fuzz_scan_mesh's saved inputs (tests/data/fuzz-regressions/fuzz_scan_mesh/), each loaded as a
// manifest's mesh by its extension: the reader contract always; an input with a line
// "# expect: <rule>" (or "ok") must be refused with exactly that error (or load).
TEST(MeshFiles, FuzzRegressionInputs) {
    const fs::path folder = test::data_dir() / "fuzz-regressions" / "fuzz_scan_mesh";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder))
        if (entry.is_regular_file())
            files.push_back(entry.path());
    ASSERT_GE(files.size(), 10u) << "the folder lost its inputs";
    int with_expectation = 0;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const std::string bytes = test::read_text(file);
        const auto r = load_files("replay", "fuzzed" + file.extension().string(), bytes, "\"*\"");
        for (const auto& d : r.diagnostics) {
            EXPECT_FALSE(d.rule.empty());
            EXPECT_EQ(d.message.find('\n'), std::string::npos) << d.message;
        }
        if (r.value) {
            const Mesh& skin = r.value->skin;
            EXPECT_EQ(skin.indices.size() % 3, 0u);
            for (const auto i : skin.indices)
                ASSERT_LT(i, skin.positions.size());
        }
        const auto at = bytes.find("# expect: ");
        if (at == std::string::npos)
            continue;
        ++with_expectation;
        const auto end = bytes.find_first_of("\r\n", at);
        const std::string expect = bytes.substr(at + 10, end - at - 10);
        if (expect == "ok") {
            EXPECT_TRUE(r.ok()) << describe(r.diagnostics);
            continue;
        }
        EXPECT_FALSE(r.ok()) << "expected " << expect;
        const Diagnostic* d = find_rule(r.diagnostics, expect);
        ASSERT_NE(d, nullptr) << describe(r.diagnostics);
        EXPECT_EQ(d->severity, Severity::error);
        if (file.extension() == ".ply") {
            EXPECT_GT(d->where.line, 0) << expect << " is not located";
        }
    }
    EXPECT_GE(with_expectation, 10);
}

// A real mesh through each reader: the MakeHuman test mesh (../shared) converted here to binary STL
// (triangle soup: every corner written out) and big-endian PLY, loaded with its own manifest's
// units and landmarks. The same skin must come out: as many vertices once welded, the same
// triangles, the same snapped landmarks.
TEST(MeshFiles, MakeHumanAsStlAndPlyIsTheSameModel) {
    const fs::path obj_path =
        test::shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj";
    if (!fs::exists(obj_path))
        GTEST_SKIP()
            << "../shared/meshes is absent (third-party test meshes are not shipped); skipping";
    const fs::path manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    ASSERT_TRUE(fs::exists(manifest)) << manifest;
    const auto reference = load_model(manifest);
    ASSERT_TRUE(reference.ok()) << describe(reference.diagnostics);

    const auto obj = detail::parse_obj(test::read_text(obj_path), "makehuman.obj");
    ASSERT_TRUE(obj.ok()) << describe(obj.diagnostics);
    const detail::ObjGroup* body = obj.value->find_group("body");
    ASSERT_NE(body, nullptr);
    const auto& p = obj.value->positions;
    std::string stl(80, ' ');
    put(stl, static_cast<std::uint32_t>(body->corners.size() / 3), false);
    for (std::size_t i = 0; i < body->corners.size(); i += 3) {
        for (int k = 0; k < 3; ++k)
            put(stl, 0.0f, false);
        for (std::size_t c = i; c < i + 3; ++c)
            for (int k = 0; k < 3; ++k)
                put(stl, p[3 * static_cast<std::size_t>(body->corners[c].v) + k], false);
        put(stl, static_cast<std::uint16_t>(0), false);
    }
    std::string ply = "ply\nformat binary_big_endian 1.0\nelement vertex " +
                      std::to_string(p.size() / 3) +
                      "\nproperty float x\nproperty float y\nproperty float z\nelement face " +
                      std::to_string(body->corners.size() / 3) +
                      "\nproperty list uchar uint vertex_indices\nend_header\n";
    for (const float c : p)
        put(ply, c, true);
    for (std::size_t i = 0; i < body->corners.size(); i += 3) {
        put(ply, static_cast<std::uint8_t>(3), true);
        for (std::size_t c = i; c < i + 3; ++c)
            put(ply, static_cast<std::uint32_t>(body->corners[c].v), true);
    }
    // The manifest, pointed at each file, its skin group "*".
    std::string text = test::read_text(manifest);
    const auto file_at = text.find("file = \"");
    const auto file_end = text.find('\n', file_at);
    const auto group_at = text.find("group = \"body\"");
    ASSERT_NE(file_at, std::string::npos);
    ASSERT_NE(group_at, std::string::npos);
    text.replace(group_at, 14, "group = \"*\"");
    for (const auto& [name, bytes] :
         std::vector<std::pair<std::string, std::string>>{{"scan.stl", stl}, {"scan.ply", ply}}) {
        SCOPED_TRACE(name);
        const fs::path dir = test::fresh_dir("makehuman-" + name);
        test::write_text(dir / name, bytes);
        std::string m = text;
        m.replace(file_at, file_end - file_at, "file = \"" + name + "\"");
        test::write_text(dir / "model.toml", m);
        const auto r = load_model(dir / "model.toml");
        ASSERT_TRUE(r.ok()) << describe(r.diagnostics);
        EXPECT_EQ(r.value->skin.triangle_count(), 9688u);
        EXPECT_EQ(r.value->skin.vertex_count(), reference.value->skin.vertex_count());
        ASSERT_EQ(r.value->landmarks.size(), reference.value->landmarks.size());
        for (const auto& [landmark, point] : reference.value->landmarks) {
            const auto it = r.value->landmarks.find(landmark);
            ASSERT_NE(it, r.value->landmarks.end()) << landmark;
            EXPECT_LT(glm::distance(it->second, point), 1e-3f) << landmark;
        }
    }
}

// A 1 GB PLY or STL (sparse: no disk used) is refused by its size before anything is read.
TEST(MeshFiles, GigabyteScanFilesAreRefusedBySize) {
    const fs::path dir = test::fresh_dir("gigabyte");
    for (const auto& [name, rule] : std::vector<std::pair<std::string, std::string>>{
             {"huge.ply", "ply.too-large"}, {"huge.stl", "stl.too-large"}}) {
        { std::ofstream touch(dir / name); }
        fs::resize_file(dir / name, std::uintmax_t{1} << 30);
        const auto r = detail::read_mesh_file(dir / name, name);
        EXPECT_TRUE(refused_with(r, rule)) << name;
    }
}
