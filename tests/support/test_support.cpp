#include "test_support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <glm/geometric.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "injmap/models/manifest.hpp"

extern char** environ;

namespace injmap::test {
namespace fs = std::filesystem;

fs::path data_dir() {
    return INJMAP_TEST_DATA_DIR;
}
fs::path shared_dir() {
    return INJMAP_SHARED_DIR;
}
fs::path share_dir() {
    return INJMAP_BUILD_SHARE_DIR;
}
fs::path source_dir() {
    return INJMAP_SOURCE_DIR;
}
fs::path injmap_exe() {
    return INJMAP_EXE;
}

fs::path output_dir() {
    fs::path dir = INJMAP_TEST_OUTPUT_DIR;
    fs::create_directories(dir);
    return dir;
}

fs::path fresh_dir(const std::string& name) {
    std::string test_name = name;
    if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info())
        test_name = std::string(info->test_suite_name()) + "." + info->name() + "." + name;
    else // suite set-up: ctest runs each test of the suite as its own process, in parallel
        test_name = name + "." + std::to_string(::getpid());
    fs::path dir = output_dir() / test_name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
}

CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    // Capture into temporary files rather than pipes: no deadlock on large outputs.
    const fs::path dir = output_dir() / "run";
    fs::create_directories(dir);
    const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(std::rand());
    const fs::path out_path = dir / (tag + ".out"), err_path = dir / (tag + ".err");

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);

    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        env_strings.emplace_back(*e);
    for (const auto& e : env)
        env_strings.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_strings)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    CommandResult result;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        result.err = "could not start " + argv[0];
        return result;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_text(out_path);
    result.err = read_text(err_path);
    fs::remove(out_path);
    fs::remove(err_path);
    return result;
}

CommandResult run_injmap(const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
    std::vector<std::string> argv{injmap_exe().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env);
}

const Model* default_model(const std::string& id) {
    static std::map<std::string, std::optional<Model>> cache;
    auto& slot = cache[id];
    if (!slot) {
        const fs::path manifest = share_dir() / "models" / (id + ".toml");
        if (!fs::exists(manifest))
            return nullptr;
        auto r = load_model(manifest);
        if (!r.ok())
            return nullptr;
        slot = std::move(*r.value);
    }
    return &*slot;
}

std::size_t nearest_skin_vertex(const Model& model, const glm::vec3& p) {
    std::size_t best = 0;
    float best_d = std::numeric_limits<float>::max();
    for (std::size_t i = 0; i < model.skin.positions.size(); ++i) {
        const float d = glm::distance(model.skin.positions[i], p);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

Mesh box(glm::vec3 lo, glm::vec3 hi) {
    Mesh m;
    for (int i = 0; i < 8; ++i)
        m.positions.push_back(
            {(i & 1) ? hi.x : lo.x, (i & 2) ? hi.y : lo.y, (i & 4) ? hi.z : lo.z});
    const glm::vec3 centre = (lo + hi) * 0.5f;
    auto tri = [&](std::uint32_t a, std::uint32_t b, std::uint32_t c) {
        const glm::vec3 pa = m.positions[a], pb = m.positions[b], pc = m.positions[c];
        if (glm::dot(glm::cross(pb - pa, pc - pa), (pa + pb + pc) / 3.0f - centre) < 0.0f)
            std::swap(b, c);
        m.indices.insert(m.indices.end(), {a, b, c});
    };
    auto quad = [&](std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
        tri(a, b, c);
        tri(a, c, d);
    };
    quad(0, 1, 3, 2); // z = lo
    quad(4, 5, 7, 6); // z = hi
    quad(0, 1, 5, 4); // y = lo
    quad(2, 3, 7, 6); // y = hi
    quad(0, 2, 6, 4); // x = lo
    quad(1, 3, 7, 5); // x = hi
    compute_vertex_normals(m);
    return m;
}

std::vector<std::string> headless_env() {
    return {"DISPLAY=", "LIBGL_ALWAYS_SOFTWARE=1"};
}

nlohmann::json read_json(const fs::path& path) {
    return nlohmann::json::parse(read_text(path));
}

} // namespace injmap::test
