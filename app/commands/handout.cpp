// injmap handout: the patient handout as PNG or PDF, rendered headless (EGL), laid out by
// app/gui/handout.hpp.
#include <charconv>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "gui/handout.hpp"
#include "gui/page_output.hpp"
#include "gui/patient_content.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/cd_plan.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/png.hpp"
#include "injmap/render/renderer.hpp"
#include "injmap/render/style.hpp"

namespace injmap::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kName = "handout";

// The one value of an option that may be given once.
std::optional<std::string> single(const ParsedArgs& parsed, const std::string& name,
                                  std::string& error) {
    const auto all = parsed.all(name);
    if (all.size() > 1)
        error = "give " + name + " once";
    return parsed.value(name);
}

int run_handout(std::span<const std::string> args) {
    std::string error;
    const auto parsed = parse_args(args,
                                   {{"--protocol", true},
                                    {"--form", true},
                                    {"--side", true},
                                    {"--model", true},
                                    {"--skin-tone", true},
                                    {"--json", false},
                                    {"-o", true},
                                    {"--output", true}},
                                   error);
    if (!parsed)
        return usage_error(kName, error);
    if (!parsed->positionals.empty())
        return usage_error(kName, "unexpected argument '" + parsed->positionals.front() + "'");
    const auto protocol_arg = single(*parsed, "--protocol", error);
    const auto form_arg = single(*parsed, "--form", error);
    const auto side_arg = single(*parsed, "--side", error);
    if (!error.empty())
        return usage_error(kName, error);
    if (protocol_arg && form_arg)
        return usage_error(kName, "give --protocol or --form, not both");
    if (!protocol_arg && !form_arg)
        return usage_error(kName, "missing --protocol ID|FILE (or --form FORM for cervical "
                                  "dystonia)");
    // --form FORM [--side left|right]: a cervical dystonia plan for that posture, as `injmap cd
    // plan` makes it. The side is required for the rotation and lateral forms and refused for the
    // sagittal ones, where the posture has no side.
    std::optional<CdFormChoice> choice;
    if (form_arg) {
        if (!is_cd_form(*form_arg))
            return usage_error(kName, "unknown --form '" + *form_arg +
                                          "' (torticaput, torticollis, laterocaput, laterocollis, "
                                          "antecaput, anterocollis, retrocaput, retrocollis)");
        choice = CdFormChoice{*form_arg, std::nullopt};
        if (side_arg) {
            if (*side_arg != "left" && *side_arg != "right")
                return usage_error(kName, "--side must be left or right, not '" + *side_arg + "'");
            if (cd_form_is_sagittal(*form_arg))
                return usage_error(kName, *form_arg + " is a sagittal form (the head or neck bends "
                                                      "forward or back): it takes no --side");
            choice->side = *side_arg == "left" ? Side::left : Side::right;
        } else if (!cd_form_is_sagittal(*form_arg)) {
            return usage_error(kName, *form_arg +
                                          " needs --side left or --side right (the side the "
                                          "head turns or tilts to)");
        }
    } else if (side_arg) {
        return usage_error(kName, "--side goes with --form (cervical dystonia)");
    }
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
    Protocol protocol;
    std::string subtitle;
    if (choice) {
        auto templates = load_cd_templates();
        if (!templates.value || has_errors(templates.diagnostics)) {
            for (const auto& d : templates.diagnostics)
                if (d.severity == Severity::error)
                    return usage_error(kName, "cannot read the cervical dystonia templates: " +
                                                  format_diagnostic(d));
            return usage_error(kName, "cannot read the cervical dystonia templates");
        }
        const CdFormChoice choices[] = {*choice};
        auto plan = make_cd_plan(choices, *templates.value);
        if (!plan.value || has_errors(plan.diagnostics)) {
            for (const auto& d : plan.diagnostics)
                if (d.severity == Severity::error)
                    return usage_error(kName, "cannot plan: " + format_diagnostic(d));
            return usage_error(kName, "cannot plan " + describe_cd_forms(choices));
        }
        protocol = make_plan_protocol(*plan.value, *templates.value);
        subtitle = gui::posture_in_plain_words(choice->form, choice->side.value_or(Side::left));
    } else {
        const auto path = resolve_protocol(*protocol_arg);
        if (!path)
            return usage_error(kName, "no protocol '" + *protocol_arg +
                                          "' (not a file, nor a shipped or user id)");
        auto read = read_protocol_file(*path);
        if (!read.value || has_errors(read.diagnostics)) {
            for (const auto& d : read.diagnostics)
                if (d.severity == Severity::error)
                    return usage_error(kName, "cannot use protocol: " + format_diagnostic(d));
            return usage_error(kName, "cannot read " + path->string());
        }
        protocol = std::move(*read.value);
        // A shipped cervical dystonia template is drawn for a posture to the left.
        if (protocol.cd)
            subtitle = gui::posture_in_plain_words(protocol.cd->form, Side::left);
    }
    ModelQueries queries(*model.value);

    auto context = render::EglContext::create(error);
    if (!context)
        return usage_error(kName, "no headless OpenGL: " + error);
    auto renderer = render::Renderer::create(error);
    if (!renderer)
        return usage_error(kName, error);

    const bool pdf = extension == ".pdf";
    std::vector<render::PageCanvas> pages;
    pages.emplace_back(gui::kHandoutWidth, gui::kHandoutHeight);
    gui::HandoutInput input{&*model.value, &queries, &protocol, skin_tone, subtitle};
    gui::HandoutLayoutInfo info;
    if (!gui::compose_handout(
            input, [&](const render::FrameSnapshot& f) { return renderer->render_rgba(f); }, pages,
            error, &info))
        return usage_error(kName, error);
    // The same pages, drawn by the same cairo calls: A4 pages of shapes, images and real text in
    // the PDF, or pixels one page under the other in the PNG.
    const bool written = pdf ? gui::write_pdf_pages(*output, pages, info.title, error)
                             : render::write_png(*output, gui::kHandoutWidth,
                                                 gui::kHandoutHeight * int(pages.size()),
                                                 gui::stacked_rgba(pages), error);
    if (!written)
        return usage_error(kName, error);
    if (info.cut)
        std::cerr << "injmap handout: note: the patient texts are too long for one page and were "
                     "shortened\n";
    if (parsed->has("--json")) {
        nlohmann::json out;
        out["output"] = *output;
        out["title"] = info.title;
        out["subtitle"] = subtitle;
        out["treated_muscles"] = info.treated_muscles;
        out["areas"] = info.areas;
        out["pages"] = info.pages;
        out["body_px"] = info.body_px;
        out["shortened"] = info.cut;
        std::cout << out.dump(2) << "\n";
    }
    return exit_ok;
}

} // namespace

