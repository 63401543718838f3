#include "obj_loader.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <istream>
#include <limits>
#include <map>
#include <streambuf>
#include <string_view>
#include <system_error>

#include <tiny_obj_loader.h>

namespace injmap::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxReportedErrors = 50;
constexpr std::size_t kMaxFaceCorners = 255; // tinyobjloader stores corner counts in a byte

// Concatenation without `"literal" + std::string` chains, which trip GCC 12's -Wrestrict false
// positive.
std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (const auto part : parts)
        out.append(part);
    return out;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

// Collects diagnostics for one file, stopping after kMaxReportedErrors errors so a broken
// half-gigabyte file cannot flood the terminal.
class Reporter {
public:
    explicit Reporter(const std::string& file) : file_(file) {}

    void error(std::string rule, std::string message, int line, int column) {
        if (errors_ == kMaxReportedErrors) {
            ++errors_;
            diagnostics_.push_back({Severity::note,
                                    rule,
                                    "further errors in this file are not shown",
                                    {file_, 0, 0},
                                    {}});
            return;
        }
        if (errors_ > kMaxReportedErrors)
            return;
        ++errors_;
        diagnostics_.push_back(
            {Severity::error, std::move(rule), std::move(message), {file_, line, column}, {}});
    }
    void warning(std::string rule, std::string message, int line, int column) {
        diagnostics_.push_back(
            {Severity::warning, std::move(rule), std::move(message), {file_, line, column}, {}});
    }
    [[nodiscard]] bool full() const { return errors_ > kMaxReportedErrors; }
    [[nodiscard]] std::size_t errors() const { return errors_; }
    Diagnostics& diagnostics() { return diagnostics_; }

private:
    std::string file_;
    std::size_t errors_ = 0;
    Diagnostics diagnostics_;
};

struct Token {
    std::string_view text;
    int column = 0; // 1-based
};

std::vector<Token> split_tokens(std::string_view line) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i]))
            ++i;
        if (i >= line.size() || line[i] == '#')
            break;
        const std::size_t start = i;
        while (i < line.size() && !is_space(line[i]))
            ++i;
        tokens.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
    }
    return tokens;
}

enum class NumberStatus { ok, malformed, non_finite };

NumberStatus parse_float(std::string_view text, double& out) {
    if (text.size() > 1 && text[0] == '+' && text[1] != '-')
        text.remove_prefix(1); // from_chars refuses a leading '+', which OBJ writers sometimes emit
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (ec == std::errc::result_out_of_range)
        return NumberStatus::non_finite;
    if (ec != std::errc() || ptr != end)
        return NumberStatus::malformed;
    return std::isfinite(out) ? NumberStatus::ok : NumberStatus::non_finite;
}

