// Training mode: drills on the model, scored by the protocols library (drill.hpp).
//   Place the sites   — the trainee clicks where each site of the protocol goes (in order or at
//                       random); each click is scored at once (distance on the skin to the
//                       reference site, right muscle?), the reference is then shown; a summary with
//                       mean and worst error against the pass mark ends the round, and the answers
//                       go to a CSV in $XDG_DATA_HOME/injmap/drills/.
//   Find the muscle   — a muscle's name is shown, the trainee clicks it (x-ray view).
//   Name the muscle   — a muscle glows alone (x-ray view), the trainee picks its name from four.
// The view of a question is neutral (training_drill.hpp): the head and the protocol's region from
// the question's side, never centred on the answer; each drill shows the layers its question needs.
// In scripted runs (--frames, --keys) the order is fixed-seed random and each scored answer is
// also printed as one line on stdout ("drill: site=… error_mm=… muscle_hit=…"), for tests.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "gui/mode.hpp"
#include "gui/panels.hpp"
#include "gui/training_csv.hpp"
#include "gui/training_drill.hpp"
#include "injmap/models/data_paths.hpp"
#include "injmap/protocols/drill.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/render/camera.hpp"

namespace injmap::gui {
namespace {
namespace fs = std::filesystem;

using Drill = DrillKind;
constexpr int kQuizQuestions = 10;

std::string muscle_label(const Muscle& m) {
    std::string s = display_name(m.id);
    if (m.side != Side::midline)
        s += std::string(" (") + side_long(m.side) + ")";
    return s;
}

class TrainingMode final : public Mode {
public:
    explicit TrainingMode(App& app) : app_(app) {
        if (app.scripted())
            rng_.seed(20240607u); // tests see the same questions every run
        else
            rng_.seed(std::random_device{}());
    }
    ~TrainingMode() override {
        if (saved_layers_)
            app_.layers = *saved_layers_;
    }

    void on_protocol_changed(App& app) override {
        if (!saved_layers_)
            saved_layers_ = app.layers;
        site_step_.clear();
        if (app.protocol().usable()) {
            const Protocol& p = *app.protocol().protocol;
            for (std::size_t s = 0; s < p.steps.size(); ++s)
                for (std::size_t k = 0; k < p.steps[s].sites.size(); ++k)
                    site_step_.push_back(s);
        }
        restart(app);
    }

    std::vector<Shortcut> shortcut_list() const override {
        return {{"Click the model", "answer: place the site / pick the muscle"},
                {"→ or Space", "next question (after an answer is shown)"},
                {"1 2 3 4", "choose a name (name the muscle)"},
                {"R", "restart the drill"}};
    }

    // While a name is to be chosen, 1–4 choose it (not a view).
    bool claims_key(const App&, int key) const override {
        return drill_ == Drill::name_muscle && !revealed_ && key >= GLFW_KEY_1 &&
               key < GLFW_KEY_1 + 4;
    }

    void shortcuts(App& app) override {
        if (ImGui::IsKeyPressed(GLFW_KEY_R, false))
            restart(app);
        if (drill_ == Drill::place_sites)
            return; // a placement is confirmed by the click itself
        if (revealed_ && (ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) ||
                          ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)))
            next_question(app);
        if (drill_ == Drill::name_muscle && !revealed_)
            for (int k = 0; k < 4 && k < int(options_.size()); ++k)
                if (ImGui::IsKeyPressed(GLFW_KEY_1 + k, false))
                    choose_name(app, std::size_t(k));
    }

    void on_pick(App& app, const PickHit& hit) override {
        if (drill_ == Drill::place_sites)
            answer_site(app, hit);
        else if (drill_ == Drill::find_muscle && !revealed_ && quiz_index_ < quiz_.size())
            answer_find(app, hit);
    }

    void decorate(const App& app, render::FrameSnapshot& frame) const override {
        frame.markers.clear(); // the sites are what the trainee has to find
        frame.layers.labels = true;
        if (drill_ == Drill::place_sites) {
            const LoadedProtocol& lp = app.protocol();
            if (!lp.usable())
                return;
            const auto sites = lp.protocol->sites();
            // Each answer is a pair with one number: the reference site (green with a tick when
            // the answer passed, blue — the planned site's colour — when it did not) and the
            // trainee's mark (orange). The "skipped" symbol is not used: nothing was skipped.
            int number = 1;
            for (const Answer& a : answers_) {
                const std::size_t i = a.site_index;
                if (i < lp.placed.sites.size() && lp.placed.sites[i].placed) {
                    render::Marker ref;
                    ref.id = sites[i]->id;
                    ref.number = number;
                    ref.position = lp.placed.sites[i].position;
                    ref.normal = lp.placed.sites[i].normal;
                    ref.needle_direction = lp.placed.sites[i].needle_direction;
                    ref.state = a.score.within_pass && a.score.muscle_hit
                                    ? render::MarkerState::done
                                    : render::MarkerState::pending;
                    frame.markers.push_back(std::move(ref));
                }
                render::Marker mine;
                mine.id = "answer-" + sites[i]->id;
                mine.number = number++;
                mine.position = a.point;
                mine.normal = a.normal;
                mine.needle_direction = -a.normal;
                mine.state = render::MarkerState::current;
                if (&a == &answers_.back() && revealed_site_)
                    mine.label = "your mark · " + format_mm(a.score.error_mm);
                frame.markers.push_back(std::move(mine));
            }
            return;
        }
        if (quiz_index_ >= quiz_.size() || !app.model())
            return;
        const Muscle& target = app.model()->muscles[quiz_[quiz_index_]];
        if (drill_ == Drill::name_muscle || revealed_)
            frame.highlighted_muscles.push_back(target.key());
        // Naming: the glowing muscle alone under the see-through skin — a deep one (splenius
        // cervicis under the trapezius) would otherwise glow unseen behind the muscles over it.
        // Finding, once answered: the muscle asked for alone, so its glow is seen.
        if (drill_ == Drill::name_muscle || (drill_ == Drill::find_muscle && revealed_))
            for (const Muscle& m : app.model()->muscles)
                if (m.key() != target.key())
                    frame.hidden_muscles.push_back(m.key());
        if (drill_ == Drill::find_muscle && picked_muscle_ && picked_muscle_ != &target)
            frame.soft_highlighted_muscles.push_back(picked_muscle_->key());
        if (drill_ == Drill::find_muscle && picked_point_) {
            render::Marker m;
            m.id = "pick";
            m.number = quiz_index_ + 1;
            m.position = *picked_point_;
            m.normal = picked_normal_;
            m.needle_direction = -picked_normal_;
            // The trainee's mark: green when right, else orange as in placing sites (never the
            // "skipped" symbol: nothing was skipped).
            m.state = find_correct_ ? render::MarkerState::done : render::MarkerState::current;
            frame.markers.push_back(std::move(m));
        }
    }

