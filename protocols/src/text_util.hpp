#pragma once
// Private helpers shared by the reader, placement and the validator. The spelling help ("did you
// mean", edit distance) and one-line message text are the models/ toolkit's, one copy for every
// reader (injmap/did_you_mean.hpp); unit counts are formatted by injmap/units_format.hpp.
#include <string>

#include "injmap/did_you_mean.hpp"

namespace injmap::detail {

// Numbers other than unit counts in messages (mm, days, inches, percent): "5", "2.5", "0.125"
// (at most three decimals, no trailing zeros).
[[nodiscard]] std::string format_number(double value);

} // namespace injmap::detail
