// `injmap gui` (the default subcommand): parses the options and opens the window (app/gui/).
#include <charconv>
#include <iostream>

#include "commands/commands.hpp"
#include "gui/gui.hpp"
#include "gui/key_script.hpp"
#include "gui/mode.hpp"
#include "injmap/protocols/session.hpp"

namespace injmap::cli {
namespace {

constexpr const char* kUsage =
    "Usage: injmap gui [OPTIONS]\n"
    "\n"
    "Opens the window: the clinician session guide (default), the patient view, training drills,\n"
    "the protocol author mode or the cervical dystonia planner.\n"
    "An educational and planning aid, not a prescribing device: the clinician decides.\n"
    "\n"
    "Options:\n"
    "  --mode MODE         clinician (default) | author | patient | training | cd\n"
    "  --protocol ID|FILE  protocol id (e.g. preempt-155, the default) or a protocol file\n"
    "  --model ID|FILE     model id (adult-male, the default; adult-female) or a model manifest\n"
    "  --size WxH          window size in pixels (default 1280x800)\n"
    "  --label TEXT        a free-text label for a new session (no patient-identifying data "
    "needed;\n"
    "                      at most 200 bytes)\n"
    "  --patient ID        clinician: start with this patient chosen (a local id or pseudonym):\n"
    "                      the last treatment from the history database, the cross-visit rules,\n"
    "                      and the finished session filed under the patient (new: created)\n"
    "\n"
    "Scripting and measurement:\n"
    "  --frames N          render N frames, then exit\n"
    "  --screenshot FILE   save the whole window (panels included) as PNG on the last frame;\n"
    "                      alone (no --frames or --keys) after 30 frames, then exit\n"
    "  --bench-frames N    render N frames of the full scene and print one line:\n"
    "                      frame_ms median=X p95=Y\n"
    "  --keys SCRIPT       testing: feed key actions, one per frame, e.g. \"right,enter,s:not "
    "needed,f1\".\n"
    "                      Tokens: right left up down space enter escape tab backspace f1 a-z 0-9 "
    "?,\n"
    "                      s:REASON (skip with a reason), type:TEXT, click:X:Y, "
    "click-landmark:NAME,\n"
    "                      click-site:ID[:DX:DY], hover-landmark:NAME (the mouse rests there: "
    "the name\n"
    "                      under it shows), wait:N. A key takes two frames (press, release).\n"
    "                      mouse-drag:X1:Y1:X2:Y2 and drag-landmark:NAME:DX:DY hold the left\n"
    "                      button while the mouse moves (10 frames). Author mode's \"Import a\n"
    "                      head\" wizard: wizard:file|points|review|save|close,\n"
    "                      import:UNITS:UP:FORWARD:PATH, click-point:NAME:X:Y:Z and\n"
    "                      drag:NAME:X:Y:Z (in the mesh file's units and axes), skip-point,\n"
    "                      undo-point, fit, save:PATH.\n"
    "                      Without --frames the window closes 30 frames after the script.\n"
    "  --check-layout      testing: report on stderr every text the window cuts (clipped by its\n"
    "                      panel, off the window, or under another panel), from the third frame\n"
    "                      on, one \"layout:\" line each; exit 3 if there was any.\n"
    "\n"
    "Session records go to $XDG_DATA_HOME/injmap/sessions (default "
    "~/.local/share/injmap/sessions).\n"
    "INJMAP_GUI_TRACE=1 prints scripted clicks, picks, hover names and when each frame was "
    "swapped\n"
    "(wall clock, seconds since the epoch) on stderr, and on the last frame of a scripted run\n"
    "\"trace: shown WHAT\" for some controls drawn (menu-bar-status TEXT, protocol-chooser,\n"
    "toggle X-ray, toolbar VIEW, print-button enabled|disabled, head-and-neck in view|cut).\n"
    "Keys in the clinician guide: Right/Space next, Left previous, Enter inject, S skip, F1 or ? "
    "help.\n"
    "Before the first injection the pre-treatment checklist and the boxed warning are shown:\n"
    "N/Y answer the next question No/Yes, A acknowledges the warning, Enter records it.\n"
    "R resumes the unfinished session offered at the start, else the newest of Recent sessions.\n"
    "U types the current site's units (above the plan a reason is asked), O confirms an optional\n"
    "site (Enter alone does not give it), N after finishing starts a new session (empty label).\n"
    "In the cervical dystonia planner Up/Down raise or lower the doses by 10 % of each range.\n"
    "In author mode's import wizard Backspace takes back the last point clicked.\n"
    "Keys in the patient view: Right/Space next area, Left previous, P play, S save the handout\n"
    "(PDF), H print it (CUPS lp, when on PATH).\n"
    "Keys in every mode: 1-5 front, back, left, right, top view; K M X B G V L I skin, muscles,\n"
    "X-ray, bones, regions, avoid, labels, needles; Z frames the current step; Home the whole "
    "model.\n"
    "\n"
    "Exit codes: 0 closed normally, 2 usage error or the window/model/protocol cannot be opened,\n"
    "3 --check-layout found cut text.\n";

std::optional<int> positive(const std::string& text, int max) {
    int v = 0;
    auto [p, e] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (e != std::errc() || p != text.data() + text.size() || v < 1 || v > max)
        return std::nullopt;
    return v;
}

int run(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--mode", true},
                                    {"--protocol", true},
                                    {"--model", true},
                                    {"--size", true},
                                    {"--frames", true},
                                    {"--screenshot", true},
                                    {"--bench-frames", true},
                                    {"--keys", true},
                                    {"--label", true},
                                    {"--patient", true},
                                    {"--check-layout", false}},
                                   error);
    if (!parsed)
        return usage_error("gui", error);
    if (!parsed->positionals.empty())
        return usage_error("gui", "unexpected argument '" + parsed->positionals.front() + "'");
    gui::GuiOptions options;
    if (auto mode = parsed->value("--mode")) {
        if (!gui::is_mode_name(*mode))
            return usage_error("gui", "unknown mode '" + *mode +
                                          "' (clinician, patient, training, author, cd)");
        options.mode = *mode;
    }
    if (parsed->has("--protocol"))
        options.protocol = parsed->value("--protocol").value_or("");
    if (auto model = parsed->value("--model"))
        options.model = *model;
    if (auto size = parsed->value("--size")) {
        const auto wh = parse_size(*size);
        if (!wh)
            return usage_error("gui", "bad --size '" + *size + "' (expected WxH, each 16..8192)");
        options.width = wh->first;
        options.height = wh->second;
    }
    if (auto frames = parsed->value("--frames")) {
        options.frames = positive(*frames, 1000000);
        if (!options.frames)
            return usage_error("gui", "bad --frames '" + *frames + "' (a whole number ≥ 1)");
    }
    if (auto bench = parsed->value("--bench-frames")) {
        options.bench_frames = positive(*bench, 1000000);
        if (!options.bench_frames)
            return usage_error("gui", "bad --bench-frames '" + *bench + "' (a whole number ≥ 1)");
    }
    options.screenshot = parsed->value("--screenshot").value_or("");
    options.keys = parsed->value("--keys").value_or("");
    if (!options.keys.empty() && !gui::parse_key_script(options.keys, error))
        return usage_error("gui", error);
    options.label = parsed->value("--label").value_or("");
    options.check_layout = parsed->has("--check-layout");
    if (options.label.size() > kMaxLabelBytes)
        return usage_error("gui", "--label is " + std::to_string(options.label.size()) +
                                      " bytes long; at most " + std::to_string(kMaxLabelBytes) +
                                      " are allowed [session.too-long]");
    if (const auto patient = parsed->value("--patient")) {
        bool control = false;
        for (const char c : *patient)
            control = control || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        if (patient->empty() || patient->size() > kMaxIdBytes || control)
            return usage_error("gui", "--patient takes an id of 1 to " +
                                          std::to_string(kMaxIdBytes) +
                                          " bytes without control characters");
        options.patient = *patient;
    }
    return gui::run_gui(options);
}

} // namespace

const Command gui_command{
    "gui", "open the window: session guide, patient, training, author and CD modes (default)",
    kUsage, run};
} // namespace injmap::cli
