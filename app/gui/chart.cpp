#include "gui/chart.hpp"

#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iterator>
#include <vector>

#include "gui/app.hpp"
#include "gui/chart_text.hpp"
#include "gui/panels.hpp"
#include "gui/print_palette.hpp"
#include "gui/viewport.hpp"
#include "injmap/models/framing.hpp"
#include "injmap/protocols/session.hpp"
#include "injmap/protocols/site_offset.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/png.hpp"
#include "injmap/version.hpp"

namespace injmap::gui {
namespace {
namespace fs = std::filesystem;

// The colours are the printed pages' palette (gui/print_palette.hpp), shared with the handout.
using Rgb = render::Rgba8;
using print::kAccent;
using print::kDone;
using print::kInk;
using print::kMuted;
using print::kRule;
using print::kSkipped;
using print::kStripe;
using print::kUrgent;

class Canvas {
public:
    Canvas(int w, int h) : w_(w), h_(h), px_(std::size_t(w) * std::size_t(h) * 4, 255) {}
    [[nodiscard]] int width() const { return w_; }
    [[nodiscard]] int height() const { return h_; }
    [[nodiscard]] const std::vector<std::uint8_t>& rgba() const { return px_; }

    void fill(int x0, int y0, int x1, int y1, Rgb c) {
        for (int y = std::max(0, y0); y < std::min(h_, y1); ++y)
            for (int x = std::max(0, x0); x < std::min(w_, x1); ++x)
                put(x, y, c, 255);
    }
    void blit(int x0, int y0, int w, int h, const std::vector<std::uint8_t>& rgba) {
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::uint8_t* s = &rgba[(std::size_t(y) * w + x) * 4];
                put(x0 + x, y0 + y, Rgb{s[0], s[1], s[2], 255}, 255);
            }
    }
    void put(int x, int y, Rgb c, int alpha) {
        if (x < 0 || y < 0 || x >= w_ || y >= h_ || alpha <= 0)
            return;
        std::uint8_t* p = &px_[(std::size_t(y) * w_ + x) * 4];
        p[0] = static_cast<std::uint8_t>((c.r * alpha + p[0] * (255 - alpha)) / 255);
        p[1] = static_cast<std::uint8_t>((c.g * alpha + p[1] * (255 - alpha)) / 255);
        p[2] = static_cast<std::uint8_t>((c.b * alpha + p[2] * (255 - alpha)) / 255);
        p[3] = 255;
    }

private:
    int w_, h_;
    std::vector<std::uint8_t> px_;
};

// A TrueType face drawn straight into the canvas (stb_truetype, coverage as alpha).
class Face {
public:
    bool load(const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        data_.assign(std::istreambuf_iterator<char>(in), {});
        if (data_.empty())
            return false;
        const auto* bytes = reinterpret_cast<const unsigned char*>(data_.data());
        return stbtt_InitFont(&info_, bytes, stbtt_GetFontOffsetForIndex(bytes, 0)) != 0;
    }

    // Draws UTF-8 text with its baseline at `baseline`; returns the advance in pixels.
    float draw(Canvas& canvas, float x, float baseline, const std::string& text, float size,
               Rgb c) const {
        return run(&canvas, x, baseline, text, size, c);
    }
    [[nodiscard]] float width(const std::string& text, float size) const {
        return run(nullptr, 0, 0, text, size, kInk);
    }

private:
    float run(Canvas* canvas, float x, float baseline, const std::string& text, float size,
              Rgb c) const {
        const float scale = stbtt_ScaleForPixelHeight(&info_, size);
        const float start = x;
        int previous = 0;
        for (std::size_t i = 0; i < text.size();) {
            const int cp = decode(text, i);
            if (previous)
                x += scale * float(stbtt_GetCodepointKernAdvance(&info_, previous, cp));
            int advance = 0, bearing = 0;
            stbtt_GetCodepointHMetrics(&info_, cp, &advance, &bearing);
            if (canvas) {
                int w = 0, h = 0, xo = 0, yo = 0;
                const float shift = x - std::floor(x);
                unsigned char* bitmap = stbtt_GetCodepointBitmapSubpixel(
                    &info_, scale, scale, shift, 0.0f, cp, &w, &h, &xo, &yo);
                const int ox = int(std::floor(x)) + xo, oy = int(std::lround(baseline)) + yo;
                for (int yy = 0; yy < h; ++yy)
                    for (int xx = 0; xx < w; ++xx)
                        canvas->put(ox + xx, oy + yy, c, bitmap[yy * w + xx]);
                stbtt_FreeBitmap(bitmap, nullptr);
            }
            x += scale * float(advance);
            previous = cp;
        }
        return x - start;
    }

