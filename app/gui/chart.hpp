#pragma once
// The session chart: one PNG written next to the record when a session is finished. Four standard
// views (front, back, the subject's left and right) with every site numbered and coloured by what
// happened to it, then the table of sites (number, site, muscle, side, units, status, time, reason)
// and the totals. Rendered offscreen with the window's renderer; text drawn with stb_truetype and
// DejaVu Sans, so the image needs nothing but the program.
#include <filesystem>
#include <string>

namespace injmap {
class Session;
}

namespace injmap::gui {

class App;

// false with `error` when the image cannot be rendered or written.
bool write_session_chart(App& app, const Session& session, const std::filesystem::path& path,
                         std::string& error);

} // namespace injmap::gui
