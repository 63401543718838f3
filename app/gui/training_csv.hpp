#pragma once
// The drill results file: one row per scored site of a "place the sites" round, written to
// $XDG_DATA_HOME/injmap/drills/<UTC time>-<protocol id>.csv by the training mode.
//
// Columns: site,muscle,side,optional,answered,error_mm,muscle_hit,hit_muscle,within_pass,
//          answer_x_mm,answer_y_mm,answer_z_mm
// Booleans are 0/1; error_mm has one decimal; coordinates are the answer projected on the skin,
// model space. Unanswered sites have empty error and coordinates.
#include <filesystem>
#include <string>

#include "injmap/protocols/drill.hpp"

namespace injmap::gui {

[[nodiscard]] std::string drill_csv(const DrillScore& score);
// Creates the folder; false with `error` when the file cannot be written.
bool write_drill_csv(const std::filesystem::path& path, const DrillScore& score,
                     std::string& error);

} // namespace injmap::gui
