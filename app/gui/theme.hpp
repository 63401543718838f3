#pragma once
// The look: fonts (DejaVu Sans from fonts-dejavu-core, scaled with the window's content scale) and
// a calm light ImGui style. Colours the panels use for meaning (done, skipped, warning) live here
// too, so every panel says "done" in the same green.
#include <memory>

#include <imgui.h>

namespace injmap::gui {

struct Fonts {
    ImFont* regular = nullptr;
    ImFont* bold = nullptr;
    ImFont* heading = nullptr;    // larger bold, for the step title
    ImFont* large = nullptr;      // patient mode: large body text
    ImFont* large_bold = nullptr; // patient mode: large headings
    ImFont* small = nullptr;
    ImFont* mono = nullptr; // file:line diagnostics and placement snippets
};

// The fonts at `scale`, rasterised into an atlas of their own (ImGui's built-in font where a file
// is missing). Needs no ImGui context, so it can run on another thread while the window opens.
struct FontAtlas {
    std::unique_ptr<ImFontAtlas> atlas;
    Fonts fonts; // point into `atlas`
    float scale = 1.0f;
};
[[nodiscard]] FontAtlas build_fonts(float scale);

// Makes `fonts` the current context's fonts (the context must have been created on its atlas) and
// applies the style scaled by `scale`.
void setup_theme(const FontAtlas& fonts, float scale);

namespace colour {
inline const ImVec4 text{0.13f, 0.16f, 0.20f, 1.0f};
inline const ImVec4 muted{0.40f, 0.44f, 0.49f, 1.0f};
inline const ImVec4 accent{0.09f, 0.45f, 0.53f, 1.0f}; // calm teal
inline const ImVec4 current{0.09f, 0.45f, 0.53f, 1.0f};
inline const ImVec4 done{0.20f, 0.52f, 0.30f, 1.0f};
inline const ImVec4 skipped{0.62f, 0.45f, 0.12f, 1.0f};
inline const ImVec4 warning{0.72f, 0.44f, 0.05f, 1.0f};
inline const ImVec4 error{0.74f, 0.16f, 0.16f, 1.0f};
inline const ImVec4 optional{0.42f, 0.36f, 0.62f, 1.0f};
inline const ImVec4 panel{0.975f, 0.978f, 0.982f, 1.0f};
inline const ImVec4 card{1.0f, 1.0f, 1.0f, 1.0f};
} // namespace colour

} // namespace injmap::gui
