#include "preview.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <glm/geometric.hpp>
#include <stb_image_write.h>

namespace injmap::preview {

namespace {

using glm::vec3;

struct View {
    vec3 right, up, forward; // forward points from the camera into the scene
};

View make_view(vec3 forward) {
    forward = glm::normalize(forward);
    const vec3 right = glm::normalize(glm::cross(forward, vec3(0, 1, 0)));
    const vec3 up = glm::cross(right, forward);
    return {right, up, forward};
}

struct Layer {
    int w = 0, h = 0;
    std::vector<float> depth;
    std::vector<vec3> colour;
    Layer(int width, int height)
        : w(width), h(height),
          depth(static_cast<std::size_t>(width) * height, std::numeric_limits<float>::max()),
          colour(depth.size(), vec3(0.0f)) {}
};

struct Camera {
    View view;
    vec3 centre;
    float scale; // pixels per mm
    int w, h;
    [[nodiscard]] vec3 to_screen(vec3 p) const {
        const vec3 d = p - centre;
        return {0.5f * w + glm::dot(d, view.right) * scale, 0.5f * h - glm::dot(d, view.up) * scale,
                glm::dot(d, view.forward)};
    }
};

vec3 shade(const View& view, vec3 n, vec3 albedo) {
    // Key light from the upper left of the camera, a weaker fill from the right, and ambient.
    const vec3 key = glm::normalize(-view.forward + 0.6f * view.up - 0.5f * view.right);
    const vec3 fill = glm::normalize(-view.forward + 0.2f * view.up + 0.8f * view.right);
    const float lambert =
        std::max(0.0f, glm::dot(n, key)) * 0.75f + std::max(0.0f, glm::dot(n, fill)) * 0.25f;
    return albedo * (0.18f + 0.82f * lambert);
}

void draw(Layer& layer, const Camera& cam, const Mesh& mesh, vec3 albedo) {
    std::vector<vec3> screen(mesh.positions.size());
    for (std::size_t i = 0; i < mesh.positions.size(); ++i)
        screen[i] = cam.to_screen(mesh.positions[i]);
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const auto ia = mesh.indices[t], ib = mesh.indices[t + 1], ic = mesh.indices[t + 2];
        const vec3 a = screen[ia], b = screen[ib], c = screen[ic];
        const float area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if (area >=
            0.0f) // back-facing (screen y points down, so CCW front faces have negative area)
            continue;
        const int x0 = std::max(0, static_cast<int>(std::floor(std::min({a.x, b.x, c.x}))));
        const int x1 =
            std::min(layer.w - 1, static_cast<int>(std::ceil(std::max({a.x, b.x, c.x}))));
        const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a.y, b.y, c.y}))));
        const int y1 =
            std::min(layer.h - 1, static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}))));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
                const float w0 = ((b.x - px) * (c.y - py) - (b.y - py) * (c.x - px)) / area;
                const float w1 = ((c.x - px) * (a.y - py) - (c.y - py) * (a.x - px)) / area;
                const float w2 = 1.0f - w0 - w1;
                if (w0 < 0.0f || w1 < 0.0f || w2 < 0.0f)
                    continue;
                const float z = w0 * a.z + w1 * b.z + w2 * c.z;
                const std::size_t i = static_cast<std::size_t>(y) * layer.w + x;
                if (z >= layer.depth[i])
                    continue;
                layer.depth[i] = z;
                vec3 n = mesh.normals.empty()
                             ? glm::normalize(glm::cross(mesh.positions[ib] - mesh.positions[ia],
                                                         mesh.positions[ic] - mesh.positions[ia]))
                             : glm::normalize(w0 * mesh.normals[ia] + w1 * mesh.normals[ib] +
                                              w2 * mesh.normals[ic]);
                layer.colour[i] = shade(cam.view, n, albedo);
            }
    }
}

