#include "obj_loader.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "mesh_reader_support.hpp"

namespace injmap::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFaceCorners = 255;

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

// A byte no text OBJ holds: NUL, a C0 control other than tab, line ends, VT and FF, or DEL.
bool is_binary(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') || u == 0x7f;
}

std::string hex_byte(char c) {
    static constexpr char digits[] = "0123456789ABCDEF";
    const auto u = static_cast<unsigned char>(c);
    return {'0', 'x', digits[u >> 4], digits[u & 15]};
}

struct Token {
    std::string_view text;
    int column = 0; // 1-based
};

// Splits a line into tokens (into `tokens`, reused: no allocation per line); a '#' at the start of
// a token starts a comment.
void split_tokens(std::string_view line, std::vector<Token>& tokens) {
    tokens.clear();
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

// Whether some line after `from` is an OBJ statement (v, vt, vn, f, g, o) of plain text: binary
// bytes followed by such lines are damage in the middle of a file, not garbage at its end.
bool statement_follows(std::string_view bytes, std::size_t from) {
    std::size_t pos = bytes.find_first_of("\r\n", from);
    while (pos != std::string_view::npos && pos < bytes.size()) {
        std::size_t start = pos + 1;
        std::size_t eol = bytes.find_first_of("\r\n", start);
        if (eol == std::string_view::npos)
            eol = bytes.size();
        std::string_view line = bytes.substr(start, eol - start);
        pos = eol;
        bool binary = false;
        for (const char c : line)
            binary = binary || is_binary(c);
        if (binary)
            continue;
        while (!line.empty() && is_space(line.front()))
            line.remove_prefix(1);
        for (const std::string_view key : {"v", "vt", "vn", "f", "g", "o"})
            if (line.size() > key.size() && line.substr(0, key.size()) == key &&
                is_space(line[key.size()]))
                return true;
        if (eol == bytes.size())
            break;
    }
    return false;
}

// The one pass over the bytes: every line is checked with its location (malformed or non-finite
// numbers, coordinates out of range, face indices not defined above, faces of fewer than 3 or
// more than 255 corners) and its data kept.
class ObjParser {
public:
    ObjParser(MeshReporter& report, double mm_per_unit)
        : report_(report), mm_per_unit_(mm_per_unit) {}

    void parse(std::string_view bytes);

    ObjFile file;
    std::size_t faces = 0;
    // The first `mtllib` statement: its line and the names it gives.
    int mtllib_line = 0;
    int mtllib_column = 0;
    std::vector<std::string> mtllib_names;

private:
    void line(std::string_view text, int line_no);
    void vertex_line(int kind, int line_no);
    void face_line(int line_no);
    ObjGroup& current_group(int line_no);

    MeshReporter& report_;
    double mm_per_unit_;
    std::vector<Token> tokens_;
    std::vector<ObjCorner> face_;
    long long counts_[3] = {0, 0, 0}; // v, vt, vn defined so far
    std::string group_name_;
    std::size_t group_index_ = std::numeric_limits<std::size_t>::max(); // of group_name_, if known
    std::unordered_map<std::string, std::size_t> by_name_;
};

constexpr const char* kKindNames[3] = {"vertex", "texture coordinate", "normal"};

void ObjParser::parse(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
        bytes.remove_prefix(3); // a UTF-8 byte order mark, as some Windows tools write
    int line_no = 0;
    std::size_t pos = 0;
    const std::size_t size = bytes.size();
    while (pos <= size && !report_.full()) {
        // LF, CRLF and a lone CR each end a line.
        std::size_t eol = pos;
        std::size_t binary_at = std::string_view::npos;
        while (eol < size) {
            const char c = bytes[eol];
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                if (c == '\n' || c == '\r')
                    break;
                if (is_binary(c)) {
                    binary_at = eol;
                    break;
                }
            }
            ++eol;
        }
        ++line_no;
        if (binary_at != std::string_view::npos) {
            const int column = static_cast<int>(binary_at - pos) + 1;
            if (statement_follows(bytes, binary_at)) {
                report_.error("syntax",
                              cat({"binary byte ", hex_byte(bytes[binary_at]),
                                   " in the middle of the file: this is not a text OBJ file"}),
                              line_no, column);
                return;
            }
            report_.warning("trailing-garbage",
                            cat({"the last ", std::to_string(size - binary_at),
                                 " bytes of the file are not text (from byte ",
                                 hex_byte(bytes[binary_at]), " on): they are ignored"}),
                            line_no, column);
            line(bytes.substr(pos, binary_at - pos), line_no);
            return;
        }
        line(bytes.substr(pos, eol - pos), line_no);
        pos = eol + (eol + 1 < size && bytes[eol] == '\r' && bytes[eol + 1] == '\n' ? 2 : 1);
    }
}

