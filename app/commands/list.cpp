// injmap list [--json]: the models and protocols injmap can find, with their ids and titles.
// Reads only each file's `id` and title key (toml++), so a listing is quick and does not depend on
// the full readers; `injmap model` and `injmap check` validate a file completely.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "commands/commands.hpp"
#include "injmap/diagnostic.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/toml_depth.hpp"

namespace injmap::cli {
namespace fs = std::filesystem;
namespace {

constexpr std::uintmax_t kMaxListedFileBytes =
    1024 * 1024; // same bound as the model manifest reader

struct Entry {
    std::string id;
    std::string title;
    fs::path path;
    std::string source; // protocols: "shipped" or "user"
    std::string error;  // why the file could not be read, else empty
};

// The TOML files of a folder, sorted by name so the listing is stable.
std::vector<fs::path> toml_files(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->path().extension() == ".toml" && it->is_regular_file(type_ec))
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Reads `id` and `title_key` from a TOML file; the id falls back to the file name.
Entry read_entry(const fs::path& file, const char* title_key) {
    Entry e;
    e.path = file;
    e.id = file.stem().string();
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) {
        e.error = "cannot read: " + ec.message();
        return e;
    }
    if (size > kMaxListedFileBytes) {
        e.error = "larger than 1 MB";
        return e;
    }
    try {
        std::ifstream in(file, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        // toml++ recurses per dotted-key part: refuse absurd keys before they can overflow the
        // stack.
        if (const int line = find_too_deep_toml_line(text)) {
            e.error = "line " + std::to_string(line) + ": a key with too many dotted parts";
            return e;
        }
        const toml::table table = toml::parse(text, file.string());
        if (auto id = table["id"].value<std::string>())
            e.id = *id;
        e.title = table[title_key].value<std::string>().value_or("");
    } catch (const toml::parse_error& err) {
        e.error = "line " + std::to_string(err.source().begin.line) + ": " +
                  std::string(err.description());
        std::replace(e.error.begin(), e.error.end(), '\n', ' '); // one line in the listing
    } catch (const std::exception& err) {
        e.error = err.what();
    }
    return e;
}

nlohmann::json to_json(const Entry& e, bool with_source) {
    nlohmann::json j = {{"id", e.id}, {"title", e.title}, {"path", e.path.string()}};
    if (with_source)
        j["source"] = e.source;
    if (!e.error.empty())
        j["error"] = e.error;
    return j;
}

void print_table(const char* heading, const std::vector<Entry>& entries, bool with_source) {
    std::cout << heading << " (" << entries.size() << ")\n";
    if (entries.empty())
        std::cout << "  (none found)\n";
    std::size_t width = 0;
    for (const auto& e : entries)
        width = std::max(width, escape_control(e.id).size());
    for (const auto& e : entries) {
        // Ids, titles and paths come from files: their control characters are escaped.
        const std::string id = escape_control(e.id);
        std::cout << "  " << id << std::string(width + 2 - id.size(), ' ');
        if (!e.error.empty())
            std::cout << "(unreadable: " << escape_control(e.error) << ")";
        else
            std::cout << escape_control(e.title);
        if (with_source && e.source == "user")
            std::cout << "  [user: " << escape_control(e.path.string()) << "]";
        std::cout << "\n";
    }
}

int run_list(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args, {{"--json"}}, error);
    if (!parsed)
        return usage_error("list", error);
    if (!parsed->positionals.empty())
        return usage_error("list", "unexpected argument '" + parsed->positionals.front() + "'");

    // The same id in two folders: the first folder in search order is the one injmap uses.
    std::vector<Entry> models;
    std::set<std::string> model_ids;
    for (const auto& dir : model_dirs())
        for (const auto& file : toml_files(dir)) {
            Entry e = read_entry(file, "name");
            if (model_ids.insert(e.id).second)
                models.push_back(std::move(e));
        }

    std::vector<Entry> protocols;
    std::set<std::string> protocol_ids;
    std::error_code ec;
    const fs::path user_protocols = fs::weakly_canonical(user_data_dir() / "protocols", ec);
    for (const auto& dir : protocol_dirs()) {
        const bool user =
            !user_protocols.empty() && fs::weakly_canonical(dir, ec) == user_protocols;
        for (const auto& file : toml_files(dir)) {
            Entry e = read_entry(file, "title");
            e.source = user ? "user" : "shipped";
            if (protocol_ids.insert(e.id).second)
                protocols.push_back(std::move(e));
        }
    }

    if (parsed->has("--json")) {
        nlohmann::json out = {{"models", nlohmann::json::array()},
                              {"protocols", nlohmann::json::array()}};
        for (const auto& e : models)
            out["models"].push_back(to_json(e, false));
        for (const auto& e : protocols)
            out["protocols"].push_back(to_json(e, true));
        std::cout << out.dump(2) << "\n";
    } else {
        print_table("Models", models, false);
        std::cout << "\n";
        print_table("Protocols", protocols, true);
    }
    return exit_ok;
}

} // namespace

const Command list_command{
    "list", "list the models and protocols found",
    "Usage: injmap list [--json]\n\n"
    "Lists the models (from the model folders) and the protocols (shipped, then the user's\n"
    "own in $XDG_DATA_HOME/injmap/protocols) with their ids and titles.\n\n"
    "  --json  print {\"models\": [{id, title, path}], \"protocols\": [{id, title, path,\n"
    "          source: \"shipped\"|\"user\"}]}; an unreadable file also has \"error\"\n\n"
    "Exit codes: 0 listed (even when some file is unreadable); 2 bad arguments.\n",
    run_list};
} // namespace injmap::cli
