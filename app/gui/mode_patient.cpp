// Patient mode: the screen turned towards the patient. The skin with the treated areas glowing
// softly (FrameSnapshot::soft_highlighted_muscles), no needles, numbers or doses unless the
// clinician switches them on, large type, and short plain-language cards from the protocol's
// [patient] texts. A walk through the areas one by one (the protocol's steps with their
// patient_text; steps with the same text are one stop), the camera moving smoothly to each, and a
// timeline of what to expect (visit, first effect, full effect, wearing off, next treatment) from
// [patient.timeline]. The same content makes the printed handout (handout.hpp).
//
// It opens as a presentation a clinician can turn to the patient (Mode::presentation): large type,
// no protocol id, no protocol picker, no layer toggles (x-ray, bones, avoid), only the views; the
// camera keeps the whole head and neck in frame at every stop (patient_frame_points). "Clinician
// controls" brings back the picker, the toolbar and the points/doses switches. The handout is
// saved as PDF and printed with CUPS' lp when it is on PATH (print_job.hpp: run on a worker
// thread, its outcome a notice; without lp the Print button is disabled and says why).
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <memory>

#include "gui/handout.hpp"
#include <glm/geometric.hpp>
#include <glm/trigonometric.hpp>

#include "gui/mode.hpp"
#include "gui/page_output.hpp"
#include "gui/panels.hpp"
#include "gui/patient_content.hpp"
#include "gui/print_job.hpp"
#include "gui/viewport.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/models/framing.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace {
namespace fs = std::filesystem;

constexpr double kAutoStepSeconds = 7.0; // the walk's pace when playing
constexpr float kTimelineHeight = 178.0f;

ImU32 rgba(const ImVec4& c, float alpha = 1.0f) {
    return ImGui::ColorConvertFloat4ToU32({c.x, c.y, c.z, c.w * alpha});
}

class PatientMode final : public Mode {
public:
    explicit PatientMode(App& app) : app_(app), lp_(find_program("lp")) {}
    ~PatientMode() override {
        if (saved_layers_)
            app_.layers = *saved_layers_;
    }

    void on_protocol_changed(App& app) override {
        if (!saved_layers_) {
            saved_layers_ = app.layers;
            app.layers.skin = true;
            app.layers.xray = false;
            app.layers.muscles = false;
            app.layers.bones = false;
            app.layers.avoid = false;
            app.layers.needles = false;
            app.layers.labels = false;
        }
        areas_.clear();
        cards_.clear();
        current_.reset();
        if (app.protocol().usable()) {
            areas_ = patient_areas(*app.protocol().protocol);
            cards_ = patient_cards(app.protocol().protocol->patient);
        }
        go_to(app, std::nullopt);
    }

    bool animating(const App&) const override { return playing_; }
    bool plain_titles() const override { return true; }
    bool presentation() const override { return presenting_; }
    bool shows_protocol_chooser() const override { return !presenting_; }
    double idle_timeout(const App&) const override { return print_job_ ? 0.2 : 1.0; }

    bool poll(App& app) override {
        if (print_job_)
            if (const auto outcome = print_job_->poll()) {
                print_job_.reset();
                if (outcome->ok)
                    app.notify("Handout sent to the printer" +
                               (outcome->message.empty() ? "." : ": " + outcome->message));
                else
                    app.notify("The handout was not printed: " + outcome->message, Severity::error);
                return true;
            }
        if (!playing_ || areas_.empty())
            return false;
        if (app.now() - step_started_ >= kAutoStepSeconds) {
            if (current_ && *current_ + 1 >= areas_.size()) {
                playing_ = false;
                go_to(app, std::nullopt);
            } else {
                go_to(app, current_ ? *current_ + 1 : 0);
            }
            return true;
        }
        return false;
    }

    std::vector<Shortcut> shortcut_list() const override {
        return {
            {"→ or Space", "next area"},       {"←", "previous area"},
            {"Home / O", "the whole picture"}, {"P", "play or pause the walk through the areas"},
            {"S", "save the handout (PDF)"},   {"H", "print the handout (lp, where present)"}};
    }