void ObjParser::line(std::string_view text, int line_no) {
    split_tokens(text, tokens_);
    if (tokens_.empty())
        return;
    const std::string_view key = tokens_[0].text;
    if (key == "v") {
        vertex_line(0, line_no);
    } else if (key == "f") {
        face_line(line_no);
    } else if (key == "vt") {
        vertex_line(1, line_no);
    } else if (key == "vn") {
        vertex_line(2, line_no);
    } else if (key == "o" || key == "g") {
        // `g` may give several names: they are joined with one space.
        std::string name;
        for (std::size_t i = 1; i < tokens_.size(); ++i)
            name.append(i > 1 ? " " : "").append(tokens_[i].text);
        name = trim(name);
        if (name != group_name_) {
            group_name_ = std::move(name);
            group_index_ = std::numeric_limits<std::size_t>::max();
        }
    } else if (key == "mtllib" && mtllib_line == 0 && tokens_.size() > 1) {
        mtllib_line = line_no;
        mtllib_column = tokens_[1].column;
        for (std::size_t i = 1; i < tokens_.size(); ++i)
            mtllib_names.emplace_back(tokens_[i].text);
    }
    // l, p, s, usemtl, vp and unknown statements: nothing to read.
}

void ObjParser::vertex_line(int kind, int line_no) {
    const std::size_t min_values = kind == 1 ? 1 : 3;
    const std::size_t max_values = kind == 0 ? 7 : 3; // v may carry w or r g b
    const std::size_t values = tokens_.size() - 1;
    if (values < min_values || values > max_values) {
        report_.error("syntax",
                      cat({"'", tokens_[0].text, "' needs ", std::to_string(min_values),
                           min_values == max_values ? "" : " to ",
                           min_values == max_values ? "" : std::to_string(max_values),
                           " numbers, found ", std::to_string(values)}),
                      line_no, tokens_[0].column);
    }
    const std::size_t errors_before = report_.errors();
    double read[3] = {0.0, 0.0, 0.0};
    for (std::size_t i = 1; i < tokens_.size() && i <= max_values; ++i) {
        double value = 0.0;
        switch (parse_float(tokens_[i].text, value)) {
        case NumberStatus::ok:
            // Positions (not w, colours, texture coordinates or normals) beyond ±1e6 mm are
            // refused: far past any body, they only overflow the geometry code downstream.
            if (kind == 0 && i <= 3) {
                const CoordinateStatus status = check_coordinate(value, mm_per_unit_);
                if (status == CoordinateStatus::non_finite)
                    report_.error("non-finite",
                                  cat({"vertex coordinate '", tokens_[i].text,
                                       "' is not a finite float in millimetres"}),
                                  line_no, tokens_[i].column);
                else if (status == CoordinateStatus::out_of_range)
                    report_.error("out-of-range",
                                  cat({"vertex coordinate '", tokens_[i].text,
                                       "' lies beyond ±1e6 mm after unit conversion"}),
                                  line_no, tokens_[i].column);
            }
            if (i <= 3)
                read[i - 1] = value;
            break;
        case NumberStatus::malformed:
            report_.error("syntax", cat({"'", tokens_[i].text, "' is not a number"}), line_no,
                          tokens_[i].column);
            break;
        case NumberStatus::non_finite:
            report_.error(
                "non-finite",
                cat({"non-finite ", kKindNames[kind], " coordinate '", tokens_[i].text, "'"}),
                line_no, tokens_[i].column);
            break;
        }
        if (report_.errors() > errors_before)
            break; // one finding per line is enough to locate it
    }
    ++counts_[kind];
    if (report_.errors() > 0)
        return; // the data is not kept once the file is refused
    switch (kind) {
    case 0:
        file.positions.insert(file.positions.end(),
                              {static_cast<float>(read[0]), static_cast<float>(read[1]),
                               static_cast<float>(read[2])});
        break;
    case 1:
        file.texcoords.insert(file.texcoords.end(),
                              {static_cast<float>(read[0]), static_cast<float>(read[1])});
        break;
    default:
        file.normals.insert(file.normals.end(),
                            {static_cast<float>(read[0]), static_cast<float>(read[1]),
                             static_cast<float>(read[2])});
        break;
    }
}

