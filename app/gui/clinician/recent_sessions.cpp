// "Recent sessions" at the start: every unfinished session record in the sessions folder, whatever
// its protocol (find_unfinished_records), with its label, protocol, start time, progress and
// damage; resuming one opens its protocol first, then resumes as the offer does (resume.cpp). The
// list is read again every few seconds while the start card shows (records are small; the folder is
// the clinic's own).
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "gui/clinician/clinician_mode.hpp"
#include "gui/loading.hpp"
#include "gui/panels.hpp"
#include "injmap/models/data_paths.hpp"

namespace injmap::gui::clinician {
namespace fs = std::filesystem;
namespace {

constexpr double kRescanSeconds = 5.0;
constexpr std::size_t kShownFirst = 3; // more on request: the step card needs the room

std::string local_time(SessionTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

// The file a record's protocol is opened from: the file it was started with while it still has
// that id, else the protocol of that id found the usual way.
std::optional<fs::path> protocol_file(const SessionStart& start, const ModelQueries* model,
                                      std::shared_ptr<const Protocol>* loaded) {
    std::vector<fs::path> candidates;
    std::error_code ec;
    if (!start.protocol_path.empty() && fs::is_regular_file(start.protocol_path, ec))
        candidates.emplace_back(start.protocol_path);
    if (auto by_id = resolve_protocol(start.protocol_id))
        candidates.push_back(*by_id);
    for (const fs::path& path : candidates) {
        LoadedProtocol p = load_protocol(path, model);
        if (p.protocol && p.protocol->id == start.protocol_id) {
            if (loaded)
                *loaded = p.protocol;
            return path;
        }
    }
    return std::nullopt;
}

} // namespace

void ClinicianMode::scan_recent_sessions(const App& app) {
    recent_.clear();
    recent_titles_.clear();
    recent_scanned_at_ = app.now();
    std::map<std::string, std::string> titles;
    recent_ = find_unfinished_records(
        default_sessions_dir(), [&](const SessionStart& start) -> std::shared_ptr<const Protocol> {
            std::shared_ptr<const Protocol> protocol;
            if (app.protocol().usable() && app.protocol().protocol->id == start.protocol_id) {
                protocol = app.protocol().protocol;
            } else if (const auto known = recent_protocols_.find(start.protocol_id);
                       known != recent_protocols_.end()) {
                protocol = known->second; // read on an earlier scan (null: not found then)
            } else {
                (void)protocol_file(start, nullptr, &protocol); // no placement needed to replay
                recent_protocols_[start.protocol_id] = protocol;
            }
            if (protocol)
                titles[start.protocol_id] = protocol->title;
            return protocol;
        });
    for (const ResumableRecord& r : recent_) {
        const auto t = titles.find(r.protocol_id);
        recent_titles_.push_back(t != titles.end() ? t->second : r.protocol_id);
    }
}

void ClinicianMode::recent_sessions(App& app) {
    if (recent_scanned_at_ < 0.0 || app.now() - recent_scanned_at_ > kRescanSeconds)
        scan_recent_sessions(app);
    std::vector<std::size_t> listed; // the offer above shows its own record
    for (std::size_t i = 0; i < recent_.size(); ++i)
        if (!resume_ || resume_->path != recent_[i].path)
            listed.push_back(i);
    if (listed.empty())
        return;
    std::vector<std::size_t> shown = listed;
    if (!recent_show_all_ && shown.size() > kShownFirst)
        shown.resize(kShownFirst);
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted("Recent sessions, not finished");
    ImGui::PopFont();
    ImGui::PushFont(app.fonts().small);
    for (std::size_t i : shown) {
        const ResumableRecord& r = recent_[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::Separator();
        const std::string label = r.label.empty() ? std::string("(no label)") : r.label;
        ImGui::TextWrapped("%s", label.c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, colour::muted);
        ImGui::TextWrapped("%s", recent_titles_[i].c_str());
        ImGui::PopStyleColor();
        const std::string when = r.started ? local_time(*r.started) : std::string("?");
        if (r.protocol_found && r.damage != RecordDamage::unreadable)
            ImGui::TextWrapped("Started %s · %d of %d sites done · %s U given", when.c_str(),
                               r.injected + r.skipped, r.protocol_sites,
                               format_units(r.units_given).c_str());
        else
            ImGui::TextWrapped("Started %s", when.c_str());
        if (!r.protocol_found)
            text_wrapped_coloured(colour::error,
                                  "Its protocol cannot be found here, so it cannot be resumed.");
        else if (r.damage == RecordDamage::unreadable)
            text_wrapped_coloured(colour::error,
                                  ("Damaged at line " + std::to_string(r.damage_line) +
                                   ": it cannot be resumed (the file is kept).")
                                      .c_str());
        else if (r.damage == RecordDamage::chain_broken)
            text_wrapped_coloured(
                colour::error,
                ("Changed outside injmap at line " + std::to_string(r.damage_line) + ".").c_str());
        else if (r.damage == RecordDamage::tail_cut)
            text_wrapped_coloured(colour::warning, "Its last line was cut off (kept aside).");
        ImGui::BeginDisabled(!r.resumable());
        const bool first = i == shown.front() && !resume_;
        if (ImGui::Button(first ? "Resume  R" : "Resume"))
            resume_recent(app, i);
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", r.path.c_str());
        ImGui::PopID();
    }
    if (listed.size() > kShownFirst) {
        ImGui::Separator();
        if (ImGui::SmallButton(recent_show_all_
                                   ? "Show fewer"
                                   : ("Show all " + std::to_string(listed.size())).c_str()))
            recent_show_all_ = !recent_show_all_;
    }
    ImGui::PopFont();
    ImGui::Spacing();
}

bool ClinicianMode::resume_newest_recent(App& app) {
    for (std::size_t i = 0; i < recent_.size(); ++i)
        if (recent_[i].resumable()) {
            resume_recent(app, i);
            return true;
        }
    return false;
}

void ClinicianMode::resume_recent(App& app, std::size_t index) {
    if (index >= recent_.size() || started())
        return;
    const ResumableRecord chosen = recent_[index];
    recent_scanned_at_ = -1.0; // read again after this
    if (!app.protocol().usable() || app.protocol().protocol->id != chosen.protocol_id) {
        SessionStart start;
        start.protocol_id = chosen.protocol_id;
        start.protocol_path = chosen.protocol_path;
        const auto file = protocol_file(start, app.queries(), nullptr);
        if (!file || !app.open_protocol(file->string()) || !app.protocol().usable() ||
            app.protocol().protocol->id != chosen.protocol_id) {
            app.notify("Cannot open the protocol '" + chosen.protocol_id + "' of that session.",
                       Severity::error);
            return;
        }
    }
    // Read again with the protocol now open: the record is replayed with the one it resumes into.
    for (ResumableRecord& r :
         find_session_records(chosen.path.parent_path(), app.protocol().protocol))
        if (r.path == chosen.path && r.resumable()) {
            resume_ = std::move(r);
            resume(app);
            return;
        }
    app.notify("That session can no longer be resumed: " + chosen.path.filename().string(),
               Severity::error);
}

} // namespace injmap::gui::clinician
