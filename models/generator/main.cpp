// injmap-modelgen: writes the default models (OBJ + manifest) into a folder at build time.
// PLACEHOLDER until the generator lands: writes empty files.
#include <filesystem>
#include <fstream>
#include <string>
int main(int argc, char** argv) {
    std::filesystem::path out = argv[2];
    std::filesystem::create_directories(out);
    for (int i = 3; i < argc; ++i) {
        std::ofstream(out / (std::string(argv[i]) + ".obj"));
        std::ofstream(out / (std::string(argv[i]) + ".toml"));
    }
    return 0;
}
