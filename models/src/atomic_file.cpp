#include "injmap/models/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace injmap::io {
namespace fs = std::filesystem;
namespace {

std::string reason_of(int err) {
    return err != 0 ? std::strerror(err) : "write error";
}

// Writes in place: devices and FIFOs, which a rename would replace rather than write to.
bool write_in_place(const fs::path& path, std::string_view bytes, std::string& reason) {
    UniqueFd f(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (f.get() < 0 || !write_all(f.get(), bytes) || !f.close()) {
        reason = reason_of(errno);
        return false;
    }
    return true;
}

} // namespace

UniqueFd::~UniqueFd() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool UniqueFd::close() {
    const int f = fd_;
    fd_ = -1;
    return ::close(f) == 0;
}

bool write_all(int fd, std::string_view bytes) {
    const char* data = bytes.data();
    std::size_t size = bytes.size();
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (n == 0) {
            errno = EIO;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

void sync_dir(const fs::path& dir) {
    UniqueFd d(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.get() >= 0)
        ::fsync(d.get());
}

bool write_file_atomically(const fs::path& path, std::string_view bytes, std::string& reason,
                           unsigned mode) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return write_in_place(path, bytes, reason);

    // A name of our own beside the target: the rename stays within one file system, and two
    // processes writing the same output never share a temporary file.
    static std::atomic<unsigned> counter{0};
    const fs::path dir = path.parent_path();
    // Appended piece by piece: g++ 12 at -O2 warns (-Wrestrict, a false positive) on "." + string.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter++);
    const fs::path tmp = dir.empty() ? fs::path(name) : dir / name;

    const auto fail = [&](int err) {
        reason = reason_of(err);
        ::unlink(tmp.c_str());
        return false;
    };
    {
        UniqueFd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777));
        if (f.get() < 0) {
            reason = reason_of(errno);
            return false;
        }
        if (::stat(path.c_str(), &st) == 0)
            (void)::fchmod(f.get(), st.st_mode & 07777); // an existing output keeps its mode
        if (!write_all(f.get(), bytes) || ::fsync(f.get()) != 0 || !f.close())
            return fail(errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return fail(errno);
    sync_dir(dir); // the rename survives a crash
    return true;
}

bool write_file_atomically(const fs::path& path, std::span<const std::uint8_t> bytes,
                           std::string& reason, unsigned mode) {
    return write_file_atomically(
        path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), reason,
        mode);
}

} // namespace injmap::io