ObjGroup& ObjParser::current_group(int line_no) {
    if (group_index_ == std::numeric_limits<std::size_t>::max()) {
        auto [it, inserted] = by_name_.emplace(group_name_, file.groups.size());
        if (inserted) {
            ObjGroup g;
            g.name = group_name_;
            g.first_line = line_no;
            file.groups.push_back(std::move(g));
        }
        group_index_ = it->second;
    }
    return file.groups[group_index_];
}

void ObjParser::face_line(int line_no) {
    const std::size_t corners = tokens_.size() - 1;
    if (corners < 3 || corners > kMaxFaceCorners) {
        report_.error("syntax",
                      "a face needs 3 to " + std::to_string(kMaxFaceCorners) + " corners, found " +
                          std::to_string(corners),
                      line_no, tokens_[0].column);
        return;
    }
    face_.clear();
    for (std::size_t c = 1; c < tokens_.size(); ++c) {
        const Token& token = tokens_[c];
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
            report_.error(
                "syntax",
                cat({"'", token.text, "' is not a face corner (v, v/vt, v//vn or v/vt/vn)"}),
                line_no, token.column);
            continue;
        }
        int resolved_index[3] = {-1, -1, -1};
        for (int k = 0; k < part_count; ++k) {
            if (k > 0 && parts[k].empty())
                continue; // "v//vn": no texture coordinate
            long long index = 0;
            if (!parse_int(parts[k], index)) {
                report_.error(
                    "syntax",
                    cat({"'", token.text, "' is not a face corner (v, v/vt, v//vn or v/vt/vn)"}),
                    line_no, token.column);
                break;
            }
            const long long resolved = index < 0 ? counts_[k] + index : index - 1;
            if (index == 0 || resolved < 0 || resolved >= counts_[k]) {
                report_.error(
                    "bad-index",
                    cat({"face refers to ", kKindNames[k], " ", std::to_string(index), " but ",
                         std::to_string(counts_[k]), " are defined above this line"}),
                    line_no, token.column);
                continue;
            }
            resolved_index[k] = static_cast<int>(resolved);
        }
        face_.push_back({resolved_index[0], resolved_index[1], resolved_index[2]});
    }
    ++faces;
    if (report_.errors() > 0)
        return; // nothing is kept once the file is refused
    ObjGroup& group = current_group(line_no);
    append_polygon(file.positions, face_.data(), face_.size(), group.corners);
}

void check_materials(const ObjParser& parser, const fs::path& folder, MeshReporter& report) {
    if (parser.mtllib_line == 0)
        return;
    for (const auto& name : parser.mtllib_names) {
        std::error_code ec;
        if (fs::exists(folder / name, ec))
            continue;
        // One warning per file, whatever the number of libraries named.
        report.warning("material",
                       cat({"material library '", name,
                            "' is not next to the mesh (injmap does not use materials: the skin "
                            "is drawn in its own tones)"}),
                       parser.mtllib_line, parser.mtllib_column);
        return;
    }
}

Result<ObjFile> parse(const std::string& bytes, const std::string& display, double mm_per_unit,
                      const fs::path* folder) {
    Result<ObjFile> result;
    MeshReporter report(display, "obj");
    try {
        ObjParser parser(report, mm_per_unit > 0.0 ? mm_per_unit : 1.0);
        parser.parse(bytes);
        if (report.errors() == 0 && (parser.faces == 0 || parser.file.groups.empty()))
            report.error("empty", "the file has no faces");
        if (folder)
            check_materials(parser, *folder, report);
        if (report.errors() == 0)
            result.value = std::move(parser.file);
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

const ObjGroup* ObjFile::find_group(const std::string& name) const {
    for (const auto& g : groups)
        if (g.name == name)
            return &g;
    return nullptr;
}

Result<ObjFile> parse_obj(const std::string& bytes, const std::string& display,
                          double mm_per_unit) {
    return parse(bytes, display, mm_per_unit, nullptr);
}

Result<ObjFile> read_obj(const fs::path& path, const std::string& display, double mm_per_unit) {
    MeshReporter report(display, "obj");
    std::optional<std::string> bytes = read_mesh_bytes(path, report, "OBJ");
    if (!bytes) {
        Result<ObjFile> result;
        result.diagnostics = report.take();
        return result;
    }
    const fs::path folder = path.parent_path();
    return parse(*bytes, display, mm_per_unit, &folder);
}

} // namespace injmap::detail
