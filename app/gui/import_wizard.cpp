#include "gui/import_wizard.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include <glm/common.hpp>
#include <glm/geometric.hpp>

#include "gui/loading.hpp"
#include "injmap/models/atomic_file.hpp"

namespace injmap::gui {
namespace fs = std::filesystem;

namespace {

Diagnostic make_error(std::string rule, std::string message, const std::string& file) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = file;
    return d;
}

float along(const glm::vec3& extent, const glm::vec3& direction) {
    return std::abs(direction.x) * extent.x + std::abs(direction.y) * extent.y +
           std::abs(direction.z) * extent.z;
}

template <typename T>
bool ready(const std::future<T>& f) {
    return f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

} // namespace

std::optional<float> units_mm(std::string_view units) {
    return mesh_unit_mm(units);
}

std::optional<ScanSize> scan_size(const glm::vec3& file_extent, const ScanFrame& frame) {
    const auto mm = units_mm(frame.units);
    const auto up = mesh_axis(frame.up);
    const auto forward = mesh_axis(frame.forward);
    if (!mm || !up || !forward || std::abs(glm::dot(*up, *forward)) > 0.5f)
        return std::nullopt;
    ScanSize s;
    s.height_mm = *mm * along(file_extent, *up);
    s.depth_mm = *mm * along(file_extent, *forward);
    s.width_mm = *mm * along(file_extent, glm::cross(*up, *forward));
    return s;
}

bool plausible_head_size(const ScanSize& size) {
    return size.height_mm >= 150.0f && size.height_mm <= 1200.0f;
}

std::string size_readout(const ScanSize& size) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "The scan is %.0f mm tall, %.0f mm wide, %.0f mm deep.",
                  size.height_mm, size.width_mm, size.depth_mm);
    std::string out = buf;
    if (!plausible_head_size(size))
        out += " That is not a head's size: check the units.";
    return out;
}

std::vector<std::string> obj_group_names(const fs::path& path) {
    std::vector<std::string> names;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 3 || (line[0] != 'o' && line[0] != 'g') ||
            (line[1] != ' ' && line[1] != '\t'))
            continue;
        std::string name = line.substr(2);
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
            name.pop_back();
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
            name.erase(name.begin());
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(std::move(name));
        if (names.size() >= 256)
            break;
    }
    return names;
}

Result<std::shared_ptr<const ScanScene>> load_scan_scene(const fs::path& path,
                                                         const ScanFrame& frame) {
    Result<std::shared_ptr<const ScanScene>> out;
    try {
        Result<Scan> scan = load_scan(path, frame);
        out.diagnostics = std::move(scan.diagnostics);
        if (!scan.value || has_errors(out.diagnostics))
            return out;
        auto scene = std::make_shared<ScanScene>();
        scene->scan = std::move(*scan.value);
        scene->model.id = "scan";
        scene->model.display_name = path.filename().string();
        scene->model.sex = "unspecified";
        scene->model.skin_path = path;
        scene->model.skin = scene->scan.skin;
        scene->queries = std::make_unique<ModelQueries>(scene->model);
        std::string ext = path.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (ext == ".obj")
            scene->groups = obj_group_names(path);
        // A manifest names one skin group: a file of one group names it.
        if (scene->scan.frame.skin_group == "*" && scene->groups.size() == 1)
            scene->scan.frame.skin_group = scene->groups.front();
        if (!scene->scan.skin.positions.empty()) {
            glm::vec3 lo(std::numeric_limits<float>::infinity()), hi(-lo);
            for (const glm::vec3& p : scene->scan.skin.positions) {
                const glm::vec3 f = scene->scan.to_file(p);
                lo = glm::min(lo, f);
                hi = glm::max(hi, f);
            }
            scene->file_extent = hi - lo;
        }
        out.value = std::move(scene);
    } catch (const std::exception& e) {
        out.value.reset();
        out.diagnostics.push_back(make_error("obj.io", e.what(), path.string()));
    }
    return out;
}

// ---- PointPicks ----

PointPicks::PointPicks() {
    for (auto n : kFitRequiredPoints)
        order_.emplace_back(n);
    for (auto n : kFitOptionalPoints)
        order_.emplace_back(n);
}

bool PointPicks::required(std::string_view name) {
    return std::find(kFitRequiredPoints.begin(), kFitRequiredPoints.end(), name) !=
           kFitRequiredPoints.end();
}

std::optional<std::string> PointPicks::next() const {
    for (const auto& n : order_)
        if (!points_.contains(n) && !skipped_.contains(n))
            return n;
    return std::nullopt;
}

bool PointPicks::place(const std::string& name, const glm::vec3& point) {
    if (std::find(order_.begin(), order_.end(), name) == order_.end())
        return false;
    Change c;
    c.name = name;
    if (auto it = points_.find(name); it != points_.end())
        c.before = it->second;
    c.was_skipped = skipped_.erase(name) > 0;
    history_.push_back(std::move(c));
    points_[name] = point;
    return true;
}

