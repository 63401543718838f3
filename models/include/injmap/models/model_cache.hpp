#pragma once
// A binary cache of loaded models, so that start-up does not parse a large OBJ again: loading the
// default adult model from its 19 MB OBJ costs about 250 ms of CPU, reading the cache about a tenth
// of that (docs/performance.md has the figures).
//
// The cache holds the whole loaded Model (skin, muscles with fibre directions, landmarks already
// snapped, groups) and the load's warnings. It is keyed by the bytes of the manifest and of the
// OBJ: a 64-bit hash of each is stored and compared on every read, so an edited manifest or OBJ (or
// a different file at the same path) is simply loaded again and the cache rewritten. A cache that
// is unreadable, truncated, of another format version or otherwise damaged is ignored the same way
// — it can never make a load fail. Only successful loads are cached.
//
// Where: $XDG_CACHE_HOME/injmap/models (default ~/.cache/injmap/models) as
// <stem>-<hash of the manifest's absolute path and of the program's size and mtime>.model-cache —
// never next to the user's own files. A rebuilt program thus writes a new cache (its loader may
// differ) while two builds used side by side keep one each.
// Writes go to a temporary file renamed into place, so concurrent processes never see half a file.
// After a write the folder is pruned: caches whose manifest no longer exists are removed, and of
// the rest only the 16 most recently written are kept.
// INJMAP_NO_MODEL_CACHE=1 turns the cache off (load_model_cached is then load_model).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"

namespace injmap {

// load_model through the cache: a hit returns the cached model and warnings, a miss loads the
// manifest and OBJ and, when that succeeds, writes the cache.
[[nodiscard]] Result<Model> load_model_cached(const std::filesystem::path& manifest_path);

// Where the cache for this manifest is read from and written to (see above).
[[nodiscard]] std::filesystem::path model_cache_path(const std::filesystem::path& manifest_path);

// The hash the cache keys on (64-bit, not cryptographic): of a byte string, and of a file's bytes
// (nullopt when the file cannot be read).
[[nodiscard]] std::uint64_t model_cache_hash(std::string_view bytes);
[[nodiscard]] std::optional<std::uint64_t> model_cache_file_hash(const std::filesystem::path& path);

} // namespace injmap
