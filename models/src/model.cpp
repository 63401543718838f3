#include "injmap/models/model.hpp"

#include <atomic>

namespace injmap {

std::uint64_t next_model_generation() {
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

const char* to_string(Side side) {
    switch (side) {
    case Side::left:
        return "left";
    case Side::right:
        return "right";
    case Side::midline:
        return "midline";
    }
    return "midline";
}

std::optional<Side> side_from_string(std::string_view text) {
    if (text == "left")
        return Side::left;
    if (text == "right")
        return Side::right;
    if (text == "midline")
        return Side::midline;
    return std::nullopt;
}

std::string Muscle::key() const {
    return side == Side::midline ? id : id + "_" + to_string(side);
}

std::string Bone::key() const {
    return side == Side::midline ? id : id + "_" + to_string(side);
}

std::string AvoidStructure::key() const {
    return side == Side::midline ? id : id + "_" + to_string(side);
}

bool is_avoid_kind(std::string_view kind) {
    return kind == "nerve" || kind == "artery" || kind == "vein" || kind == "plexus" ||
           kind == "lung";
}

float default_avoid_warn_mm(std::string_view kind) {
    return kind == "lung" ? 10.0f : 5.0f;
}

const AvoidStructure* Model::find_avoid(std::string_view avoid_id, Side side) const {
    for (const auto& a : avoid)
        if (a.id == avoid_id && a.side == side)
            return &a;
    return nullptr;
}

const Bone* Model::find_bone(std::string_view bone_id, Side side) const {
    for (const auto& b : bones)
        if (b.id == bone_id && b.side == side)
            return &b;
    return nullptr;
}

const Muscle* Model::find_muscle(std::string_view muscle_id, Side side) const {
    for (const auto& m : muscles)
        if (m.id == muscle_id && m.side == side)
            return &m;
    return nullptr;
}

std::optional<glm::vec3> Model::landmark(std::string_view name) const {
    auto it = landmarks.find(std::string(name));
    if (it == landmarks.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> Model::expand_muscle_key(std::string_view key) const {
    if (auto it = groups.find(std::string(key)); it != groups.end())
        return it->second;
    return {std::string(key)};
}

const SkinRegion* Model::find_region(std::string_view region_id) const {
    for (const auto& r : regions)
        if (r.id == region_id)
            return &r;
    return nullptr;
}

} // namespace injmap
