// The male and female head construction values, and their names for the shape tuner.
#include "head_shape.hpp"

#include <string>

namespace injmap::gen {

namespace {

// The values injmap-tune-shape moved away from the anthropometric starting values of HeadShape's
// defaults (docs/anatomy.md: how they were tuned and measured). Written by the tuner.
struct TunedValue {
    std::string_view name;
    float value;
};
constexpr TunedValue kTuned[] = {
#include "head_shape_tuned.inc"
};

} // namespace

HeadShape male_head_shape() {
    HeadShape s{};
    for_each_tunable(s, [](std::string_view name, float& v) {
        for (const auto& t : kTuned)
            if (t.name == name)
                v = t.value;
    });
    return s;
}

HeadShape female_head_shape() {
    // Sex differences of the face beyond size (Farkas 1994, female vs male norms: narrower
    // bigonial breadth, smaller chin and brow ridge, smaller nose and ears, fuller lips).
    HeadShape s = male_head_shape();
    s.gonion.x *= 47.0f / 50.0f;
    s.brow_radius *= 5.5f / 7.0f;
    s.lower_face_radii.x *= 40.0f / 47.0f;
    s.mandible_front.x *= 15.0f / 17.0f;
    s.mandible_radius_back *= 8.5f / 10.0f;
    s.mandible_radius_front *= 9.0f / 11.0f;
    s.chin_radii.x *= 16.0f / 19.0f;
    s.cheek_centre.x *= 36.0f / 38.0f;
    s.cheek_radii.x *= 20.0f / 22.0f;
    s.masseter_centre.x *= 46.0f / 50.0f;
    s.masseter_centre.y *= 30.0f / 36.0f;
    s.masseter_radii.x *= 12.0f / 16.0f;
    s.masseter_radii.y *= 28.0f / 32.0f;
    s.tip_radius *= 0.9f;
    s.ala_centre.x *= 11.5f / 12.5f;
    s.ala_radii *= 0.9f;
    s.upper_lip_radii.y *= 6.2f / 5.5f;
    s.lower_lip_radii.y *= 7.5f / 6.5f;
    s.lower_lip_radii.z *= 12.5f / 12.0f;
    s.ear_height *= 59.0f / 63.0f;
    // Less prominent cheekbones (bizygomatic breadth: face_scale follows the ANSUR mean, this the
    // flatter female zygoma).
    s.arch_front.x *= 0.96f;
    s.arch_back.x *= 0.96f;
    s.cheekbone_centre.x *= 0.96f;
    return s;
}

void for_each_tunable(HeadShape& s, const std::function<void(std::string_view, float&)>& fn) {
    const auto point = [&](const char* name, vec3& v, bool midline) {
        if (!midline)
            fn(std::string(name) + ".x", v.x);
        fn(std::string(name) + ".y", v.y);
        fn(std::string(name) + ".z", v.z);
    };
    const auto radii = [&](const char* name, vec3& v) {
        fn(std::string(name) + ".x", v.x);
        fn(std::string(name) + ".y", v.y);
        fn(std::string(name) + ".z", v.z);
    };
    point("cranium_centre", s.cranium_centre, true);
    radii("cranium_radii", s.cranium_radii);
    point("occiput_centre", s.occiput_centre, true);
    radii("occiput_radii", s.occiput_radii);
    point("temple_centre", s.temple_centre, false);
    radii("temple_radii", s.temple_radii);
    point("mastoid", s.mastoid, false);
    point("eye", s.eye, false);
    point("nasion", s.nasion, true);
    point("nose_tip", s.nose_tip, true);
    point("chin", s.chin, true);
    point("gonion", s.gonion, false);
    point("tmj", s.tmj, false);
    point("brow0", s.brow0, true);
    point("brow1", s.brow1, false);
    point("brow2", s.brow2, false);
    point("brow3", s.brow3, false);
    fn("brow_radius", s.brow_radius);
    point("midface_centre", s.midface_centre, true);
    radii("midface_radii", s.midface_radii);
    point("cheekbone_centre", s.cheekbone_centre, false);
    radii("cheekbone_radii", s.cheekbone_radii);
    point("arch_front", s.arch_front, false);
    point("arch_back", s.arch_back, false);
    fn("arch_radius", s.arch_radius);
    point("maxilla_centre", s.maxilla_centre, true);
    radii("maxilla_radii", s.maxilla_radii);
    point("lower_face_centre", s.lower_face_centre, true);
    radii("lower_face_radii", s.lower_face_radii);
    point("mandible_front", s.mandible_front, false);
    fn("mandible_radius_back", s.mandible_radius_back);
    fn("mandible_radius_front", s.mandible_radius_front);
    fn("ramus_radius", s.ramus_radius);
    radii("chin_radii", s.chin_radii);
    point("cheek_centre", s.cheek_centre, false);
    radii("cheek_radii", s.cheek_radii);
    point("submandibular_centre", s.submandibular_centre, true);
    radii("submandibular_radii", s.submandibular_radii);
    point("masseter_centre", s.masseter_centre, false);
    radii("masseter_radii", s.masseter_radii);
    point("malar_centre", s.malar_centre, false);
    radii("malar_radii", s.malar_radii);
    point("socket_centre", s.socket_centre, false);
    radii("socket_radii", s.socket_radii);
    point("upper_lid_offset", s.upper_lid_offset, true);
    radii("upper_lid_radii", s.upper_lid_radii);
    point("lower_lid_offset", s.lower_lid_offset, true);
    radii("lower_lid_radii", s.lower_lid_radii);
    point("eyeball_centre", s.eyeball_centre, false);
    fn("eyeball_radius", s.eyeball_radius);
    point("bridge_low", s.bridge_low, true);
    fn("bridge_radius_top", s.bridge_radius_top);
    fn("bridge_radius_low", s.bridge_radius_low);
    fn("tip_radius", s.tip_radius);
    point("nose_base_centre", s.nose_base_centre, true);
    radii("nose_base_radii", s.nose_base_radii);
    point("ala_centre", s.ala_centre, false);
    radii("ala_radii", s.ala_radii);
    point("nostril_centre", s.nostril_centre, false);
    point("mouth", s.mouth, true);
    point("upper_lip_centre", s.upper_lip_centre, true);
    radii("upper_lip_radii", s.upper_lip_radii);
    point("lower_lip_centre", s.lower_lip_centre, true);
    radii("lower_lip_radii", s.lower_lip_radii);
    point("oral_cavity_centre", s.oral_cavity_centre, true);
    radii("oral_cavity_radii", s.oral_cavity_radii);
    point("ear_centre", s.ear_centre, false);
    fn("ear_height", s.ear_height);
    fn("ear_out_deg", s.ear_out_deg);
    fn("ear_tilt_deg", s.ear_tilt_deg);
    point("ear_upper_centre", s.ear_upper_centre, false);
    radii("ear_upper_radii", s.ear_upper_radii);
    point("ear_lobe_centre", s.ear_lobe_centre, false);
    radii("ear_lobe_radii", s.ear_lobe_radii);
    point("neck_top", s.neck_top, true);
    fn("neck_top_radius", s.neck_top_radius);
}

} // namespace injmap::gen
