#include "injmap/models/model_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "injmap/models/data_paths.hpp"
#include "injmap/models/manifest.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace {

// File layout (native byte order; a cache is never shared between machines):
//   "INJMAPMC" u32 version
//   u64 exe size, u64 exe mtime (ns)    — the program that wrote it: a rebuilt loader reloads once
//   str manifest path (absolute), u64 manifest hash
//   str OBJ path, u64 OBJ size, u64 OBJ hash
//   u64 payload size, u64 payload hash, payload (the Model and the load's warnings)
constexpr std::array<char, 8> kMagic = {'I', 'N', 'J', 'M', 'A', 'P', 'M', 'C'};
constexpr std::uint32_t kVersion = 6; // 2: skin_paint; 3: bones; 4: regions; 5: aponeurosis
                                      // layer; 6: avoid structures

// The serializer below writes every field of these types; a new field must be added there (and
// kVersion bumped). These asserts fail the build when the types change, as a reminder.
static_assert(sizeof(Mesh) == 4 * sizeof(std::vector<int>), "Mesh changed: update model_cache.cpp");
static_assert(sizeof(Muscle) ==
                  sizeof(std::string) + 2 * sizeof(int) + sizeof(Mesh) + sizeof(std::vector<int>),
              "Muscle changed: update model_cache.cpp");
static_assert(sizeof(Bone) == sizeof(std::string) + sizeof(int) + sizeof(Mesh) + 4,
              "Bone changed: update model_cache.cpp");
static_assert(sizeof(AvoidStructure) ==
                  3 * sizeof(std::string) + 2 * 8 + sizeof(Mesh), // side, warn_mm: padded
              "AvoidStructure changed: update model_cache.cpp");
static_assert(sizeof(Model) == 3 * sizeof(std::string) + 2 * sizeof(fs::path) + sizeof(Mesh) +
                                   5 * sizeof(std::vector<int>) +
                                   2 * sizeof(std::map<std::string, int>) +
                                   sizeof(ModelGeneration), // not stored: fresh on each load
              "Model changed: update model_cache.cpp");
static_assert(sizeof(SkinRegion) == 2 * sizeof(std::string) + sizeof(std::vector<int>),
              "SkinRegion changed: update model_cache.cpp");
static_assert(sizeof(Diagnostic) == 8 + 4 * sizeof(std::string) + 2 * sizeof(int),
              "Diagnostic changed: update model_cache.cpp");

// 64-bit hash, 8 bytes at a time (multiply-xorshift). Not cryptographic: it only has to notice
// edits.
struct Hasher {
    std::uint64_t h = 0x243F6A8885A308D3ull;
    std::uint64_t length = 0;

    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 32;
        x *= 0xD6E8FEB86659FD93ull;
        x ^= x >> 32;
        return x;
    }
    void words(const char* data, std::size_t n) { // n is a multiple of 8
        for (std::size_t i = 0; i < n; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, data + i, 8);
            h = (h ^ mix(w)) * 0x9E3779B97F4A7C15ull;
            h ^= h >> 29;
        }
        length += n;
    }
    std::uint64_t finish(const char* tail, std::size_t n) { // n < 8
        std::uint64_t w = 0;
        std::memcpy(&w, tail, n);
        h = (h ^ mix(w ^ (static_cast<std::uint64_t>(n) << 56))) * 0x9E3779B97F4A7C15ull;
        length += n;
        return mix(h ^ length);
    }
};

// --- writing -----------------------------------------------------------------------------------

struct Out {
    std::string bytes;

