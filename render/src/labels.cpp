#include "injmap/render/labels.hpp"

#include <algorithm>
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

} // namespace

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
        for (std::size_t k = 0; k < column.size(); ++k) {
            const LabelRequest& r = requests[column[k]];
            PlacedLabel& p = result[column[k]];
            p.shown = true;
            p.left_column = left;
            p.min = {left ? edge - r.size.x : edge, tops[k]};
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
