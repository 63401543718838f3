// App: the frame snapshot, built from the current state each frame (and for a click,
// view_pick.hpp): model, layers, camera and image size, the protocol's markers as the mode
// decorates them, and the regions on the skin (scene_regions.hpp).
#include "gui/app.hpp"
#include "gui/mode.hpp"
#include "gui/scene_regions.hpp"
#include "gui/window.hpp"

namespace injmap::gui {

render::FrameSnapshot App::build_snapshot() const {
    render::FrameSnapshot frame;
    const ModelQueries* scene = mode_->scene(*this);
    frame.model = scene ? &scene->model() : model();
    const ModelQueries* q = scene ? scene : queries();
    frame.skin_index = q ? &q->skin() : nullptr;
    frame.layers = layers;
    frame.skin_tone = skin_tone;
    frame.hidden_muscles = hidden_muscles;
    frame.camera = camera_.camera();
    const glm::ivec2 size = viewport_pixels();
    frame.width = size.x;
    frame.height = size.y;
    frame.ui_scale = window_.content_scale() * framebuffer_scale().y;
    frame.antialias = false; // decided in frame(): see refine_at_
    if (scene) { // the mode's own model (the import wizard's scan): only what the mode adds
        mode_->decorate(*this, frame);
        return frame;
    }
    add_protocol_markers(*this, frame);
    // Sites this model cannot place are listed in the view's corner, never silently missing.
    if (protocol().usable() && model())
        frame.notes = unplaced_notes(model()->id, *protocol().protocol, protocol().placed);
    mode_->decorate(*this, frame);
    add_scene_regions(frame, protocol().usable() ? protocol().protocol.get() : nullptr, model(),
                      mode_name_);
    return frame;
}

} // namespace injmap::gui
