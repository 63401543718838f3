#include "injmap/protocols/reconstitution.hpp"

#include <cmath>

namespace injmap {

DoseLogistics dose_logistics(const Reconstitution& r, double total_units) {
    DoseLogistics out;
    const double per_0_1 = r.units_per_0_1_ml();
    if (per_0_1 <= 0.0 || r.vial_units <= 0.0 || total_units <= 0.0)
        return out;
    out.injections_of_0_1_ml = total_units / per_0_1;
    out.vials_needed = static_cast<int>(std::ceil(total_units / r.vial_units - 1e-9));
    out.waste_units = out.vials_needed * r.vial_units - total_units;
    return out;
}

} // namespace injmap
