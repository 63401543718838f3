// Model manifests and OBJ loading: unit and axis conversion, triangulation, normals, fibre
// directions, landmark snapping, and every located error of the corpus in tests/data/models.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include <glm/geometric.hpp>
#include <gtest/gtest.h>

#include "injmap/models/landmark_names.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace injmap;

namespace {

fs::path corpus(const std::string& name) {
    return test::data_dir() / "models" / name;
}

std::string rules_of(const Diagnostics& diagnostics) {
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

void expect_near(const glm::vec3& actual, const glm::vec3& expected, float tolerance,
                 const std::string& what) {
    EXPECT_NEAR(actual.x, expected.x, tolerance) << what;
    EXPECT_NEAR(actual.y, expected.y, tolerance) << what;
    EXPECT_NEAR(actual.z, expected.z, tolerance) << what;
}

} // namespace

// --- good models -------------------------------------------------------------------------------

TEST(Manifest, BoxInCentimetresWithZUpIsConvertedToModelSpace) {
    const auto r = load_model(corpus("box-cm.toml"));
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Model& m = *r.value;
    EXPECT_EQ(m.id, "box-cm");
    EXPECT_EQ(m.display_name, "Box (cm, Z up)");
    EXPECT_EQ(m.sex, "unspecified");
    EXPECT_TRUE(m.skin_path.is_absolute());
    EXPECT_EQ(m.skin_path.filename(), "box-cm.obj");
    EXPECT_TRUE(m.manifest_path.is_absolute());

    // 6 quads → 12 triangles on 8 welded corners.
    EXPECT_EQ(m.skin.vertex_count(), 8u);
    EXPECT_EQ(m.skin.triangle_count(), 12u);
    // File x ∈ [-5, 5] cm, y (back) ∈ [-4, 4], z (up) ∈ [0, 20] → model mm, +Y up, +Z = file -Y.
    const Bounds b = bounds_of(m.skin);
    expect_near(b.min, {-50, 0, -40}, 1e-3f, "bbox min");
    expect_near(b.max, {50, 200, 40}, 1e-3f, "bbox max");
}

TEST(Manifest, SkinNormalsAreComputedAndPointOutward) {
    const auto r = load_model(corpus("box-cm.toml"));
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Mesh& skin = r.value->skin;
    ASSERT_EQ(skin.normals.size(), skin.positions.size());
    const glm::vec3 centre(0, 100, 0);
    for (std::size_t i = 0; i < skin.positions.size(); ++i) {
        EXPECT_NEAR(glm::length(skin.normals[i]), 1.0f, 1e-4f);
        EXPECT_GT(glm::dot(skin.normals[i], skin.positions[i] - centre), 0.0f) << "vertex " << i;
    }
    // Triangles stay counter-clockwise seen from outside: face normals point away from the centre.
    for (std::size_t t = 0; t < skin.triangle_count(); ++t) {
        const glm::vec3 a = skin.positions[skin.indices[3 * t]],
                        bb = skin.positions[skin.indices[3 * t + 1]],
                        c = skin.positions[skin.indices[3 * t + 2]];
        EXPECT_GT(glm::dot(glm::cross(bb - a, c - a), (a + bb + c) / 3.0f - centre), 0.0f)
            << "triangle " << t;
    }
}

TEST(Manifest, MuscleFibreDirectionFollowsTheUGradient) {
    const auto r = load_model(corpus("box-cm.toml"));
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    ASSERT_EQ(r.value->muscles.size(), 1u);
    const Muscle& strap = r.value->muscles.front();
    EXPECT_EQ(strap.id, "strap");
    EXPECT_EQ(strap.side, Side::left);
    EXPECT_EQ(strap.layer, MuscleLayer::strap);
    EXPECT_EQ(strap.key(), "strap_left");
    EXPECT_EQ(strap.mesh.triangle_count(), 16u);
    ASSERT_EQ(strap.mesh.uvs.size(), strap.mesh.positions.size());
    ASSERT_EQ(strap.fibre_directions.size(), strap.mesh.positions.size());
    // u grows with file +Z (up) → fibres run along model +Y; the strap faces the front (+Z).
    for (std::size_t i = 0; i < strap.mesh.positions.size(); ++i) {
        expect_near(strap.fibre_directions[i], {0, 1, 0}, 1e-4f, "fibre " + std::to_string(i));
        expect_near(strap.mesh.normals[i], {0, 0, 1}, 1e-4f, "normal " + std::to_string(i));
        // x stays the subject's left: the strap lies at file x ∈ [1, 3] cm.
        EXPECT_GE(strap.mesh.positions[i].x, 10.0f - 1e-3f);
        EXPECT_NEAR(strap.mesh.positions[i].z, 35.0f, 1e-3f);
    }
    ASSERT_EQ(r.value->groups.count("straps"), 1u);
    EXPECT_EQ(r.value->groups.at("straps"), std::vector<std::string>{"strap"});
    EXPECT_EQ(r.value->expand_muscle_key("straps"), std::vector<std::string>{"strap"});
}

TEST(Manifest, LandmarksAreConvertedAndSnappedOntoTheSkin) {
    const auto r = load_model(corpus("box-cm.toml"));
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Model& m = *r.value;
    ASSERT_EQ(m.landmarks.size(), 5u);
    expect_near(*m.landmark("vertex"), {0, 200, 0}, 1e-3f, "vertex");
    expect_near(*m.landmark("glabella"), {0, 150, 40}, 1e-3f, "glabella");
    expect_near(*m.landmark("tragion_left"), {50, 140, 0}, 1e-3f, "tragion_left");
    expect_near(*m.landmark("tragion_right"), {-50, 140, 0}, 1e-3f, "tragion_right");
    // Written 2 mm in front of the face: stored on it.
    expect_near(*m.landmark("subnasale"), {0, 120, 40}, 1e-3f, "subnasale");
}

TEST(Manifest, PrismInDecimetresWithXForwardKeepsTheFileNormals) {
    const auto r = load_model(corpus("prism-dm.toml"));
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Model& m = *r.value;
    EXPECT_EQ(m.sex, "female");
    EXPECT_TRUE(m.muscles.empty());
    EXPECT_EQ(m.skin.triangle_count(), 6u * 2 + 6);
    // Forward is file +X, up +Y, so the subject's left (model +X) is file -Z.
    expect_near(*m.landmark("vertex"), {0, 200, 0}, 1e-3f, "vertex");
    expect_near(*m.landmark("pronasale"), {0, 100, 100}, 1e-3f, "pronasale");
    expect_near(*m.landmark("tragion_left"), {86.6f, 100, 0}, 0.05f, "tragion_left");
    // The file's normals are used (rotated), not recomputed: the top ring's normals lean 45° up.
    bool found = false;
    for (std::size_t i = 0; i < m.skin.positions.size(); ++i) {
        if (glm::length(m.skin.positions[i] - glm::vec3(0, 200, 100)) < 1e-3f) {
            expect_near(m.skin.normals[i], glm::normalize(glm::vec3(0, 1, 1)), 1e-4f, "rim normal");
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(Manifest, LoadByNameTakesAPathOrReportsAnUnknownId) {
    const auto by_path = load_model_by_name(corpus("prism-dm.toml").string());
    EXPECT_TRUE(by_path.ok()) << rules_of(by_path.diagnostics);
    const auto unknown = load_model_by_name("no-such-model-anywhere");
    EXPECT_FALSE(unknown.ok());
    ASSERT_FALSE(unknown.diagnostics.empty());
    EXPECT_EQ(unknown.diagnostics.front().rule, "manifest.io");
}

// --- the error corpus --------------------------------------------------------------------------

struct BadCase {
    const char* manifest;
    const char* rule;
    int line;            // expected line of the first diagnostic with this rule
    int column;          // 0 = not checked
    const char* in_file; // the file the diagnostic points at (suffix)
};

class ManifestCorpus : public ::testing::TestWithParam<BadCase> {};

TEST_P(ManifestCorpus, ReportsTheRuleAtItsLine) {
    const BadCase& c = GetParam();
    const auto r = load_model(corpus(c.manifest));
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.value.has_value());
    const Diagnostic* d = find_rule(r.diagnostics, c.rule);
    ASSERT_NE(d, nullptr) << "expected " << c.rule << ", got:\n" << rules_of(r.diagnostics);
    EXPECT_EQ(d->severity, Severity::error);
    EXPECT_EQ(d->where.line, c.line) << format_diagnostic(*d);
    if (c.column > 0) {
        EXPECT_EQ(d->where.column, c.column) << format_diagnostic(*d);
    }
    const std::string file = d->where.file;
    EXPECT_TRUE(file.size() >= std::string(c.in_file).size() &&
                file.compare(file.size() - std::string(c.in_file).size(), std::string::npos,
                             c.in_file) == 0)
        << file;
    // Every diagnostic is one line and names its rule.
    for (const auto& each : r.diagnostics) {
        EXPECT_FALSE(each.rule.empty());
        EXPECT_EQ(each.message.find('\n'), std::string::npos) << each.message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, ManifestCorpus,
    ::testing::Values(
        BadCase{"bad-missing-mesh.toml", "manifest.mesh-missing", 4, 8, "bad-missing-mesh.toml"},
        BadCase{"bad-index.toml", "obj.bad-index", 6, 7, "bad-index.obj"},
        BadCase{"bad-nan.toml", "obj.non-finite", 4, 6, "bad-nan.obj"},
        BadCase{"bad-obj-syntax.toml", "obj.syntax", 4, 5, "bad-obj-syntax.obj"},
        BadCase{"bad-empty.toml", "obj.empty", 0, 0, "bad-empty.obj"},
        BadCase{"bad-units.toml", "manifest.unknown-units", 5, 9, "bad-units.toml"},
        BadCase{"bad-axes.toml", "manifest.bad-axes", 7, 11, "bad-axes.toml"},
        BadCase{"bad-axis-name.toml", "manifest.bad-axes", 6, 6, "bad-axis-name.toml"},
        BadCase{"bad-landmark-off.toml", "manifest.landmark-off-skin", 12, 12,
                "bad-landmark-off.toml"},
        BadCase{"bad-unknown-key.toml", "manifest.unknown-key", 3, 1, "bad-unknown-key.toml"},
        BadCase{"bad-type.toml", "manifest.type", 5, 9, "bad-type.toml"},
        BadCase{"bad-toml-syntax.toml", "manifest.syntax", 4, 0, "bad-toml-syntax.toml"},
        BadCase{"bad-no-skin.toml", "manifest.no-skin", 9, 9, "bad-no-skin.toml"},
        BadCase{"bad-muscle-group.toml", "manifest.unknown-group", 10, 0, "bad-muscle-group.toml"},
        BadCase{"bad-group-member.toml", "manifest.unknown-group", 14, 20, "bad-group-member.toml"},
        BadCase{"bad-side.toml", "manifest.bad-value", 12, 8, "bad-side.toml"},
        BadCase{"bad-missing-key.toml", "manifest.missing-key", 3, 0, "bad-missing-key.toml"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
        std::string name = param_info.param.manifest;
        name = name.substr(0, name.find('.'));
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

// --- errors made on the fly --------------------------------------------------------------------

TEST(Manifest, MissingManifestIsAnIoError) {
    const auto r = load_model(test::fresh_dir("missing_manifest") / "nothing.toml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics.front().rule, "manifest.io");
}

TEST(Manifest, OversizedManifestIsRefusedBeforeParsing) {
    const auto dir = test::fresh_dir("oversized_manifest");
    std::string text = "schema_version = 1\n";
    while (text.size() <= 1024 * 1024)
        text += "# padding padding padding padding padding padding padding padding padding\n";
    test::write_text(dir / "big.toml", text);
    const auto r = load_model(dir / "big.toml");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics.front().rule, "manifest.too-large");
}

TEST(Manifest, OversizedObjIsRefusedBeforeReading) {
    const auto dir = test::fresh_dir("oversized_obj");
    test::write_text(
        dir / "m.toml",
        "schema_version = 1\nid = \"big\"\n[mesh]\nfile = \"big.obj\"\nunits = \"mm\"\n"
        "[skin]\ngroup = \"skin\"\n");
    {
        test::write_text(dir / "big.obj", "o skin\n");
        fs::resize_file(dir / "big.obj", 513ull * 1024 * 1024); // sparse: no disk space is used
    }
    const auto r = load_model(dir / "m.toml");
    fs::remove(dir / "big.obj");
    ASSERT_FALSE(r.ok());
    const Diagnostic* d = find_rule(r.diagnostics, "obj.too-large");
    ASSERT_NE(d, nullptr) << rules_of(r.diagnostics);
}

TEST(Manifest, UnknownLandmarkNameIsAWarningOnly) {
    const auto dir = test::fresh_dir("unknown_landmark");
    fs::copy_file(corpus("box-cm.obj"), dir / "box-cm.obj");
    test::write_text(
        dir / "m.toml",
        "schema_version = 1\nid = \"w\"\n[mesh]\nfile = \"box-cm.obj\"\nunits = \"cm\"\n"
        "up = \"+z\"\nforward = \"-y\"\n[skin]\ngroup = \"skin\"\n[landmarks]\n"
        "glabela = [0, -4, 15]\n");
    const auto r = load_model(dir / "m.toml");
    EXPECT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Diagnostic* d = find_rule(r.diagnostics, "manifest.unknown-key");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->severity, Severity::warning);
    EXPECT_EQ(d->where.line, 11);
}

TEST(Manifest, SchemaVersionOtherThanOneIsRefused) {
    const auto dir = test::fresh_dir("schema_version");
    fs::copy_file(corpus("box-cm.obj"), dir / "box-cm.obj");
    test::write_text(
        dir / "m.toml",
        "schema_version = 2\nid = \"v\"\n[mesh]\nfile = \"box-cm.obj\"\nunits = \"cm\"\n"
        "[skin]\ngroup = \"skin\"\n");
    const auto r = load_model(dir / "m.toml");
    ASSERT_FALSE(r.ok());
    const Diagnostic* d = find_rule(r.diagnostics, "manifest.bad-value");
    ASSERT_NE(d, nullptr) << rules_of(r.diagnostics);
    EXPECT_EQ(d->where.line, 1);
}

TEST(Manifest, PolygonsAndRelativeIndicesAreTriangulated) {
    const auto dir = test::fresh_dir("polygons");
    // A pentagon pyramid: a 5-cornered base with relative (negative) indices and five side
    // triangles.
    test::write_text(dir / "p.obj",
                     "o skin\n"
                     "v 10 0 0\nv 3.09 0 9.51\nv -8.09 0 5.88\nv -8.09 0 -5.88\nv 3.09 0 -9.51\n"
                     "v 0 10 0\n"
                     "f -2 -3 -4 -5 -6\n"
                     "f 1 2 6\nf 2 3 6\nf 3 4 6\nf 4 5 6\nf 5 1 6\n");
    test::write_text(dir / "p.toml",
                     "schema_version = 1\nid = \"p\"\n[mesh]\nfile = \"p.obj\"\nunits = \"mm\"\n"
                     "[skin]\ngroup = \"skin\"\n");
    const auto r = load_model(dir / "p.toml");
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    EXPECT_EQ(r.value->skin.triangle_count(), 3u + 5u);
    EXPECT_EQ(r.value->skin.vertex_count(), 6u);
}

TEST(Manifest, MuscleWithoutTextureCoordinatesWarnsAndGetsUnitTangents) {
    const auto dir = test::fresh_dir("no_uv");
    test::write_text(dir / "m.obj", "o skin\nv -10 0 -10\nv 10 0 -10\nv 0 0 10\nv 0 20 0\n"
                                    "f 1 3 2\nf 1 2 4\nf 2 3 4\nf 3 1 4\n"
                                    "o band\nv -2 5 0\nv 2 5 0\nv 0 9 0\nf 5 6 7\n");
    test::write_text(dir / "m.toml",
                     "schema_version = 1\nid = \"m\"\n[mesh]\nfile = \"m.obj\"\nunits = \"mm\"\n"
                     "[skin]\ngroup = \"skin\"\n[[muscles]]\nid = \"band\"\nside = \"midline\"\n");
    const auto r = load_model(dir / "m.toml");
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Diagnostic* d = find_rule(r.diagnostics, "obj.no-uv");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->severity, Severity::warning);
    const Muscle& band = r.value->muscles.front();
    EXPECT_EQ(band.key(), "band");
    for (std::size_t i = 0; i < band.fibre_directions.size(); ++i) {
        EXPECT_NEAR(glm::length(band.fibre_directions[i]), 1.0f, 1e-4f);
        EXPECT_NEAR(glm::dot(band.fibre_directions[i], band.mesh.normals[i]), 0.0f, 1e-4f);
    }
}

// Damaged copies of a good OBJ and manifest must give diagnostics, never a crash or an exception.
TEST(Manifest, DamagedFilesNeverCrash) {
    const auto dir = test::fresh_dir("damaged");
    const std::string obj = test::read_text(corpus("box-cm.obj"));
    const std::string toml = test::read_text(corpus("box-cm.toml"));
    std::mt19937 rng(1234);
    const std::string alphabet = "0123456789 -+./#\nvfonaie[]=\"'{}\t\r\\";
    for (int round = 0; round < 150; ++round) {
        std::string bad_obj = obj, bad_toml = toml;
        for (std::string* text : {&bad_obj, &bad_toml}) {
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = rng() % text->size();
                switch (rng() % 3) {
                case 0:
                    (*text)[at] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    text->erase(at, 1 + rng() % 8);
                    break;
                default:
                    text->insert(at, 1, alphabet[rng() % alphabet.size()]);
                }
                if (text->empty())
                    text->push_back('x');
            }
        }
        // Half the rounds damage only the OBJ, so the mesh path is reached.
        test::write_text(dir / "box-cm.obj", bad_obj);
        test::write_text(dir / "box-cm.toml", round % 2 ? bad_toml : toml);
        Result<Model> r;
        EXPECT_NO_THROW(r = load_model(dir / "box-cm.toml")) << "round " << round;
        if (!r.ok()) {
            EXPECT_TRUE(has_errors(r.diagnostics)) << "round " << round;
            EXPECT_FALSE(r.value.has_value());
        }
    }
}

// --- the MakeHuman test mesh (third-party, read from ../shared) ---------------------------------

TEST(Manifest, MakeHumanMeshImportsInMillimetresWithLandmarksOnTheSkin) {
    if (!fs::exists(test::shared_dir() / "meshes" / "makehuman_hm08_head_neck_shoulders.obj"))
        GTEST_SKIP()
            << "../shared/meshes is absent (third-party test meshes are not shipped); skipping";
    const fs::path manifest = test::share_dir() / "test-models" / "makehuman-hm08.toml";
    ASSERT_TRUE(fs::exists(manifest)) << manifest;
    const auto r = load_model(manifest);
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    const Model& m = *r.value;
    EXPECT_EQ(m.id, "makehuman-hm08");
    EXPECT_TRUE(m.muscles.empty());
    // 4,844 quads → 9,688 triangles; positions welded across texture seams.
    EXPECT_EQ(m.skin.triangle_count(), 9688u);
    EXPECT_EQ(m.skin.vertex_count(), 4893u);
    ASSERT_EQ(m.skin.normals.size(), m.skin.positions.size());

    // Decimetres → millimetres: the crop is 388 mm tall; the head (vertex → menton) is adult-sized.
    const Bounds b = bounds_of(m.skin);
    EXPECT_NEAR(b.max.y - b.min.y, 387.7f, 1.0f);
    EXPECT_NEAR(b.max.x, 259.9f, 0.5f);
    const float head_height = m.landmark("vertex")->y - m.landmark("menton")->y;
    EXPECT_GT(head_height, 200.0f);
    EXPECT_LT(head_height, 260.0f);
    EXPECT_GT(m.landmark("pronasale")->z,
              m.landmark("opisthocranion")->z + 150.0f); // the face is +Z
    EXPECT_GT(m.landmark("tragion_left")->x, 0.0f);      // left is +X
    EXPECT_GT(m.landmark("acromion_left")->x, 150.0f);

    // Every standard landmark is there and lies on the skin.
    const SurfaceIndex index(m.skin);
    std::size_t expected = 0;
    for (const auto& l : kStandardLandmarks) {
        for (const std::string& name :
             l.sided ? std::vector<std::string>{std::string(l.name) + "_left",
                                                std::string(l.name) + "_right"}
                     : std::vector<std::string>{std::string(l.name)}) {
            ++expected;
            const auto p = m.landmark(name);
            ASSERT_TRUE(p.has_value()) << name;
            EXPECT_LT(index.closest_point(*p)->distance, 0.01f) << name;
        }
    }
    EXPECT_EQ(m.landmarks.size(), expected);
    // The manifest's points were placed on the mesh: snapping moved none of them noticeably.
    EXPECT_NEAR(m.landmark("vertex")->y, 849.13f, 0.01f);
    EXPECT_NEAR(m.landmark("pronasale")->z, 168.07f, 0.01f);
}

// --- the generated default models (built by injmap-modelgen into the build's share dir) ---------

class GeneratedModel : public ::testing::TestWithParam<const char*> {};

TEST_P(GeneratedModel, LoadsWithEveryLandmarkMuscleAndGroup) {
    const fs::path manifest = test::share_dir() / "models" / (std::string(GetParam()) + ".toml");
    if (!fs::exists(manifest))
        GTEST_SKIP() << manifest << " is not built (build injmap_default_models)";
    const auto r = load_model(manifest);
    ASSERT_TRUE(r.ok()) << rules_of(r.diagnostics);
    EXPECT_TRUE(r.diagnostics.empty()) << rules_of(r.diagnostics); // not even a warning
    const Model& m = *r.value;
    EXPECT_EQ(m.id, GetParam());
    EXPECT_GT(m.skin.triangle_count(), 10000u);
    ASSERT_EQ(m.skin.normals.size(), m.skin.positions.size());

    // Every standard landmark, on the skin.
    const SurfaceIndex skin(m.skin);
    for (const auto& l : kStandardLandmarks) {
        for (const std::string& name :
             l.sided ? std::vector<std::string>{std::string(l.name) + "_left",
                                                std::string(l.name) + "_right"}
                     : std::vector<std::string>{std::string(l.name)}) {
            const auto p = m.landmark(name);
            ASSERT_TRUE(p.has_value()) << name;
            EXPECT_LT(skin.closest_point(*p)->distance, 0.01f) << name;
        }
    }
    // Left is +X, the face is +Z, up is +Y.
    EXPECT_GT(m.landmark("tragion_left")->x, 30.0f);
    EXPECT_LT(m.landmark("tragion_right")->x, -30.0f);
    EXPECT_GT(m.landmark("pronasale")->z, m.landmark("inion")->z + 100.0f);
    EXPECT_GT(m.landmark("vertex")->y, m.landmark("c7")->y + 150.0f);

    // The agreed muscles and groups, with unit fibre directions tangent to each muscle.
    for (const char* id :
         {"frontalis", "temporalis", "occipitalis", "trapezius", "splenius_capitis",
          "semispinalis_capitis", "sternocleidomastoid", "levator_scapulae"}) {
        EXPECT_NE(m.find_muscle(id, Side::left), nullptr) << id;
        EXPECT_NE(m.find_muscle(id, Side::right), nullptr) << id;
    }
    EXPECT_NE(m.find_muscle("procerus", Side::midline), nullptr);
    EXPECT_EQ(m.expand_muscle_key("cervical_paraspinal"),
              (std::vector<std::string>{"splenius_capitis", "splenius_cervicis",
                                        "semispinalis_capitis"}));
    EXPECT_EQ(m.expand_muscle_key("scalenes").size(), 3u);
    for (const Muscle& muscle : m.muscles) {
        ASSERT_EQ(muscle.fibre_directions.size(), muscle.mesh.positions.size()) << muscle.key();
        for (std::size_t i = 0; i < muscle.fibre_directions.size(); i += 7) {
            EXPECT_NEAR(glm::length(muscle.fibre_directions[i]), 1.0f, 1e-3f) << muscle.key();
            EXPECT_NEAR(glm::dot(muscle.fibre_directions[i], muscle.mesh.normals[i]), 0.0f, 1e-3f)
                << muscle.key();
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Defaults, GeneratedModel, ::testing::Values("adult-male", "adult-female"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                             std::string name = param_info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });
