// The patient (docs/history.md): the field and the list of known patients on the start card, the
// last treatment in plain words, the cross-visit rules at start (check_history, as `injmap session
// play --patient` runs them; history.cumulative blocks starting unless a reason is typed), filing
// the finished session (file_finished_session, the same code path as the CLI's), the last
// visit's sites as faint ghosts over this one's, and units by muscle and side, this visit vs last.
// The database is opened the first time a patient is wanted, never at start-up; its errors are
// shown in the card, and the session's record (the journal) works without it.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/hover_text.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {
namespace {

constexpr const char* kSexes[] = {"Not given", "Female", "Male", "Other"};

std::string first_error(const Diagnostics& diagnostics) {
    for (const Diagnostic& d : diagnostics)
        if (d.severity == Severity::error)
            return d.message + " [" + d.rule + "]";
    return diagnostics.empty() ? "" : diagnostics.front().message;
}

} // namespace

bool ClinicianMode::open_store(App& app) {
    if (store_)
        return true;
    if (store_tried_)
        return false;
    store_tried_ = true;
    auto opened =
        open_history_store(default_history_location(), HistoryOpenOptions::from_environment());
    if (!opened.ok() || !opened.value) {
        store_error_ =
            "The treatment history cannot be opened: " + first_error(opened.diagnostics) +
            ". Sessions are still recorded.";
        app.notify(store_error_, Severity::warning);
        if (app.scripted()) {
            std::printf("history: %s\n", store_error_.c_str());
            std::fflush(stdout);
        }
        return false;
    }
    store_ = std::move(*opened.value);
    if (auto ids = store_->list_patient_ids(); ids.ok())
        known_patients_ = std::move(*ids.value);
    return true;
}

void ClinicianMode::clear_patient() {
    patient_id_.clear();
    patient_[0] = '\0';
    new_patient_ = false;
    sex_ = 0;
    birth_year_ = 0;
    treatments_.clear();
    visit_ = {};
    cross_.clear();
    override_reason_[0] = '\0';
    overridden_.clear();
    last_full_.reset();
    ghosts_.clear();
}

void ClinicianMode::load_patient(App& app) {
    const std::string id = patient_;
    const std::string keep_reason = override_reason_;
    clear_patient();
    std::snprintf(patient_, sizeof patient_, "%s", id.c_str());
    if (id.empty())
        return;
    if (!open_store(app)) {
        // No history to show; the session is still recorded, and finishing says how to file it.
        patient_id_ = id;
        return;
    }
    auto found = store_->find_patient(id);
    if (!found.ok()) {
        const bool unknown =
            std::any_of(found.diagnostics.begin(), found.diagnostics.end(),
                        [](const Diagnostic& d) { return d.rule == "history.unknown-patient"; });
        if (!unknown) {
            store_error_ = "The patient cannot be read: " + first_error(found.diagnostics);
            return;
        }
        new_patient_ = true;
    } else {
        const PatientRow& p = *found.value;
        sex_ = p.sex == "female" ? 1 : p.sex == "male" ? 2 : p.sex.empty() ? 0 : 3;
        birth_year_ = p.birth_year.value_or(0);
    }
    auto listed = store_->list_treatments(id);
    if (!listed.ok()) {
        store_error_ =
            "The patient's treatments cannot be read: " + first_error(listed.diagnostics);
        return;
    }
    store_error_.clear();
    patient_id_ = id;
    treatments_ = std::move(*listed.value);
    std::snprintf(override_reason_, sizeof override_reason_, "%s", keep_reason.c_str());
    refresh_visit(app);
}

