#include "ply_reader.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "mesh_reader_support.hpp"

namespace injmap::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::uint64_t kMaxFaceCorners = 255;
constexpr std::uint64_t kMaxVertices = static_cast<std::uint64_t>(std::numeric_limits<int>::max());

enum class Type : std::uint8_t { int8, uint8, int16, uint16, int32, uint32, float32, float64 };

struct TypeName {
    std::string_view name;
    Type type;
};
constexpr std::array<TypeName, 16> kTypeNames = {{{"char", Type::int8},
                                                  {"int8", Type::int8},
                                                  {"uchar", Type::uint8},
                                                  {"uint8", Type::uint8},
                                                  {"short", Type::int16},
                                                  {"int16", Type::int16},
                                                  {"ushort", Type::uint16},
                                                  {"uint16", Type::uint16},
                                                  {"int", Type::int32},
                                                  {"int32", Type::int32},
                                                  {"uint", Type::uint32},
                                                  {"uint32", Type::uint32},
                                                  {"float", Type::float32},
                                                  {"float32", Type::float32},
                                                  {"double", Type::float64},
                                                  {"float64", Type::float64}}};

std::size_t type_size(Type t) {
    switch (t) {
    case Type::int8:
    case Type::uint8:
        return 1;
    case Type::int16:
    case Type::uint16:
        return 2;
    case Type::int32:
    case Type::uint32:
    case Type::float32:
        return 4;
    case Type::float64:
        return 8;
    }
    return 1;
}

bool is_integer(Type t) {
    return t != Type::float32 && t != Type::float64;
}

std::optional<Type> type_of(std::string_view name) {
    for (const auto& t : kTypeNames)
        if (t.name == name)
            return t.type;
    return std::nullopt;
}

// What a property is to the reader.
enum class Role : std::uint8_t { none, x, y, z, nx, ny, nz, u, v, indices };

struct Property {
    std::string name;
    Type type = Type::float32;
    bool list = false;
    Type count_type = Type::uint8;
    Role role = Role::none;
};

struct Element {
    std::string name;
    std::uint64_t count = 0;
    int line = 0;
    std::vector<Property> properties;
};

enum class Format { ascii, binary_little, binary_big };

struct Header {
    Format format = Format::ascii;
    std::vector<Element> elements;
    std::size_t body = 0; // byte offset of the body
    int body_line = 0;    // its first line (ASCII)
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i]))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !is_space(line[i]))
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::string quote_text(std::string_view s) {
    std::string out = "'";
    out.append(s.substr(0, 40));
    if (s.size() > 40)
        out += "…";
    out += "'";
    return out;
}

