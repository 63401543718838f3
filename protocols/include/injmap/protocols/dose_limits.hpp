#pragma once
// The dose limits that apply to one protocol: the clinical-limits table's row for its indication
// and product (clinical_rules.hpp), as it applies to its paradigm, plus the file's own [limits].
// One list serves both the validator (`injmap check`: each limit against the written sites) and
// the session (each injection against the running totals): an error-severity limit fails `check`
// and is refused in a session; a warning is shown by both and refused by neither.
#include <optional>
#include <string>
#include <vector>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

enum class DoseScope {
    site_exact,          // every site gets exactly `value` (a session may give less)
    site,                // no site above `value`
    site_first_session,  // no site above `value` at a first treatment (advice)
    side,                // left (or right) sites together
    session_units,       // the session total
    session_sites,       // the number of sites injected
    first_session_units, // the session total at a first treatment
    muscle_units,        // one muscle (or group key): `muscle`
    ftp_extra_units,     // follow-the-pain: optional + added sites
    ftp_extra_sites,     //
    ftp_muscle_sites,    // follow-the-pain sites in `muscle`
    cumulative_units,    // all indications over `window_days` (one session here; history: later)
};

struct DoseLimit {
    DoseScope scope = DoseScope::session_units;
    double value = 0.0;
    std::string muscle; // muscle_units, ftp_muscle_sites
    double window_days = 0.0;
    Severity severity = Severity::error;
    std::string rule;  // the validator's rule id, e.g. "dose.total"
    std::string basis; // "label (US)", "protocol limit", ...
    std::string source;
    Certainty certainty = Certainty::established;
    std::string what;     // "the US label's 155 U for chronic migraine"
    SourceLocation where; // where the limit is written (the table or the protocol file)
    bool from_file = false;
};

// The table entries that apply to a protocol, or why none do.
struct AppliedRules {
    const IndicationInfo* indication = nullptr;
    const ProductInfo* product = nullptr;
    std::optional<LimitsRow> row; // for the protocol's paradigm
    Diagnostics diagnostics;      // protocol.unknown-indication, product.*, rules.io
};

[[nodiscard]] AppliedRules applied_rules(const Protocol& protocol, const ClinicalRules& rules);
// With the shipped table; when it cannot be read, its errors are in `diagnostics`.
[[nodiscard]] AppliedRules applied_rules(const Protocol& protocol);

[[nodiscard]] std::vector<DoseLimit> dose_limits(const Protocol& protocol,
                                                 const AppliedRules& applied);

} // namespace injmap
