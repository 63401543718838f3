// What the clinician mode shows in the 3D view: the markers' states (done, skipped, current and
// its pulse), labels of the current step, the added follow-the-pain sites, the step's muscles
// highlighted, and framing the current step from its view.
#include <algorithm>
#include <cmath>

#include <glm/geometric.hpp>
#include <glm/trigonometric.hpp>

#include "gui/camera_control.hpp"
#include "gui/clinician/clinician_mode.hpp"
#include "gui/panels.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui::clinician {

void ClinicianMode::decorate(const App& app, render::FrameSnapshot& frame) const {
    if (!app.protocol().usable())
        return;
    const Protocol& protocol = *app.protocol().protocol;
    const auto sites = protocol.sites();
    const int step = current_step_index(app);
    const Model* model = app.model();
    const double pulse_age = pulse_start_ >= 0 ? app.now() - pulse_start_ : kPulseSeconds;
    for (render::Marker& m : frame.markers) {
        const std::size_t i = static_cast<std::size_t>(m.number - 1);
        if (i >= sites.size())
            continue;
        const Site* site = sites[i];
        if (started() && i < session().sites().size()) {
            switch (session().status(i)) {
            case SiteStatus::injected:
                m.state = render::MarkerState::done;
                break;
            case SiteStatus::skipped:
            case SiteStatus::not_given:
                m.state = render::MarkerState::skipped;
                break;
            case SiteStatus::current:
                m.state = render::MarkerState::current;
                break;
            case SiteStatus::pending:
                break;
            }
        } else if (!started() && i == preview_) {
            m.state = render::MarkerState::current;
        }
        // A site injected elsewhere is shown where it was given.
        if (started() && i < session().sites().size() && session().sites()[i].moved()) {
            m.position = *session().sites()[i].position_mm;
            if (app.queries())
                if (auto hit = app.queries()->skin().closest_point(m.position)) {
                    m.normal = hit->normal;
                    m.needle_direction = -hit->normal;
                }
        }
        if (m.state == render::MarkerState::current && pulse_age < kPulseSeconds)
            m.pulse = static_cast<float>(std::fmod(pulse_age, kPulsePeriod) / kPulsePeriod);
        if (step >= 0 && site_step_[i] == step && app.layers.labels)
            m.label = display_name(site->muscle) + " " + side_short(site->side) + " · " +
                      format_units(started() && session().status(i) == SiteStatus::injected
                                       ? session().sites()[i].units_given // what was recorded
                                       : site->units) +
                      " U" +
                      (started() && i < session().sites().size() && session().sites()[i].moved()
                           ? " · moved"
                           : "");
    }
    if (started()) {
        // Added follow-the-pain sites, numbered after the protocol's.
        const auto& all = session().sites();
        for (std::size_t i = session().protocol_site_count(); i < all.size(); ++i) {
            const SessionSite& s = all[i];
            if (!s.position_mm)
                continue;
            render::Marker m;
            m.id = s.id;
            m.number = static_cast<int>(i) + 1;
            m.position = *s.position_mm;
            m.normal = glm::vec3(0, 0, 1);
            if (app.queries())
                if (auto hit = app.queries()->skin().closest_point(*s.position_mm)) {
                    m.normal = hit->normal;
                    m.needle_direction = -hit->normal;
                }
            m.state = render::MarkerState::done;
            m.label = app.layers.labels ? "FTP " + display_name(s.muscle) + " · " +
                                              format_units(s.units_given) + " U"
                                        : "";
            frame.markers.push_back(std::move(m));
        }
    }
    append_ghosts(frame); // the last visit's sites, faintly, after this visit's markers
    if (step >= 0 && model) {
        for (const Site& site : protocol.steps[static_cast<std::size_t>(step)].sites)
            for (const std::string& id : model->expand_muscle_key(site.muscle))
                if (std::find(frame.highlighted_muscles.begin(), frame.highlighted_muscles.end(),
                              id) == frame.highlighted_muscles.end())
                    frame.highlighted_muscles.push_back(id);
    }
}

// Frames the current step's sites when the step changed (or always with `force`).
void ClinicianMode::frame_current_step(App& app, bool force) {
    const int step = current_step_index(app);
    if (step < 0 || !app.protocol().usable()) {
        framed_step_ = step;
        return;
    }
    if (step == framed_step_ && !force)
        return;
    framed_step_ = step;
    const Protocol& p = *app.protocol().protocol;
    std::vector<glm::vec3> points;
    glm::vec3 normal_sum{0.0f};
    std::size_t first = 0;
    for (int s = 0; s < step; ++s)
        first += p.steps[static_cast<std::size_t>(s)].sites.size();
    const Step& st = p.steps[static_cast<std::size_t>(step)];
    for (std::size_t k = 0; k < st.sites.size(); ++k) {
        const std::size_t i = first + k;
        if (i < app.protocol().placed.sites.size() && app.protocol().placed.sites[i].placed) {
            points.push_back(app.protocol().placed.sites[i].position);
            normal_sum += app.protocol().placed.sites[i].normal;
        }
    }
    // A cervical dystonia step (neck muscles) is framed with the whole head and neck: framed on
    // its sites alone the head was cut off and the muscles seemed to float.
    if (!points.empty() && app.model() && p.indication == std::string(kCervicalDystonia))
        for (const glm::vec3& h : head_points(*app.model()))
            points.push_back(h);
    const std::string view = st.view.empty() ? "front" : st.view;
    auto orientation = render::named_view(view);
    if (!orientation || view == "top" || points.empty()) {
        app.frame_points(points, view);
        return;
    }
    // The step's direction, tilted towards where the skin at its sites faces: sites on top of
    // the shoulders (normals up) are seen from above, not edge-on from a level back view.
    const float up = glm::length(normal_sum) > 1e-3f ? glm::normalize(normal_sum).y : 0.0f;
    orientation->pitch_deg =
        std::clamp(glm::degrees(std::asin(std::clamp(up, -1.0f, 1.0f))) * 0.8f, -15.0f, 50.0f);
    app.frame_points(points, *orientation);
}

} // namespace injmap::gui::clinician
