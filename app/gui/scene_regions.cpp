#include "gui/scene_regions.hpp"

#include <set>
#include <string>

#include "injmap/models/skin_regions.hpp"

namespace injmap::gui {

void add_scene_regions(render::FrameSnapshot& frame, const Protocol* protocol, const Model* model,
                       std::string_view mode_name) {
    const bool cd =
        mode_name == "cd" || (protocol && protocol->indication == std::string(kCervicalDystonia));
    frame.skin_muscle_tint = cd;
    if (cd && protocol && model && mode_name != "cd") {
        // A cervical dystonia step treats one side of a muscle: highlight (and tint) that side,
        // from the current sites (the CD planner highlights by side already).
        std::set<std::string> sided;
        for (const auto& marker : frame.markers)
            if (marker.state == render::MarkerState::current)
                if (const Site* site = protocol->find_site(marker.id))
                    for (const auto& id : model->expand_muscle_key(site->muscle))
                        sided.insert(
                            site->side == Side::midline ? id : id + "_" + to_string(site->side));
        if (!sided.empty())
            frame.highlighted_muscles.assign(sided.begin(), sided.end());
    }
    if (cd || !model || model->regions.empty())
        return;
    std::set<std::string> current;
    if (protocol)
        for (const auto& marker : frame.markers)
            if (marker.state == render::MarkerState::current)
                if (const Site* site = protocol->find_site(marker.id))
                    if (auto r = region_for_muscle(site->muscle, to_string(site->side)); !r.empty())
                        current.insert(r);
    for (const auto& r : model->regions)
        frame.regions.push_back(
            {r.id,
             current.empty() ? kRegionAll : (current.count(r.id) ? kRegionCurrent : kRegionOther)});
}

} // namespace injmap::gui
