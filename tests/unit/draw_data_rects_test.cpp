// Hoisting ImGui's large opaque backgrounds out of the draw data (app/gui/draw_data_rects.hpp):
// only plain, opaque, untextured rectangles big enough and not over anything drawn earlier are
// taken, clipped to their clip rectangle, and removed from the draw data.
#include <gtest/gtest.h>

#include <imgui.h>
#include <imgui_internal.h> // ImDrawListSharedData, to build draw lists without a context

#include "gui/draw_data_rects.hpp"

namespace injmap::gui {
namespace {

const ImVec2 kWhite{0.5f, 0.5f};
constexpr ImU32 kPanel = IM_COL32(250, 249, 249, 255);

struct Lists {
    ImDrawListSharedData shared;
    ImDrawList list{&shared};
    ImDrawData data;
    Lists() {
        shared.TexUvWhitePixel = kWhite;
        shared.SetCircleTessellationMaxError(0.3f); // ImGui's default style value
        list._ResetForNewFrame();
        list.PushClipRect({0, 0}, {1000, 1000});
        list.PushTextureID(ImTextureID(1));
    }
    ImDrawData& finish() {
        data.Valid = true;
        data.CmdLists = &list_ptr;
        data.CmdListsCount = 1;
        list_ptr = &list;
        data.TotalIdxCount = list.IdxBuffer.Size;
        data.TotalVtxCount = list.VtxBuffer.Size;
        return data;
    }
    ImDrawList* list_ptr = nullptr;
    // Triangles that still draw something (not degenerate).
    int live_triangles() const {
        int n = 0;
        for (int i = 0; i + 2 < list.IdxBuffer.Size; i += 3) {
            const auto* t = &list.IdxBuffer[i];
            n += !(t[0] == t[1] && t[1] == t[2]);
        }
        return n;
    }
};

void expect_rect(const OpaqueRect& r, float x0, float y0, float x1, float y1) {
    EXPECT_FLOAT_EQ(r.x0, x0);
    EXPECT_FLOAT_EQ(r.y0, y0);
    EXPECT_FLOAT_EQ(r.x1, x1);
    EXPECT_FLOAT_EQ(r.y1, y1);
}

TEST(OpaqueRects, TakesABigOpaqueBackgroundAndRemovesIt) {
    Lists l;
    l.list.AddRectFilled({10, 20}, {310, 420}, kPanel);
    const auto rects = take_opaque_rects(l.finish(), kWhite, 4096.0f);
    ASSERT_EQ(rects.size(), 1u);
    expect_rect(rects[0], 10, 20, 310, 420);
    EXPECT_EQ(rects[0].colour, kPanel);
    EXPECT_EQ(l.live_triangles(), 0);
}

TEST(OpaqueRects, LeavesTranslucentRoundedSmallAndTexturedShapes) {
    Lists l;
    l.list.AddRectFilled({0, 0}, {300, 300}, IM_COL32(250, 249, 249, 200)); // translucent
    l.list.AddRectFilled({0, 400}, {300, 700}, kPanel, 8.0f);               // rounded
    l.list.AddRectFilled({500, 0}, {530, 30}, kPanel);                      // 900 px: too small
    l.list.PrimReserve(6, 4);                                               // a textured quad
    l.list.PrimRectUV({500, 500}, {900, 900}, {0, 0}, {1, 1}, kPanel);
    const int before = l.list.IdxBuffer.Size / 3;
    EXPECT_TRUE(take_opaque_rects(l.finish(), kWhite, 4096.0f).empty());
    EXPECT_EQ(l.live_triangles(), before);
}

TEST(OpaqueRects, NeverMovesABackgroundUnderSomethingDrawnBeforeIt) {
    Lists l;
    l.list.AddTriangleFilled({100, 100}, {120, 100}, {110, 120}, IM_COL32(0, 0, 0, 255));
    l.list.AddRectFilled({0, 0}, {300, 300}, kPanel);   // over the triangle: stays in place
    l.list.AddRectFilled({400, 0}, {700, 300}, kPanel); // over nothing: taken
    const auto rects = take_opaque_rects(l.finish(), kWhite, 4096.0f);
    ASSERT_EQ(rects.size(), 1u);
    expect_rect(rects[0], 400, 0, 700, 300);
    EXPECT_EQ(l.live_triangles(), 3);
}

TEST(OpaqueRects, ClipsToTheClipRectangle) {
    Lists l;
    l.list.PushClipRect({50, 50}, {250, 150});
    l.list.AddRectFilled({0, 0}, {300, 300}, kPanel);
    const auto rects = take_opaque_rects(l.finish(), kWhite, 4096.0f);
    ASSERT_EQ(rects.size(), 1u);
    expect_rect(rects[0], 50, 50, 250, 150);
}

// The panel layer redraws when hash_draw_data changes: equal draw data must hash equal, and any
// change to what is drawn (a vertex, a colour, a clip rectangle, a texture, the display) must not.
TEST(DrawDataHash, EqualForEqualDataAndChangedByWhatIsDrawn) {
    auto build = [](Lists& l, ImU32 colour, float x, ImTextureID texture) -> ImDrawData& {
        l.list.AddRectFilled({10, 20}, {x, 60}, colour);
        l.list.PushTextureID(texture);
        l.list.AddRectFilled({100, 100}, {140, 130}, kPanel);
        l.list.PopTextureID();
        return l.finish();
    };
    Lists a, b, moved, recoloured, retextured;
    const auto base = hash_draw_data(build(a, kPanel, 50, ImTextureID(1)));
    EXPECT_EQ(base, hash_draw_data(build(b, kPanel, 50, ImTextureID(1))));
    EXPECT_NE(base, hash_draw_data(build(moved, kPanel, 51, ImTextureID(1))));
    EXPECT_NE(base, hash_draw_data(build(recoloured, IM_COL32(1, 2, 3, 255), 50, ImTextureID(1))));
    EXPECT_NE(base, hash_draw_data(build(retextured, kPanel, 50, ImTextureID(2))));
    b.data.DisplaySize = ImVec2(800, 600);
    EXPECT_NE(base, hash_draw_data(b.data));
    b.data.DisplaySize = a.data.DisplaySize;
    EXPECT_EQ(base, hash_draw_data(b.data));
    b.list.CmdBuffer[0].ClipRect.z -= 1.0f;
    EXPECT_NE(base, hash_draw_data(b.data));
}

TEST(DrawDataClip, IntersectsEveryClipRectangleAndEmptiesThoseOutside) {
    Lists l;
    l.list.AddRectFilled({10, 20}, {50, 60}, kPanel);
    l.list.PushClipRect({600, 600}, {700, 700});
    l.list.AddRectFilled({610, 610}, {650, 650}, kPanel);
    l.list.PopClipRect();
    ImDrawData& data = l.finish();
    ASSERT_GE(l.list.CmdBuffer.Size, 2);
    clip_draw_data(data, ImVec4(0, 0, 500, 400));
    const ImVec4 first = l.list.CmdBuffer[0].ClipRect;
    EXPECT_FLOAT_EQ(first.x, 0);
    EXPECT_FLOAT_EQ(first.y, 0);
    EXPECT_FLOAT_EQ(first.z, 500);
    EXPECT_FLOAT_EQ(first.w, 400);
    const ImVec4 outside = l.list.CmdBuffer[1].ClipRect;
    EXPECT_LE(outside.z, outside.x); // empty: ImGui's renderers skip it
    EXPECT_LE(outside.w, outside.y);
}

} // namespace
} // namespace injmap::gui
