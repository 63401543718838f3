#pragma once
// Helpers shared by the session record's sources (session_record.cpp, record_summary.cpp); not API.
#include <filesystem>
#include <string>
#include <string_view>

#include "injmap/diagnostic.hpp"

namespace injmap::detail {

// A record.* error (or warning) on one line: messages quote record text, and JSON strings may
// hold escaped newlines.
[[nodiscard]] Diagnostic record_error(std::string rule, std::string message,
                                      const std::string& file, int line = 0);
[[nodiscard]] Diagnostic record_warning(std::string rule, std::string message,
                                        const std::string& file, int line = 0);

// Writes a whole file durably (temporary file, fsync, rename, fsync of the folder); private to
// the user (0600) like the record.
bool write_record_file(const std::filesystem::path& path, std::string_view text, std::string& err);

// A position in millimetres as the record and the summary write it: rounded to hundredths.
[[nodiscard]] double hundredths(float v);

// The record's file name without ".jsonl": the stem of the files written beside it.
[[nodiscard]] std::string record_stem(const std::filesystem::path& record_path);

} // namespace injmap::detail