bool parse_int(std::string_view text, long long& out) {
    if (text.empty())
        return false;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

// What the scanner learnt besides the errors: where each group's first face is.
struct ScanResult {
    std::map<std::string, int> first_face_line;
    std::size_t faces = 0;
};

// Pass one: checks every v/vt/vn/f line with its location. tinyobjloader silently reads a bad
// number as 0 and only warns about indices out of range, so these checks must come first.
ScanResult scan(std::string_view bytes, double mm_per_unit, Reporter& report) {
    const double max_abs = kMaxCoordinateMm / mm_per_unit; // in the file's units
    ScanResult result;
    long long counts[3] = {0, 0, 0}; // v, vt, vn defined so far
    static constexpr const char* kind_names[3] = {"vertex", "texture coordinate", "normal"};
    std::string group;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= bytes.size() && !report.full()) {
        // LF, CRLF and a lone CR each end a line, exactly as in tinyobjloader's reader: a line
        // this scan checks is the line the reader reads (CR-only files included).
        std::size_t eol = bytes.find_first_of("\r\n", pos);
        if (eol == std::string_view::npos)
            eol = bytes.size();
        const std::string_view line = bytes.substr(pos, eol - pos);
        pos =
            eol + (eol + 1 < bytes.size() && bytes[eol] == '\r' && bytes[eol + 1] == '\n' ? 2 : 1);
        ++line_no;
        if (line.find('\0') != std::string_view::npos) {
            report.error("obj.syntax", "NUL byte in the file: this is not a text OBJ file", line_no,
                         static_cast<int>(line.find('\0')) + 1);
            break;
        }
        const auto tokens = split_tokens(line);
        if (tokens.empty())
            continue;
        const std::string_view key = tokens[0].text;

        if (key == "v" || key == "vt" || key == "vn") {
            const int kind = key == "v" ? 0 : key == "vt" ? 1 : 2;
            const std::size_t min_values = kind == 1 ? 1 : 3;
            const std::size_t max_values = kind == 0 ? 7 : 3; // v may carry w or r g b
            const std::size_t values = tokens.size() - 1;
            if (values < min_values || values > max_values) {
                report.error("obj.syntax",
                             cat({"'", key, "' needs ", std::to_string(min_values),
                                  min_values == max_values ? "" : " to ",
                                  min_values == max_values ? "" : std::to_string(max_values),
                                  " numbers, found ", std::to_string(values)}),
                             line_no, tokens[0].column);
            }
            const std::size_t errors_before = report.errors();
            for (std::size_t i = 1; i < tokens.size() && i <= max_values; ++i) {
                double value = 0.0;
                switch (parse_float(tokens[i].text, value)) {
                case NumberStatus::ok:
                    // Positions (not w, colours, texture coordinates or normals) beyond ±1e6 mm
                    // are refused before any library sees them: far past any body, they only
                    // overflow the geometry code downstream.
                    if (kind == 0 && i <= 3 &&
                        (std::abs(value) > std::numeric_limits<float>::max() ||
                         std::abs(value) * mm_per_unit > std::numeric_limits<float>::max()))
                        report.error("obj.non-finite",
                                     cat({"vertex coordinate '", tokens[i].text,
                                          "' is not a finite float in millimetres"}),
                                     line_no, tokens[i].column);
                    else if (kind == 0 && i <= 3 && !(std::abs(value) <= max_abs))
                        report.error("obj.out-of-range",
                                     cat({"vertex coordinate '", tokens[i].text,
                                          "' lies beyond ±1e6 mm after unit conversion"}),
                                     line_no, tokens[i].column);
                    break;
                case NumberStatus::malformed:
                    report.error("obj.syntax", cat({"'", tokens[i].text, "' is not a number"}),
                                 line_no, tokens[i].column);
                    break;
                case NumberStatus::non_finite:
                    report.error("obj.non-finite",
                                 cat({"non-finite ", kind_names[kind], " coordinate '",
                                      tokens[i].text, "'"}),
                                 line_no, tokens[i].column);
                    break;
                }
                if (report.errors() > errors_before)
                    break; // one finding per line is enough to locate it
            }
            ++counts[kind];
            continue;
        }

        if (key == "o" || key == "g") {
            // Same naming as tinyobjloader: `o` takes the rest of the line, `g` joins its names.
            std::string name;
            for (std::size_t i = 1; i < tokens.size(); ++i)
                name.append(i > 1 ? " " : "").append(tokens[i].text);
            group = name;
            continue;
        }

        if (key != "f")
            continue; // l, p, s, usemtl, mtllib, vp and unknown statements: nothing to check

        const std::size_t corners = tokens.size() - 1;
        if (corners < 3 || corners > kMaxFaceCorners) {
            report.error("obj.syntax",
                         "a face needs 3 to " + std::to_string(kMaxFaceCorners) +
                             " corners, found " + std::to_string(corners),
                         line_no, tokens[0].column);
            continue;
        }
        for (std::size_t c = 1; c < tokens.size(); ++c) {
            const Token& token = tokens[c];
            // "v", "v/vt", "v//vn" or "v/vt/vn"
            std::string_view parts[3];
            int part_count = 0;
            std::size_t start = 0;
            bool too_many = false;
            for (std::size_t i = 0; i <= token.text.size(); ++i) {
                if (i == token.text.size() || token.text[i] == '/') {
                    if (part_count == 3) {
                        too_many = true;
                        break;
                    }
                    parts[part_count++] = token.text.substr(start, i - start);
                    start = i + 1;
                }
            }
            if (too_many || parts[0].empty()) {
                report.error(
                    "obj.syntax",
                    cat({"'", token.text, "' is not a face corner (v, v/vt, v//vn or v/vt/vn)"}),
                    line_no, token.column);
                continue;
            }
            for (int k = 0; k < part_count; ++k) {
                if (k > 0 && parts[k].empty())
                    continue; // "v//vn": no texture coordinate
                long long index = 0;
                if (!parse_int(parts[k], index)) {
                    report.error("obj.syntax",
                                 cat({"'", token.text,
                                      "' is not a face corner (v, v/vt, v//vn or v/vt/vn)"}),
                                 line_no, token.column);
                    break;
                }
                const long long resolved = index < 0 ? counts[k] + index : index - 1;
                if (index == 0 || resolved < 0 || resolved >= counts[k]) {
                    report.error(
                        "obj.bad-index",
                        cat({"face refers to ", kind_names[k], " ", std::to_string(index), " but ",
                             std::to_string(counts[k]), " are defined above this line"}),
                        line_no, token.column);
                }
            }
        }
        ++result.faces;
        result.first_face_line.emplace(trim(group), line_no);
    }
    return result;
}

