#include "commands/pdf_page.hpp"

#include <memory>

#include <cairo-pdf.h>
#include <cairo.h>

#include "injmap/models/atomic_file.hpp"
#include "injmap/version.hpp"

namespace injmap::cli {
namespace {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

constexpr double kA4WidthPt = 595.276; // 210 mm
constexpr double kA4HeightPt = 841.89; // 297 mm

} // namespace

namespace {

// cairo wants premultiplied native-endian ARGB32 (BGRA bytes on little-endian machines).
Surface argb_image(const render::PageCanvas& page) {
    const int width = page.width(), height = page.height();
    const std::vector<std::uint8_t>& rgba = page.rgba();
    Surface image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS)
        return nullptr;
    cairo_surface_flush(image.get());
    unsigned char* data = cairo_image_surface_get_data(image.get());
    const int stride = cairo_image_surface_get_stride(image.get());
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + std::size_t(y) * stride);
        for (int x = 0; x < width; ++x) {
            const std::uint8_t* p = &rgba[(std::size_t(y) * width + x) * 4];
            const std::uint32_t a = p[3];
            const auto premultiply = [a](std::uint32_t c) { return (c * a + 127) / 255; };
            row[x] = (a << 24) | (premultiply(p[0]) << 16) | (premultiply(p[1]) << 8) |
                     premultiply(p[2]);
        }
    }
    cairo_surface_mark_dirty(image.get());
    return image;
}

} // namespace

bool write_pdf_pages(const std::filesystem::path& path,
                     const std::vector<render::PageCanvas>& pages, std::string& error) {
    if (pages.empty()) {
        error = "no page to write";
        return false;
    }
    // The PDF is made in memory, then written to a temporary file and renamed into place.
    std::string bytes;
    const cairo_write_func_t append = [](void* closure, const unsigned char* chunk,
                                         unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(chunk), length);
        return CAIRO_STATUS_SUCCESS;
    };
    Surface pdf(cairo_pdf_surface_create_for_stream(append, &bytes, kA4WidthPt, kA4HeightPt));
    if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
        error = "cannot make the PDF";
        return false;
    }
    cairo_pdf_surface_set_metadata(pdf.get(), CAIRO_PDF_METADATA_CREATOR, "injmap " INJMAP_VERSION);
    Context cr(cairo_create(pdf.get()));
    for (const render::PageCanvas& page : pages) {
        Surface image = argb_image(page);
        if (!image) {
            error = "out of memory for the PDF page";
            return false;
        }
        cairo_save(cr.get());
        cairo_scale(cr.get(), kA4WidthPt / page.width(), kA4HeightPt / page.height());
        cairo_set_source_surface(cr.get(), image.get(), 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
        cairo_paint(cr.get());
        // The text as text, at the places and sizes the page laid it out (same font, DejaVu Sans).
        for (const render::PageTextRun& run : page.text_runs()) {
            cairo_select_font_face(cr.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                   run.font == render::PageFont::bold ? CAIRO_FONT_WEIGHT_BOLD
                                                                      : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr.get(), run.em_px);
            cairo_set_source_rgba(cr.get(), run.colour.r / 255.0, run.colour.g / 255.0,
                                  run.colour.b / 255.0, run.colour.a / 255.0);
            cairo_move_to(cr.get(), run.x, run.baseline);
            cairo_show_text(cr.get(), run.text.c_str());
        }
        cairo_restore(cr.get());
        cairo_show_page(cr.get());
    }
    cr.reset();
    cairo_surface_finish(pdf.get());
    if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
        error = "cannot make the PDF";
        return false;
    }
    pdf.reset();
    std::string reason;
    if (!io::write_file_atomically(path, std::string_view(bytes), reason)) {
        error = "cannot write " + path.string() + ": " + reason;
        return false;
    }
    return true;
}

} // namespace injmap::cli
