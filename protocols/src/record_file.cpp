// The record's file: created exclusively, one writer at a time (flock), lines appended and
// fsync'ed, a damaged tail kept aside before it is cut (RecordFile: session_record.hpp).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "injmap/models/atomic_file.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/protocols/session_record.hpp"
#include "record_util.hpp"

namespace injmap {
namespace fs = std::filesystem;

namespace {

using detail::record_error;
using io::sync_dir;
using io::UniqueFd;
using io::write_all;

std::string errno_text(int err) {
    return std::strerror(err);
}

} // namespace

// -------------------------------------------------------------------------------------------------
// RecordFile

RecordFile::~RecordFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

RecordFile::RecordFile(RecordFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), lines_written_(other.lines_written_) {}

RecordFile& RecordFile::operator=(RecordFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        lines_written_ = other.lines_written_;
    }
    return *this;
}

// -------------------------------------------------------------------------------------------------
// One writer at a time

namespace {

// The pid holding a flock on the file with this device and inode, from /proc/locks (Linux):
// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5447824 0 EOF" (device major:minor in hex). Lines of
// waiters ("1: -> FLOCK ...") are skipped.
std::optional<long> flock_holder(dev_t dev, ino_t ino) {
    std::ifstream in("/proc/locks");
    std::optional<long> inode_only; // a match on the inode alone (e.g. overlay file systems)
    int inode_matches = 0;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string number, type, advisory, mode, pid, where;
        if (!(words >> number >> type) || type != "FLOCK")
            continue;
        if (!(words >> advisory >> mode >> pid >> where))
            continue;
        unsigned long major_id = 0, minor_id = 0;
        unsigned long long inode = 0;
        if (std::sscanf(where.c_str(), "%lx:%lx:%llu", &major_id, &minor_id, &inode) != 3)
            continue;
        char* end = nullptr;
        const long holder = std::strtol(pid.c_str(), &end, 10);
        if (end == pid.c_str() || *end != '\0' || holder <= 0)
            continue;
        if (inode != static_cast<unsigned long long>(ino))
            continue;
        if (major_id == major(dev) && minor_id == minor(dev))
            return holder;
        inode_only = holder;
        ++inode_matches;
    }
    if (inode_matches == 1)
        return inode_only;
    return std::nullopt;
}

std::string holder_words(std::optional<long> pid) {
    return pid ? "process " + std::to_string(*pid) : std::string("another process");
}

// Takes the record's exclusive lock, held as long as `fd` stays open; record.locked naming the
// holder when another descriptor has it.
bool lock_record(int fd, const fs::path& path, Diagnostics& out) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            struct stat st {};
            std::optional<long> holder;
            if (::fstat(fd, &st) == 0)
                holder = flock_holder(st.st_dev, st.st_ino);
            out.push_back(record_error("record.locked",
                                       "the record is open for appending elsewhere (" +
                                           holder_words(holder) +
                                           "); one writer at a time: close it there first",
                                       path.string()));
        } else {
            out.push_back(record_error("record.io", "cannot lock the record: " + errno_text(errno),
                                       path.string()));
        }
        return false;
    }
    return true;
}

} // namespace

std::optional<long> record_lock_holder(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return flock_holder(st.st_dev, st.st_ino);
}

Result<RecordFile> RecordFile::create(const fs::path& path) {
    Result<RecordFile> result;
    std::error_code ec;
    if (!path.parent_path().empty())
        fs::create_directories(path.parent_path(), ec);
    // 0600: a treatment record is nobody else's business.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        result.diagnostics.push_back(
            record_error(err == EEXIST ? "record.exists" : "record.io",
                         err == EEXIST ? "the record already exists (resume it instead)"
                                       : "cannot create: " + errno_text(err),
                         path.string()));
        return result;
    }
    RecordFile file(fd);
    if (!lock_record(fd, path, result.diagnostics))
        return result;
    sync_dir(path.parent_path());
    result.value = std::move(file);
    return result;
}