// A read-only istream over bytes already in memory (no copy of a possibly large file).
class MemoryBuffer : public std::streambuf {
public:
    explicit MemoryBuffer(const std::string& bytes) {
        char* begin = const_cast<char*>(bytes.data()); // never written: this buffer only reads
        setg(begin, begin, begin + bytes.size());
    }
};

int line_in_message(const std::string& message) {
    // tinyobjloader says "(line 12.)" or "line: 12"
    for (std::size_t at = message.find("line"); at != std::string::npos;
         at = message.find("line", at + 4)) {
        std::size_t i = at + 4;
        while (i < message.size() && (message[i] == ' ' || message[i] == ':'))
            ++i;
        int value = 0;
        const auto [ptr, ec] =
            std::from_chars(message.data() + i, message.data() + message.size(), value);
        if (ec == std::errc() && ptr != message.data() + i)
            return value;
    }
    return 0;
}

void report_tinyobj(const std::string& text, bool as_error, Reporter& report) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = text.size();
        const std::string line = trim(std::string_view(text).substr(pos, eol - pos));
        pos = eol + 1;
        if (line.empty() || line == ".")
            continue;
        const std::string message = "OBJ reader: " + line;
        if (as_error)
            report.error("obj.syntax", message, line_in_message(line), 0);
        else
            report.warning("obj.syntax", message, line_in_message(line), 0);
    }
}

float squared_distance(const std::vector<float>& p, int a, int b) {
    const float dx = p[3 * a] - p[3 * b], dy = p[3 * a + 1] - p[3 * b + 1],
                dz = p[3 * a + 2] - p[3 * b + 2];
    return dx * dx + dy * dy + dz * dz;
}

} // namespace

const ObjGroup* ObjFile::find_group(const std::string& name) const {
    for (const auto& g : groups)
        if (g.name == name)
            return &g;
    return nullptr;
}

