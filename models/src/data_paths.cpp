#include "injmap/models/data_paths.hpp"

#include <cstdlib>
#include <system_error>

namespace injmap {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> share_dirs() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("INJMAP_DATA_DIR"); env && *env)
        dirs.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        dirs.push_back(exe.parent_path().parent_path() / "share" / "injmap");
    dirs.emplace_back(INJMAP_BUILD_SHARE_DIR);
    return dirs;
}

std::optional<fs::path> find_in(const std::vector<fs::path>& dirs, std::string_view id_or_path) {
    std::error_code ec;
    const fs::path as_path(id_or_path);
    if (as_path.has_extension() || id_or_path.find('/') != std::string_view::npos) {
        if (fs::is_regular_file(as_path, ec))
            return fs::absolute(as_path, ec);
        return std::nullopt;
    }
    for (const auto& dir : dirs) {
        const fs::path candidate = dir / (std::string(id_or_path) + ".toml");
        if (fs::is_regular_file(candidate, ec))
            return candidate;
    }
    return std::nullopt;
}

} // namespace

fs::path user_data_dir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return fs::path(xdg) / "injmap";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".local" / "share" / "injmap";
    return fs::path(".injmap");
}

std::vector<fs::path> model_dirs() {
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (auto& d : share_dirs())
        if (fs::is_directory(d / "models", ec))
            dirs.push_back(d / "models");
    return dirs;
}

namespace {

// The shipped protocols: the first share dir holding them, else the source tree's.
std::optional<fs::path> shipped_protocol_dir() {
    std::error_code ec;
    for (auto& d : share_dirs())
        if (fs::is_directory(d / "protocols", ec))
            return d / "protocols"; // the first shipped set wins; later ones are older copies
    if (fs::is_directory(INJMAP_SOURCE_PROTOCOL_DIR, ec))
        return fs::path(INJMAP_SOURCE_PROTOCOL_DIR);
    return std::nullopt;
}

} // namespace

std::optional<fs::path> shipped_rules_file(std::string_view name) {
    const auto dir = shipped_protocol_dir();
    if (!dir || name.empty())
        return std::nullopt;
    std::error_code ec;
    const fs::path candidate = *dir / "rules" / fs::path(name);
    if (fs::is_regular_file(candidate, ec))
        return candidate;
    return std::nullopt;
}

std::vector<fs::path> protocol_dirs() {
    std::vector<fs::path> dirs;
    std::error_code ec;
    if (const auto shipped = shipped_protocol_dir())
        dirs.push_back(*shipped);
    if (fs::is_directory(user_data_dir() / "protocols", ec))
        dirs.push_back(user_data_dir() / "protocols");
    return dirs;
}

std::optional<fs::path> resolve_model(std::string_view id_or_path) {
    return find_in(model_dirs(), id_or_path);
}

std::optional<fs::path> resolve_protocol(std::string_view id_or_path) {
    return find_in(protocol_dirs(), id_or_path);
}

} // namespace injmap
