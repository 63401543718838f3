// The clinician mode's left column: the protocol's steps and sites with their states, and the
// follow-the-pain sites added during the session. A click on a site moves the cursor to it.
#include <imgui.h>

#include <cstdio>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {
namespace {

const char* status_symbol(SiteStatus s) {
    switch (s) {
    case SiteStatus::injected:
        return "✓";
    case SiteStatus::skipped:
        return "—";
    case SiteStatus::not_given:
        return "×";
    case SiteStatus::current:
        return "▶";
    case SiteStatus::pending:
        return "";
    }
    return "";
}

ImVec4 status_colour(SiteStatus s) {
    switch (s) {
    case SiteStatus::injected:
        return colour::done;
    case SiteStatus::skipped:
    case SiteStatus::not_given:
        return colour::skipped;
    case SiteStatus::current:
        return colour::current;
    case SiteStatus::pending:
        return colour::text;
    }
    return colour::text;
}

} // namespace

void ClinicianMode::left_panel(App& app) {
    if (!app.protocol().usable())
        return;
    section_heading(app, "Steps");
    ImGui::BeginChild("##steps", ImVec2(0, 0), false);
    const Protocol& protocol = *app.protocol().protocol;
    const auto sites = protocol.sites();
    const std::optional<std::size_t> cursor = cursor_index();
    std::size_t index = 0;
    for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
        const Step& step = protocol.steps[s];
        int done = 0;
        for (std::size_t k = 0; k < step.sites.size(); ++k)
            if (started() && session().sites()[index + k].status == SiteStatus::injected)
                ++done;
        ImGui::PushFont(app.fonts().bold);
        const bool is_current_step = cursor && site_step_[*cursor] == static_cast<int>(s);
        // A long title wraps, and its count goes under it when it does not fit beside.
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(is_current_step ? colour::accent : colour::text, "%zu  %s", s + 1,
                           step.title.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        char count[32];
        std::snprintf(count, sizeof count, "%d/%zu", done, step.sites.size());
        same_line_if_fits(ImGui::CalcTextSize(count).x);
        ImGui::TextColored(colour::muted, "%s", count);
        for (const Site& site : step.sites) {
            const std::size_t i = index++;
            const SiteStatus st = started()
                                      ? session().status(i)
                                      : (i == preview_ ? SiteStatus::current : SiteStatus::pending);
            ImGui::PushID(static_cast<int>(i));
            char row[160];
            std::snprintf(row, sizeof row, "%2zu   %-4s %s U%s", i + 1, side_short(site.side),
                          format_units(started() && st == SiteStatus::injected
                                           ? session().sites()[i].units_given
                                           : site.units)
                              .c_str(),
                          site.optional ? "  (optional)" : "");
            ImGui::Indent(px(12));
            ImGui::PushStyleColor(ImGuiCol_Text, status_colour(st));
            if (ImGui::Selectable(row, cursor && *cursor == i)) {
                if (started())
                    report(app, recorder_->go_to(site.id)), after_navigation(app);
                else
                    preview_ = i, frame_current_step(app, false);
            }
            ImGui::PopStyleColor();
            if (cursor && *cursor == i && scroll_to_current_) {
                ImGui::SetScrollHereY(0.4f);
                scroll_to_current_ = false;
            }
            const char* sym = status_symbol(st);
            if (*sym) {
                ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - px(20));
                ImGui::TextColored(status_colour(st), "%s", sym);
            }
            ImGui::Unindent(px(12));
            ImGui::PopID();
        }
        ImGui::Spacing();
    }
    if (started()) {
        const auto& all = session().sites();
        if (all.size() > session().protocol_site_count()) {
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextColored(colour::optional, "Follow-the-pain sites");
            ImGui::PopFont();
            for (std::size_t i = session().protocol_site_count(); i < all.size(); ++i)
                ImGui::TextColored(
                    colour::done, "    %2zu   %-4s %s U  %s  ✓", i + 1, side_short(all[i].side),
                    format_units(all[i].units_given).c_str(), display_name(all[i].muscle).c_str());
        }
    }
    ImGui::EndChild();
}

} // namespace injmap::gui::clinician
