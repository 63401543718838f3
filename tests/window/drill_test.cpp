// The training drill in a real window under Xvfb: its view must not give the answer away. A
// trainee who clicks the middle of the 3D view for every question, without looking, must not
// place a single site within the pass mark, and fails the round.
#include <gtest/gtest.h>

#include <regex>

#include "gui_window_support.hpp"

using namespace injmap::test;
using namespace injmap::test::window;

namespace {

struct Scored {
    std::string site;
    double error_mm = -1.0;
    bool muscle_hit = false;
    bool within_pass = false;
};

std::vector<Scored> scored_lines(const std::string& out) {
    std::vector<Scored> lines;
    const std::regex re(
        R"(drill: site=(\S+) error_mm=([0-9.]+) muscle_hit=([01]) within_pass=([01]))");
    for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it)
        lines.push_back({(*it)[1], std::stod((*it)[2]), (*it)[3] == "1", (*it)[4] == "1"});
    return lines;
}

// The 3D view's rectangle at the default window size, from the trace of a scripted click
// ("trace: click-site ID at X,Y (viewport X,Y WxH)"): the panels' widths are the layout's to
// choose, the test only needs the view's middle.
std::optional<std::pair<float, float>> view_centre(const std::filesystem::path& dir) {
    const auto r = run_injmap({"gui", "--mode", "training", "--protocol", "preempt-155", "--keys",
                               "wait:14,click-site:procerus,wait:2"},
                              {"XDG_DATA_HOME=" + (dir / "xdg").string(), "LIBGL_ALWAYS_SOFTWARE=1",
                               "INJMAP_GUI_TRACE=1"});
    std::smatch m;
    const std::regex re(R"(viewport ([0-9.]+),([0-9.]+) ([0-9.]+)x([0-9.]+))");
    if (r.exit_code != 0 || !std::regex_search(r.err, m, re)) {
        ADD_FAILURE() << r.out << r.err;
        return std::nullopt;
    }
    return std::make_pair(std::stof(m[1]) + 0.5f * std::stof(m[3]),
                          std::stof(m[2]) + 0.5f * std::stof(m[4]));
}

} // namespace

TEST(Drill, BlindClicksAtTheViewsCentreFailTheRound) {
    INJMAP_NEED_DISPLAY();
    const auto dir = fresh_dir("drill-blind-centre");
    const auto centre = view_centre(dir / "layout");
    ASSERT_TRUE(centre);
    // PREEMPT's 31 fixed sites in protocol order, each answered by a click at the view's centre
    // once the camera has settled on the question (14 frames: the camera's moves take 0.35 s).
    constexpr int kSites = 31;
    const std::string click =
        "click:" + std::to_string(int(centre->first)) + ":" + std::to_string(int(centre->second));
    std::string keys = "wait:14";
    for (int i = 0; i < kSites; ++i)
        keys += "," + click + ",wait:14";
    const auto run =
        run_gui(dir / "round", {"--mode", "training", "--protocol", "preempt-155", "--keys", keys});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto lines = scored_lines(run.result.out);
    // Every blind click landed on the model and answered its question (a click on the backdrop
    // would not): the view's centre is on the skin, just never on the answer.
    ASSERT_EQ(lines.size(), std::size_t(kSites)) << run.result.out << run.result.err;
    for (const Scored& s : lines) {
        EXPECT_FALSE(s.within_pass)
            << s.site << " placed by a blind click, " << s.error_mm << " mm from the reference";
        EXPECT_GT(s.error_mm, 20.0) << s.site;
    }
    EXPECT_NE(run.result.out.find("drill: summary mean_mm="), std::string::npos) << run.result.out;
    EXPECT_NE(run.result.out.find(" passed=0 "), std::string::npos) << run.result.out;
    EXPECT_EQ(run.result.out.find(" passed=1 "), std::string::npos) << run.result.out;
}
