#pragma once
// The one-page patient handout (A4 portrait proportions): the treated areas softly highlighted on
// front and back views of the model, where the injections go (the steps' patient texts), the
// timeline, and the protocol's [patient] texts as short cards, with room for the next appointment.
// Laid out on a render::PageCanvas; the model images come from a caller-supplied renderer, so the
// same page is made headless (`injmap handout`, EGL) and from the window (patient mode).
//
// Type size adapts: the body text is the largest size (22 px down to 15 px at 1240 px wide) at
// which everything fits on the page; a page that would need smaller type is drawn at the smallest
// and cut with "…", never spilling off the page.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/render/frame.hpp"
#include "injmap/render/page_canvas.hpp"

namespace injmap::gui {

inline constexpr int kHandoutWidth = 1240; // A4 at 150 dpi
inline constexpr int kHandoutHeight = 1754;

// Renders a snapshot to RGBA (top-left origin, width·height·4 bytes); empty on failure.
using RenderRgba = std::function<std::vector<std::uint8_t>(const render::FrameSnapshot&)>;

struct HandoutInput {
    const Model* model = nullptr;
    const ModelQueries* queries = nullptr; // for marker-free frames only the skin index is used
    const Protocol* protocol = nullptr;
    int skin_tone = 2;
};

struct HandoutLayoutInfo {
    float body_px = 0.0f; // the body text size chosen
    bool cut = false;     // text had to be shortened to fit
};

// Draws the page; false with `error` when a model image cannot be rendered or the fonts are
// missing.
bool compose_handout(const HandoutInput& input, const RenderRgba& render_rgba,
                     render::PageCanvas& page, std::string& error,
                     HandoutLayoutInfo* info = nullptr);

} // namespace injmap::gui
