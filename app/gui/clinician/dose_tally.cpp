// The dose tally: units per muscle and side (planned before the session, given during it) from the
// session's tallies, the total against the refused session cap, the follow-the-pain budget, the
// warning limits passed, and the reconstitution logistics.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

// Per muscle and side, from the session's tallies (before it starts, those of the protocol as a
// session not started yet: the plan).
void ClinicianMode::dose_tally(App& app) {
    const Protocol& protocol = *app.protocol().protocol;
    section_heading(app, started() ? "Dose tally" : "Planned dose");
    if (!started() && (!plan_ || plan_->protocol_ptr() != app.protocol().protocol))
        plan_.emplace(app.protocol().protocol);
    const SessionTallies t = started() ? session().tallies() : plan_->tallies();
    const bool planned_only = !started();
    // The number columns are as wide as their widest figure ("17.5 / 17.5" whole); the muscle
    // names take the rest and wrap.
    const Side sides[] = {Side::left, Side::right, Side::midline};
    const auto total_cell = [&](const MuscleSideTally& row) {
        std::string cell = format_units(planned_only ? row.planned_units : row.given_units);
        if (started())
            cell += " / " + format_units(row.planned_units);
        return cell;
    };
    const char* last_header = started() ? "Given" : "Total";
    float side_w = ImGui::CalcTextSize("Mid").x, total_w = ImGui::CalcTextSize(last_header).x;
    for (const MuscleSideTally& row : t.per_muscle_side) {
        for (const Side side : sides)
            side_w = std::max(
                side_w, ImGui::CalcTextSize(format_units(row.units(side, planned_only)).c_str()).x);
        total_w = std::max(total_w, ImGui::CalcTextSize(total_cell(row).c_str()).x);
    }
    if (ImGui::BeginTable("##tally", 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                              ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Muscle", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("L", ImGuiTableColumnFlags_WidthFixed, side_w);
        ImGui::TableSetupColumn("R", ImGuiTableColumnFlags_WidthFixed, side_w);
        ImGui::TableSetupColumn("Mid", ImGuiTableColumnFlags_WidthFixed, side_w);
        ImGui::TableSetupColumn(last_header, ImGuiTableColumnFlags_WidthFixed, total_w);
        ImGui::TableHeadersRow();
        for (const MuscleSideTally& row : t.per_muscle_side) {
            const double total = planned_only ? row.planned_units : row.given_units;
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextWrapped("%s", display_name(row.muscle).c_str());
            for (int c = 0; c < 3; ++c) {
                ImGui::TableSetColumnIndex(c + 1);
                const double v = row.units(sides[c], planned_only);
                if (v > 0)
                    ImGui::TextUnformatted(format_units(v).c_str());
                else
                    ImGui::TextColored(colour::muted, "·");
            }
            ImGui::TableSetColumnIndex(4);
            const std::string cell = total_cell(row);
            const bool over = row.limit && total > *row.limit + 1e-9;
            // Given past the plan (a dose above a site's plan, optional or added sites): a warning.
            const bool over_plan = started() && row.given_units > row.planned_units + 1e-9;
            ImGui::TextColored(over        ? colour::error
                               : over_plan ? colour::warning
                                           : colour::text,
                               "%s", cell.c_str());
            if (ImGui::IsItemHovered() && (row.limit || over_plan))
                ImGui::SetTooltip(
                    "%s%s%s",
                    over_plan ? ("Given " + format_units(row.given_units) + " U, above the " +
                                 format_units(row.planned_units) + " U planned")
                                    .c_str()
                              : "",
                    over_plan && row.limit ? "\n" : "",
                    row.limit
                        ? ("Advised maximum for this muscle: " + format_units(*row.limit) + " U")
                              .c_str()
                        : "");
        }
        ImGui::EndTable();
    }
    // Totals against the tightest refused session total (the clinical-limits table's and the
    // file's, dose_limits.hpp): the same the session refuses past.
    const double planned = t.planned_units;
    const double given = t.total.units;
    const std::optional<double> cap = t.total.limit;
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    if (started())
        ImGui::TextColored(given > planned + 1e-9 ? colour::warning : colour::text,
                           "Total  %s U given  of  %s planned", format_units(given).c_str(),
                           format_units(planned).c_str());
    else
        ImGui::Text("Total  %s U  in %zu sites", format_units(planned).c_str(),
                    protocol.sites().size());
    ImGui::PopFont();
    if (cap) {
        const float fraction =
            static_cast<float>(std::min(1.0, (started() ? given : planned) / *cap));
        const bool over = started() ? t.total.over() : planned > *cap + 1e-9;
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, over ? ImVec4{0.95f, 0.70f, 0.70f, 1.0f}
                                                           : ImVec4{0.62f, 0.82f, 0.85f, 1.0f});
        char overlay[64];
        std::snprintf(overlay, sizeof overlay, "limit %s U", format_units(*cap).c_str());
        ImGui::ProgressBar(fraction, ImVec2(-1, 0), overlay);
        ImGui::PopStyleColor();
    }
    if (started() && (t.extra.units > 0 || protocol.limits.follow_the_pain)) {
        std::string extra = "Follow-the-pain  " + format_units(t.extra.units) + " U, " +
                            std::to_string(t.extra.sites) + " sites";
        if (t.extra.limit)
            extra += "  (max " + format_units(*t.extra.limit) + " U";
        if (t.extra_sites_limit)
            extra += ", " + std::to_string(*t.extra_sites_limit) + " sites)";
        else if (t.extra.limit)
            extra += ")";
        ImGui::TextColored(t.extra.over()        ? colour::error
                           : t.extra.units > 0.0 ? colour::warning
                                                 : colour::optional,
                           "%s", extra.c_str());
    }
    // Warning limits the given doses are past: shown as `check` shows them, never refused.
    for (const std::string& w : started() ? session().warnings() : std::vector<std::string>{}) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(colour::warning, "%s", w.c_str());
        ImGui::PopTextWrapPos();
    }
    // Logistics: concentration, 0.1 mL injections, vials and waste.
    const Reconstitution& rc = protocol.reconstitution;
    const double per = rc.units_per_0_1_ml();
    const DoseLogistics logistics = dose_logistics(rc, started() ? t.projected_units : planned);
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "%s U per 0.1 mL  ·  %s U vial + %s mL saline",
                       format_units(per).c_str(), format_units(rc.vial_units).c_str(),
                       format_units(rc.diluent_ml).c_str());
    ImGui::TextColored(colour::muted, "%.0f × 0.1 mL%s  ·  %d vial%s  ·  %s U waste",
                       started() ? t.given.injections_of_0_1_ml : logistics.injections_of_0_1_ml,
                       started() ? " given" : "", logistics.vials_needed,
                       logistics.vials_needed == 1 ? "" : "s",
                       format_units(logistics.waste_units).c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Vials and waste for the planned dose (given so far plus the sites still to do).");
    ImGui::PopFont();
}

} // namespace injmap::gui::clinician
