#pragma once
// A small CPU rasteriser for looking at generated models without GL: orthographic views (front,
// left, back, oblique), Lambert shading; the skin opaque, and see-through skin over coloured
// muscles. A development tool of injmap-modelgen only.
#include <filesystem>
#include <string>

#include "injmap/models/model.hpp"

namespace injmap::preview {

// Writes <dir>/<id>-skin.png, <id>-muscles.png (four views each) and <id>-face.png (face
// close-ups). Returns false with a reason in `error`.
[[nodiscard]] bool write_previews(const Model& model, const std::filesystem::path& dir,
                                  std::string& error);

} // namespace injmap::preview