    // ---- panels ----
    void left_panel(App& app) override {
        // The first laid-out frame (and any resize) re-frames: the view's size is known now.
        if (app.viewport().w != framed_w_ || app.viewport().h != framed_h_) {
            framed_w_ = app.viewport().w;
            framed_h_ = app.viewport().h;
            last_camera_.reset();
            if (summary_)
                app.show_view("front");
            else
                frame_question(app);
        }
        section_heading(app, "Drill");
        // Short names that fit the narrowest column; how each goes in its tooltip.
        const char* names[] = {"Place the sites", "Find the muscle", "Name the muscle"};
        const char* how[] = {"Click where each site goes", "A name is shown: click that muscle",
                             "A muscle is shown: choose its name"};
        for (int d = 0; d < 3; ++d) {
            if (ImGui::RadioButton(names[d], drill_ == Drill(d)) && drill_ != Drill(d)) {
                drill_ = Drill(d);
                restart(app);
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", how[d]);
        }
        ImGui::Spacing();
        if (drill_ == Drill::place_sites) {
            ImGui::TextUnformatted("Order");
            if (ImGui::RadioButton("Protocol order", !random_order_) && random_order_) {
                random_order_ = false;
                restart(app);
            }
            ImGui::SameLine();
            if (ImGui::RadioButton("Random", random_order_) && !random_order_) {
                random_order_ = true;
                restart(app);
            }
            ImGui::Checkbox("Include optional sites", &include_optional_);
            if (ImGui::IsItemDeactivatedAfterEdit() || ImGui::IsItemClicked())
                restart(app);
            ImGui::TextUnformatted("Pass mark");
            ImGui::SetNextItemWidth(-1);
            float pass = static_cast<float>(pass_mm_);
            if (ImGui::SliderFloat("##pass", &pass, 3.0f, 30.0f, "%.0f mm on the skin"))
                pass_mm_ = std::round(pass);
            text_muted("An answer passes when it lies within the pass mark of the reference site "
                       "and over the "
                       "right muscle on the right side.");
        } else {
            text_muted(
                drill_ == Drill::find_muscle
                    ? "Click the muscle named on the right. The view shows the muscles through the "
                      "skin."
                    : "One muscle glows under the see-through skin. Choose its name from the four "
                      "on the right (keys 1-4).");
        }
        ImGui::Spacing();
        if (primary_button("Restart", -1))
            restart(app);
    }

    void right_panel(App& app) override {
        if (!app.protocol().usable()) {
            section_heading(app, "No protocol");
            text_muted("Choose a protocol on the left: the drill uses its sites and muscles.");
            return;
        }
        if (drill_ == Drill::place_sites)
            place_panel(app);
        else
            quiz_panel(app);
    }

private:
    struct Answer {
        std::size_t site_index = 0;
        glm::vec3 point{0.0f}, normal{0.0f, 0.0f, 1.0f};
        DrillSiteScore score;
    };

    // The name a person reads for the site `id` of the open protocol (the id if it is not one).
    static std::string site_name(const App& app, const std::string& id) {
        if (app.protocol().usable())
            for (const Site* s : app.protocol().protocol->sites())
                if (s->id == id)
                    return site_display_name(*s);
        return id;
    }

    // Whether the mark was over the site's muscle, in words: the needle from the mark must enter
    // the muscle within the site's depth (drill.hpp), which a mark over its edge may not.
    static std::string muscle_feedback(const App& app, const Site& s, const DrillSiteScore& score) {
        if (score.muscle_hit)
            return "Right muscle.";
        const std::string target =
            display_name(s.muscle) +
            (s.side == Side::midline ? std::string() : std::string(", ") + side_long(s.side));
        if (score.hit_muscle.empty())
            return "Not over " + target + ": no muscle under the mark.";
        std::string under = score.hit_muscle;
        if (app.model())
            for (const Muscle& m : app.model()->muscles)
                if (m.key() == score.hit_muscle)
                    under = muscle_label(m);
        if (app.model())
            for (const std::string& id : app.model()->expand_muscle_key(s.muscle))
                if (const Muscle* m = app.model()->find_muscle(id, s.side);
                    m && m->key() == score.hit_muscle)
                    return "Over " + target +
                           ", but too close to its edge: the needle from the "
                           "mark does not reach it at the site's depth.";
        return "Not over " + target + ": over " + under + ".";
    }

    static std::string format_mm(double mm) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f mm", mm);
        return buf;
    }

    // ---- place the sites ----
    void restart(App& app) {
        answers_.clear();
        order_.clear();
        last_camera_.reset();
        cursor_ = 0;
        revealed_site_ = false;
        summary_.reset();
        csv_path_.clear();
        csv_error_.clear();
        quiz_.clear();
        quiz_index_ = 0;
        correct_ = 0;
        revealed_ = false;
        picked_muscle_ = nullptr;
        picked_point_.reset();
        if (saved_layers_)
            app.layers = drill_layers(drill_, *saved_layers_);
        if (!app.protocol().usable())
            return;
        const auto sites = app.protocol().protocol->sites();
        for (std::size_t i = 0; i < sites.size() && i < app.protocol().placed.sites.size(); ++i)
            if (app.protocol().placed.sites[i].placed && (include_optional_ || !sites[i]->optional))
                order_.push_back(i);
        if (random_order_)
            std::shuffle(order_.begin(), order_.end(), rng_);
        if (drill_ != Drill::place_sites)
            make_quiz(app);
        frame_question(app);
    }

    [[nodiscard]] std::optional<std::size_t> current_site() const {
        if (cursor_ < order_.size())
            return order_[cursor_];
        return std::nullopt;
    }

    // Points the camera for the current question. Placing sites and finding a muscle: a neutral
    // view (training_drill.hpp) of the head and the protocol's sites seen from the question's side,
    // the asked site or muscle kept away from the view's centre; it moves only when that view
    // changes, so the trainee's own turns and zooms stay between questions from the same side.
    // Naming a muscle: the glowing muscle is the question, framed from where it faces.
    void frame_question(App& app) {
        if (!app.model() || !app.protocol().usable())
            return;
        const float aspect = app.viewport().w > 1 && app.viewport().h > 1
                                 ? app.viewport().w / app.viewport().h
                                 : 1.3f;
        std::vector<glm::vec3> asked;
        std::string view = "front";
        if (drill_ == Drill::place_sites) {
            const auto site = current_site();
            if (!site)
                return;
            const Protocol& p = *app.protocol().protocol;
            const std::string& step_view = p.steps[site_step_[*site]].view;
            if (!step_view.empty())
                view = step_view;
        } else {
            if (quiz_index_ >= quiz_.size())
                return;
            const Muscle& m = app.model()->muscles[quiz_[quiz_index_]];
            const std::size_t stride = std::max<std::size_t>(1, m.mesh.positions.size() / 200);
            std::vector<glm::vec3> points;
            for (std::size_t i = 0; i < m.mesh.positions.size(); i += stride)
                points.push_back(m.mesh.positions[i]);
            if (points.empty())
                return;
            view = quiz_view_[quiz_index_];
            if (drill_ == Drill::name_muscle) {
                // The question is the picture: the muscle, generously framed.
                if (auto cam = render::frame_points(points, view, aspect, 0.3f, 230.0f))
                    app.move_camera(*cam);
                return;
            }
            glm::vec3 centre{0.0f};
            for (const glm::vec3& q : points)
                centre += q;
            asked.push_back(centre / float(points.size()));
        }
        // The region: the head and the protocol's sites seen from this side (its steps with this
        // view), the same for every question from it.
        std::vector<glm::vec3> sites;
        const Protocol& protocol = *app.protocol().protocol;
        for (std::size_t i = 0; i < site_step_.size() && i < app.protocol().placed.sites.size();
             ++i) {
            const std::string& v = protocol.steps[site_step_[i]].view;
            if (app.protocol().placed.sites[i].placed && (v.empty() ? "front" : v) == view)
                sites.push_back(app.protocol().placed.sites[i].position);
        }
        // Placing sites: every site asked from this side is kept off the centre, so the camera is
        // the same for each of their questions (it moves only when the side changes).
        if (drill_ == Drill::place_sites)
            asked = sites;
        const auto cam = drill_camera(drill_region(*app.model(), sites), view, aspect, asked);
        if (!cam || (last_camera_ && *last_camera_ == *cam))
            return;
        last_camera_ = cam;
        app.move_camera(*cam);
    }

    void answer_site(App& app, const PickHit& hit) {
        const auto site = current_site();
        if (!site || !app.queries())
            return;
        if (revealed_site_) {
            // The previous answer was shown; this click answers the next site.
            revealed_site_ = false;
        }
        const Protocol& p = *app.protocol().protocol;
        const Site* s = p.sites()[*site];
        DrillAnswer answer{s->id, hit.point, 0};
        DrillOptions options;
        options.pass_mm = pass_mm_;
        const DrillScore scored =
            score_drill(p, app.protocol().placed, *app.queries(), {answer}, options);
        Answer a;
        a.site_index = *site;
        a.point = hit.point;
        a.normal = hit.normal;
        for (const DrillSiteScore& sc : scored.sites)
            if (sc.site_id == s->id)
                a.score = sc;
        if (app.scripted())
            std::printf("drill: site=%s error_mm=%.1f muscle_hit=%d within_pass=%d\n",
                        s->id.c_str(), a.score.error_mm, int(a.score.muscle_hit),
                        int(a.score.within_pass));
        std::fflush(stdout);
        answers_.push_back(a);
        revealed_site_ = true;
        ++cursor_;
        if (cursor_ >= order_.size())
            finish_round(app);
        else
            frame_question(app);
        app.request_frames(2);
    }

