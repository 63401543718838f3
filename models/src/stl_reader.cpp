#include "stl_reader.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
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

constexpr std::size_t kBinaryHeader = 84;
constexpr std::size_t kBinaryTriangle = 50;
constexpr std::size_t kMaxFacetVertices = 255;

// Corners at bit-identical positions become one vertex (open addressing on the float bits; -0 is
// taken as +0).
class VertexTable {
public:
    explicit VertexTable(std::size_t expected_vertices) {
        std::size_t capacity = 64;
        while (capacity < 2 * expected_vertices)
            capacity *= 2;
        slots_.assign(capacity, -1);
        mask_ = capacity - 1;
    }

    int add(float x, float y, float z, std::vector<float>& positions) {
        if (x == 0.0f)
            x = 0.0f;
        if (y == 0.0f)
            y = 0.0f;
        if (z == 0.0f)
            z = 0.0f;
        std::uint32_t bits[3];
        std::memcpy(&bits[0], &x, 4);
        std::memcpy(&bits[1], &y, 4);
        std::memcpy(&bits[2], &z, 4);
        std::uint64_t h = bits[0] * 0x9E3779B97F4A7C15ull;
        h ^= bits[1] * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
        h ^= bits[2] * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
        for (std::size_t i = static_cast<std::size_t>(h ^ (h >> 31)) & mask_;;
             i = (i + 1) & mask_) {
            const int slot = slots_[i];
            if (slot < 0) {
                const int index = static_cast<int>(positions.size() / 3);
                positions.insert(positions.end(), {x, y, z});
                slots_[i] = index;
                if (static_cast<std::size_t>(index + 1) * 2 > slots_.size())
                    grow(positions);
                return index;
            }
            const float* p = &positions[static_cast<std::size_t>(slot) * 3];
            if (std::bit_cast<std::uint32_t>(p[0]) == bits[0] &&
                std::bit_cast<std::uint32_t>(p[1]) == bits[1] &&
                std::bit_cast<std::uint32_t>(p[2]) == bits[2])
                return slot; // the same bits: NaN never gets here (refused before)
        }
    }

private:
    void grow(const std::vector<float>& positions) {
        std::vector<int> old;
        old.swap(slots_);
        slots_.assign(old.size() * 2, -1);
        mask_ = slots_.size() - 1;
        for (const int index : old) {
            if (index < 0)
                continue;
            const float* p = &positions[static_cast<std::size_t>(index) * 3];
            std::uint32_t bits[3];
            std::memcpy(bits, p, 12);
            std::uint64_t h = bits[0] * 0x9E3779B97F4A7C15ull;
            h ^= bits[1] * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
            h ^= bits[2] * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
            std::size_t i = static_cast<std::size_t>(h ^ (h >> 31)) & mask_;
            while (slots_[i] >= 0)
                i = (i + 1) & mask_;
            slots_[i] = index;
        }
    }

    std::vector<int> slots_;
    std::size_t mask_ = 0;
};

std::string coordinate_message(const std::string& what, double value, CoordinateStatus status) {
    return what + ": coordinate " + std::to_string(value) +
           (status == CoordinateStatus::non_finite ? " is not a finite float in millimetres"
                                                   : " lies beyond ±1e6 mm after unit conversion");
}

const char* coordinate_rule(CoordinateStatus status) {
    return status == CoordinateStatus::non_finite ? "non-finite" : "out-of-range";
}

// --- binary

void read_binary(std::string_view bytes, std::uint64_t count, double mm_per_unit, ObjFile& file,
                 MeshReporter& report) {
    VertexTable table(static_cast<std::size_t>(count / 2 + 16));
    auto& corners = file.groups.front().corners;
    corners.reserve(static_cast<std::size_t>(count) * 3);
    for (std::uint64_t t = 0; t < count && !report.full(); ++t) {
        const std::size_t offset = kBinaryHeader + static_cast<std::size_t>(t) * kBinaryTriangle;
        float v[9];
        std::memcpy(v, bytes.data() + offset + 12, sizeof v); // after the facet normal
        if constexpr (std::endian::native == std::endian::big) {
            for (float& f : v) {
                unsigned char b[4];
                std::memcpy(b, &f, 4);
                std::swap(b[0], b[3]);
                std::swap(b[1], b[2]);
                std::memcpy(&f, b, 4);
            }
        }
        bool good = true;
        for (int k = 0; k < 9 && good; ++k) {
            const CoordinateStatus status = check_coordinate(v[k], mm_per_unit);
            if (status != CoordinateStatus::ok) {
                report.error(coordinate_rule(status),
                             coordinate_message("triangle " + std::to_string(t) + " (byte " +
                                                    std::to_string(offset) + ")",
                                                v[k], status));
                good = false;
            }
        }
        if (!good || report.errors() > 0)
            continue;
        for (int k = 0; k < 3; ++k)
            corners.push_back(
                {table.add(v[3 * k], v[3 * k + 1], v[3 * k + 2], file.positions), -1, -1});
    }
}

