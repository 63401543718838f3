// fuzz_obj: the fuzzed bytes are an OBJ file. First the in-memory parser (detail::parse_obj), then
// the whole load through a fixed manifest (skin group "skin", one muscle group "muscle", two
// landmarks), which also converts units and axes, computes normals and fibre directions, and snaps
// landmarks.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "injmap/models/manifest.hpp"
#include "obj_loader.hpp" // models/src: private to injmap_models, parse_obj exists for tests and fuzzing
#include "tiny_obj.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    injmap::fuzz::write_file(injmap::fuzz::scratch_dir() / "fixed.toml",
                             injmap::fuzz::kFixedManifest);
    return 0;
}

namespace {

bool finite(const glm::vec3& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

void check_mesh(const injmap::Mesh& mesh, const std::string& what) {
    using injmap::fuzz::contract_violation;
    if (mesh.indices.size() % 3 != 0)
        contract_violation("load_model", what + ": index count not a multiple of 3");
    for (std::uint32_t i : mesh.indices)
        if (i >= mesh.positions.size())
            contract_violation("load_model", what + ": index out of range");
    if (!mesh.normals.empty() && mesh.normals.size() != mesh.positions.size())
        contract_violation("load_model", what + ": normals not one per position");
    for (const glm::vec3& p : mesh.positions)
        if (!finite(p))
            contract_violation("load_model", what + ": a non-finite position");
    for (const glm::vec3& n : mesh.normals)
        if (!finite(n))
            contract_violation("load_model", what + ": a non-finite normal");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace injmap;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        Result<detail::ObjFile> obj = detail::parse_obj(bytes, "fuzzed.obj");
        fuzz::check_diagnostics(obj.diagnostics, "parse_obj");
        if (obj.value) {
            const auto& f = *obj.value;
            for (const auto& g : f.groups) {
                if (g.corners.size() % 3 != 0)
                    fuzz::contract_violation("parse_obj",
                                             "a group's corners are not whole triangles");
                for (const auto& c : g.corners)
                    if (c.v < 0 || static_cast<std::size_t>(c.v) * 3 >= f.positions.size() ||
                        (c.vt >= 0 && static_cast<std::size_t>(c.vt) * 2 >= f.texcoords.size()) ||
                        (c.vn >= 0 && static_cast<std::size_t>(c.vn) * 3 >= f.normals.size()))
                        fuzz::contract_violation("parse_obj", "a corner index out of range");
            }
        }
        fuzz::write_file(fuzz::scratch_dir() / "fuzzed.obj", bytes);
        Result<Model> model = load_model(fuzz::scratch_dir() / "fixed.toml");
        fuzz::check_diagnostics(model.diagnostics, "load_model");
        if (model.ok()) {
            check_mesh(model.value->skin, "skin");
            for (const Muscle& m : model.value->muscles) {
                check_mesh(m.mesh, m.key());
                for (const glm::vec3& d : m.fibre_directions)
                    if (!finite(d))
                        fuzz::contract_violation("load_model",
                                                 m.key() + ": a non-finite fibre direction");
            }
        }
    } catch (const std::exception& e) {
        fuzz::contract_violation("OBJ loader", std::string("exception escaped: ") + e.what());
    } catch (...) {
        fuzz::contract_violation("OBJ loader", "a non-std exception escaped");
    }
    return 0;
}
