#pragma once
// One frame's worth of what to draw, as a const snapshot built by the app each frame (or once for a
// headless image). The renderer reads only this: never UI, session or protocol objects.
#include <cstdint>
#include <string>
#include <vector>

#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>
#include <glm/vec4.hpp>

#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"

namespace injmap::render {

// ghost: a site of the previous visit drawn faintly over this one's (small, translucent, no
// number, no needle): where the patient was injected last time.
enum class MarkerState : std::uint8_t { pending, current, done, skipped, optional, ghost };

struct Marker {
    std::string id;                                // site id, echoed in reports and picking
    int number = 0;                                // shown in the marker and the label
    glm::vec3 position{0.0f};                      // on the skin, model space (mm)
    glm::vec3 normal{0.0f, 0.0f, 1.0f};            // outward skin normal
    glm::vec3 needle_direction{0.0f, 0.0f, -1.0f}; // into the body
    MarkerState state = MarkerState::pending;
    std::string label;  // e.g. "Frontalis 5 U"; empty = no label
    float pulse = 0.0f; // 0..1, animation phase for the current marker (0 = still)
    bool operator==(const Marker&) const = default;
};

// One of Model::regions drawn on the skin (docs/model-manifest.md, "Injection regions").
struct RegionHighlight {
    std::string id;        // SkinRegion::id, e.g. "forehead"
    float strength = 1.0f; // 0..1: 1 the current step's region, about 0.35 the others (faint)
    bool operator==(const RegionHighlight&) const = default;
};

struct Camera {
    glm::vec3 target{0.0f, -40.0f, 0.0f}; // orbit centre (mm)
    float yaw_deg = 0.0f;                 // 0 = looking at the face (camera on +Z)
    float pitch_deg = 0.0f;               // positive = camera above
    float distance_mm = 900.0f;
    float fov_y_deg = 30.0f;
    bool operator==(const Camera&) const = default;
};

struct Layers {
    bool skin = true;
    bool muscles = false;
    bool xray = false;  // skin see-through, muscles beneath
    bool bones = false; // the skeleton (alone on the backdrop, or under the x-ray skin)
    bool markers = true;
    bool labels = true;
    bool needles = true;
    bool fibres = true;     // fibre striations on muscles
    bool skin_paint = true; // hair, brows and lips coloured on the skin (Model::skin_paint)
    bool regions = true;    // FrameSnapshot::regions shaded on the skin (when the app fills them)
    // The structures to avoid (Model::avoid: nerves, vessels, plexus, lung apex), in bright colours
    // on top of muscles and bones; with the skin on, the skin is drawn see-through (as x-ray).
    bool avoid = false;
    bool operator==(const Layers&) const = default;
};

struct FrameSnapshot {
    const Model* model = nullptr; // not owned; the renderer caches GPU meshes per Model::generation
    Layers layers;
    int skin_tone = 2; // index into skin_tones() (render/style.hpp)
    std::vector<std::string>
        highlighted_muscles; // muscle ids (both sides) used by the protocol/step
    std::vector<std::string> soft_highlighted_muscles; // patient mode: gentle area glow
    std::vector<Marker> markers;
    Camera camera;
    int width = 1280;
    int height = 800;
    // Post-process edge antialiasing of the scene: for still images and idle frames (it costs a
    // full-screen pass; docs/performance.md).
    bool antialias = false;
    glm::vec4 background{0.93f, 0.94f, 0.95f, 1.0f};

    // Additions (render engineer); all optional with neutral defaults.
    float ui_scale = 0.0f; // overlay size factor (markers, labels); 0 = from the image size
    // The model's skin index for marker occlusion tests (e.g. ModelQueries::skin()); when null the
    // renderer builds and caches its own per model. Not owned; must outlive the draw call.
    const SurfaceIndex* skin_index = nullptr;

    // Additions (regions, issue #15); neutral defaults draw nothing new.
    // Injection regions shaded on the skin in their own colours (render/style.hpp, region_color),
    // soft-edged; empty = none. Ids the model does not have are ignored.
    std::vector<RegionHighlight> regions;
    // highlighted_muscles also tinted on the skin (over each muscle's footprint), not only in the
    // muscle and x-ray layers: a cervical dystonia plan's muscles.
    bool skin_muscle_tint = false;
    // Muscles not drawn and not picked (muscles layer): muscle ids (both sides), group keys or
    // "<id>_<side>" keys, as highlighted_muscles takes them.
    std::vector<std::string> hidden_muscles;
    // Lines of text in a box at the image's bottom left, over the scene (with the markers layer):
    // e.g. the sites that could not be placed on this model. Empty = none.
    std::vector<std::string> notes;

    // Every field, exactly (floats with ==, pointers by address): the one comparison of snapshots,
    // so a new field takes part without anyone listing it (tests/gl/frame_snapshot_test.cpp).
    bool operator==(const FrameSnapshot&) const = default;
};

// Whether two snapshots draw the same picture apart from antialiasing (the window redraws, and
// refines with antialiasing, only when the picture changed).
[[nodiscard]] inline bool same_picture(const FrameSnapshot& a, const FrameSnapshot& b) {
    if (a.antialias == b.antialias)
        return a == b;
    FrameSnapshot b_as_a = b;
    b_as_a.antialias = a.antialias;
    return a == b_as_a;
}

} // namespace injmap::render