void ClinicianMode::refresh_visit(App& app) {
    visit_ = {};
    cross_.clear();
    ghosts_.clear();
    if (patient_id_.empty() || !app.protocol().usable())
        return;
    const Protocol& protocol = *app.protocol().protocol;
    const auto now = std::chrono::system_clock::now();
    visit_ = visit_context(treatments_, now, protocol.indication);
    cross_ = check_history(treatments_, protocol, now, planned_units(protocol), "history");
    if (visit_.last && store_ && (!last_full_ || last_full_->id != visit_.last->id)) {
        auto full = store_->find_treatment(visit_.last->id);
        if (full.ok())
            last_full_ = std::move(*full.value);
    }
    if (last_full_) {
        ghosts_ = ghost_markers(*last_full_, protocol, app.protocol().placed, 0);
        // Each ghost's skin normal where it lies on the model shown (a moved site's is not the
        // plan's).
        if (app.queries())
            for (GhostMarker& g : ghosts_)
                if (auto hit = app.queries()->skin().closest_point(g.marker.position)) {
                    g.marker.normal = hit->normal;
                    g.marker.needle_direction = -hit->normal;
                }
    }
    if (app.scripted()) {
        // Scripted runs (tests) see what the box shows.
        std::printf("patient %s: %s\n", patient_id_.c_str(),
                    visit_.last ? "last treatment" : "no earlier treatment");
        for (const std::string& line : last_treatment_lines(visit_))
            std::printf("  %s\n", line.c_str());
        for (const Diagnostic& d : cross_)
            std::printf("  %s: %s [%s]\n", d.severity == Severity::error ? "error" : "warning",
                        d.message.c_str(), d.rule.c_str());
        std::printf("  ghost markers: %zu\n", ghosts_.size());
        std::fflush(stdout);
    }
}

bool ClinicianMode::patient_blocks_start() const {
    return has_errors(cross_) && override_reason_[0] == '\0';
}

void ClinicianMode::patient_card(App& app) {
    if (load_patient_pending_) {
        load_patient_pending_ = false;
        load_patient(app);
    }
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "PATIENT");
    ImGui::PopFont();
    const float list_w = ImGui::CalcTextSize("Known ▾").x + ImGui::GetStyle().FramePadding.x * 4;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - list_w -
                            ImGui::GetStyle().ItemSpacing.x);
    const bool entered =
        ImGui::InputTextWithHint("##patient", "Patient id (optional)", patient_, sizeof patient_,
                                 ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemActivated())
        (void)open_store(app); // the first time the field is used
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The clinic's local id or a pseudonym: no name is needed. A new id is "
                          "added to the treatment history when the session is finished.");
    if (entered || ImGui::IsItemDeactivatedAfterEdit())
        load_patient(app);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##known", "Known", ImGuiComboFlags_HeightLarge)) {
        (void)open_store(app);
        if (known_patients_.empty())
            ImGui::TextDisabled(store_ ? "No patients yet" : "No history");
        for (const std::string& id : known_patients_)
            if (ImGui::Selectable(id.c_str(), id == patient_id_)) {
                std::snprintf(patient_, sizeof patient_, "%s", id.c_str());
                load_patient(app);
            }
        ImGui::EndCombo();
    }
    if (!store_error_.empty()) {
        text_wrapped_coloured(colour::warning, store_error_.c_str());
        return;
    }
    if (patient_id_.empty())
        return;
    if (new_patient_) {
        text_muted("New patient: added to the history when this session is finished.");
        ImGui::SetNextItemWidth(px(120));
        ImGui::Combo("Sex", &sex_, kSexes, IM_ARRAYSIZE(kSexes));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(110));
        ImGui::InputInt("Birth year", &birth_year_, 0, 0);
        birth_year_ = std::clamp(birth_year_, 0, 2200);
    }
    // The last treatment, in plain words.
    const auto lines = last_treatment_lines(visit_);
    if (lines.empty()) {
        if (!new_patient_)
            text_muted("No earlier treatment in the history.");
    } else {
        // The box's height is measured each frame and used the next (as the resume offer's).
        ImGui::PushStyleColor(ImGuiCol_ChildBg, colour::card);
        ImGui::BeginChild("##last", ImVec2(0, last_box_height_ > 0.0f ? last_box_height_ : px(120)),
                          true, ImGuiWindowFlags_NoScrollbar);
        ImGui::PushFont(app.fonts().bold);
        ImGui::TextUnformatted("Last treatment");
        ImGui::PopFont();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (i == 1)
                ImGui::PushStyleColor(ImGuiCol_Text, colour::muted);
            ImGui::TextWrapped("%s", lines[i].c_str());
            if (i == 1)
                ImGui::PopStyleColor();
        }
        last_visit_toggle();
        last_box_height_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y -
                           ImGui::GetStyle().ItemSpacing.y;
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }
    // The first-course advice: only without an earlier treatment of this indication (the
    // session is told so at start, set_first_treatment).
    if (app.protocol().usable() && !visit_.earlier_same_indication)
        if (const auto first = app.protocol().protocol->limits.first_session_max_units)
            text_muted(("No earlier treatment for this indication: the first-course advice (at "
                        "most " +
                        format_units(*first) + " U) applies.")
                           .c_str());
    // The cross-visit rules, as `session play --patient` runs them.
    for (const Diagnostic& d : cross_) {
        if (d.severity == Severity::error)
            text_wrapped_coloured(colour::error, d.message.c_str());
        else
            text_wrapped_coloured(colour::warning, d.message.c_str());
    }
    if (has_errors(cross_)) {
        ImGui::SetNextItemWidth(-1);
        ImGui::InputTextWithHint("##override", "Reason to go ahead", override_reason_,
                                 sizeof override_reason_);
        if (override_reason_[0] == '\0')
            text_muted("Starting needs a reason; it is filed with the treatment.");
    }
}

