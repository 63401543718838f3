// generate_model(): proportions → skeleton → body field → skin mesh → landmarks → muscles → bones.
#include <stdexcept>

#include "generate_internal.hpp"

namespace injmap {

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
    model.bones = gen::build_bones(sdf, options.threads);
    model.groups["cervical_paraspinal"] = {"splenius_capitis", "semispinalis_capitis"};
    model.groups["scalenes"] = {"scalenus_anterior", "scalenus_medius", "scalenus_posterior"};
    return model;
}

} // namespace injmap