    void finish_round(App& app) {
        const Protocol& p = *app.protocol().protocol;
        std::vector<DrillAnswer> all;
        for (const Answer& a : answers_)
            all.push_back({p.sites()[a.site_index]->id, a.point, 0});
        DrillOptions options;
        options.pass_mm = pass_mm_;
        summary_ = score_drill(p, app.protocol().placed, *app.queries(), all, options);
        // Optional sites left out of this round are not "missing" in the summary table.
        const fs::path dir = user_data_dir() / "drills";
        const fs::path path = dir / (utc_stamp() + "-" + p.id + ".csv");
        std::string error;
        if (write_drill_csv(path, *summary_, error)) {
            csv_path_ = path;
            if (app.scripted()) {
                std::printf("drill: summary mean_mm=%.1f max_mm=%.1f passed=%d csv=%s\n",
                            summary_->mean_error_mm, summary_->max_error_mm, int(summary_->passed),
                            path.c_str());
                std::fflush(stdout);
            }
        } else {
            csv_error_ = error;
        }
        app.show_view("front");
    }

    void place_panel(App& app) {
        const Protocol& p = *app.protocol().protocol;
        const auto sites = p.sites();
        section_heading(app, "Place the sites");
        if (order_.empty()) {
            text_muted("No site of this protocol could be placed on the model.");
            return;
        }
        ImGui::ProgressBar(float(answers_.size()) / float(order_.size()), ImVec2(-1, 6), "");
        ImGui::TextColored(colour::muted, "%zu of %zu answered", answers_.size(), order_.size());
        if (const auto site = current_site()) {
            const Site* s = sites[*site];
            ImGui::Spacing();
            ImGui::PushFont(app.fonts().small);
            ImGui::TextColored(colour::muted, "WHERE DOES THIS SITE GO?");
            ImGui::PopFont();
            ImGui::PushFont(app.fonts().heading);
            ImGui::TextWrapped("%s, %s", display_name(s->muscle).c_str(), side_long(s->side));
            ImGui::PopFont();
            const Step& step = p.steps[site_step_[*site]];
            ImGui::TextColored(colour::muted, "Step: %s  ·  %s U%s", step.title.c_str(),
                               format_units(s->units).c_str(), s->optional ? "  ·  optional" : "");
            text_muted("Click the skin where the needle goes.");
        }
        if (!answers_.empty()) {
            const Answer& a = answers_.back();
            ImGui::Spacing();
            section_heading(app, "Last answer");
            const Site* s = sites[a.site_index];
            ImGui::TextWrapped("%s, %s", display_name(s->muscle).c_str(), side_long(s->side));
            const bool ok = a.score.within_pass && a.score.muscle_hit;
            ImGui::PushFont(app.fonts().heading);
            ImGui::TextColored(ok ? colour::done : colour::skipped, "%s  %s", ok ? "✓" : "✗",
                               format_mm(a.score.error_mm).c_str());
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::TextColored(colour::muted, "from the reference");
            text_wrapped_coloured(a.score.muscle_hit ? colour::done : colour::skipped,
                                  muscle_feedback(app, *s, a.score).c_str());
            text_muted("Orange: your mark. Green with a tick: the reference site, passed. Blue: "
                       "the reference site, missed.");
        }
        if (summary_)
            summary_panel(app);
    }

