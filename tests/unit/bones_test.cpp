// The generated skeleton: every expected bone, within the triangle budget, entirely under the skin,
// at the published soft-tissue depths under the bony landmarks, and read back from the files.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <glm/geometric.hpp>

#include "injmap/models/generate.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "test_support.hpp"

namespace {

using glm::vec3;
using injmap::Side;

const injmap::Model& model(const std::string& id) {
    static std::map<std::string, injmap::Model> cache;
    auto it = cache.find(id);
    if (it == cache.end())
        it = cache.emplace(id, injmap::generate_model(id)).first;
    return it->second;
}

// The skin mesh's connected pieces (by shared vertices): the outer skin is the largest; any others
// are closed surfaces inside it (the eyeballs under the lids).
std::vector<injmap::Mesh> pieces_of(const injmap::Mesh& mesh) {
    std::vector<std::uint32_t> parent(mesh.positions.size());
    for (std::uint32_t v = 0; v < parent.size(); ++v)
        parent[v] = v;
    const auto find = [&](std::uint32_t v) {
        while (parent[v] != v)
            v = parent[v] = parent[parent[v]];
        return v;
    };
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3)
        for (int c = 1; c < 3; ++c)
            parent[find(mesh.indices[t + c])] = find(mesh.indices[t]);
    std::map<std::uint32_t, injmap::Mesh> by_root;
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        auto& piece = by_root[find(mesh.indices[t])];
        for (int c = 0; c < 3; ++c) {
            const auto v = mesh.indices[t + c];
            piece.indices.push_back(static_cast<std::uint32_t>(piece.positions.size()));
            piece.positions.push_back(mesh.positions[v]);
            piece.normals.push_back(mesh.normals[v]);
        }
    }
    std::vector<injmap::Mesh> out;
    for (auto& [root, piece] : by_root)
        out.push_back(std::move(piece));
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.triangle_count() > b.triangle_count(); });
    return out;
}

struct Indexed {
    injmap::SurfaceIndex skin;       // the outer skin only
    std::vector<injmap::Mesh> inner; // closed surfaces inside it (eyeballs), if any
    std::vector<injmap::SurfaceIndex> bones;
};

const Indexed& indexed(const std::string& id) {
    static std::map<std::string, std::unique_ptr<Indexed>> cache;
    auto& slot = cache[id];
    if (!slot) {
        slot = std::make_unique<Indexed>();
        auto pieces = pieces_of(model(id).skin);
        slot->skin = injmap::SurfaceIndex(pieces.front());
        slot->inner.assign(std::make_move_iterator(pieces.begin() + 1),
                           std::make_move_iterator(pieces.end()));
        for (const auto& b : model(id).bones)
            slot->bones.emplace_back(b.mesh);
    }
    return *slot;
}

struct Under {
    std::string bone; // key of the first bone met, empty if none
    float depth = 0.0f;
};

// Going inward from a skin point along the skin's normal: the first bone met, and how deep.
Under bone_under(const std::string& id, vec3 skin_point, float reach = 60.0f) {
    const auto& m = model(id);
    const auto& ix = indexed(id);
    const auto skin_hit = ix.skin.closest_point(skin_point);
    EXPECT_TRUE(skin_hit);
    const vec3 inward = -skin_hit->normal;
    Under best{"", reach};
    for (std::size_t i = 0; i < m.bones.size(); ++i)
        if (const auto hit = ix.bones[i].ray_cast(skin_hit->point, inward, reach))
            if (hit->distance < best.depth)
                best = {m.bones[i].key(), hit->distance};
    return best;
}

// Inside the outer skin (open only at the bottom cut): an odd number of crossings going up. The
// nearest skin point's normal cannot tell this for deep points, whose nearest point may lie in a
// crease (the lids' line) where the normal is tilted.
bool inside_outer_skin(const injmap::SurfaceIndex& skin, vec3 p) {
    const vec3 up = glm::normalize(vec3(0.013f, 1.0f, 0.007f)); // off the mesh's axis-aligned edges
    int crossings = 0;
    vec3 from = p;
    while (const auto hit = skin.ray_cast(from, up, 2000.0f)) {
        ++crossings;
        from = hit->point + up * 1e-3f;
        if (crossings > 64)
            break;
    }
    return crossings % 2 == 1;
}

class Bones : public ::testing::TestWithParam<std::string> {};

