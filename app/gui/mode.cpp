#include "gui/mode.hpp"

#include <array>

#include "gui/camera_control.hpp"

namespace injmap::gui {
namespace {

// The modes written so far. Names accepted by the command line but not in this table fall back to
// clinician (see make_mode).
const std::array kModes = {
    ModeInfo{"clinician", "Clinician session guide", make_clinician_mode},
    ModeInfo{"author", "Protocol author", make_author_mode},
    ModeInfo{"patient", "Patient view", make_patient_mode},
    ModeInfo{"training", "Training drills", make_training_mode},
    ModeInfo{"cd", "Cervical dystonia planner", make_cd_mode},
};
constexpr std::array<std::string_view, 5> kAcceptedNames = {"clinician", "patient", "training",
                                                            "author", "cd"};

} // namespace

void Mode::frame_current(App& app) {
    if (const Model* model = app.model()) {
        const auto corners = model_corners(*model);
        app.frame_points(corners, app.camera());
    }
}

std::span<const ModeInfo> modes() {
    return kModes;
}

bool is_mode_name(std::string_view name) {
    for (auto n : kAcceptedNames)
        if (n == name)
            return true;
    return false;
}

std::unique_ptr<Mode> make_mode(App& app, std::string_view name, std::string& resolved_name,
                                std::string& notice) {
    notice.clear();
    for (const ModeInfo& info : kModes)
        if (info.name == name) {
            resolved_name = std::string(info.name);
            return info.make(app);
        }
    notice = "The " + std::string(name) +
             " mode is not available yet; showing the clinician session guide.";
    resolved_name = "clinician";
    return make_clinician_mode(app);
}

void add_protocol_markers(const App& app, render::FrameSnapshot& frame) {
    const LoadedProtocol& loaded = app.protocol();
    if (!loaded.usable())
        return;
    const auto sites = loaded.protocol->sites();
    for (std::size_t i = 0; i < sites.size() && i < loaded.placed.sites.size(); ++i) {
        const PlacedSite& placed = loaded.placed.sites[i];
        if (!placed.placed)
            continue;
        render::Marker m;
        m.id = sites[i]->id;
        m.number = static_cast<int>(i) + 1;
        m.position = placed.position;
        m.normal = placed.normal;
        m.needle_direction = placed.needle_direction;
        m.state = sites[i]->optional ? render::MarkerState::optional : render::MarkerState::pending;
        frame.markers.push_back(std::move(m));
    }
}

} // namespace injmap::gui