    void summary_panel(App& app) {
        const DrillScore& sc = *summary_;
        section_heading(app, "Summary");
        ImGui::PushFont(app.fonts().heading);
        ImGui::TextColored(sc.passed ? colour::done : colour::skipped, "%s",
                           sc.passed ? "Passed" : "Not passed yet");
        ImGui::PopFont();
        ImGui::Text("Mean error %.1f mm  ·  worst %.1f mm", sc.mean_error_mm, sc.max_error_mm);
        int hits = 0, within = 0;
        for (const auto& s : sc.sites) {
            hits += s.answered && s.muscle_hit;
            within += s.answered && s.within_pass;
        }
        ImGui::Text("%d of %d within %.0f mm  ·  %d on the right muscle", within, sc.answered,
                    sc.pass_mm, hits);
        if (ImGui::BeginTable(
                "##drill", 4,
                ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
                ImVec2(0, std::min(260.0f, ImGui::GetContentRegionAvail().y - 70.0f)))) {
            ImGui::TableSetupColumn("Site", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("mm", ImGuiTableColumnFlags_WidthFixed, 50.0f);
            ImGui::TableSetupColumn("Muscle", ImGuiTableColumnFlags_WidthFixed, 56.0f);
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 18.0f);
            ImGui::TableHeadersRow();
            for (const auto& s : sc.sites) {
                if (!s.answered)
                    continue;
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(site_name(app, s.site_id).c_str());
                ImGui::TableSetColumnIndex(1);
                ImGui::Text("%.1f", s.error_mm);
                ImGui::TableSetColumnIndex(2);
                ImGui::TextColored(s.muscle_hit ? colour::done : colour::skipped, "%s",
                                   s.muscle_hit ? "hit" : "miss");
                ImGui::TableSetColumnIndex(3);
                const bool ok = s.within_pass && s.muscle_hit;
                ImGui::TextColored(ok ? colour::done : colour::skipped, "%s", ok ? "✓" : "✗");
            }
            ImGui::EndTable();
        }
        if (!csv_path_.empty()) {
            ImGui::PushFont(app.fonts().small);
            text_muted(("Saved: " + csv_path_.string()).c_str());
            ImGui::PopFont();
        } else if (!csv_error_.empty()) {
            text_wrapped_coloured(colour::error, ("Could not save the CSV: " + csv_error_).c_str());
        }
        if (primary_button("Try again", -1))
            restart(app);
    }

    // ---- the muscle quizzes ----
    void make_quiz(App& app) {
        const Model* model = app.model();
        if (!model)
            return;
        // The muscles this protocol treats, both sides, so the quiz stays on the anatomy in use.
        std::vector<std::size_t> pool;
        const Protocol& p = *app.protocol().protocol;
        for (const Site* s : p.sites())
            for (const std::string& id : model->expand_muscle_key(s->muscle))
                for (std::size_t m = 0; m < model->muscles.size(); ++m)
                    if (model->muscles[m].id == id &&
                        std::find(pool.begin(), pool.end(), m) == pool.end())
                        pool.push_back(m);
        if (pool.size() < 4) // too few for four choices: the whole model
            for (std::size_t m = 0; m < model->muscles.size(); ++m)
                if (std::find(pool.begin(), pool.end(), m) == pool.end())
                    pool.push_back(m);
        std::shuffle(pool.begin(), pool.end(), rng_);
        for (int q = 0; q < kQuizQuestions && !pool.empty(); ++q)
            quiz_.push_back(pool[std::size_t(q) % pool.size()]);
        quiz_view_.clear();
        for (std::size_t q : quiz_)
            quiz_view_.push_back(view_for_muscle(model->muscles[q]));
        prepare_question(app);
    }

    // Front, back or a side: where the muscle's surface mostly faces.
    static std::string view_for_muscle(const Muscle& m) {
        glm::vec3 n{0.0f};
        for (const auto& v : m.mesh.normals)
            n += v;
        glm::vec3 c{0.0f};
        for (const auto& v : m.mesh.positions)
            c += v;
        if (!m.mesh.positions.empty())
            c /= float(m.mesh.positions.size());
        // Normals of closed muscles cancel out; fall back to the centre's position.
        const glm::vec3 d = glm::length(n) > 1e-3f * float(m.mesh.normals.size() + 1)
                                ? n
                                : glm::vec3(c.x, 0.0f, c.z);
        if (std::abs(d.z) >= std::abs(d.x))
            return d.z >= 0 ? "front" : "back";
        return d.x >= 0 ? "left" : "right";
    }

