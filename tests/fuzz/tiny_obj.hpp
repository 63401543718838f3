#pragma once
// A tiny valid OBJ for the manifest fuzzer and the fixed manifest the OBJ fuzzer loads its input
// with.
#include <string_view>

namespace injmap::fuzz {

// Skin: a 100 mm cube centred on the origin (group "skin"); muscle: a 60 mm cube inside it with
// texture coordinates (group "muscle").
inline constexpr std::string_view kTinyObj = R"(# tiny model for fuzzing
v -50 -50 -50
v 50 -50 -50
v 50 50 -50
v -50 50 -50
v -50 -50 50
v 50 -50 50
v 50 50 50
v -50 50 50
v -30 -30 -30
v 30 -30 -30
v 30 30 -30
v -30 30 -30
v -30 -30 30
v 30 -30 30
v 30 30 30
v -30 30 30
vt 0 0
vt 1 0
vt 1 1
vt 0 1
g skin
f 1 4 3
f 1 3 2
f 5 6 7
f 5 7 8
f 1 5 8
f 1 8 4
f 2 3 7
f 2 7 6
f 4 8 7
f 4 7 3
f 1 2 6
f 1 6 5
g muscle
f 9/1 12/4 11/3
f 9/1 11/3 10/2
f 13/1 14/2 15/3
f 13/1 15/3 16/4
f 9/1 13/2 16/3
f 9/1 16/3 12/4
f 10/1 11/4 15/3
f 10/1 15/3 14/2
f 12/1 16/2 15/3
f 12/1 15/3 11/4
f 9/1 10/2 14/3
f 9/1 14/3 13/4
)";

// The manifest fuzz_obj loads the fuzzed OBJ (fuzzed.obj) with.
inline constexpr std::string_view kFixedManifest = R"(schema_version = 1
id = "fuzz"
name = "Fuzzed mesh"
sex = "unspecified"
[mesh]
file = "fuzzed.obj"
units = "mm"
up = "+y"
forward = "+z"
[skin]
group = "skin"
[[muscles]]
id = "frontalis"
side = "midline"
group = "muscle"
layer = "sheet"
[landmarks]
vertex = [0, 50, 0]
glabella = [0, 0, 50]
)";

} // namespace injmap::fuzz
