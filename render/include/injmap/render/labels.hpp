#pragma once
// Label layout for site callouts (no GL): boxes go into two columns beside the model (left and
// right of its on-screen silhouette), ordered by their anchors' height so leader lines do not
// cross, spread vertically as little as needed to avoid each other, and kept inside the image.
//
// Guarantee: no two shown boxes overlap (boxes that cannot fit are hidden, lowest priority first),
// and every shown box lies inside the image minus the margin when the image is large enough.
#include <span>
#include <vector>

#include <glm/vec2.hpp>

namespace injmap::render {

struct LabelRequest {
    glm::vec2 anchor{0.0f}; // the site, in pixels (top-left origin)
    glm::vec2 size{0.0f};   // box width and height, pixels
    int priority = 0;       // higher survives crowding
};

struct LabelLayoutOptions {
    glm::vec2 image{1280.0f, 800.0f};
    float margin = 8.0f;            // kept free at the image edges
    float gap = 4.0f;               // between boxes in a column
    float column_gap = 28.0f;       // between the silhouette and a column
    float split_x = 640.0f;         // anchors left of this go to the left column
    float silhouette_left = 640.0f; // on-screen extent of the model, pixels
    float silhouette_right = 640.0f;
};

struct PlacedLabel {
    bool shown = false;
    bool left_column = false;
    glm::vec2 min{0.0f}, max{0.0f}; // the box
    glm::vec2 leader_end{0.0f};     // where the leader line from the anchor meets the box
};

// Parallel to `requests`.
[[nodiscard]] std::vector<PlacedLabel> layout_labels(std::span<const LabelRequest> requests,
                                                     const LabelLayoutOptions& options);

[[nodiscard]] bool boxes_overlap(const PlacedLabel& a, const PlacedLabel& b);
// Proper crossing of segments a0–a1 and b0–b1 (touching or collinear does not count).
[[nodiscard]] bool segments_cross(glm::vec2 a0, glm::vec2 a1, glm::vec2 b0, glm::vec2 b1);

} // namespace injmap::render
