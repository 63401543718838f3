#pragma once
// Writing whole output files so that a reader (or the user, after a full disk) never finds half a
// file: the bytes go to a temporary file in the same folder, are fsync'ed, and are renamed over
// the target (then the folder is fsync'ed). The one place injmap writes an output file (issue #16
// item 6): PNG, PDF, JSON reports, CSV, session summaries and the protocol's copy all come here.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace injmap::io {

// Writes `bytes` to `path` atomically. An existing target that is not a regular file (a device
// such as /dev/stdout or /dev/full, a FIFO) is written in place instead: it cannot be replaced.
// `mode` is the new file's permission bits before the umask (an existing file's mode is kept).
// False with `reason` set to the system's reason ("No space left on device"); on failure the
// temporary file is removed and an existing target is left as it was.
[[nodiscard]] bool write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                                         std::string& reason, unsigned mode = 0666);
[[nodiscard]] bool write_file_atomically(const std::filesystem::path& path,
                                         std::span<const std::uint8_t> bytes, std::string& reason,
                                         unsigned mode = 0666);

// The pieces, for writers that keep a file open (the session record):
// an owned POSIX descriptor, closed on destruction (or by close(), which reports a failed write);
class UniqueFd {
public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    [[nodiscard]] int get() const { return fd_; }
    // Closes now; false (errno set) when the close reports a failed write.
    bool close();

private:
    int fd_ = -1;
};
// all of `bytes` written (EINTR retried); false with errno set (EIO for a write of nothing);
[[nodiscard]] bool write_all(int fd, std::string_view bytes);
// a folder fsync'ed, so that a file created or renamed in it survives a crash (best effort).
void sync_dir(const std::filesystem::path& dir);

} // namespace injmap::io
