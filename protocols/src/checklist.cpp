#include "injmap/protocols/checklist.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <system_error>

#include <toml++/toml.h>

#include "injmap/did_you_mean.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/toml_diagnostics.hpp"

namespace injmap {
namespace {

namespace fs = std::filesystem;

bool is_question_id(std::string_view text) {
    return !text.empty() && text.size() <= kMaxChecklistIdBytes &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
           });
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The checklist's getters on the shared toolkit (toml_diagnostics.hpp): rule ids "checklist.*".
class Reader : public detail::TomlDiagnostics {
public:
    explicit Reader(std::string file) : TomlDiagnostics(std::move(file), "checklist") {}

    const toml::node* required(const toml::table& t, const std::string& name,
                               std::string_view key) {
        const toml::node* n = t.get(key);
        if (!n)
            error("checklist.missing-key",
                  "missing required key '" + std::string(key) + "' in " + name, loc(t.source()));
        return n;
    }

    // A non-blank string of at most `limit` bytes.
    std::optional<std::string> text(const toml::table& t, const std::string& name,
                                    std::string_view key, bool needed = true,
                                    std::size_t limit = kMaxChecklistTextBytes) {
        const toml::node* n = needed ? required(t, name, key) : t.get(key);
        if (!n)
            return std::nullopt;
        const auto* s = n->as_string();
        if (!s) {
            error("checklist.type", "'" + std::string(key) + "' in " + name + " must be a string",
                  loc(n->source()));
            return std::nullopt;
        }
        if (blank(s->get())) {
            error("checklist.bad-value", "'" + std::string(key) + "' in " + name + " is empty",
                  loc(n->source()));
            return std::nullopt;
        }
        if (s->get().size() > limit) {
            error("checklist.bad-value",
                  "'" + std::string(key) + "' in " + name + " is " +
                      std::to_string(s->get().size()) + " bytes long; at most " +
                      std::to_string(limit) + " are allowed",
                  loc(n->source()));
            return std::nullopt;
        }
        return s->get();
    }

    std::optional<Certainty> certainty(const toml::table& t, const std::string& name) {
        const auto value = text(t, name, "certainty");
        if (!value)
            return std::nullopt;
        for (Certainty c :
             {Certainty::established, Certainty::provisional, Certainty::expert_opinion})
            if (*value == to_string(c))
                return c;
        error("checklist.bad-value",
              "'certainty' in " + name +
                  " must be \"established\", \"provisional\" or "
                  "\"expert-opinion\", not '" +
                  *value + "'",
              loc(t.get("certainty")->source()));
        return std::nullopt;
    }

