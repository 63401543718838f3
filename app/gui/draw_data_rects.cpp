#include "gui/draw_data_rects.hpp"

#include <algorithm>
#include <cmath>

namespace injmap::gui {
namespace {

struct Box {
    float x0, y0, x1, y1;
    [[nodiscard]] bool overlaps(const Box& o) const {
        return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
    }
};

bool near(float a, float b) {
    return std::abs(a - b) < 1e-3f;
}

// The rectangle ImDrawList::PrimRect writes: corners a (top-left), b, c (bottom-right), d as
// triangles (a, b, c) and (a, c, d).
bool as_rect(const ImDrawVert* v, const ImDrawIdx* idx, ImVec2 white_uv, Box& box, ImU32& col) {
    if (idx[0] != idx[3] || idx[2] != idx[4])
        return false;
    const ImDrawVert &a = v[idx[0]], &b = v[idx[1]], &c = v[idx[2]], &d = v[idx[5]];
    col = a.col;
    for (const ImDrawVert* p : {&a, &b, &c, &d})
        if (p->col != col || !near(p->uv.x, white_uv.x) || !near(p->uv.y, white_uv.y))
            return false;
    if ((col >> IM_COL32_A_SHIFT & 0xff) != 0xff)
        return false;
    if (!(near(a.pos.y, b.pos.y) && near(b.pos.x, c.pos.x) && near(c.pos.y, d.pos.y) &&
          near(d.pos.x, a.pos.x)))
        return false;
    box = {std::min(a.pos.x, c.pos.x), std::min(a.pos.y, c.pos.y), std::max(a.pos.x, c.pos.x),
           std::max(a.pos.y, c.pos.y)};
    return box.x1 > box.x0 && box.y1 > box.y0;
}

Box triangle_box(const ImDrawVert* v, const ImDrawIdx* idx) {
    Box b{v[idx[0]].pos.x, v[idx[0]].pos.y, v[idx[0]].pos.x, v[idx[0]].pos.y};
    for (int k = 1; k < 3; ++k) {
        b.x0 = std::min(b.x0, v[idx[k]].pos.x);
        b.y0 = std::min(b.y0, v[idx[k]].pos.y);
        b.x1 = std::max(b.x1, v[idx[k]].pos.x);
        b.y1 = std::max(b.y1, v[idx[k]].pos.y);
    }
    return b;
}

} // namespace

std::vector<OpaqueRect> take_opaque_rects(ImDrawData& data, ImVec2 white_uv, float min_area) {
    std::vector<OpaqueRect> out;
    // Everything drawn so far that a later rectangle would wrongly go under if hoisted: the
    // bounds of each triangle not hoisted (conservative: a triangle's box, not its shape).
    std::vector<Box> drawn;
    for (int l = 0; l < data.CmdListsCount; ++l) {
        ImDrawList* list = data.CmdLists[l];
        const ImDrawVert* vtx = list->VtxBuffer.Data;
        ImDrawIdx* idx = list->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback)
                return out; // unknown drawing: stop hoisting here (what was taken stays right)
            const Box clip{cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w};
            for (unsigned int i = 0; i < cmd.ElemCount; i += 3) {
                ImDrawIdx* t = idx + cmd.IdxOffset + i;
                const ImDrawVert* v = vtx + cmd.VtxOffset;
                Box box{};
                ImU32 col = 0;
                if (i + 6 <= cmd.ElemCount && as_rect(v, t, white_uv, box, col)) {
                    const Box shown{std::max(box.x0, clip.x0), std::max(box.y0, clip.y0),
                                    std::min(box.x1, clip.x1), std::min(box.y1, clip.y1)};
                    const float area = (shown.x1 - shown.x0) * (shown.y1 - shown.y0);
                    if (shown.x1 > shown.x0 && shown.y1 > shown.y0 && area >= min_area &&
                        std::none_of(drawn.begin(), drawn.end(),
                                     [&](const Box& d) { return d.overlaps(shown); })) {
                        out.push_back({shown.x0, shown.y0, shown.x1, shown.y1, col});
                        std::fill(t, t + 6, t[0]); // degenerate: draws nothing
                        i += 3;
                        continue;
                    }
                }
                const Box b = triangle_box(v, t);
                const Box clipped{std::max(b.x0, clip.x0), std::max(b.y0, clip.y0),
                                  std::min(b.x1, clip.x1), std::min(b.y1, clip.y1)};
                if (clipped.x1 > clipped.x0 && clipped.y1 > clipped.y0)
                    drawn.push_back(clipped);
            }
        }
    }
    return out;
}

} // namespace injmap::gui