    template <class T>
    void pod(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes.append(reinterpret_cast<const char*>(&v), sizeof(T));
    }
    void str(std::string_view s) {
        pod(static_cast<std::uint64_t>(s.size()));
        bytes.append(s);
    }
    template <class T>
    void vec(const std::vector<T>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        pod(static_cast<std::uint64_t>(v.size()));
        if (!v.empty())
            bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
    void mesh(const Mesh& m) {
        vec(m.positions);
        vec(m.normals);
        vec(m.uvs);
        vec(m.indices);
    }
};

void write_payload(Out& o, const Model& model, const Diagnostics& warnings) {
    o.str(model.id);
    o.str(model.display_name);
    o.str(model.sex);
    o.str(model.manifest_path.string());
    o.str(model.skin_path.string());
    o.mesh(model.skin);
    o.pod(static_cast<std::uint64_t>(model.muscles.size()));
    for (const Muscle& m : model.muscles) {
        o.str(m.id);
        o.pod(static_cast<std::int32_t>(m.side));
        o.pod(static_cast<std::int32_t>(m.layer));
        o.mesh(m.mesh);
        o.vec(m.fibre_directions);
    }
    o.pod(static_cast<std::uint64_t>(model.bones.size()));
    for (const Bone& b : model.bones) {
        o.str(b.id);
        o.pod(static_cast<std::int32_t>(b.side));
        o.mesh(b.mesh);
    }
    o.pod(static_cast<std::uint64_t>(model.groups.size()));
    for (const auto& [key, members] : model.groups) {
        o.str(key);
        o.pod(static_cast<std::uint64_t>(members.size()));
        for (const auto& id : members)
            o.str(id);
    }
    o.pod(static_cast<std::uint64_t>(model.landmarks.size()));
    for (const auto& [name, p] : model.landmarks) {
        o.str(name);
        o.pod(p);
    }
    o.vec(model.skin_paint);
    o.pod(static_cast<std::uint64_t>(model.regions.size()));
    for (const SkinRegion& r : model.regions) {
        o.str(r.id);
        o.str(r.display_name);
        o.vec(r.weight);
    }
    o.pod(static_cast<std::uint64_t>(model.avoid.size()));
    for (const AvoidStructure& a : model.avoid) {
        o.str(a.id);
        o.pod(static_cast<std::int32_t>(a.side));
        o.str(a.kind);
        o.str(a.display_name);
        o.pod(a.warn_mm);
        o.mesh(a.mesh);
    }
    o.pod(static_cast<std::uint64_t>(warnings.size()));
    for (const Diagnostic& d : warnings) {
        o.pod(static_cast<std::int32_t>(d.severity));
        o.str(d.rule);
        o.str(d.message);
        o.str(d.where.file);
        o.pod(static_cast<std::int32_t>(d.where.line));
        o.pod(static_cast<std::int32_t>(d.where.column));
        o.str(d.basis);
    }
}

// --- reading: every length is checked against what is left, so a damaged file is a miss --------

struct In {
    const char* p;
    const char* end;
    bool ok = true;