TEST_P(Bones, EveryBoneWithinTheTriangleBudget) {
    const auto& m = model(GetParam());
    std::vector<std::string> keys;
    std::size_t triangles = 0;
    for (const auto& b : m.bones) {
        keys.push_back(b.key());
        triangles += b.mesh.triangle_count();
        EXPECT_GT(b.mesh.triangle_count(), 200u) << b.key();
        EXPECT_EQ(b.mesh.normals.size(), b.mesh.positions.size()) << b.key();
    }
    for (const char* expected :
         {"cranium", "mandible", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "t1", "t2", "t3", "t4",
          "clavicle_left", "clavicle_right", "scapula_left", "scapula_right", "manubrium"})
        EXPECT_NE(std::find(keys.begin(), keys.end(), expected), keys.end()) << expected;
    EXPECT_LE(triangles, 60000u);

    // Paired bones are mirror images.
    for (const char* id : {"clavicle", "scapula"}) {
        const auto* l = m.find_bone(id, Side::left);
        const auto* r = m.find_bone(id, Side::right);
        ASSERT_TRUE(l && r) << id;
        ASSERT_EQ(l->mesh.positions.size(), r->mesh.positions.size());
        EXPECT_GT(injmap::bounds_of(l->mesh).min.x, 0.0f) << id;
        for (std::size_t v = 0; v < l->mesh.positions.size(); v += 97)
            EXPECT_EQ(l->mesh.positions[v] * vec3(-1, 1, 1), r->mesh.positions[v]) << id;
    }
}

TEST_P(Bones, NoBoneReachesTheSkin) {
    const auto& m = model(GetParam());
    const auto& ix = indexed(GetParam());
    // Every bone vertex lies inside the skin (ray parity) and at least 2 mm under it.
    for (const auto& b : m.bones) {
        std::size_t outside = 0, shallow = 0;
        float least = 1e9f;
        vec3 example{0.0f};
        for (const vec3 p : b.mesh.positions) {
            const auto hit = ix.skin.closest_point(p);
            ASSERT_TRUE(hit);
            if (!inside_outer_skin(ix.skin, p)) {
                ++outside;
                example = p;
            } else if (hit->distance < 2.0f)
                ++shallow;
            least = std::min(least, hit->distance);
        }
        EXPECT_EQ(outside, 0u) << b.key() << " e.g. at " << example.x << " " << example.y << " "
                               << example.z;
        EXPECT_EQ(shallow, 0u) << b.key() << " (least depth " << least << " mm)";
    }
    // Nor into the closed surfaces inside the skin: solids (positive volume: the eyeballs, which
    // sit in the orbits) or cavities (negative volume, facing into the cavity: the mouth).
    for (const auto& piece : ix.inner) {
        double volume = 0.0;
        for (std::size_t t = 0; t + 2 < piece.indices.size(); t += 3)
            volume += glm::dot(piece.positions[piece.indices[t]],
                               glm::cross(piece.positions[piece.indices[t + 1]],
                                          piece.positions[piece.indices[t + 2]])) /
                      6.0;
        const float solid = volume > 0.0 ? 1.0f : -1.0f;
        const injmap::SurfaceIndex inner(piece);
        for (const auto& b : m.bones) {
            std::size_t inside = 0;
            for (const vec3 p : b.mesh.positions) {
                const auto hit = inner.closest_point(p, 5.0f);
                if (hit && solid * glm::dot(p - hit->point, hit->normal) < 0.0f)
                    ++inside;
            }
            EXPECT_EQ(inside, 0u) << b.key() << " inside an inner "
                                  << (volume > 0 ? "solid" : "cavity") << " of " << volume / 1000.0
                                  << " ml";
        }
    }
}

TEST_P(Bones, BonyLandmarksLieOverTheirBone) {
    const auto& m = model(GetParam());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"inion", "cranium"},
        {"mastoid_left", "cranium"},
        {"mastoid_right", "cranium"},
        {"supraorbital_rim_left", "cranium"},
        {"supraorbital_rim_right", "cranium"},
        {"zygomatic_arch_left", "cranium"},
        {"zygomatic_arch_right", "cranium"},
        {"c7", "c7"},
        {"acromion_left", "scapula_left"},
        {"acromion_right", "scapula_right"},
    };
    for (const auto& [landmark, bone] : cases) {
        const auto p = m.landmark(landmark);
        ASSERT_TRUE(p) << landmark;
        const Under u = bone_under(GetParam(), *p);
        EXPECT_EQ(u.bone, bone) << landmark;
        EXPECT_GT(u.depth, 2.0f) << landmark;
        EXPECT_LE(u.depth, 20.0f) << landmark;
    }
}