    void prepare_question(App& app) {
        options_.clear();
        chosen_.reset();
        revealed_ = false;
        picked_muscle_ = nullptr;
        picked_point_.reset();
        if (quiz_index_ >= quiz_.size() || !app.model())
            return;
        const Model& model = *app.model();
        const std::size_t target = quiz_[quiz_index_];
        if (drill_ == Drill::name_muscle) {
            options_.push_back(target);
            std::vector<std::size_t> others(model.muscles.size());
            std::iota(others.begin(), others.end(), std::size_t{0});
            std::shuffle(others.begin(), others.end(), rng_);
            // Distractors: other muscles, preferring the same side (the side is not the puzzle).
            std::stable_partition(others.begin(), others.end(), [&](std::size_t m) {
                return model.muscles[m].side == model.muscles[target].side;
            });
            for (std::size_t m : others) {
                if (options_.size() >= 4)
                    break;
                if (model.muscles[m].id != model.muscles[target].id)
                    if (std::none_of(options_.begin(), options_.end(), [&](std::size_t o) {
                            return model.muscles[o].id == model.muscles[m].id;
                        }))
                        options_.push_back(m);
            }
            std::shuffle(options_.begin(), options_.end(), rng_);
        }
        frame_question(app);
    }

    void next_question(App& app) {
        ++quiz_index_;
        prepare_question(app);
    }

    void answer_find(App& app, const PickHit& hit) {
        const Muscle& target = app.model()->muscles[quiz_[quiz_index_]];
        picked_point_ = hit.point;
        picked_normal_ = hit.normal;
        picked_muscle_ = hit.muscle;
        find_correct_ = hit.muscle && hit.muscle->key() == target.key();
        find_beneath_ = false;
        if (!find_correct_ && app.queries()) {
            // A deep muscle lies under others (splenius cervicis under the trapezius): a click
            // counts when the line straight in from the clicked skin meets it within a needle's
            // reach (40 mm here), as the place-the-sites drill scores a site.
            for (const NeedleSegment& seg : needle_path(*app.queries(), hit.point, -hit.normal,
                                                        40.0f, PathStructures::muscles))
                if (seg.kind == StructureKind::muscle && seg.index < app.model()->muscles.size() &&
                    app.model()->muscles[seg.index].key() == target.key())
                    find_correct_ = find_beneath_ = true;
        }
        correct_ += find_correct_;
        revealed_ = true;
        if (app.scripted()) {
            std::printf("quiz: find=%s picked=%s correct=%d\n", target.key().c_str(),
                        hit.muscle ? hit.muscle->key().c_str() : "none", int(find_correct_));
            std::fflush(stdout);
        }
    }

    void choose_name(App& app, std::size_t option) {
        if (revealed_ || option >= options_.size())
            return;
        chosen_ = option;
        const bool ok = options_[option] == quiz_[quiz_index_];
        correct_ += ok;
        revealed_ = true;
        if (app.scripted()) {
            std::printf("quiz: name=%s chose=%s correct=%d\n",
                        app.model()->muscles[quiz_[quiz_index_]].key().c_str(),
                        app.model()->muscles[options_[option]].key().c_str(), int(ok));
            std::fflush(stdout);
        }
    }