    // sources = ["KEY", ...]: at least one, each a key of [[sources]].
    std::vector<std::string> source_keys(const toml::table& t, const std::string& name,
                                         const std::set<std::string>& known) {
        std::vector<std::string> keys;
        const toml::node* n = required(t, name, "sources");
        if (!n)
            return keys;
        const auto* a = n->as_array();
        if (!a) {
            error("checklist.type", "'sources' in " + name + " must be an array of source keys",
                  loc(n->source()));
            return keys;
        }
        if (a->empty())
            error("checklist.bad-value", "'sources' in " + name + " names no source",
                  loc(n->source()));
        for (const toml::node& element : *a) {
            const auto* s = element.as_string();
            if (!s) {
                error("checklist.type", "'sources' in " + name + " must hold strings",
                      loc(element.source()));
                continue;
            }
            if (!known.count(s->get())) {
                std::vector<std::string> names(known.begin(), known.end());
                error("checklist.unknown-source",
                      "source '" + s->get() + "' in " + name + " is not a [[sources]] key" +
                          detail::did_you_mean(s->get(), names),
                      loc(element.source()));
                continue;
            }
            keys.push_back(s->get());
        }
        return keys;
    }
};

void read_root(Reader& r, const toml::table& root, Checklist& c) {
    r.check_keys(
        root, "the checklist",
        {"schema_version", "id", "version", "title", "sources", "boxed_warning", "questions"});
    if (const toml::node* n = r.required(root, "the checklist", "schema_version")) {
        const auto* i = n->as_integer();
        if (!i)
            r.error("checklist.type", "'schema_version' must be an integer", r.loc(n->source()));
        else if (i->get() != 1)
            r.error("checklist.schema-version",
                    "schema_version " + std::to_string(i->get()) +
                        " is not understood (this injmap reads 1)",
                    r.loc(n->source()));
    }
    c.id = r.text(root, "the checklist", "id", true, kMaxChecklistIdBytes).value_or("");
    c.title = r.text(root, "the checklist", "title").value_or("");
    if (const toml::node* n = r.required(root, "the checklist", "version")) {
        const auto* i = n->as_integer();
        if (!i)
            r.error("checklist.type", "'version' must be an integer", r.loc(n->source()));
        else if (i->get() < 1 || i->get() > 1'000'000)
            r.error("checklist.bad-value", "'version' must be a whole number from 1",
                    r.loc(n->source()));
        else
            c.version = static_cast<int>(i->get());
    }

    std::set<std::string> source_keys;
    if (const toml::node* n = r.required(root, "the checklist", "sources")) {
        const auto* a = n->as_array();
        if (!a || !a->is_array_of_tables()) {
            r.error("checklist.type", "'sources' must be an array of tables ([[sources]])",
                    r.loc(n->source()));
        } else {
            for (const toml::node& element : *a) {
                const toml::table& t = *element.as_table();
                const std::string name = "a [[sources]] entry";
                r.check_keys(t, name, {"key", "citation", "link"});
                ChecklistSource s;
                s.key = r.text(t, name, "key", true, kMaxChecklistIdBytes).value_or("");
                s.citation = r.text(t, name, "citation").value_or("");
                s.link = r.text(t, name, "link", false).value_or("");
                if (!s.key.empty() && !source_keys.insert(s.key).second)
                    r.error("checklist.duplicate-id", "source key '" + s.key + "' appears twice",
                            r.loc(t.get("key")->source()));
                c.sources.push_back(std::move(s));
            }
        }
    }

    if (const toml::node* n = r.required(root, "the checklist", "boxed_warning")) {
        if (const auto* t = n->as_table()) {
            const std::string name = "[boxed_warning]";
            r.check_keys(*t, name, {"title", "text", "sources", "certainty"});
            c.boxed_warning.where = r.loc(t->source());
            c.boxed_warning.title = r.text(*t, name, "title").value_or("");
            c.boxed_warning.text = r.text(*t, name, "text").value_or("");
            c.boxed_warning.sources = r.source_keys(*t, name, source_keys);
            c.boxed_warning.certainty = r.certainty(*t, name).value_or(Certainty::established);
        } else {
            r.error("checklist.type", "'boxed_warning' must be a table ([boxed_warning])",
                    r.loc(n->source()));
        }
    }

    const toml::node* qs = r.required(root, "the checklist", "questions");
    if (!qs)
        return;
    const auto* a = qs->as_array();
    if (a && a->empty()) {
        r.error("checklist.bad-value", "the checklist has no questions", r.loc(qs->source()));
        return;
    }
    if (!a || !a->is_array_of_tables()) {
        r.error("checklist.type", "'questions' must be an array of tables ([[questions]])",
                r.loc(qs->source()));
        return;
    }
    if (a->empty() || a->size() > kMaxChecklistQuestions) {
        r.error("checklist.bad-value",
                "the checklist must have 1 to " + std::to_string(kMaxChecklistQuestions) +
                    " questions, not " + std::to_string(a->size()),
                r.loc(qs->source()));
        if (a->empty())
            return;
    }
    std::set<std::string> ids;
    for (const toml::node& element : *a) {
        const toml::table& t = *element.as_table();
        ChecklistQuestion q;
        q.where = r.loc(t.source());
        std::string name = "a [[questions]] entry";
        r.check_keys(t, name, {"id", "text", "kind", "guidance", "sources", "certainty"});
        if (const auto id = r.text(t, name, "id", true, kMaxChecklistIdBytes)) {
            if (!is_question_id(*id))
                r.error("checklist.bad-value",
                        "question id '" + *id +
                            "' must be lowercase letters, digits and '_' (it is recorded)",
                        r.loc(t.get("id")->source()));
            else if (!ids.insert(*id).second)
                r.error("checklist.duplicate-id", "question id '" + *id + "' appears twice",
                        r.loc(t.get("id")->source()));
            q.id = *id;
            name = "question '" + *id + "'";
        }
        q.text = r.text(t, name, "text").value_or("");
        q.guidance = r.text(t, name, "guidance").value_or("");
        if (const auto kind = r.text(t, name, "kind")) {
            if (*kind == "contraindication")
                q.kind = ChecklistKind::contraindication;
            else if (*kind == "caution")
                q.kind = ChecklistKind::caution;
            else
                r.error("checklist.bad-value",
                        "'kind' in " + name +
                            " must be \"contraindication\" or \"caution\", not '" + *kind + "'",
                        r.loc(t.get("kind")->source()));
        }
        q.sources = r.source_keys(t, name, source_keys);
        q.certainty = r.certainty(t, name).value_or(Certainty::established);
        c.questions.push_back(std::move(q));
    }
}

} // namespace