    static int decode(const std::string& s, std::size_t& i) {
        const auto b = [&](std::size_t k) {
            return static_cast<unsigned char>(k < s.size() ? s[k] : 0);
        };
        const unsigned char c = b(i);
        if (c < 0x80) {
            i += 1;
            return c;
        }
        if ((c >> 5) == 6) {
            const int cp = ((c & 0x1F) << 6) | (b(i + 1) & 0x3F);
            i += 2;
            return cp;
        }
        if ((c >> 4) == 14) {
            const int cp = ((c & 0x0F) << 12) | ((b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F);
            i += 3;
            return cp;
        }
        i += 4;
        return '?';
    }

    std::vector<char> data_;
    stbtt_fontinfo info_{};
};

std::string fit(const Face& face, std::string text, float size, float max_width) {
    if (face.width(text, size) <= max_width)
        return text;
    while (!text.empty() && face.width(text + "…", size) > max_width) {
        text.pop_back();
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
            text.pop_back(); // never cut a UTF-8 sequence
    }
    return text + "…";
}

// `text` broken at spaces into lines no wider than `max_width` (a word wider than that stays whole
// on its own line and is cut by fit()).
std::vector<std::string> wrap(const Face& face, const std::string& text, float size,
                              float max_width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string word = text.substr(pos, end - pos);
        const std::string longer = line.empty() ? word : line + " " + word;
        if (!line.empty() && face.width(longer, size) > max_width) {
            lines.push_back(line);
            line = word;
        } else {
            line = longer;
        }
        pos = end + 1;
    }
    if (!line.empty() || lines.empty())
        lines.push_back(line);
    return lines;
}

std::string local_hhmm(const std::optional<SessionTime>& t) {
    if (!t)
        return "";
    const std::time_t tt = std::chrono::system_clock::to_time_t(*t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
    return buf;
}

} // namespace

bool write_session_chart(App& app, const Session& session, const fs::path& path,
                         std::string& error) {
    const Model* model = app.model();
    if (!model) {
        error = "no model";
        return false;
    }
    Face regular, bold;
    if (!regular.load(fs::path(INJMAP_FONT_DIR) / "DejaVuSans.ttf") ||
        !bold.load(fs::path(INJMAP_FONT_DIR) / "DejaVuSans-Bold.ttf")) {
        error = "DejaVu Sans not found in " INJMAP_FONT_DIR " (package fonts-dejavu-core)";
        return false;
    }
    const auto& sites = session.sites();
    const LoadedProtocol& loaded = app.protocol();

    // Markers: every site, numbered, coloured by outcome.
    render::FrameSnapshot base;
    base.model = model;
    base.skin_index = app.queries() ? &app.queries()->skin() : nullptr;
    base.layers.labels = false;
    base.layers.needles = false;
    base.skin_tone = app.skin_tone;
    base.antialias = true;
    base.ui_scale = 1.0f; // full-size badges, as in the window
    base.background = {1.0f, 1.0f, 1.0f, 1.0f};
    const std::size_t placed_count = loaded.usable() ? loaded.placed.sites.size() : 0;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const SessionSite& s = sites[i];
        render::Marker m;
        m.id = s.id;
        m.number = static_cast<int>(i) + 1;
        if (s.moved()) { // injected elsewhere: drawn where it was given
            m.position = *s.position_mm;
            if (app.queries())
                if (auto hit = app.queries()->skin().closest_point(*s.position_mm))
                    m.normal = hit->normal, m.needle_direction = -hit->normal;
        } else if (i < session.protocol_site_count() && i < placed_count &&
                   loaded.placed.sites[i].placed) {
            m.position = loaded.placed.sites[i].position;
            m.normal = loaded.placed.sites[i].normal;
            m.needle_direction = loaded.placed.sites[i].needle_direction;
        } else if (s.position_mm) {
            m.position = *s.position_mm;
            if (app.queries())
                if (auto hit = app.queries()->skin().closest_point(*s.position_mm))
                    m.normal = hit->normal, m.needle_direction = -hit->normal;
        } else {
            continue;
        }
        m.state = s.status == SiteStatus::injected ? render::MarkerState::done
                                                   : render::MarkerState::skipped;
        base.markers.push_back(std::move(m));
    }

