#pragma once
// Writes one rendered page (RGBA, top-left origin) as a one-page A4 PDF with cairo: the page image
// is placed to fill the A4 sheet, so the PDF prints at the same layout as the PNG.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace injmap::cli {

bool write_pdf_page(const std::filesystem::path& path, int width, int height,
                    const std::vector<std::uint8_t>& rgba, std::string& error);

} // namespace injmap::cli
