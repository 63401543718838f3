#include "gui/page_output.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "injmap/models/atomic_file.hpp"
#include "injmap/version.hpp"

namespace injmap::gui {
namespace {

using render::PageCanvas;
using render::PageFont;
using render::PageOp;
using render::PageOpKind;
using render::Rgba8;

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

// DejaVu Sans regular and bold for cairo, made once from the very bytes the page measured with
// (PageCanvas::font_data), so glyph indices and shapes are the ones laid out. Kept for the whole
// process (cairo needs the FreeType faces as long as its font faces live).
cairo_font_face_t* font_face(PageFont font) {
    struct Faces {
        FT_Library library = nullptr;
        cairo_font_face_t* faces[2] = {nullptr, nullptr};
    };
    static Faces* const faces = [] {
        auto* out = new Faces;
        if (FT_Init_FreeType(&out->library) != 0)
            return out;
        for (int i = 0; i < 2; ++i) {
            const auto& data = PageCanvas::font_data(i == 0 ? PageFont::regular : PageFont::bold);
            FT_Face face = nullptr;
            if (data.empty() ||
                FT_New_Memory_Face(out->library, data.data(), FT_Long(data.size()), 0, &face) != 0)
                continue;
            // Unhinted outlines: the glyphs sit exactly where the layout put them.
            out->faces[i] = cairo_ft_font_face_create_for_ft_face(face, FT_LOAD_NO_HINTING);
        }
        return out;
    }();
    return faces->faces[font == PageFont::bold ? 1 : 0];
}

void set_colour(cairo_t* cr, Rgba8 c) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
}

void rounded_rect_path(cairo_t* cr, double x, double y, double w, double h, double r) {
    if (r <= 0.0) {
        cairo_rectangle(cr, x, y, w, h);
        return;
    }
    constexpr double kPi = std::numbers::pi;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -kPi / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, kPi / 2);
    cairo_arc(cr, x + r, y + h - r, r, kPi / 2, kPi);
    cairo_arc(cr, x + r, y + r, r, kPi, 3 * kPi / 2);
    cairo_close_path(cr);
}

void points_path(cairo_t* cr, const std::vector<float>& xy) {
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2)
        (i == 0 ? cairo_move_to : cairo_line_to)(cr, xy[i], xy[i + 1]);
}

// Strict UTF-8 (what cairo_show_text_glyphs accepts): no stray or missing continuation bytes, no
// overlong forms, surrogates or code points past U+10FFFF.
bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (i + n >= s.size())
            return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (d & 0x3Fu);
        }
        const std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

void draw_text(cairo_t* cr, const render::PageTextRun& run) {
    cairo_font_face_t* face = font_face(run.font);
    if (!face || run.glyphs.empty())
        return;
    cairo_set_font_face(cr, face);
    cairo_set_font_size(cr, run.em_px);
    set_colour(cr, run.colour);
    std::vector<cairo_glyph_t> glyphs;
    std::vector<cairo_text_cluster_t> clusters;
    std::size_t bytes = 0;
    for (const render::PageGlyph& g : run.glyphs) {
        glyphs.push_back({g.index, g.x, run.baseline});
        clusters.push_back({g.bytes, 1});
        bytes += g.bytes;
    }
    // With the text and which glyphs stand for which bytes, a PDF carries the words themselves
    // (copy, search, pdftotext); an image surface just draws the glyphs.
    if (bytes == run.text.size() && valid_utf8(run.text))
        cairo_show_text_glyphs(cr, run.text.data(), int(run.text.size()), glyphs.data(),
                               int(glyphs.size()), clusters.data(), int(clusters.size()),
                               cairo_text_cluster_flags_t(0));
    else
        cairo_show_glyphs(cr, glyphs.data(), int(glyphs.size()));
}

// cairo wants premultiplied native-endian ARGB32.
Surface argb_image(const render::PageImage& image) {
    Surface out(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, image.width, image.height));
    if (cairo_surface_status(out.get()) != CAIRO_STATUS_SUCCESS)
        return nullptr;
    cairo_surface_flush(out.get());
    unsigned char* data = cairo_image_surface_get_data(out.get());
    const int stride = cairo_image_surface_get_stride(out.get());
    for (int y = 0; y < image.height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + std::size_t(y) * std::size_t(stride));
        for (int x = 0; x < image.width; ++x) {
            const std::uint8_t* p =
                &image.rgba[(std::size_t(y) * std::size_t(image.width) + std::size_t(x)) * 4];
            const std::uint32_t a = p[3];
            const auto premultiply = [a](std::uint32_t c) { return (c * a + 127) / 255; };
            row[x] = (a << 24) | (premultiply(p[0]) << 16) | (premultiply(p[1]) << 8) |
                     premultiply(p[2]);
        }
    }
    cairo_surface_mark_dirty(out.get());
    return out;
}

