#include "injmap/toml_depth.hpp"

namespace injmap {

int find_too_deep_toml_line(std::string_view text, int max_dots) {
    enum class State { normal, comment, basic, literal, ml_basic, ml_literal };
    State state = State::normal;
    int line = 1, dots = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            dots = 0;
            if (state == State::comment || state == State::basic || state == State::literal)
                state = State::normal; // single-line strings cannot span lines (toml++ reports it)
            continue;
        }
        switch (state) {
        case State::normal:
            if (c == '#') {
                state = State::comment;
            } else if (c == '"') {
                state = text.substr(i, 3) == "\"\"\"" ? State::ml_basic : State::basic;
                if (state == State::ml_basic)
                    i += 2;
            } else if (c == '\'') {
                state = text.substr(i, 3) == "'''" ? State::ml_literal : State::literal;
                if (state == State::ml_literal)
                    i += 2;
            } else if (c == '.' && ++dots > max_dots) {
                return line;
            }
            break;
        case State::comment:
            break;
        case State::basic:
            if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                state = State::normal;
            break;
        case State::literal:
            if (c == '\'')
                state = State::normal;
            break;
        case State::ml_basic:
            if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
            else if (text.substr(i, 3) == "\"\"\"") {
                state = State::normal;
                i += 2;
            }
            break;
        case State::ml_literal:
            if (text.substr(i, 3) == "'''") {
                state = State::normal;
                i += 2;
            }
            break;
        }
    }
    return 0;
}

} // namespace injmap
