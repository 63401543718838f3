#pragma once
// The table reader of the protocol and clinical-limits files: typed getters over one table
// (TableView) that record where each key was and report located diagnostics with stable rule ids
// "<prefix>.<kind>" (prefix "protocol", "rules"): unknown-key, missing-key, type, bad-value,
// duplicate-id, too-many-errors. Built on the shared TOML diagnostics toolkit
// (models/include/injmap/toml_diagnostics.hpp: type names, "did you mean", the diagnostics cap,
// the guarded parse). Private to injmap_protocols.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "injmap/diagnostic.hpp"
#include "injmap/protocols/protocol.hpp"
#include "injmap/toml_diagnostics.hpp"
#include "text_util.hpp"

namespace injmap::detail {

inline bool is_id(std::string_view text, bool allow_underscore) {
    if (text.empty() || text.size() > 64)
        return false;
    return std::all_of(text.begin(), text.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
               (allow_underscore && c == '_');
    });
}

template <class E>
using EnumEntry = std::pair<std::string_view, E>;

// One table being read: what to call it in messages, where it is (for missing keys) and where to
// record the locations of the keys read from it.
struct TableView {
    const toml::table* table = nullptr;
    std::string name;     // "[needle]", "site 'corrugator'"
    SourceLocation where; // the table itself
    KeyLocations* locations = nullptr;
    std::string prefix; // prepended to keys in `locations` ("limits.")
};

class Reader : public TomlDiagnostics {
public:
    explicit Reader(std::string file, std::string prefix = "protocol")
        : TomlDiagnostics(std::move(file), std::move(prefix)) {}

    using TomlDiagnostics::check_keys;
    // Unknown keys, each with a suggestion from the allowed ones.
    void check_keys(const TableView& view, std::initializer_list<std::string_view> allowed) {
        check_keys(*view.table, view.name, allowed);
    }

    // The node for `key`, recording where it is; a missing required key is an error at the table.
    const toml::node* node(const TableView& view, std::string_view key, bool required) {
        const toml::node* n = view.table->get(key);
        if (!n) {
            if (required)
                error(prefix() + ".missing-key",
                      "missing required key '" + std::string(key) + "' in " + view.name,
                      view.where);
            return nullptr;
        }
        if (view.locations)
            (*view.locations)[view.prefix + std::string(key)] = loc(n->source());
        return n;
    }

    void type_error(const TableView& view, std::string_view key, const toml::node& n,
                    std::string_view expected) {
        error(prefix() + ".type",
              "'" + std::string(key) + "' in " + view.name + " must be " + std::string(expected) +
                  ", not " + type_name(n),
              loc(n.source()));
    }
    void bad_value(const toml::node& n, std::string message) {
        error(prefix() + ".bad-value", std::move(message), loc(n.source()));
    }

