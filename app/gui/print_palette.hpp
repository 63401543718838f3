#pragma once
// The colours of injmap's printed pages: the treatment chart (gui/chart.cpp) and the patient
// handout (gui/handout.cpp) use these names and nothing else, so the two sheets a patient or a
// clinic keeps look like one family. Chosen for paper and for a screen: dark ink a little softer
// than black, one calm teal accent, one red kept for warnings, pale tints for boxes and rules.
#include "injmap/render/page_canvas.hpp"

namespace injmap::gui::print {

using render::Rgba8;

inline constexpr Rgba8 kInk{33, 41, 51};            // body text
inline constexpr Rgba8 kMuted{98, 108, 121};        // captions, secondary text
inline constexpr Rgba8 kAccent{23, 115, 135};       // headings, highlights (teal)
inline constexpr Rgba8 kAccentSoft{214, 235, 239};  // tinted areas, box outlines
inline constexpr Rgba8 kAccentFaint{240, 247, 249}; // the palest tint, box fills
inline constexpr Rgba8 kRule{214, 219, 227};        // rules between sections
inline constexpr Rgba8 kGrid{232, 236, 240};        // faint grid lines
inline constexpr Rgba8 kStripe{244, 246, 248};      // alternate table rows
inline constexpr Rgba8 kUrgent{168, 38, 38};        // warnings, a limit exceeded
inline constexpr Rgba8 kUrgentSoft{251, 236, 235};  // the box behind a warning
inline constexpr Rgba8 kDone{51, 133, 77};          // chart: a site injected
inline constexpr Rgba8 kSkipped{158, 115, 31};      // chart: a site skipped
inline constexpr Rgba8 kPaper{255, 255, 255};       // the page

} // namespace injmap::gui::print
