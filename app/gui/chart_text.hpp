#pragma once
// The text the session chart prints about the pre-treatment checklist: the answers (a reason for
// each yes) and the boxed warning. Plain strings, no GL and no ImGui, so it is tested on its own
// (tests/unit/chart_text_test.cpp); chart.cpp lays the lines out and wraps them.
#include <string>
#include <vector>

namespace injmap {
class Session;
struct Checklist;
} // namespace injmap

namespace injmap::gui {

struct ChartLine {
    enum class Style { heading, text, yes, muted, warning_title, warning_text };
    Style style = Style::text;
    std::string text;
};

// `checklist`: the definition the questions' wording comes from (the session's, else this one;
// nullptr: ids stand in for the wording, and the boxed warning is said to be unavailable).
[[nodiscard]] std::vector<ChartLine> checklist_chart_lines(const Session& session,
                                                           const Checklist* checklist);

} // namespace injmap::gui