    bool take(void* out, std::size_t n) {
        if (!ok || static_cast<std::size_t>(end - p) < n)
            return ok = false;
        if (n == 0)
            return true; // an empty vector's data() may be null, and memcpy must not see null
        std::memcpy(out, p, n);
        p += n;
        return true;
    }
    template <class T>
    T pod() {
        T v{};
        take(&v, sizeof(T));
        return v;
    }
    std::uint64_t count(std::size_t element_size) {
        const auto n = pod<std::uint64_t>();
        if (ok && n > static_cast<std::uint64_t>(end - p) / element_size)
            ok = false;
        return ok ? n : 0;
    }
    std::string str() {
        const auto n = count(1);
        std::string s(p, p + n);
        p += n;
        return s;
    }
    template <class T>
    void vec(std::vector<T>& v) {
        const auto n = count(sizeof(T));
        v.resize(n);
        take(v.data(), n * sizeof(T));
    }
    void mesh(Mesh& m) {
        vec(m.positions);
        vec(m.normals);
        vec(m.uvs);
        vec(m.indices);
    }
    template <class E>
    E enumeration(int last) {
        const auto v = pod<std::int32_t>();
        if (v < 0 || v > last)
            ok = false;
        return static_cast<E>(ok ? v : 0);
    }
};

bool valid_mesh(const Mesh& m) {
    if (m.indices.size() % 3 != 0 || (!m.normals.empty() && m.normals.size() != m.positions.size()))
        return false;
    for (std::uint32_t i : m.indices)
        if (i >= m.positions.size())
            return false;
    return true;
}

std::optional<Result<Model>> read_payload(In& in) {
    Result<Model> result;
    Model& model = result.value.emplace();
    model.id = in.str();
    model.display_name = in.str();
    model.sex = in.str();
    model.manifest_path = in.str();
    model.skin_path = in.str();
    in.mesh(model.skin);
    const auto muscles = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < muscles; ++i) {
        Muscle& m = model.muscles.emplace_back();
        m.id = in.str();
        m.side = in.enumeration<Side>(static_cast<int>(Side::midline));
        m.layer = in.enumeration<MuscleLayer>(static_cast<int>(MuscleLayer::aponeurosis));
        in.mesh(m.mesh);
        in.vec(m.fibre_directions);
        if (!valid_mesh(m.mesh))
            in.ok = false;
    }
    const auto bones = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < bones; ++i) {
        Bone& b = model.bones.emplace_back();
        b.id = in.str();
        b.side = in.enumeration<Side>(static_cast<int>(Side::midline));
        in.mesh(b.mesh);
        if (!valid_mesh(b.mesh))
            in.ok = false;
    }
    const auto groups = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < groups; ++i) {
        std::string key = in.str();
        std::vector<std::string> members(in.count(1));
        for (auto& id : members)
            id = in.str();
        model.groups[std::move(key)] = std::move(members);
    }
    const auto landmarks = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < landmarks; ++i) {
        std::string name = in.str();
        model.landmarks[std::move(name)] = in.pod<glm::vec3>();
    }
    in.vec(model.skin_paint);
    const auto regions = in.count(1);
    bool regions_ok = true;
    for (std::uint64_t i = 0; in.ok && i < regions; ++i) {
        SkinRegion& r = model.regions.emplace_back();
        r.id = in.str();
        r.display_name = in.str();
        in.vec(r.weight);
        regions_ok = regions_ok && r.weight.size() == model.skin.positions.size();
    }
    const auto avoid = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < avoid; ++i) {
        AvoidStructure& a = model.avoid.emplace_back();
        a.id = in.str();
        a.side = in.enumeration<Side>(static_cast<int>(Side::midline));
        a.kind = in.str();
        a.display_name = in.str();
        a.warn_mm = in.pod<float>();
        in.mesh(a.mesh);
        if (!valid_mesh(a.mesh) || !std::isfinite(a.warn_mm))
            in.ok = false;
    }
    const auto warnings = in.count(1);
    for (std::uint64_t i = 0; in.ok && i < warnings; ++i) {
        Diagnostic& d = result.diagnostics.emplace_back();
        d.severity = in.enumeration<Severity>(static_cast<int>(Severity::note));
        d.rule = in.str();
        d.message = in.str();
        d.where.file = in.str();
        d.where.line = in.pod<std::int32_t>();
        d.where.column = in.pod<std::int32_t>();
        d.basis = in.str();
    }
    const bool paint_ok =
        model.skin_paint.empty() || model.skin_paint.size() == model.skin.positions.size();
    if (!in.ok || in.p != in.end || !valid_mesh(model.skin) || !paint_ok || !regions_ok ||
        has_errors(result.diagnostics))
        return std::nullopt;
    return result;
}

// --- files -------------------------------------------------------------------------------------

std::optional<std::string> read_all(const fs::path& path, std::uintmax_t limit) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > limit)
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
        return std::nullopt;
    return bytes;
}

struct ExeStamp {
    std::uint64_t size = 0;
    std::uint64_t mtime_ns = 0;
};

ExeStamp exe_stamp() {
    struct stat st {};
    if (::stat("/proc/self/exe", &st) != 0)
        return {};
    return {static_cast<std::uint64_t>(st.st_size),
            static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                static_cast<std::uint64_t>(st.st_mtim.tv_nsec)};
}

bool disabled() {
    const char* off = std::getenv("INJMAP_NO_MODEL_CACHE");
    return off && *off && std::string_view(off) != "0";
}