    constexpr int kViewW = 460, kViewH = 580, kMargin = 40, kGap = 12;
    constexpr const char* kViews[] = {"front", "back", "left", "right"};
    const int width = kMargin * 2 + 4 * kViewW + 3 * kGap;
    constexpr float kRow = 25.0f;
    const std::size_t rows_per_column = (sites.size() + 1) / 2;
    const int table_top = kMargin + 90 + kViewH + 40;
    // The checklist and the boxed warning, below the totals: laid out first to size the image.
    struct Laid {
        ChartLine::Style style;
        std::string text;
        bool first; // the first line of its paragraph
    };
    std::vector<Laid> checklist_lines;
    constexpr float kTextSize = 15.0f, kLine = 21.0f;
    const float text_width = float(width - 2 * kMargin - 24);
    for (const ChartLine& line : checklist_chart_lines(session, nullptr)) {
        bool first = true;
        for (std::string& part : wrap(line.style == ChartLine::Style::heading ? bold : regular,
                                      line.text, kTextSize, text_width)) {
            checklist_lines.push_back(
                {line.style, fit(regular, part, kTextSize, text_width), first});
            first = false;
        }
    }
    const int checklist_height = int(kLine * float(checklist_lines.size() + 3));
    const int height = table_top + int(kRow * float(rows_per_column + 1)) + 110 + checklist_height;
    Canvas canvas(width, height);

    // Title.
    const Protocol& protocol = session.protocol();
    bold.draw(canvas, kMargin, kMargin + 24, "Treatment chart  ·  " + protocol.title, 26, kInk);
    std::string sub;
    if (auto t = session.started_at()) {
        const std::time_t tt = std::chrono::system_clock::to_time_t(*t);
        std::tm tm{};
        localtime_r(&tt, &tm);
        char buf[40];
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
        sub = buf;
    }
    if (!session.start_info().label.empty())
        sub += "  ·  " + session.start_info().label;
    sub += "  ·  " + model->display_name + "  ·  " + protocol.product;
    regular.draw(canvas, kMargin, kMargin + 56, sub, 17, kMuted);

    // Views.
    for (int v = 0; v < 4; ++v) {
        render::FrameSnapshot frame = base;
        frame.width = kViewW;
        frame.height = kViewH;
        // Frame the sites (not the whole model), so the numbers stay legible.
        std::vector<glm::vec3> points;
        for (const render::Marker& m : base.markers)
            points.push_back(m.position);
        if (points.empty()) {
            const Bounds b = framing_bounds(*model);
            points = {b.min, b.max};
        }
        if (auto cam = render::frame_points(points, kViews[v], float(kViewW) / float(kViewH), 0.12f,
                                            260.0f))
            frame.camera = *cam;
        const auto rgba = app.viewport_renderer().render_rgba(frame);
        if (rgba.size() != std::size_t(kViewW) * kViewH * 4) {
            error = "the renderer is unavailable";
            return false;
        }
        const int x = kMargin + v * (kViewW + kGap), y = kMargin + 80;
        canvas.blit(x, y, kViewW, kViewH, rgba);
        canvas.fill(x, y + kViewH, x + kViewW, y + kViewH + 1, kRule);
        const std::string caption =
            v < 2 ? display_name(kViews[v]) : std::string("Subject's ") + kViews[v];
        regular.draw(canvas, float(x + 8), float(y + kViewH + 22), caption, 15, kMuted);
    }

