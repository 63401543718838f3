// ANSUR II means and the construction skeleton derived from them (landmark-first construction).
#include <cmath>

#include <glm/geometric.hpp>
#include <glm/trigonometric.hpp>

#include "generate_internal.hpp"

namespace injmap {

std::optional<BodyProportions> BodyProportions::ansur_mean(std::string_view sex) {
    // ANSUR II (US Army 2012) public data, means computed for the project (male n = 4,082,
    // female n = 1,986); see /shared/anatomy.md §3.1.
    BodyProportions p;
    if (sex == "male") {
        p.sex = "male";
        p.head_breadth = 154.0f;
        p.head_length = 200.0f;
        p.head_circumference = 574.0f;
        p.tragion_to_vertex = 131.0f;
        p.face_height = 123.0f;
        p.bizygomatic_breadth = 143.0f;
        p.neck_circumference = 398.0f;
        p.neck_base_circumference = 435.0f;
        p.biacromial_breadth = 416.0f;
        p.bideltoid_breadth = 510.0f;
        p.vertex_to_c7 = 239.0f;
        p.vertex_to_acromion = 315.0f;
        p.vertex_to_suprasternale = 318.0f;
        return p;
    }
    if (sex == "female") {
        p.sex = "female";
        p.head_breadth = 148.0f;
        p.head_length = 190.0f;
        p.head_circumference = 561.0f;
        p.tragion_to_vertex = 127.0f;
        p.face_height = 113.0f;
        p.bizygomatic_breadth = 134.0f;
        p.neck_circumference = 330.0f;
        p.neck_base_circumference = 371.0f;
        p.biacromial_breadth = 365.0f;
        p.bideltoid_breadth = 450.0f;
        p.vertex_to_c7 = 233.0f;
        p.vertex_to_acromion = 293.0f;
        p.vertex_to_suprasternale = 299.0f;
        return p;
    }
    return std::nullopt;
}

namespace gen {

Skeleton make_skeleton(const BodyProportions& bp) {
    return make_skeleton(bp, bp.sex == "female" ? female_head_shape() : male_head_shape());
}

Skeleton make_skeleton(const BodyProportions& bp, const HeadShape& head) {
    // The reference is the male mean; every point below is written in reference millimetres and
    // scaled per region, so the measured proportions follow the ANSUR means of either sex.
    const auto ref = *BodyProportions::ansur_mean("male");
    Skeleton s;
    s.male = bp.sex != "female";
    s.head = head;
    s.head_scale = {bp.head_breadth / ref.head_breadth,
                    bp.tragion_to_vertex / ref.tragion_to_vertex, bp.head_length / ref.head_length};
    s.face_scale = {bp.bizygomatic_breadth / ref.bizygomatic_breadth,
                    bp.face_height / ref.face_height, bp.head_length / ref.head_length};
    const float ref_trunk_drop = ref.vertex_to_acromion - ref.tragion_to_vertex;
    s.trunk_scale = {bp.biacromial_breadth / ref.biacromial_breadth,
                     (bp.vertex_to_acromion - bp.tragion_to_vertex) / ref_trunk_drop,
                     0.5f * (bp.biacromial_breadth / ref.biacromial_breadth + 1.0f)};
    s.neck_scale = bp.neck_circumference / ref.neck_circumference;

    const vec3 H = s.head_scale, F = s.face_scale, T = s.trunk_scale;
    s.cranium_centre = head.cranium_centre * H;
    s.cranium_radii = head.cranium_radii * H;
    s.eye = head.eye * F;
    s.nasion = head.nasion * F;
    s.nose_tip = head.nose_tip * F;
    s.mouth = head.mouth * F;
    s.chin = head.chin * F;
    s.gonion = head.gonion * F;
    s.tmj = head.tmj * F;

    // The ear: a plate turned out from the side of the head (its back edge stands off), its long
    // axis tilted back.
    s.ear_centre = head.ear_centre * H;
    s.ear_height = head.ear_height;
    s.ear_width = 0.55f * s.ear_height;
    {
        const float out = glm::radians(head.ear_out_deg), tilt = glm::radians(head.ear_tilt_deg);
        const vec3 n{std::cos(out), 0.0f, std::sin(out)};
        vec3 up{0.0f, std::cos(tilt), -std::sin(tilt)};
        up = glm::normalize(up - glm::dot(up, n) * n);
        const vec3 front = glm::cross(n, up);
        s.ear_to_local = glm::transpose(glm::mat3(up, front, n));
    }
    s.mastoid = head.mastoid * H;
    s.inion = head.inion * H;

    s.c7_height = bp.tragion_to_vertex - bp.vertex_to_c7;
    s.suprasternal_height = bp.tragion_to_vertex - bp.vertex_to_suprasternale;
    const float acromion_height = bp.tragion_to_vertex - bp.vertex_to_acromion;
    s.spine_step = 22.0f * T.y;

    s.neck_top = head.neck_top * H;
    s.neck_bottom = vec3(0.0f, s.c7_height - 50.0f * T.y, -10.0f * T.z);
    s.neck_top_radius = head.neck_top_radius * s.neck_scale;
    s.neck_bottom_radius = 54.0f * s.neck_scale;

    const float ss = s.suprasternal_height;
    s.sternoclavicular = {20.0f * T.x, ss + 2.0f, 50.0f * T.z};
    s.clavicle_mid = {88.0f * T.x, ss + 4.0f, 48.0f * T.z};
    s.clavicle_lateral = {160.0f * T.x, acromion_height + 2.0f, 22.0f * T.z};
    s.acromion = {0.5f * bp.biacromial_breadth, acromion_height - 8.0f, -26.0f * T.z};
    s.deltoid_radii = vec3(46.0f, 64.0f, 40.0f) * T;
    s.deltoid_centre = {0.5f * bp.bideltoid_breadth - s.deltoid_radii.x,
                        acromion_height - 66.0f * T.y, -20.0f * T.z};
    s.scapula_superior_angle = {80.0f * T.x, s.c7_height - 2.0f * s.spine_step - 10.0f * T.y,
                                -78.0f * T.z};
    s.scapular_spine_medial = {74.0f * T.x, s.c7_height - 3.5f * s.spine_step, -84.0f * T.z};
    // The crop: mid-chest; for a woman low enough to show the breasts' upper contour.
    s.cut_height = ss - (s.male ? 80.0f : 100.0f) * T.y;

    const float half_width = 0.5f * bp.bideltoid_breadth + 14.0f;
    s.box_min = {-half_width, s.cut_height, -170.0f};
    s.box_max = {half_width, bp.tragion_to_vertex + 10.0f, 150.0f};
    return s;
}

} // namespace gen
} // namespace injmap
