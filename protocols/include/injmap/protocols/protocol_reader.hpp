#pragma once
// Reading protocol files. Structural problems (TOML syntax, unknown keys, wrong types, missing
// keys, duplicate ids, bad enum values) are reported here with file:line:column; clinical and
// anatomical checks are the validator's (validator.hpp).
//
// Rule ids (stable): protocol.io, protocol.too-large, toml.syntax, protocol.schema-version,
// protocol.unknown-key, protocol.type, protocol.missing-key, protocol.bad-value,
// protocol.duplicate-id.
#include <filesystem>
#include <string_view>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

[[nodiscard]] Result<Protocol> read_protocol_file(const std::filesystem::path& path);
// `display_path` is used in diagnostics.
[[nodiscard]] Result<Protocol> read_protocol_text(std::string_view text,
                                                  const std::string& display_path);

} // namespace injmap
