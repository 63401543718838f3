#include "mesh_file.hpp"

#include "ply_reader.hpp"
#include "stl_reader.hpp"

namespace injmap::detail {

MeshFormat mesh_format_of(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    for (char& c : ext)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    if (ext == ".ply")
        return MeshFormat::ply;
    if (ext == ".stl")
        return MeshFormat::stl;
    return MeshFormat::obj;
}

Result<ObjFile> read_mesh_file(const std::filesystem::path& path, const std::string& display,
                               double mm_per_unit) {
    switch (mesh_format_of(path)) {
    case MeshFormat::ply:
        return read_ply(path, display, mm_per_unit);
    case MeshFormat::stl:
        return read_stl(path, display, mm_per_unit);
    case MeshFormat::obj:
        break;
    }
    return read_obj(path, display, mm_per_unit);
}

} // namespace injmap::detail