bool PointPicks::place_next(const glm::vec3& point) {
    const auto n = next();
    return n && place(*n, point);
}

bool PointPicks::skip_next() {
    const auto n = next();
    if (!n || required(*n))
        return false;
    Change c;
    c.name = *n;
    history_.push_back(std::move(c));
    skipped_.insert(*n);
    return true;
}

bool PointPicks::undo() {
    if (history_.empty())
        return false;
    const Change c = history_.back();
    history_.pop_back();
    if (c.before)
        points_[c.name] = *c.before;
    else
        points_.erase(c.name);
    if (c.was_skipped)
        skipped_.insert(c.name);
    else
        skipped_.erase(c.name);
    return true;
}

bool PointPicks::ready() const {
    return std::all_of(kFitRequiredPoints.begin(), kFitRequiredPoints.end(),
                       [&](std::string_view n) { return points_.contains(std::string(n)); });
}

void PointPicks::clear() {
    points_.clear();
    skipped_.clear();
    history_.clear();
}

std::string point_prompt(std::string_view name) {
    if (name == "nasion")
        return "the nasion — the deepest point of the bridge of the nose, between the eyes";
    if (name == "tragion_left")
        return "the left tragion — the notch just above the small flap in front of the ear canal, "
               "on the subject's left";
    if (name == "tragion_right")
        return "the right tragion — the notch just above the small flap in front of the ear canal, "
               "on the subject's right";
    if (name == "menton")
        return "the menton — the lowest point of the chin";
    if (name == "vertex")
        return "the vertex — the highest point of the top of the head";
    if (name == "c7")
        return "C7 — the bony bump at the base of the back of the neck";
    return landmark_display_name(name);
}

std::string landmark_display_name(std::string_view name) {
    std::string base(name);
    std::string side;
    for (std::string_view suffix : {"_left", "_right"})
        if (base.size() > suffix.size() &&
            base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
            side = std::string(suffix.substr(1));
            base.resize(base.size() - suffix.size());
        }
    std::replace(base.begin(), base.end(), '_', ' ');
    const bool vertebra = base.size() >= 2 && base.size() <= 3 &&
                          (base[0] == 'c' || base[0] == 't') &&
                          std::isdigit(static_cast<unsigned char>(base[1]));
    if (vertebra)
        base[0] = char(std::toupper(static_cast<unsigned char>(base[0])));
    else if (!base.empty())
        base[0] = char(std::toupper(static_cast<unsigned char>(base[0])));
    return side.empty() ? base : base + " (" + side + ")";
}

FitOutcome run_fit(std::shared_ptr<const ScanScene> scene, std::map<std::string, glm::vec3> points,
                   std::string template_id) {
    FitOutcome out;
    out.template_id = template_id;
    try {
        LoadedModel templ = load_model_with_queries(template_id);
        out.diagnostics = templ.diagnostics;
        if (!templ.model)
            return out;
        out.diagnostics.clear(); // the template's warnings are not the user's business
        Result<LandmarkFit> fit = fit_landmarks(scene->scan, points, *templ.model);
        out.diagnostics = std::move(fit.diagnostics);
        if (fit.value && !has_errors(out.diagnostics))
            out.fit = std::move(*fit.value);
    } catch (const std::exception& e) {
        out.fit.reset();
        out.diagnostics.push_back(make_error("fit.io", e.what(), scene->scan.path.string()));
    }
    return out;
}

bool valid_model_id(std::string_view id) {
    if (id.empty() || id.size() > 64 || id[0] == '-' || id[0] == '_')
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

bool valid_model_name(std::string_view name) {
    if (name.empty() || name.size() > 120)
        return false;
    return std::none_of(name.begin(), name.end(), [](char c) {
        return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

std::string model_id_from(const fs::path& mesh_path) {
    std::string id;
    for (char c : mesh_path.stem().string()) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80)
            id += char(std::tolower(u));
        else if (!id.empty() && id.back() != '-')
            id += '-';
    }
    while (!id.empty() && id.back() == '-')
        id.pop_back();
    if (id.size() > 64)
        id.resize(64);
    return id.empty() ? "scan" : id;
}

std::string mesh_reference(const fs::path& manifest_path, const fs::path& mesh_path) {
    std::error_code ec;
    const fs::path mesh = fs::absolute(mesh_path, ec).lexically_normal();
    const fs::path dir = fs::absolute(manifest_path, ec).lexically_normal().parent_path();
    const fs::path rel = mesh.lexically_relative(dir);
    if (!rel.empty() && *rel.begin() != "..")
        return rel.generic_string();
    return mesh.generic_string();
}

std::vector<std::string> folder_entries(const fs::path& folder) {
    std::vector<std::string> dirs, files;
    std::error_code ec;
    fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec)
        return {};
    for (const auto& e : it) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] == '.')
            continue;
        std::error_code ec2;
        if (e.is_directory(ec2)) {
            dirs.push_back(name + "/");
            continue;
        }
        std::string ext = e.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (ext == ".obj" || ext == ".ply" || ext == ".stl")
            files.push_back(name);
        if (dirs.size() + files.size() > 2000)
            break;
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(files.begin(), files.end());
    dirs.insert(dirs.end(), files.begin(), files.end());
    return dirs;
}

