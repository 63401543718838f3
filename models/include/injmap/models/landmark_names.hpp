#pragma once
// The standard landmark names every default model carries (and imported models should, to place the
// shipped protocols). Sided landmarks come as <name>_left and <name>_right (the subject's sides;
// left = +X). All lie on the skin.
#include <array>
#include <string_view>

namespace injmap {

struct LandmarkName {
    std::string_view name; // without the _left/_right suffix for sided ones
    bool sided;
    std::string_view description;
};

inline constexpr std::array kStandardLandmarks = {
    // Cranium and face (midline)
    LandmarkName{"vertex", false, "highest point of the head"},
    LandmarkName{"frontal_hairline", false, "midline hairline on the forehead"},
    LandmarkName{"glabella", false, "most prominent midline point between the brows"},
    LandmarkName{"nasion", false, "deepest point of the nasal bridge"},
    LandmarkName{"pronasale", false, "tip of the nose"},
    LandmarkName{"subnasale", false, "where the nasal septum meets the upper lip"},
    LandmarkName{"menton", false, "lowest point of the chin"},
    LandmarkName{"opisthocranion", false, "most posterior point of the head"},
    LandmarkName{"inion", false, "external occipital protuberance"},
    // Cranium and face (sided)
    LandmarkName{"brow_medial", true, "medial end of the eyebrow"},
    LandmarkName{"brow_lateral", true, "lateral end of the eyebrow"},
    LandmarkName{"supraorbital_rim", true,
                 "superior orbital rim above the pupil (midpupillary line)"},
    LandmarkName{"medial_canthus", true, "inner corner of the eye"},
    LandmarkName{"lateral_canthus", true, "outer corner of the eye"},
    LandmarkName{"pupil", true, "centre of the closed eyelid over the pupil"},
    LandmarkName{"zygomatic_arch", true, "middle of the zygomatic arch, in front of the ear"},
    LandmarkName{"tragion", true, "notch above the tragus of the ear"},
    LandmarkName{"helix_top", true, "top of the ear's helix"},
    LandmarkName{"temporal_fossa", true, "centre of the temple, about 3 cm above the helix top"},
    LandmarkName{"mastoid", true, "tip of the mastoid process behind the ear"},
    LandmarkName{"gonion", true, "angle of the jaw"},
    // Neck, shoulders and upper back
    LandmarkName{"c7", false, "spinous process of C7 (vertebra prominens)"},
    LandmarkName{"t1", false, "spinous process of T1"},
    LandmarkName{"t2", false, "spinous process of T2"},
    LandmarkName{"t3", false, "spinous process of T3"},
    LandmarkName{"t4", false, "spinous process of T4"},
    LandmarkName{"suprasternal_notch", false, "top of the manubrium between the clavicles"},
    LandmarkName{"sternoclavicular", true, "sternoclavicular joint"},
    LandmarkName{"clavicle_mid", true, "middle of the clavicle"},
    LandmarkName{"acromion", true, "lateral tip of the acromion"},
    LandmarkName{"neck_inflection", true,
                 "where the side of the neck turns into the shoulder slope (necklace line)"},
    LandmarkName{"scapula_superior_angle", true, "superior angle of the scapula"},
    LandmarkName{"scapular_spine_medial", true, "medial end of the scapular spine"},
};

// Optional landmarks: the default models carry them and they are known names in a manifest (no
// warning), but an imported model may leave them out. They refine the drawing (the lips' colour,
// skin_paint.hpp), never the placement of a shipped site.
inline constexpr std::array kOptionalLandmarks = {
    LandmarkName{"stomion", false, "midline point where the lips meet"},
    LandmarkName{"labrale_superius", false, "most anterior midline point of the upper lip"},
    LandmarkName{"labrale_inferius", false, "most anterior midline point of the lower lip"},
    LandmarkName{"cheilion", true, "corner of the mouth"},
};

} // namespace injmap
