#pragma once
// Helpers shared by the test tiers: well-known paths, running the injmap CLI, temporary folders.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <glm/vec3.hpp>
#include <nlohmann/json_fwd.hpp>

#include "injmap/models/model.hpp"

namespace injmap::test {

std::filesystem::path data_dir();   // tests/data
std::filesystem::path output_dir(); // <build>/tests/output (created)
std::filesystem::path shared_dir(); // ../shared (may be absent on a user's machine)
std::filesystem::path share_dir();  // <build>/share/injmap (generated models, copied protocols)
std::filesystem::path source_dir(); // the project root
std::filesystem::path injmap_exe(); // the built injmap executable

// A fresh, empty folder under output_dir() named after the running test (outside a test, e.g. in
// a suite set-up, after the process: ctest runs the tests of one suite in parallel processes).
std::filesystem::path fresh_dir(const std::string& name);

struct CommandResult {
    int exit_code = -1; // -1 when killed by a signal
    std::string out;
    std::string err;
};
// Runs argv[0] with the remaining arguments (no shell), capturing stdout and stderr.
CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
// Runs the injmap executable with these arguments.
CommandResult run_injmap(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});

// A generated default model (adult-male, adult-female) from share_dir(), loaded once per process;
// nullptr when it is not built or does not load.
const Model* default_model(const std::string& id);
// A closed axis-aligned box [lo, hi], counter-clockwise triangles seen from outside, with normals.
Mesh box(glm::vec3 lo, glm::vec3 hi);
// The index of the skin vertex nearest p.
std::size_t nearest_skin_vertex(const Model& model, const glm::vec3& p);

// The environment for a headless `injmap render` or `handout`: no X display, software GL (EGL).
std::vector<std::string> headless_env();
// A JSON file (e.g. a render report), parsed; a parse error throws and fails the test.
nlohmann::json read_json(const std::filesystem::path& path);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

} // namespace injmap::test
