#pragma once
// `injmap gui`: the GLFW + Dear ImGui window. The command (app/commands/gui.cpp) parses the command
// line into GuiOptions; run_gui() owns the window for its whole life and returns the process exit
// code.
#include <optional>
#include <string>

namespace injmap::gui {

struct GuiOptions {
    std::string mode = "clinician";       // clinician | patient | training | author | cd
    std::string protocol = "preempt-155"; // id or path; empty = none
    std::string model = "adult-male";     // id or manifest path
    int width = 1280;
    int height = 800;
    std::optional<int> frames;       // render this many frames, then exit
    std::string screenshot;          // PNG of the whole window, saved on the last frame
    std::optional<int> bench_frames; // time this many frames, print one line, exit
    std::string keys;          // testing: scripted key actions, one per frame (key_script.hpp)
    std::string label;         // optional free-text label for a new session
    std::string patient;       // clinician: the patient whose history the start card shows
    bool check_layout = false; // testing: report text the window cuts; exit 3 if any
};

// Exit codes: 0 ok, 3 when --check-layout found cut text, 2 when the window cannot be opened or a
// file given on the command line cannot be used (one line on stderr). Problems found later are
// shown in the window, never fatal.
int run_gui(const GuiOptions& options);

} // namespace injmap::gui
