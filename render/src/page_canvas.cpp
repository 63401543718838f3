#include "injmap/render/page_canvas.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <stb_truetype.h>

#include "font.hpp"
#include "injmap/render/png.hpp"

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

float rounded_box_distance(float px, float py, float cx, float cy, float hw, float hh, float r) {
    const float qx = std::abs(px - cx) - (hw - r);
    const float qy = std::abs(py - cy) - (hh - r);
    const float ox = std::max(qx, 0.0f), oy = std::max(qy, 0.0f);
    return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0f) - r;
}

} // namespace

PageCanvas::PageCanvas(int width, int height, Rgba8 background)
    : width_(std::max(1, width)), height_(std::max(1, height)),
      pixels_(std::size_t(width_) * std::size_t(height_) * 4) {
    for (std::size_t i = 0; i < pixels_.size(); i += 4) {
        pixels_[i] = background.r;
        pixels_[i + 1] = background.g;
        pixels_[i + 2] = background.b;
        pixels_[i + 3] = 255;
    }
}

bool PageCanvas::fonts_available() {
    return face(PageFont::regular).ok && face(PageFont::bold).ok;
}

void PageCanvas::blend(int x, int y, Rgba8 c, float coverage) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_)
        return;
    const float a = std::clamp(coverage, 0.0f, 1.0f) * float(c.a) / 255.0f;
    if (a <= 0.0f)
        return;
    std::uint8_t* p = &pixels_[(std::size_t(y) * std::size_t(width_) + std::size_t(x)) * 4];
    p[0] = static_cast<std::uint8_t>(std::lround(float(c.r) * a + float(p[0]) * (1.0f - a)));
    p[1] = static_cast<std::uint8_t>(std::lround(float(c.g) * a + float(p[1]) * (1.0f - a)));
    p[2] = static_cast<std::uint8_t>(std::lround(float(c.b) * a + float(p[2]) * (1.0f - a)));
    p[3] = 255;
}

template <class Distance>
void PageCanvas::fill_sdf(float x0, float y0, float x1, float y1, Rgba8 colour, Distance&& d) {
    const int ix0 = std::max(0, int(std::floor(x0)) - 1),
              iy0 = std::max(0, int(std::floor(y0)) - 1);
    const int ix1 = std::min(width_, int(std::ceil(x1)) + 1),
              iy1 = std::min(height_, int(std::ceil(y1)) + 1);
    for (int y = iy0; y < iy1; ++y)
        for (int x = ix0; x < ix1; ++x) {
            const float dist = d(float(x) + 0.5f, float(y) + 0.5f);
            if (dist < 0.5f)
                blend(x, y, colour, 0.5f - dist);
        }
}

void PageCanvas::fill_rect(float x, float y, float w, float h, Rgba8 colour) {
    fill_rounded_rect(x, y, w, h, 0.0f, colour);
}

void PageCanvas::fill_rounded_rect(float x, float y, float w, float h, float radius, Rgba8 colour) {
    if (w <= 0 || h <= 0)
        return;
    const float r = std::clamp(radius, 0.0f, std::min(w, h) * 0.5f);
    const float cx = x + w * 0.5f, cy = y + h * 0.5f;
    fill_sdf(x, y, x + w, y + h, colour, [&](float px, float py) {
        return rounded_box_distance(px, py, cx, cy, w * 0.5f, h * 0.5f, r);
    });
}

void PageCanvas::stroke_rounded_rect(float x, float y, float w, float h, float radius,
                                     float thickness, Rgba8 colour) {
    if (w <= 0 || h <= 0 || thickness <= 0)
        return;
    const float r = std::clamp(radius, 0.0f, std::min(w, h) * 0.5f);
    const float cx = x + w * 0.5f, cy = y + h * 0.5f;
    fill_sdf(x, y, x + w, y + h, colour, [&](float px, float py) {
        const float d = rounded_box_distance(px, py, cx, cy, w * 0.5f, h * 0.5f, r);
        return std::max(d, -(d + thickness)); // inside the outer edge, outside the inner one
    });
}

void PageCanvas::fill_circle(float cx, float cy, float radius, Rgba8 colour) {
    fill_sdf(cx - radius, cy - radius, cx + radius, cy + radius, colour,
             [&](float px, float py) { return std::hypot(px - cx, py - cy) - radius; });
}

