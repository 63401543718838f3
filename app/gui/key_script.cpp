#include "gui/key_script.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>

namespace injmap::gui {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<int> key_code(std::string_view name) {
    static const std::map<std::string_view, int> named = {
        {"right", script_key::right},
        {"left", script_key::left},
        {"up", script_key::up},
        {"down", script_key::down},
        {"space", script_key::space},
        {"enter", script_key::enter},
        {"escape", script_key::escape},
        {"tab", script_key::tab},
        {"backspace", script_key::backspace},
        {"f1", script_key::f1},
    };
    if (auto it = named.find(name); it != named.end())
        return it->second;
    if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z')
        return script_key::letter_a + (name[0] - 'a');
    if (name.size() == 1 && name[0] >= '0' && name[0] <= '9')
        return script_key::digit_0 + (name[0] - '0');
    return std::nullopt;
}

std::optional<float> number(std::string_view s) {
    float v = 0;
    auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (e != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

ScriptAction key_action(int key) {
    ScriptAction a;
    a.kind = ScriptAction::Kind::key;
    a.key = key;
    return a;
}

ScriptAction text_action(std::string text) {
    ScriptAction a;
    a.kind = ScriptAction::Kind::text;
    a.text = std::move(text);
    return a;
}

std::vector<std::string_view> split(std::string_view s, std::size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < max_parts) {
        const auto colon = s.find(':');
        if (colon == std::string_view::npos)
            break;
        parts.push_back(s.substr(0, colon));
        s.remove_prefix(colon + 1);
    }
    parts.push_back(s);
    return parts;
}

// The import wizard's commands (key_script.hpp); nullopt when `head` is none of them, an action
// with `error` set when its arguments are wrong.
std::optional<ScriptAction> wizard_command(std::string_view head, std::string_view arg,
                                           bool has_arg, std::string& error) {
    ScriptAction a;
    a.kind = ScriptAction::Kind::command;
    a.text = std::string(head);
    auto xyz = [&](std::string_view usage) {
        const auto parts = split(arg, 4);
        if (!has_arg || parts.size() != 4 || parts[0].empty() || !number(parts[1]) ||
            !number(parts[2]) || !number(parts[3])) {
            error = "expected " + std::string(usage);
            return;
        }
        for (auto p : parts)
            a.args.emplace_back(p);
    };
    if (head == "wizard") {
        static constexpr std::string_view steps[] = {"file", "points", "review", "save", "close"};
        if (std::find(std::begin(steps), std::end(steps), arg) == std::end(steps))
            error = "expected wizard:file|points|review|save|close";
        a.args.emplace_back(arg);
    } else if (head == "import") {
        const auto parts = split(arg, 4);
        if (!has_arg || parts.size() != 4 || parts[3].empty())
            error = "expected import:UNITS:UP:FORWARD:PATH";
        for (auto p : parts)
            a.args.emplace_back(p);
    } else if (head == "click-point") {
        xyz("click-point:NAME:X:Y:Z");
    } else if (head == "drag") {
        xyz("drag:NAME:X:Y:Z");
    } else if (head == "skip-point" || head == "undo-point" || head == "fit") {
        if (has_arg)
            error = "takes no argument";
    } else if (head == "save") {
        if (!has_arg || arg.empty())
            error = "expected save:PATH";
        a.args.emplace_back(arg);
    } else {
        return std::nullopt;
    }
    return a;
}

} // namespace

std::optional<std::vector<ScriptAction>> parse_key_script(std::string_view script,
                                                          std::string& error) {
    std::vector<ScriptAction> actions;
    while (!script.empty()) {
        const auto comma = script.find(',');
        const std::string_view token = trim(script.substr(0, comma));
        script = comma == std::string_view::npos ? std::string_view{} : script.substr(comma + 1);
        if (token.empty())
            continue;
        const auto colon = token.find(':');
        const std::string_view head = token.substr(0, colon);
        const std::string_view arg =
            colon == std::string_view::npos ? std::string_view{} : token.substr(colon + 1);
        const bool has_arg = colon != std::string_view::npos;
        auto bad = [&](std::string_view why) {
            error = "bad --keys token '" + std::string(token) + "': " + std::string(why);
            return std::nullopt;
        };
        if (token == "?") {
            actions.push_back(text_action("?"));
        } else if (head == "s" && has_arg) {
            if (arg.empty())
                return bad("the skip reason is empty");
            actions.push_back(key_action(script_key::letter_s));
            ScriptAction settle; // one frame for the dialog's text box to take the keyboard
            actions.push_back(settle);
            actions.push_back(text_action(std::string(arg)));
            actions.push_back(key_action(script_key::enter));
        } else if (head == "type") {
            if (!has_arg || arg.empty())
                return bad("nothing to type");
            actions.push_back(text_action(std::string(arg)));
        } else if (head == "click") {
            const auto second = arg.find(':');
            const auto x = number(arg.substr(0, second));
            const auto y =
                second == std::string_view::npos ? std::nullopt : number(arg.substr(second + 1));
            if (!x || !y)
                return bad("expected click:X:Y");
            ScriptAction a;
            a.kind = ScriptAction::Kind::click;
            a.x = *x;
            a.y = *y;
            actions.push_back(a);
        } else if (head == "mouse-drag") {
            const auto parts = split(arg, 4);
            std::optional<float> v[4];
            for (std::size_t i = 0; i < 4 && i < parts.size(); ++i)
                v[i] = number(parts[i]);
            if (parts.size() != 4 || !v[0] || !v[1] || !v[2] || !v[3])
                return bad("expected mouse-drag:X1:Y1:X2:Y2");
            ScriptAction a;
            a.kind = ScriptAction::Kind::mouse_drag;
            a.x = *v[0];
            a.y = *v[1];
            a.x2 = *v[2];
            a.y2 = *v[3];
            actions.push_back(a);
        } else if (head == "drag-landmark") {
            const auto parts = split(arg, 3);
            const auto dx = parts.size() == 3 ? number(parts[1]) : std::nullopt;
            const auto dy = parts.size() == 3 ? number(parts[2]) : std::nullopt;
            if (parts.size() != 3 || parts[0].empty() || !dx || !dy)
                return bad("expected drag-landmark:NAME:DX:DY");
            ScriptAction a;
            a.kind = ScriptAction::Kind::mouse_drag;
            a.text = std::string(parts[0]);
            a.x2 = *dx;
            a.y2 = *dy;
            actions.push_back(a);
        } else if (head == "click-landmark") {
            if (arg.empty())
                return bad("expected click-landmark:NAME");
            ScriptAction a;
            a.kind = ScriptAction::Kind::click_landmark;
            a.text = std::string(arg);
            actions.push_back(a);
        } else if (head == "hover-landmark") {
            if (arg.empty())
                return bad("expected hover-landmark:NAME");
            ScriptAction a;
            a.kind = ScriptAction::Kind::hover_landmark;
            a.text = std::string(arg);
            actions.push_back(a);
        } else if (head == "click-site") {
            ScriptAction a;
            a.kind = ScriptAction::Kind::click_site;
            const auto c1 = arg.find(':');
            a.text = std::string(arg.substr(0, c1));
            if (a.text.empty())
                return bad("expected click-site:ID[:DX:DY]");
            if (c1 != std::string_view::npos) {
                const std::string_view rest = arg.substr(c1 + 1);
                const auto c2 = rest.find(':');
                const auto dx = number(rest.substr(0, c2));
                const auto dy =
                    c2 == std::string_view::npos ? std::nullopt : number(rest.substr(c2 + 1));
                if (!dx || !dy)
                    return bad("expected click-site:ID:DX:DY");
                a.x = *dx;
                a.y = *dy;
            }
            actions.push_back(a);
        } else if (head == "wait") {
            ScriptAction a;
            a.kind = ScriptAction::Kind::wait;
            if (has_arg) {
                const auto n = number(arg);
                if (!n || *n < 1 || *n > 100000)
                    return bad("expected wait:N with N ≥ 1");
                a.frames = static_cast<int>(*n);
            }
            actions.push_back(a);
        } else if (std::string why; auto command = wizard_command(head, arg, has_arg, why)) {
            if (!why.empty())
                return bad(why);
            actions.push_back(std::move(*command));
        } else if (!has_arg) {
            const auto key = key_code(token);
            if (!key)
                return bad("unknown key");
            actions.push_back(key_action(*key));
        } else {
            return bad("unknown action");
        }
    }
    return actions;
}

} // namespace injmap::gui
