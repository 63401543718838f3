#pragma once
// The one player of printed pages (render::PageCanvas): every page is drawn by the same cairo calls
// onto a cairo image surface (pixels, for the PNG and the patient-mode preview) or onto a cairo PDF
// surface (A4 pages with vector shapes, the model views as images and the words as real text in
// DejaVu Sans, searchable and extractable with pdftotext). The glyphs are the ones the page laid
// out (stb_truetype indices and positions, the same font file through cairo-ft), so the PNG and
// the PDF have the same layout by construction: a PDF page rasterised at 150 dpi is the PNG page.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "injmap/render/page_canvas.hpp"

namespace injmap::gui {

// The page in pixels, width·height·4 RGBA bytes, top-left origin (empty when cairo fails).
[[nodiscard]] std::vector<std::uint8_t> page_rgba(const render::PageCanvas& page);

// The pages one under the other (width × height·pages RGBA): the PNG form of a handout. The pages
// must share one width.
[[nodiscard]] std::vector<std::uint8_t> stacked_rgba(const std::vector<render::PageCanvas>& pages);

// Writes one A4 portrait page per canvas (each page's pixels span the sheet), `title` as the
// document title (none when empty). Made in memory, then written to a temporary file and renamed
// into place; false with `error` set when it cannot be made or written.
bool write_pdf_pages(const std::filesystem::path& path,
                     const std::vector<render::PageCanvas>& pages, const std::string& title,
                     std::string& error);

} // namespace injmap::gui
