#include "injmap/units_format.hpp"

#include <cmath>
#include <cstdio>

namespace injmap {

std::string format_units(double units) {
    if (!std::isfinite(units))
        return std::isnan(units) ? "nan" : (units > 0 ? "inf" : "-inf");
    // Hundredths first (2.25 stays 2.25, 2.249999 becomes 2.25), then the fewest digits.
    const double hundredths = std::round(units * 100.0) / 100.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", hundredths);
    std::string s(buf);
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.')
        s.pop_back();
    if (s == "-0")
        s = "0";
    return s;
}

} // namespace injmap
