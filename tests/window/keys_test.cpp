// The keys every mode shares (app.cpp view_keys, listed in the F1 window): 1–5 named views, layer
// letters, Z frames the current step. Each key's effect is seen in the screenshot, and undoing it
// (the front view again, the layer off again, the step framed again) gives the first picture back.
#include <gtest/gtest.h>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

Image shot(const std::string& name, const std::string& keys, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--size", "1024x640", "--keys", keys};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_gui(fresh_dir("keys-" + name), args);
    EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
    Image image;
    EXPECT_TRUE(load_png(run.screenshot, image)) << run.result.err;
    return image;
}

double similarity(const Image& a, const Image& b) {
    return ssim(a, b).mean;
}

} // namespace

TEST(Keys, NumberKeysShowTheNamedViews) {
    INJMAP_NEED_DISPLAY();
    const Image front = shot("front", "1,wait:20");
    const Image back = shot("back", "2,wait:20");
    const Image back_then_front = shot("back-front", "2,wait:20,1,wait:20");
    EXPECT_LT(similarity(front, back), 0.95);
    EXPECT_GT(similarity(front, back_then_front), 0.995);
}

TEST(Keys, LetterKeysToggleLayers) {
    INJMAP_NEED_DISPLAY();
    const Image plain = shot("plain", "wait:20");
    const Image muscles = shot("muscles", "m,wait:20");
    const Image twice = shot("muscles-twice", "m,wait:4,m,wait:20");
    EXPECT_LT(similarity(plain, muscles), 0.98);
    EXPECT_GT(similarity(plain, twice), 0.995);
}

TEST(Keys, ZFramesTheCurrentStepFromAnyView) {
    INJMAP_NEED_DISPLAY();
    // "1" shows the whole model from the front; Z frames step 1 (the corrugators), the same
    // picture whether the camera was looking from the front or from behind.
    const Image whole = shot("whole", "1,wait:20");
    const Image from_front = shot("z-front", "1,wait:20,z,wait:20");
    const Image from_back = shot("z-back", "2,wait:20,z,wait:20");
    EXPECT_LT(similarity(whole, from_front), 0.95);
    EXPECT_GT(similarity(from_front, from_back), 0.995);
}
