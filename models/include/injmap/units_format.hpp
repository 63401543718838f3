#pragma once
// Unit counts as injmap shows them everywhere (window, chart, labels, CLI, messages): the shortest
// exact text with at most two decimals, "5", "12.5", "2.25", "0.1" (rounded to hundredths; no
// trailing zeros, never "-0").
#include <string>

namespace injmap {

[[nodiscard]] std::string format_units(double units);

} // namespace injmap
