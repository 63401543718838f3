// `injmap handout` end to end (EGL headless): the page is written at A4 proportions, carries the
// model views, text and the timeline where the layout puts them, follows the protocol and the skin
// tone, and bad arguments fail with exit code 2 and one line on stderr.
#include <gtest/gtest.h>

#include <filesystem>

#include "image_compare.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::test::headless_env;
using injmap::test::Image;
using injmap::test::run_injmap;

namespace {

// Pixels in a box that are not (near) white: the page background is white.
double inked_fraction(const Image& image, int x0, int y0, int x1, int y1) {
    std::size_t n = 0, total = 0;
    for (int y = y0; y < y1 && y < image.height; ++y)
        for (int x = x0; x < x1 && x < image.width; ++x) {
            const auto* p = image.pixel(x, y);
            ++total;
            n += p[0] + p[1] + p[2] < 3 * 235;
        }
    return total ? double(n) / double(total) : 0.0;
}

double mean_difference(const Image& a, const Image& b, int x0, int y0, int x1, int y1) {
    double sum = 0.0;
    std::size_t n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const auto* p = a.pixel(x, y);
            const auto* q = b.pixel(x, y);
            sum += std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]);
            ++n;
        }
    return n ? sum / double(n) : 0.0;
}

class HandoutCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(injmap::test::fresh_dir("handout"));
        const auto r = run_injmap(
            {"handout", "--protocol", "preempt-155", "-o", (*dir_ / "preempt.png").string()},
            headless_env());
        exit_code_ = r.exit_code;
        stderr_ = new std::string(r.err);
        loaded_ = injmap::test::load_png(*dir_ / "preempt.png", preempt_);
    }
    static void TearDownTestSuite() {
        delete dir_;
        delete stderr_;
    }
    static fs::path* dir_;
    static int exit_code_;
    static std::string* stderr_;
    static bool loaded_;
    static Image preempt_;
};
fs::path* HandoutCli::dir_ = nullptr;
int HandoutCli::exit_code_ = -1;
std::string* HandoutCli::stderr_ = nullptr;
bool HandoutCli::loaded_ = false;
Image HandoutCli::preempt_;

TEST_F(HandoutCli, WritesAnA4PortraitPng) {
    ASSERT_EQ(exit_code_, 0) << *stderr_;
    ASSERT_TRUE(loaded_);
    EXPECT_EQ(preempt_.width, 1240);
    EXPECT_EQ(preempt_.height, 1754);
    EXPECT_NEAR(double(preempt_.height) / preempt_.width, 297.0 / 210.0, 0.01);
}

TEST_F(HandoutCli, PageHasViewsTextAndFooter) {
    ASSERT_TRUE(loaded_);
    // The front and back views (x 64..394 and 408..738, from y ≈ 200, cropped to the model): mostly
    // skin, not page white.
    EXPECT_GT(inked_fraction(preempt_, 120, 230, 340, 420), 0.40);
    EXPECT_GT(inked_fraction(preempt_, 460, 230, 680, 420), 0.40);
    // The heading at the top left and the text columns in the lower half: some ink, mostly white.
    const double title = inked_fraction(preempt_, 64, 60, 1176, 160);
    EXPECT_GT(title, 0.02);
    EXPECT_LT(title, 0.5);
    const double cards = inked_fraction(preempt_, 64, 1100, 1176, 1500);
    EXPECT_GT(cards, 0.03);
    EXPECT_LT(cards, 0.5);
    // Margins stay blank.
    EXPECT_LT(inked_fraction(preempt_, 0, 0, 40, 1754), 0.001);
    EXPECT_LT(inked_fraction(preempt_, 1200, 0, 1240, 1754), 0.001);
}

TEST_F(HandoutCli, FollowsTheProtocolAndSkinTone) {
    ASSERT_TRUE(loaded_);
    const fs::path cd = *dir_ / "cd.png";
    const fs::path dark = *dir_ / "dark.png";
    ASSERT_EQ(
        run_injmap({"handout", "--protocol", "cd-torticaput", "-o", cd.string()}, headless_env())
            .exit_code,
        0);
    ASSERT_EQ(run_injmap(
                  {"handout", "--protocol", "preempt-155", "--skin-tone", "5", "-o", dark.string()},
                  headless_env())
                  .exit_code,
              0);
    Image cd_image, dark_image;
    ASSERT_TRUE(injmap::test::load_png(cd, cd_image));
    ASSERT_TRUE(injmap::test::load_png(dark, dark_image));
    ASSERT_EQ(cd_image.width, preempt_.width);
    ASSERT_EQ(dark_image.height, preempt_.height);
    // Other protocol: other title and texts (and other glowing muscles).
    EXPECT_GT(mean_difference(preempt_, cd_image, 64, 60, 1176, 160), 3.0);
    EXPECT_GT(mean_difference(preempt_, cd_image, 64, 1100, 1176, 1500), 3.0);
    // Deep skin tone: the model views darken, the text does not move.
    EXPECT_GT(mean_difference(preempt_, dark_image, 100, 260, 360, 600), 20.0);
    EXPECT_LT(mean_difference(preempt_, dark_image, 64, 60, 1176, 160), 0.5);
}

TEST(HandoutCliErrors, BadArgumentsExitTwoWithOneLine) {
    const fs::path dir = injmap::test::fresh_dir("handout_errors");
    const std::string out = (dir / "x.png").string();
    const std::vector<std::vector<std::string>> cases = {
        {"handout", "-o", out},                                                  // no protocol
        {"handout", "--protocol", "preempt-155"},                                // no output
        {"handout", "--protocol", "no-such-protocol", "-o", out},                // unknown protocol
        {"handout", "--protocol", "preempt-155", "--skin-tone", "9", "-o", out}, // bad tone
        {"handout", "--protocol", "preempt-155", "--model", "no-such-model", "-o", out},
        {"handout", "--protocol", "preempt-155", "-o", (dir / "x.jpg").string()}, // not PNG/PDF
        {"handout", "--protocol", "preempt-155", "-o",
         (dir / "missing" / "x.png").string()}, // no folder
        {"handout", "--protocol", "preempt-155", "--frobnicate", "-o", out},
    };
    for (const auto& args : cases) {
        const auto r = run_injmap(args, headless_env());
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\n" << r.err;
        EXPECT_EQ(r.err.rfind("injmap handout: ", 0), 0u) << r.err;
    }
    EXPECT_FALSE(fs::exists(out));
}

} // namespace

// The same page as a one-page A4 PDF (cairo): a real PDF with one page of A4 size.
TEST(HandoutCliPdf, WritesOneA4Page) {
    const fs::path dir = injmap::test::fresh_dir("handout_pdf");
    const fs::path pdf = dir / "preempt.pdf";
    const auto r =
        run_injmap({"handout", "--protocol", "preempt-155", "-o", pdf.string()}, headless_env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = injmap::test::read_text(pdf);
    ASSERT_GT(text.size(), 10000u);
    EXPECT_EQ(text.rfind("%PDF-", 0), 0u);
    // Count page objects ("/Type /Page" not followed by "s", which is the page tree).
    int pages = 0;
    for (auto at = text.find("/Type /Page"); at != std::string::npos;
         at = text.find("/Type /Page", at + 1))
        pages += text.compare(at, 12, "/Type /Pages") != 0;
    EXPECT_EQ(pages, 1);
    EXPECT_NE(text.find("/MediaBox [ 0 0 595.27"), std::string::npos) << "not A4";
}