Result<ObjFile> parse_obj(const std::string& bytes, const std::string& display,
                          double mm_per_unit) {
    Result<ObjFile> result;
    Reporter report(display);
    try {
        const ScanResult scanned = scan(bytes, mm_per_unit > 0.0 ? mm_per_unit : 1.0, report);
        if (report.errors() > 0) {
            result.diagnostics = std::move(report.diagnostics());
            return result;
        }
        if (scanned.faces == 0) {
            report.error("obj.empty", "the file has no faces", 0, 0);
            result.diagnostics = std::move(report.diagnostics());
            return result;
        }

        MemoryBuffer buffer(bytes);
        std::istream stream(&buffer);
        tinyobj::attrib_t attrib;
        std::vector<tinyobj::shape_t> shapes;
        std::vector<tinyobj::material_t> materials;
        std::string warn, err;
        // No material reader: materials are not needed and must not open other files.
        // No triangulation: tinyobjloader's polygon triangulation is done here instead,
        // predictably.
        const bool ok =
            tinyobj::LoadObj(&attrib, &shapes, &materials, &warn, &err, &stream, nullptr,
                             /*triangulate=*/false, /*default_vcols_fallback=*/false);
        report_tinyobj(warn, false, report);
        report_tinyobj(err, true, report);
        if (!ok && report.errors() == 0)
            report.error("obj.syntax", "the OBJ reader could not read this file", 0, 0);
        if (report.errors() > 0) {
            result.diagnostics = std::move(report.diagnostics());
            return result;
        }

        ObjFile file;
        file.positions = std::move(attrib.vertices);
        file.texcoords = std::move(attrib.texcoords);
        file.normals = std::move(attrib.normals);
        const int v_count = static_cast<int>(file.positions.size() / 3);
        const int vt_count = static_cast<int>(file.texcoords.size() / 2);
        const int vn_count = static_cast<int>(file.normals.size() / 3);

        std::map<std::string, std::size_t> by_name;
        for (const auto& shape : shapes) {
            if (shape.mesh.indices.empty())
                continue;
            const std::string name = trim(shape.name);
            auto [it, inserted] = by_name.emplace(name, file.groups.size());
            if (inserted) {
                ObjGroup g;
                g.name = name;
                if (auto line = scanned.first_face_line.find(name);
                    line != scanned.first_face_line.end())
                    g.first_line = line->second;
                file.groups.push_back(std::move(g));
            }
            ObjGroup& group = file.groups[it->second];
            auto corner = [&](const tinyobj::index_t& i) {
                // The scan checked every index; this guards against any disagreement with it.
                ObjCorner c;
                c.v = i.vertex_index >= 0 && i.vertex_index < v_count ? i.vertex_index : -1;
                c.vt = i.texcoord_index >= 0 && i.texcoord_index < vt_count ? i.texcoord_index : -1;
                c.vn = i.normal_index >= 0 && i.normal_index < vn_count ? i.normal_index : -1;
                return c;
            };
            std::size_t offset = 0;
            for (const unsigned char n : shape.mesh.num_face_vertices) {
                if (offset + n > shape.mesh.indices.size())
                    break;
                std::vector<ObjCorner> face;
                face.reserve(n);
                bool valid = n >= 3;
                for (std::size_t k = 0; k < n; ++k) {
                    face.push_back(corner(shape.mesh.indices[offset + k]));
                    valid = valid && face.back().v >= 0;
                }
                offset += n;
                if (!valid)
                    continue;
                if (n == 4 && squared_distance(file.positions, face[1].v, face[3].v) <
                                  squared_distance(file.positions, face[0].v, face[2].v)) {
                    // Split a quad along its shorter diagonal: fewer slivers on curved skin.
                    group.corners.insert(group.corners.end(),
                                         {face[0], face[1], face[3], face[1], face[2], face[3]});
                    continue;
                }
                // Triangles, quads split along 0-2, and larger polygons as a fan (assumed convex).
                for (std::size_t k = 1; k + 1 < n; ++k)
                    group.corners.insert(group.corners.end(), {face[0], face[k], face[k + 1]});
            }
        }
        if (file.groups.empty()) {
            report.error("obj.empty", "the file has no faces", 0, 0);
            result.diagnostics = std::move(report.diagnostics());
            return result;
        }
        result.value = std::move(file);
    } catch (const std::bad_alloc&) {
        report.error("obj.too-large", "not enough memory to read this file", 0, 0);
    } catch (const std::exception& e) {
        report.error("obj.io", std::string("could not read the file: ") + e.what(), 0, 0);
    }
    result.diagnostics = std::move(report.diagnostics());
    if (has_errors(result.diagnostics))
        result.value.reset();
    return result;
}

Result<ObjFile> read_obj(const fs::path& path, const std::string& display, double mm_per_unit) {
    Result<ObjFile> result;
    auto fail = [&](const char* rule, std::string message) {
        result.diagnostics.push_back(
            {Severity::error, rule, std::move(message), {display, 0, 0}, {}});
        return result;
    };
    std::error_code ec;
    if (!fs::exists(path, ec))
        return fail("obj.io", "the mesh file does not exist");
    if (!fs::is_regular_file(path, ec))
        return fail("obj.io", "the mesh path is not a regular file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec)
        return fail("obj.io", "cannot read the mesh file's size: " + ec.message());
    if (size > kMaxObjBytes)
        return fail("obj.too-large", "the mesh file is " + std::to_string(size / (1024 * 1024)) +
                                         " MB; injmap reads OBJ files up to " +
                                         std::to_string(kMaxObjBytes / (1024 * 1024)) + " MB");
    std::string bytes;
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return fail("obj.io", "cannot open the mesh file");
        bytes.resize(static_cast<std::size_t>(size));
        in.read(bytes.data(), static_cast<std::streamsize>(size));
        if (in.gcount() != static_cast<std::streamsize>(size))
            return fail("obj.io", "could not read the whole mesh file");
    } catch (const std::bad_alloc&) {
        return fail("obj.too-large", "not enough memory to read the mesh file");
    } catch (const std::exception& e) {
        return fail("obj.io", std::string("cannot read the mesh file: ") + e.what());
    }
    return parse_obj(bytes, display, mm_per_unit);
}

} // namespace injmap::detail