// --- ASCII

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

class Tokens {
public:
    explicit Tokens(std::string_view bytes) : bytes_(bytes) {}

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
    // Skips the rest of the current line (a solid's name).
    void skip_line() {
        while (pos_ < bytes_.size() && bytes_[pos_] != '\n' && bytes_[pos_] != '\r')
            ++pos_;
    }

    int line = 1;
    int column = 1;

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
    int line_ = 1;
    std::size_t line_start_ = 0;
};

std::string quote_text(std::string_view s) {
    std::string out = "'";
    out.append(s.substr(0, 40));
    if (s.size() > 40)
        out += "…";
    out += "'";
    return out;
}

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

void read_ascii(std::string_view bytes, double mm_per_unit, ObjFile& file, MeshReporter& report) {
    Tokens tokens(bytes);
    VertexTable table(bytes.size() / 200 + 16);
    auto& corners = file.groups.front().corners;
    std::vector<ObjCorner> facet;
    const auto expect = [&](std::string_view word) {
        const auto token = tokens.next();
        if (!token) {
            report.error("truncated",
                         "the file ends inside a facet (expected '" + std::string(word) + "')",
                         tokens.line, 0);
            return false;
        }
        if (*token != word) {
            report.error("syntax",
                         "expected '" + std::string(word) + "', found " + quote_text(*token),
                         tokens.line, tokens.column);
            return false;
        }
        return true;
    };
    bool in_solid = false;
    while (!report.full()) {
        const auto token = tokens.next();
        if (!token) {
            if (in_solid)
                report.error("truncated", "the file ends before 'endsolid'", tokens.line, 0);
            return;
        }
        if (!in_solid) {
            if (*token == "solid") {
                in_solid = true;
                tokens.skip_line(); // its name, if any
                continue;
            }
            if (corners.empty()) {
                report.error("syntax", "expected 'solid', found " + quote_text(*token), tokens.line,
                             tokens.column);
                return;
            }
            report.warning("trailing-garbage",
                           "text after the last 'endsolid' is ignored (from here on)", tokens.line,
                           tokens.column);
            return;
        }
        if (*token == "endsolid") {
            in_solid = false;
            tokens.skip_line();
            continue;
        }
        if (*token != "facet") {
            report.error("syntax", "expected 'facet' or 'endsolid', found " + quote_text(*token),
                         tokens.line, tokens.column);
            return;
        }
        const int facet_line = tokens.line;
        // "facet normal nx ny nz": the normal is not used.
        std::optional<std::string_view> word = tokens.next();
        while (word && *word != "outer" && *word != "endfacet")
            word = tokens.next();
        if (!word) {
            report.error("truncated", "the file ends inside a facet", tokens.line, 0);
            return;
        }
        if (*word != "outer") {
            report.error("syntax", "a facet without 'outer loop'", tokens.line, tokens.column);
            return;
        }
        if (!expect("loop"))
            return;
        facet.clear();
        bool good = true;
        for (;;) {
            const auto t = tokens.next();
            if (!t) {
                report.error("truncated", "the file ends inside a facet", tokens.line, 0);
                return;
            }
            if (*t == "endloop")
                break;
            if (*t != "vertex") {
                report.error("syntax", "expected 'vertex' or 'endloop', found " + quote_text(*t),
                             tokens.line, tokens.column);
                return;
            }
            if (facet.size() == kMaxFacetVertices) {
                report.error("syntax",
                             "a facet of more than " + std::to_string(kMaxFacetVertices) +
                                 " vertices",
                             tokens.line, tokens.column);
                return;
            }
            double v[3];
            for (double& value : v) {
                const auto number = tokens.next();
                if (!number) {
                    report.error("truncated", "the file ends inside a vertex", tokens.line, 0);
                    return;
                }
                if (!parse_number(*number, value)) {
                    report.error("syntax", quote_text(*number) + " is not a number", tokens.line,
                                 tokens.column);
                    return;
                }
                const CoordinateStatus status = check_coordinate(value, mm_per_unit);
                if (status != CoordinateStatus::ok && good) {
                    report.error(coordinate_rule(status),
                                 coordinate_message("vertex", value, status), tokens.line,
                                 tokens.column);
                    good = false;
                }
            }
            if (good && report.errors() == 0)
                facet.push_back({table.add(static_cast<float>(v[0]), static_cast<float>(v[1]),
                                           static_cast<float>(v[2]), file.positions),
                                 -1, -1});
        }
        if (!expect("endfacet"))
            return;
        if (!good || report.errors() > 0)
            continue;
        if (facet.size() < 3) {
            report.error("syntax",
                         "a facet needs at least 3 vertices, found " + std::to_string(facet.size()),
                         facet_line, 0);
            continue;
        }
        append_polygon(file.positions, facet.data(), facet.size(), corners);
    }
}