    void quiz_panel(App& app) {
        const Model* model = app.model();
        section_heading(app, drill_ == Drill::find_muscle ? "Find the muscle" : "Name the muscle");
        if (!model || quiz_.empty()) {
            text_muted("No muscles to ask about.");
            return;
        }
        ImGui::ProgressBar(float(quiz_index_) / float(quiz_.size()), ImVec2(-1, 6), "");
        ImGui::TextColored(colour::muted, "Question %zu of %zu  ·  %d right",
                           std::min(quiz_index_ + 1, quiz_.size()), quiz_.size(), correct_);
        if (quiz_index_ >= quiz_.size()) {
            ImGui::Spacing();
            ImGui::PushFont(app.fonts().heading);
            ImGui::Text("%d of %zu right", correct_, quiz_.size());
            ImGui::PopFont();
            if (primary_button("Another round", -1))
                restart(app);
            return;
        }
        const Muscle& target = model->muscles[quiz_[quiz_index_]];
        ImGui::Spacing();
        if (drill_ == Drill::find_muscle) {
            ImGui::PushFont(app.fonts().small);
            ImGui::TextColored(colour::muted, "CLICK THIS MUSCLE");
            ImGui::PopFont();
            ImGui::PushFont(app.fonts().heading);
            ImGui::TextWrapped("%s", muscle_label(target).c_str());
            ImGui::PopFont();
            if (revealed_) {
                if (find_correct_)
                    text_wrapped_coloured(colour::done,
                                          find_beneath_ && picked_muscle_
                                              ? ("✓ Right: it lies under " +
                                                 muscle_label(*picked_muscle_) + " there.")
                                                    .c_str()
                                              : "✓ Right.");
                else
                    text_wrapped_coloured(colour::skipped,
                                          ("✗ That was " +
                                           (picked_muscle_ ? muscle_label(*picked_muscle_)
                                                           : std::string("no muscle")) +
                                           ". The muscle asked for now glows.")
                                              .c_str());
            }
        } else {
            ImGui::PushFont(app.fonts().small);
            ImGui::TextColored(colour::muted, "WHICH MUSCLE GLOWS?");
            ImGui::PopFont();
            for (std::size_t k = 0; k < options_.size(); ++k) {
                const Muscle& m = model->muscles[options_[k]];
                const bool is_right = options_[k] == quiz_[quiz_index_];
                const bool picked = chosen_ && *chosen_ == k;
                int pushed = 0;
                if (revealed_ && (is_right || picked)) {
                    ImGui::PushStyleColor(ImGuiCol_Button, is_right
                                                               ? ImVec4{0.83f, 0.92f, 0.85f, 1}
                                                               : ImVec4{0.96f, 0.88f, 0.80f, 1});
                    ++pushed;
                }
                const std::string label = std::to_string(k + 1) + "   " + display_name(m.id);
                if (ImGui::Button(label.c_str(), ImVec2(-1, 0)))
                    choose_name(app, k);
                ImGui::PopStyleColor(pushed);
            }
            if (revealed_)
                text_wrapped_coloured(chosen_ && options_[*chosen_] == quiz_[quiz_index_]
                                          ? colour::done
                                          : colour::skipped,
                                      chosen_ && options_[*chosen_] == quiz_[quiz_index_]
                                          ? "✓ Right."
                                          : ("✗ It is " + muscle_label(target) + ".").c_str());
        }
        if (revealed_) {
            ImGui::Spacing();
            if (primary_button("Next  →", -1))
                next_question(app);
        }
    }

    App& app_;
    std::optional<render::Layers> saved_layers_;
    float framed_w_ = -1.0f, framed_h_ = -1.0f;
    std::mt19937 rng_;
    Drill drill_ = Drill::place_sites;
    bool random_order_ = false;
    bool include_optional_ = false;
    double pass_mm_ = kDefaultDrillPassMm;
    std::vector<std::size_t> site_step_;
    std::optional<render::Camera> last_camera_; // the neutral view last moved to

    // place the sites
    std::vector<std::size_t> order_;
    std::size_t cursor_ = 0;
    std::vector<Answer> answers_;
    bool revealed_site_ = false;
    std::optional<DrillScore> summary_;
    fs::path csv_path_;
    std::string csv_error_;

    // quizzes
    std::vector<std::size_t> quiz_;
    std::vector<std::string> quiz_view_;
    std::size_t quiz_index_ = 0;
    int correct_ = 0;
    bool revealed_ = false;
    std::vector<std::size_t> options_;
    std::optional<std::size_t> chosen_;
    const Muscle* picked_muscle_ = nullptr;
    std::optional<glm::vec3> picked_point_;
    glm::vec3 picked_normal_{0.0f, 0.0f, 1.0f};
    bool find_correct_ = false;
    bool find_beneath_ = false; // right, under the muscle clicked
};

} // namespace

std::unique_ptr<Mode> make_training_mode(App& app) {
    return std::make_unique<TrainingMode>(app);
}

} // namespace injmap::gui
