#pragma once
// The protocol validator: the rules of the clinical limits (docs/protocol-format.md lists each with
// its id, severity and basis: label, trial protocol or common practice) plus the anatomical checks
// that need a model (unknown muscle names, clearances such as frontalis ≥ 15 mm above the brow).
#include "injmap/diagnostic.hpp"
#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

struct RuleInfo {
    const char* id;
    Severity severity;
    const char* basis; // "label", "label (US)", "trial protocol", "common practice", "structure"
    const char* summary;
};
[[nodiscard]] const std::vector<RuleInfo>& validator_rules();

// Checks that need no model, with the shipped clinical-limits table (clinical_rules.hpp); when
// that table cannot be read its errors are reported.
[[nodiscard]] Diagnostics validate_protocol(const Protocol& protocol);
// The same against a given table (tests, other tables).
[[nodiscard]] Diagnostics validate_protocol(const Protocol& protocol, const ClinicalRules& rules);
// Checks on a model: muscle names, placement, clearances, mirror symmetry of placed pairs.
[[nodiscard]] Diagnostics validate_on_model(const Protocol& protocol, const PlacedProtocol& placed,
                                            const ModelQueries& model);

} // namespace injmap
