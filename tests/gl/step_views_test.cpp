// Views that show their sites (issue #15, item 5): every step of every shipped protocol, drawn by
// `injmap render --step N --view step` from the step's own view, shows each of its sites (the
// report says visible), on both generated models. Also `--view step`'s usage rules and report, and
// `--hide-muscles`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image_compare.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::headless_env;
using injmap::test::read_json;
using injmap::test::run_injmap;

namespace {

struct Case {
    std::string protocol; // shipped id (file stem in protocols/)
    std::string model;
};
void PrintTo(const Case& c, std::ostream* out) {
    *out << c.protocol << " on " << c.model;
}

// Every shipped protocol file × both generated models: a new protocol is covered without a change
// here.
std::vector<Case> cases() {
    std::vector<std::string> ids;
    for (const auto& entry : fs::directory_iterator(injmap::test::source_dir() / "protocols"))
        if (entry.path().extension() == ".toml")
            ids.push_back(entry.path().stem().string());
    std::sort(ids.begin(), ids.end());
    std::vector<Case> out;
    for (const auto& id : ids)
        for (const char* model : {"adult-male", "adult-female"})
            out.push_back({id, model});
    return out;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string name = info.param.protocol + "_" + info.param.model;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return name;
}

class StepViews : public ::testing::TestWithParam<Case> {};

} // namespace

TEST_P(StepViews, EveryStepShowsAllItsSitesFromItsOwnView) {
    const Case& c = GetParam();
    auto read = injmap::read_protocol_file(injmap::test::source_dir() / "protocols" /
                                           (c.protocol + ".toml"));
    ASSERT_TRUE(read.value.has_value()) << c.protocol;
    const injmap::Protocol& protocol = *read.value;
    if (protocol.steps.empty())
        GTEST_SKIP() << c.protocol << " has no steps (candidates only)";
    const fs::path dir = injmap::test::fresh_dir("StepViews_" + case_name({c, 0}));
    for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
        const injmap::Step& step = protocol.steps[s];
        const std::string n = std::to_string(s + 1);
        const fs::path png = dir / ("step" + n + ".png");
        const fs::path json = dir / ("step" + n + ".json");
        const auto r = run_injmap({"render", "--protocol", c.protocol, "--model", c.model, "--step",
                                   n, "--view", "step", "--size", "480x300", "-o", png.string(),
                                   "--report", json.string()},
                                  headless_env());
        ASSERT_EQ(r.exit_code, 0) << c.protocol << " step " << n << ": " << r.err;
        const auto report = read_json(json);
        ASSERT_EQ(report.at("images").size(), 1u);
        const auto& image = report.at("images")[0];
        const std::string view = step.view.empty() ? "front" : step.view;
        EXPECT_EQ(image.at("view"), view) << "step " << n;
        std::set<std::string> ids;
        for (const auto& site : step.sites)
            ids.insert(site.id);
        std::set<std::string> reported;
        for (const auto& site : image.at("sites")) {
            const std::string id = site.at("id");
            if (!ids.count(id))
                continue;
            reported.insert(id);
            EXPECT_TRUE(site.at("visible").get<bool>())
                << c.protocol << " on " << c.model << ", step " << n << " '" << step.id
                << "' (view " << view << "): site " << id << " is not visible (see " << png.string()
                << ")";
        }
        EXPECT_EQ(reported, ids) << "step " << n << ": every site placed and reported";
    }
}

INSTANTIATE_TEST_SUITE_P(Shipped, StepViews, ::testing::ValuesIn(cases()), case_name);

TEST(StepViewCli, StepViewNeedsAStep) {
    const fs::path dir = injmap::test::fresh_dir("StepViewCli_needs");
    const auto r = run_injmap(
        {"render", "--protocol", "preempt-155", "--view", "step", "-o", (dir / "x.png").string()},
        headless_env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--view step needs --step"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.png"));
}

TEST(StepViewCli, NewViewNamesAreAcceptedAndStepResolvesBesideThem) {
    const fs::path dir = injmap::test::fresh_dir("StepViewCli_views");
    // Step 8 of PREEMPT is the trapezius (on top of the shoulders).
    const auto r = run_injmap({"render", "--protocol", "preempt-155", "--step", "8", "--view",
                               "step", "--view", "left-back", "--size", "320x200", "-o",
                               (dir / "map.png").string(), "--report", (dir / "map.json").string()},
                              headless_env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto images = read_json(dir / "map.json").at("images");
    ASSERT_EQ(images.size(), 2u);
    EXPECT_EQ(images[0].at("view"), "back-above");
    EXPECT_TRUE(fs::exists(dir / "map-step.png"));
    EXPECT_EQ(images[1].at("view"), "left-back");
    EXPECT_TRUE(fs::exists(dir / "map-left-back.png"));
}

TEST(HideMusclesCli, HiddenMusclesAreLeftOutOfTheImage) {
    const fs::path dir = injmap::test::fresh_dir("HideMusclesCli");
    auto render = [&](const std::string& name, std::vector<std::string> extra) {
        std::vector<std::string> args = {"render",  "--layers", "muscles",
                                         "--view",  "back",     "--size",
                                         "320x200", "-o",       (dir / name).string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = run_injmap(args, headless_env());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        injmap::test::Image image;
        EXPECT_TRUE(injmap::test::load_png(dir / name, image));
        return image;
    };
    const auto all = render("all.png", {});
    const auto no_trapezius = render("no-trapezius.png", {"--hide-muscles", "trapezius"});
    const auto again = render("all-again.png", {"--hide-muscles", "no_such_muscle"});
    ASSERT_EQ(all.rgba.size(), no_trapezius.rgba.size());
    // The trapezius covers much of the back: many pixels change; an unknown id changes nothing.
    std::size_t changed = 0;
    for (std::size_t i = 0; i < all.rgba.size(); i += 4)
        changed += std::abs(int(all.rgba[i]) - int(no_trapezius.rgba[i])) > 24;
    EXPECT_GT(changed, all.rgba.size() / 4 / 50); // over 2 % of the image
    EXPECT_EQ(all.rgba, again.rgba);

    const auto bad = run_injmap({"render", "--hide-muscles", ",", "-o", (dir / "x.png").string()},
                                headless_env());
    EXPECT_EQ(bad.exit_code, 2);
}