// A whole number read as a double, for messages: digits while they are exact, else %g (an ASCII
// index may be 1e54, beyond any integer type).
std::string number_text(double value) {
    if (std::abs(value) < 1e15)
        return std::to_string(static_cast<long long>(value));
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::optional<Header> read_header(std::string_view bytes, MeshReporter& report) {
    if (bytes.empty()) {
        report.error("empty", "the file is empty");
        return std::nullopt;
    }
    Header header;
    bool have_format = false;
    int line_no = 0;
    std::size_t pos = 0;
    const std::size_t limit = std::min(bytes.size(), kMaxHeaderBytes);
    while (pos < limit) {
        std::size_t eol = bytes.find_first_of("\r\n", pos);
        if (eol == std::string_view::npos || eol >= limit)
            break;
        const std::string_view line = bytes.substr(pos, eol - pos);
        pos =
            eol + (eol + 1 < bytes.size() && bytes[eol] == '\r' && bytes[eol + 1] == '\n' ? 2 : 1);
        ++line_no;
        const auto words = split(line);
        if (line_no == 1) {
            if (words.size() != 1 || words[0] != "ply") {
                report.error("syntax", "not a PLY file: the first line must be 'ply'", 1, 1);
                return std::nullopt;
            }
            continue;
        }
        if (words.empty() || words[0] == "comment" || words[0] == "obj_info")
            continue;
        const std::string_view key = words[0];
        if (key == "format") {
            if (have_format || words.size() != 3 || !header.elements.empty()) {
                report.error("syntax",
                             "'format' must come once, before the elements: "
                             "format ascii|binary_little_endian|binary_big_endian 1.0",
                             line_no, 1);
                return std::nullopt;
            }
            if (words[1] == "ascii")
                header.format = Format::ascii;
            else if (words[1] == "binary_little_endian")
                header.format = Format::binary_little;
            else if (words[1] == "binary_big_endian")
                header.format = Format::binary_big;
            else {
                report.error("syntax",
                             "unknown PLY format " + quote_text(words[1]) +
                                 " (ascii, binary_little_endian or binary_big_endian)",
                             line_no, 1);
                return std::nullopt;
            }
            if (words[2].substr(0, 2) != "1." && words[2] != "1") {
                report.error("syntax", "PLY version " + quote_text(words[2]) + " is not 1.0",
                             line_no, 1);
                return std::nullopt;
            }
            have_format = true;
        } else if (key == "element") {
            std::uint64_t count = 0;
            const char* end = words.size() == 3 ? words[2].data() + words[2].size() : nullptr;
            if (words.size() != 3 || std::from_chars(words[2].data(), end, count).ptr != end) {
                report.error("syntax", "'element' needs a name and a count: element vertex 1234",
                             line_no, 1);
                return std::nullopt;
            }
            header.elements.push_back({std::string(words[1]), count, line_no, {}});
        } else if (key == "property") {
            if (header.elements.empty()) {
                report.error("syntax", "'property' before any 'element'", line_no, 1);
                return std::nullopt;
            }
            Property p;
            if (words.size() == 5 && words[1] == "list") {
                const auto count_type = type_of(words[2]);
                const auto item_type = type_of(words[3]);
                if (!count_type || !item_type || !is_integer(*count_type)) {
                    report.error("syntax",
                                 "'property list' needs an integer count type and an item type "
                                 "(char, uchar, short, ushort, int, uint, float, double)",
                                 line_no, 1);
                    return std::nullopt;
                }
                p.list = true;
                p.count_type = *count_type;
                p.type = *item_type;
                p.name = std::string(words[4]);
            } else if (words.size() == 3 && words[1] != "list") {
                const auto type = type_of(words[1]);
                if (!type) {
                    report.error("syntax",
                                 "unknown property type " + quote_text(words[1]) +
                                     " (char, uchar, short, ushort, int, uint, float, double)",
                                 line_no, 1);
                    return std::nullopt;
                }
                p.type = *type;
                p.name = std::string(words[2]);
            } else {
                report.error("syntax",
                             "'property' needs a type and a name (or list, count type, item "
                             "type and name)",
                             line_no, 1);
                return std::nullopt;
            }
            header.elements.back().properties.push_back(std::move(p));
        } else if (key == "end_header") {
            if (!have_format) {
                report.error("syntax", "no 'format' line before 'end_header'", line_no, 1);
                return std::nullopt;
            }
            header.body = pos;
            header.body_line = line_no + 1;
            return header;
        } else {
            report.error("syntax", "unknown PLY header line " + quote_text(key), line_no, 1);
            return std::nullopt;
        }
    }
    report.error(bytes.size() <= kMaxHeaderBytes ? "truncated" : "syntax",
                 bytes.size() <= kMaxHeaderBytes
                     ? "the file ends inside its header (no 'end_header' line)"
                     : "no 'end_header' in the first 64 KiB: not a PLY header",
                 line_no, 0);
    return std::nullopt;
}

// Gives each property of the vertex and face elements its role; reports what is missing.
bool assign_roles(Header& header, Element*& vertex, Element*& face, MeshReporter& report) {
    vertex = nullptr;
    face = nullptr;
    for (auto& e : header.elements) {
        if (e.name == "vertex" && !vertex)
            vertex = &e;
        else if (e.name == "face" && !face)
            face = &e;
    }
    if (!vertex) {
        report.error("syntax", "the header has no 'element vertex'", header.body_line - 1, 0);
        return false;
    }
    const auto role_of = [](std::string_view name) {
        static constexpr std::array<std::pair<std::string_view, Role>, 14> kRoles = {{
            {"x", Role::x},
            {"y", Role::y},
            {"z", Role::z},
            {"nx", Role::nx},
            {"ny", Role::ny},
            {"nz", Role::nz},
            {"u", Role::u},
            {"v", Role::v},
            {"s", Role::u},
            {"t", Role::v},
            {"texture_u", Role::u},
            {"texture_v", Role::v},
            {"texture_s", Role::u},
            {"texture_t", Role::v},
        }};
        for (const auto& [n, r] : kRoles)
            if (n == name)
                return r;
        return Role::none;
    };
    bool seen[10] = {};
    for (auto& p : vertex->properties) {
        const Role role = p.list ? Role::none : role_of(p.name);
        if (role != Role::none && !seen[static_cast<int>(role)]) {
            p.role = role;
            seen[static_cast<int>(role)] = true;
        }
    }
    if (!seen[static_cast<int>(Role::x)] || !seen[static_cast<int>(Role::y)] ||
        !seen[static_cast<int>(Role::z)]) {
        report.error("syntax", "the vertex element has no x, y and z properties", vertex->line, 0);
        return false;
    }
    // Normals and texture coordinates only as whole sets.
    const bool normals = seen[static_cast<int>(Role::nx)] && seen[static_cast<int>(Role::ny)] &&
                         seen[static_cast<int>(Role::nz)];
    const bool uvs = seen[static_cast<int>(Role::u)] && seen[static_cast<int>(Role::v)];
    for (auto& p : vertex->properties) {
        if ((p.role == Role::nx || p.role == Role::ny || p.role == Role::nz) && !normals)
            p.role = Role::none;
        if ((p.role == Role::u || p.role == Role::v) && !uvs)
            p.role = Role::none;
    }
    if (vertex->count > kMaxVertices) {
        report.error("too-large",
                     "the header claims " + std::to_string(vertex->count) +
                         " vertices; injmap reads at most " + std::to_string(kMaxVertices),
                     vertex->line, 0);
        return false;
    }
    if (!face || face->count == 0) {
        report.error("empty", "the file has no faces (a point cloud is not a surface)",
                     face ? face->line : vertex->line, 0);
        return false;
    }
    bool indices = false;
    for (auto& p : face->properties) {
        if (!indices && p.list && (p.name == "vertex_indices" || p.name == "vertex_index")) {
            if (!is_integer(p.type)) {
                report.error("syntax", "the face element's vertex indices must be integers",
                             face->line, 0);
                return false;
            }
            p.role = Role::indices;
            indices = true;
        }
    }
    if (!indices) {
        report.error("syntax", "the face element has no 'vertex_indices' list", face->line, 0);
        return false;
    }
    if (face < vertex) {
        report.error("syntax", "the face element comes before the vertex element", face->line, 0);
        return false;
    }
    return true;
}

// The least number of body bytes one item of `e` takes.
std::uint64_t min_item_bytes(const Element& e, Format format) {
    std::uint64_t bytes = 0;
    for (const auto& p : e.properties)
        bytes += format == Format::ascii ? 2 : type_size(p.list ? p.count_type : p.type);
    return bytes;
}

// One item's values as they are read, in the roles the reader needs.
struct Item {
    double values[10] = {};
    std::vector<double> indices;
};

// Keeps what the items give: positions, normals, texture coordinates, triangles.
class Builder {
public:
    Builder(MeshReporter& report, double mm_per_unit, const Element& vertex, const Element& face)
        : report_(report), mm_per_unit_(mm_per_unit), vertex_count_(vertex.count) {
        for (const auto& p : vertex.properties) {
            normals_ = normals_ || p.role == Role::nx;
            uvs_ = uvs_ || p.role == Role::u;
        }
        file.positions.reserve(3 * vertex.count);
        if (normals_)
            file.normals.reserve(3 * vertex.count);
        if (uvs_)
            file.texcoords.reserve(2 * vertex.count);
        ObjGroup group;
        group.name = kPlyGroupName;
        group.first_line = face.line;
        file.groups.push_back(std::move(group));
    }

    // `where`: line and column for diagnostics; `what`: "vertex 12 (byte 345)" and the like.
    void vertex(const Item& item, int line, int column, const std::string& what) {
        for (int k = 0; k < 3; ++k) {
            const double value = item.values[static_cast<int>(Role::x) + k];
            const CoordinateStatus status = check_coordinate(value, mm_per_unit_);
            if (status == CoordinateStatus::non_finite) {
                report_.error("non-finite",
                              what + ": coordinate " + std::to_string(value) +
                                  " is not a finite float in millimetres",
                              line, column);
                return;
            }
            if (status == CoordinateStatus::out_of_range) {
                report_.error("out-of-range",
                              what + ": coordinate " + std::to_string(value) +
                                  " lies beyond ±1e6 mm after unit conversion",
                              line, column);
                return;
            }
        }
        for (int k = static_cast<int>(Role::nx); k <= static_cast<int>(Role::v); ++k)
            if (!std::isfinite(item.values[k]) ||
                std::abs(item.values[k]) > std::numeric_limits<float>::max()) {
                report_.error("non-finite", what + ": a non-finite normal or texture coordinate",
                              line, column);
                return;
            }
        const auto f = [&](Role r) { return static_cast<float>(item.values[static_cast<int>(r)]); };
        file.positions.insert(file.positions.end(), {f(Role::x), f(Role::y), f(Role::z)});
        if (normals_)
            file.normals.insert(file.normals.end(), {f(Role::nx), f(Role::ny), f(Role::nz)});
        if (uvs_)
            file.texcoords.insert(file.texcoords.end(), {f(Role::u), f(Role::v)});
    }

    void face(const Item& item, int line, int column, const std::string& what) {
        const std::size_t n = item.indices.size();
        corners_.clear();
        for (std::size_t k = 0; k < n; ++k) {
            const double index = item.indices[k];
            if (!(index >= 0.0 && index < static_cast<double>(vertex_count_))) {
                report_.error("bad-index",
                              what + ": corner " + std::to_string(k + 1) + " refers to vertex " +
                                  number_text(index) + " but only " +
                                  std::to_string(vertex_count_) + " are defined (from 0)",
                              line, column);
                return;
            }
            const int v = static_cast<int>(index);
            corners_.push_back({v, uvs_ ? v : -1, normals_ ? v : -1});
        }
        if (report_.errors() == 0)
            append_polygon(file.positions, corners_.data(), n, file.groups.front().corners);
    }

    ObjFile file;

private:
    MeshReporter& report_;
    double mm_per_unit_;
    std::uint64_t vertex_count_;
    bool normals_ = false;
    bool uvs_ = false;
    std::vector<ObjCorner> corners_;
};

std::string bad_face_message(const std::string& what, std::uint64_t n) {
    return what + ": a face needs 3 to " + std::to_string(kMaxFaceCorners) + " corners, found " +
           std::to_string(n);
}

// --- binary bodies

class BinaryBody {
public:
    BinaryBody(std::string_view bytes, std::size_t pos, bool big_endian)
        : bytes_(bytes), pos_(pos), big_(big_endian) {}

    [[nodiscard]] std::size_t pos() const { return pos_; }
    [[nodiscard]] std::size_t left() const { return bytes_.size() - pos_; }

    // Reads one value of type t (the caller checked that it fits).
    double read(Type t) {
        unsigned char b[8];
        const std::size_t n = type_size(t);
        std::memcpy(b, bytes_.data() + pos_, n);
        pos_ += n;
        if (big_)
            for (std::size_t i = 0; i < n / 2; ++i)
                std::swap(b[i], b[n - 1 - i]);
        switch (t) {
        case Type::int8:
            return static_cast<double>(static_cast<std::int8_t>(b[0]));
        case Type::uint8:
            return static_cast<double>(b[0]);
        case Type::int16: {
            std::int16_t v;
            std::memcpy(&v, b, 2);
            return v;
        }
        case Type::uint16: {
            std::uint16_t v;
            std::memcpy(&v, b, 2);
            return v;
        }
        case Type::int32: {
            std::int32_t v;
            std::memcpy(&v, b, 4);
            return v;
        }
        case Type::uint32: {
            std::uint32_t v;
            std::memcpy(&v, b, 4);
            return v;
        }
        case Type::float32: {
            float v;
            std::memcpy(&v, b, 4);
            return static_cast<double>(v);
        }
        case Type::float64: {
            double v;
            std::memcpy(&v, b, 8);
            return v;
        }
        }
        return 0.0;
    }
    void skip(std::size_t n) { pos_ += n; }

private:
    std::string_view bytes_;
    std::size_t pos_;
    bool big_;
};

bool read_binary(std::string_view bytes, const Header& header, const Element* vertex,
                 const Element* face, Builder& builder, MeshReporter& report) {
    BinaryBody body(bytes, header.body, header.format == Format::binary_big);
    Item item;
    for (const Element& e : header.elements) {
        const bool is_vertex = &e == vertex, is_face = &e == face;
        if (e.properties.empty())
            continue; // items of nothing: nothing to read
        for (std::uint64_t i = 0; i < e.count && !report.full(); ++i) {
            const std::size_t item_start = body.pos();
            const auto what = [&]() {
                return e.name + " " + std::to_string(i) + " (byte " + std::to_string(item_start) +
                       ")";
            };
            const auto truncated = [&]() {
                report.error("truncated",
                             "the file ends inside " + what() + " of " + std::to_string(e.count) +
                                 " (the header's count)",
                             e.line, 0);
                return false;
            };
            item.indices.clear();
            bool skip_item = false;
            for (const Property& p : e.properties) {
                if (!p.list) {
                    if (body.left() < type_size(p.type))
                        return truncated();
                    const double value = body.read(p.type);
                    item.values[static_cast<int>(p.role)] = value;
                    continue;
                }
                if (body.left() < type_size(p.count_type))
                    return truncated();
                const double count = body.read(p.count_type);
                if (count < 0) {
                    report.error("syntax", what() + ": a negative list length", e.line, 0);
                    return false;
                }
                const auto n = static_cast<std::uint64_t>(count);
                const std::size_t item_size = type_size(p.type);
                if (n > body.left() / item_size)
                    return truncated();
                if (p.role != Role::indices) {
                    body.skip(n * item_size);
                    continue;
                }
                if (n < 3 || n > kMaxFaceCorners) {
                    report.error("bad-face", bad_face_message(what(), n), e.line, 0);
                    body.skip(n * item_size);
                    skip_item = true;
                    continue;
                }
                for (std::uint64_t k = 0; k < n; ++k)
                    item.indices.push_back(body.read(p.type));
            }
            if (skip_item)
                continue;
            if (is_vertex)
                builder.vertex(item, e.line, 0, what());
            else if (is_face)
                builder.face(item, e.line, 0, what());
        }
        if (report.full())
            return false;
    }
    if (body.left() > 0)
        report.warning("trailing-garbage",
                       "the last " + std::to_string(body.left()) +
                           " bytes follow the header's elements: they are ignored",
                       header.elements.back().line, 0);
    return true;
}

// --- ASCII bodies

class AsciiBody {
public:
    AsciiBody(std::string_view bytes, std::size_t pos, int first_line)
        : bytes_(bytes), pos_(pos), line_(first_line) {}

    // The next token, or nullopt at the end; `line`/`column` where it starts.
    std::optional<std::string_view> next() {
        while (pos_ < bytes_.size() && is_space(bytes_[pos_])) {
            if (bytes_[pos_] == '\n' ||
                (bytes_[pos_] == '\r' && (pos_ + 1 >= bytes_.size() || bytes_[pos_ + 1] != '\n'))) {
                ++line_;
                line_start_ = pos_ + 1;
            }
            ++pos_;
        }
        if (pos_ >= bytes_.size())
            return std::nullopt;
        const std::size_t start = pos_;
        while (pos_ < bytes_.size() && !is_space(bytes_[pos_]))
            ++pos_;
        line = line_;
        column = static_cast<int>(start - line_start_) + 1;
        return bytes_.substr(start, pos_ - start);
    }

    int line = 0;
    int column = 0;

private:
    std::string_view bytes_;
    std::size_t pos_;
    int line_;
    std::size_t line_start_ = 0;
};

bool parse_number(std::string_view text, double& out) {
    if (text.size() > 1 && text[0] == '+' && text[1] != '-')
        text.remove_prefix(1);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (ec == std::errc::result_out_of_range) {
        out = std::numeric_limits<double>::infinity();
        return ptr == end;
    }
    return ec == std::errc() && ptr == end;
}

bool read_ascii(std::string_view bytes, const Header& header, const Element* vertex,
                const Element* face, Builder& builder, MeshReporter& report) {
    AsciiBody body(bytes, header.body, header.body_line);
    Item item;
    const auto number = [&](const Element& e, std::uint64_t i, double& out) {
        const auto token = body.next();
        if (!token) {
            report.error("truncated",
                         "the file ends inside " + e.name + " " + std::to_string(i) + " of " +
                             std::to_string(e.count) + " (the header's count)",
                         body.line, 0);
            return false;
        }
        if (!parse_number(*token, out)) {
            report.error("syntax", quote_text(*token) + " is not a number", body.line, body.column);
            return false;
        }
        return true;
    };
    for (const Element& e : header.elements) {
        const bool is_vertex = &e == vertex, is_face = &e == face;
        if (e.properties.empty())
            continue; // items of nothing: nothing to read
        for (std::uint64_t i = 0; i < e.count && !report.full(); ++i) {
            item.indices.clear();
            int line = 0, column = 0;
            bool skip_item = false;
            for (const Property& p : e.properties) {
                double value = 0.0;
                if (!number(e, i, value))
                    return false;
                if (line == 0) {
                    line = body.line;
                    column = body.column;
                }
                if (!p.list) {
                    item.values[static_cast<int>(p.role)] = value;
                    continue;
                }
                if (!(value >= 0.0) || value != std::floor(value) ||
                    value > static_cast<double>(bytes.size())) {
                    report.error("syntax", "a list length must be a whole number within the file",
                                 body.line, body.column);
                    return false;
                }
                const auto n = static_cast<std::uint64_t>(value);
                const bool bad_face = p.role == Role::indices && (n < 3 || n > kMaxFaceCorners);
                if (bad_face) {
                    report.error("bad-face", bad_face_message(e.name + " " + std::to_string(i), n),
                                 body.line, body.column);
                    skip_item = true;
                }
                for (std::uint64_t k = 0; k < n; ++k) {
                    if (!number(e, i, value))
                        return false;
                    if (p.role == Role::indices && !bad_face) {
                        if (value != std::floor(value)) {
                            std::string message = std::to_string(value);
                            message += " is not a whole vertex number";
                            report.error("bad-index", std::move(message), body.line, body.column);
                            skip_item = true;
                        }
                        item.indices.push_back(value);
                    }
                }
            }
            if (skip_item)
                continue;
            const std::string what = e.name + " " + std::to_string(i);
            if (is_vertex)
                builder.vertex(item, line, column, what);
            else if (is_face)
                builder.face(item, line, column, what);
        }
        if (report.full())
            return false;
    }
    if (body.next())
        report.warning("trailing-garbage",
                       "text after the header's elements is ignored (from here on)", body.line,
                       body.column);
    return true;
}

Result<ObjFile> parse(std::string_view bytes, const std::string& display, double mm_per_unit) {
    Result<ObjFile> result;
    MeshReporter report(display, "ply");
    try {
        std::optional<Header> header = read_header(bytes, report);
        Element* vertex = nullptr;
        Element* face = nullptr;
        if (header && assign_roles(*header, vertex, face, report)) {
            // Every count checked against what is left of the file before anything is allocated.
            std::uint64_t need = 0;
            const std::uint64_t have = bytes.size() - header->body;
            bool fits = true;
            for (const auto& e : header->elements) {
                const std::uint64_t item = min_item_bytes(e, header->format);
                if (item > 0 && (e.count > have / item || need + e.count * item > have)) {
                    report.error("truncated",
                                 "the header claims " + std::to_string(e.count) + " " + e.name +
                                     " items (at least " + std::to_string(item) +
                                     " bytes each) but " + std::to_string(have) +
                                     " bytes follow the header",
                                 e.line, 0);
                    fits = false;
                    break;
                }
                need += e.count * item;
            }
            if (fits) {
                Builder builder(report, mm_per_unit > 0.0 ? mm_per_unit : 1.0, *vertex, *face);
                const bool read = header->format == Format::ascii
                                      ? read_ascii(bytes, *header, vertex, face, builder, report)
                                      : read_binary(bytes, *header, vertex, face, builder, report);
                if (read && report.errors() == 0) {
                    if (builder.file.groups.front().corners.empty())
                        report.error("empty", "the file has no faces", face->line, 0);
                    else
                        result.value = std::move(builder.file);
                }
            }
        }
    } catch (const std::bad_alloc&) {
        report.error("too-large", "not enough memory to read this file");
    } catch (const std::exception& e) {
        report.error("io", std::string("could not read the file: ") + e.what());
    }
    result.diagnostics = report.take();
    if (has_errors(result.diagnostics))
        result.value.reset();
    return result;
}

} // namespace

Result<ObjFile> parse_ply(const std::string& bytes, const std::string& display,
                          double mm_per_unit) {
    return parse(bytes, display, mm_per_unit);
}

Result<ObjFile> read_ply(const fs::path& path, const std::string& display, double mm_per_unit) {
    MeshReporter report(display, "ply");
    std::optional<std::string> bytes = read_mesh_bytes(path, report, "PLY");
    if (!bytes) {
        Result<ObjFile> result;
        result.diagnostics = report.take();
        return result;
    }
    return parse(*bytes, display, mm_per_unit);
}

} // namespace injmap::detail
