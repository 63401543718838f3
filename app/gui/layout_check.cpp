#include "gui/layout_check.hpp"

#include <algorithm>
#include <cmath>

namespace injmap::gui {
namespace {

std::uint64_t pack(int a, int b, int c, int d) {
    return std::uint64_t(std::uint16_t(a)) | std::uint64_t(std::uint16_t(b)) << 16 |
           std::uint64_t(std::uint16_t(c)) << 32 | std::uint64_t(std::uint16_t(d)) << 48;
}

bool whole(float v) {
    return std::abs(v - std::round(v)) < 0.02f;
}

void append_utf8(std::string& s, unsigned c) {
    if (c < 0x80) {
        s += char(c);
    } else if (c < 0x800) {
        s += char(0xC0 | (c >> 6));
        s += char(0x80 | (c & 0x3F));
    } else {
        s += char(0xE0 | (c >> 12));
        s += char(0x80 | ((c >> 6) & 0x3F));
        s += char(0x80 | (c & 0x3F));
    }
}

struct Quad {
    ImVec4 pos;                               // x0, y0, x1, y1
    const GlyphTable::Glyph* glyph = nullptr; // what it shows
    bool cut = false;                         // only part of a glyph's box (ImGui's CPU clipping)
    ImVec4 clip;
};

// The glyph a texture box (texture pixels) shows: exact, or the glyph box it is part of.
const GlyphTable::Glyph* glyph_of(const GlyphTable& t, float u0, float v0, float u1, float v1,
                                  bool& cut) {
    cut = false;
    if (whole(u0) && whole(v0) && whole(u1) && whole(v1)) {
        const auto it = t.exact.find(pack(int(std::round(u0)), int(std::round(v0)),
                                          int(std::round(u1)), int(std::round(v1))));
        if (it != t.exact.end())
            return &t.glyphs[it->second];
    }
    for (const GlyphTable::Glyph& g : t.glyphs)
        if (u0 >= g.u0 - 0.02f && v0 >= g.v0 - 0.02f && u1 <= g.u1 + 0.02f && v1 <= g.v1 + 0.02f) {
            cut = true;
            return &g;
        }
    return nullptr;
}

bool inside(const ImVec4& r, const ImVec4& clip, bool x_axis, float slack) {
    return x_axis ? r.x >= clip.x - slack && r.z <= clip.z + slack
                  : r.y >= clip.y - slack && r.w <= clip.w + slack;
}

bool overlaps(const ImVec4& a, const ImVec4& b) {
    return a.x < b.z && b.x < a.z && a.y < b.w && b.y < a.w;
}

} // namespace

GlyphTable glyph_table(const ImFontAtlas& atlas) {
    GlyphTable t;
    t.tex_w = float(std::max(1, atlas.TexWidth));
    t.tex_h = float(std::max(1, atlas.TexHeight));
    t.texture = atlas.TexID;
    t.white_uv = atlas.TexUvWhitePixel;
    if (atlas.PackIdLines >= 0 && atlas.PackIdLines < atlas.CustomRects.Size) {
        const ImFontAtlasCustomRect& r = atlas.CustomRects[atlas.PackIdLines];
        t.lines_uv = {float(r.X) / t.tex_w, float(r.Y) / t.tex_h, float(r.X + r.Width) / t.tex_w,
                      float(r.Y + r.Height) / t.tex_h};
    }
    for (const ImFont* font : atlas.Fonts)
        for (const ImFontGlyph& g : font->Glyphs) {
            if (!g.Visible)
                continue;
            const GlyphTable::Glyph glyph{g.U0 * t.tex_w, g.V0 * t.tex_h, g.U1 * t.tex_w,
                                          g.V1 * t.tex_h, g.Codepoint,    g.X0,
                                          g.X1,           g.AdvanceX};
            t.exact.emplace(pack(int(std::round(glyph.u0)), int(std::round(glyph.v0)),
                                 int(std::round(glyph.u1)), int(std::round(glyph.v1))),
                            t.glyphs.size());
            t.glyphs.push_back(glyph);
        }
    return t;
}

std::vector<ClippedText> find_clipped_text(std::span<const LayoutWindow> windows,
                                           const GlyphTable& glyphs, ImVec2 display_size) {
    std::vector<ClippedText> out;
    const ImVec4 display{0, 0, display_size.x, display_size.y};
    const auto near_uv = [](ImVec2 a, ImVec2 b) {
        return std::abs(a.x - b.x) < 1e-5f && std::abs(a.y - b.y) < 1e-5f;
    };
    const auto in_lines = [&](ImVec2 uv) {
        return uv.x >= glyphs.lines_uv.x && uv.x <= glyphs.lines_uv.z &&
               uv.y >= glyphs.lines_uv.y && uv.y <= glyphs.lines_uv.w;
    };
    for (std::size_t w = 0; w < windows.size(); ++w) {
        const LayoutWindow& win = windows[w];
        if (!win.list)
            continue;
        // The glyph quads in draw order.
        std::vector<Quad> quads;
        const ImDrawVert* vtx = win.list->VtxBuffer.Data;
        const ImDrawIdx* idx = win.list->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : win.list->CmdBuffer) {
            if (cmd.UserCallback || cmd.TextureId != glyphs.texture)
                continue;
            const ImDrawVert* v = vtx + cmd.VtxOffset;
            for (unsigned i = 0; i + 6 <= cmd.ElemCount;) {
                const ImDrawIdx* t = idx + cmd.IdxOffset + i;
                if (t[0] != t[3] || t[2] != t[4]) {
                    i += 3;
                    continue;
                }
                const ImDrawVert &a = v[t[0]], &c = v[t[2]];
                i += 6;
                if (near_uv(a.uv, glyphs.white_uv) || in_lines(a.uv) || in_lines(c.uv))
                    continue;
                bool cut = false;
                const GlyphTable::Glyph* glyph =
                    glyph_of(glyphs, std::min(a.uv.x, c.uv.x) * glyphs.tex_w,
                             std::min(a.uv.y, c.uv.y) * glyphs.tex_h,
                             std::max(a.uv.x, c.uv.x) * glyphs.tex_w,
                             std::max(a.uv.y, c.uv.y) * glyphs.tex_h, cut);
                if (!glyph)
                    continue;
                quads.push_back({{std::min(a.pos.x, c.pos.x), std::min(a.pos.y, c.pos.y),
                                  std::max(a.pos.x, c.pos.x), std::max(a.pos.y, c.pos.y)},
                                 glyph,
                                 cut,
                                 cmd.ClipRect});
            }
        }
        // Runs: glyphs on one line, left to right.
        std::size_t begin = 0;
        while (begin < quads.size()) {
            std::size_t end = begin + 1;
            const float h = std::max(4.0f, quads[begin].pos.w - quads[begin].pos.y);
            while (end < quads.size() && std::abs(quads[end].pos.w - quads[end - 1].pos.w) < h &&
                   quads[end].pos.x >= quads[end - 1].pos.x - 1.0f &&
                   quads[end].pos.x - quads[end - 1].pos.z < 3.0f * h)
                ++end;
            ClippedText run{win.name, {}, quads[begin].pos, {}};
            for (std::size_t q = begin; q < end; ++q) {
                const Quad& g = quads[q];
                // A space where the pen moved further than the last glyph's advance.
                if (q > begin && !g.cut && !quads[q - 1].cut) {
                    const Quad& p = quads[q - 1];
                    const float pen = p.pos.x - p.glyph->x0 + p.glyph->advance;
                    if (g.pos.x - g.glyph->x0 - pen > 0.5f * std::max(1.0f, p.glyph->advance) ||
                        g.pos.x - g.glyph->x0 - pen > 2.0f)
                        run.text += ' ';
                }
                append_utf8(run.text, g.glyph->codepoint);
                run.rect = {std::min(run.rect.x, g.pos.x), std::min(run.rect.y, g.pos.y),
                            std::max(run.rect.z, g.pos.z), std::max(run.rect.w, g.pos.w)};
                if (!run.why.empty())
                    continue;
                constexpr float slack = 1.0f;
                // What the clip rectangle lets through: a line scrolled out of view is not shown.
                const ImVec4 shown{std::max(g.pos.x, g.clip.x), std::max(g.pos.y, g.clip.y),
                                   std::min(g.pos.z, g.clip.z), std::min(g.pos.w, g.clip.w)};
                if ((shown.z <= shown.x || shown.w <= shown.y) && win.scrolls_y &&
                    inside(g.pos, g.clip, true, slack))
                    continue;
                if (g.cut)
                    run.why = "cut at the clip edge";
                else if (!inside(g.pos, g.clip, true, slack) ||
                         (!win.scrolls_y && !inside(g.pos, g.clip, false, slack)))
                    run.why = "cut at the clip edge";
                else if (!inside(shown, display, true, slack) ||
                         !inside(shown, display, false, slack))
                    run.why = "outside the display";
                else
                    for (std::size_t o = w + 1; o < windows.size(); ++o)
                        if (windows[o].occludes && windows[o].root != win.root &&
                            overlaps(shown, windows[o].rect)) {
                            run.why = "covered by " + windows[o].name;
                            break;
                        }
            }
            // ImGui leaves out glyphs wholly outside the clip rectangle: a run that ends at its
            // clip edge (text keeps a padding of several pixels from the right edge of a padded
            // window or a table column) lost some.
            // (Not at the left edge: a table's first column starts there.)
            constexpr float edge = 2.5f;
            if (run.why.empty() && win.padded &&
                quads[end - 1].pos.z > quads[end - 1].clip.z - edge)
                run.why = "cut at the clip edge";
            if (!run.why.empty())
                out.push_back(std::move(run));
            begin = end;
        }
    }
    return out;
}

} // namespace injmap::gui
