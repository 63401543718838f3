// generate_model(): proportions → skeleton → body field → skin mesh → landmarks → muscles → bones
// → structures to avoid.
#include <cmath>
#include <stdexcept>

#include "generate_internal.hpp"

namespace injmap {

namespace {

// The eyeballs under the closed lids, as two closed spheres appended to the skin: the surface the
// lids close over (the conjunctival sac lies on it), seen through the skin in x-ray. They are
// inside the skin (the generator's tests check it), so nothing outside sees them.
void add_eyeballs(Mesh& skin, const gen::Skeleton& s) {
    const float r =
        s.head.eyeball_radius * (s.face_scale.x + s.face_scale.y + s.face_scale.z) / 3.0f;
    const glm::vec3 left = s.head.eyeball_centre * s.face_scale;
    constexpr int rings = 14, segments = 24;
    constexpr float pi = 3.14159265358979f;
    // The left eyeball, then its exact mirror image (x negated, winding reversed).
    const glm::vec3 c = left;
    const auto base = static_cast<std::uint32_t>(skin.positions.size());
    const auto add = [&](glm::vec3 n) {
        skin.positions.push_back(c + r * n);
        skin.normals.push_back(n);
    };
    add({0.0f, 0.0f, 1.0f}); // front pole
    for (int i = 1; i < rings; ++i) {
        const float theta = pi * static_cast<float>(i) / rings;
        for (int j = 0; j < segments; ++j) {
            const float phi = 2.0f * pi * static_cast<float>(j) / segments;
            add({std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi),
                 std::cos(theta)});
        }
    }
    add({0.0f, 0.0f, -1.0f}); // back pole
    const std::uint32_t front = base, back = base + 1 + (rings - 1) * segments;
    const auto at = [&](int i, int j) { // ring i in 1..rings-1
        return base + 1 + static_cast<std::uint32_t>((i - 1) * segments + (j % segments));
    };
    const std::size_t first_index = skin.indices.size();
    // Counter-clockwise seen from outside.
    for (int j = 0; j < segments; ++j) {
        skin.indices.insert(skin.indices.end(), {front, at(1, j), at(1, j + 1)});
        skin.indices.insert(skin.indices.end(), {back, at(rings - 1, j + 1), at(rings - 1, j)});
    }
    for (int i = 1; i + 1 < rings; ++i)
        for (int j = 0; j < segments; ++j) {
            const std::uint32_t a = at(i, j), b = at(i, j + 1), c2 = at(i + 1, j + 1),
                                d = at(i + 1, j);
            skin.indices.insert(skin.indices.end(), {a, d, c2});
            skin.indices.insert(skin.indices.end(), {a, c2, b});
        }
    const auto mirror_base = static_cast<std::uint32_t>(skin.positions.size());
    for (std::uint32_t v = base; v < mirror_base; ++v) {
        const glm::vec3 p = skin.positions[v], n = skin.normals[v];
        skin.positions.push_back({-p.x, p.y, p.z});
        skin.normals.push_back({-n.x, n.y, n.z});
    }
    const std::size_t last_index = skin.indices.size();
    for (std::size_t t = first_index; t < last_index; t += 3) {
        const std::uint32_t a = skin.indices[t] - base + mirror_base,
                            b = skin.indices[t + 1] - base + mirror_base,
                            d = skin.indices[t + 2] - base + mirror_base;
        skin.indices.insert(skin.indices.end(), {a, d, b});
    }
}

} // namespace

Model generate_model(std::string_view id, const GenerateOptions& options) {
    std::string sex;
    if (id == "adult-male")
        sex = "male";
    else if (id == "adult-female")
        sex = "female";
    else
        throw std::invalid_argument("unknown default model id '" + std::string(id) +
                                    "' (expected adult-male or adult-female)");
    const BodyProportions proportions = *BodyProportions::ansur_mean(sex);
    const gen::BodySdf sdf(gen::make_skeleton(proportions));

    Model model;
    model.id = std::string(id);
    model.display_name = sex == "male" ? "Adult male (generated)" : "Adult female (generated)";
    model.sex = sex;
    model.skin = gen::mesh_skin(sdf, options.voxel_mm, options.threads, options.skin_triangles);
    model.landmarks = gen::place_landmarks(sdf, model.skin);
    model.muscles = gen::build_muscles(sdf, model.landmarks);
    add_eyeballs(model.skin, sdf.skeleton());
    model.bones = gen::build_bones(sdf, options.threads);
    model.avoid = gen::build_avoid(sdf, model);
    // The paraspinal muscles of PREEMPT's cervical paraspinal group (domain.md §1.3 also counts
    // the trapezius, which these sites cross first but which has its own step).
    model.groups["cervical_paraspinal"] = {"splenius_capitis", "splenius_cervicis",
                                           "semispinalis_capitis"};
    model.groups["orbicularis_oculi"] = {
        "orbicularis_oculi_pretarsal", "orbicularis_oculi_preseptal", "orbicularis_oculi_orbital"};
    model.groups["scalenes"] = {"scalenus_anterior", "scalenus_medius", "scalenus_posterior"};
    return model;
}

} // namespace injmap