// An ASCII STL: "solid" first, and "facet" or "endsolid" in its first kilobyte (a binary header may
// begin with "solid" too, but its float data does not spell these words).
bool looks_ascii(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && is_space(bytes[i]))
        ++i;
    if (bytes.substr(i, 5) != "solid" || (i + 5 < bytes.size() && !is_space(bytes[i + 5])))
        return false;
    const std::string_view start = bytes.substr(i + 5, 1024);
    return start.find("facet") != std::string_view::npos ||
           start.find("endsolid") != std::string_view::npos || bytes.size() < kBinaryHeader;
}

Result<ObjFile> parse(std::string_view bytes, const std::string& display, double mm_per_unit) {
    Result<ObjFile> result;
    MeshReporter report(display, "stl");
    try {
        ObjFile file;
        file.groups.push_back({kStlGroupName, {}, 1});
        const double scale = mm_per_unit > 0.0 ? mm_per_unit : 1.0;
        std::uint64_t count = 0;
        if (bytes.size() >= kBinaryHeader) {
            std::uint32_t n = 0;
            std::memcpy(&n, bytes.data() + 80, 4);
            if constexpr (std::endian::native == std::endian::big)
                n = ((n & 0xFF) << 24) | ((n & 0xFF00) << 8) | ((n >> 8) & 0xFF00) | (n >> 24);
            count = n;
        }
        const std::uint64_t binary_size = kBinaryHeader + count * kBinaryTriangle;
        if (bytes.empty()) {
            report.error("empty", "the file is empty");
        } else if (bytes.size() >= kBinaryHeader && binary_size == bytes.size()) {
            if (count == 0)
                report.error("empty", "the file has no triangles (its header's count is 0)");
            else
                read_binary(bytes, count, scale, file, report);
        } else if (looks_ascii(bytes)) {
            read_ascii(bytes, scale, file, report);
        } else if (bytes.size() < kBinaryHeader) {
            report.error("truncated",
                         "the file is " + std::to_string(bytes.size()) +
                             " bytes: shorter than a binary STL's 84-byte header, and not an "
                             "ASCII STL (no 'solid' at its start)");
        } else if (binary_size > bytes.size()) {
            report.error("truncated", "the header claims " + std::to_string(count) +
                                          " triangles (" + std::to_string(binary_size) +
                                          " bytes) but the file has " +
                                          std::to_string(bytes.size()) + " bytes");
        } else {
            report.warning("trailing-garbage",
                           "the last " + std::to_string(bytes.size() - binary_size) +
                               " bytes follow the header's " + std::to_string(count) +
                               " triangles: they are ignored");
            if (count == 0)
                report.error("empty", "the file has no triangles (its header's count is 0)");
            else
                read_binary(bytes, count, scale, file, report);
        }
        if (report.errors() == 0 && file.groups.front().corners.empty())
            report.error("empty", "the file has no triangles");
        if (report.errors() == 0)
            result.value = std::move(file);
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

Result<ObjFile> parse_stl(const std::string& bytes, const std::string& display,
                          double mm_per_unit) {
    return parse(bytes, display, mm_per_unit);
}

Result<ObjFile> read_stl(const fs::path& path, const std::string& display, double mm_per_unit) {
    MeshReporter report(display, "stl");
    std::optional<std::string> bytes = read_mesh_bytes(path, report, "STL");
    if (!bytes) {
        Result<ObjFile> result;
        result.diagnostics = report.take();
        return result;
    }
    return parse(*bytes, display, mm_per_unit);
}

} // namespace injmap::detail
