#pragma once
// Where injmap finds its data files (models and protocols).
// Search order: $INJMAP_DATA_DIR, <executable dir>/../share/injmap, the build tree's share dir,
// then the source tree (protocols only). The user's own protocols live in
// $XDG_DATA_HOME/injmap/protocols (default ~/.local/share/injmap/protocols).
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace injmap {

[[nodiscard]] std::vector<std::filesystem::path> model_dirs();
[[nodiscard]] std::vector<std::filesystem::path> protocol_dirs(); // shipped first, then the user's
[[nodiscard]] std::filesystem::path user_data_dir();              // $XDG_DATA_HOME/injmap
// A shipped rules file ("pretreatment-checklist.toml" → <first shipped protocols
// dir>/rules/<name>), when it exists. Only the shipped set is searched (never the user's folder):
// rules are part of the program. The first shipped protocols dir is the one protocol_dirs() lists
// first.
[[nodiscard]] std::optional<std::filesystem::path> shipped_rules_file(std::string_view name);

// "adult-male" → ".../adult-male.toml"; a path that exists is returned as is.
[[nodiscard]] std::optional<std::filesystem::path> resolve_model(std::string_view id_or_path);
// "preempt-155" → ".../protocols/preempt-155.toml"; a path that exists is returned as is.
[[nodiscard]] std::optional<std::filesystem::path> resolve_protocol(std::string_view id_or_path);

} // namespace injmap
