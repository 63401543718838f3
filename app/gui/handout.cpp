#include "gui/handout.hpp"

#include <algorithm>
#include <cmath>

#include "gui/patient_content.hpp"
#include "gui/print_palette.hpp"
#include "injmap/models/framing.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/version.hpp"

namespace injmap::gui {
namespace {

using render::PageCanvas;
using render::PageFont;
using render::WrappedText;

using print::kAccent;
using print::kAccentFaint;
using print::kAccentSoft;
using print::kGrid;
using print::kInk;
using print::kMuted;
using print::kPaper;
using print::kRule;
using print::kUrgent;
using print::kUrgentSoft;

constexpr float kMargin = 64.0f;
constexpr float kImageW = 330.0f;
constexpr float kImageH = 470.0f; // before cropping
constexpr float kImageGap = 14.0f;
constexpr float kColumnGap = 36.0f;
constexpr float kFooterH = 118.0f;

// Cuts wrapped text to at most `max_lines`, ending the last kept line with "…" — dropping its
// last words while the line with the "…" would be wider than `width` (set in `px`, `font`).
void cut_lines(WrappedText& t, std::size_t max_lines, float width, float px, PageFont font) {
    if (t.lines.size() <= max_lines)
        return;
    t.lines.resize(max_lines);
    if (t.lines.empty())
        return;
    std::string& last = t.lines.back();
    while (PageCanvas::text_width(last + "…", px, font) > width) {
        const auto space = last.find_last_of(' ');
        if (space == std::string::npos || space == 0)
            break;
        last.resize(space);
    }
    while (!last.empty() && (last.back() == ',' || last.back() == ';' || last.back() == ':'))
        last.pop_back();
    last += "…";
}

struct CardLayout {
    PatientCard card;
    WrappedText heading;
    WrappedText body;
    float height = 0.0f; // including the space after it
};

struct Sizes {
    float body = 20.0f;
    [[nodiscard]] float heading() const { return body * 1.08f; }
    [[nodiscard]] float section() const { return body * 1.25f; }
    [[nodiscard]] float pad() const { return body * 0.7f; } // inside the urgent box
};

CardLayout layout_card(const PatientCard& card, float width, const Sizes& s) {
    CardLayout out;
    out.card = card;
    const float inner = card.urgent ? width - 2.0f * s.pad() - 6.0f : width;
    out.heading = PageCanvas::wrap(card.heading, inner, s.heading(), PageFont::bold, 1.3f);
    out.body = PageCanvas::wrap(card.text, inner, s.body, PageFont::regular, 1.38f);
    out.height = out.heading.height() + s.body * 0.25f + out.body.height() + s.body * 0.95f;
    if (card.urgent)
        out.height += 2.0f * s.pad();
    return out;
}

float column_height(const std::vector<CardLayout>& cards, std::size_t from, std::size_t to) {
    float h = 0.0f;
    for (std::size_t i = from; i < to; ++i)
        h += cards[i].height;
    return h;
}

// Draws a card with its top at y; returns the y below it.
float draw_card(PageCanvas& page, const CardLayout& c, float x, float y, float width,
                const Sizes& s) {
    float tx = x, ty = y;
    if (c.card.urgent) {
        const float box_h = c.height - s.body * 0.95f;
        page.fill_rounded_rect(x, y, width, box_h, 10.0f, kUrgentSoft);
        page.fill_rounded_rect(x, y, 6.0f, box_h, 3.0f, kUrgent);
        tx = x + 6.0f + s.pad();
        ty = y + s.pad();
    }
    ty = page.paragraph(tx, ty, c.heading, s.heading(), PageFont::bold,
                        c.card.urgent ? kUrgent : kAccent);
    ty += s.body * 0.25f;
    page.paragraph(tx, ty, c.body, s.body, PageFont::regular, kInk);
    return y + c.height;
}

// The head and shoulders (framing.hpp), not a whole body that came with the scan.
std::vector<glm::vec3> skin_corners(const Model& model) {
    return framing_corners(model);
}

// The timeline: an illustrative effect curve over the weeks, the five moments marked on it and
// named below the axis, or above the curve where two moments are close. Returns its height.
float draw_timeline(PageCanvas* page, const PatientInfo& info, float x, float y, float width,
                    const Sizes& s) {
    const float label_px = std::max(15.0f, s.body * 0.82f);
    const float band = label_px * 2.6f; // two lines of label
    const float curve_h = 84.0f;
    const float height = band + curve_h + 10.0f + band;
    if (!page)
        return height;
    const double span = timeline_span_days(info);
    const auto px_of = [&](double day) { return x + float(day / span) * width; };
    const float top = y + band;
    const float base = top + curve_h;
    const auto y_of = [&](double day) {
        return base - float(effect_level(info, day)) * (curve_h - 8.0f);
    };
    // Week grid, faint, every two weeks.
    for (int week = 0; week * 7 <= int(span); week += 2) {
        const float gx = px_of(week * 7.0);
        page->line(gx, top, gx, base, 1.0f, kGrid);
    }
    // The effect area and its outline, sampled every page pixel.
    const int steps = std::max(2, int(std::ceil(width)));
    std::vector<float> curve;
    for (int k = 0; k <= steps; ++k) {
        const double day = double(k) / double(steps) * span;
        curve.insert(curve.end(), {x + float(k) / float(steps) * width, y_of(day)});
    }
    std::vector<float> area = curve;
    area.insert(area.end(), {x + width, base, x, base});
    page->fill_polygon(std::move(area), kAccentSoft);
    page->polyline(std::move(curve), 2.5f, kAccent);
    page->line(x, base, x + width, base, 2.0f, kInk);
    // Named inside the shaded area, on the plateau, so it never meets a label.
    const std::string note(patient_words::kTimelineNote);
    const float note_px = label_px * 0.85f;
    const float note_x = (px_of(info.full_effect_days) + px_of(info.wearing_off_days) -
                          PageCanvas::text_width(note, note_px, PageFont::regular)) *
                         0.5f;
    page->text(note_x, base - 10.0f, note, note_px, PageFont::regular, kAccent);
    // The moments and their labels.
    const auto marks = timeline_marks(info);
    std::vector<float> centres, widths;
    for (const TimelineMark& m : marks) {
        centres.push_back(px_of(m.day));
        widths.push_back(std::max(PageCanvas::text_width(m.title, label_px, PageFont::bold),
                                  PageCanvas::text_width(m.when, label_px, PageFont::regular)));
    }
    const auto places = place_timeline_labels(centres, widths, x, x + width, 18.0f);
    const float asc = PageCanvas::ascent(label_px, PageFont::bold);
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const float mx = centres[i], my = y_of(marks[i].day);
        const bool above = places[i].row == 1;
        const float label_top = above ? y : base + 12.0f;
        if (above)
            page->line(mx, label_top + band - 6.0f, mx, my, 1.5f, kMuted);
        else
            page->line(mx, my, mx, label_top + 2.0f, 1.5f, kMuted);
        page->fill_circle(mx, my, 7.0f, i == 0 || i + 1 == marks.size() ? kAccent : kPaper);
        page->stroke_rounded_rect(mx - 7.0f, my - 7.0f, 14.0f, 14.0f, 7.0f, 2.5f, kAccent);
        const float lx = places[i].left;
        page->text(lx, label_top + asc + 2.0f, marks[i].title, label_px, PageFont::bold, kInk);
        page->text(lx, label_top + asc + 2.0f + label_px * 1.2f, marks[i].when, label_px,
                   PageFont::regular, kMuted);
    }
    return height;
}

} // namespace

