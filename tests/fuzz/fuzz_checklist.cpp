// fuzz_checklist: checklist text → reader → a session that answers every question (no, then one
// yes with a reason) → its record line → parsed back. Any crash, sanitizer report, escaped
// exception or contract violation fails.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/session_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace injmap;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        Result<Checklist> read = read_checklist_text(text, "fuzz.toml");
        fuzz::check_diagnostics(read.diagnostics, "read_checklist_text");
        if (!read.ok())
            return 0;
        auto checklist = std::make_shared<const Checklist>(std::move(*read.value));
        if (checklist->questions.empty() || checklist->questions.size() > kMaxChecklistQuestions)
            fuzz::contract_violation("read_checklist_text",
                                     "a checklist read without its questions");
        Session session(std::make_shared<const Protocol>());
        session.set_checklist(checklist);
        if (!session.start().ok())
            fuzz::contract_violation("Session", "cannot start");
        ChecklistAnswers answers;
        for (const ChecklistQuestion& q : checklist->questions) {
            if (!checklist->find(q.id))
                fuzz::contract_violation("Checklist", "find cannot find a listed question");
            answers.answers.push_back({q.id, &q == &checklist->questions.back(), "a reason"});
        }
        answers.warning_acknowledged = true;
        const Outcome o = session.answer_checklist(answers);
        if (!o.ok())
            fuzz::contract_violation("Session", "a complete checklist was refused: " + o.code);
        std::string error;
        const std::string line = record_line(session.history().back());
        const auto back = parse_record_line(line, error);
        if (!back || back->checklist.answers.size() != checklist->questions.size())
            fuzz::contract_violation("record_line", "a checklist line does not read back");
    } catch (const std::exception& e) {
        fuzz::contract_violation("fuzz_checklist", std::string("escaped exception: ") + e.what());
    }
    return 0;
}
