#pragma once
// A small CPU rasteriser for looking at generated models without GL: orthographic views (front,
// left, back, oblique), Lambert shading; the skin opaque, and see-through skin over coloured
// muscles. A development tool of injmap-modelgen only.
#include <filesystem>
#include <string>

#include "injmap/models/model.hpp"

namespace injmap::preview {

// Writes into dir, each as 2 × 2 panels: <id>-bust.png, -bust-muscles.png, -bust-landmarks.png
// (front, left, back, oblique), the same three as head close-ups (<id>-head*.png), and
// <id>-detail.png (ear, eyes and nose, mouth, neck-shoulder). Returns false with a reason in
// `error`.
[[nodiscard]] bool write_previews(const Model& model, const std::filesystem::path& dir,
                                  std::string& error);

} // namespace injmap::preview