    std::optional<std::string> string(const TableView& view, std::string_view key, bool required) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        if (const auto* s = n->as_string())
            return s->get();
        type_error(view, key, *n, "a string");
        return std::nullopt;
    }

    // Integers and floats both count as numbers; non-finite values are refused.
    std::optional<double> number(const TableView& view, std::string_view key, bool required) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        double value = 0.0;
        if (const auto* i = n->as_integer())
            value = static_cast<double>(i->get());
        else if (const auto* f = n->as_floating_point())
            value = f->get();
        else {
            type_error(view, key, *n, "a number");
            return std::nullopt;
        }
        if (!std::isfinite(value)) {
            bad_value(*n,
                      "'" + std::string(key) + "' in " + view.name + " must be a finite number");
            return std::nullopt;
        }
        return value;
    }

    // A number that must lie in [lo, hi]; out of range is a bad-value error (and nullopt).
    std::optional<double> number_in(const TableView& view, std::string_view key, bool required,
                                    double lo, double hi, bool lo_open = false) {
        auto v = number(view, key, required);
        if (!v)
            return std::nullopt;
        if ((lo_open ? *v <= lo : *v < lo) || *v > hi) {
            std::string range = lo_open ? "greater than " + detail::format_number(lo)
                                        : "at least " + detail::format_number(lo);
            if (hi < 1e300)
                range += " and at most " + detail::format_number(hi);
            bad_value(*view.table->get(key), "'" + std::string(key) + "' in " + view.name + " is " +
                                                 detail::format_number(*v) + "; it must be " +
                                                 range);
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::int64_t> integer_in(const TableView& view, std::string_view key,
                                           bool required, std::int64_t lo, std::int64_t hi) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        const auto* i = n->as_integer();
        if (!i) {
            type_error(view, key, *n, "an integer");
            return std::nullopt;
        }
        if (i->get() < lo || i->get() > hi) {
            bad_value(*n, "'" + std::string(key) + "' in " + view.name + " is " +
                              std::to_string(i->get()) + "; it must be from " + std::to_string(lo) +
                              " to " + std::to_string(hi));
            return std::nullopt;
        }
        return i->get();
    }

    std::optional<bool> boolean(const TableView& view, std::string_view key, bool required) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        if (const auto* b = n->as_boolean())
            return b->get();
        type_error(view, key, *n, "true or false");
        return std::nullopt;
    }

    std::optional<std::vector<std::string>> string_array(const TableView& view,
                                                         std::string_view key, bool required) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        const auto* array = n->as_array();
        if (!array) {
            type_error(view, key, *n, "an array of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool ok = true;
        for (const toml::node& element : *array) {
            if (const auto* s = element.as_string()) {
                out.push_back(s->get());
            } else {
                error(prefix() + ".type",
                      "'" + std::string(key) + "' in " + view.name + " must hold strings, not " +
                          type_name(element),
                      loc(element.source()));
                ok = false;
            }
        }
        if (!ok)
            return std::nullopt;
        return out;
    }

    template <class E, std::size_t N>
    std::optional<E> enumeration(const TableView& view, std::string_view key, bool required,
                                 const EnumEntry<E> (&values)[N]) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return std::nullopt;
        const auto* s = n->as_string();
        if (!s) {
            type_error(view, key, *n, "a string");
            return std::nullopt;
        }
        std::vector<std::string> names;
        for (const auto& [name, value] : values) {
            if (name == s->get())
                return value;
            names.emplace_back(name);
        }
        std::string list;
        for (const auto& name : names)
            list += (list.empty() ? "" : ", ") + name;
        const std::string suggestion = detail::closest_match(s->get(), names);
        bad_value(*n, "'" + std::string(key) + "' in " + view.name + " is '" +
                          std::string(s->get()) + "'; " +
                          (suggestion.empty() ? "" : "did you mean '" + suggestion + "'? ") +
                          "expected one of " + list);
        return std::nullopt;
    }

    const toml::table* table(const TableView& view, std::string_view key, bool required) {
        const toml::node* n = node(view, key, required);
        if (!n)
            return nullptr;
        if (const auto* t = n->as_table())
            return t;
        type_error(view, key, *n, "a table");
        return nullptr;
    }

    // An array whose elements must all be tables (e.g. [[steps]]); non-table elements are type
    // errors.
    std::vector<const toml::table*> table_array(const TableView& view, std::string_view key,
                                                bool required) {
        std::vector<const toml::table*> out;
        const toml::node* n = node(view, key, required);
        if (!n)
            return out;
        const auto* array = n->as_array();
        if (!array) {
            type_error(view, key, *n, "an array of tables ([[" + std::string(key) + "]])");
            return out;
        }
        for (const toml::node& element : *array) {
            if (const auto* t = element.as_table())
                out.push_back(t);
            else
                error(prefix() + ".type",
                      "'" + std::string(key) + "' in " + view.name + " must hold tables, not " +
                          type_name(element),
                      loc(element.source()));
        }
        return out;
    }

    TableView sub(const toml::table& t, std::string name, KeyLocations* locations,
                  std::string key_prefix = {}) const {
        return TableView{&t, std::move(name), loc(t.source()), locations, std::move(key_prefix)};
    }
};

} // namespace injmap::detail
