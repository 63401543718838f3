// The drill results file the training mode writes (app/gui/training_csv.cpp, no window): the
// header, one row per scored site, one decimal, empty cells for an unanswered site.
#include <gtest/gtest.h>

#include <filesystem>

#include "gui/training_csv.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;

DrillScore two_sites() {
    DrillScore score;
    DrillSiteScore answered;
    answered.site_id = "procerus";
    answered.muscle = "procerus";
    answered.side = Side::midline;
    answered.answered = true;
    answered.error_mm = 3.26;
    answered.muscle_hit = true;
    answered.hit_muscle = "procerus";
    answered.within_pass = true;
    answered.answer_on_skin = {1.04f, -20.0f, 95.53f};
    DrillSiteScore missed;
    missed.site_id = "frontalis_lateral_left";
    missed.muscle = "frontalis";
    missed.side = Side::left;
    missed.optional = true;
    score.sites = {answered, missed};
    return score;
}

TEST(DrillCsv, HeaderAndRows) {
    const std::string csv = gui::drill_csv(two_sites());
    EXPECT_EQ(csv, "site,muscle,side,optional,answered,error_mm,muscle_hit,hit_muscle,within_pass,"
                   "answer_x_mm,answer_y_mm,answer_z_mm\n"
                   "procerus,procerus,midline,0,1,3.3,1,procerus,1,1.0,-20.0,95.5\n"
                   "frontalis_lateral_left,frontalis,left,1,0,,0,,0,,,\n");
}

TEST(DrillCsv, WritesIntoANewFolderOrSaysWhyNot) {
    const auto dir = test::fresh_dir("drill_csv");
    std::string error;
    ASSERT_TRUE(gui::write_drill_csv(dir / "drills" / "x.csv", two_sites(), error)) << error;
    EXPECT_EQ(test::read_text(dir / "drills" / "x.csv"), gui::drill_csv(two_sites()));
    test::write_text(dir / "file", "x");
    EXPECT_FALSE(gui::write_drill_csv(dir / "file" / "x.csv", two_sites(), error));
    EXPECT_NE(error.find("cannot write"), std::string::npos);
}

} // namespace
