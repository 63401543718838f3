// SHA-256 digests, for the record's hash chain and for noticing that a protocol file changed under
// a record (sha256_hex, file_sha256: session_record.hpp). The digest itself is Nettle's
// (nettle-dev), a well-kept, widely used library, not code of our own.
#include <array>
#include <fstream>

#include <nettle/sha2.h>

#include "injmap/protocols/session_record.hpp"

namespace injmap {
namespace {

class Sha256 {
public:
    Sha256() { sha256_init(&ctx_); }

    void update(const void* data, std::size_t size) {
        sha256_update(&ctx_, size, static_cast<const std::uint8_t*>(data));
    }

    // Lower-case hex of the digest; the object is reset afterwards.
    std::string hex() {
        std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
        sha256_digest(&ctx_, digest.size(), digest.data());
        static constexpr char kDigits[] = "0123456789abcdef";
        std::string out;
        out.reserve(digest.size() * 2);
        for (std::uint8_t b : digest) {
            out += kDigits[b >> 4];
            out += kDigits[b & 0xf];
        }
        return out;
    }

private:
    sha256_ctx ctx_{};
};

} // namespace

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

std::optional<std::string> file_sha256(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    Sha256 h;
    std::array<char, 8192> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        h.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        return std::nullopt;
    return h.hex();
}

} // namespace injmap
