// App: the model and protocol the window has open (loading.hpp keeps the last good state; App adds
// the notices, tells the mode and drops the renderer's meshes of a model that goes).
#include "gui/app.hpp"
#include "gui/mode.hpp"
#include "gui/viewport.hpp"

namespace injmap::gui {

bool App::load_model(std::string_view id_or_path) {
    return adopt_model(load_model_with_queries(id_or_path));
}

bool App::adopt_model(LoadedModel loaded) {
    const Model* old = documents_.model();
    if (loaded.model && loaded.queries && old)
        viewport_renderer_->forget_model(old);
    if (!documents_.adopt_model(std::move(loaded))) {
        if (old)
            notify("Model not changed: " + first_error(documents_.last_open_diagnostics()),
                   Severity::error);
        return false;
    }
    protocol_replaced();
    return true;
}

bool App::protocol_locked() const {
    return mode_ && mode_->locks_protocol();
}

bool App::open_protocol(std::string_view id_or_path) {
    std::string error;
    if (!documents_.open_protocol(id_or_path, error)) {
        notify(error, Severity::error);
        return false;
    }
    protocol_replaced();
    return true;
}

void App::set_protocol(LoadedProtocol loaded) {
    documents_.set_protocol(std::move(loaded));
    protocol_replaced();
}

void App::protocol_replaced() {
    if (mode_)
        mode_->on_protocol_changed(*this);
    request_frames(2);
}

int App::site_number(const Site* site) const {
    const LoadedProtocol& loaded = documents_.protocol();
    if (!loaded.usable() || !site)
        return 0;
    const auto sites = loaded.protocol->sites();
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i] == site)
            return static_cast<int>(i) + 1;
    return 0;
}

} // namespace injmap::gui
