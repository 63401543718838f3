#include "injmap/render/page_canvas.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <stb_truetype.h>

#include "font.hpp"

namespace injmap::render {
namespace {

// One stb_truetype handle per style over the bytes FontFace keeps for the whole process.
struct PageFace {
    stbtt_fontinfo info{};
    bool ok = false;
};

const PageFace& face(PageFont font) {
    static const auto make = [](const FontFace* f) {
        auto out = std::make_unique<PageFace>();
        if (f && !f->data().empty())
            out->ok = stbtt_InitFont(&out->info, f->data().data(),
                                     stbtt_GetFontOffsetForIndex(f->data().data(), 0)) != 0;
        return out;
    };
    static const std::unique_ptr<PageFace> regular = make(FontFace::regular());
    static const std::unique_ptr<PageFace> bold = make(FontFace::bold());
    return font == PageFont::bold ? *bold : *regular;
}

// Full UTF-8 decoding (the label atlas stops at Latin-1; stb_truetype does not need to).
int next_codepoint(std::string_view s, std::size_t& i) {
    const auto at = [&](std::size_t k) {
        return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u;
    };
    const unsigned c = at(i);
    if (c < 0x80) {
        i += 1;
        return int(c);
    }
    if ((c & 0xE0) == 0xC0) {
        i += 2;
        return int(((c & 0x1F) << 6) | (at(i - 1) & 0x3F));
    }
    if ((c & 0xF0) == 0xE0) {
        i += 3;
        return int(((c & 0x0F) << 12) | ((at(i - 2) & 0x3F) << 6) | (at(i - 1) & 0x3F));
    }
    if ((c & 0xF8) == 0xF0) {
        i += 4;
        return int(((c & 0x07) << 18) | ((at(i - 3) & 0x3F) << 12) | ((at(i - 2) & 0x3F) << 6) |
                   (at(i - 1) & 0x3F));
    }
    i += 1;
    return '?';
}

int glyph_for(const stbtt_fontinfo& info, int cp) {
    const int g = stbtt_FindGlyphIndex(&info, cp);
    return g != 0 ? g : stbtt_FindGlyphIndex(&info, '?');
}

PageOp make_op(PageOpKind kind, Rgba8 colour) {
    PageOp op;
    op.kind = kind;
    op.colour = colour;
    return op;
}

} // namespace

PageCanvas::PageCanvas(int width, int height, Rgba8 background)
    : width_(std::max(1, width)), height_(std::max(1, height)), background_(background) {}

bool PageCanvas::fonts_available() {
    return face(PageFont::regular).ok && face(PageFont::bold).ok;
}

const std::vector<unsigned char>& PageCanvas::font_data(PageFont font) {
    static const std::vector<unsigned char> none;
    const FontFace* f = font == PageFont::bold ? FontFace::bold() : FontFace::regular();
    return f ? f->data() : none;
}

void PageCanvas::fill_rect(float x, float y, float w, float h, Rgba8 colour) {
    fill_rounded_rect(x, y, w, h, 0.0f, colour);
}

void PageCanvas::fill_rounded_rect(float x, float y, float w, float h, float radius, Rgba8 colour) {
    if (w <= 0 || h <= 0)
        return;
    PageOp op = make_op(PageOpKind::fill_rounded_rect, colour);
    op.x = x;
    op.y = y;
    op.w = w;
    op.h = h;
    op.radius = std::clamp(radius, 0.0f, std::min(w, h) * 0.5f);
    ops_.push_back(std::move(op));
}

void PageCanvas::stroke_rounded_rect(float x, float y, float w, float h, float radius,
                                     float thickness, Rgba8 colour) {
    if (w <= 0 || h <= 0 || thickness <= 0)
        return;
    PageOp op = make_op(PageOpKind::stroke_rounded_rect, colour);
    op.x = x;
    op.y = y;
    op.w = w;
    op.h = h;
    op.radius = std::clamp(radius, 0.0f, std::min(w, h) * 0.5f);
    op.thickness = std::min(thickness, std::min(w, h) * 0.5f);
    ops_.push_back(std::move(op));
}

void PageCanvas::fill_circle(float cx, float cy, float radius, Rgba8 colour) {
    if (radius <= 0)
        return;
    PageOp op = make_op(PageOpKind::fill_circle, colour);
    op.x = cx;
    op.y = cy;
    op.radius = radius;
    ops_.push_back(std::move(op));
}

void PageCanvas::line(float x0, float y0, float x1, float y1, float thickness, Rgba8 colour) {
    if (thickness <= 0)
        return;
    PageOp op = make_op(PageOpKind::line, colour);
    op.thickness = thickness;
    op.points = {x0, y0, x1, y1};
    ops_.push_back(std::move(op));
}

void PageCanvas::polyline(std::vector<float> xy, float thickness, Rgba8 colour) {
    if (thickness <= 0 || xy.size() < 4)
        return;
    xy.resize(xy.size() & ~std::size_t(1));
    PageOp op = make_op(PageOpKind::polyline, colour);
    op.thickness = thickness;
    op.points = std::move(xy);
    ops_.push_back(std::move(op));
}

void PageCanvas::fill_polygon(std::vector<float> xy, Rgba8 colour) {
    if (xy.size() < 6)
        return;
    xy.resize(xy.size() & ~std::size_t(1));
    PageOp op = make_op(PageOpKind::fill_polygon, colour);
    op.points = std::move(xy);
    ops_.push_back(std::move(op));
}

void PageCanvas::fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2,
                               Rgba8 colour) {
    fill_polygon({x0, y0, x1, y1, x2, y2}, colour);
}

