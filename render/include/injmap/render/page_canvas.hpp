#pragma once
// A CPU page for printable images (the patient handout): an RGBA canvas with anti-aliased shapes,
// rendered model images pasted in, and text in DejaVu Sans (regular and bold) drawn with
// stb_truetype — any code point the font has, not only the Latin-1 of the GL label atlas, since
// plain-language texts use dashes, curly quotes and the like. No GL: it can be used anywhere.
//
// Coordinates are pixels, top-left origin, +y down. Text positions are baselines. Nothing throws;
// drawing outside the page is clipped.
#include <cstdint>
#include <filesystem>
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

// One line of text as drawn, for a vector copy of the page (the PDF handout draws these as real
// text over the page image).
struct PageTextRun {
    float x = 0.0f, baseline = 0.0f;
    std::string text;
    float em_px = 0.0f; // the font size as an em (px is DejaVu's ascent-to-descent height)
    PageFont font = PageFont::regular;
    Rgba8 colour;
};

class PageCanvas {
public:
    PageCanvas(int width, int height, Rgba8 background = {255, 255, 255, 255});

    [[nodiscard]] int width() const { return width_; }
    [[nodiscard]] int height() const { return height_; }
    [[nodiscard]] const std::vector<std::uint8_t>& rgba() const { return pixels_; }
    // Whether the DejaVu fonts were found (INJMAP_FONT_DIR or /usr/share/fonts/truetype/dejavu);
    // without them text is measured as zero width and not drawn.
    [[nodiscard]] static bool fonts_available();

    // ---- shapes (anti-aliased, alpha from the colour) ----
    void fill_rect(float x, float y, float w, float h, Rgba8 colour);
    void fill_rounded_rect(float x, float y, float w, float h, float radius, Rgba8 colour);
    // A rounded rectangle outline `thickness` wide, inside the box.
    void stroke_rounded_rect(float x, float y, float w, float h, float radius, float thickness,
                             Rgba8 colour);
    void fill_circle(float cx, float cy, float radius, Rgba8 colour);
    // A line with round caps.
    void line(float x0, float y0, float x1, float y1, float thickness, Rgba8 colour);
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

    // Every text() line drawn so far, in order. With text_as_pixels(false) text is only recorded,
    // not drawn into the pixels (a PDF draws it as text over the page image).
    [[nodiscard]] const std::vector<PageTextRun>& text_runs() const { return runs_; }
    void text_as_pixels(bool on) { text_pixels_ = on; }
    [[nodiscard]] bool text_as_pixels() const { return text_pixels_; }

    // PNG through stb_image_write (render/png.hpp); false with `error` on failure.
    bool write_png(const std::filesystem::path& path, std::string& error) const;

private:
    void blend(int x, int y, Rgba8 colour, float coverage);
    // Fills the pixels of the box [x0, x1) × [y0, y1) with coverage from a signed distance (< 0
    // inside), one pixel of anti-aliasing.
    template <class Distance>
    void fill_sdf(float x0, float y0, float x1, float y1, Rgba8 colour, Distance&& d);

    int width_ = 0, height_ = 0;
    std::vector<std::uint8_t> pixels_;
    std::vector<PageTextRun> runs_;
    bool text_pixels_ = true;
};

} // namespace injmap::render
