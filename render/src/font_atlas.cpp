#include "font_atlas.hpp"

#include <algorithm>
#include <cstring>

#include <stb_rect_pack.h>
#include <stb_truetype.h>

namespace injmap::render {

FontBake bake_fonts(float regular_px, float bold_px) {
    FontBake bake;
    bake.px = {regular_px, bold_px};
    const FontFace* faces[2] = {FontFace::regular(), FontFace::bold()};
    if (!faces[0] || !faces[1])
        return bake;
    constexpr int count = kLastCodepoint - kFirstCodepoint + 1;
    // Horizontal oversampling keeps small label text crisp with sub-pixel positioning.
    const float largest = std::max(regular_px, bold_px);
    bake.width = largest > 28.0f ? 2048 : 1024;
    bake.height = largest > 28.0f ? 1024 : 512;
    bake.pixels.assign(std::size_t(bake.width) * std::size_t(bake.height), 0);

    stbtt_pack_context pack{};
    if (!stbtt_PackBegin(&pack, bake.pixels.data(), bake.width, bake.height, 0, 1, nullptr))
        return bake;
    stbtt_PackSetOversampling(&pack, 2, 1);
    bool ok = true;
    for (int s = 0; s < 2; ++s) {
        std::vector<stbtt_packedchar> chars(count);
        stbtt_pack_range range{};
        range.font_size = bake.px[std::size_t(s)];
        range.first_unicode_codepoint_in_range = kFirstCodepoint;
        range.num_chars = count;
        range.chardata_for_range = chars.data();
        ok = ok && stbtt_PackFontRanges(&pack, faces[s]->data().data(), 0, &range, 1) != 0;
        auto& glyphs = bake.glyphs[std::size_t(s)];
        glyphs.resize(count);
        for (int i = 0; i < count; ++i) {
            const auto& c = chars[std::size_t(i)];
            glyphs[std::size_t(i)] = {c.x0,   c.y0,       c.x1,    c.y1,   c.xoff,
                                      c.yoff, c.xadvance, c.xoff2, c.yoff2};
        }
    }
    stbtt_PackEnd(&pack);
    bake.valid = ok;
    return bake;
}

FontAtlas::FontAtlas(FontBake bake) {
    px_ = bake.px;
    if (!bake.valid)
        return;
    glyphs_ = std::move(bake.glyphs);
    width_ = bake.width;
    height_ = bake.height;
    texture_ = gl::make_texture();
    GLint unpack = 0;
    glGetIntegerv(GL_UNPACK_ALIGNMENT, &unpack);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glBindTexture(GL_TEXTURE_2D, texture_.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width_, height_, 0, GL_RED, GL_UNSIGNED_BYTE,
                 bake.pixels.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, unpack);
    valid_ = true;
}

void FontAtlas::layout(std::string_view utf8, FontStyle style, glm::vec2 origin,
                       std::vector<GlyphQuad>& out) const {
    if (!valid_)
        return;
    const auto& glyphs = glyphs_[int(style)];
    const float iw = 1.0f / float(width_), ih = 1.0f / float(height_);
    float x = origin.x;
    for (int cp : decode_utf8(utf8)) {
        const Packed& g = glyphs[std::size_t(cp - kFirstCodepoint)];
        if (g.x1 > g.x0 && g.y1 > g.y0) {
            GlyphQuad q;
            q.min = {x + g.xoff, origin.y + g.yoff};
            q.max = {x + g.xoff2, origin.y + g.yoff2};
            q.uv_min = {float(g.x0) * iw, float(g.y0) * ih};
            q.uv_max = {float(g.x1) * iw, float(g.y1) * ih};
            out.push_back(q);
        }
        x += g.xadvance;
    }
}

} // namespace injmap::render
