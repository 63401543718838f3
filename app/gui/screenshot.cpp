#include "gui/screenshot.hpp"

#include <system_error>

#include "injmap/render/png.hpp"

namespace injmap::gui {

bool write_screenshot(const std::filesystem::path& path, int width, int height,
                      const std::vector<std::uint8_t>& rgba, std::string& error) {
    if (rgba.empty() || width <= 0 || height <= 0 ||
        rgba.size() < std::size_t(width) * std::size_t(height) * 4) {
        error = "cannot read the window's pixels";
        return false;
    }
    std::error_code ec;
    const auto parent = path.parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    std::string why;
    if (!render::write_png(path, width, height, rgba, why)) {
        error = "cannot write screenshot " + path.string();
        return false;
    }
    return true;
}

} // namespace injmap::gui
