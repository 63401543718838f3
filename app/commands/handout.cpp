// injmap handout: the one-page patient handout as PNG, rendered headless (EGL), laid out by
// app/gui/handout.hpp.
#include <charconv>
#include <iostream>

#include "commands/commands.hpp"
#include "commands/pdf_page.hpp"
#include "gui/handout.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/renderer.hpp"
#include "injmap/render/style.hpp"

namespace injmap::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kName = "handout";

int run_handout(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--protocol", true},
                                    {"--model", true},
                                    {"--skin-tone", true},
                                    {"-o", true},
                                    {"--output", true}},
                                   error);
    if (!parsed)
        return usage_error(kName, error);
    if (!parsed->positionals.empty())
        return usage_error(kName, "unexpected argument '" + parsed->positionals.front() + "'");
    const auto protocol_arg = parsed->value("--protocol");
    if (!protocol_arg)
        return usage_error(kName, "missing --protocol ID|FILE");
    auto output = parsed->value("-o");
    if (auto long_out = parsed->value("--output")) {
        if (output)
            return usage_error(kName, "give -o or --output, not both");
        output = long_out;
    }
    if (!output)
        return usage_error(kName, "missing -o FILE.png");
    const auto extension = fs::path(*output).extension();
    if (extension != ".png" && extension != ".pdf")
        return usage_error(kName, "the output must be a .png or .pdf file");
    int skin_tone = 2;
    if (auto v = parsed->value("--skin-tone")) {
        const int tones = int(render::skin_tones().size());
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), skin_tone);
        if (ec != std::errc() || end != v->data() + v->size() || skin_tone < 0 ||
            skin_tone >= tones)
            return usage_error(kName, "bad --skin-tone '" + *v + "' (0.." +
                                          std::to_string(tones - 1) + ")");
    }
    const std::string model_name = parsed->value("--model").value_or("adult-male");

    auto model = load_model_by_name(model_name);
    if (!model.ok()) {
        std::string why = "not found";
        for (const auto& d : model.diagnostics)
            if (d.severity == Severity::error) {
                why = format_diagnostic(d);
                break;
            }
        return usage_error(kName, "cannot load model '" + model_name + "': " + why);
    }
    const auto path = resolve_protocol(*protocol_arg);
    if (!path)
        return usage_error(kName, "no protocol '" + *protocol_arg +
                                      "' (not a file, nor a shipped or user id)");
    auto protocol = read_protocol_file(*path);
    if (!protocol.value || has_errors(protocol.diagnostics)) {
        for (const auto& d : protocol.diagnostics)
            if (d.severity == Severity::error)
                return usage_error(kName, "cannot use protocol: " + format_diagnostic(d));
        return usage_error(kName, "cannot read " + path->string());
    }
    ModelQueries queries(*model.value);

    auto context = render::EglContext::create(error);
    if (!context)
        return usage_error(kName, "no headless OpenGL: " + error);
    auto renderer = render::Renderer::create(error);
    if (!renderer)
        return usage_error(kName, error);

    render::PageCanvas page(gui::kHandoutWidth, gui::kHandoutHeight);
    gui::HandoutInput input{&*model.value, &queries, &*protocol.value, skin_tone};
    gui::HandoutLayoutInfo info;
    if (!gui::compose_handout(
            input, [&](const render::FrameSnapshot& f) { return renderer->render_rgba(f); }, page,
            error, &info))
        return usage_error(kName, error);
    const bool written = extension == ".pdf" ? write_pdf_page(*output, page.width(), page.height(),
                                                              page.rgba(), error)
                                             : page.write_png(*output, error);
    if (!written)
        return usage_error(kName, error);
    if (info.cut)
        std::cerr << "injmap handout: note: the patient texts are too long for one page and were "
                     "shortened\n";
    return exit_ok;
}

} // namespace

const Command handout_command{
    "handout", "write a one-page patient handout (PNG or PDF)",
    "Usage: injmap handout --protocol ID|FILE [--model ID|MANIFEST] [--skin-tone N] -o "
    "FILE.png|FILE.pdf\n"
    "\n"
    "Writes a one-page patient handout (1240x1754 pixels: A4 portrait at 150 dpi) without a "
    "display\n"
    "(EGL): the treated areas softly highlighted on front and back views of the model, where the\n"
    "injections go, a timeline (first effect, full effect, wearing off, next treatment) and the\n"
    "protocol's plain-language [patient] texts, with a space for the next appointment.\n"
    "\n"
    "Options:\n"
    "  --protocol ID|FILE    a shipped or user protocol id (e.g. preempt-155) or a protocol file\n"
    "  --model ID|MANIFEST   model id (adult-male, the default; adult-female) or a model manifest\n"
    "  --skin-tone N         0 Light, 1 Fair, 2 Medium (default), 3 Olive, 4 Brown, 5 Deep\n"
    "  -o, --output FILE     the page to write: FILE.png (1240x1754) or FILE.pdf (one A4 page)\n"
    "\n"
    "Exit codes: 0 written, 2 bad arguments, unreadable model or protocol, no headless OpenGL, or\n"
    "the file cannot be written.\n",
    run_handout};

} // namespace injmap::cli