    // Home is this view's "the whole picture" (with O).
    bool claims_key(const App&, int key) const override { return key == GLFW_KEY_HOME; }

    void shortcuts(App& app) override {
        if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) ||
            ImGui::IsKeyPressed(GLFW_KEY_SPACE, false))
            step(app, +1);
        if (ImGui::IsKeyPressed(GLFW_KEY_LEFT, false))
            step(app, -1);
        if (ImGui::IsKeyPressed(GLFW_KEY_HOME, false) || ImGui::IsKeyPressed(GLFW_KEY_O, false))
            go_to(app, std::nullopt);
        if (ImGui::IsKeyPressed(GLFW_KEY_P, false))
            toggle_play(app);
        if (ImGui::IsKeyPressed(GLFW_KEY_S, false))
            save_handout(app);
        if (ImGui::IsKeyPressed(GLFW_KEY_H, false))
            print_handout(app);
    }

    void decorate(const App& app, render::FrameSnapshot& frame) const override {
        if (!app.protocol().usable() || !app.model())
            return;
        const Protocol& protocol = *app.protocol().protocol;
        frame.soft_highlighted_muscles =
            current_ ? treated_muscles(*app.model(), protocol, &areas_[*current_].steps)
                     : treated_muscles(*app.model(), protocol);
        if (!show_points_) {
            frame.markers.clear();
            return;
        }
        // Points (and doses) only on request, and only the current area's during the walk.
        const auto sites = protocol.sites();
        std::vector<int> site_step(sites.size(), -1);
        std::size_t k = 0;
        for (std::size_t s = 0; s < protocol.steps.size(); ++s)
            for (std::size_t j = 0; j < protocol.steps[s].sites.size() && k < site_step.size(); ++j)
                site_step[k++] = int(s);
        std::vector<render::Marker> kept;
        for (render::Marker& m : frame.markers) {
            const std::size_t i = std::size_t(m.number - 1);
            if (i >= sites.size())
                continue;
            if (current_) {
                const auto& steps = areas_[*current_].steps;
                if (std::find(steps.begin(), steps.end(), std::size_t(site_step[i])) == steps.end())
                    continue;
            }
            m.state = render::MarkerState::pending;
            if (show_doses_)
                m.label = format_units(sites[i]->units) + " U";
            kept.push_back(std::move(m));
        }
        frame.markers = std::move(kept);
        frame.layers.labels = show_doses_;
    }

    // ---- left: the walk through the areas ----
    void left_panel(App& app) override {
        // The first laid-out frame (and any window resize) re-frames: the view's size is known now.
        if (app.viewport().w != framed_w_ || app.viewport().h != framed_h_)
            go_to(app, current_);
        if (!app.protocol().usable())
            return;
        if (presenting_) { // the chooser, which shows the title, is hidden
            ImGui::PushFont(app.fonts().heading);
            ImGui::TextWrapped("%s", patient_title(*app.protocol().protocol).c_str());
            ImGui::PopFont();
        }
        ImGui::Spacing();
        ImGui::PushFont(large_bold(app));
        ImGui::PushStyleColor(ImGuiCol_Text, colour::accent);
        ImGui::TextWrapped("%s", patient_words::kWhereHeading.data()); // narrow windows wrap it
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::Spacing();
        if (toggle_button(playing_ ? patient_words::kPause.data()
                                   : patient_words::kShowOneByOne.data(),
                          playing_, -1))
            toggle_play(app);
        ImGui::BeginDisabled(areas_.empty());
        const float half =
            (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
        if (ImGui::Button("←  Back", ImVec2(half, 0)))
            step(app, -1);
        ImGui::SameLine();
        if (ImGui::Button("Next  →", ImVec2(half, 0)))
            step(app, +1);
        ImGui::EndDisabled();
        ImGui::Spacing();
        const float options_h = ImGui::GetFrameHeightWithSpacing() * (presenting_ ? 4.0f : 5.0f);
        ImGui::BeginChild("##areas",
                          ImVec2(0, std::max(80.0f, ImGui::GetContentRegionAvail().y - options_h)),
                          false);
        ImGui::PushFont(large(app));
        {
            const bool all = !current_;
            if (ImGui::Selectable(patient_words::kAllAreas.data(), all))
                go_to(app, std::nullopt);
        }
        for (std::size_t i = 0; i < areas_.size(); ++i) {
            ImGui::PushID(int(i));
            const bool selected = current_ && *current_ == i;
            ImGui::PushStyleColor(ImGuiCol_Text, selected ? colour::accent : colour::text);
            // A numbered, wrapped entry that is clickable as a whole.
            const ImVec2 start = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            const std::string number = std::to_string(i + 1);
            const float indent = ImGui::CalcTextSize("00").x + 8.0f;
            const ImVec2 text_size =
                ImGui::CalcTextSize(areas_[i].text.c_str(), nullptr, false, width - indent);
            const float h = text_size.y + ImGui::GetStyle().FramePadding.y * 2.0f;
            if (ImGui::Selectable("##area", selected, 0, ImVec2(width, h)))
                go_to(app, i);
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddText(ImVec2(start.x, start.y + ImGui::GetStyle().FramePadding.y),
                        rgba(selected ? colour::accent : colour::muted), number.c_str());
            dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
                        ImVec2(start.x + indent, start.y + ImGui::GetStyle().FramePadding.y),
                        rgba(selected ? colour::accent : colour::text), areas_[i].text.c_str(),
                        nullptr, width - indent);
            ImGui::PopStyleColor();
            if (selected && scroll_to_current_) {
                ImGui::SetScrollHereY(0.3f);
                scroll_to_current_ = false;
            }
            ImGui::PopID();
        }
        ImGui::PopFont();
        ImGui::EndChild();
        ImGui::Separator();
        ImGui::PushFont(app.fonts().small);
        if (!presenting_) {
            // For the clinician: what is shown. Off by default: the patient sees areas, not
            // needles.
            ImGui::Checkbox("Injection points", &show_points_);
            ImGui::SameLine();
            ImGui::BeginDisabled(!show_points_);
            ImGui::Checkbox("Doses", &show_doses_);
            ImGui::EndDisabled();
        }
        handout_buttons(app);
        if (toggle_button(presenting_ ? "Clinician controls" : "Back to the patient view",
                          !presenting_, -1)) {
            presenting_ = !presenting_;
            if (presenting_)
                show_points_ = show_doses_ = false;
            app.request_frames(2);
        }
        ImGui::PopFont();
    }

    // ---- right: the cards ----
    void right_panel(App& app) override {
        if (!app.protocol().usable()) {
            section_heading(app, patient_words::kNothingToShow.data());
            text_muted(patient_words::kChooseProtocol.data());
            return;
        }
        if (cards_.empty()) {
            text_muted(patient_words::kNoTexts.data());
            return;
        }
        ImGui::BeginChild("##cards", ImVec2(0, 0), false);
        for (std::size_t i = 0; i < cards_.size(); ++i) {
            const PatientCard& c = cards_[i];
            ImGui::PushID(int(i));
            const ImVec2 start = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->ChannelsSplit(2);
            dl->ChannelsSetCurrent(1);
            const float pad = 12.0f;
            // Every line of the card starts inside its padding (an indent, not only the first
            // line's position): the urgent card's red bar hid each line's first letter.
            ImGui::SetCursorScreenPos({start.x, start.y + pad});
            ImGui::Indent(pad);
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - 2.0f * pad);
            ImGui::PushFont(large_bold(app));
            ImGui::TextColored(c.urgent ? colour::error : colour::accent, "%s", c.heading.c_str());
            ImGui::PopFont();
            ImGui::PushFont(large(app));
            ImGui::TextUnformatted(c.text.c_str());
            ImGui::PopFont();
            ImGui::PopTextWrapPos();
            ImGui::Unindent(pad);
            const float end_y =
                ImGui::GetCursorScreenPos().y + pad - ImGui::GetStyle().ItemSpacing.y;
            dl->ChannelsSetCurrent(0);
            dl->AddRectFilled(start, {start.x + width, end_y},
                              c.urgent ? IM_COL32(251, 236, 235, 255) : rgba(colour::card), 8.0f);
            if (c.urgent)
                dl->AddRectFilled(start, {start.x + 5.0f, end_y}, rgba(colour::error), 8.0f,
                                  ImDrawFlags_RoundCornersLeft);
            dl->ChannelsMerge();
            ImGui::SetCursorScreenPos({start.x, end_y + 10.0f});
            ImGui::Dummy({width, 0.0f});
            ImGui::PopID();
        }
        ImGui::EndChild();
    }

    // ---- over the 3D view: the current area's caption and the timeline ----
    void overlays(App& app) override {
        if (!app.protocol().usable())
            return;
        trace_head_in_view(app);
        const Rect& vp = app.viewport();
        const ImGuiWindowFlags flags =
            ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
            ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar |
            ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus;
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f);
        ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4{1.0f, 1.0f, 1.0f, 0.93f});
        // Caption: which area, in words.
        {
            const std::string text = current_ ? areas_[*current_].text : caption_all();
            const std::string counter =
                current_ ? std::to_string(*current_ + 1) + " of " + std::to_string(areas_.size())
                         : std::string(patient_words::kAllTreated);
            const float w = std::min(vp.w - 40.0f, 620.0f);
            ImGui::SetNextWindowPos({vp.x + (vp.w - w) * 0.5f, vp.y + 58.0f});
            ImGui::SetNextWindowSize({w, 0.0f});
            if (ImGui::Begin("##patient-caption", nullptr,
                             flags | ImGuiWindowFlags_AlwaysAutoResize)) {
                ImGui::PushFont(app.fonts().small);
                ImGui::TextColored(colour::muted, "%s", counter.c_str());
                ImGui::PopFont();
                ImGui::PushFont(large(app));
                ImGui::PushTextWrapPos(w - ImGui::GetStyle().WindowPadding.x);
                ImGui::TextUnformatted(text.c_str());
                ImGui::PopTextWrapPos();
                ImGui::PopFont();
                caption_bottom_ = ImGui::GetWindowPos().y + ImGui::GetWindowSize().y;
                // A caption that grew or shrank (a longer text wraps to more lines) moves the
                // free band: frame again, so the head never slips under it.
                if (std::abs(caption_bottom_ - framed_caption_bottom_) > 1.0f && framed_w_ > 0)
                    frame_current(app);
            }
            ImGui::End();
        }
        // Timeline along the bottom of the view.
        {
            const float h = timeline_height(app);
            const float margin = 14.0f;
            ImGui::SetNextWindowPos({vp.x + margin, vp.y + vp.h - h - margin});
            ImGui::SetNextWindowSize({vp.w - 2.0f * margin, h});
            if (ImGui::Begin("##patient-timeline", nullptr, flags)) {
                ImGui::PushFont(app.fonts().bold);
                ImGui::TextColored(colour::accent, "%s", patient_words::kTimelineHeading.data());
                ImGui::PopFont();
                const ImVec2 p0 = ImGui::GetCursorScreenPos();
                const ImVec2 avail = ImGui::GetContentRegionAvail();
                draw_timeline(app, ImGui::GetWindowDrawList(), p0,
                              {p0.x + avail.x, p0.y + avail.y});
            }
            ImGui::End();
        }
        ImGui::PopStyleColor();
        ImGui::PopStyleVar();
    }

