#pragma once
// Helpers shared by the session record's sources (record_format, record_read, session_recorder,
// record_file, record_summary); not API.
#include <filesystem>
#include <optional>
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

// The whole file, at most kMaxRecordBytes; record.io / record.too-large otherwise
// (record_read.cpp).
[[nodiscard]] std::optional<std::string> read_record_bytes(const std::filesystem::path& path,
                                                           Diagnostics& out);

// The record's file name without ".jsonl": the stem of the files written beside it.
[[nodiscard]] std::string record_stem(const std::filesystem::path& record_path);

} // namespace injmap::detail
