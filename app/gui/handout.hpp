#pragma once
// The patient handout, one or two A4 portrait pages: the treated areas softly highlighted on
// front and back views of the model, where the injections go (the steps' patient texts), the
// timeline, and the protocol's [patient] texts as short cards, with room for the next appointment.
// Laid out on render::PageCanvas pages (a list of shapes, images and text runs) that one cairo
// player draws (gui/page_output.hpp): into pixels for the PNG, as vector shapes and real text for
// the PDF, so both have the same layout. The model images come from a caller-supplied renderer, so
// the same pages are made headless (`injmap handout`, EGL) and from the window (patient mode).
//
// Type size adapts: one page when everything fits with body text of 22 px down to 19 px (at 1240 px
// wide, about 10.5 to 9 pt printed); else two pages at the largest size (22 px down to 15 px) at
// which everything fits; texts that would need smaller type are drawn at the smallest and cut with
// "…", never spilling off the page.
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
    // A line under the title, e.g. the posture of a cervical dystonia plan in plain words ("Your
    // head turns to the right, at the top of the neck."); "" for none.
    std::string subtitle;
};

struct HandoutLayoutInfo {
    float body_px = 0.0f;                     // the body text size chosen
    bool cut = false;                         // text had to be shortened to fit
    int pages = 1;                            // 1, or 2 when the texts need a second page
    std::string title;                        // the plain title shown
    std::vector<std::string> treated_muscles; // the softly highlighted muscle keys
    std::vector<std::string> areas;           // the "Where the injections go" texts
};

// Draws the handout: page 1 always (`pages` gets one A4 page if empty; its first page is drawn
// on), and a page 2 when the texts do not fit on one page at a comfortable size. False with
// `error` when a model image cannot be rendered or the fonts are missing.
bool compose_handout(const HandoutInput& input, const RenderRgba& render_rgba,
                     std::vector<render::PageCanvas>& pages, std::string& error,
                     HandoutLayoutInfo* info = nullptr);

} // namespace injmap::gui