namespace {

// Copies bytes [from, to) of `fd` to a new file <record>.damaged-<UTC time> (never overwriting:
// -2, -3, ... when that name exists), fsync'ed with its folder. Returns the path, or empty with
// `err` set.
fs::path keep_damaged_tail(int fd, const fs::path& record, std::uintmax_t from, std::uintmax_t to,
                           std::string& err) {
    std::string tail(static_cast<std::size_t>(to - from), '\0');
    std::size_t done = 0;
    while (done < tail.size()) {
        const ssize_t n =
            ::pread(fd, tail.data() + done, tail.size() - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno_text(errno) : "the file got shorter";
            return {};
        }
        done += static_cast<std::size_t>(n);
    }
    const std::string base = record.string() + ".damaged-" + utc_stamp();
    for (int attempt = 1; attempt < 1000; ++attempt) {
        const fs::path path =
            attempt == 1 ? fs::path(base) : fs::path(base + "-" + std::to_string(attempt));
        UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (out.get() < 0) {
            if (errno == EEXIST)
                continue;
            err = errno_text(errno);
            return {};
        }
        if (!write_all(out.get(), tail) || ::fsync(out.get()) != 0) {
            err = errno_text(errno);
            std::error_code ec;
            fs::remove(path, ec);
            return {};
        }
        sync_dir(path.parent_path());
        return path;
    }
    err = "too many damaged-tail files already";
    return {};
}

} // namespace

Result<RecordFile> RecordFile::open_for_append(const fs::path& path, std::uintmax_t valid_bytes,
                                               std::optional<std::uintmax_t> read_bytes) {
    Result<RecordFile> result;
    // Read-write: a damaged tail is read back (and kept) before it is cut.
    const int raw = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (raw < 0) {
        result.diagnostics.push_back(record_error(
            "record.io", "cannot open for appending: " + errno_text(errno), path.string()));
        return result;
    }
    RecordFile file(raw);
    // Locked before anything is looked at or cut: a second writer leaves the file alone.
    if (!lock_record(raw, path, result.diagnostics))
        return result;
    struct stat st {};
    if (::fstat(raw, &st) != 0 || static_cast<std::uintmax_t>(st.st_size) < valid_bytes ||
        (read_bytes && static_cast<std::uintmax_t>(st.st_size) != *read_bytes)) {
        result.diagnostics.push_back(record_error(
            "record.io", "the record changed while it was being resumed", path.string()));
        return result;
    }
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > valid_bytes) {
        // Keep the damaged tail beside the record, then drop it so the next line starts on a
        // fresh line. Nothing is cut unless the copy is safely on disk.
        if (size > kMaxRecordBytes) {
            result.diagnostics.push_back(
                record_error("record.too-large", "the record grew past any session record's size",
                             path.string()));
            return result;
        }
        std::string err;
        const fs::path kept = keep_damaged_tail(raw, path, valid_bytes, size, err);
        if (kept.empty()) {
            result.diagnostics.push_back(record_error(
                "record.io", "cannot keep the damaged last line (nothing was cut): " + err,
                path.string()));
            return result;
        }
        if (::ftruncate(raw, static_cast<off_t>(valid_bytes)) != 0 || ::fsync(raw) != 0) {
            result.diagnostics.push_back(
                record_error("record.io", "cannot cut the damaged last line: " + errno_text(errno),
                             path.string()));
            return result;
        }
        Diagnostic d =
            record_error("record.tail-kept",
                         "the damaged last line (" + std::to_string(size - valid_bytes) +
                             " bytes) was cut off before appending and kept in " + kept.string(),
                         path.string());
        d.severity = Severity::warning;
        result.diagnostics.push_back(std::move(d));
    }
    result.value = std::move(file);
    return result;
}

bool RecordFile::append_line(std::string_view line, std::string& err) {
    if (fd_ < 0) {
        err = "the record is not open";
        return false;
    }
    struct stat st {};
    const bool have_size = ::fstat(fd_, &st) == 0;
    std::string buffer(line);
    buffer += '\n';
    const int nth = test_lines_appended_ + 1;
    if (test_kill_at_ == nth && test_kill_mid_line_) {
        (void)write_all(fd_, std::string_view(buffer).substr(0, buffer.size() / 2));
        ::fsync(fd_);
        std::raise(SIGKILL);
    }
    if (!write_all(fd_, buffer) || ::fsync(fd_) != 0) {
        err = errno_text(errno);
        // Take back a partly written line (e.g. disk full) so later lines stay on their own lines.
        if (have_size && ::ftruncate(fd_, st.st_size) == 0)
            ::fsync(fd_);
        return false;
    }
    ++lines_written_;
    ++test_lines_appended_;
    if (test_kill_at_ == nth)
        std::raise(SIGKILL);
    return true;
}

} // namespace injmap