vec3 muscle_colour(const std::string& id) {
    static const std::array<std::pair<const char*, vec3>, 17> table = {{
        {"frontalis", {0.85f, 0.35f, 0.30f}},
        {"corrugator", {0.95f, 0.75f, 0.20f}},
        {"procerus", {0.30f, 0.80f, 0.90f}},
        {"temporalis", {0.75f, 0.30f, 0.60f}},
        {"occipitalis", {0.90f, 0.50f, 0.25f}},
        {"trapezius", {0.80f, 0.25f, 0.25f}},
        {"splenius_capitis", {0.25f, 0.65f, 0.35f}},
        {"semispinalis_capitis", {0.25f, 0.45f, 0.85f}},
        {"sternocleidomastoid", {0.90f, 0.60f, 0.20f}},
        {"splenius_cervicis", {0.55f, 0.80f, 0.35f}},
        {"levator_scapulae", {0.60f, 0.35f, 0.85f}},
        {"scalenus_anterior", {0.20f, 0.75f, 0.75f}},
        {"scalenus_medius", {0.30f, 0.60f, 0.90f}},
        {"scalenus_posterior", {0.45f, 0.45f, 0.95f}},
        {"longissimus_capitis", {0.85f, 0.80f, 0.35f}},
        {"obliquus_capitis_inferior", {0.95f, 0.40f, 0.70f}},
        {"platysma", {0.70f, 0.70f, 0.70f}},
    }};
    for (const auto& [name, c] : table)
        if (id == name)
            return c;
    return {0.6f, 0.6f, 0.6f};
}

struct Image {
    int w = 0, h = 0;
    std::vector<std::uint8_t> rgb;
    Image(int width, int height)
        : w(width), h(height), rgb(static_cast<std::size_t>(width) * height * 3, 0) {}
};

// Renders one panel at 2× and box-filters it down into `out` at (ox, oy).
enum class Mode { skin, muscles, landmarks };

void render_panel(Image& out, int ox, int oy, int pw, int ph, const Model& model, const View& view,
                  vec3 centre, float mm_per_panel_height, Mode mode) {
    const bool see_through = mode == Mode::muscles;
    const int ss = 2, w = pw * ss, h = ph * ss;
    const Camera cam{view, centre, static_cast<float>(h) / mm_per_panel_height, w, h};
    const vec3 background{0.93f, 0.94f, 0.96f};
    const vec3 skin_albedo{0.87f, 0.72f, 0.62f};
    Layer skin(w, h);
    draw(skin, cam, model.skin, skin_albedo);
    Layer muscles(w, h);
    if (see_through)
        for (const auto& m : model.muscles)
            draw(muscles, cam, m.mesh, muscle_colour(m.id));
    if (mode == Mode::landmarks) {
        // Landmarks as dots where the skin in front does not hide them (midline blue, left green,
        // right red, so a swapped side shows at once).
        for (const auto& [name, p] : model.landmarks) {
            const vec3 c = cam.to_screen(p);
            const vec3 colour = name.ends_with("_left")    ? vec3(0.1f, 0.6f, 0.2f)
                                : name.ends_with("_right") ? vec3(0.8f, 0.1f, 0.1f)
                                                           : vec3(0.1f, 0.2f, 0.8f);
            const int r = 2 * ss + 1;
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx) {
                    const int x = static_cast<int>(c.x) + dx, y = static_cast<int>(c.y) + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h || dx * dx + dy * dy > r * r)
                        continue;
                    const std::size_t i = static_cast<std::size_t>(y) * w + x;
                    if (c.z <= skin.depth[i] + 1.5f)
                        skin.colour[i] = colour;
                }
        }
    }
    for (int y = 0; y < ph; ++y)
        for (int x = 0; x < pw; ++x) {
            vec3 sum{0.0f};
            for (int sy = 0; sy < ss; ++sy)
                for (int sx = 0; sx < ss; ++sx) {
                    const std::size_t i = static_cast<std::size_t>(y * ss + sy) * w + (x * ss + sx);
                    vec3 c = background;
                    const bool has_skin = skin.depth[i] < std::numeric_limits<float>::max();
                    if (see_through) {
                        const bool has_muscle =
                            muscles.depth[i] < std::numeric_limits<float>::max();
                        // Only muscles close under the near skin show (an x-ray of the whole body
                        // would mix front and back); deeper ones fade out over 40 mm.
                        const float depth_mm =
                            has_muscle && has_skin ? (muscles.depth[i] - skin.depth[i]) : 0.0f;
                        const float visible =
                            has_muscle ? std::clamp(1.0f - depth_mm / 40.0f, 0.0f, 1.0f) : 0.0f;
                        const vec3 under =
                            has_skin ? glm::mix(background, skin.colour[i], 0.55f) : background;
                        c = glm::mix(under,
                                     has_muscle ? glm::mix(muscles.colour[i], skin.colour[i], 0.2f)
                                                : under,
                                     visible);
                    } else if (has_skin) {
                        c = skin.colour[i];
                    }
                    sum += c;
                }
            sum /= static_cast<float>(ss * ss);
            const std::size_t o = (static_cast<std::size_t>(oy + y) * out.w + (ox + x)) * 3;
            for (int k = 0; k < 3; ++k)
                out.rgb[o + k] =
                    static_cast<std::uint8_t>(std::clamp(sum[k], 0.0f, 1.0f) * 255.0f + 0.5f);
        }
}

