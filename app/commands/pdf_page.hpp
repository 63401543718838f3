#pragma once
// Writes rendered pages (RGBA, top-left origin) as an A4 PDF with cairo: each page image is
// placed to fill its A4 sheet, so the PDF prints at the same layout as the PNG, and each page's
// text lines (PageCanvas::text_runs(), in page pixels; drawn with PageCanvas::text_as_pixels(false)
// so they are not also in the image) are set over it as real text in DejaVu Sans (cairo's toy font
// API, through fontconfig), so the PDF can be searched, copied, read aloud and extracted
// (pdftotext).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "injmap/render/page_canvas.hpp"

namespace injmap::cli {

// One A4 page per canvas, each its image with its text runs over it.
bool write_pdf_pages(const std::filesystem::path& path,
                     const std::vector<render::PageCanvas>& pages, std::string& error);

} // namespace injmap::cli
