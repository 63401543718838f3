#pragma once
// CSV as RFC 4180 writes it, the one writer and reader of injmap's CSV files (session summaries,
// drill summaries, drill answers).
//
// Writing: a field holding a comma, a double quote, CR or LF is put in double quotes, with its
// inner quotes doubled; any other field is written as it is. Rows end with "\n". Reading: LF, CRLF
// and a lone CR each end a row; a field that begins with a double quote runs to the closing quote
// (commas, line breaks and doubled quotes inside it are text). Text after the closing quote up to
// the next comma is kept as it is. A quote that never closes is an error.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace injmap {

// One field, quoted when it must be.
[[nodiscard]] std::string csv_field(std::string_view text);
// Fields joined by commas, each through csv_field, with the closing "\n".
[[nodiscard]] std::string csv_row(std::initializer_list<std::string_view> fields);
[[nodiscard]] std::string csv_row(const std::vector<std::string>& fields);

struct CsvField {
    std::string text; // without its quotes; doubled quotes made single
    int line = 0;     // 1-based line where the field begins
    int column = 0;   // 1-based byte column where the field begins (its quote, when quoted)
    bool quoted = false;
};

struct CsvRow {
    std::vector<CsvField> fields; // an empty line is one empty field
    int line = 0;                 // 1-based line where the row begins
};

struct CsvParse {
    std::vector<CsvRow> rows;
    // A quote that never closes: where it opened. Rows before it are in `rows`.
    std::optional<CsvField> unterminated;
};

struct CsvReadOptions {
    // Lines whose first character (after spaces and tabs) is this one are skipped whole; '\0':
    // none.
    char comment = '\0';
    // A UTF-8 byte order mark at the very beginning is skipped.
    bool skip_bom = true;
};

[[nodiscard]] CsvParse parse_csv(std::string_view text, const CsvReadOptions& options = {});

} // namespace injmap