void PageCanvas::blit(int x0, int y0, int w, int h, const std::vector<std::uint8_t>& rgba) {
    if (w <= 0 || h <= 0 || rgba.size() < std::size_t(w) * std::size_t(h) * 4)
        return;
    images_.push_back(
        {float(x0), float(y0), w, h,
         std::vector<std::uint8_t>(rgba.begin(),
                                   rgba.begin() + std::ptrdiff_t(w) * std::ptrdiff_t(h) * 4)});
    PageOp op = make_op(PageOpKind::image, Rgba8{});
    op.index = images_.size() - 1;
    ops_.push_back(std::move(op));
}

float PageCanvas::text(float x, float baseline, std::string_view utf8, float px, PageFont font,
                       Rgba8 colour) {
    const PageFace& f = face(font);
    if (!f.ok)
        return 0.0f;
    const float scale = stbtt_ScaleForPixelHeight(&f.info, px);
    PageTextRun run{x,
                    baseline,
                    std::string(utf8),
                    scale / stbtt_ScaleForMappingEmToPixels(&f.info, 1.0f),
                    font,
                    colour,
                    {}};
    float pen = x;
    int previous = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const std::size_t begin = i;
        const int glyph = glyph_for(f.info, next_codepoint(utf8, i));
        i = std::min(i, utf8.size());
        if (previous)
            pen += scale * float(stbtt_GetGlyphKernAdvance(&f.info, previous, glyph));
        run.glyphs.push_back({std::uint32_t(glyph), pen, std::uint8_t(i - begin)});
        int advance = 0, bearing = 0;
        stbtt_GetGlyphHMetrics(&f.info, glyph, &advance, &bearing);
        pen += scale * float(advance);
        previous = glyph;
    }
    runs_.push_back(std::move(run));
    PageOp op = make_op(PageOpKind::text, colour);
    op.index = runs_.size() - 1;
    ops_.push_back(std::move(op));
    return pen - x;
}

float PageCanvas::text_width(std::string_view utf8, float px, PageFont font) {
    const PageFace& f = face(font);
    if (!f.ok)
        return 0.0f;
    const float scale = stbtt_ScaleForPixelHeight(&f.info, px);
    float x = 0.0f;
    int previous = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const int glyph = glyph_for(f.info, next_codepoint(utf8, i));
        if (previous)
            x += scale * float(stbtt_GetGlyphKernAdvance(&f.info, previous, glyph));
        int advance = 0, bearing = 0;
        stbtt_GetGlyphHMetrics(&f.info, glyph, &advance, &bearing);
        x += scale * float(advance);
        previous = glyph;
    }
    return x;
}

float PageCanvas::ascent(float px, PageFont font) {
    const PageFace& f = face(font);
    if (!f.ok)
        return px * 0.8f;
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(&f.info, &ascent, &descent, &gap);
    return float(ascent) * stbtt_ScaleForPixelHeight(&f.info, px);
}

WrappedText PageCanvas::wrap(std::string_view utf8, float max_width, float px, PageFont font,
                             float line_spacing) {
    WrappedText out;
    out.line_height = px * line_spacing;
    const float space = text_width(" ", px, font);
    std::size_t start = 0;
    while (start <= utf8.size()) {
        const std::size_t nl = utf8.find('\n', start);
        const std::string_view para =
            utf8.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        std::string line;
        float line_w = 0.0f;
        std::size_t i = 0;
        bool any_word = false;
        while (i < para.size()) {
            while (i < para.size() && para[i] == ' ')
                ++i;
            if (i >= para.size())
                break;
            const std::size_t end = std::min(para.find(' ', i), para.size());
            const std::string_view word = para.substr(i, end - i);
            const float w = text_width(word, px, font);
            if (!line.empty() && line_w + space + w > max_width) {
                out.lines.push_back(line);
                line.clear();
                line_w = 0.0f;
            }
            if (!line.empty()) {
                line += ' ';
                line_w += space;
            }
            line += word;
            line_w += w;
            any_word = true;
            i = end;
        }
        if (!line.empty() || !any_word)
            out.lines.push_back(line);
        if (nl == std::string_view::npos)
            break;
        start = nl + 1;
    }
    return out;
}

float PageCanvas::paragraph(float x, float top, const WrappedText& wrapped, float px, PageFont font,
                            Rgba8 colour) {
    const float first_baseline = top + ascent(px, font);
    for (std::size_t i = 0; i < wrapped.lines.size(); ++i)
        text(x, first_baseline + wrapped.line_height * float(i), wrapped.lines[i], px, font,
             colour);
    return top + wrapped.height();
}

} // namespace injmap::render
