#pragma once
// Times in the session record and in the names of files injmap writes (always UTC).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace injmap {

// ISO 8601 UTC with whole seconds: "2024-05-01T09:30:00Z".
[[nodiscard]] std::string format_iso8601_utc(std::chrono::system_clock::time_point time);
// Exactly the form format_iso8601_utc writes; nullopt for anything else or a date that does not
// exist.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point>
parse_iso8601_utc(std::string_view text);

// The current UTC time for a file name: "20240501T093000Z".
[[nodiscard]] std::string utc_stamp();

} // namespace injmap