bool compose_handout(const HandoutInput& input, const RenderRgba& render_rgba,
                     std::vector<PageCanvas>& pages, std::string& error, HandoutLayoutInfo* info) {
    if (pages.empty())
        pages.emplace_back(kHandoutWidth, kHandoutHeight);
    pages.erase(pages.begin() + 1, pages.end());
    pages.reserve(2); // `page` stays valid when page 2 is added
    PageCanvas& page = pages.front();
    if (!input.model || !input.protocol) {
        error = "no model or protocol";
        return false;
    }
    if (!PageCanvas::fonts_available()) {
        error = "DejaVu Sans not found (package fonts-dejavu-core, or set INJMAP_FONT_DIR)";
        return false;
    }
    const Model& model = *input.model;
    const Protocol& protocol = *input.protocol;
    const PatientInfo& patient = protocol.patient;
    const float W = float(page.width()), H = float(page.height());
    const float content_w = W - 2.0f * kMargin;

    // ---- header ----
    namespace words = patient_words;
    float y = kMargin;
    page.text(kMargin, y + 18.0f, std::string(words::kPatientInformation), 18.0f, PageFont::bold,
              kAccent);
    y += 30.0f;
    const std::string title_text = patient_title(protocol);
    WrappedText title = PageCanvas::wrap(title_text, content_w, 40.0f, PageFont::bold, 1.15f);
    cut_lines(title, 2, content_w, 40.0f, PageFont::bold);
    y = page.paragraph(kMargin, y, title, 40.0f, PageFont::bold, kInk);
    if (!input.subtitle.empty()) {
        page.text(kMargin, y + 26.0f, input.subtitle, 22.0f, PageFont::regular, kMuted);
        y += 44.0f;
    } else {
        y += 14.0f;
    }
    page.fill_rect(kMargin, y, content_w, 2.0f, kRule);
    y += 22.0f;

    // ---- the two views ----
    render::FrameSnapshot frame;
    frame.model = &model;
    frame.skin_index = input.queries ? &input.queries->skin() : nullptr;
    frame.layers.markers = false;
    frame.layers.labels = false;
    frame.layers.needles = false;
    frame.skin_tone = input.skin_tone;
    frame.soft_highlighted_muscles = treated_muscles(model, protocol);
    if (info) {
        info->title = title_text;
        info->treated_muscles = frame.soft_highlighted_muscles;
    }
    frame.width = int(kImageW);
    frame.height = int(kImageH);
    frame.antialias = true;
    frame.background = {1.0f, 1.0f, 1.0f, 0.0f}; // transparent: the page shows through
    const auto corners = skin_corners(model);
    // Both views are framed whole and then cropped to the rows the model covers (it is wider than
    // tall, so a fixed box would leave bands of empty page above and below).
    const char* views[] = {"front", "back"};
    std::vector<std::uint8_t> images[2];
    int top_row = int(kImageH), bottom_row = 0;
    for (int v = 0; v < 2; ++v) {
        if (auto camera = render::frame_points(corners, views[v], kImageW / kImageH, 0.04f))
            frame.camera = *camera;
        images[v] = render_rgba(frame);
        if (images[v].size() != std::size_t(kImageW) * std::size_t(kImageH) * 4) {
            error = "the model could not be rendered";
            return false;
        }
        for (int row = 0; row < int(kImageH); ++row)
            for (int col = 0; col < int(kImageW); ++col)
                if (images[v][(std::size_t(row) * std::size_t(kImageW) + std::size_t(col)) * 4 +
                              3] > 8) {
                    top_row = std::min(top_row, row);
                    bottom_row = std::max(bottom_row, row);
                    break;
                }
    }
    if (bottom_row < top_row) {
        error = "the model is not in view";
        return false;
    }
    top_row = std::max(0, top_row - 6);
    bottom_row = std::min(int(kImageH) - 1, bottom_row + 6);
    const int image_h = bottom_row - top_row + 1;
    for (int v = 0; v < 2; ++v) {
        const std::vector<std::uint8_t> rows(
            images[v].begin() + std::ptrdiff_t(top_row) * std::ptrdiff_t(kImageW) * 4,
            images[v].begin() + std::ptrdiff_t(bottom_row + 1) * std::ptrdiff_t(kImageW) * 4);
        const float ix = kMargin + float(v) * (kImageW + kImageGap);
        page.blit(int(ix), int(y), int(kImageW), image_h, rows);
        const char* caption = v == 0 ? "Front" : "Back";
        page.text(ix + (kImageW - PageCanvas::text_width(caption, 19.0f, PageFont::regular)) * 0.5f,
                  y + float(image_h) + 24.0f, caption, 19.0f, PageFont::regular, kMuted);
    }
    const float map_top = y;
    const float map_bottom = y + float(image_h) + 34.0f;
    const float areas_x = kMargin + 2.0f * kImageW + kImageGap + kColumnGap;
    const float areas_w = W - kMargin - areas_x;
    const auto areas = patient_areas(protocol);
    if (info)
        for (const PatientArea& a : areas)
            info->areas.push_back(a.text);
    const auto cards = patient_cards(patient);
    const float footer_top = H - kMargin - kFooterH;

    // ---- choose the type size and the pages ----
    // One page when everything fits at a comfortable size (19 px and up, about 9 pt printed);
    // else two pages, at the largest size (down to 15 px) at which everything fits on them.
    // The cards run in reading order down the columns: on one page split into two columns of
    // about equal height; on two pages filling page 1's columns, the rest split evenly on page 2.
    struct Column {
        int page = 0;
        float x = 0.0f, top = 0.0f, limit = 0.0f;
        std::vector<std::size_t> cards;
    };
    const float col_w = (content_w - kColumnGap) * 0.5f;
    const float page2_top = kMargin + 64.0f; // below page 2's running head
    const float continued_h = 40.0f;         // "More on the next page." at the foot of page 1
    Sizes s;
    std::vector<CardLayout> laid;
    std::vector<Column> columns;
    float cards_top = 0.0f, areas_h = 0.0f;
    bool fits = false;
    // Splits cards [from, to) into two columns on `page` between top and limit, as evenly as the
    // reading order allows; false when the taller one does not fit.
    const auto split_evenly = [&](std::size_t from, std::size_t to, int on_page, float top,
                                  float limit) {
        std::size_t best_k = from;
        float best = 1e9f;
        for (std::size_t k = from; k <= to; ++k) {
            const float h = std::max(column_height(laid, from, k), column_height(laid, k, to));
            if (h < best) {
                best = h;
                best_k = k;
            }
        }
        Column left{on_page, kMargin, top, limit, {}},
            right{on_page, kMargin + col_w + kColumnGap, top, limit, {}};
        for (std::size_t i = from; i < to; ++i)
            (i < best_k ? left : right).cards.push_back(i);
        columns.push_back(left);
        columns.push_back(right);
        return top + best <= limit;
    };
    const auto try_layout = [&](float body, bool two_pages) {
        s.body = body;
        // The areas: a heading, a hint, then one bullet per area.
        areas_h = s.section() * 1.4f + s.body * 1.4f * 2.0f;
        for (const PatientArea& a : areas)
            areas_h +=
                PageCanvas::wrap(a.text, areas_w - s.body * 1.4f, s.body, PageFont::regular, 1.32f)
                    .height() +
                s.body * 0.55f;
        const float row_bottom = std::max(map_bottom, map_top + areas_h);
        cards_top = row_bottom + 24.0f + s.section() * 1.3f +
                    draw_timeline(nullptr, patient, 0, 0, content_w, s) + 30.0f;
        laid.clear();
        for (const PatientCard& c : cards)
            laid.push_back(layout_card(c, col_w, s));
        columns.clear();
        if (!two_pages)
            return split_evenly(0, laid.size(), 0, cards_top, footer_top - 10.0f);
        // Page 1: fill the left column, then the right, in reading order.
        const float limit1 = H - kMargin - continued_h;
        std::size_t next = 0;
        for (int c = 0; c < 2; ++c) {
            Column col{0, kMargin + float(c) * (col_w + kColumnGap), cards_top, limit1, {}};
            float filled = cards_top;
            while (next < laid.size() && filled + laid[next].height <= limit1) {
                filled += laid[next].height;
                col.cards.push_back(next++);
            }
            columns.push_back(col);
        }
        return split_evenly(next, laid.size(), 1, page2_top, footer_top - 10.0f);
    };
    bool two_pages = false;
    for (float body = 22.0f; body >= 19.0f && !fits; body -= 0.5f)
        fits = try_layout(body, false);
    if (!fits) {
        two_pages = true;
        for (float body = 22.0f; body >= 15.0f && !fits; body -= 0.5f)
            fits = try_layout(body, true);
    }
    if (info) {
        info->body_px = s.body;
        info->cut = !fits;
        info->pages = two_pages ? 2 : 1;
    }
    if (two_pages)
        pages.emplace_back(page.width(), page.height());

    // ---- where the injections go ----
    {
        float ay = map_top;
        page.text(areas_x, ay + PageCanvas::ascent(s.section(), PageFont::bold),
                  std::string(words::kWhereHeading), s.section(), PageFont::bold, kAccent);
        ay += s.section() * 1.4f;
        WrappedText hint =
            PageCanvas::wrap(words::kShadedHint, areas_w, s.body * 0.9f, PageFont::regular, 1.3f);
        ay = page.paragraph(areas_x, ay, hint, s.body * 0.9f, PageFont::regular, kMuted) +
             s.body * 0.6f;
        for (std::size_t i = 0; i < areas.size(); ++i) {
            WrappedText t = PageCanvas::wrap(areas[i].text, areas_w - s.body * 1.4f, s.body,
                                             PageFont::regular, 1.32f);
            const float dot_y = ay + PageCanvas::ascent(s.body, PageFont::regular) * 0.62f;
            page.fill_circle(areas_x + s.body * 0.4f, dot_y, s.body * 0.22f, kAccent);
            ay = page.paragraph(areas_x + s.body * 1.4f, ay, t, s.body, PageFont::regular, kInk) +
                 s.body * 0.55f;
        }
    }

    // ---- the timeline ----
    y = std::max(map_bottom, map_top + areas_h) + 24.0f;
    page.fill_rect(kMargin, y - 12.0f, content_w, 1.0f, kRule);
    page.text(kMargin, y + PageCanvas::ascent(s.section(), PageFont::bold) + 4.0f,
              std::string(words::kTimelineHeading), s.section(), PageFont::bold, kAccent);
    y += s.section() * 1.3f;
    y += draw_timeline(&page, patient, kMargin + 8.0f, y, content_w - 16.0f, s) + 30.0f;
    page.fill_rect(kMargin, y - 16.0f, content_w, 1.0f, kRule);

    // ---- page 2's running head ----
    if (two_pages) {
        PageCanvas& p2 = pages[1];
        const std::string head = title_text + "  \u00b7  " + std::string(words::kPageTwo);
        p2.text(kMargin, kMargin + 22.0f, head, 20.0f, PageFont::bold, kAccent);
        p2.fill_rect(kMargin, kMargin + 40.0f, content_w, 2.0f, kRule);
        page.text(W - kMargin - PageCanvas::text_width(words::kContinued, 19.0f, PageFont::bold),
                  H - kMargin - 8.0f, std::string(words::kContinued), 19.0f, PageFont::bold,
                  kAccent);
    }

    // ---- the cards ----
    for (const Column& col : columns) {
        PageCanvas& target = pages[std::size_t(col.page)];
        float cy = col.top;
        for (std::size_t i : col.cards) {
            CardLayout c = laid[i];
            if (cy + c.height > col.limit) {
                // Only when even the smallest type does not fit: shorten this card, drop the rest.
                const float room = col.limit - cy - c.heading.height() - s.body * 1.2f -
                                   (c.card.urgent ? 2 * s.pad() : 0);
                if (room < c.body.line_height)
                    break;
                const float inner = c.card.urgent ? col_w - 2.0f * s.pad() - 6.0f : col_w;
                cut_lines(c.body, std::size_t(room / c.body.line_height), inner, s.body,
                          PageFont::regular);
                c.height = c.heading.height() + s.body * 0.25f + c.body.height() + s.body * 0.95f +
                           (c.card.urgent ? 2 * s.pad() : 0.0f);
                if (info)
                    info->cut = true;
            }
            cy = draw_card(target, c, col.x, cy, col_w, s);
        }
    }

    // ---- footer on the last page: the next appointment, and what this sheet is ----
    PageCanvas& last = pages.back();
    const float fy = footer_top;
    last.fill_rounded_rect(kMargin, fy, content_w, 70.0f, 12.0f, kAccentFaint);
    last.stroke_rounded_rect(kMargin, fy, content_w, 70.0f, 12.0f, 1.5f, kAccentSoft);
    const float label_w =
        last.text(kMargin + 22.0f, fy + 44.0f, std::string(words::kNextAppointment), 22.0f,
                  PageFont::bold, kInk);
    last.line(kMargin + 34.0f + label_w, fy + 48.0f, kMargin + content_w * 0.56f, fy + 48.0f, 1.5f,
              kMuted);
    last.text(kMargin + content_w * 0.60f, fy + 44.0f, std::string(words::kQuestions), 20.0f,
              PageFont::regular, kMuted);
    std::string small;
    if (!protocol.product.empty())
        small = std::string(words::kMedicine) + " " + protocol.product + ". ";
    small += std::string(words::kFooter) + " (injmap " INJMAP_VERSION ")";
    WrappedText foot = PageCanvas::wrap(small, content_w, 15.0f, PageFont::regular, 1.3f);
    cut_lines(foot, 2, content_w, 15.0f, PageFont::regular);
    last.paragraph(kMargin, fy + 84.0f, foot, 15.0f, PageFont::regular, kMuted);
    return true;
}

} // namespace injmap::gui
