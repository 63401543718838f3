#include "gui/loading.hpp"

#include <exception>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"

namespace injmap::gui {
namespace {

Diagnostic make_error(std::string rule, std::string message, const std::string& file = {}) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = file;
    return d;
}

} // namespace

std::string first_error(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics)
        if (d.severity == Severity::error)
            return format_diagnostic(d);
    return diagnostics.empty() ? std::string("unknown error")
                               : format_diagnostic(diagnostics.front());
}

LoadedProtocol load_protocol(const std::filesystem::path& path, const ModelQueries* model) {
    LoadedProtocol out;
    out.path = path;
    try {
        Result<Protocol> read = read_protocol_file(path);
        out.diagnostics = read.diagnostics;
        if (!read.ok())
            return out;
        auto protocol = std::make_shared<Protocol>(std::move(*read.value));
        Diagnostics checks = validate_protocol(*protocol);
        out.diagnostics.insert(out.diagnostics.end(), checks.begin(), checks.end());
        if (model) {
            Result<PlacedProtocol> placed = place_protocol(*protocol, *model);
            out.diagnostics.insert(out.diagnostics.end(), placed.diagnostics.begin(),
                                   placed.diagnostics.end());
            if (placed.value) {
                out.placed = std::move(*placed.value);
                Diagnostics on_model = validate_on_model(*protocol, out.placed, *model);
                out.diagnostics.insert(out.diagnostics.end(), on_model.begin(), on_model.end());
            }
        }
        out.protocol = std::move(protocol);
    } catch (const std::exception& e) {
        // Readers promise not to throw; if one does (out of memory), the file is simply not usable.
        out.protocol.reset();
        out.placed = {};
        out.diagnostics.push_back(
            make_error("protocol.io", std::string("cannot read: ") + e.what(), path.string()));
    }
    return out;
}

LoadedModel load_model_with_queries(std::string_view id_or_path) {
    LoadedModel out;
    try {
        Result<Model> loaded = load_model_by_name(id_or_path);
        out.diagnostics = std::move(loaded.diagnostics);
        if (loaded.value && !has_errors(out.diagnostics)) {
            out.model = std::make_unique<Model>(std::move(*loaded.value));
            out.queries = std::make_unique<ModelQueries>(*out.model);
        }
    } catch (const std::exception& e) {
        out.model.reset();
        out.queries.reset();
        out.diagnostics.push_back(make_error("manifest.io", e.what(), std::string(id_or_path)));
    }
    return out;
}

StartupData load_startup_data(const GuiOptions& options) {
    StartupData data;
    data.model = load_model_with_queries(options.model);
    if (!options.protocol.empty()) {
        data.protocol_path = resolve_protocol(options.protocol);
        if (data.protocol_path)
            data.protocol = load_protocol(*data.protocol_path, data.model.queries.get());
    }
    return data;
}

bool Documents::adopt_model(LoadedModel loaded) {
    if (!loaded.model || !loaded.queries) {
        last_open_diagnostics_ = std::move(loaded.diagnostics);
        return false;
    }
    // The protocol's placement points at the old model's muscles: place again before the old model
    // goes (at the end of this function).
    std::unique_ptr<Model> old_model = std::move(loaded.model);
    std::unique_ptr<ModelQueries> old_queries = std::move(loaded.queries);
    std::swap(model_, old_model);
    std::swap(queries_, old_queries);
    if (!protocol_.path.empty()) {
        LoadedProtocol replaced = load_protocol(protocol_.path, queries_.get());
        if (replaced.usable())
            protocol_ = std::move(replaced);
        else
            protocol_.placed = {};
    }
    return true;
}

bool Documents::open_protocol(std::string_view id_or_path, std::string& error) {
    last_open_diagnostics_.clear();
    const auto path = resolve_protocol(id_or_path);
    if (!path) {
        last_open_diagnostics_.push_back(
            make_error("protocol.io", "no such protocol file or id: " + std::string(id_or_path),
                       std::string(id_or_path)));
        error = "No protocol '" + std::string(id_or_path) + "'";
        return false;
    }
    LoadedProtocol loaded = load_protocol(*path, queries_.get());
    if (!loaded.usable()) {
        last_open_diagnostics_ = loaded.diagnostics;
        error = "Cannot open " + path->filename().string() + ": " + first_error(loaded.diagnostics);
        return false;
    }
    protocol_ = std::move(loaded);
    return true;
}

} // namespace injmap::gui
