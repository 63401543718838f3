// fuzz_clinical_rules: clinical-limits text → reader → the limits it gives a chronic migraine and
// a cervical dystonia protocol → the validator and a session against them. Any crash, sanitizer
// report, escaped exception or contract violation fails.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/protocols/clinical_rules.hpp"
#include "injmap/protocols/dose_limits.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"

namespace {

const injmap::Protocol* test_protocol(const char* name) {
    static const auto read = [](const char* n) {
        return injmap::read_protocol_file(std::string(INJMAP_TEST_DATA_DIR) + "/protocols/good/" +
                                          n);
    };
    static const auto cm = read("preempt-compact.toml");
    static const auto cd = read("cd-compact.toml");
    const auto& r = std::string_view(name) == "cm" ? cm : cd;
    return r.value ? &*r.value : nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace injmap;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        Result<ClinicalRules> read = parse_clinical_rules(text, "fuzz.toml");
        fuzz::check_diagnostics(read.diagnostics, "parse_clinical_rules");
        if (!read.ok())
            return 0;
        for (const char* which : {"cm", "cd"}) {
            const Protocol* p = test_protocol(which);
            if (!p)
                fuzz::contract_violation("fuzz_clinical_rules", "a test protocol does not read");
            const AppliedRules applied = applied_rules(*p, *read.value);
            fuzz::check_diagnostics(applied.diagnostics, "applied_rules");
            (void)dose_limits(*p, applied);
            fuzz::check_diagnostics(validate_protocol(*p, *read.value), "validate_protocol");
        }
    } catch (const std::exception& e) {
        fuzz::contract_violation("fuzz_clinical_rules",
                                 std::string("escaped exception: ") + e.what());
    }
    return 0;
}
