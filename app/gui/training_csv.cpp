#include "gui/training_csv.hpp"

#include <cstdio>

#include "injmap/models/atomic_file.hpp"
#include "injmap/models/csv.hpp"

namespace injmap::gui {
namespace {

std::string one_decimal(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

} // namespace

std::string drill_csv(const DrillScore& score) {
    std::string out = "site,muscle,side,optional,answered,error_mm,muscle_hit,hit_muscle,within_"
                      "pass,answer_x_mm,answer_y_mm,"
                      "answer_z_mm\n";
    for (const DrillSiteScore& s : score.sites) {
        const std::string none;
        out += csv_row(std::vector<std::string>{
            s.site_id, s.muscle, to_string(s.side), s.optional ? "1" : "0", s.answered ? "1" : "0",
            s.answered ? one_decimal(s.error_mm) : none, s.muscle_hit ? "1" : "0", s.hit_muscle,
            s.within_pass ? "1" : "0", s.answered ? one_decimal(s.answer_on_skin.x) : none,
            s.answered ? one_decimal(s.answer_on_skin.y) : none,
            s.answered ? one_decimal(s.answer_on_skin.z) : none});
    }
    return out;
}

bool write_drill_csv(const std::filesystem::path& path, const DrillScore& score,
                     std::string& error) {
    std::error_code ec;
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path(), ec);
    if (std::string reason; !io::write_file_atomically(path, drill_csv(score), reason)) {
        error = "cannot write " + path.string() + ": " + reason;
        return false;
    }
    return true;
}

} // namespace injmap::gui
