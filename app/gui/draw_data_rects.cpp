#include "gui/draw_data_rects.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

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

namespace {

// 64-bit FNV-1a over 8-byte words (then the tail bytes): fast enough for the ~100 KB of a frame's
// draw data.
struct Hasher {
    std::uint64_t h = 0xcbf29ce484222325ull;
    void bytes(const void* data, std::size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        std::size_t i = 0;
        for (; i + 8 <= size; i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p + i, 8);
            h = (h ^ w) * 0x100000001b3ull;
            h ^= h >> 29;
        }
        for (; i < size; ++i)
            h = (h ^ p[i]) * 0x100000001b3ull;
    }
    template <typename T>
    void value(const T& v) {
        bytes(&v, sizeof v);
    }
};

} // namespace

std::uint64_t hash_draw_data(const ImDrawData& data) {
    Hasher h;
    h.value(data.DisplayPos);
    h.value(data.DisplaySize);
    h.value(data.FramebufferScale);
    h.value(data.CmdListsCount);
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList* list = data.CmdLists[l];
        h.bytes(list->VtxBuffer.Data, std::size_t(list->VtxBuffer.Size) * sizeof(ImDrawVert));
        h.bytes(list->IdxBuffer.Data, std::size_t(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
        h.value(list->CmdBuffer.Size);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            h.value(cmd.ClipRect);
            h.value(cmd.TextureId);
            h.value(cmd.VtxOffset);
            h.value(cmd.IdxOffset);
            h.value(cmd.ElemCount);
            if (cmd.UserCallback && cmd.UserCallback != ImDrawCallback_ResetRenderState) {
                static std::uint64_t counter = 0;
                h.value(++counter); // what a callback draws is unknown: never equal
            }
        }
    }
    return h.h;
}

void clip_draw_data(ImDrawData& data, const ImVec4& rect) {
    for (int l = 0; l < data.CmdListsCount; ++l)
        for (ImDrawCmd& cmd : data.CmdLists[l]->CmdBuffer) {
            ImVec4& c = cmd.ClipRect;
            c.x = std::max(c.x, rect.x);
            c.y = std::max(c.y, rect.y);
            c.z = std::min(c.z, rect.z);
            c.w = std::min(c.w, rect.w);
            if (c.z <= c.x || c.w <= c.y)
                c = ImVec4(rect.x, rect.y, rect.x, rect.y); // empty
        }
}

} // namespace injmap::gui
