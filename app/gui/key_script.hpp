#pragma once
// Testing aid: `injmap gui --keys "right,right,enter,s:not needed,f1"` feeds scripted input into
// the window, one action per frame, through the same ImGui input state a real keyboard and mouse
// fill — so the real shortcut handling is exercised, not a side door.
//
// Tokens (comma separated; spaces around tokens are ignored):
//   right left up down space enter escape tab backspace f1 a..z 0..9   press and release that key
//   ?                        type a '?' (the shortcut list)
//   s:REASON                 press S (skip), type REASON into the reason box, press Enter
//   type:TEXT                type TEXT into the focused text box
//   click:X:Y                left click at window coordinates (pixels from the top-left)
//   click-landmark:NAME      left click where the model's landmark NAME is on screen (e.g. inion)
//   click-site:ID[:DX:DY]    left click at the protocol site ID's marker, moved DX, DY pixels
//   hover-landmark:NAME      move the mouse (no click) to the landmark NAME: the name under it
//                            shows as in an unscripted run (INJMAP_GUI_TRACE prints it)
//   wait[:N]                 do nothing for N frames (default 1)
//   mouse-drag:X1:Y1:X2:Y2   press the left button at X1 Y1, move to X2 Y2 over 8 frames, release
//                            (10 frames in all)
//   drag-landmark:NAME:DX:DY the same from where the landmark NAME is on screen, DX, DY pixels
//                            (the import wizard's points and fitted landmarks while it shows them)
// Author mode's "Import a head…" wizard (mode_author.cpp, author_import.cpp), one frame each; the
// scan is loaded and fitted at once in a scripted run (no worker thread to wait for):
//   wizard:STEP              open the wizard at STEP (file, points, review, save) or close it
//   import:UNITS:UP:FORWARD:PATH   load the mesh PATH (which may hold ':') with these units (mm cm
//                            dm m in) and axes (+x -x +y -y +z -z); opens the wizard at its file
//                            step
//   click-point:NAME:X:Y:Z   give the point NAME (nasion, tragion_left, tragion_right, menton,
//                            vertex, c7) at X Y Z in the mesh file's own units and axes (as a
//                            manifest's [landmarks] writes them), moved onto the scan's skin
//   skip-point, undo-point   skip the next (optional) point; take back the last point or skip
//   fit                      fit the landmarks and show them (the review step)
//   drag:NAME:X:Y:Z          move the fitted landmark NAME to X Y Z (file units and axes, onto the
//                            skin), as a drag of its marker does; it is marked corrected
//   save:PATH                write the manifest to PATH (id made from PATH's file name) and open it
//                            as the current model
// A key is held for one frame and released on the next, so each key takes two frames; typing and
// clicks take one. TEXT and REASON cannot contain commas.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace injmap::gui {

// The key codes a script presses: GLFW's values (the window's ImGui backend indexes its key state
// with them), spelled out so that the script needs no GLFW header; app/gui/app_script.cpp checks
// them against GLFW at compile time.
namespace script_key {
inline constexpr int space = 32;
inline constexpr int digit_0 = 48;  // '0'..'9' follow
inline constexpr int letter_a = 65; // 'A'..'Z' follow
inline constexpr int letter_s = 83;
inline constexpr int escape = 256;
inline constexpr int enter = 257;
inline constexpr int tab = 258;
inline constexpr int backspace = 259;
inline constexpr int right = 262;
inline constexpr int left = 263;
inline constexpr int down = 264;
inline constexpr int up = 265;
inline constexpr int f1 = 290;
} // namespace script_key

struct ScriptAction {
    enum class Kind {
        key,
        text,
        click,
        click_landmark,
        click_site,
        hover_landmark,
        wait,
        mouse_drag, // x, y → x2, y2; with `text`: from the landmark, x2, y2 its offset
        command // a mode's command (the import wizard's): `text` is its name, `args` its arguments
    };
    Kind kind = Kind::wait;
    int key = 0;                   // script_key code (GLFW's) for Kind::key
    std::string text;              // typed text, the landmark name or the site id
    float x = 0, y = 0;            // click position (click-site: offset)
    float x2 = 0, y2 = 0;          // mouse-drag: where the drag ends (drag-landmark: the offset)
    int frames = 1;                // for Kind::wait
    std::vector<std::string> args; // for Kind::command
};

// Returns nullopt and sets `error` (naming the bad token) when the script does not parse.
[[nodiscard]] std::optional<std::vector<ScriptAction>> parse_key_script(std::string_view script,
                                                                        std::string& error);

} // namespace injmap::gui
