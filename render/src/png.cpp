#include "injmap/render/png.hpp"

#include <algorithm>

#include <stb_image_write.h>

namespace injmap::render {

bool write_png(const std::filesystem::path& path, int width, int height,
               const std::vector<std::uint8_t>& rgba, std::string& error) {
    const std::size_t pixels = std::size_t(width) * std::size_t(height);
    if (width <= 0 || height <= 0 || rgba.size() < pixels * 4) {
        error = "no image to write";
        return false;
    }
    bool opaque = true;
    for (std::size_t i = 0; i < pixels && opaque; ++i)
        opaque = rgba[i * 4 + 3] == 255;
    const int saved_filter = stbi_write_force_png_filter;
    const int saved_level = stbi_write_png_compression_level;
    stbi_write_force_png_filter = 0;
    stbi_write_png_compression_level = 4;
    int ok = 0;
    if (opaque) {
        std::vector<std::uint8_t> rgb(pixels * 3);
        for (std::size_t i = 0; i < pixels; ++i)
            std::copy_n(&rgba[i * 4], 3, &rgb[i * 3]);
        ok = stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3);
    } else {
        ok = stbi_write_png(path.c_str(), width, height, 4, rgba.data(), width * 4);
    }
    stbi_write_force_png_filter = saved_filter;
    stbi_write_png_compression_level = saved_level;
    if (!ok) {
        error = "cannot write " + path.string();
        return false;
    }
    return true;
}

} // namespace injmap::render