fs::path absolute_normal(const fs::path& p) {
    std::error_code ec;
    fs::path a = fs::absolute(p, ec);
    return (ec ? p : a).lexically_normal();
}

// The cached load for this manifest, or nullopt (missing, stale or damaged).
std::optional<Result<Model>> read_cache(const fs::path& cache, const fs::path& manifest,
                                        std::uint64_t manifest_hash) {
    // Models are tens of MB; 2 GB bounds what a damaged size field can make us allocate.
    auto bytes = read_all(cache, 2ull * 1024 * 1024 * 1024);
    if (!bytes)
        return std::nullopt;
    In in{bytes->data(), bytes->data() + bytes->size()};
    std::array<char, 8> magic{};
    in.take(magic.data(), magic.size());
    if (!in.ok || magic != kMagic || in.pod<std::uint32_t>() != kVersion)
        return std::nullopt;
    const ExeStamp stamp = exe_stamp();
    if (in.pod<std::uint64_t>() != stamp.size || in.pod<std::uint64_t>() != stamp.mtime_ns)
        return std::nullopt;
    if (in.str() != manifest.string() || in.pod<std::uint64_t>() != manifest_hash)
        return std::nullopt;
    const fs::path obj = in.str();
    const auto obj_size = in.pod<std::uint64_t>();
    const auto obj_hash = in.pod<std::uint64_t>();
    const auto payload_size = in.pod<std::uint64_t>();
    const auto payload_hash = in.pod<std::uint64_t>();
    if (!in.ok || payload_size != static_cast<std::uint64_t>(in.end - in.p))
        return std::nullopt;
    std::error_code ec;
    if (fs::file_size(obj, ec) != obj_size || ec || model_cache_file_hash(obj) != obj_hash)
        return std::nullopt;
    if (model_cache_hash(std::string_view(in.p, payload_size)) != payload_hash)
        return std::nullopt;
    return read_payload(in);
}

// The manifest a cache file was written for, read from its header with the same reader as
// read_cache (only the first few KB of the file); nullopt when it is not a cache of this format.
std::optional<fs::path> cached_manifest(const fs::path& file) {
    std::ifstream stream(file, std::ios::binary);
    std::string head(8 + 4 + 8 + 8 + 8 + 4096, '\0'); // up to a 4 KB manifest path
    stream.read(head.data(), static_cast<std::streamsize>(head.size()));
    In in{head.data(), head.data() + stream.gcount()};
    std::array<char, 8> magic{};
    in.take(magic.data(), magic.size());
    if (!in.ok || magic != kMagic || in.pod<std::uint32_t>() != kVersion)
        return std::nullopt;
    in.pod<std::uint64_t>(); // the program's size and mtime
    in.pod<std::uint64_t>();
    std::string manifest = in.str();
    if (!in.ok || manifest.empty())
        return std::nullopt;
    return fs::path(manifest);
}

