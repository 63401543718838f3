#pragma once
// Glyphs of the label fonts baked into one single-channel GL texture (private to injmap_render).
#include <array>
#include <string_view>
#include <vector>

#include <glm/vec2.hpp>

#include "font.hpp"
#include "gl_objects.hpp"

namespace injmap::render {

struct GlyphQuad {
    glm::vec2 min{0.0f}, max{0.0f};       // pixels, top-left origin
    glm::vec2 uv_min{0.0f}, uv_max{0.0f}; // texture coordinates
};

enum class FontStyle { regular = 0, bold = 1 };

// The glyphs of both styles rasterised into one single-channel image: plain data, made on any
// thread (the rasterising is the slow part), uploaded by FontAtlas on the GL thread.
struct FontBake {
    struct Packed {
        unsigned short x0, y0, x1, y1;
        float xoff, yoff, xadvance, xoff2, yoff2;
    };
    bool valid = false; // false when a font file or the packing failed
    std::array<float, 2> px{};
    std::array<std::vector<Packed>, 2> glyphs;
    int width = 0, height = 0;
    std::vector<unsigned char> pixels; // width × height
};

// Bakes Latin-1 for both styles at the given pixel heights. Needs no GL context; thread-safe.
[[nodiscard]] FontBake bake_fonts(float regular_px, float bold_px);

class FontAtlas {
public:
    // Uploads a bake (the GL context must be current); valid() is false when the bake is.
    explicit FontAtlas(FontBake bake);
    [[nodiscard]] bool valid() const { return valid_; }
    [[nodiscard]] float pixel_height(FontStyle style) const { return px_[int(style)]; }
    [[nodiscard]] GLuint texture() const { return texture_.id(); }
    // Glyph quads for `text` with its baseline starting at `origin`.
    void layout(std::string_view utf8, FontStyle style, glm::vec2 origin,
                std::vector<GlyphQuad>& out) const;

private:
    using Packed = FontBake::Packed;
    bool valid_ = false;
    std::array<float, 2> px_{};
    std::array<std::vector<Packed>, 2> glyphs_;
    int width_ = 0, height_ = 0;
    gl::Texture texture_;
};

} // namespace injmap::render