// Soft-tissue depth over the bone at the landmarks with published values (bones.cpp: De Greef et
// al. 2006; Stephan & Simpson 2008), within a tolerance for the surface-nets resolution.
TEST_P(Bones, SoftTissueDepthsFollowTheTables) {
    const auto& m = model(GetParam());
    struct Case {
        const char* landmark;
        const char* bone;
        float lo, hi;
    };
    const Case cases[] = {
        {"vertex", "cranium", 4.0f, 7.5f},
        {"glabella", "cranium", 4.0f, 7.5f},
        {"nasion", "cranium", 5.0f, 9.0f},
        {"zygomatic_arch_left", "cranium", 6.0f, 10.5f},
        {"inion", "cranium", 4.5f, 9.5f},
        {"menton", "mandible", 5.0f, 13.0f},
        {"gonion_left", "mandible", 12.0f, 20.0f},
        {"c7", "c7", 9.0f, 16.0f},
        {"t1", "t1", 9.0f, 16.0f},
        {"acromion_left", "scapula_left", 5.0f, 9.5f},
        {"clavicle_mid_left", "clavicle_left", 5.0f, 9.5f},
    };
    for (const auto& c : cases) {
        const auto p = m.landmark(c.landmark);
        ASSERT_TRUE(p) << c.landmark;
        const Under u = bone_under(GetParam(), *p);
        EXPECT_EQ(u.bone, c.bone) << c.landmark;
        EXPECT_GE(u.depth, c.lo) << c.landmark;
        EXPECT_LE(u.depth, c.hi) << c.landmark;
        std::printf("  %-22s %-14s %5.1f mm\n", c.landmark, u.bone.c_str(), u.depth);
    }
    // The chin: straight back from the front of the chin (pogonion level), about 10-12 mm.
    const auto menton = m.landmark("menton");
    ASSERT_TRUE(menton);
    const vec3 pogonion_level = *menton + vec3(0.0f, 14.0f, 40.0f);
    const auto hit = indexed(GetParam()).skin.ray_cast(pogonion_level, vec3(0, 0, -1), 80.0f);
    ASSERT_TRUE(hit);
    const Under chin = bone_under(GetParam(), hit->point);
    EXPECT_EQ(chin.bone, "mandible");
    EXPECT_GE(chin.depth, 8.0f);
    EXPECT_LE(chin.depth, 14.0f);
    std::printf("  %-22s %-14s %5.1f mm\n", "pogonion", chin.bone.c_str(), chin.depth);
}

INSTANTIATE_TEST_SUITE_P(DefaultModels, Bones, ::testing::Values("adult-male", "adult-female"),
                         [](const auto& param_info) {
                             return param_info.param == "adult-male" ? "male" : "female";
                         });

// [[bones]] in a manifest: optional, read into Model::bones, its group checked against the OBJ.
TEST(BonesManifest, ReadAndChecked) {
    const auto dir = injmap::test::fresh_dir("bones_manifest");
    injmap::test::write_text(dir / "m.obj", "o skin\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\n"
                                            "f 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"
                                            "o bone_c7\nv 0 0 0.1\nv 0.5 0 0.1\nv 0 0.5 0.1\n"
                                            "f 5 6 7\n");
    const std::string head = "schema_version = 1\nid = \"m\"\n[mesh]\nfile = \"m.obj\"\n"
                             "units = \"mm\"\n[skin]\ngroup = \"skin\"\n";
    injmap::test::write_text(dir / "m.toml", head + "[[bones]]\nid = \"c7\"\n");
    const auto ok = injmap::load_model(dir / "m.toml");
    ASSERT_TRUE(ok.ok());
    ASSERT_EQ(ok.value->bones.size(), 1u);
    EXPECT_EQ(ok.value->bones[0].key(), "c7");
    EXPECT_EQ(ok.value->bones[0].mesh.triangle_count(), 1u);

    injmap::test::write_text(dir / "m.toml",
                             head + "[[bones]]\nid = \"scapula\"\nside = \"left\"\n");
    const auto missing = injmap::load_model(dir / "m.toml");
    EXPECT_FALSE(missing.ok());
    ASSERT_FALSE(missing.diagnostics.empty());
    EXPECT_EQ(missing.diagnostics.front().rule, "manifest.unknown-group");

    injmap::test::write_text(dir / "m.toml", head + "[[bones]]\nid = \"c7\"\nside = \"up\"\n");
    const auto bad_side = injmap::load_model(dir / "m.toml");
    EXPECT_FALSE(bad_side.ok());
    ASSERT_FALSE(bad_side.diagnostics.empty());
    EXPECT_EQ(bad_side.diagnostics.front().rule, "manifest.bad-value");
}

} // namespace
