// The binary model cache (models/include/injmap/models/model_cache.hpp): a hit gives back exactly
// the model load_model gives; an edited manifest or OBJ, or a damaged cache file, is loaded again
// and never makes the load fail or differ.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "injmap/models/manifest.hpp"
#include "injmap/models/model_cache.hpp"
#include "test_support.hpp"

namespace injmap {
namespace {
namespace fs = std::filesystem;

// A cube of skin around a cube of muscle; the muscle lacks texture coordinates on purpose, so the
// load carries a warning (obj.no-uv) that a hit must give back too.
constexpr const char* kObj = "v -50 -50 -50\nv 50 -50 -50\nv 50 50 -50\nv -50 50 -50\n"
                             "v -50 -50 50\nv 50 -50 50\nv 50 50 50\nv -50 50 50\n"
                             "v -30 -30 -30\nv 30 -30 -30\nv 30 30 -30\nv -30 30 -30\n"
                             "g skin\nf 1 4 3\nf 1 3 2\nf 5 6 7\nf 5 7 8\nf 1 5 8\nf 1 8 4\n"
                             "f 2 3 7\nf 2 7 6\nf 4 8 7\nf 4 7 3\nf 1 2 6\nf 1 6 5\n"
                             "g muscle\nf 9 10 11\nf 9 11 12\n";

constexpr const char* kManifest =
    "schema_version = 1\nid = \"cube\"\nname = \"Cube\"\nsex = \"unspecified\"\n"
    "[mesh]\nfile = \"cube.obj\"\nunits = \"cm\"\nup = \"+y\"\nforward = \"+z\"\n"
    "[skin]\ngroup = \"skin\"\n"
    "[[muscles]]\nid = \"frontalis\"\nside = \"left\"\ngroup = \"muscle\"\nlayer = "
    "\"sheet\"\n"
    "[groups]\nforehead = [\"frontalis\"]\n"
    "[landmarks]\nvertex = [0, 50, 0]\nglabella = [0, 0, 50]\n";

class ModelCache : public ::testing::Test {
protected:
    void SetUp() override {
        ::unsetenv("INJMAP_NO_MODEL_CACHE");
        dir_ = test::fresh_dir("cache");
        ::setenv("XDG_CACHE_HOME", (dir_ / "xdg-cache").c_str(), 1);
        test::write_text(dir_ / "cube.obj", kObj);
        test::write_text(dir_ / "cube.toml", kManifest);
    }
    fs::path manifest() const { return dir_ / "cube.toml"; }
    fs::path cache_file() const { return model_cache_path(manifest()); }
    fs::path dir_;
};

void expect_same(const Result<Model>& a, const Result<Model>& b) {
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    const Model& x = *a.value;
    const Model& y = *b.value;
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.display_name, y.display_name);
    EXPECT_EQ(x.sex, y.sex);
    EXPECT_EQ(x.manifest_path, y.manifest_path);
    EXPECT_EQ(x.skin_path, y.skin_path);
    EXPECT_EQ(x.skin.positions, y.skin.positions);
    EXPECT_EQ(x.skin.normals, y.skin.normals);
    EXPECT_EQ(x.skin.uvs, y.skin.uvs);
    EXPECT_EQ(x.skin.indices, y.skin.indices);
    ASSERT_EQ(x.muscles.size(), y.muscles.size());
    for (std::size_t i = 0; i < x.muscles.size(); ++i) {
        EXPECT_EQ(x.muscles[i].key(), y.muscles[i].key());
        EXPECT_EQ(x.muscles[i].layer, y.muscles[i].layer);
        EXPECT_EQ(x.muscles[i].mesh.positions, y.muscles[i].mesh.positions);
        EXPECT_EQ(x.muscles[i].mesh.indices, y.muscles[i].mesh.indices);
        EXPECT_EQ(x.muscles[i].fibre_directions, y.muscles[i].fibre_directions);
    }
    EXPECT_EQ(x.groups, y.groups);
    EXPECT_EQ(x.landmarks, y.landmarks);
    EXPECT_EQ(x.skin_paint, y.skin_paint);
    ASSERT_EQ(x.regions.size(), y.regions.size());
    for (std::size_t i = 0; i < x.regions.size(); ++i) {
        EXPECT_EQ(x.regions[i].id, y.regions[i].id);
        EXPECT_EQ(x.regions[i].display_name, y.regions[i].display_name);
        EXPECT_EQ(x.regions[i].weight, y.regions[i].weight);
    }
    ASSERT_EQ(a.diagnostics.size(), b.diagnostics.size());
    for (std::size_t i = 0; i < a.diagnostics.size(); ++i) {
        EXPECT_EQ(a.diagnostics[i].rule, b.diagnostics[i].rule);
        EXPECT_EQ(a.diagnostics[i].severity, b.diagnostics[i].severity);
        EXPECT_EQ(a.diagnostics[i].where.line, b.diagnostics[i].where.line);
    }
}

TEST_F(ModelCache, MissWritesTheCacheInTheUserCacheFolder) {
    EXPECT_EQ(cache_file().parent_path(), dir_ / "xdg-cache" / "injmap" / "models");
    EXPECT_EQ(cache_file().filename().string().rfind("cube-", 0), 0u);
    EXPECT_FALSE(fs::exists(dir_ / "cube.model-cache")); // nothing beside the user's files
    EXPECT_FALSE(fs::exists(cache_file()));
    expect_same(load_model_cached(manifest()), load_model(manifest()));
    EXPECT_TRUE(fs::exists(cache_file()));
}

TEST_F(ModelCache, HitGivesTheSameModelAndWarnings) {
    const auto fresh = load_model(manifest());
    ASSERT_TRUE(fresh.ok());
    ASSERT_FALSE(fresh.diagnostics.empty()); // obj.no-uv: the muscle has no texture coordinates
    (void)load_model_cached(manifest());
    const auto before = fs::last_write_time(cache_file());
    const auto hit = load_model_cached(manifest());
    EXPECT_EQ(fs::last_write_time(cache_file()), before); // read, not rewritten
    expect_same(hit, fresh);
}

TEST_F(ModelCache, EditedObjIsLoadedAgain) {
    (void)load_model_cached(manifest());
    std::string obj = kObj;
    // Same length, so only the hash can tell; a corner away from both landmarks' faces.
    obj.replace(obj.find("v 50 -50 -50"), 12, "v 50 -50 -40");
    test::write_text(dir_ / "cube.obj", obj);
    const auto again = load_model_cached(manifest());
    expect_same(again, load_model(manifest()));
    ASSERT_TRUE(again.ok());
    const auto& p = again.value->skin.positions;
    EXPECT_NE(std::find(p.begin(), p.end(), glm::vec3(500.0f, -500.0f, -400.0f)),
              p.end()); // cm → mm
}

TEST_F(ModelCache, EditedManifestIsLoadedAgain) {
    (void)load_model_cached(manifest());
    std::string m = kManifest;
    m.replace(m.find("units = \"cm\""), 12, "units = \"mm\"");
    test::write_text(manifest(), m);
    const auto again = load_model_cached(manifest());
    // Now in millimetres, the landmarks are 0.5 and 5 cm from a 10 mm cube: off the skin → refused.
    expect_same(load_model(manifest()), load_model(manifest()));
    EXPECT_EQ(again.ok(), load_model(manifest()).ok());
    EXPECT_EQ(again.diagnostics.size(), load_model(manifest()).diagnostics.size());
}

TEST_F(ModelCache, DamagedCacheIsIgnored) {
    (void)load_model_cached(manifest());
    const fs::path cache = cache_file();
    const std::string good = test::read_text(cache);
    ASSERT_GT(good.size(), 100u);
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{7}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
        test::write_text(cache, good.substr(0, cut));
        expect_same(load_model_cached(manifest()), load_model(manifest()));
    }
    for (std::size_t at : {std::size_t{9}, std::size_t{60}, good.size() / 2, good.size() - 3}) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ 0x5a);
        test::write_text(cache, bad);
        expect_same(load_model_cached(manifest()), load_model(manifest()));
    }
    fs::remove(cache);
    fs::create_directories(cache); // a folder where the file should be
    expect_same(load_model_cached(manifest()), load_model(manifest()));
}

