// App: --keys. The script player (script_player.hpp) decides each frame's input; this copies it
// into ImGui's input state between the backend's NewFrame (which reads the real devices) and
// ImGui::NewFrame (which derives pressed/released from it), so the real shortcut handling runs.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>

#include "gui/app.hpp"
#include "gui/mode.hpp"

namespace injmap::gui {

// The script's key codes are GLFW's (key_script.hpp spells them out to stay free of GLFW).
static_assert(script_key::space == GLFW_KEY_SPACE && script_key::digit_0 == GLFW_KEY_0 &&
              script_key::letter_a == GLFW_KEY_A && script_key::letter_s == GLFW_KEY_S &&
              script_key::escape == GLFW_KEY_ESCAPE && script_key::enter == GLFW_KEY_ENTER &&
              script_key::tab == GLFW_KEY_TAB && script_key::backspace == GLFW_KEY_BACKSPACE &&
              script_key::right == GLFW_KEY_RIGHT && script_key::left == GLFW_KEY_LEFT &&
              script_key::down == GLFW_KEY_DOWN && script_key::up == GLFW_KEY_UP &&
              script_key::f1 == GLFW_KEY_F1);

void App::feed_script() {
    const ScriptInput in = script_.step([this](const ScriptAction& a) -> std::optional<glm::vec2> {
        if (a.kind == ScriptAction::Kind::click_site) {
            const LoadedProtocol& loaded = protocol();
            if (!loaded.usable())
                return std::nullopt;
            std::optional<glm::vec2> at;
            const auto sites = loaded.protocol->sites();
            for (std::size_t i = 0; i < sites.size() && i < loaded.placed.sites.size(); ++i)
                if (sites[i]->id == a.text && loaded.placed.sites[i].placed)
                    at = to_window(loaded.placed.sites[i].position);
            return at;
        }
        if (mode_->scene(*this)) { // the mode's own model: its landmarks
            const auto p = mode_->script_landmark(*this, a.text);
            return p ? to_window(*p) : std::nullopt;
        }
        if (model())
            if (auto p = model()->landmark(a.text))
                return to_window(*p);
        return std::nullopt;
    });
    ImGuiIO& io = ImGui::GetIO();
    if (in.mouse)
        io.MousePos = {in.mouse->x, in.mouse->y};
    if (in.mouse_up)
        io.MouseDown[0] = false;
    if (in.key_up >= 0)
        io.KeysDown[in.key_up] = false;
    if (in.key_down >= 0)
        io.KeysDown[in.key_down] = true;
    if (!in.text.empty())
        io.AddInputCharactersUTF8(in.text.c_str());
    if (in.mouse_down || in.mouse_held)
        io.MouseDown[0] = true;
    if (in.started && in.started->kind == ScriptAction::Kind::command)
        script_command_ = *in.started; // run inside the frame (App::frame), where errors are caught
    if (!in.missing.empty())
        notify("Script: " + in.missing, Severity::warning);
    if (trace_ && in.started && in.started->kind == ScriptAction::Kind::click_site && in.target)
        std::fprintf(stderr, "trace: click-site %s at %.1f,%.1f (viewport %.0f,%.0f %.0fx%.0f)\n",
                     in.started->text.c_str(), in.target->x, in.target->y, viewport_.x, viewport_.y,
                     viewport_.w, viewport_.h);
}

} // namespace injmap::gui
