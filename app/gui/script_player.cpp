#include "gui/script_player.hpp"

namespace injmap::gui {

namespace {
constexpr int kDragFrames = 8; // a mouse-drag moves over this many frames
} // namespace

long ScriptPlayer::frames_needed() const {
    long frames = 0;
    for (const auto& a : actions_)
        frames += a.kind == ScriptAction::Kind::key          ? 2
                  : a.kind == ScriptAction::Kind::wait       ? a.frames
                  : a.kind == ScriptAction::Kind::mouse_drag ? kDragFrames + 2
                                                             : 1;
    return frames;
}

bool ScriptPlayer::finished() const {
    return next_ >= actions_.size() && wait_ == 0 && key_held_ < 0 && !click_release_ &&
           drag_frames_ == 0;
}

ScriptInput ScriptPlayer::step(const Locate& locate) {
    ScriptInput in;
    in.mouse = mouse_;
    if (click_release_) {
        in.mouse_up = true;
        click_release_ = false;
        return in;
    }
    if (drag_frames_ > 0) { // the button stays down while the mouse moves; the last move releases
        --drag_frames_;
        const float t = 1.0f - float(drag_frames_) / float(kDragFrames);
        mouse_ = drag_from_ + (drag_to_ - drag_from_) * t;
        in.mouse = mouse_;
        in.mouse_held = true;
        if (drag_frames_ == 0)
            click_release_ = true;
        return in;
    }
    if (key_held_ >= 0) {
        in.key_up = key_held_;
        key_held_ = -1;
        return in;
    }
    if (wait_ > 0) {
        --wait_;
        return in;
    }
    if (next_ >= actions_.size())
        return in;
    const ScriptAction& a = actions_[next_++];
    in.started = &a;
    switch (a.kind) {
    case ScriptAction::Kind::key:
        in.key_down = a.key;
        key_held_ = a.key;
        break;
    case ScriptAction::Kind::text:
        in.text = a.text;
        break;
    case ScriptAction::Kind::click:
        mouse_ = glm::vec2(a.x, a.y);
        in.mouse = mouse_;
        in.mouse_down = true;
        click_release_ = true;
        break;
    case ScriptAction::Kind::click_landmark:
    case ScriptAction::Kind::hover_landmark:
    case ScriptAction::Kind::click_site: {
        std::optional<glm::vec2> at = locate ? locate(a) : std::nullopt;
        if (!at) {
            in.missing = std::string(a.kind == ScriptAction::Kind::click_site ? "no site '"
                                                                              : "no landmark '") +
                         a.text + "' on screen";
            break;
        }
        if (a.kind == ScriptAction::Kind::click_site)
            *at += glm::vec2(a.x, a.y);
        in.target = at;
        mouse_ = at;
        in.mouse = at;
        if (a.kind == ScriptAction::Kind::hover_landmark) {
            hovering_ = true; // the mouse rests there
        } else {
            in.mouse_down = true;
            click_release_ = true;
        }
        break;
    }
    case ScriptAction::Kind::wait:
        wait_ = a.frames - 1;
        break;
    case ScriptAction::Kind::mouse_drag:
        drag_from_ = {a.x, a.y};
        drag_to_ = {a.x2, a.y2};
        if (!a.text.empty()) { // drag-landmark: from the landmark, by the offset
            const std::optional<glm::vec2> at = locate ? locate(a) : std::nullopt;
            if (!at) {
                in.missing = "no landmark '" + a.text + "' on screen";
                break;
            }
            in.target = at;
            drag_from_ = *at;
            drag_to_ = *at + glm::vec2(a.x2, a.y2);
        }
        mouse_ = drag_from_;
        in.mouse = mouse_;
        in.mouse_down = true;
        drag_frames_ = kDragFrames;
        break;
    case ScriptAction::Kind::command: // the window hands it to the mode (App::feed_script)
        break;
    }
    return in;
}

} // namespace injmap::gui
