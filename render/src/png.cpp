#include "injmap/render/png.hpp"

#include <algorithm>
#include <span>
#include <thread>

#include <zlib.h>

#include "injmap/models/atomic_file.hpp"

namespace injmap::render {
namespace {

// zlib level 2: on rendered site maps as small as level 6 within 10 %, at half its time.
constexpr int kDeflateLevel = 2;
// Below this many rows per band the threads cost more than they save.
constexpr int kMinBandRows = 64;

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    out.insert(out.end(), {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                           std::uint8_t(v)});
}

void put_chunk(std::vector<std::uint8_t>& out, const char (&type)[5], const std::uint8_t* data,
               std::size_t size) {
    put_u32(out, std::uint32_t(size));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    if (size > 0)
        out.insert(out.end(), data, data + size);
    put_u32(out, std::uint32_t(crc32(0L, out.data() + start, uInt(out.size() - start))));
}

struct Band {
    std::vector<std::uint8_t> deflated; // raw deflate data (no zlib header)
    uLong adler = 1;
    std::size_t raw_size = 0;
    bool ok = false;
};

// Rows [y0, y1) as filter-less PNG scanlines, deflated. Every band but the last ends with a full
// flush (byte-aligned, no final block), so the bands concatenate into one deflate stream.
void deflate_band(const std::vector<std::uint8_t>& rgba, int width, int channels, int y0, int y1,
                  bool last, Band& band) {
    const std::size_t row = std::size_t(width) * std::size_t(channels);
    std::vector<std::uint8_t> raw((row + 1) * std::size_t(y1 - y0));
    std::uint8_t* out = raw.data();
    for (int y = y0; y < y1; ++y) {
        *out++ = 0; // filter: none
        const std::uint8_t* in = rgba.data() + std::size_t(y) * std::size_t(width) * 4;
        if (channels == 4) {
            out = std::copy_n(in, row, out);
        } else {
            for (int x = 0; x < width; ++x, in += 4, out += 3) {
                out[0] = in[0];
                out[1] = in[1];
                out[2] = in[2];
            }
        }
    }
    band.raw_size = raw.size();
    band.adler = adler32(1L, raw.data(), uInt(raw.size()));

    z_stream z{};
    if (deflateInit2(&z, kDeflateLevel, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return;
    band.deflated.resize(deflateBound(&z, uLong(raw.size())) + 16);
    z.next_in = raw.data();
    z.avail_in = uInt(raw.size());
    z.next_out = band.deflated.data();
    z.avail_out = uInt(band.deflated.size());
    const int status = deflate(&z, last ? Z_FINISH : Z_FULL_FLUSH);
    band.ok = last ? status == Z_STREAM_END : (status == Z_OK && z.avail_in == 0);
    band.deflated.resize(z.total_out);
    deflateEnd(&z);
}

} // namespace

std::vector<std::uint8_t> encode_png(int width, int height, const std::vector<std::uint8_t>& rgba) {
    const std::size_t pixels = std::size_t(std::max(width, 0)) * std::size_t(std::max(height, 0));
    if (width <= 0 || height <= 0 || rgba.size() < pixels * 4)
        return {};
    bool opaque = true;
    for (std::size_t i = 0; i < pixels && opaque; ++i)
        opaque = rgba[i * 4 + 3] == 255;
    const int channels = opaque ? 3 : 4;

    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int bands = std::clamp(height / kMinBandRows, 1, std::min(cores, 8));
    std::vector<Band> parts(static_cast<std::size_t>(bands));
    {
        std::vector<std::jthread> workers;
        for (int b = 0; b < bands; ++b) {
            const int y0 = height * b / bands, y1 = height * (b + 1) / bands;
            const bool last = b == bands - 1;
            if (last)
                deflate_band(rgba, width, channels, y0, y1, true, parts[std::size_t(b)]);
            else
                workers.emplace_back([&, y0, y1, b] {
                    deflate_band(rgba, width, channels, y0, y1, false, parts[std::size_t(b)]);
                });
        }
    }
    std::vector<std::uint8_t> idat = {0x78, 0x01}; // zlib header: deflate, 32K window
    uLong adler = 1;
    for (const Band& part : parts) {
        if (!part.ok)
            return {};
        idat.insert(idat.end(), part.deflated.begin(), part.deflated.end());
        adler = adler32_combine(adler, part.adler, z_off_t(part.raw_size));
    }
    put_u32(idat, std::uint32_t(adler));

    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<std::uint8_t> header;
    put_u32(header, std::uint32_t(width));
    put_u32(header, std::uint32_t(height));
    header.insert(header.end(), {8, std::uint8_t(opaque ? 2 : 6), 0, 0, 0}); // 8-bit RGB(A)
    put_chunk(png, "IHDR", header.data(), header.size());
    put_chunk(png, "IDAT", idat.data(), idat.size());
    put_chunk(png, "IEND", nullptr, 0);
    return png;
}

bool write_png(const std::filesystem::path& path, int width, int height,
               const std::vector<std::uint8_t>& rgba, std::string& error) {
    const auto png = encode_png(width, height, rgba);
    if (png.empty()) {
        error = "no image to write";
        return false;
    }
    // A temporary file renamed into place: a full disk never leaves a truncated image behind.
    std::string reason;
    if (!io::write_file_atomically(path, std::span<const std::uint8_t>(png), reason)) {
        error = "cannot write " + path.string() + ": " + reason;
        return false;
    }
    return true;
}

} // namespace injmap::render
