#pragma once
// The --keys player (key_script.hpp): which input a parsed script gives each frame. No ImGui: the
// window copies a ScriptInput into ImGui's input state between the backend's NewFrame and
// ImGui::NewFrame (app_script.cpp); tests step the player directly.
//
// Timing: a key is held for one frame and released on the next (two frames); a click presses the
// left button for one frame and releases it on the next, with no new action in the releasing
// frame; typed text and a mouse move take one frame; wait:N takes N frames. The scripted mouse
// stays where the last action put it.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <glm/vec2.hpp>

#include "gui/key_script.hpp"

namespace injmap::gui {

// What the window feeds into its input state this frame.
struct ScriptInput {
    std::optional<glm::vec2> mouse; // the scripted mouse position (window pixels), once one is set
    bool mouse_down = false;        // press the left button
    bool mouse_up = false;          // release it
    bool mouse_held = false;        // keep it pressed (a mouse-drag moving)
    int key_down = -1;              // press this key (script_key code)
    int key_up = -1;                // release this key
    std::string text;               // type this
    // The action started this frame (nullptr: none, the frame releases, waits or the script is
    // over). Points into the player.
    const ScriptAction* started = nullptr;
    // Where a click-site, click-landmark or hover-landmark action went (offset included); unset
    // when its target was not on screen (the action is then skipped: see `missing`).
    std::optional<glm::vec2> target;
    std::string missing; // "no landmark 'inion' on screen", "no site 'x' on screen"
};

class ScriptPlayer {
public:
    ScriptPlayer() = default;
    explicit ScriptPlayer(std::vector<ScriptAction> actions) : actions_(std::move(actions)) {}

    [[nodiscard]] bool empty() const { return actions_.empty(); }
    // The frames the script asks for, as key_script.hpp counts them: keys two, wait:N N, the rest
    // one (a click's releasing frame is not counted; the window adds 30 frames of slack).
    [[nodiscard]] long frames_needed() const;
    // Whether a hover-landmark action has put the mouse to rest somewhere.
    [[nodiscard]] bool hovering() const { return hovering_; }
    [[nodiscard]] bool finished() const;

    // Where the target of a click-landmark, hover-landmark or click-site action is on screen
    // (window pixels; the click-site offset is added by the player); nullopt when it is not on
    // screen.
    using Locate = std::function<std::optional<glm::vec2>(const ScriptAction&)>;
    // The input of the next frame.
    ScriptInput step(const Locate& locate);

private:
    std::vector<ScriptAction> actions_;
    std::size_t next_ = 0;
    int wait_ = 0;
    int key_held_ = -1;
    bool click_release_ = false;
    std::optional<glm::vec2> mouse_;
    bool hovering_ = false;
    // A mouse-drag under way: the frames still to move, and where from and to.
    int drag_frames_ = 0;
    glm::vec2 drag_from_{0.0f}, drag_to_{0.0f};
};

} // namespace injmap::gui