void PageCanvas::line(float x0, float y0, float x1, float y1, float thickness, Rgba8 colour) {
    const float r = thickness * 0.5f;
    const float dx = x1 - x0, dy = y1 - y0;
    const float len2 = std::max(dx * dx + dy * dy, 1e-6f);
    fill_sdf(std::min(x0, x1) - r, std::min(y0, y1) - r, std::max(x0, x1) + r, std::max(y0, y1) + r,
             colour, [&](float px, float py) {
                 const float t = std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0f, 1.0f);
                 return std::hypot(px - (x0 + t * dx), py - (y0 + t * dy)) - r;
             });
}

void PageCanvas::fill_triangle(float x0, float y0, float x1, float y1, float x2, float y2,
                               Rgba8 colour) {
    // Signed distance to each edge (inward positive for a counter-clockwise triangle): orient
    // first.
    if ((x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) < 0) {
        std::swap(x1, x2);
        std::swap(y1, y2);
    }
    const auto edge = [](float ax, float ay, float bx, float by, float px, float py) {
        const float ex = bx - ax, ey = by - ay;
        const float len = std::max(std::hypot(ex, ey), 1e-6f);
        return ((px - ax) * ey - (py - ay) * ex) / len; // > 0 outside for this orientation
    };
    fill_sdf(std::min({x0, x1, x2}), std::min({y0, y1, y2}), std::max({x0, x1, x2}),
             std::max({y0, y1, y2}), colour, [&](float px, float py) {
                 return std::max({-edge(x0, y0, x1, y1, px, py), -edge(x1, y1, x2, y2, px, py),
                                  -edge(x2, y2, x0, y0, px, py)});
             });
}

void PageCanvas::blit(int x0, int y0, int w, int h, const std::vector<std::uint8_t>& rgba) {
    if (w <= 0 || h <= 0 || rgba.size() < std::size_t(w) * std::size_t(h) * 4)
        return;
    for (int y = 0; y < h; ++y) {
        const int ty = y0 + y;
        if (ty < 0 || ty >= height_)
            continue;
        for (int x = 0; x < w; ++x) {
            const int tx = x0 + x;
            if (tx < 0 || tx >= width_)
                continue;
            const std::uint8_t* s = &rgba[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 4];
            blend(tx, ty, Rgba8{s[0], s[1], s[2], 255}, float(s[3]) / 255.0f);
        }
    }
}

float PageCanvas::text(float x, float baseline, std::string_view utf8, float px, PageFont font,
                       Rgba8 colour) {
    const PageFace& f = face(font);
    if (!f.ok)
        return 0.0f;
    const float scale = stbtt_ScaleForPixelHeight(&f.info, px);
    runs_.push_back({x, baseline, std::string(utf8),
                     scale / stbtt_ScaleForMappingEmToPixels(&f.info, 1.0f), font, colour});
    if (!text_pixels_)
        return text_width(utf8, px, font);
    const float start = x;
    int previous = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const int glyph = glyph_for(f.info, next_codepoint(utf8, i));
        if (previous)
            x += scale * float(stbtt_GetGlyphKernAdvance(&f.info, previous, glyph));
        int advance = 0, bearing = 0;
        stbtt_GetGlyphHMetrics(&f.info, glyph, &advance, &bearing);
        int w = 0, h = 0, xo = 0, yo = 0;
        const float shift = x - std::floor(x);
        unsigned char* bitmap = stbtt_GetGlyphBitmapSubpixel(&f.info, scale, scale, shift, 0.0f,
                                                             glyph, &w, &h, &xo, &yo);
        if (bitmap) {
            const int ox = int(std::floor(x)) + xo, oy = int(std::lround(baseline)) + yo;
            for (int yy = 0; yy < h; ++yy)
                for (int xx = 0; xx < w; ++xx)
                    if (const unsigned char a = bitmap[yy * w + xx])
                        blend(ox + xx, oy + yy, colour, float(a) / 255.0f);
            stbtt_FreeBitmap(bitmap, nullptr);
        }
        x += scale * float(advance);
        previous = glyph;
    }
    return x - start;
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

bool PageCanvas::write_png(const std::filesystem::path& path, std::string& error) const {
    return render::write_png(path, width_, height_, pixels_, error);
}

} // namespace injmap::render
