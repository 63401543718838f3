#pragma once
// Writing rendered images as PNG (stb_image_write). Opaque images are stored as RGB without a PNG
// row filter: on the renderer's flat backdrop that is both the fastest and the smallest choice
// (docs/performance.md). Not thread-safe (stb's encoder settings are process globals).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace injmap::render {

// `rgba`: width·height·4 bytes, top-left origin. False with `error` set when the file cannot be
// written.
[[nodiscard]] bool write_png(const std::filesystem::path& path, int width, int height,
                             const std::vector<std::uint8_t>& rgba, std::string& error);

} // namespace injmap::render
