#include "gui/chart_text.hpp"

#include <ctime>

#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/session.hpp"

namespace injmap::gui {
namespace {

std::string local_time(SessionTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string join(const std::vector<std::string>& words, const char* separator) {
    std::string out;
    for (const std::string& w : words)
        out += (out.empty() ? "" : separator) + w;
    return out;
}

} // namespace

std::vector<ChartLine> checklist_chart_lines(const Session& session, const Checklist* checklist) {
    using Style = ChartLine::Style;
    if (session.checklist())
        checklist = session.checklist().get();
    std::vector<ChartLine> lines;
    const auto& answers = session.checklist_answers();
    if (!answers) {
        lines.push_back({Style::heading, "Pre-treatment checklist: not answered"});
        if (!session.checklist_required())
            lines.push_back({Style::muted, "Not required: the session was recorded in format " +
                                               std::to_string(session.start_info().format) +
                                               ", before the checklist existed."});
    } else {
        std::string heading = "Pre-treatment checklist";
        if (session.checklist_time())
            heading += "  ·  answered " + local_time(*session.checklist_time());
        if (answers->version > 0)
            heading += "  ·  version " + std::to_string(answers->version);
        heading += "  ·  " + std::to_string(answers->yes_count()) + " yes of " +
                   std::to_string(answers->answers.size());
        lines.push_back({Style::heading, heading});
        for (const ChecklistAnswer& a : answers->answers) {
            const ChecklistQuestion* q = checklist ? checklist->find(a.id) : nullptr;
            const std::string question = q ? q->text : a.id;
            if (a.yes)
                lines.push_back(
                    {Style::yes, "YES  " + question +
                                     (q ? std::string("  (") + to_string(q->kind) + ")" : "") +
                                     "  —  reason to go on: " + a.reason});
            else
                lines.push_back({Style::text, "No   " + question +
                                                  (a.reason.empty() ? "" : "  —  " + a.reason)});
        }
        lines.push_back({answers->warning_acknowledged ? Style::text : Style::yes,
                         answers->warning_acknowledged
                             ? "The boxed warning below was shown and acknowledged."
                             : "The boxed warning was NOT acknowledged."});
    }
    if (checklist) {
        const BoxedWarning& w = checklist->boxed_warning;
        lines.push_back({Style::warning_title, w.title});
        lines.push_back({Style::warning_text, w.text});
        lines.push_back({Style::muted,
                         "Source: " + join(w.sources, ", ") + " (" + to_string(w.certainty) + ")"});
    } else {
        lines.push_back({Style::warning_title, "Boxed warning: the checklist file was not "
                                               "available to print it"});
    }
    return lines;
}

} // namespace injmap::gui