void ClinicianMode::last_visit_toggle() {
    if (!ghosts_.empty())
        ImGui::Checkbox("Show last visit's sites", &show_last_visit_);
}

void ClinicianMode::file_in_history(App& app) {
    filed_.clear();
    filed_ok_ = false;
    if (patient_id_.empty())
        return;
    if (!open_store(app)) {
        filed_ = "Not filed in the history: the database cannot be used. The record is kept: "
                 "file it later with injmap db import --patient " +
                 patient_id_ + ".";
        app.notify(filed_, Severity::error);
        if (app.scripted()) {
            std::printf("session: not filed: %s\n", filed_.c_str());
            std::fflush(stdout);
        }
        return;
    }
    if (new_patient_) {
        PatientRow p;
        p.id = patient_id_;
        p.sex = sex_ == 1 ? "female" : sex_ == 2 ? "male" : sex_ == 3 ? "other" : "";
        if (birth_year_ > 0)
            p.birth_year = birth_year_;
        p.model = app.model() ? app.model()->id : "";
        (void)store_->ensure_patient(p); // a failure shows when filing
    }
    auto filed = file_finished_session(*store_, session(), recorder_->path(), app.protocol().path,
                                       patient_id_, overridden_);
    if (filed.ok()) {
        filed_ok_ = true;
        filed_ = "Filed in the treatment history for patient " + patient_id_ + " (treatment " +
                 std::to_string(*filed.value) + ").";
        if (auto ids = store_->list_patient_ids(); ids.ok())
            known_patients_ = std::move(*ids.value);
    } else {
        filed_ = "Not filed in the history: " + first_error(filed.diagnostics) +
                 ". The record is kept: file it later with injmap db import --patient " +
                 patient_id_ + ".";
    }
    app.notify(filed_, filed_ok_ ? Severity::note : Severity::error);
    if (app.scripted()) {
        if (filed_ok_)
            std::printf("session: filed treatment %lld for patient %s\n",
                        static_cast<long long>(*filed.value), patient_id_.c_str());
        else
            std::printf("session: not filed: %s\n", filed_.c_str());
        std::fflush(stdout);
    }
}

void ClinicianMode::comparison_table(App& app) {
    if (!last_full_ || !recorder_)
        return;
    const auto rows = compare_by_muscle(session(), *last_full_);
    if (rows.empty())
        return;
    ImGui::PushFont(app.fonts().small);
    ImGui::TextColored(colour::muted, "THIS VISIT VS LAST (%s)",
                       plain_date(last_full_->started).c_str());
    ImGui::PopFont();
    if (ImGui::BeginTable("##vs-last", 4,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                              ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Muscle", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("Side", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Now", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Last", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (const MuscleComparison& r : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(display_name(r.muscle).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.side == "left" ? "L" : r.side == "right" ? "R" : "mid");
            ImGui::TableNextColumn();
            const bool differs = std::abs(r.now - r.last) > 1e-9;
            ImGui::TextColored(differs ? colour::accent : colour::text, "%s U",
                               format_units(r.now).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(colour::muted, "%s U", format_units(r.last).c_str());
        }
        ImGui::EndTable();
    }
}

void ClinicianMode::append_ghosts(render::FrameSnapshot& frame) const {
    if (!show_last_visit_ || ghosts_.empty() || patient_id_.empty())
        return;
    int number = static_cast<int>(frame.markers.size());
    for (const GhostMarker& g : ghosts_) {
        render::Marker m = g.marker;
        m.number = ++number; // after this visit's markers: never taken for one of them
        frame.markers.push_back(std::move(m));
    }
}

std::string ClinicianMode::marker_hover(const std::string& id) const {
    for (const GhostMarker& g : ghosts_)
        if (g.marker.id == id)
            return g.hover;
    return {};
}

} // namespace injmap::gui::clinician