    // Table in two columns.
    const float col_w = float(width - 2 * kMargin - 30) / 2.0f;
    const float cols[] = {0,   40,  250, 300,
                          360, 460, 520}; // #, muscle, side, units, status, time, reason
    for (int half = 0; half < 2; ++half) {
        const float x0 = float(kMargin) + float(half) * (col_w + 30.0f);
        float y = float(table_top);
        const char* heads[] = {"#", "Muscle", "Side", "Units", "Status", "Time", "Reason"};
        for (int c = 0; c < 7; ++c)
            bold.draw(canvas, x0 + cols[c], y, heads[c], 15, kInk);
        canvas.fill(int(x0), int(y + 8), int(x0 + col_w), int(y + 9), kRule);
        y += kRow;
        for (std::size_t r = 0; r < rows_per_column; ++r) {
            const std::size_t i = std::size_t(half) * rows_per_column + r;
            if (i >= sites.size())
                break;
            const SessionSite& s = sites[i];
            if (r % 2 == 1)
                canvas.fill(int(x0), int(y - kRow + 8), int(x0 + col_w), int(y + 8), kStripe);
            const Rgb c = s.status == SiteStatus::injected ? kDone : kSkipped;
            const char* status = s.status == SiteStatus::injected  ? "injected"
                                 : s.status == SiteStatus::skipped ? "skipped"
                                                                   : "not given";
            bold.draw(canvas, x0 + cols[0], y, std::to_string(i + 1), 15, kInk);
            regular.draw(canvas, x0 + cols[1], y,
                         fit(regular, display_name(s.muscle) + (s.added ? " (FTP)" : ""), 15, 200),
                         15, kInk);
            regular.draw(canvas, x0 + cols[2], y, side_short(s.side), 15, kInk);
            regular.draw(canvas, x0 + cols[3], y,
                         s.status == SiteStatus::injected ? format_units(s.units_given) + " U"
                                                          : "–",
                         15, kInk);
            regular.draw(canvas, x0 + cols[4], y, status, 15, c);
            regular.draw(canvas, x0 + cols[5], y, local_hhmm(s.time), 15, kMuted);
            // A moved site says where it went first: "moved 8 mm: 6 mm lateral, 5 mm up".
            std::string note = s.reason;
            if (s.moved()) {
                const SiteOffset offset = describe_offset(*s.planned_mm, *s.position_mm, s.side);
                note = "moved " + std::to_string(std::lround(offset.distance_mm)) + " mm" +
                       (offset.direction.empty() ? "" : ": " + offset.direction) +
                       (note.empty() ? "" : "; " + note);
            }
            regular.draw(canvas, x0 + cols[6], y, fit(regular, note, 15, col_w - cols[6] - 4), 15,
                         kMuted);
            y += kRow;
        }
    }

    // Totals and the disclaimer.
    const SessionTallies t = session.tallies();
    const float ty = float(table_top) + kRow * float(rows_per_column + 1) + 30.0f;
    std::string totals = "Total given " + format_units(t.total.units) + " U";
    if (t.total.limit)
        totals += " (limit " + format_units(*t.total.limit) + " U)";
    totals += "  ·  " + std::to_string(t.injected) + " injected, " + std::to_string(t.skipped) +
              " skipped, " + std::to_string(t.not_given) + " not given, " +
              std::to_string(t.added) + " follow-the-pain";
    char logistics[160];
    std::snprintf(logistics, sizeof logistics,
                  "  ·  %.0f × 0.1 mL at %s U/0.1 mL  ·  %d vial(s), %s U waste",
                  t.given.injections_of_0_1_ml, format_units(t.units_per_0_1_ml).c_str(),
                  t.given.vials_needed, format_units(t.given.waste_units).c_str());
    bold.draw(canvas, kMargin, ty, totals + logistics, 16, t.total.over() ? kUrgent : kAccent);

    // The checklist's answers, then the boxed warning in a red-ruled box.
    float cy = ty + 44.0f;
    canvas.fill(kMargin, int(cy - 18), width - kMargin, int(cy - 17), kRule);
    cy += 8.0f;
    float box_top = -1.0f;
    for (const Laid& l : checklist_lines) {
        using Style = ChartLine::Style;
        if (l.style == Style::warning_title && l.first) {
            cy += 8.0f;
            box_top = cy - 18.0f;
        }
        const Face& face =
            l.style == Style::heading || l.style == Style::warning_title ? bold : regular;
        const Rgb colour = l.style == Style::yes             ? kSkipped
                           : l.style == Style::muted         ? kMuted
                           : l.style == Style::warning_title ? kUrgent
                                                             : kInk;
        face.draw(canvas, float(kMargin + 12), cy, l.text, kTextSize, colour);
        cy += kLine;
    }
    if (box_top >= 0.0f) {
        const int x0 = kMargin, x1 = width - kMargin, y0 = int(box_top), y1 = int(cy - 12.0f);
        canvas.fill(x0, y0, x1, y0 + 2, kUrgent);
        canvas.fill(x0, y1, x1, y1 + 2, kUrgent);
        canvas.fill(x0, y0, x0 + 2, y1 + 2, kUrgent);
        canvas.fill(x1 - 2, y0, x1, y1 + 2, kUrgent);
    }
    regular.draw(canvas, kMargin, cy + 16.0f,
                 std::string("injmap ") + INJMAP_VERSION + "  ·  " + kDisclaimer, 14, kMuted);

    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return render::write_png(path, canvas.width(), canvas.height(), canvas.rgba(), error);
}

} // namespace injmap::gui
