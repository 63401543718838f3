// injmap render: site maps as PNG without a display (EGL surfaceless), plus a JSON report of where
// each site landed in each image.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <future>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "injmap/models/atomic_file.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/framing.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/models/skin_regions.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/egl_context.hpp"
#include "injmap/render/png.hpp"
#include "injmap/render/renderer.hpp"
#include "injmap/render/style.hpp"
#include "injmap/units_format.hpp"

namespace injmap::cli {
namespace {

namespace fs = std::filesystem;
using render::FrameSnapshot;
using render::Marker;
using render::MarkerState;

constexpr const char* kName = "render";

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// "cervical_paraspinal" → "Cervical paraspinal".
std::string display_muscle(const std::string& id) {
    std::string text = id;
    std::replace(text.begin(), text.end(), '_', ' ');
    if (!text.empty())
        text[0] = char(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

// "Frontalis L · 5 U" (the subject's side).
std::string site_label(const Site& site) {
    std::string text = display_muscle(site.muscle);
    if (site.side == Side::left)
        text += " L";
    else if (site.side == Side::right)
        text += " R";
    return text + " \u00b7 " + format_units(site.units) + " U";
}

struct Options {
    std::string model = "adult-male";
    std::optional<std::string> protocol;
    std::vector<std::string> views;
    int width = 1280;
    int height = 800;
    render::Layers layers;
    int skin_tone = 2;
    std::optional<int> step; // 1-based
    fs::path output;
    std::optional<fs::path> report;
    bool regions = false;                    // --highlight regions
    std::vector<std::string> hidden_muscles; // --hide-muscles
};

// The pseudo view "step": the view the --step's own step names (Step::view).
constexpr std::string_view kStepView = "step";

// Parses and checks everything that needs no file; returns an error message or "".
std::string parse_options(std::span<const std::string> args, Options& o) {
    const std::vector<OptionSpec> spec = {
        {"--model", true},  {"--protocol", true},  {"--view", true, true}, {"--size", true},
        {"--layers", true}, {"--skin-tone", true}, {"--step", true},       {"-o", true},
        {"--output", true}, {"--report", true},    {"--highlight", true},  {"--hide-muscles", true},
    };
    std::string error;
    auto parsed = parse_args(args, spec, error);
    if (!parsed)
        return error;
    if (!parsed->positionals.empty())
        return "unexpected argument '" + parsed->positionals.front() + "'";
    if (auto v = parsed->value("--model"))
        o.model = *v;
    o.protocol = parsed->value("--protocol");
    for (const auto& v : parsed->all("--view")) {
        if (v == kStepView) {
            if (!parsed->value("--step"))
                return "--view step needs --step N (the view of step N)";
        } else if (!render::is_view_name(v)) {
            std::string names;
            for (auto n : render::view_names())
                names += (names.empty() ? "" : ", ") + std::string(n);
            return "unknown view '" + v + "' (views: " + names + ", step)";
        }
        if (std::find(o.views.begin(), o.views.end(), v) == o.views.end())
            o.views.push_back(v);
    }
    if (o.views.empty())
        o.views.push_back("front");
    if (auto v = parsed->value("--size")) {
        auto size = parse_size(*v);
        if (!size)
            return "bad --size '" + *v + "' (expected WxH, each 16..8192, e.g. 1280x800)";
        o.width = size->first;
        o.height = size->second;
    }
    if (auto v = parsed->value("--layers")) {
        o.layers.skin = o.layers.muscles = o.layers.xray = o.layers.bones = o.layers.avoid = false;
        std::stringstream list(*v);
        std::string item;
        int count = 0;
        while (std::getline(list, item, ',')) {
            if (item == "skin")
                o.layers.skin = true;
            else if (item == "muscles")
                o.layers.muscles = true;
            else if (item == "xray")
                o.layers.xray = true;
            else if (item == "bones")
                o.layers.bones = true;
            else if (item == "avoid")
                o.layers.avoid = true;
            else
                return "unknown layer '" + item +
                       "' in --layers (layers: skin, muscles, xray, bones, avoid)";
            ++count;
        }
        if (count == 0)
            return "--layers needs at least one of skin, muscles, xray, bones, avoid";
    }
    if (auto v = parsed->value("--skin-tone")) {
        const auto tones = int(render::skin_tones().size());
        auto n = parse_int(*v);
        if (!n || *n < 0 || *n >= tones)
            return "bad --skin-tone '" + *v + "' (0.." + std::to_string(tones - 1) + ")";
        o.skin_tone = *n;
    }
    if (auto v = parsed->value("--step")) {
        auto n = parse_int(*v);
        if (!n || *n < 1)
            return "bad --step '" + *v + "' (a step number from 1)";
        if (!o.protocol)
            return "--step needs --protocol";
        o.step = *n;
    }
    auto out = parsed->value("-o");
    if (auto long_out = parsed->value("--output")) {
        if (out)
            return "give -o or --output, not both";
        out = long_out;
    }
    if (!out)
        return "missing -o OUT.png";
    o.output = *out;
    if (auto v = parsed->value("--report"))
        o.report = fs::path(*v);
    if (auto v = parsed->value("--highlight")) {
        if (*v != "regions")
            return "unknown --highlight '" + *v + "' (values: regions)";
        o.regions = true;
    }
    if (auto v = parsed->value("--hide-muscles")) {
        std::stringstream list(*v);
        std::string item;
        while (std::getline(list, item, ','))
            if (!item.empty())
                o.hidden_muscles.push_back(item);
        if (o.hidden_muscles.empty())
            return "--hide-muscles needs muscle ids, e.g. trapezius,splenius_capitis";
    }
    return "";
}

fs::path output_for_view(const fs::path& output, const std::string& view, bool several) {
    if (!several)
        return output;
    fs::path stem = output;
    const std::string ext = output.extension().string();
    stem.replace_extension();
    return fs::path(stem.string() + "-" + view + (ext.empty() ? ".png" : ext));
}

void print_errors(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        if (d.severity != Severity::note)
            std::cerr << format_diagnostic(d) << "\n";
}

// Markers, highlighted muscles for the protocol or one of its steps. A cervical dystonia plan
// treats one side of a muscle, not both: its muscles are highlighted by side (they are tinted on
// the skin too).
void add_protocol(FrameSnapshot& frame, const Model& model, const Protocol& protocol,
                  const PlacedProtocol& placed, std::optional<int> step) {
    const bool sided = protocol.indication == std::string(kCervicalDystonia);
    std::set<std::string> muscles;
    std::size_t k = 0;
    for (std::size_t s = 0; s < protocol.steps.size(); ++s) {
        const bool before = step && int(s) + 1 < *step;
        const bool current = step && int(s) + 1 == *step;
        for (const auto& site : protocol.steps[s].sites) {
            const PlacedSite& p = placed.sites[k++];
            if ((!step || current) && sided && site.side != Side::midline) {
                for (const auto& id : model.expand_muscle_key(site.muscle))
                    muscles.insert(id + "_" + to_string(site.side));
            } else if (!step || current) {
                muscles.insert(site.muscle);
            }
            if (!p.placed)
                continue;
            Marker m;
            m.id = site.id;
            m.number = int(k);
            m.position = p.position;
            m.normal = p.normal;
            m.needle_direction = p.needle_direction;
            m.label = site_label(site);
            if (current)
                m.state = MarkerState::current;
            else if (before)
                m.state = MarkerState::done;
            else
                m.state = site.optional ? MarkerState::optional : MarkerState::pending;
            frame.markers.push_back(std::move(m));
        }
    }
    frame.highlighted_muscles.assign(muscles.begin(), muscles.end());
}

// All the model's injection regions; with a step, that step's regions strong and the others
// faint.
void add_regions(FrameSnapshot& frame, const Model& model, const Protocol* protocol,
                 std::optional<int> step) {
    std::set<std::string> current;
    if (protocol && step && *step >= 1 && *step <= int(protocol->steps.size()))
        for (const auto& site : protocol->steps[std::size_t(*step - 1)].sites)
            if (auto r = region_for_muscle(site.muscle, to_string(site.side)); !r.empty())
                current.insert(r);
    for (const auto& r : model.regions)
        frame.regions.push_back({r.id, current.empty() || current.count(r.id) ? 1.0f : 0.35f});
}

// The whole model from the named view, leaving room beside it for the label columns.
render::Camera camera_for(const Model& model, const std::string& view, int width, int height,
                          bool labels) {
    // The head and shoulders (framing.hpp), not a whole body that came with the scan.
    const std::vector<glm::vec3> points = framing_skin_points(model);
    const float aspect = float(width) / float(height);
    // Labels take about 17 % of the width on each side.
    const float usable = labels ? std::min(aspect * 0.66f, aspect) : aspect;
    return render::frame_points(points, view, usable, 0.06f).value_or(render::Camera{});
}

// What the sites need before drawing: the model's surface indices, the protocol read, placed
// and validated. exit_code is exit_ok, or the exit code after the messages were printed.
struct Sites {
    int exit_code = exit_ok;
    std::unique_ptr<ModelQueries> queries;
    std::optional<Protocol> protocol;
    PlacedProtocol placed;
    bool unplaced = false;     // some sites could not be placed (drawn without them, exit 1)
    render::Prepared prepared; // the renderer's CPU work for this model and image size
};

Sites prepare_sites(const Options& o, const Model& model) {
    Sites out;
    out.queries = std::make_unique<ModelQueries>(model);
    if (!o.protocol)
        return out;
    const ModelQueries& queries = *out.queries;
    auto path = resolve_protocol(*o.protocol);
    if (!path) {
        std::cerr << "injmap render: no protocol '" << escape_control(*o.protocol)
                  << "' (not a file, not a shipped id)\n";
        out.exit_code = exit_usage;
        return out;
    }
    auto read = read_protocol_file(*path);
    if (std::any_of(read.diagnostics.begin(), read.diagnostics.end(),
                    [](const Diagnostic& d) { return d.rule == "protocol.io"; })) {
        std::cerr << "injmap render: cannot read " << escape_control(path->string()) << "\n";
        out.exit_code = exit_usage;
        return out;
    }
    if (!read.value || has_errors(read.diagnostics)) {
        print_errors(read.diagnostics);
        out.exit_code = exit_findings;
        return out;
    }
    out.protocol = std::move(*read.value);
    const Protocol& protocol = *out.protocol;
    auto placement = place_protocol(protocol, queries);
    Diagnostics findings = placement.diagnostics;
    const Diagnostics general = validate_protocol(protocol);
    findings.insert(findings.end(), general.begin(), general.end());
    if (placement.value) {
        const Diagnostics on_model = validate_on_model(protocol, *placement.value, queries);
        findings.insert(findings.end(), on_model.begin(), on_model.end());
    }
    // Sites that cannot be placed on this model (a head-only scan has no acromion) leave the map
    // drawn with the others and listed on it; any other error refuses the drawing.
    const bool only_unplaced =
        placement.value && std::all_of(findings.begin(), findings.end(), [](const Diagnostic& d) {
            return d.severity != Severity::error || d.rule == "placement.unknown-landmark" ||
                   d.rule == "placement.off-skin";
        });
    if (!placement.value || (has_errors(findings) && !only_unplaced)) {
        print_errors(findings);
        out.exit_code = exit_findings;
        return out;
    }
    if (has_errors(findings)) {
        print_errors(findings);
        out.unplaced = true;
    }
    out.placed = std::move(*placement.value);
    if (o.step && *o.step > int(protocol.steps.size())) {
        std::cerr << "injmap render: --step " << *o.step << ": '" << escape_control(protocol.id)
                  << "' has " << protocol.steps.size() << " steps\n";
        out.exit_code = exit_usage;
    }
    return out;
}

int run_render(std::span<const std::string> args) {
    Options o;
    if (std::string error = parse_options(args, o); !error.empty())
        return usage_error(kName, error);

    // Fail before the slow part when the images cannot be written anyway.
    {
        std::error_code ec;
        const fs::path dir = o.output.parent_path();
        if (!dir.empty() && !fs::is_directory(dir, ec)) {
            std::cerr << "injmap render: cannot write " << escape_control(o.output.string())
                      << ": no folder " << escape_control(dir.string()) << "\n";
            return exit_usage;
        }
    }

    // Loading the model (~10 ms from the cache), its skin index, the protocol's placement and the
    // renderer's CPU work (skin clusters, label fonts) need no GL: they run on the second core
    // while this one starts EGL (~30 ms) and compiles the shaders, then uploads. A bad model is
    // reported first, then protocol problems (exit 1), then a missing GL (exit 2), as without the
    // thread.
    Result<Model> model_result;
    auto prepared = std::async(std::launch::async, [&] {
        model_result = load_model_by_name(o.model);
        if (!model_result.ok())
            return Sites{exit_usage, nullptr, {}, {}, false, {}};
        const Model& model = *model_result.value;
        Sites sites = prepare_sites(o, model);
        if (sites.exit_code == exit_ok) {
            FrameSnapshot size_only; // all the label fonts depend on
            size_only.width = o.width;
            size_only.height = o.height;
            sites.prepared = render::prepare_without_gl(model, size_only);
        }
        return sites;
    });
    std::string error;
    auto context = render::EglContext::create(error);
    std::unique_ptr<render::Renderer> renderer;
    if (context)
        renderer = render::Renderer::create(error);
    Sites ready = prepared.get(); // rethrows what the worker threw (main reports it)
    if (ready.exit_code == exit_ok && model_result.ok() && renderer)
        renderer->prepare(*model_result.value, std::move(ready.prepared));
    if (!model_result.ok()) {
        std::string why = "not found";
        for (const auto& d : model_result.diagnostics)
            if (d.severity == Severity::error) {
                why = format_diagnostic(d);
                break;
            }
        std::cerr << "injmap render: cannot load model '" << escape_control(o.model)
                  << "': " << escape_control(why) << "\n";
        return exit_usage;
    }
    const Model& model = *model_result.value;
    if (ready.exit_code != exit_ok)
        return ready.exit_code;
    if (!context) {
        std::cerr << "injmap render: no headless OpenGL: " << error << "\n";
        return exit_usage;
    }
    if (!renderer) {
        std::cerr << "injmap render: " << error << "\n";
        return exit_usage;
    }
    const ModelQueries& queries = *ready.queries;
    const std::optional<Protocol>& protocol = ready.protocol;
    const PlacedProtocol& placed = ready.placed;

    FrameSnapshot frame;
    frame.model = &model;
    frame.layers = o.layers;
    frame.skin_tone = o.skin_tone;
    frame.width = o.width;
    frame.height = o.height;
    frame.antialias = true; // a still image: worth the antialiasing pass (docs/performance.md)
    frame.skin_index = &queries.skin();
    frame.hidden_muscles = o.hidden_muscles;
    if (protocol) {
        add_protocol(frame, model, *protocol, placed, o.step);
        frame.notes = unplaced_notes(model.id, *protocol, placed);
    }
    // A cervical dystonia plan's muscles show on the skin too, not only under it.
    frame.skin_muscle_tint = protocol && protocol->indication == std::string(kCervicalDystonia);
    if (o.regions)
        add_regions(frame, model, protocol ? &*protocol : nullptr, o.step);

    nlohmann::json images = nlohmann::json::array();
    const bool several = o.views.size() > 1;
    for (const auto& asked : o.views) {
        // "step" is the step's own view (an empty one is the default, front).
        std::string view = asked;
        if (view == kStepView && protocol && o.step) {
            const std::string& own = protocol->steps[std::size_t(*o.step - 1)].view;
            view = own.empty() ? "front" : own;
        }
        frame.camera = camera_for(model, view, o.width, o.height, !frame.markers.empty());
        const auto pixels = renderer->render_rgba(frame);
        const fs::path file = output_for_view(o.output, asked, several);
        if (!render::write_png(file, o.width, o.height, pixels, error)) {
            std::cerr << "injmap render: " << escape_control(error) << "\n";
            return exit_usage;
        }
        nlohmann::json sites = nlohmann::json::array();
        const auto& layout = renderer->last_layout();
        for (std::size_t i = 0; i < frame.markers.size(); ++i) {
            const auto& m = layout.markers[i];
            sites.push_back({{"id", frame.markers[i].id},
                             {"x", m.centre.x},
                             {"y", m.centre.y},
                             {"visible", m.visible},
                             {"radius_px", m.radius_px}});
        }
        nlohmann::json image = {{"file", file.string()},
                                {"view", view},
                                {"width", o.width},
                                {"height", o.height},
                                {"sites", std::move(sites)}};
        if (o.regions && o.report) {
            const auto counts = renderer->region_pixels(frame);
            nlohmann::json regions = nlohmann::json::array();
            for (std::size_t k = 0; k < model.regions.size() && k < counts.size(); ++k)
                regions.push_back({{"id", model.regions[k].id},
                                   {"display_name", model.regions[k].display_name},
                                   {"visible_px", counts[k]}});
            image["regions"] = std::move(regions);
        }
        images.push_back(std::move(image));
    }

    if (o.report) {
        nlohmann::json unplaced = nlohmann::json::array();
        if (protocol) {
            const auto sites = protocol->sites();
            for (std::size_t i = 0; i < sites.size() && i < placed.sites.size(); ++i)
                if (!placed.sites[i].placed)
                    unplaced.push_back(sites[i]->id);
        }
        const std::string text =
            nlohmann::json{{"images", std::move(images)}, {"unplaced", std::move(unplaced)}}.dump(
                2) +
            "\n";
        if (std::string reason; !io::write_file_atomically(*o.report, text, reason)) {
            std::cerr << "injmap render: cannot write " << escape_control(o.report->string())
                      << ": " << reason << "\n";
            return exit_usage;
        }
    }
    // Every image and the report are written and closed: the teardown of the model, the indices
    // and the GL driver would only cost time.
    const int code = ready.unplaced ? exit_findings : exit_ok;
    exit_now(code);
    return code;
}

} // namespace

const Command render_command{
    "render", "render site maps to PNG without a display (EGL)",
    "Usage: injmap render [--model ID|MANIFEST] [--protocol ID|FILE] [--view NAME]... [--size "
    "WxH]\n"
    "                     [--layers skin,muscles,xray,bones,avoid] [--skin-tone N] [--step N] -o "
    "OUT.png\n"
    "                     [--report REPORT.json] [--highlight regions] [--hide-muscles ID,ID]\n"
    "\n"
    "Renders the model (and a protocol's sites) headless, through EGL: no X server needed.\n"
    "\n"
    "  --model ID|MANIFEST   model id (default adult-male) or a model manifest (.toml)\n"
    "  --protocol ID|FILE    a shipped protocol id (e.g. preempt-155) or a protocol file; without "
    "it the\n"
    "                        bare model is drawn\n"
    "  --view NAME           front (default), back, left, right, top, oblique-left, "
    "oblique-right,\n"
    "                        back-above, left-back, right-back; \"left\" shows the subject's left "
    "side,\n"
    "                        \"left-back\" looks from behind the left shoulder, \"back-above\" "
    "from behind\n"
    "                        and above; step (needs --step): the step's own view. Repeat for "
    "several\n"
    "                        images: OUT-<view>.png each (OUT-step.png for step)\n"
    "  --size WxH            image size in pixels (default 1280x800)\n"
    "  --layers LIST         comma-separated: skin (default), muscles, xray (see-through skin over "
    "the muscles),\n"
    "                        bones (the skeleton; alone: bones on the backdrop; xray,bones: "
    "see-through skin\n"
    "                        over muscles and bones). skin,muscles: the muscles (and bones) show "
    "through\n"
    "                        the skin, which keeps its colour. avoid (nerves, vessels, brachial "
    "plexus and\n"
    "                        lung apex to keep the needle away from, in bright colours on top of "
    "muscles; alone:\n"
    "                        on the backdrop; with skin or xray: under a see-through skin)\n"
    "  --skin-tone N         0 Light, 1 Fair, 2 Medium (default), 3 Olive, 4 Brown, 5 Deep\n"
    "  --step N              highlight step N's muscles (1 = first step) and mark its sites "
    "current;\n"
    "                        sites of earlier steps are drawn as done\n"
    "  --highlight regions   shade the seven injection regions on the skin (forehead, between "
    "the brows,\n"
    "                        temples, back of the head, back of the neck, tops of the shoulders); "
    "with\n"
    "                        --step, that step's region strong and the others faint\n"
    "  --hide-muscles LIST   comma-separated muscle ids (both sides), group keys or ID_SIDE keys "
    "not drawn\n"
    "                        by the muscles and x-ray layers, e.g. "
    "trapezius,splenius_capitis_left\n"
    "  -o, --output OUT.png  the image to write\n"
    "  --report FILE.json    where each site landed: {\"images\": [{\"file\", \"view\", \"width\", "
    "\"height\",\n"
    "                        \"sites\": [{\"id\", \"x\", \"y\", \"visible\", \"radius_px\"}]}], "
    "\"unplaced\": [ids]}; x, y = marker centre\n"
    "                        in pixels from the top-left; visible = facing the camera and not "
    "hidden by the model;\n"
    "                        with --highlight regions each image also has \"regions\": [{\"id\", "
    "\"display_name\",\n"
    "                        \"visible_px\"}] (skin pixels of that region seen in the image)\n"
    "                        view = the view drawn (for --view step, the step's view's name)\n"
    "\n"
    "Marker colours (Okabe-Ito, colour-blind safe): blue pending, vermillion current, green done "
    "(tick),\n"
    "grey skipped (struck through), purple ring optional.\n"
    "Exit codes: 0 written, 1 the protocol has errors (printed; sites that cannot be placed on "
    "this model\n"
    "leave the images written without them, listed at the bottom left), 2 bad arguments or "
    "unreadable files.\n",
    run_render};

} // namespace injmap::cli