bool save(const Image& image, const std::filesystem::path& path, std::string& error) {
    if (!stbi_write_png(path.c_str(), image.w, image.h, 3, image.rgb.data(), image.w * 3)) {
        error = "cannot write " + path.string();
        return false;
    }
    return true;
}

} // namespace

bool write_previews(const Model& model, const std::filesystem::path& dir, std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        error = "cannot create " + dir.string() + ": " + ec.message();
        return false;
    }
    const Bounds b = bounds_of(model.skin);
    const vec3 centre = 0.5f * (b.min + b.max);
    const int pw = 560, ph = 640;
    // Fit the taller of the bust's height and its width (at the panel's aspect ratio).
    const float height = std::max(b.max.y - b.min.y, (b.max.x - b.min.x) * ph / pw) * 1.06f;
    const std::array<View, 4> views = {make_view({0, 0, -1}), make_view({-1, 0, 0}),
                                       make_view({0, 0, 1}), make_view({-0.8f, -0.3f, -1.0f})};
    const std::pair<Mode, const char*> modes[] = {
        {Mode::skin, ""}, {Mode::muscles, "-muscles"}, {Mode::landmarks, "-landmarks"}};
    for (const auto& [mode, suffix] : modes) {
        Image image(pw * 2, ph * 2); // 2 × 2 panels
        for (int v = 0; v < 4; ++v)
            render_panel(image, (v % 2) * pw, (v / 2) * ph, pw, ph, model, views[v], centre, height,
                         mode);
        if (!save(image, dir / (model.id + "-bust" + suffix + ".png"), error))
            return false;
    }
    // Face and head close-ups: front, left, oblique, back of the head.
    const vec3 head_centre{0.0f, 10.0f, 10.0f};
    const std::array<View, 4> head_views = {make_view({0, 0, -1}), make_view({-1, 0, 0}),
                                            make_view({-0.8f, -0.15f, -1.0f}),
                                            make_view({0.5f, -0.2f, 1.0f})};
    for (const auto& [mode, suffix] : modes) {
        Image image(pw * 2, ph * 2); // 2 × 2 panels
        for (int v = 0; v < 4; ++v)
            render_panel(image, (v % 2) * pw, (v / 2) * ph, pw, ph, model, head_views[v],
                         head_centre, 280.0f, mode);
        if (!save(image, dir / (model.id + "-head" + suffix + ".png"), error))
            return false;
    }
    // Details: the left ear from the side, the eyes and nose, the mouth and chin, the left
    // neck-shoulder corner.
    {
        const vec3 tragion = model.landmark("tragion_left").value_or(vec3(75, 0, 0));
        const vec3 nasion = model.landmark("nasion").value_or(vec3(0, 25, 95));
        const vec3 menton = model.landmark("menton").value_or(vec3(0, -95, 80));
        const vec3 neck = model.landmark("neck_inflection_left").value_or(vec3(65, -130, -20));
        const std::array<std::pair<View, vec3>, 4> details = {{
            {make_view({-1, 0, 0}), tragion + vec3(0, 8, -12)},
            {make_view({0, 0, -1}), nasion + vec3(0, -12, 0)},
            {make_view({-0.5f, 0, -1}), 0.5f * (menton + nasion) + vec3(0, -30, 0)},
            {make_view({-0.6f, -0.2f, -1}), neck},
        }};
        Image image(pw * 2, ph * 2); // 2 × 2 panels
        for (int v = 0; v < 4; ++v)
            render_panel(image, (v % 2) * pw, (v / 2) * ph, pw, ph, model, details[v].first,
                         details[v].second, 100.0f, Mode::skin);
        if (!save(image, dir / (model.id + "-detail.png"), error))
            return false;
    }
    return true;
}

} // namespace injmap::preview
