#pragma once
// Writing rendered images as PNG (zlib). Opaque images are stored as RGB without a row filter
// (on the renderer's smooth backdrop that is as small as the filtered choices at fast deflate
// levels) and deflated in horizontal bands, one per core, joined into one zlib stream: about a
// third of stb_image_write's time for a 1280x800 site map (docs/performance.md). Thread-safe.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace injmap::render {

// `rgba`: width·height·4 bytes, top-left origin. Written to a temporary file in the same folder
// and renamed (injmap/models/atomic_file.hpp). False with `error` set ("cannot write FILE: No
// space left on device") when the file cannot be written; an existing file is then left intact.
[[nodiscard]] bool write_png(const std::filesystem::path& path, int width, int height,
                             const std::vector<std::uint8_t>& rgba, std::string& error);

// The same PNG as bytes (empty for an empty or short image).
[[nodiscard]] std::vector<std::uint8_t> encode_png(int width, int height,
                                                   const std::vector<std::uint8_t>& rgba);

} // namespace injmap::render