const Command handout_command{
    "handout", "write a patient handout (PNG or PDF)",
    "Usage: injmap handout (--protocol ID|FILE | --form FORM [--side left|right])\n"
    "                      [--model ID|MANIFEST] [--skin-tone N] [--json] -o FILE.png|FILE.pdf\n"
    "\n"
    "Writes a patient handout of one or two A4 portrait pages (1240x1754 pixels each: 150 dpi)\n"
    "without a display (EGL): a plain title, the treated areas softly highlighted on front and "
    "back\n"
    "views of the model, where the injections go, a timeline (first effect, full effect, wearing\n"
    "off, next treatment) and the protocol's plain-language [patient] texts, with a space for the\n"
    "next appointment. A second page is used when the texts do not fit on one at a comfortable\n"
    "size. A PNG holds the pages one under the other (1240x3508 for two); a PDF has one A4 page\n"
    "each, drawn as shapes and real text (searchable; pdftotext extracts them) with the two model\n"
    "views as its only pictures: the same layout as the PNG, in under 200 KB.\n"
    "\n"
    "Options:\n"
    "  --protocol ID|FILE    a shipped or user protocol id (e.g. preempt-155) or a protocol file\n"
    "  --form FORM           cervical dystonia: the handout of the plan for one Col-Cap form, as\n"
    "                        `injmap cd plan` makes it: torticaput, torticollis, laterocaput,\n"
    "                        laterocollis, antecaput, anterocollis, retrocaput, retrocollis\n"
    "  --side left|right     the side the head turns or tilts to; needed by the torti- and\n"
    "                        latero- forms, refused for the sagittal ones (ante-, antero-, "
    "retro-)\n"
    "  --model ID|MANIFEST   model id (adult-male, the default; adult-female) or a model manifest\n"
    "  --skin-tone N         0 Light, 1 Fair, 2 Medium (default), 3 Olive, 4 Brown, 5 Deep\n"
    "  --json                after writing, print {\"output\", \"title\", \"subtitle\",\n"
    "                        \"treated_muscles\", \"areas\", \"pages\", \"body_px\",\n"
    "                        \"shortened\"}\n"
    "  -o, --output FILE     the file to write: FILE.png or FILE.pdf\n"
    "\n"
    "Exit codes: 0 written, 2 bad arguments, unreadable model or protocol, no headless OpenGL, or\n"
    "the file cannot be written.\n",
    run_handout};

} // namespace injmap::cli
