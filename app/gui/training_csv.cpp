#include "gui/training_csv.hpp"

#include <cstdio>

#include "injmap/models/atomic_file.hpp"

namespace injmap::gui {
namespace {

// Site ids and muscle keys are plain identifiers; quote anything else anyway.
std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

std::string drill_csv(const DrillScore& score) {
    std::string out = "site,muscle,side,optional,answered,error_mm,muscle_hit,hit_muscle,within_"
                      "pass,answer_x_mm,answer_y_mm,"
                      "answer_z_mm\n";
    for (const DrillSiteScore& s : score.sites) {
        char numbers[160] = "";
        if (s.answered)
            std::snprintf(numbers, sizeof numbers, "%.1f", s.error_mm);
        out += field(s.site_id) + "," + field(s.muscle) + "," + to_string(s.side) + "," +
               (s.optional ? "1" : "0") + "," + (s.answered ? "1" : "0") + "," + numbers + "," +
               (s.muscle_hit ? "1" : "0") + "," + field(s.hit_muscle) + "," +
               (s.within_pass ? "1" : "0") + ",";
        if (s.answered) {
            std::snprintf(numbers, sizeof numbers, "%.1f,%.1f,%.1f", s.answer_on_skin.x,
                          s.answer_on_skin.y, s.answer_on_skin.z);
            out += numbers;
        } else {
            out += ",,";
        }
        out += "\n";
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
