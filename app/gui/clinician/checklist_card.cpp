// The pre-treatment checklist before the first injection: the boxed warning to acknowledge, each
// question answered no or yes (a yes shows its guidance and needs a reason), recorded in one
// checklist action; the session names what is missing.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstring>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"

namespace injmap::gui::clinician {

// Reads the shipped checklist once, gives it to the session, and clears the answers.
void ClinicianMode::prepare_checklist() {
    if (!checklist_ && checklist_error_.empty()) {
        Result<Checklist> read = read_shipped_checklist();
        if (read.ok())
            checklist_ = std::make_shared<const Checklist>(std::move(*read.value));
        else
            checklist_error_ = read.diagnostics.empty()
                                   ? std::string("unreadable")
                                   : format_diagnostic(read.diagnostics.front());
    }
    recorder_->set_checklist(checklist_);
    draft_ = ChecklistDraft{};
    if (checklist_) {
        draft_.answer.assign(checklist_->questions.size(), -1);
        draft_.reasons.assign(checklist_->questions.size(), {});
    }
}

// A yes by key puts the keyboard in its reason field (Enter there leaves it).
void ClinicianMode::answer_next(int value) {
    for (std::size_t i = 0; i < draft_.answer.size(); ++i)
        if (draft_.answer[i] < 0) {
            draft_.answer[i] = value;
            if (value == 1)
                draft_.focus_reason = static_cast<int>(i);
            return;
        }
}

void ClinicianMode::record_checklist(App& app) {
    if (!checklist_)
        return;
    ChecklistAnswers answers;
    answers.warning_acknowledged = draft_.acknowledged;
    for (std::size_t i = 0; i < checklist_->questions.size(); ++i) {
        if (draft_.answer[i] < 0)
            continue; // unanswered: the state machine names it
        const bool yes = draft_.answer[i] == 1;
        answers.answers.push_back(
            {checklist_->questions[i].id, yes, yes ? draft_.reasons[i].data() : ""});
    }
    const Outcome o = recorder_->answer_checklist(std::move(answers));
    draft_.refusal = o.ok() ? std::string() : o.reason;
    if (o.ok())
        app.notify("Checklist recorded; the session can go on.");
    act(app, o);
}

void ClinicianMode::checklist_card(App& app, float height) {
    section_heading(app, checklist_ ? checklist_->title.c_str() : "Before the first injection");
    ImGui::BeginChild("##checklist", ImVec2(0, height), false);
    if (!checklist_) {
        text_wrapped_coloured(colour::error,
                              ("The pre-treatment checklist cannot be read, so this session "
                               "cannot inject: " +
                               checklist_error_)
                                  .c_str());
        ImGui::EndChild();
        return;
    }
    // The boxed warning, once per session, in a red-ruled box.
    const BoxedWarning& w = checklist_->boxed_warning;
    const ImVec2 top_left = ImGui::GetCursorScreenPos();
    ImGui::Indent(px(8));
    ImGui::Dummy(ImVec2(0, px(2)));
    ImGui::PushFont(app.fonts().bold);
    ImGui::PushStyleColor(ImGuiCol_Text, colour::error);
    ImGui::TextWrapped("%s", w.title.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::PushTextWrapPos(ImGui::GetContentRegionMax().x - px(8));
    ImGui::TextUnformatted(w.text.c_str());
    ImGui::PopTextWrapPos();
    if (draft_.acknowledged) {
        ImGui::TextColored(colour::done, "✓ Shown and acknowledged");
    } else if (primary_button("I have read the warning   A")) {
        draft_.acknowledged = true;
    }
    ImGui::Dummy(ImVec2(0, px(2)));
    ImGui::Unindent(px(8));
    const ImVec2 bottom_right(top_left.x + ImGui::GetContentRegionAvail().x,
                              ImGui::GetCursorScreenPos().y);
    ImGui::GetWindowDrawList()->AddRect(top_left, bottom_right, ImGui::GetColorU32(colour::error),
                                        px(4), 0, px(2));
    ImGui::Spacing();

    text_muted("Ask before the first injection. A yes shows its guidance and needs a reason to "
               "go on.");
    for (std::size_t i = 0; i < checklist_->questions.size(); ++i) {
        const ChecklistQuestion& q = checklist_->questions[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::Spacing();
        ImGui::TextWrapped("%zu. %s", i + 1, q.text.c_str());
        ImGui::RadioButton("No", &draft_.answer[i], 0);
        ImGui::SameLine();
        ImGui::RadioButton("Yes", &draft_.answer[i], 1);
        if (draft_.answer[i] == 1) {
            const bool contraindication = q.kind == ChecklistKind::contraindication;
            text_wrapped_coloured(
                contraindication ? colour::error : colour::warning,
                ((contraindication ? "Contraindication (label): " : "Caution: ") + q.guidance)
                    .c_str());
            std::string sources;
            for (const std::string& key : q.sources)
                sources += (sources.empty() ? "" : ", ") + key;
            ImGui::PushFont(app.fonts().small);
            text_muted(("Source: " + sources + " · " + to_string(q.certainty)).c_str());
            ImGui::PopFont();
            ImGui::SetNextItemWidth(-1);
            if (draft_.focus_reason == static_cast<int>(i)) {
                ImGui::SetKeyboardFocusHere();
                draft_.focus_reason = -1;
            }
            ImGui::InputTextWithHint("##reason", "Reason to go on (required)",
                                     draft_.reasons[i].data(), draft_.reasons[i].size());
            if (std::strlen(draft_.reasons[i].data()) >= kMaxChecklistReasonBytes)
                text_wrapped_coloured(colour::error, "A reason is at most 300 bytes.");
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
    if (!draft_.refusal.empty())
        text_wrapped_coloured(colour::error, draft_.refusal.c_str());
    if (primary_button("Record the checklist  ⏎", -1))
        record_checklist(app);
    text_muted("Injecting is possible once the checklist is recorded.");
    ImGui::EndChild();
}

} // namespace injmap::gui::clinician
