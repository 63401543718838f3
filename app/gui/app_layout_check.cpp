// App: `--check-layout` — each frame's windows described for layout_check.hpp (draw order, root,
// scrolling, opaque), the text runs it finds cut collected, and printed at exit.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>

#include "gui/app.hpp"
#include "gui/layout_check.hpp"

namespace injmap::gui {

void App::check_layout() {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    static const GlyphTable glyphs = glyph_table(*ImGui::GetIO().Fonts);
    std::vector<LayoutWindow> windows;
    std::vector<const ImGuiWindow*> order;
    for (const ImGuiWindow* w : g.Windows)
        if (w->Active && !w->Hidden)
            order.push_back(w);
    for (const ImGuiWindow* w : order) {
        LayoutWindow lw;
        lw.name = w->Name;
        if (const auto hash = lw.name.find("##"); hash != std::string::npos && hash > 0)
            lw.name = lw.name.substr(0, hash); // "Title##id" → "Title"
        lw.list = w->DrawList;
        lw.rect = {w->Pos.x, w->Pos.y, w->Pos.x + w->Size.x, w->Pos.y + w->Size.y};
        const auto root = std::find(order.begin(), order.end(), w->RootWindow);
        lw.root = int(root == order.end() ? windows.size() : std::size_t(root - order.begin()));
        lw.scrolls_y = w->ScrollMax.y > 0.0f;
        lw.padded = w->WindowPadding.x >= 4.0f;
        const ImGuiWindowFlags transient =
            ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip;
        // Panels (no title bar) hide what they overlap; a dialog with a title bar is meant to.
        lw.occludes = !(w->Flags & transient) && !(w->Flags & ImGuiWindowFlags_NoBackground) &&
                      (w->Flags & ImGuiWindowFlags_NoTitleBar);
        windows.push_back(std::move(lw));
    }
    // A run counts when two frames in a row cut it: an auto-sized window takes one frame to fit
    // new text.
    std::vector<std::string> now;
    for (const ClippedText& c : find_clipped_text(windows, glyphs, ImGui::GetIO().DisplaySize)) {
        char where[96];
        std::snprintf(where, sizeof where, " at %.0f,%.0f-%.0f,%.0f", c.rect.x, c.rect.y, c.rect.z,
                      c.rect.w);
        std::string line = c.window + ": \"" + c.text + "\" " + c.why;
        now.push_back(line);
        const bool before = std::find(layout_last_frame_.begin(), layout_last_frame_.end(), line) !=
                            layout_last_frame_.end();
        if (before && std::find(layout_problems_.begin(), layout_problems_.end(), line) ==
                          layout_problems_.end()) {
            layout_problems_.push_back(line);
            std::fprintf(stderr, "layout: frame %ld: %s%s\n", frame_index_, line.c_str(), where);
        }
    }
    layout_last_frame_ = std::move(now);
}

int App::report_layout() const {
    std::fprintf(stderr, "layout: %zu cut text run(s)\n", layout_problems_.size());
    return layout_problems_.empty() ? 0 : 3;
}

} // namespace injmap::gui
