// Times in the session record and in file names (UTC).
#include "injmap/protocols/record_time.hpp"

#include <ctime>

namespace injmap {

using TimePoint = std::chrono::system_clock::time_point;

std::string format_iso8601_utc(TimePoint time) {
    const std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::optional<TimePoint> parse_iso8601_utc(std::string_view text) {
    // Exactly YYYY-MM-DDTHH:MM:SSZ: the form injmap writes.
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t digits, int& out) {
        out = 0;
        for (std::size_t i = at; i < at + digits; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
        !number(14, 2, minute) || !number(17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    // system_clock counts nanoseconds in 64 bits: years past 2262 (or before 1677) overflow it.
    if (year < 1970 || year > 2200)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    // timegm normalises 2024-02-31 to 2024-03-02; a date that does not exist is not a record's.
    std::tm check{};
    ::gmtime_r(&t, &check);
    if (check.tm_mday != day || check.tm_mon != month - 1)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

// "20240501T093000Z": the UTC time in a file name.
std::string utc_stamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return stamp;
}

} // namespace injmap
