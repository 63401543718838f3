// fuzz_manifest: the fuzzed bytes are a model manifest written next to a tiny valid OBJ (tiny.obj:
// a cube of skin around a smaller cube of muscle), then loaded with load_model.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/models/manifest.hpp"
#include "tiny_obj.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    injmap::fuzz::write_file(injmap::fuzz::scratch_dir() / "tiny.obj", injmap::fuzz::kTinyObj);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace injmap;
    const auto manifest = fuzz::scratch_dir() / "fuzz.toml";
    fuzz::write_file(manifest, std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        Result<Model> model = load_model(manifest);
        fuzz::check_diagnostics(model.diagnostics, "load_model");
        if (model.ok()) {
            for (const auto& [name, p] : model.value->landmarks)
                if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
                    fuzz::contract_violation("load_model", "a non-finite landmark: " + name);
            for (const Muscle& m : model.value->muscles)
                if (m.fibre_directions.size() != m.mesh.positions.size())
                    fuzz::contract_violation("load_model",
                                             "fibre directions not one per vertex: " + m.key());
        }
    } catch (const std::exception& e) {
        fuzz::contract_violation("load_model", std::string("exception escaped: ") + e.what());
    } catch (...) {
        fuzz::contract_violation("load_model", "a non-std exception escaped");
    }
    return 0;
}
