#pragma once
// Fonts for labels (private to injmap_render): DejaVu Sans (regular + bold) read with stb_truetype.
// FontFace measures text without GL, so the overlay layout can be computed (and tested) anywhere;
// FontAtlas (font_atlas.hpp) bakes the glyphs into a GL texture for drawing.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace injmap::render {

// Code points U+0020..U+00FF are supported (Latin-1: enough for "·", "µ", accented names);
// anything else is drawn as '?'.
inline constexpr int kFirstCodepoint = 32;
inline constexpr int kLastCodepoint = 255;

std::vector<int> decode_utf8(std::string_view text); // unsupported → '?'

class FontFace {
public:
    // Loaded once per process from $INJMAP_FONT_DIR or /usr/share/fonts/truetype/dejavu; nullptr
    // when the file is missing (labels and numbers are then not drawn, everything else still is).
    static const FontFace* regular();
    static const FontFace* bold();

    [[nodiscard]] const std::vector<unsigned char>& data() const { return data_; }
    [[nodiscard]] float scale(float pixel_height) const;
    [[nodiscard]] float advance(int codepoint, float pixel_height) const;
    [[nodiscard]] float text_width(std::string_view utf8, float pixel_height) const;
    [[nodiscard]] float ascent(float pixel_height) const;  // above the baseline, positive
    [[nodiscard]] float descent(float pixel_height) const; // below the baseline, positive
    // Height of digits / capitals above the baseline (for optical vertical centring).
    [[nodiscard]] float cap_height(float pixel_height) const;

    ~FontFace();
    FontFace(const FontFace&) = delete;
    FontFace& operator=(const FontFace&) = delete;

private:
    FontFace() = default;
    static std::unique_ptr<FontFace> load(const std::string& file_name);
    std::vector<unsigned char> data_;
    struct Info;
    std::unique_ptr<Info> info_;
    std::vector<float> advances_; // unscaled advance per supported code point
    int ascent_ = 0, descent_ = 0, cap_height_ = 0;
};

} // namespace injmap::render
