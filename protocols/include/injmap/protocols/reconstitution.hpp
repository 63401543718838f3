#pragma once
// Reconstitution arithmetic (label formula): units per 0.1 mL = vial units ÷ (diluent mL × 10).

namespace injmap {

struct Reconstitution {
    double vial_units = 100.0; // U per vial
    double diluent_ml = 2.0;   // preservative-free 0.9 % saline

    // 0 when the diluent volume is not positive.
    [[nodiscard]] double units_per_0_1_ml() const {
        return diluent_ml > 0.0 ? vial_units / (diluent_ml * 10.0) : 0.0;
    }
};

struct DoseLogistics {
    double injections_of_0_1_ml = 0; // total units ÷ units per 0.1 mL
    int vials_needed = 0;
    double waste_units = 0; // drawn up but not given
};

// Volume, vial count and waste for a total dose at this reconstitution.
[[nodiscard]] DoseLogistics dose_logistics(const Reconstitution& reconstitution,
                                           double total_units);

} // namespace injmap
