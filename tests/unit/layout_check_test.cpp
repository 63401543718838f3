// --check-layout's glyph pass (app/gui/layout_check.hpp) on draw lists built without a context:
// text inside its clip rectangle passes; text running past it, text ImGui cut on the CPU to a
// label's box, text ending at a padded panel's clip edge and text under a later opaque panel are
// reported, with their characters put back together.
#include <gtest/gtest.h>

#include <imgui.h>
#include <imgui_internal.h> // ImDrawListSharedData, to build draw lists without a context

#include "gui/layout_check.hpp"

namespace injmap::gui {
namespace {

struct Fixture {
    ImFontAtlas atlas;
    ImFont* font = nullptr;
    ImDrawListSharedData shared;
    GlyphTable glyphs;
    Fixture() {
        font = atlas.AddFontDefault();
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        atlas.GetTexDataAsAlpha8(&pixels, &w, &h); // builds the atlas
        atlas.SetTexID(ImTextureID(7));
        shared.Font = font;
        shared.FontSize = font->FontSize;
        shared.TexUvWhitePixel = atlas.TexUvWhitePixel;
        shared.TexUvLines = atlas.TexUvLines;
        shared.SetCircleTessellationMaxError(0.3f);
        glyphs = glyph_table(atlas);
    }
    // A list clipped to `clip` with `text` at `at` (fine-clipped to `fine` when given).
    void text(ImDrawList& list, ImVec4 clip, ImVec2 at, const char* s,
              const ImVec4* fine = nullptr) {
        list._ResetForNewFrame();
        list.PushClipRect({clip.x, clip.y}, {clip.z, clip.w});
        list.PushTextureID(atlas.TexID);
        list.AddText(font, font->FontSize, at, IM_COL32_WHITE, s, nullptr, 0.0f, fine);
    }
};

LayoutWindow window(const char* name, const ImDrawList& list, ImVec4 rect, int root) {
    LayoutWindow w;
    w.name = name;
    w.list = &list;
    w.rect = rect;
    w.root = root;
    return w;
}

TEST(LayoutCheck, TextInsideItsClipRectanglePasses) {
    Fixture f;
    ImDrawList list(&f.shared);
    f.text(list, {0, 0, 400, 100}, {10, 10}, "Session");
    const LayoutWindow w = window("panel", list, {0, 0, 400, 100}, 0);
    EXPECT_TRUE(find_clipped_text({&w, 1}, f.glyphs, {800, 600}).empty());
}

TEST(LayoutCheck, TextRunningPastItsClipRectangleIsReportedWithItsCharacters) {
    Fixture f;
    ImDrawList list(&f.shared);
    f.text(list, {0, 0, 60, 100}, {10, 10}, "Given 17.5");
    const LayoutWindow w = window("tally", list, {0, 0, 60, 100}, 0);
    const auto cut = find_clipped_text({&w, 1}, f.glyphs, {800, 600});
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_EQ(cut[0].window, "tally");
    EXPECT_EQ(cut[0].text.rfind("Giv", 0), 0u) << cut[0].text;
    EXPECT_EQ(cut[0].why, "cut at the clip edge");
}

TEST(LayoutCheck, GlyphsCutOnTheCpuAreReported) {
    Fixture f;
    ImDrawList list(&f.shared);
    const ImVec4 label{0, 0, 43.5f, 100};
    f.text(list, {0, 0, 400, 100}, {10, 10}, "Finish session", &label);
    const LayoutWindow w = window("right", list, {0, 0, 400, 100}, 0);
    const auto cut = find_clipped_text({&w, 1}, f.glyphs, {800, 600});
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_EQ(cut[0].why, "cut at the clip edge");
}

TEST(LayoutCheck, TextUnderALaterOpaquePanelIsReported) {
    Fixture f;
    ImDrawList column(&f.shared), toolbar(&f.shared);
    f.text(column, {0, 0, 400, 300}, {10, 10}, "Session");
    f.text(toolbar, {0, 0, 800, 600}, {500, 500}, "Front");
    LayoutWindow windows[] = {window("right", column, {0, 0, 400, 300}, 0),
                              window("viewbar", toolbar, {5, 5, 300, 40}, 1)};
    EXPECT_TRUE(find_clipped_text(windows, f.glyphs, {800, 600}).empty()); // not opaque
    windows[1].occludes = true;
    const auto cut = find_clipped_text(windows, f.glyphs, {800, 600});
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_EQ(cut[0].text, "Session");
    EXPECT_EQ(cut[0].why, "covered by viewbar");
}

TEST(LayoutCheck, LinesScrolledOutOfAScrollingPanelAreNotCut) {
    Fixture f;
    ImDrawList list(&f.shared);
    f.text(list, {0, 0, 400, 16}, {10, 10}, "half a line at the bottom");
    LayoutWindow w = window("list", list, {0, 0, 400, 16}, 0);
    EXPECT_EQ(find_clipped_text({&w, 1}, f.glyphs, {800, 600}).size(), 1u);
    w.scrolls_y = true;
    EXPECT_TRUE(find_clipped_text({&w, 1}, f.glyphs, {800, 600}).empty());
}

} // namespace
} // namespace injmap::gui
