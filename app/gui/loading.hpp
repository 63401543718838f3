#pragma once
// Loading what the window shows: the model (with its surface indices) and the protocol (read,
// validated, placed), and keeping the last good state when a new file cannot be used. No ImGui, no
// GL: App (app.hpp) adds the notices, the mode and the renderer around it; tests use it alone.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gui/gui.hpp"
#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap::gui {

// A protocol as the window uses it: read, validated (with and without the model) and placed.
// `placed` points into `protocol`; the shared_ptr keeps both alive together (a Session holds it
// too).
struct LoadedProtocol {
    std::shared_ptr<const Protocol> protocol;
    PlacedProtocol placed;
    Diagnostics diagnostics;    // reader + validator + placement, in that order
    std::filesystem::path path; // the file it was read from
    [[nodiscard]] bool usable() const { return protocol != nullptr; }
};

// Reads, validates and places a protocol file. `result.protocol` is null when the file could not be
// read into a protocol (diagnostics say why); it is set, with errors listed, when only the
// validator or placement complained. Never throws.
[[nodiscard]] LoadedProtocol load_protocol(const std::filesystem::path& path,
                                           const ModelQueries* model);

// A model as the window uses it: loaded (through the cache) with its surface indices. `model` and
// `queries` are null when the load failed (`diagnostics` say why).
struct LoadedModel {
    std::unique_ptr<Model> model;
    std::unique_ptr<ModelQueries> queries;
    Diagnostics diagnostics;
};
// Loads a model id or manifest and builds its surface indices. Touches no window or GL state, so it
// may run on another thread. Never throws.
[[nodiscard]] LoadedModel load_model_with_queries(std::string_view id_or_path);

// What start-up loads from the command line before the window needs it: the model, and the
// protocol read and placed on it. Built on a worker thread while the window opens.
struct StartupData {
    LoadedModel model;
    std::optional<std::filesystem::path> protocol_path; // when options name a protocol
    LoadedProtocol protocol;
};
[[nodiscard]] StartupData load_startup_data(const GuiOptions& options);

// The first error of `diagnostics`, formatted (file:line:column: rule: message); the first
// diagnostic when none is an error; "unknown error" when there is none.
[[nodiscard]] std::string first_error(const Diagnostics& diagnostics);

// The model and protocol the window has open. A model or protocol that cannot be used leaves the
// current ones in place (the last good state); its diagnostics are kept in
// last_open_diagnostics().
class Documents {
public:
    [[nodiscard]] const Model* model() const { return model_.get(); }
    [[nodiscard]] const ModelQueries* queries() const { return queries_.get(); }
    [[nodiscard]] const LoadedProtocol& protocol() const { return protocol_; }
    [[nodiscard]] const Diagnostics& last_open_diagnostics() const {
        return last_open_diagnostics_;
    }

    // Takes a loaded model and places the open protocol again on it (the old model lives until
    // that is done: the placement points at its muscles). false, with everything kept, when
    // `loaded` has no model.
    bool adopt_model(LoadedModel loaded);

    // Opens a protocol by id or path and places it on the model. false, with the current protocol
    // kept and `error` set ("No protocol 'x'", "Cannot open x.toml: <first error>"), when there is
    // no such file or it cannot be read into a protocol.
    bool open_protocol(std::string_view id_or_path, std::string& error);
    // Installs an already loaded protocol, usable or not (author mode shows a broken file's
    // errors).
    void set_protocol(LoadedProtocol loaded) { protocol_ = std::move(loaded); }

private:
    std::unique_ptr<Model> model_;
    std::unique_ptr<ModelQueries> queries_;
    LoadedProtocol protocol_;
    Diagnostics last_open_diagnostics_;
};

} // namespace injmap::gui
