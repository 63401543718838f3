#include "injmap/render/labels.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace injmap::render {

bool boxes_overlap(const PlacedLabel& a, const PlacedLabel& b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
}

namespace {

struct Cluster {
    std::size_t first = 0; // positions in the column's order
    std::size_t last = 0;
    float height = 0.0f;
    double sum = 0.0; // Σ (desired top − offset in cluster), for the least-squares top
    int count = 0;
    float top = 0.0f;
};

// Vertical positions (tops) for boxes sorted by anchor height: each cluster of touching boxes sits
// where the mean displacement of its members is zero, clamped to [lo, hi].
std::vector<float> spread(const std::vector<float>& desired_tops, const std::vector<float>& heights,
                          float gap, float lo, float hi) {
    std::vector<Cluster> clusters;
    auto place = [&](Cluster& c) {
        const float top = float(c.sum / c.count);
        c.top = std::max(lo, std::min(top, hi - c.height));
    };
    for (std::size_t i = 0; i < desired_tops.size(); ++i) {
        Cluster c{i, i, heights[i], desired_tops[i], 1, 0.0f};
        place(c);
        clusters.push_back(c);
        while (clusters.size() >= 2) {
            Cluster& prev = clusters[clusters.size() - 2];
            Cluster& cur = clusters.back();
            if (prev.top + prev.height + gap <= cur.top)
                break;
            const float offset = prev.height + gap;
            prev.sum += cur.sum - double(cur.count) * offset;
            prev.count += cur.count;
            prev.height += gap + cur.height;
            prev.last = cur.last;
            clusters.pop_back();
            place(clusters.back());
        }
    }
    std::vector<float> tops(desired_tops.size());
    for (const auto& c : clusters) {
        float y = c.top;
        for (std::size_t i = c.first; i <= c.last; ++i) {
            tops[i] = y;
            y += heights[i] + gap;
        }
    }
    return tops;
}

float cross2(glm::vec2 a, glm::vec2 b) {
    return a.x * b.y - a.y * b.x;
}

} // namespace

bool segments_cross(glm::vec2 a0, glm::vec2 a1, glm::vec2 b0, glm::vec2 b1) {
    const float d1 = cross2(a1 - a0, b0 - a0), d2 = cross2(a1 - a0, b1 - a0);
    const float d3 = cross2(b1 - b0, a0 - b0), d4 = cross2(b1 - b0, a1 - b0);
    return ((d1 > 0.0f && d2 < 0.0f) || (d1 < 0.0f && d2 > 0.0f)) &&
           ((d3 > 0.0f && d4 < 0.0f) || (d3 < 0.0f && d4 > 0.0f));
}

std::vector<PlacedLabel> layout_labels(std::span<const LabelRequest> requests,
                                       const LabelLayoutOptions& o) {
    std::vector<PlacedLabel> result(requests.size());
    const float lo = o.margin;
    const float hi = o.image.y - o.margin;

    for (int side = 0; side < 2; ++side) {
        const bool left = side == 0;
        std::vector<std::size_t> column;
        for (std::size_t i = 0; i < requests.size(); ++i)
            if ((requests[i].anchor.x < o.split_x) == left)
                column.push_back(i);
        std::stable_sort(column.begin(), column.end(), [&](std::size_t a, std::size_t b) {
            return requests[a].anchor.y < requests[b].anchor.y;
        });

        // Drop the lowest-priority boxes (later ones first among equals) until the column fits.
        auto column_height = [&] {
            float h = 0.0f;
            for (std::size_t i : column)
                h += requests[i].size.y;
            return h + o.gap * float(column.empty() ? 0 : column.size() - 1);
        };
        while (!column.empty() && column_height() > hi - lo) {
            auto victim =
                std::min_element(column.begin(), column.end(), [&](std::size_t a, std::size_t b) {
                    if (requests[a].priority != requests[b].priority)
                        return requests[a].priority < requests[b].priority;
                    return a > b;
                });
            column.erase(victim);
        }
        if (column.empty())
            continue;

        float widest = 0.0f;
        for (std::size_t i : column)
            widest = std::max(widest, requests[i].size.x);
        // Column edge next to the silhouette, pushed inwards only as far as needed to stay in the
        // image.
        float edge = 0.0f;
        if (left)
            edge = std::min(std::max(o.silhouette_left - o.column_gap, o.margin + widest),
                            o.image.x - o.margin);
        else
            edge =
                std::max(std::min(o.silhouette_right + o.column_gap, o.image.x - o.margin - widest),
                         o.margin);

        std::vector<float> desired, heights;
        for (std::size_t i : column) {
            desired.push_back(requests[i].anchor.y - requests[i].size.y * 0.5f);
            heights.push_back(requests[i].size.y);
        }
        const std::vector<float> tops = spread(desired, heights, o.gap, lo, hi);
        // Slots are filled in anchor order; anchors at similar heights but different depths into
        // the image can still give crossing leaders. Exchanging the slots of a crossing pair
        // shortens the total leader length, so repeating it ends, with no crossings left (only
        // slots of equal height are exchanged, so boxes still never overlap).
        std::vector<std::size_t> item(column.size()); // slot → position in `column`
        std::iota(item.begin(), item.end(), std::size_t{0});
        auto end_of = [&](std::size_t slot) {
            return glm::vec2{edge, tops[slot] + heights[slot] * 0.5f};
        };
        for (int pass = 0; pass < 64; ++pass) {
            bool changed = false;
            for (std::size_t a = 0; a < item.size(); ++a)
                for (std::size_t b = a + 1; b < item.size(); ++b) {
                    if (std::abs(heights[a] - heights[b]) > 1e-3f)
                        continue;
                    if (segments_cross(requests[column[item[a]]].anchor, end_of(a),
                                       requests[column[item[b]]].anchor, end_of(b))) {
                        std::swap(item[a], item[b]);
                        changed = true;
                    }
                }
            if (!changed)
                break;
        }
        for (std::size_t slot = 0; slot < column.size(); ++slot) {
            const LabelRequest& r = requests[column[item[slot]]];
            PlacedLabel& p = result[column[item[slot]]];
            p.shown = true;
            p.left_column = left;
            p.min = {left ? edge - r.size.x : edge, tops[slot]};
            p.max = p.min + r.size;
            p.leader_end = {left ? p.max.x : p.min.x, (p.min.y + p.max.y) * 0.5f};
        }
    }

    // The columns may meet in a narrow image: hide whatever still overlaps, keeping higher
    // priority.
    std::vector<std::size_t> order(requests.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return requests[a].priority > requests[b].priority;
    });
    std::vector<std::size_t> kept;
    for (std::size_t i : order) {
        if (!result[i].shown)
            continue;
        const bool clash = std::any_of(kept.begin(), kept.end(), [&](std::size_t k) {
            return boxes_overlap(result[i], result[k]);
        });
        if (clash)
            result[i].shown = false;
        else
            kept.push_back(i);
    }
    return result;
}

} // namespace injmap::render