// Keeps the cache folder small: a cache whose manifest is gone (scratch and test copies of a
// model) is removed, and beyond kMaxCacheFiles the least recently written ones go. Runs only after
// a miss wrote `kept`, so a hit never pays for it.
constexpr std::size_t kMaxCacheFiles = 16;
void prune_cache_folder(const fs::path& kept) {
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> others;
    for (fs::directory_iterator it(kept.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
        const fs::path& file = it->path();
        if (file.extension() != ".model-cache" || file == kept)
            continue;
        const auto manifest = cached_manifest(file);
        std::error_code exists_ec;
        if (!manifest || !fs::exists(*manifest, exists_ec)) {
            fs::remove(file, exists_ec);
            continue;
        }
        others.emplace_back(fs::last_write_time(file, exists_ec), file);
    }
    if (others.size() + 1 <= kMaxCacheFiles)
        return;
    std::sort(others.begin(), others.end());
    for (std::size_t i = 0; i + kMaxCacheFiles < others.size() + 1; ++i)
        fs::remove(others[i].second, ec);
}

void write_cache(const fs::path& cache, const fs::path& manifest, std::uint64_t manifest_hash,
                 const Result<Model>& loaded) {
    const fs::path& obj = loaded.value->skin_path;
    std::error_code ec;
    const auto obj_size = fs::file_size(obj, ec);
    const auto obj_hash = model_cache_file_hash(obj);
    if (ec || !obj_hash)
        return;
    Out payload;
    write_payload(payload, *loaded.value, loaded.diagnostics);
    Out o;
    o.bytes.append(kMagic.data(), kMagic.size());
    o.pod(kVersion);
    const ExeStamp stamp = exe_stamp();
    o.pod(stamp.size);
    o.pod(stamp.mtime_ns);
    o.str(manifest.string());
    o.pod(manifest_hash);
    o.str(obj.string());
    o.pod(static_cast<std::uint64_t>(obj_size));
    o.pod(*obj_hash);
    o.pod(static_cast<std::uint64_t>(payload.bytes.size()));
    o.pod(model_cache_hash(payload.bytes));
    o.bytes += payload.bytes;

    fs::create_directories(cache.parent_path(), ec);
    const fs::path tmp = cache.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(o.bytes.data(), static_cast<std::streamsize>(o.bytes.size()));
        if (!out) {
            out.close();
            fs::remove(tmp, ec);
            return;
        }
    }
    fs::rename(tmp, cache, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return;
    }
    prune_cache_folder(cache);
}

} // namespace

std::uint64_t model_cache_hash(std::string_view bytes) {
    Hasher h;
    const std::size_t whole = bytes.size() / 8 * 8;
    h.words(bytes.data(), whole);
    return h.finish(bytes.data() + whole, bytes.size() - whole);
}

std::optional<std::uint64_t> model_cache_file_hash(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    Hasher h;
    std::string buffer(1 << 20, '\0');
    std::size_t carry = 0; // bytes at the front of buffer not yet hashed (fewer than 8)
    while (in) {
        in.read(buffer.data() + carry, static_cast<std::streamsize>(buffer.size() - carry));
        const std::size_t have = carry + static_cast<std::size_t>(in.gcount());
        const std::size_t whole = have / 8 * 8;
        h.words(buffer.data(), whole);
        carry = have - whole;
        std::memmove(buffer.data(), buffer.data() + whole, carry);
    }
    if (in.bad())
        return std::nullopt;
    return h.finish(buffer.data(), carry);
}

fs::path model_cache_path(const fs::path& manifest_path) {
    const fs::path manifest = absolute_normal(manifest_path);
    fs::path base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".cache";
    else
        base = fs::temp_directory_path();
    // The program is part of the name as well as of the header: two builds used side by side (a
    // release and a benchmark build, an A/B comparison, the test executables) each keep their own
    // cache instead of overwriting each other's on every start.
    const ExeStamp stamp = exe_stamp();
    const std::string key = manifest.string() + '\n' + std::to_string(stamp.size) + '\n' +
                            std::to_string(stamp.mtime_ns);
    char name[32];
    std::snprintf(name, sizeof name, "%016llx",
                  static_cast<unsigned long long>(model_cache_hash(key)));
    return base / "injmap" / "models" / (manifest.stem().string() + "-" + name + ".model-cache");
}

Result<Model> load_model_cached(const fs::path& manifest_path) {
    if (disabled())
        return load_model(manifest_path);
    try {
        const fs::path manifest = absolute_normal(manifest_path);
        // The manifest reader's own limit is 1 MB; anything larger goes to load_model to be
        // refused.
        const auto text = read_all(manifest, 1024 * 1024);
        if (!text)
            return load_model(manifest_path);
        const std::uint64_t manifest_hash = model_cache_hash(*text);
        const fs::path cache = model_cache_path(manifest);
        if (auto hit = read_cache(cache, manifest, manifest_hash))
            return std::move(*hit);
        Result<Model> loaded = load_model(manifest_path);
        if (loaded.ok())
            write_cache(cache, manifest, manifest_hash, loaded);
        return loaded;
    } catch (const std::exception&) {
        // The cache is an optimisation: whatever goes wrong with it, load the ordinary way.
        return load_model(manifest_path);
    }
}

} // namespace injmap
