// `injmap handout` end to end (EGL headless): the page is written at A4 proportions, carries the
// model views, text and the timeline where the layout puts them, follows the protocol and the skin
// tone, and bad arguments fail with exit code 2 and one line on stderr.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

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

TEST_F(HandoutCli, WritesA4PortraitPagesOneUnderTheOther) {
    ASSERT_EQ(exit_code_, 0) << *stderr_;
    ASSERT_TRUE(loaded_);
    // The migraine texts need two pages at a comfortable size: 1240 × 1754 each, stacked.
    EXPECT_EQ(preempt_.width, 1240);
    EXPECT_EQ(preempt_.height, 2 * 1754);
    EXPECT_NEAR(double(preempt_.height / 2) / preempt_.width, 297.0 / 210.0, 0.01);
    // Nothing was cut to fit.
    EXPECT_EQ(stderr_->find("shortened"), std::string::npos) << *stderr_;
    // Page 2 carries the rest of the cards and the footer; its margins stay blank too.
    const double page2 = inked_fraction(preempt_, 64, 1754 + 120, 1176, 1754 + 1500);
    EXPECT_GT(page2, 0.03);
    EXPECT_LT(page2, 0.5);
    EXPECT_LT(inked_fraction(preempt_, 0, 1754, 40, 2 * 1754), 0.001);
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

// The same pages as an A4 PDF (cairo): a real PDF with A4 pages.
TEST(HandoutCliPdf, WritesA4Pages) {
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
    EXPECT_EQ(pages, 2); // the migraine texts take two pages
    EXPECT_NE(text.find("/MediaBox [ 0 0 595.27"), std::string::npos) << "not A4";
}

namespace {

bool have_pdftotext() {
    return injmap::test::run({"/bin/sh", "-c", "command -v pdftotext"}).exit_code == 0;
}

// The text pdftotext finds in a PDF, lower case, with line breaks and runs of spaces made single
// spaces (a sentence wraps over lines): the whole pages (for the title, which spans the page), then
// the left halves and the right halves (the two columns of cards, which pdftotext would otherwise
// read line by line across both).
std::string pdf_text(const fs::path& pdf) {
    std::string all;
    for (const char* x : {"", "0", "298"}) {
        std::vector<std::string> argv = {"pdftotext"};
        if (*x)
            argv.insert(argv.end(), {"-x", x, "-y", "0", "-W", "298", "-H", "842"});
        argv.insert(argv.end(), {pdf.string(), "-"});
        const auto r = injmap::test::run(argv);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        all += r.out + " | ";
    }
    std::string flat;
    for (char c : all) {
        char d = (c == '\n' || c == '\f' || c == '\r') ? ' ' : c;
        if (d >= 'A' && d <= 'Z')
            d = char(d - 'A' + 'a');
        if (d == ' ' && !flat.empty() && flat.back() == ' ')
            continue;
        flat += d;
    }
    return flat;
}

} // namespace

// The PDF's words are real text (issue #18): pdftotext extracts the title and the facts.
TEST(HandoutCliPdf, CarriesTheTextsAsRealText) {
    if (!have_pdftotext())
        GTEST_SKIP() << "pdftotext not installed (package poppler-utils; scripts/lib/setup.sh "
                        "installs it)";
    const fs::path dir = injmap::test::fresh_dir("handout_pdf_text");
    const fs::path migraine = dir / "migraine.pdf";
    ASSERT_EQ(run_injmap({"handout", "--protocol", "preempt-155", "-o", migraine.string()},
                         headless_env())
                  .exit_code,
              0);
    const std::string m = pdf_text(migraine);
    for (const char* fact :
         {"botox for chronic migraine", "15 or more days each month", "4 hours or more",
          "seven key areas", "small, fine needle", "allergic to botox", "blood thinner",
          "serious allergic reaction", "lifestyle changes", "cerebral palsy", "blepharospasm",
          "after two treatments", "next appointment"})
        EXPECT_NE(m.find(fact), std::string::npos) << "no \"" << fact << "\" in:\n" << m;
    const fs::path cd = dir / "cd.pdf";
    ASSERT_EQ(
        run_injmap({"handout", "--form", "laterocollis", "--side", "right", "-o", cd.string()},
                   headless_env())
            .exit_code,
        0);
    const std::string c = pdf_text(cd);
    for (const char* fact :
         {"botox for neck spasms (cervical dystonia)", "towards your right shoulder",
          "physiotherapy", "surgery is used only rarely", "about six weeks", "blood thinner"})
        EXPECT_NE(c.find(fact), std::string::npos) << "no \"" << fact << "\" in:\n" << c;
}

// --form/--side: the handout of a cervical dystonia plan for that posture (issue #18).
TEST(HandoutCliForm, ARightSidedPostureTreatsRightSidedMuscles) {
    const fs::path dir = injmap::test::fresh_dir("handout_form");
    const auto right = run_injmap({"handout", "--form", "torticaput", "--side", "right", "--json",
                                   "-o", (dir / "right.png").string()},
                                  headless_env());
    ASSERT_EQ(right.exit_code, 0) << right.err;
    const auto left = run_injmap({"handout", "--form", "torticaput", "--side", "left", "--json",
                                  "-o", (dir / "left.png").string()},
                                 headless_env());
    ASSERT_EQ(left.exit_code, 0) << left.err;
    const auto r = nlohmann::json::parse(right.out);
    const auto l = nlohmann::json::parse(left.out);
    const auto has = [](const nlohmann::json& j, const std::string& key) {
        for (const auto& m : j["treated_muscles"])
            if (m == key)
                return true;
        return false;
    };
    // Torticaput: ipsilateral splenius capitis, contralateral sternocleidomastoid.
    EXPECT_TRUE(has(r, "splenius_capitis_right")) << r.dump();
    EXPECT_FALSE(has(r, "splenius_capitis_left")) << r.dump();
    EXPECT_TRUE(has(r, "sternocleidomastoid_left")) << r.dump();
    EXPECT_TRUE(has(l, "splenius_capitis_left")) << l.dump();
    EXPECT_FALSE(has(l, "splenius_capitis_right")) << l.dump();
    EXPECT_TRUE(has(l, "sternocleidomastoid_right")) << l.dump();
    EXPECT_EQ(r["title"], "Botox for neck spasms (cervical dystonia)");
    EXPECT_NE(r["subtitle"].get<std::string>().find("turns to the right"), std::string::npos);
    EXPECT_NE(l["subtitle"].get<std::string>().find("turns to the left"), std::string::npos);
    EXPECT_EQ(r["shortened"], false);
    // The words say the side too: the splenius capitis area on the right, the SCM on the left.
    bool splenius_right = false, scm_left = false;
    for (const auto& a : r["areas"]) {
        const std::string text = a.get<std::string>();
        splenius_right |=
            text.find("back and side of the neck, below the skull") != std::string::npos &&
            text.find("On your right side.") != std::string::npos;
        scm_left |= text.find("from behind the ear down to the collarbone") != std::string::npos &&
                    text.find("On your left side.") != std::string::npos;
    }
    EXPECT_TRUE(splenius_right) << r["areas"].dump();
    EXPECT_TRUE(scm_left) << r["areas"].dump();
    // The pictures differ: the glow is on the other side.
    Image ri, li;
    ASSERT_TRUE(injmap::test::load_png(dir / "right.png", ri));
    ASSERT_TRUE(injmap::test::load_png(dir / "left.png", li));
    EXPECT_GT(mean_difference(ri, li, 64, 200, 738, 480), 0.5);
    // A sagittal form takes no side and has one.
    const auto retro = run_injmap(
        {"handout", "--form", "retrocollis", "--json", "-o", (dir / "retro.png").string()},
        headless_env());
    ASSERT_EQ(retro.exit_code, 0) << retro.err;
    const auto rj = nlohmann::json::parse(retro.out);
    EXPECT_TRUE(has(rj, "splenius_cervicis_left") && has(rj, "splenius_cervicis_right"))
        << rj.dump();
    // Both sides: no side named.
    for (const auto& a : rj["areas"])
        EXPECT_EQ(a.get<std::string>().find("On your"), std::string::npos) << a;
}

TEST(HandoutCliForm, BadFormOrSideExitTwo) {
    const fs::path dir = injmap::test::fresh_dir("handout_form_errors");
    const std::string out = (dir / "x.png").string();
    const std::vector<std::vector<std::string>> cases = {
        {"handout", "--form", "wryneck", "--side", "left", "-o", out},         // unknown form
        {"handout", "--form", "torticaput", "-o", out},                        // side needed
        {"handout", "--form", "torticaput", "--side", "up", "-o", out},        // bad side
        {"handout", "--form", "retrocollis", "--side", "left", "-o", out},     // sagittal: no side
        {"handout", "--side", "left", "--protocol", "preempt-155", "-o", out}, // side without form
        {"handout", "--form", "torticaput", "--side", "left", "--protocol", "preempt-155", "-o",
         out}, // both
        {"handout", "--form", "torticaput", "--side", "left", "--side", "right", "-o", out},
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

// Issue #21: the PDF handout is drawn by the same cairo calls as the PNG, as vector shapes and real
// text with the two model views as its only images — no page-sized picture — and stays small.
namespace {

bool have_poppler() {
    return injmap::test::run({"/bin/sh", "-c", "command -v pdftoppm && command -v pdfimages"})
               .exit_code == 0;
}

struct PdfImage {
    int page = 0, width = 0, height = 0;
    std::string type; // "image", "smask", ...
};

// The images `pdfimages -list` finds in a PDF.
std::vector<PdfImage> pdf_images(const fs::path& pdf) {
    const auto r = injmap::test::run({"pdfimages", "-list", pdf.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<PdfImage> out;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        PdfImage image;
        int num = 0;
        if (fields >> image.page >> num >> image.type >> image.width >> image.height)
            out.push_back(image);
    }
    return out;
}

std::vector<std::string> shipped_protocol_ids() {
    std::vector<std::string> ids;
    for (const auto& entry : fs::directory_iterator(injmap::test::source_dir() / "protocols"))
        if (entry.path().extension() == ".toml")
            ids.push_back(entry.path().stem().string());
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace

TEST(HandoutCliPdf, VectorPagesWithOnlyTheModelViewsAsImages) {
    if (!have_poppler())
        GTEST_SKIP() << "pdfimages/pdftoppm not installed (package poppler-utils)";
    const fs::path dir = injmap::test::fresh_dir("handout_pdf_vector");
    const auto ids = shipped_protocol_ids();
    ASSERT_GE(ids.size(), 10u);
    for (const std::string& id : ids) {
        const fs::path pdf = dir / (id + ".pdf");
        const auto r =
            run_injmap({"handout", "--protocol", id, "-o", pdf.string()}, headless_env());
        ASSERT_EQ(r.exit_code, 0) << id << ": " << r.err;
        // At most 200 KB (issue #21); the page images of the old PDF were most of its bytes.
        EXPECT_LE(fs::file_size(pdf), 200u * 1024u) << id;
        // The front and back views, each with its transparency mask, all on page 1, each no
        // wider than its box (330 page pixels) — nothing the size of a page.
        const auto images = pdf_images(pdf);
        int views = 0;
        for (const PdfImage& image : images) {
            EXPECT_EQ(image.page, 1) << id;
            EXPECT_LE(image.width, 330) << id;
            EXPECT_LE(image.height, 470) << id;
            views += image.type == "image";
        }
        EXPECT_EQ(views, 2) << id;
    }
    // The other model's views are the larger pictures (measured 122 KiB).
    const fs::path female = dir / "preempt-155-female.pdf";
    ASSERT_EQ(run_injmap({"handout", "--protocol", "preempt-155", "--model", "adult-female", "-o",
                          female.string()},
                         headless_env())
                  .exit_code,
              0);
    EXPECT_LE(fs::file_size(female), 200u * 1024u);
}

namespace {

// Page `page` (1-based) of a PDF rasterised by poppler at 150 dpi, the PNG handout's resolution
// (an A4 page is 1240.2 × 1754 pixels there; -W/-H keep the PNG's 1240 × 1754).
bool rasterise(const fs::path& pdf, int page, const fs::path& stem, Image& image) {
    const std::string n = std::to_string(page);
    const auto r = injmap::test::run({"pdftoppm", "-r", "150", "-f", n, "-l", n, "-W", "1240", "-H",
                                      "1754", "-png", "-singlefile", pdf.string(), stem.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return injmap::test::load_png(fs::path(stem.string() + ".png"), image);
}

// Each `factor`×`factor` block averaged: the two rasterisers (cairo for the PNG, poppler for the
// PDF) anti-alias glyph edges a little differently, which 8×8 SSIM windows on 15 px text see; what
// the layout decides (where each line, shape and picture is) survives the averaging.
Image shrink(const Image& image, int factor) {
    Image out;
    out.width = image.width / factor;
    out.height = image.height / factor;
    out.rgba.assign(std::size_t(out.width) * std::size_t(out.height) * 4, 255);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int dy = 0; dy < factor; ++dy)
                    for (int dx = 0; dx < factor; ++dx)
                        sum += image.pixel(x * factor + dx, y * factor + dy)[c];
                out.pixel(x, y)[c] = std::uint8_t(sum / (factor * factor));
            }
    return out;
}

Image page_of(const Image& stacked, int page) {
    Image out;
    out.width = stacked.width;
    out.height = 1754;
    const auto begin = stacked.rgba.begin() + std::ptrdiff_t(page) * 1754 * stacked.width * 4;
    out.rgba.assign(begin, begin + std::ptrdiff_t(1754) * stacked.width * 4);
    return out;
}

} // namespace

// Same layout by construction: each PDF page, rasterised at 150 dpi, is the PNG's page — same
// text in the same places, same shapes, same pictures — by SSIM over 4×4-pixel blocks (a line or
// a picture moved by a few pixels shows; poppler's and cairo's glyph anti-aliasing do not). A
// handout of another protocol is not.
TEST(HandoutCliPdf, RasterisedPdfIsThePng) {
    if (!have_poppler())
        GTEST_SKIP() << "pdfimages/pdftoppm not installed (package poppler-utils)";
    const fs::path dir = injmap::test::fresh_dir("handout_pdf_same");
    for (const char* id : {"preempt-155", "cd-torticaput"}) {
        const fs::path png = dir / (std::string(id) + ".png");
        const fs::path pdf = dir / (std::string(id) + ".pdf");
        ASSERT_EQ(
            run_injmap({"handout", "--protocol", id, "-o", png.string()}, headless_env()).exit_code,
            0);
        ASSERT_EQ(
            run_injmap({"handout", "--protocol", id, "-o", pdf.string()}, headless_env()).exit_code,
            0);
    }
    Image preempt_png, cd_png;
    ASSERT_TRUE(injmap::test::load_png(dir / "preempt-155.png", preempt_png));
    ASSERT_TRUE(injmap::test::load_png(dir / "cd-torticaput.png", cd_png));
    ASSERT_EQ(preempt_png.height, 2 * 1754); // two pages
    for (int page = 0; page < 2; ++page) {
        Image raster;
        ASSERT_TRUE(rasterise(dir / "preempt-155.pdf", page + 1,
                              dir / ("preempt-page" + std::to_string(page + 1)), raster));
        ASSERT_EQ(raster.width, 1240);
        ASSERT_EQ(raster.height, 1754);
        const auto score =
            injmap::test::ssim(shrink(page_of(preempt_png, page), 4), shrink(raster, 4));
        std::cout << "image-compare: handout-pdf-vs-png page " << page + 1
                  << " mean_ssim=" << score.mean << " min_window_ssim=" << score.min_window
                  << " at " << score.min_x * 4 << "," << score.min_y * 4 << "\n";
        // Measured 0.985 / 0.968 (mean) and 0.50 / 0.48 (worst window) for pages 1 / 2; another
        // protocol's page scores 0.51 and -0.51.
        EXPECT_GT(score.mean, 0.94) << "page " << page + 1;
        EXPECT_GT(score.min_window, 0.3)
            << "page " << page + 1 << " at " << score.min_x << "," << score.min_y;
    }
    // The control: another protocol's PDF page 1 against this PNG's page 1 scores well below.
    Image cd_raster;
    ASSERT_TRUE(rasterise(dir / "cd-torticaput.pdf", 1, dir / "cd-page1", cd_raster));
    const auto other = injmap::test::ssim(shrink(page_of(preempt_png, 0), 4), shrink(cd_raster, 4));
    std::cout << "image-compare: handout-pdf-vs-other-png mean_ssim=" << other.mean
              << " min_window_ssim=" << other.min_window << "\n";
    EXPECT_LT(other.mean, 0.94);
    EXPECT_LT(other.min_window, 0.3);
}

// Texts too long even for two pages at 15 px: cut with "…" in both forms, the same way.
TEST(HandoutCliPdf, TooLongTextsAreCutTheSameInBoth) {
    if (!have_poppler() || !have_pdftotext())
        GTEST_SKIP() << "poppler-utils not installed";
    const fs::path dir = injmap::test::fresh_dir("handout_pdf_cut");
    std::string toml =
        injmap::test::read_text(injmap::test::source_dir() / "protocols" / "preempt-155.toml");
    const std::string key = "who_is_it_for = \"";
    const auto at = toml.find(key);
    ASSERT_NE(at, std::string::npos);
    std::string filler;
    for (int i = 0; i < 150; ++i)
        filler += "This sentence repeats to make the text far too long. ";
    toml.insert(at + key.size(), filler);
    const fs::path protocol = dir / "long.toml";
    injmap::test::write_text(protocol, toml);
    const fs::path png = dir / "long.png", pdf = dir / "long.pdf";
    const auto as_png = run_injmap(
        {"handout", "--protocol", protocol.string(), "--json", "-o", png.string()}, headless_env());
    const auto as_pdf = run_injmap(
        {"handout", "--protocol", protocol.string(), "--json", "-o", pdf.string()}, headless_env());
    ASSERT_EQ(as_png.exit_code, 0) << as_png.err;
    ASSERT_EQ(as_pdf.exit_code, 0) << as_pdf.err;
    const auto j_png = nlohmann::json::parse(as_png.out), j_pdf = nlohmann::json::parse(as_pdf.out);
    EXPECT_EQ(j_png["shortened"], true);
    EXPECT_EQ(j_pdf["shortened"], true);
    EXPECT_EQ(j_pdf["pages"], 2);
    EXPECT_EQ(j_pdf["body_px"], j_png["body_px"]);
    EXPECT_NE(as_pdf.err.find("shortened"), std::string::npos) << as_pdf.err;
    // The PDF holds fewer repeats than the protocol, and the cut line ends with "…".
    const std::string text = pdf_text(pdf);
    std::size_t repeats = 0;
    for (auto p = text.find("this sentence repeats"); p != std::string::npos;
         p = text.find("this sentence repeats", p + 1))
        ++repeats;
    EXPECT_GT(repeats, 20u);
    EXPECT_LT(repeats, 150u * 2u); // pdf_text reads each page whole and by halves
    EXPECT_NE(text.find("…"), std::string::npos);
    EXPECT_LE(fs::file_size(pdf), 200u * 1024u);
    // Same pages.
    Image png_image, raster;
    ASSERT_TRUE(injmap::test::load_png(png, png_image));
    ASSERT_EQ(png_image.height, 2 * 1754);
    // The cut line and its "…" stay in their column: the gap between the columns (x 602..638)
    // stays blank (the "…" used to be added after the line was fitted, and reached into it).
    EXPECT_LT(inked_fraction(png_image, 605, 1754 + 120, 635, 1754 + 1540), 1e-5);
    ASSERT_TRUE(rasterise(pdf, 2, dir / "long-page2", raster));
    const auto score = injmap::test::ssim(shrink(page_of(png_image, 1), 4), shrink(raster, 4));
    std::cout << "image-compare: handout-pdf-vs-png cut page 2 mean_ssim=" << score.mean
              << " min_window_ssim=" << score.min_window << "\n";
    EXPECT_GT(score.mean, 0.94);
    EXPECT_GT(score.min_window, 0.3);
}
