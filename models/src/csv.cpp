#include "injmap/models/csv.hpp"

namespace injmap {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {
template <typename Fields>
std::string join_row(const Fields& fields) {
    std::string out;
    bool first = true;
    for (const auto& f : fields) {
        if (!first)
            out += ',';
        first = false;
        out += csv_field(f);
    }
    return out + "\n";
}
} // namespace

std::string csv_row(std::initializer_list<std::string_view> fields) {
    return join_row(fields);
}

std::string csv_row(const std::vector<std::string>& fields) {
    return join_row(fields);
}

CsvParse parse_csv(std::string_view text, const CsvReadOptions& options) {
    CsvParse out;
    std::size_t i = 0;
    if (options.skip_bom && text.substr(0, 3) == "\xEF\xBB\xBF")
        i = 3;
    int line = 1;
    std::size_t line_start = 0; // offset of the current line's first byte
    // The end of a line at `i` (CR, LF or CRLF): moves past it and counts it.
    auto end_line = [&]() {
        i += text.substr(i, 2) == "\r\n" ? 2 : 1;
        ++line;
        line_start = i;
    };
    auto column = [&]() { return static_cast<int>(i - line_start) + 1; };
    auto at_line_end = [&]() { return i < text.size() && (text[i] == '\r' || text[i] == '\n'); };

    while (i < text.size()) {
        if (options.comment != '\0') {
            std::size_t j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
                ++j;
            if (j < text.size() && text[j] == options.comment) {
                i = text.find_first_of("\r\n", j);
                if (i == std::string_view::npos)
                    return out;
                end_line();
                continue;
            }
        }
        CsvRow row;
        row.line = line;
        while (true) {
            CsvField field;
            field.line = line;
            field.column = column();
            if (i < text.size() && text[i] == '"') {
                field.quoted = true;
                ++i;
                while (true) {
                    if (i >= text.size()) {
                        out.unterminated = std::move(field);
                        return out;
                    }
                    if (text[i] == '"') {
                        if (text.substr(i, 2) == "\"\"") {
                            field.text += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\r' || text[i] == '\n') {
                        const bool crlf = text.substr(i, 2) == "\r\n";
                        field.text += crlf ? std::string_view("\r\n") : text.substr(i, 1);
                        end_line();
                        continue;
                    }
                    field.text += text[i++];
                }
            }
            // Unquoted text (or text after a closing quote) up to a comma or the line's end.
            while (i < text.size() && text[i] != ',' && !at_line_end())
                field.text += text[i++];
            row.fields.push_back(std::move(field));
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            break;
        }
        out.rows.push_back(std::move(row));
        if (at_line_end())
            end_line();
    }
    return out;
}

} // namespace injmap
