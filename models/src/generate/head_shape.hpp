#pragma once
// The head's construction values: every point and size of the head and face primitives, in the
// male reference head's millimetres (model space, left side, origin mid-tragion), before the
// per-sex scaling of make_skeleton (head_scale for the cranium and ears, face_scale for the face).
//
// Where they come from (docs/anatomy.md): first set from anthropometry (ANSUR II head means,
// Farkas's facial norms), then tuned by measuring the distance to a real adult head
// (injmap-tune-shape, models/generator/tune_shape.cpp) within a bounded range around those
// starting values. Only these numbers are kept; no third-party geometry is stored.
//
// A woman's face is not the man's scaled: female_head_shape() narrows the jaw, chin and masseter,
// lowers the brow ridge and makes the nose and ears smaller (Farkas's female norms).
#include <functional>
#include <string_view>

#include "sdf_primitives.hpp"

namespace injmap::gen {

struct HeadShape {
    // Cranium (scaled by head_scale).
    vec3 cranium_centre{0.0f, 40.0f, -3.0f}, cranium_radii{75.5f, 91.0f, 96.5f};
    vec3 occiput_centre{0.0f, 28.0f, -36.0f}, occiput_radii{64.0f, 68.0f, 62.0f};
    vec3 temple_centre{54.0f, 30.0f, 38.0f}, temple_radii{20.0f, 30.0f, 32.0f};
    vec3 mastoid{56.0f, -24.0f, -22.0f};
    vec3 inion{0.0f, 10.0f, -95.0f};

    // Skeleton points of the face (scaled by face_scale).
    vec3 eye{33.0f, 14.0f, 73.0f};
    vec3 nasion{0.0f, 25.0f, 86.0f};
    vec3 nose_tip{0.0f, -14.0f, 113.0f};
    vec3 mouth{0.0f, -45.5f, 104.0f};
    vec3 chin{0.0f, -83.0f, 86.0f};
    vec3 gonion{50.0f, -64.0f, 4.0f};
    vec3 tmj{55.0f, -8.0f, 4.0f};

    // Brow ridge: four points along the supraorbital margin, the tube's radius at the midline.
    vec3 brow0{0.0f, 33.0f, 88.5f}, brow1{20.0f, 35.0f, 87.5f}, brow2{42.0f, 35.0f, 80.0f},
        brow3{55.0f, 31.0f, 66.0f};
    float brow_radius = 7.0f;

    vec3 midface_centre{0.0f, -8.0f, 48.0f}, midface_radii{58.0f, 40.0f, 46.0f};
    vec3 cheekbone_centre{49.0f, 2.0f, 55.0f}, cheekbone_radii{19.0f, 15.0f, 20.0f};
    vec3 arch_front{60.0f, 2.0f, 50.0f}, arch_back{65.5f, 2.0f, 12.0f};
    float arch_radius = 5.5f;
    vec3 maxilla_centre{0.0f, -40.0f, 60.0f}, maxilla_radii{42.0f, 28.0f, 44.0f};
    vec3 lower_face_centre{0.0f, -66.0f, 44.0f}, lower_face_radii{47.0f, 30.0f, 48.0f};
    vec3 mandible_front{17.0f, -88.0f, 80.0f};
    float mandible_radius_back = 10.0f, mandible_radius_front = 11.0f, ramus_radius = 9.0f;
    vec3 chin_radii{19.0f, 15.0f, 11.0f};
    vec3 cheek_centre{38.0f, -38.0f, 62.0f}, cheek_radii{22.0f, 24.0f, 26.0f};
    vec3 submandibular_centre{0.0f, -86.0f, 40.0f}, submandibular_radii{42.0f, 14.0f, 38.0f};
    vec3 masseter_centre{50.0f, -36.0f, 28.0f}, masseter_radii{16.0f, 32.0f, 28.0f};
    vec3 malar_centre{43.0f, -10.0f, 64.0f}, malar_radii{20.0f, 19.0f, 20.0f};

    // Closed eyes: the socket carved under the brow, the lids (centred on the eye) filling it, and
    // the eyeball under them (part of the skin mesh: the surface the lids close over).
    vec3 socket_centre{33.0f, 19.0f, 90.0f}, socket_radii{18.0f, 12.0f, 14.0f};
    vec3 upper_lid_offset{0.0f, 1.5f, 0.5f}, upper_lid_radii{17.0f, 12.0f, 13.5f};
    vec3 lower_lid_offset{0.0f, -2.5f, -0.5f}, lower_lid_radii{16.0f, 11.5f, 13.0f};
    vec3 eyeball_centre{33.0f, 14.0f, 74.0f};
    float eyeball_radius = 12.0f;

    // Nose.
    vec3 bridge_low{0.0f, -8.0f, 109.0f};
    float bridge_radius_top = 4.8f, bridge_radius_low = 6.0f;
    float tip_radius = 8.5f;
    vec3 nose_base_centre{0.0f, -15.0f, 103.0f}, nose_base_radii{13.0f, 8.0f, 9.0f};
    vec3 ala_centre{12.5f, -18.0f, 103.0f}, ala_radii{6.5f, 6.0f, 8.0f};
    vec3 nostril_centre{6.0f, -23.5f, 108.0f}, nostril_radii{3.6f, 1.2f, 4.8f};

    // Lips.
    vec3 upper_lip_centre{0.0f, -40.5f, 96.0f}, upper_lip_radii{24.0f, 5.5f, 12.0f};
    vec3 lower_lip_centre{0.0f, -51.0f, 94.0f}, lower_lip_radii{21.0f, 6.5f, 12.0f};
    vec3 philtrum_top{0.0f, -28.0f, 110.5f}, philtrum_bottom{0.0f, -37.0f, 110.5f};
    // The airway as a hollow inside the skin: the oral cavity behind the closed lips, the nasal
    // passages from behind the nostrils back to the nasopharynx, and the pharynx down behind the
    // tongue.
    vec3 oral_cavity_centre{0.0f, -50.0f, 66.0f}, oral_cavity_radii{22.0f, 11.0f, 24.0f};
    vec3 nasal_front{8.0f, -20.0f, 88.0f}; // they run back to the pharynx's top
    float nasal_radius = 6.0f;
    vec3 pharynx_top{0.0f, -26.0f, 30.0f}, pharynx_bottom{0.0f, -70.0f, 12.0f};
    float pharynx_radius = 9.0f;

    // Ear (scaled by head_scale; its shape in its own frame by ear_height / 63 mm).
    vec3 ear_centre{79.0f, 2.0f, -10.0f};
    float ear_height = 63.0f;
    float ear_out_deg = 30.0f, ear_tilt_deg = 15.0f;
    vec3 ear_upper_centre{6.0f, -1.0f, 0.0f}, ear_upper_radii{25.0f, 17.0f, 4.0f};
    vec3 ear_lobe_centre{-19.0f, 1.0f, 0.5f}, ear_lobe_radii{10.0f, 9.0f, 4.0f};

    // Top of the neck (scaled by head_scale).
    vec3 neck_top{0.0f, -20.0f, -19.0f};
    float neck_top_radius = 48.0f;
};

// The male reference values (the defaults above, as tuned).
[[nodiscard]] HeadShape male_head_shape();
// The female values: the male ones with the sex differences applied (before scaling).
[[nodiscard]] HeadShape female_head_shape();

// Every tunable scalar of a HeadShape with a stable name ("cheek_centre.y"), for the tuner. Points
// on the midline keep x = 0 and are not listed with an x.
void for_each_tunable(HeadShape& shape, const std::function<void(std::string_view, float&)>& fn);

} // namespace injmap::gen
