#pragma once
// Large opaque rectangles in ImGui's draw data (panel, card and bar backgrounds) drawn as
// scissored clears instead of textured, blended triangles. On llvmpipe ImGui's fill costs about
// 7 ns per covered pixel per frame, and these backgrounds are two thirds of the pixels it covers
// at 1280x800 (docs/performance.md); a clear writes them without a texture fetch or blending.
#include <cstdint>
#include <vector>

#include <imgui.h>

namespace injmap::gui {

struct OpaqueRect {
    float x0, y0, x1, y1; // display coordinates (top-left origin), already clipped
    ImU32 colour;         // ImGui colour (alpha 255)
};

// Finds axis-aligned, fully opaque, untextured (white-pixel) rectangles of at least
// `min_area` pixels that nothing drawn earlier overlaps, removes them from `data` (their indices
// become degenerate) and returns them in draw order. Drawing the returned rectangles first and
// then `data` gives the same image.
std::vector<OpaqueRect> take_opaque_rects(ImDrawData& data, ImVec2 white_uv, float min_area);

// A 64-bit hash of everything in `data` that decides the image it draws (display rectangle and
// scale, vertices, indices, commands), to notice that a frame's panels equal the last frame's.
// Not cryptographic. Callback commands other than ImGui's own reset count as always different.
[[nodiscard]] std::uint64_t hash_draw_data(const ImDrawData& data);

// Limits every command to the display rectangle `rect` (x0, y0, x1, y1, top-left origin): clip
// rectangles are intersected with it, and a command left with an empty one is skipped by ImGui's
// renderers.
void clip_draw_data(ImDrawData& data, const ImVec4& rect);

} // namespace injmap::gui
