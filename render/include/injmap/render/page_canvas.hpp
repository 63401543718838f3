#pragma once
// A page for print (the patient handout), kept as a list of drawing operations: anti-aliased
// shapes, rendered model images pasted in, and lines of text in DejaVu Sans (regular and bold),
// measured and placed glyph by glyph with stb_truetype — any code point the font has, not only the
// Latin-1 of the GL label atlas, since plain-language texts use dashes, curly quotes and the like.
// No GL and no pixels: the page is drawn by one player (app/gui/page_output.hpp, cairo) onto an
// image for a PNG or onto a PDF page as vector shapes and real text, so both have the same layout
// by construction.
//
// Coordinates are pixels, top-left origin, +y down. Text positions are baselines. Nothing throws;
// what lies outside the page is clipped when it is drawn.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace injmap::render {

struct Rgba8 {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
};

enum class PageFont { regular, bold };

// A paragraph broken into lines that fit a width.
struct WrappedText {
    std::vector<std::string> lines;
    float line_height = 0.0f; // baseline to baseline
    [[nodiscard]] float height() const { return line_height * float(lines.size()); }
};

// One glyph of a text run: the font's glyph index, its pen position (page pixels, from the run's
// x, advances and kerning included) and how many bytes of the run's UTF-8 it stands for.
struct PageGlyph {
    std::uint32_t index = 0;
    float x = 0.0f;
    std::uint8_t bytes = 1;
};

// One line of text as drawn.
struct PageTextRun {
    float x = 0.0f, baseline = 0.0f;
    std::string text;
    float em_px = 0.0f; // the font size as an em (px is DejaVu's ascent-to-descent height)
    PageFont font = PageFont::regular;
    Rgba8 colour;
    std::vector<PageGlyph> glyphs; // one per code point, in order
};

// An RGBA image (w·h·4 bytes, top-left origin, straight alpha) placed at (x, y), one image pixel
// to a page pixel.
struct PageImage {
    float x = 0.0f, y = 0.0f;
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
};

enum class PageOpKind {
    fill_rounded_rect,   // x, y, w, h, radius
    stroke_rounded_rect, // x, y, w, h, radius, thickness (inside the box)
    fill_circle,         // x, y (centre), radius
    line,                // points (2), thickness, round caps
    polyline,            // points, thickness, round caps and joins
    fill_polygon,        // points
    image,               // index into images()
    text,                // index into text_runs()
};

struct PageOp {
    PageOpKind kind = PageOpKind::fill_rounded_rect;
    Rgba8 colour;
    float x = 0.0f, y = 0.0f, w = 0.0f, h = 0.0f, radius = 0.0f, thickness = 0.0f;
    std::vector<float> points; // x0, y0, x1, y1, ...
    std::size_t index = 0;
};

class PageCanvas {
public:
    PageCanvas(int width, int height, Rgba8 background = {255, 255, 255, 255});

    [[nodiscard]] int width() const { return width_; }
    [[nodiscard]] int height() const { return height_; }
    [[nodiscard]] Rgba8 background() const { return background_; }
    // Whether the DejaVu fonts were found (INJMAP_FONT_DIR or /usr/share/fonts/truetype/dejavu);
    // without them text is measured as zero width and not drawn.
    [[nodiscard]] static bool fonts_available();
    // The font file's bytes (empty without fonts), for drawing the glyphs with the same face.
    [[nodiscard]] static const std::vector<unsigned char>& font_data(PageFont font);

    // ---- shapes (anti-aliased when drawn, alpha from the colour) ----
    void fill_rect(float x, float y, float w, float h, Rgba8 colour);
    void fill_rounded_rect(float x, float y, float w, float h, float radius, Rgba8 colour);
    // A rounded rectangle outline `thickness` wide, inside the box.
    void stroke_rounded_rect(float x, float y, float w, float h, float radius, float thickness,
                             Rgba8 colour);
    void fill_circle(float cx, float cy, float radius, Rgba8 colour);
    // A line with round caps.
    void line(float x0, float y0, float x1, float y1, float thickness, Rgba8 colour);
    // Connected lines through `xy` (x0, y0, x1, y1, ...), round caps and joins.
    void polyline(std::vector<float> xy, float thickness, Rgba8 colour);
    // A filled polygon through `xy` (x0, y0, x1, y1, ...; closed).
    void fill_polygon(std::vector<float> xy, Rgba8 colour);
    // A filled triangle (arrow heads).
    void fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2, Rgba8 colour);

    // `rgba`: w·h·4 bytes, top-left origin, pasted at (x, y) over the page with its alpha (a render
    // with a transparent background leaves the page showing around the model).
    void blit(int x, int y, int w, int h, const std::vector<std::uint8_t>& rgba);

    // ---- text ----
    // Draws one line with its baseline at y; returns its advance width.
    float text(float x, float baseline, std::string_view utf8, float px, PageFont font,
               Rgba8 colour);
    [[nodiscard]] static float text_width(std::string_view utf8, float px, PageFont font);
    // Ascent above the baseline (positive), for placing the first baseline under a top edge.
    [[nodiscard]] static float ascent(float px, PageFont font);
    // Greedy word wrap at spaces ('\n' forces a break); a word wider than `max_width` gets a line
    // of its own. line_spacing multiplies px.
    [[nodiscard]] static WrappedText wrap(std::string_view utf8, float max_width, float px,
                                          PageFont font, float line_spacing = 1.35f);
    // Draws wrapped text whose first line's top is at `top`; returns the y just below the last
    // line.
    float paragraph(float x, float top, const WrappedText& text, float px, PageFont font,
                    Rgba8 colour);

    // ---- what was drawn, in order ----
    [[nodiscard]] const std::vector<PageOp>& ops() const { return ops_; }
    [[nodiscard]] const std::vector<PageTextRun>& text_runs() const { return runs_; }
    [[nodiscard]] const std::vector<PageImage>& images() const { return images_; }

private:
    int width_ = 0, height_ = 0;
    Rgba8 background_;
    std::vector<PageOp> ops_;
    std::vector<PageTextRun> runs_;
    std::vector<PageImage> images_;
};

} // namespace injmap::render
