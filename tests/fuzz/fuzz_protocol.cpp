// fuzz_protocol: protocol text → reader → validator → placement on a small synthetic model → the
// validator's model checks. Any crash, sanitizer report, escaped exception or contract violation
// fails.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol_reader.hpp"
#include "injmap/protocols/validator.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)injmap::fuzz::synthetic_model();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace injmap;
    static const ModelQueries queries(fuzz::synthetic_model());
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        Result<Protocol> read = read_protocol_text(text, "fuzz.toml");
        fuzz::check_diagnostics(read.diagnostics, "read_protocol_text");
        if (!read.value)
            return 0;
        const Protocol& protocol = *read.value;
        (void)protocol.total_units(true);
        for (const Site* site : protocol.sites())
            if (protocol.find_site(site->id) == nullptr)
                fuzz::contract_violation("Protocol", "find_site cannot find a listed site");
        fuzz::check_diagnostics(validate_protocol(protocol), "validate_protocol");
        if (!read.ok())
            return 0;
        Result<PlacedProtocol> placed = place_protocol(protocol, queries);
        fuzz::check_diagnostics(placed.diagnostics, "place_protocol");
        if (placed.value) {
            if (placed.value->sites.size() != protocol.sites().size())
                fuzz::contract_violation("place_protocol",
                                         "sites not parallel to protocol.sites()");
            fuzz::check_diagnostics(validate_on_model(protocol, *placed.value, queries),
                                    "validate_on_model");
        }
    } catch (const std::exception& e) {
        fuzz::contract_violation("protocol reader/validator",
                                 std::string("exception escaped: ") + e.what());
    } catch (...) {
        fuzz::contract_violation("protocol reader/validator", "a non-std exception escaped");
    }
    return 0;
}
