#include "gui/hover_text.hpp"

#include <cctype>

namespace injmap::gui {

namespace {

bool is_vertebra(std::string_view id) {
    return id.size() >= 2 && (id[0] == 'c' || id[0] == 't' || id[0] == 'l') &&
           std::isdigit(static_cast<unsigned char>(id[1]));
}

} // namespace

std::string display_name(std::string_view key) {
    std::string s(key);
    for (char& c : s)
        if (c == '_' || c == '-')
            c = ' ';
    if (!s.empty())
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string muscle_hover_name(const Muscle& muscle) {
    std::string name = display_name(muscle.id);
    if (muscle.side == Side::left)
        name += " (left)";
    else if (muscle.side == Side::right)
        name += " (right)";
    return name;
}

std::string bone_hover_name(const Bone& bone) {
    if (is_vertebra(bone.id)) {
        std::string level = bone.id;
        for (char& c : level)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return level + " vertebra";
    }
    std::string name = display_name(bone.id);
    if (bone.side == Side::left || bone.side == Side::right) {
        name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
        name = (bone.side == Side::left ? "Left " : "Right ") + name;
    }
    return name;
}

std::string avoid_hover_name(const AvoidStructure& structure) {
    std::string name = structure.display_name;
    if (structure.side == Side::left)
        name += " (left)";
    else if (structure.side == Side::right)
        name += " (right)";
    return name + ": keep the needle clear";
}

std::string hover_text(const render::PickResult& pick) {
    // Nearest first: what the pixel shows. Structures to avoid are drawn over everything.
    if (pick.avoid)
        return avoid_hover_name(*pick.avoid);
    if (pick.bone && pick.bone_in_front)
        return bone_hover_name(*pick.bone);
    // On the skin, the injection region there and the muscle under it.
    if (pick.region && pick.muscle)
        return pick.region->display_name + " \u00b7 " + muscle_hover_name(*pick.muscle);
    if (pick.region)
        return pick.region->display_name;
    if (pick.muscle)
        return muscle_hover_name(*pick.muscle);
    return {};
}

} // namespace injmap::gui