TEST_F(ModelCache, FailedLoadsAreNotCached) {
    test::write_text(dir_ / "cube.obj", "v nan 0 0\n");
    const auto r = load_model_cached(manifest());
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(fs::exists(cache_file()));
}

TEST_F(ModelCache, CanBeTurnedOff) {
    ::setenv("INJMAP_NO_MODEL_CACHE", "1", 1);
    expect_same(load_model_cached(manifest()), load_model(manifest()));
    EXPECT_FALSE(fs::exists(cache_file()));
    ::unsetenv("INJMAP_NO_MODEL_CACHE");
}

TEST(ModelCacheHash, NoticesEveryByte) {
    const std::string a = "v 1 2 3\nv 4 5 6\nf 1 2 3\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string b = a;
        b[i] = static_cast<char>(b[i] + 1);
        EXPECT_NE(model_cache_hash(a), model_cache_hash(b)) << i;
    }
    EXPECT_NE(model_cache_hash(a), model_cache_hash(a + '\0'));
}

// Each copy of the model at its own path gets its own cache file; copies that are gone take their
// caches with them at the next write, and the folder never holds more than 16.
TEST_F(ModelCache, WritesPruneCachesOfGoneManifestsAndKeepSixteen) {
    auto copy_at = [&](const std::string& name) {
        const fs::path folder = dir_ / name;
        fs::create_directories(folder);
        fs::copy_file(dir_ / "cube.obj", folder / "cube.obj");
        fs::copy_file(dir_ / "cube.toml", folder / "cube.toml");
        EXPECT_TRUE(load_model_cached(folder / "cube.toml").ok());
        EXPECT_TRUE(fs::exists(model_cache_path(folder / "cube.toml"))) << name;
        return folder;
    };
    auto cache_files = [&] {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(cache_file().parent_path()))
            n += e.path().extension() == ".model-cache";
        return n;
    };
    const fs::path gone = copy_at("gone");
    const fs::path kept = copy_at("kept");
    const fs::path gone_cache = model_cache_path(gone / "cube.toml");
    fs::remove_all(gone);
    copy_at("third");
    EXPECT_FALSE(fs::exists(gone_cache));
    EXPECT_TRUE(fs::exists(model_cache_path(kept / "cube.toml")));
    EXPECT_EQ(cache_files(), 2u);

    for (int i = 0; i < 20; ++i)
        copy_at("many-" + std::to_string(i));
    EXPECT_EQ(cache_files(), 16u);
    EXPECT_TRUE(fs::exists(model_cache_path(dir_ / "many-19" / "cube.toml")));
    // A model whose cache was pruned still loads, and caches again.
    EXPECT_TRUE(load_model_cached(kept / "cube.toml").ok());
    EXPECT_TRUE(fs::exists(model_cache_path(kept / "cube.toml")));
}

TEST(ModelCacheHash, FileHashEqualsTheHashOfItsBytes) {
    const fs::path dir = test::fresh_dir("hash");
    for (std::size_t size :
         {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{(1 << 20) + 3}}) {
        std::string bytes(size, 'x');
        for (std::size_t i = 0; i < size; ++i)
            bytes[i] = static_cast<char>(i * 131 % 251);
        test::write_text(dir / "f.bin", bytes);
        EXPECT_EQ(model_cache_file_hash(dir / "f.bin"), model_cache_hash(bytes)) << size;
    }
    EXPECT_FALSE(model_cache_file_hash(dir / "absent.bin").has_value());
}

} // namespace
} // namespace injmap