private:
    ImFont* large(const App& app) const { return app.fonts().large; }
    ImFont* large_bold(const App& app) const { return app.fonts().large_bold; }

    std::string caption_all() const {
        if (areas_.empty())
            return std::string(patient_words::kNoAreas);
        return std::string(patient_words::kCaptionAll);
    }

    void toggle_play(App& app) {
        playing_ = !playing_;
        if (playing_) {
            go_to(app, current_ && *current_ + 1 < areas_.size() ? *current_ : 0);
        }
        app.request_frames(2);
    }

    void step(App& app, int delta) {
        if (areas_.empty())
            return;
        if (!current_) {
            go_to(app, delta > 0 ? 0 : areas_.size() - 1);
            return;
        }
        const long next = long(*current_) + delta;
        if (next < 0 || next >= long(areas_.size()))
            go_to(app, std::nullopt);
        else
            go_to(app, std::size_t(next));
    }

    void go_to(App& app, std::optional<std::size_t> area) {
        current_ = area;
        step_started_ = app.now();
        scroll_to_current_ = true;
        app.request_frames(2);
        frame_current(app);
    }

    // The camera for the current stop (all areas, or one), in the band the caption leaves.
    void frame_current(App& app) override {
        const std::optional<std::size_t> area = current_;
        if (!app.model())
            return;
        if (!area || !app.protocol().usable()) {
            const std::vector<glm::vec3> corners = framing_corners(*app.model());
            frame(app, corners, *render::named_view("front"), 0.08f, 80.0f);
            return;
        }
        // Frame the area's sites from its step's view, tilted towards where the skin there faces.
        const Protocol& p = *app.protocol().protocol;
        const auto& placed = app.protocol().placed.sites;
        std::vector<glm::vec3> points;
        glm::vec3 normals{0.0f};
        std::size_t index = 0;
        for (std::size_t s = 0; s < p.steps.size(); ++s)
            for (std::size_t k = 0; k < p.steps[s].sites.size(); ++k, ++index) {
                const auto& steps = areas_[*area].steps;
                if (std::find(steps.begin(), steps.end(), s) == steps.end() ||
                    index >= placed.size() || !placed[index].placed)
                    continue;
                points.push_back(placed[index].position);
                normals += placed[index].normal;
            }
        const std::string view = areas_[*area].view.empty() ? "front" : areas_[*area].view;
        auto orientation = render::named_view(view);
        if (points.empty() || !orientation) {
            app.show_view(view);
            return;
        }
        if (view != "top") {
            // A calm tilt: towards where the skin faces, but never steeply from above.
            const float up = glm::length(normals) > 1e-3f ? glm::normalize(normals).y : 0.0f;
            orientation->pitch_deg = std::clamp(
                glm::degrees(std::asin(std::clamp(up, -1.0f, 1.0f))) * 0.6f, -10.0f, 25.0f);
        }
        // Patients need context: the area in its place, the whole head and neck in frame.
        frame(app, patient_frame_points(*app.model(), points), *orientation, 0.12f, 220.0f);
    }

    // Frames points in the part of the view the caption and the timeline leave free, smoothly.
    void frame(App& app, const std::vector<glm::vec3>& points, const render::Camera& orientation,
               float margin, float min_extent) {
        const Rect& vp = app.viewport();
        if (vp.w < 2 || vp.h < 2)
            return;
        const float top_used = caption_bottom_ > vp.y ? caption_bottom_ - vp.y : 150.0f;
        const float bottom_used = timeline_height(app) + 14.0f;
        const float free_h = std::max(vp.h * 0.4f, vp.h - top_used - bottom_used);
        render::Camera c =
            render::frame_points(points, orientation, vp.w / free_h, margin, min_extent);
        // frame_points fills the free height; the projection spans the whole view, so widen the
        // field of view to match and move the model into the free band.
        const float half = std::tan(glm::radians(c.fov_y_deg) * 0.5f) * vp.h / free_h;
        c.fov_y_deg = glm::degrees(2.0f * std::atan(half));
        const float shift = (top_used - bottom_used) * 0.5f; // + = the free band's centre is lower
        c = render::pan(c, 0.0f, shift, int(vp.h));
        app.move_camera(c);
        framed_w_ = vp.w;
        framed_h_ = vp.h;
        framed_caption_bottom_ = caption_bottom_;
    }

    // INJMAP_GUI_TRACE, last frame: whether the head and neck (patient_frame_points without an
    // area) project inside the band of the view the caption and the timeline leave free.
    void trace_head_in_view(const App& app) const {
        if (!app.model())
            return;
        const Rect& vp = app.viewport();
        const float top = std::max(vp.y, caption_bottom_);
        const float bottom = vp.y + vp.h - timeline_height(app) - 14.0f;
        bool inside = true;
        for (const glm::vec3& p : patient_frame_points(*app.model(), {})) {
            const auto at = app.to_window(p);
            inside = inside && at && at->x >= vp.x && at->x <= vp.x + vp.w && at->y >= top &&
                     at->y <= bottom;
        }
        app.trace_shown(inside ? "head-and-neck in view" : "head-and-neck cut");
    }

    float timeline_height(const App& app) const {
        return kTimelineHeight * (app.fonts().regular->FontSize / 15.0f);
    }

    // The same picture as the handout's: the effect curve, the five moments, labels below the axis
    // or above the curve where two moments are close (place_timeline_labels).
    void draw_timeline(const App& app, ImDrawList* dl, ImVec2 min, ImVec2 max) const {
        const PatientInfo& info = app.protocol().protocol->patient;
        ImFont* font = app.fonts().small;
        const float fs = font->FontSize;
        const float band = fs * 2.3f;
        const float x0 = min.x + 8.0f, x1 = max.x - 8.0f;
        const float top = min.y + band;
        const float base = max.y - band - 4.0f;
        const float curve_h = std::max(10.0f, base - top);
        const double span = timeline_span_days(info);
        const auto px_of = [&](double day) { return x0 + float(day / span) * (x1 - x0); };
        const auto y_of = [&](double day) {
            return base - float(effect_level(info, day)) * (curve_h - 4.0f);
        };
        // The effect area in whole-pixel columns (no seams), its outline, the axis.
        const ImU32 fill = IM_COL32(214, 235, 239, 255);
        ImVec2 previous{x0, y_of(0.0)};
        for (float x = std::floor(x0); x < x1; x += 2.0f) {
            const double day = double(x + 1.0f - x0) / double(x1 - x0) * span;
            const float y = y_of(day);
            dl->AddRectFilled({x, y}, {std::min(x + 2.0f, x1), base}, fill);
            dl->AddLine(previous, {x + 1.0f, y}, rgba(colour::accent), 2.0f);
            previous = {x + 1.0f, y};
        }
        dl->AddLine({x0, base}, {x1, base}, rgba(colour::text), 1.5f);
        const char* note = patient_words::kTimelineNote.data();
        const float note_w = font->CalcTextSizeA(fs, FLT_MAX, 0, note).x;
        dl->AddText(font, fs,
                    {(px_of(info.full_effect_days) + px_of(info.wearing_off_days) - note_w) * 0.5f,
                     base - fs - 4.0f},
                    rgba(colour::accent), note);
        const auto marks = timeline_marks(info);
        std::vector<float> centres, widths;
        for (const TimelineMark& m : marks) {
            centres.push_back(px_of(m.day));
            // The title is drawn bold: measured in the font it is drawn in.
            widths.push_back(
                std::max(app.fonts().bold->CalcTextSizeA(fs, FLT_MAX, 0, m.title.c_str()).x,
                         font->CalcTextSizeA(fs, FLT_MAX, 0, m.when.c_str()).x));
        }
        const auto places = place_timeline_labels(centres, widths, x0, x1, 12.0f);
        for (std::size_t i = 0; i < marks.size(); ++i) {
            const float mx = centres[i], my = y_of(marks[i].day);
            const bool above = places[i].row == 1;
            const float label_top = above ? min.y : base + 5.0f;
            if (above)
                dl->AddLine({mx, label_top + band - 4.0f}, {mx, my}, rgba(colour::muted, 0.7f),
                            1.0f);
            else
                dl->AddLine({mx, my}, {mx, base + 4.0f}, rgba(colour::muted, 0.7f), 1.0f);
            const bool filled = i == 0 || i + 1 == marks.size();
            dl->AddCircleFilled({mx, my}, 5.0f, filled ? rgba(colour::accent) : IM_COL32_WHITE);
            dl->AddCircle({mx, my}, 5.0f, rgba(colour::accent), 0, 2.0f);
            const float lx = places[i].left;
            dl->AddText(app.fonts().bold, fs, {lx, label_top}, rgba(colour::text),
                        marks[i].title.c_str());
            dl->AddText(font, fs, {lx, label_top + fs * 1.1f}, rgba(colour::muted),
                        marks[i].when.c_str());
        }
    }

    // Save and Print, side by side. Print is disabled, saying why, when lp is not on PATH.
    void handout_buttons(App& app) {
        const float half =
            (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
        if (ImGui::Button("Save handout", ImVec2(half, 0)))
            save_handout(app);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Saves the patient handout as a PDF in %s",
                              (user_data_dir() / "handouts").c_str());
        ImGui::SameLine();
        const bool can_print = lp_.has_value() && !print_job_;
        app.trace_shown(can_print ? "print-button enabled" : "print-button disabled");
        ImGui::BeginDisabled(!can_print);
        if (ImGui::Button(print_job_ ? "Printing…" : "Print handout", ImVec2(-1, 0)))
            print_handout(app);
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
            if (!lp_)
                ImGui::SetTooltip("Printing needs CUPS: the lp command was not found on PATH. "
                                  "Save the handout and print the PDF from elsewhere.");
            else if (print_job_)
                ImGui::SetTooltip("Sending the handout to the printer…");
            else
                ImGui::SetTooltip("Prints the handout (PDF) on the default printer with %s",
                                  lp_->c_str());
        }
        if (!handout_path_.empty()) {
            text_muted(("Saved: " + fs::path(handout_path_).filename().string()).c_str());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", handout_path_.c_str());
        }
    }

    // The handout as a PDF in the user's handouts folder; empty (and a notice) on failure.
    fs::path write_handout_pdf(App& app) {
        if (!app.protocol().usable() || !app.model())
            return {};
        std::vector<render::PageCanvas> pages;
        HandoutInput input{
            app.model(), app.queries(), app.protocol().protocol.get(), app.skin_tone, {}};
        std::string error;
        Viewport3D& renderer = app.viewport_renderer();
        if (!compose_handout(
                input, [&](const render::FrameSnapshot& f) { return renderer.render_rgba(f); },
                pages, error)) {
            app.notify("Handout not made: " + error, Severity::error);
            return {};
        }
        const fs::path path = user_data_dir() / "handouts" /
                              (app.protocol().protocol->id + "-" + utc_stamp() + ".pdf");
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (!write_pdf_pages(path, pages, patient_title(*app.protocol().protocol), error)) {
            app.notify("Handout not saved: " + error, Severity::error);
            return {};
        }
        handout_path_ = path.string();
        return path;
    }

    void save_handout(App& app) {
        if (const fs::path path = write_handout_pdf(app); !path.empty())
            app.notify("Handout saved: " + path.string());
    }

    // Writes the PDF, then hands it to lp on a worker thread; poll() reports how it went.
    void print_handout(App& app) {
        if (!lp_) {
            app.notify("Printing needs CUPS: the lp command was not found on PATH.",
                       Severity::warning);
            return;
        }
        if (print_job_)
            return;
        const fs::path path = write_handout_pdf(app);
        if (path.empty())
            return;
        print_job_ = std::make_unique<PrintJob>(
            *lp_,
            std::vector<std::string>{"-t", patient_title(*app.protocol().protocol), path.string()});
        app.notify("Printing the handout: " + path.filename().string());
        app.request_frames(2);
    }

    App& app_;
    std::optional<render::Layers> saved_layers_;
    std::vector<PatientArea> areas_;
    std::vector<PatientCard> cards_;
    std::optional<std::size_t> current_;
    bool playing_ = false;
    double step_started_ = 0.0;
    bool scroll_to_current_ = false;
    bool show_points_ = false;
    bool show_doses_ = false;
    std::string handout_path_;
    bool presenting_ = true;                    // turned to the patient: no clinical controls
    std::optional<fs::path> lp_;                // CUPS' lp on PATH, looked up once
    std::unique_ptr<PrintJob> print_job_;       // the handout being printed
    float framed_w_ = -1.0f, framed_h_ = -1.0f; // the view size the camera was framed for
    float caption_bottom_ = 0.0f;               // window y below the caption card, last frame
    float framed_caption_bottom_ = 0.0f;        // caption_bottom_ when the camera was framed
};

} // namespace

std::unique_ptr<Mode> make_patient_mode(App& app) {
    return std::make_unique<PatientMode>(app);
}

} // namespace injmap::gui
