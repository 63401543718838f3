// The printed pages' one player (app/gui/page_output.cpp) over render::PageCanvas: text runs carry
// the glyphs where the layout measured them; the PNG pixels and the PDF's real text both put them
// there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <string>

#include "gui/page_output.hpp"
#include "injmap/render/page_canvas.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using injmap::render::PageCanvas;
using injmap::render::PageFont;
using injmap::render::PageOpKind;
using injmap::render::Rgba8;

namespace {

constexpr Rgba8 kBlack{0, 0, 0, 255};
constexpr Rgba8 kRed{200, 0, 0, 255};

bool inked(const std::vector<std::uint8_t>& rgba, int width, int x, int y) {
    const std::uint8_t* p = &rgba[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
    return p[0] + p[1] + p[2] < 3 * 200;
}

} // namespace

TEST(PageCanvas, TextRunsHoldTheMeasuredGlyphPositions) {
    if (!PageCanvas::fonts_available())
        GTEST_SKIP() << "DejaVu Sans not installed (fonts-dejavu-core)";
    PageCanvas page(400, 200);
    const std::string text = "Wave \u2014 “AV” ok";
    const float width = page.text(20.0f, 100.0f, text, 24.0f, PageFont::regular, kBlack);
    EXPECT_NEAR(width, PageCanvas::text_width(text, 24.0f, PageFont::regular), 1e-3);
    ASSERT_EQ(page.text_runs().size(), 1u);
    ASSERT_EQ(page.ops().size(), 1u);
    EXPECT_EQ(page.ops()[0].kind, PageOpKind::text);
    const auto& run = page.text_runs()[0];
    // One glyph per code point, covering every byte, pen positions rising from x.
    std::size_t bytes = 0;
    for (const auto& g : run.glyphs)
        bytes += g.bytes;
    EXPECT_EQ(bytes, text.size());
    EXPECT_EQ(run.glyphs.size(), 14u);
    EXPECT_FLOAT_EQ(run.glyphs.front().x, 20.0f);
    for (std::size_t i = 1; i < run.glyphs.size(); ++i)
        EXPECT_GT(run.glyphs[i].x, run.glyphs[i - 1].x) << i;
    // Kerning is in the positions: "AV" sits tighter than A's advance alone would put it.
    const float av = run.glyphs[9].x - run.glyphs[8].x;
    EXPECT_LT(av, PageCanvas::text_width("A", 24.0f, PageFont::regular) - 0.1f);
    // px is DejaVu's ascent-to-descent height, a little more than its em.
    EXPECT_LT(run.em_px, 24.0f);
    EXPECT_GT(run.em_px, 18.0f);
}

TEST(PageOutput, PixelsFollowTheOps) {
    if (!PageCanvas::fonts_available())
        GTEST_SKIP() << "DejaVu Sans not installed (fonts-dejavu-core)";
    PageCanvas page(300, 120);
    page.fill_rect(10.0f, 10.0f, 40.0f, 20.0f, kRed);
    const float width = page.text(100.0f, 80.0f, "Hello", 30.0f, PageFont::bold, kBlack);
    const auto rgba = injmap::gui::page_rgba(page);
    ASSERT_EQ(rgba.size(), std::size_t(300 * 120 * 4));
    // The rectangle, its colour and its edges.
    const std::uint8_t* inside = &rgba[(std::size_t(20) * 300 + 30) * 4];
    EXPECT_EQ(inside[0], 200);
    EXPECT_EQ(inside[1], 0);
    EXPECT_FALSE(inked(rgba, 300, 55, 20));
    EXPECT_FALSE(inked(rgba, 300, 30, 35));
    // The text's ink lies within its measured box, and the box is inked.
    const float ascent = PageCanvas::ascent(30.0f, PageFont::bold);
    int ink = 0, stray = 0;
    for (int y = 0; y < 120; ++y)
        for (int x = 60; x < 300; ++x)
            if (inked(rgba, 300, x, y)) {
                const bool in_box = x >= 99 && x <= int(std::ceil(100.0f + width)) + 1 &&
                                    y >= int(80.0f - ascent) - 1 && y <= 80 + 10;
                (in_box ? ink : stray) += 1;
            }
    EXPECT_GT(ink, 100);
    EXPECT_EQ(stray, 0);
}

// pdftotext -bbox: each word's box in PDF points; the words start where the layout put them.
TEST(PageOutput, PdfWordsStartWhereTheLayoutPutThem) {
    if (!PageCanvas::fonts_available())
        GTEST_SKIP() << "DejaVu Sans not installed (fonts-dejavu-core)";
    if (injmap::test::run({"/bin/sh", "-c", "command -v pdftotext"}).exit_code != 0)
        GTEST_SKIP() << "pdftotext not installed (poppler-utils)";
    PageCanvas page(1240, 1754);
    page.text(100.0f, 200.0f, "Alpha", 30.0f, PageFont::bold, kBlack);
    page.text(640.0f, 900.0f, "Bravo", 22.0f, PageFont::regular, kRed);
    page.text(300.0f, 1600.0f, "Charlie", 15.0f, PageFont::regular, kBlack);
    const fs::path dir = injmap::test::fresh_dir("page_output_pdf");
    const fs::path pdf = dir / "words.pdf";
    std::string error;
    ASSERT_TRUE(injmap::gui::write_pdf_pages(pdf, {page}, "Words", error)) << error;
    const auto r = injmap::test::run({"pdftotext", "-bbox", pdf.string(), "-"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const double pt = 595.276 / 1240.0; // page pixels to points
    const std::regex word(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(\w+)</word>)re");
    int found = 0;
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), word);
         it != std::sregex_iterator(); ++it) {
        const std::string w = (*it)[5];
        const double x_min = std::stod((*it)[1]), y_max = std::stod((*it)[4]);
        for (const auto& run : page.text_runs())
            if (run.text == w) {
                ++found;
                const double width_pt =
                    PageCanvas::text_width(w, run.em_px, run.font) * pt; // near enough for a bound
                EXPECT_NEAR(x_min, run.x * pt, 0.75) << w;
                EXPECT_GT(y_max, run.baseline * pt) << w; // the box reaches below the baseline
                EXPECT_LT(y_max, run.baseline * pt + run.em_px * pt * 0.5) << w;
                EXPECT_GT(std::stod((*it)[3]) - x_min, width_pt * 0.5) << w;
            }
    }
    EXPECT_EQ(found, 3) << r.out;
}