// The page, in page pixels: the same calls for the PNG and the PDF.
void draw_page(cairo_t* cr, const PageCanvas& page) {
    cairo_save(cr);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);
    cairo_rectangle(cr, 0, 0, page.width(), page.height());
    cairo_clip(cr);
    set_colour(cr, page.background());
    cairo_paint(cr);
    for (const PageOp& op : page.ops()) {
        switch (op.kind) {
        case PageOpKind::fill_rounded_rect:
            rounded_rect_path(cr, op.x, op.y, op.w, op.h, op.radius);
            set_colour(cr, op.colour);
            cairo_fill(cr);
            break;
        case PageOpKind::stroke_rounded_rect: {
            // The outline lies inside the box: stroke the path half a thickness in.
            const double t = op.thickness, half = t * 0.5;
            rounded_rect_path(cr, op.x + half, op.y + half, op.w - t, op.h - t,
                              std::max(0.0, double(op.radius) - half));
            cairo_set_line_width(cr, t);
            set_colour(cr, op.colour);
            cairo_stroke(cr);
            break;
        }
        case PageOpKind::fill_circle:
            cairo_new_sub_path(cr);
            cairo_arc(cr, op.x, op.y, op.radius, 0, 2 * std::numbers::pi);
            set_colour(cr, op.colour);
            cairo_fill(cr);
            break;
        case PageOpKind::line:
        case PageOpKind::polyline:
            points_path(cr, op.points);
            cairo_set_line_width(cr, op.thickness);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            set_colour(cr, op.colour);
            cairo_stroke(cr);
            break;
        case PageOpKind::fill_polygon:
            points_path(cr, op.points);
            cairo_close_path(cr);
            set_colour(cr, op.colour);
            cairo_fill(cr);
            break;
        case PageOpKind::image: {
            const render::PageImage& image = page.images()[op.index];
            Surface surface = argb_image(image);
            if (!surface)
                break;
            cairo_set_source_surface(cr, surface.get(), image.x, image.y);
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
            cairo_rectangle(cr, image.x, image.y, image.width, image.height);
            cairo_fill(cr);
            break;
        }
        case PageOpKind::text:
            draw_text(cr, page.text_runs()[op.index]);
            break;
        }
    }
    cairo_restore(cr);
}

} // namespace

std::vector<std::uint8_t> page_rgba(const PageCanvas& page) {
    const int width = page.width(), height = page.height();
    Surface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return {};
    {
        Context cr(cairo_create(surface.get()));
        draw_page(cr.get(), page);
    }
    cairo_surface_flush(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    std::vector<std::uint8_t> out(std::size_t(width) * std::size_t(height) * 4);
    for (int y = 0; y < height; ++y) {
        const auto* row =
            reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * std::size_t(stride));
        for (int x = 0; x < width; ++x) {
            const std::uint32_t p = row[x];
            const std::uint32_t a = p >> 24;
            const auto straight = [a](std::uint32_t c) {
                return std::uint8_t(a == 0 ? 0
                                           : std::min<std::uint32_t>(255, (c * 255 + a / 2) / a));
            };
            std::uint8_t* q = &out[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
            q[0] = straight((p >> 16) & 0xFF);
            q[1] = straight((p >> 8) & 0xFF);
            q[2] = straight(p & 0xFF);
            q[3] = std::uint8_t(a);
        }
    }
    return out;
}

std::vector<std::uint8_t> stacked_rgba(const std::vector<PageCanvas>& pages) {
    std::vector<std::uint8_t> out;
    for (const auto& p : pages) {
        const auto rgba = page_rgba(p);
        out.insert(out.end(), rgba.begin(), rgba.end());
    }
    return out;
}

bool write_pdf_pages(const std::filesystem::path& path, const std::vector<PageCanvas>& pages,
                     const std::string& title, std::string& error) {
    if (pages.empty()) {
        error = "no page to write";
        return false;
    }
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
    if (!title.empty())
        cairo_pdf_surface_set_metadata(pdf.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    {
        Context cr(cairo_create(pdf.get()));
        for (const PageCanvas& page : pages) {
            cairo_save(cr.get());
            cairo_scale(cr.get(), kA4WidthPt / page.width(), kA4HeightPt / page.height());
            draw_page(cr.get(), page);
            cairo_restore(cr.get());
            cairo_show_page(cr.get());
        }
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
            error = std::string("cannot make the PDF: ") +
                    cairo_status_to_string(cairo_status(cr.get()));
            return false;
        }
    }
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

} // namespace injmap::gui
