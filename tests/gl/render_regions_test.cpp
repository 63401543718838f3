// `injmap render --highlight regions`: the seven injection regions drawn on the skin and counted
// per image in the report (visible_px), from the views a clinician would use; and a cervical
// dystonia plan's muscles tinted on the skin.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "image_compare.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::headless_env;
using injmap::test::Image;
using injmap::test::read_json;
using injmap::test::run_injmap;

namespace {

// view → region id → visible_px
using Counts = std::map<std::string, std::map<std::string, long>>;

Counts counts_of(const nlohmann::json& report) {
    Counts counts;
    for (const auto& image : report["images"]) {
        auto& per_view = counts[image["view"].get<std::string>()];
        for (const auto& r : image["regions"]) {
            EXPECT_FALSE(r["display_name"].get<std::string>().empty());
            per_view[r["id"].get<std::string>()] = r["visible_px"].get<long>();
        }
    }
    return counts;
}

TEST(RenderRegions, VisibleAreaPerViewMatchesTheAnatomy) {
    const fs::path dir = injmap::test::fresh_dir("RenderRegions");
    const auto r = run_injmap({"render", "--highlight", "regions", "--view", "front", "--view",
                               "back", "--view", "left", "--size", "480x300", "-o",
                               (dir / "reg.png").string(), "--report", (dir / "reg.json").string()},
                              headless_env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report = read_json(dir / "reg.json");
    ASSERT_EQ(report["images"].size(), 3u);
    for (const auto& image : report["images"]) {
        ASSERT_EQ(image["regions"].size(), 7u); // every region listed, seen or not
        EXPECT_TRUE(image["sites"].is_array()); // the existing fields stay
    }
    Counts c = counts_of(report);
    // From the front: the forehead and the glabella, not the back of the head or neck.
    EXPECT_GT(c["front"]["forehead"], 400);
    EXPECT_GT(c["front"]["glabella"], 40);
    EXPECT_GT(c["front"]["forehead"], c["front"]["glabella"]); // a strip vs the whole forehead
    EXPECT_LT(c["front"]["occiput"], 10);
    EXPECT_LT(c["front"]["neck"], 10);
    // From behind: the back of the head, the neck and the shoulders; no forehead or glabella.
    EXPECT_GT(c["back"]["occiput"], 200);
    EXPECT_GT(c["back"]["neck"], 100);
    EXPECT_GT(c["back"]["shoulders"], 200);
    EXPECT_EQ(c["back"]["forehead"], 0);
    EXPECT_EQ(c["back"]["glabella"], 0);
    // The subject's left side: the left temple, hardly the right one.
    EXPECT_GT(c["left"]["temple_left"], 200);
    EXPECT_GT(c["left"]["temple_left"], 10 * c["left"]["temple_right"]);

    // The regions are drawn: the front image differs from the plain skin where the forehead is.
    Image shaded, plain;
    ASSERT_TRUE(injmap::test::load_png(dir / "reg-front.png", shaded));
    const auto bare = run_injmap(
        {"render", "--view", "front", "--size", "480x300", "-o", (dir / "bare.png").string()},
        headless_env());
    ASSERT_EQ(bare.exit_code, 0) << bare.err;
    ASSERT_TRUE(injmap::test::load_png(dir / "bare.png", plain));
    ASSERT_EQ(shaded.width, plain.width);
    long changed = 0;
    for (int y = 0; y < shaded.height; ++y)
        for (int x = 0; x < shaded.width; ++x) {
            const auto* a = shaded.pixel(x, y);
            const auto* b = plain.pixel(x, y);
            changed += std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]) > 30;
        }
    EXPECT_GT(changed, c["front"]["forehead"] / 2);
}

// Pixels where `a` is bluer than `b` (blue minus red larger by more than 40).
long bluer(const Image& a, const Image& b) {
    long n = 0;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) {
            const auto* p = a.pixel(x, y);
            const auto* q = b.pixel(x, y);
            n += (p[2] - p[0]) - (q[2] - q[0]) > 40;
        }
    return n;
}

// With a PREEMPT step, that step's region is drawn strong and the others faint; the report still
// counts them all.
TEST(RenderRegions, StepMakesItsRegionStrongest) {
    const fs::path dir = injmap::test::fresh_dir("RenderRegionsStep");
    // Step 1 is the corrugator (the glabella strong, the forehead faint), step 3 frontalis.
    for (const char* step : {"1", "3"}) {
        const auto r = run_injmap({"render", "--protocol", "preempt-155", "--step", step,
                                   "--highlight", "regions", "--size", "640x400", "-o",
                                   (dir / "s").concat(step).concat(".png").string(), "--report",
                                   (dir / "s").concat(step).concat(".json").string()},
                                  headless_env());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    Counts c1 = counts_of(read_json(dir / "s1.json"));
    Counts c3 = counts_of(read_json(dir / "s3.json"));
    EXPECT_GT(c3["front"]["forehead"], 300);
    EXPECT_EQ(c1["front"]["forehead"], c3["front"]["forehead"]); // counted whatever the strength
    Image s1, s3;
    ASSERT_TRUE(injmap::test::load_png(dir / "s1.png", s1));
    ASSERT_TRUE(injmap::test::load_png(dir / "s3.png", s3));
    // The forehead's sky blue is strong in step 3, faint in step 1: step 3 is much bluer over the
    // forehead (the badges' changed states, a few hundred pixels, go both ways).
    ASSERT_EQ(s1.width, s3.width);
    const long up = bluer(s3, s1), down = bluer(s1, s3);
    const long forehead = c3["front"]["forehead"];
    EXPECT_GT(up, forehead / 2) << up;
    EXPECT_GT(up, down + forehead / 4) << up << " vs " << down;
}

// Strongly reddened pixels: red well above green (the muscle tint; the bare skin and nearly all
// of the lips stay below it).
long reddened(const Image& image) {
    long n = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            const auto* p = image.pixel(x, y);
            n += p[0] - p[1] > 65; // the medium tone's bare skin: 40-59, its lips a little more
        }
    return n;
}

// A cervical dystonia plan's muscles are tinted on the skin (not only in x-ray): far more reddened
// skin than a migraine plan's image of the same view and framing (both have markers and labels).
TEST(RenderRegions, CervicalDystoniaMusclesAreTintedOnTheSkin) {
    const fs::path dir = injmap::test::fresh_dir("RenderCdTint");
    for (const char* id : {"cd-torticollis", "preempt-155"}) {
        const auto r = run_injmap({"render", "--protocol", id, "--view", "left", "--size",
                                   "480x300", "-o", (dir / id).concat(".png").string()},
                                  headless_env());
        ASSERT_EQ(r.exit_code, 0) << id << ": " << r.err;
    }
    Image cd, migraine;
    ASSERT_TRUE(injmap::test::load_png(dir / "cd-torticollis.png", cd));
    ASSERT_TRUE(injmap::test::load_png(dir / "preempt-155.png", migraine));
    const long tinted = reddened(cd), plain = reddened(migraine);
    EXPECT_GT(tinted, plain + 600) << tinted << " vs " << plain;
}

} // namespace
