#pragma once
// The pre-treatment checklist (protocols/rules/pretreatment-checklist.toml, shipped to
// <share>/protocols/rules/): the questions asked once per session before the first injection, the
// guidance shown on a "yes", and the boxed warning shown to the clinician once per session. The
// file format is docs/pretreatment-checklist.md. Plain data, no GL; the session records the answers
// (session.hpp, ActionKind::checklist).
//
// Rule ids (stable): checklist.io, checklist.too-large, checklist.syntax,
// checklist.schema-version, checklist.unknown-key, checklist.type, checklist.missing-key,
// checklist.bad-value, checklist.duplicate-id, checklist.unknown-source, checklist.internal.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/clinical_rules.hpp"

namespace injmap {

inline constexpr std::string_view kChecklistFileName = "pretreatment-checklist.toml";

// "contraindication": the label says not to inject; "caution": the label or practice asks for care.
enum class ChecklistKind { contraindication, caution };
// How firm a text is (Certainty, clinical_rules.hpp): label text, text seen only on secondary
// pages, or common practice.

[[nodiscard]] const char* to_string(ChecklistKind kind);

struct ChecklistSource {
    std::string key;
    std::string citation;
    std::string link;
};

struct ChecklistQuestion {
    std::string id;   // stable: the record stores it (lowercase letters, digits, '_')
    std::string text; // the question as the clinician reads it
    ChecklistKind kind = ChecklistKind::caution;
    std::string guidance;             // shown when the answer is yes
    std::vector<std::string> sources; // keys of Checklist::sources
    Certainty certainty = Certainty::established;
    SourceLocation where;
};

struct BoxedWarning {
    std::string title;
    std::string text;
    std::vector<std::string> sources;
    Certainty certainty = Certainty::established;
    SourceLocation where;
};

struct Checklist {
    std::string id;
    int version = 0; // recorded with the answers
    std::string title;
    std::vector<ChecklistSource> sources;
    BoxedWarning boxed_warning;
    std::vector<ChecklistQuestion> questions; // in the order asked
    std::filesystem::path path;

    [[nodiscard]] const ChecklistQuestion* find(std::string_view question_id) const;
};

// The answers as recorded (the checklist action of a session). Plain data.
struct ChecklistAnswer {
    std::string id;
    bool yes = false;
    std::string reason; // required (non-blank) for a yes
};

struct ChecklistAnswers {
    std::vector<ChecklistAnswer> answers;
    bool warning_acknowledged = false; // the boxed warning was shown and acknowledged
    int version = 0;                   // the checklist's version; 0: not known

    [[nodiscard]] const ChecklistAnswer* find(std::string_view question_id) const;
    [[nodiscard]] int yes_count() const;
};

// At most this many questions (the record line holding the answers stays bounded).
inline constexpr std::size_t kMaxChecklistQuestions = 16;
// Question and source ids, and every text, are bounded too.
inline constexpr std::size_t kMaxChecklistIdBytes = 64;
inline constexpr std::size_t kMaxChecklistTextBytes = 4000;

// Files larger than this are not checklists and are not parsed.
inline constexpr std::uintmax_t kMaxChecklistFileBytes = 256u * 1024u;

[[nodiscard]] Result<Checklist> read_checklist_text(std::string_view text,
                                                    const std::string& display_path);
[[nodiscard]] Result<Checklist> read_checklist_file(const std::filesystem::path& path);
// The shipped checklist (shipped_rules_file(kChecklistFileName)); checklist.io when it is missing.
[[nodiscard]] Result<Checklist> read_shipped_checklist();

} // namespace injmap