// ---- ImportWizard ----

void ImportWizard::start() {
    step_ = Step::file;
    picks.clear();
    fit_result_.reset();
    fit_diagnostics_.clear();
    corrected_.clear();
}

void ImportWizard::close() {
    step_ = Step::closed;
}

bool ImportWizard::go_to(Step step, std::string& why) {
    switch (step) {
    case Step::closed:
    case Step::file:
        break;
    case Step::points:
        if (!scene_) {
            why = "Load a scan first.";
            return false;
        }
        break;
    case Step::review:
    case Step::save:
        if (!fit_result_) {
            why = "Fit the landmarks first (all required points given).";
            return false;
        }
        break;
    }
    step_ = step;
    return true;
}

bool ImportWizard::load(bool synchronous, std::string& why) {
    if (path.empty()) {
        why = "Choose a mesh file first.";
        return false;
    }
    if (!scan_size(glm::vec3(1.0f), frame)) {
        why = "Up and forward must be two different axes.";
        return false;
    }
    if (load_.valid())
        load_.wait(); // the earlier load finishes first (a worker cannot be stopped)
    load_ = std::async(std::launch::async,
                       [p = fs::path(path), f = frame] { return load_scan_scene(p, f); });
    if (synchronous) {
        load_.wait();
        poll();
    }
    return true;
}

std::optional<ScanSize> ImportWizard::size() const {
    if (!scene_)
        return std::nullopt;
    return scan_size(scene_->file_extent, frame);
}

bool ImportWizard::fit(bool synchronous, std::string& why) {
    if (!scene_) {
        why = "Load a scan first.";
        return false;
    }
    if (!picks.ready()) {
        why = "Give the required points first (" + picks.next().value_or("") + ").";
        return false;
    }
    if (fit_.valid())
        fit_.wait();
    fit_ = std::async(std::launch::async, [s = scene_, p = picks.points(), t = template_id] {
        return run_fit(s, p, t);
    });
    if (synchronous)
        fit_.wait(); // done; poll() collects it
    return true;
}

bool ImportWizard::correct(const std::string& name, const glm::vec3& point) {
    if (!fit_result_)
        return false;
    auto it = fit_result_->landmarks.find(name);
    if (it == fit_result_->landmarks.end())
        return false;
    it->second = point;
    corrected_.insert(name);
    return true;
}

fs::path ImportWizard::manifest_path() const {
    if (!save_path.empty())
        return save_path;
    const fs::path mesh = scene_ ? scene_->scan.path : fs::path(path);
    return mesh.parent_path() / ((model_id.empty() ? std::string("scan") : model_id) + ".toml");
}

std::string ImportWizard::manifest_text() const {
    if (!fit_result_ || !scene_)
        return {};
    const fs::path to = manifest_path();
    return fit_manifest_text(scene_->scan, *fit_result_, model_id, model_name,
                             mesh_reference(to, scene_->scan.path));
}

bool ImportWizard::save(fs::path& written, std::string& why) const {
    if (!fit_result_ || !scene_) {
        why = "Nothing to save: fit the landmarks first.";
        return false;
    }
    if (!valid_model_id(model_id)) {
        why = "The id must be 1 to 64 lowercase letters, digits, '-' or '_'.";
        return false;
    }
    if (!valid_model_name(model_name)) {
        why = "The name must be 1 to 120 characters, without quotes or backslashes.";
        return false;
    }
    written = manifest_path();
    std::string reason;
    if (!io::write_file_atomically(written, manifest_text(), reason)) {
        why = "Cannot write " + written.string() + ": " + reason;
        return false;
    }
    return true;
}

bool ImportWizard::poll() {
    bool changed = false;
    if (ready(load_)) {
        Result<std::shared_ptr<const ScanScene>> loaded = load_.get();
        load_diagnostics_ = std::move(loaded.diagnostics);
        if (loaded.value) {
            scene_ = std::move(*loaded.value);
            frame.skin_group = scene_->scan.frame.skin_group;
            // Points and a fit made on another scan (or frame) no longer apply.
            picks.clear();
            fit_result_.reset();
            corrected_.clear();
            if (step_ == Step::points || step_ == Step::review || step_ == Step::save)
                step_ = Step::file;
            if (model_id.empty() || model_id == "scan")
                model_id = model_id_from(scene_->scan.path);
            if (model_name.empty())
                model_name = "Scan " + scene_->scan.path.stem().string();
        }
        changed = true;
    }
    if (ready(fit_)) {
        FitOutcome outcome = fit_.get();
        fit_diagnostics_ = std::move(outcome.diagnostics);
        if (outcome.fit) {
            fit_result_ = std::move(outcome.fit);
            corrected_.clear();
            if (step_ == Step::points)
                step_ = Step::review;
        }
        changed = true;
    }
    return changed;
}

} // namespace injmap::gui
