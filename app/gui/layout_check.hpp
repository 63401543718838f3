#pragma once
// `injmap gui --check-layout`: text that the window does not show whole. Every glyph ImGui draws
// is a textured quad whose texture box is one of the font atlas's glyph boxes; a glyph cut on the
// CPU (ImGui's fine clipping of labels) has a box that is only part of one, and a glyph cut by the
// GPU lies partly outside its draw command's clip rectangle. Runs of glyphs on one line are put
// back into text (the glyph boxes know their characters) so the report names what is cut.
// ImGui types only, no context: App (app_layout_check.cpp) describes the windows in draw order.
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace injmap::gui {

// The font atlas's glyph boxes (texture pixels) and their characters.
struct GlyphTable {
    struct Glyph {
        float u0, v0, u1, v1; // texture pixels
        unsigned codepoint;
        float x0, x1, advance; // the quad's offset from the pen and the pen's advance (pixels)
    };
    std::vector<Glyph> glyphs;
    std::unordered_map<std::uint64_t, std::size_t> exact; // packed box → index in glyphs
    float tex_w = 1.0f, tex_h = 1.0f;
    ImTextureID texture{};
    ImVec4 lines_uv{0, 0, 0, 0}; // the baked anti-aliased lines (not text)
    ImVec2 white_uv{0, 0};
};
[[nodiscard]] GlyphTable glyph_table(const ImFontAtlas& atlas);

// One window as drawn, back to front.
struct LayoutWindow {
    std::string name;
    const ImDrawList* list = nullptr;
    ImVec4 rect{0, 0, 0, 0}; // x0, y0, x1, y1
    int root = 0;            // index (in the same list) of the root window it belongs to
    bool scrolls_y = false;  // content taller than the window: lines cut at its top or bottom
                             // edge can be scrolled into view
    bool occludes = false;   // an opaque root window that hides what lies under it
    bool padded = true;      // keeps a padding of pixels inside its clip rectangle (not a child
                             // window without border, whose text may end right at the edge)
};

struct ClippedText {
    std::string window;
    std::string text;
    ImVec4 rect{0, 0, 0, 0}; // the run's glyphs
    std::string why;         // "cut at the clip edge", "outside the display", "covered by W"
};

// Text runs of `windows` that are cut, leave the display or lie under a later opaque window.
[[nodiscard]] std::vector<ClippedText> find_clipped_text(std::span<const LayoutWindow> windows,
                                                         const GlyphTable& glyphs,
                                                         ImVec2 display_size);

} // namespace injmap::gui
