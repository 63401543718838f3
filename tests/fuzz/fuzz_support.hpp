#pragma once
// Shared by the libFuzzer targets: a small synthetic model to place protocols on, a private scratch
// folder for readers that take paths, and the checks every reader's answer must pass.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "injmap/diagnostic.hpp"
#include "injmap/models/model.hpp"

namespace injmap::fuzz {

// A sphere of radius 90 mm carrying every standard landmark and a set of muscles (spheres just
// under the skin) with the ids the shipped protocols use. Built once; cheap to place on.
const Model& synthetic_model();

// A folder private to this process (in /dev/shm when available), removed at exit.
const std::filesystem::path& scratch_dir();

// Writes bytes to a file, replacing it. Aborts on failure: the harness itself is broken then.
void write_file(const std::filesystem::path& path, std::string_view bytes);

// The reader contract: every diagnostic has a rule id and a one-line message, errors mean no usable
// value, and formatting never fails. Aborts (a libFuzzer crash) on a violation, naming it.
void check_diagnostics(const Diagnostics& diagnostics, std::string_view reader);

// Aborts with a message: used for contract violations, so libFuzzer saves the input.
[[noreturn]] void contract_violation(std::string_view reader, std::string_view what);

} // namespace injmap::fuzz
