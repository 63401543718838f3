// The current step and site card: the step's instruction, the site's muscle and side, units and
// volume, depth and angle, the needle path on this model, needle, guidance, sources and certainty,
// and the step's cautions.
#include <imgui.h>

#include <cstdio>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"
#include "injmap/protocols/needle_path.hpp"

namespace injmap::gui::clinician {
namespace {

std::string guidance_text(Guidance g) {
    switch (g) {
    case Guidance::none:
        return "";
    case Guidance::emg:
        return "EMG guidance recommended";
    case Guidance::ultrasound:
        return "Ultrasound guidance recommended";
    case Guidance::emg_or_ultrasound:
        return "EMG or ultrasound guidance recommended";
    }
    return "";
}

} // namespace

void ClinicianMode::step_card(App& app, float height) {
    const Protocol& protocol = *app.protocol().protocol;
    const auto sites = protocol.sites();
    const auto cursor = cursor_index();
    if (!cursor || *cursor >= sites.size()) {
        section_heading(app, "All sites done");
        text_muted("Every site has been injected or skipped. Finish the session to write the "
                   "summary and chart, "
                   "or add follow-the-pain sites by clicking the skin.");
        if (primary_button("Finish session…   F", -1))
            open_finish_ = true;
        return;
    }
    const std::size_t i = *cursor;
    const Site& site = *sites[i];
    const int step_index = site_step_[i];
    const Step& step = protocol.steps[static_cast<std::size_t>(step_index)];

    ImGui::PushStyleColor(ImGuiCol_ChildBg, colour::card);
    ImGui::BeginChild("##card", ImVec2(0, height), true);
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "STEP %d OF %zu  ·  SITE %zu OF %zu", step_index + 1,
                       protocol.steps.size(), i + 1, sites.size());
    ImGui::PopFont();
    ImGui::PushFont(app.fonts().heading);
    ImGui::TextWrapped("%s", step.title.c_str());
    ImGui::PopFont();
    ImGui::TextColored(colour::accent, "%s  ·  %s%s", display_name(site.muscle).c_str(),
                       side_long(site.side), site.optional ? "  ·  optional" : "");
    if (started()) {
        const SiteStatus st = session().status(i);
        const SessionSite& s = session().sites()[i];
        if (st == SiteStatus::injected) {
            // A dose above the plan is drawn as a warning, with the reason recorded for it.
            const bool over = session().over_plan(i, s.units_given);
            ImGui::TextColored(over ? colour::warning : colour::done, "✓ Injected %s U%s",
                               format_units(s.units_given).c_str(),
                               over ? (" (planned " + format_units(s.planned_units) + " U)").c_str()
                                    : "");
            if (!s.reason.empty()) {
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextColored(colour::muted, "Reason: %s", s.reason.c_str());
                ImGui::PopTextWrapPos();
            }
        } else if (st == SiteStatus::skipped) {
            ImGui::TextColored(colour::skipped, "Skipped: %s", s.reason.c_str());
            ImGui::TextColored(colour::muted, "It can still be injected: Enter or Inject anyway.");
        }
    }
    ImGui::Separator();

    if (!step.instruction.empty())
        ImGui::TextWrapped("%s", step.instruction.c_str());
    ImGui::Spacing();
    if (ImGui::BeginTable("##facts", 2, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
        auto row = [&](const char* key, const std::string& value, const ImVec4* c = nullptr) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextColored(colour::muted, "%s", key);
            ImGui::TableSetColumnIndex(1);
            if (c)
                ImGui::PushStyleColor(ImGuiCol_Text, *c);
            ImGui::TextWrapped("%s", value.c_str());
            if (c)
                ImGui::PopStyleColor();
        };
        const double per =
            protocol.stated_units_per_0_1_ml.value_or(protocol.reconstitution.units_per_0_1_ml());
        std::string units = format_units(site.units) + " U";
        if (per > 0) {
            char vol[48];
            std::snprintf(vol, sizeof vol, "  =  %.2g mL", site.units / per * 0.1);
            units += vol;
        }
        row("Units", units);
        std::string depth = site.depth_note;
        if (site.depth_mm)
            depth += (depth.empty() ? "" : "  ") + std::string("(about ") +
                     format_units(*site.depth_mm) + " mm)";
        if (!depth.empty())
            row("Depth, angle", depth);
        if (const std::string& path = needle_path_text(app, i); !path.empty())
            row("On this model",
                path + " (site depth " + format_units(needle_depth_mm(site)) + " mm)",
                &colour::muted);
        char needle[96];
        std::snprintf(needle, sizeof needle, "%d G, %s inch", protocol.needle.gauge,
                      format_units(protocol.needle.length_inch).c_str());
        row("Needle", needle);
        const std::string guidance = guidance_text(site.guidance);
        if (!guidance.empty())
            row("Guidance", guidance, &colour::warning);
        // Where the site comes from and how sure that is (protocol-format.md: source,
        // certainty), so a provisional position never looks like an established one.
        std::string sources;
        for (const std::string& key : site.sources)
            sources += (sources.empty() ? "" : ", ") + key;
        if (sources.empty())
            sources = "none named";
        const bool established = site.certainty == Certainty::established;
        row("Source", sources + " (" + to_string(site.certainty) + ")",
            established ? nullptr : &colour::muted);
        if (site.certainty == Certainty::provisional)
            row("Position", "Commonly taught; not verified against a source figure.",
                &colour::muted);
        else if (site.certainty == Certainty::expert_opinion)
            row("Position", "Expert opinion; no published source.", &colour::muted);
        ImGui::EndTable();
    }
    if (!step.cautions.empty()) {
        ImGui::Spacing();
        ImGui::PushFont(app.fonts().bold);
        ImGui::TextColored(colour::warning, "Cautions");
        ImGui::PopFont();
        for (const std::string& c : step.cautions) {
            ImGui::Bullet();
            ImGui::TextWrapped("%s", c.c_str());
        }
    }
    if (!protocol.needle.note.empty()) {
        ImGui::Spacing();
        ImGui::PushFont(app.fonts().small);
        text_muted(protocol.needle.note.c_str());
        ImGui::PopFont();
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

const std::string& ClinicianMode::needle_path_text(App& app, std::size_t i) {
    const auto& placed = app.protocol().placed.sites;
    if (!app.queries() || i >= placed.size() || !placed[i].placed) {
        path_site_ = static_cast<std::size_t>(-1);
        path_text_.clear();
        return path_text_;
    }
    if (path_site_ != i || path_position_ != placed[i].position) {
        path_site_ = i;
        path_position_ = placed[i].position;
        path_text_ = describe_needle_path(needle_path(*app.queries(), placed[i]));
    }
    return path_text_;
}

} // namespace injmap::gui::clinician