const char* to_string(ChecklistKind kind) {
    return kind == ChecklistKind::contraindication ? "contraindication" : "caution";
}

const ChecklistQuestion* Checklist::find(std::string_view question_id) const {
    for (const ChecklistQuestion& q : questions)
        if (q.id == question_id)
            return &q;
    return nullptr;
}

const ChecklistAnswer* ChecklistAnswers::find(std::string_view question_id) const {
    for (const ChecklistAnswer& a : answers)
        if (a.id == question_id)
            return &a;
    return nullptr;
}

int ChecklistAnswers::yes_count() const {
    return static_cast<int>(std::count_if(answers.begin(), answers.end(),
                                          [](const ChecklistAnswer& a) { return a.yes; }));
}

Result<Checklist> read_checklist_text(std::string_view text, const std::string& display_path) {
    Result<Checklist> result;
    Reader reader(display_path);
    try {
        const std::optional<toml::table> root = detail::parse_toml(
            text, reader, "checklist.syntax", kMaxChecklistFileBytes, "a checklist");
        if (!root) {
            result.diagnostics = reader.take();
            return result;
        }
        Checklist checklist;
        read_root(reader, *root, checklist);
        if (!reader.failed())
            result.value = std::move(checklist);
    } catch (const std::exception& e) {
        reader.error("checklist.internal", std::string("could not read the file: ") + e.what(),
                     {display_path, 0, 0});
        result.value.reset();
    } catch (...) {
        reader.error("checklist.internal", "could not read the file", {display_path, 0, 0});
        result.value.reset();
    }
    result.diagnostics = reader.take();
    return result;
}

Result<Checklist> read_checklist_file(const fs::path& path) {
    Result<Checklist> result;
    const std::string display = path.string();
    auto io_error = [&](std::string message) {
        result.diagnostics.push_back(
            {Severity::error, "checklist.io", std::move(message), {display, 0, 0}, {}});
        return result;
    };
    try {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            return io_error(fs::exists(path, ec) ? "not a regular file" : "no such file");
        const auto size = fs::file_size(path, ec);
        if (ec)
            return io_error("cannot read: " + ec.message());
        if (size > kMaxChecklistFileBytes) {
            result.diagnostics.push_back(
                {Severity::error,
                 "checklist.too-large",
                 "the file is " + std::to_string(size) + " bytes; a checklist is limited to " +
                     std::to_string(kMaxChecklistFileBytes / 1024) + " KiB",
                 {display, 0, 0},
                 {}});
            return result;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return io_error("cannot open the file for reading");
        std::string text(static_cast<std::size_t>(size), '\0');
        in.read(text.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size))
            return io_error("the file could not be read completely");
        result = read_checklist_text(text, display);
        if (result.value)
            result.value->path = path;
    } catch (const std::exception& e) {
        result.value.reset();
        return io_error(std::string("cannot read: ") + e.what());
    }
    return result;
}

Result<Checklist> read_shipped_checklist() {
    if (const auto path = shipped_rules_file(kChecklistFileName))
        return read_checklist_file(*path);
    Result<Checklist> result;
    result.diagnostics.push_back({Severity::error,
                                  "checklist.io",
                                  "the shipped pre-treatment checklist (protocols/rules/" +
                                      std::string(kChecklistFileName) + ") was not found",
                                  {std::string(kChecklistFileName), 0, 0},
                                  {}});
    return result;
}

} // namespace injmap
