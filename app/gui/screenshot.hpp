#pragma once
// `injmap gui --screenshot FILE`: writing the window's pixels as a PNG. The window reads its back
// buffer (window.hpp, GL); this part needs no GL and no ImGui.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace injmap::gui {

// `rgba`: width·height·4 bytes, top-left origin. Creates the parent folder. False with `error`
// ("cannot read the window's pixels" for an empty image, "cannot write screenshot FILE") when
// nothing was written.
bool write_screenshot(const std::filesystem::path& path, int width, int height,
                      const std::vector<std::uint8_t>& rgba, std::string& error);

} // namespace injmap::gui
