#include "client/gzip.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <gtest/gtest.h>

#include "unit/client/gzip_reference.hpp"

namespace rally::client {
namespace {

namespace asio = boost::asio;
using rally::testing::zlib_gunzip;
using rally::testing::zlib_gzip;

// Text that compresses, but not to nothing: numbered JSON lines with some noise.
std::string sample(std::size_t size, std::uint32_t seed = 1) {
  std::string text;
  std::uint32_t x = seed;
  while (text.size() < size) {
    x = x * 1664525u + 1013904223u;
    text += R"({"id":)" + std::to_string(text.size()) + R"(,"v":)" + std::to_string(x >> 8) + "}\n";
  }
  text.resize(size);
  return text;
}

std::string compress(Gzip& gzip, const std::vector<std::string>& parts) {
  std::vector<asio::const_buffer> pieces;
  std::size_t total = 0;
  for (const auto& p : parts) {
    pieces.emplace_back(p.data(), p.size());
    total += p.size();
  }
  std::string out;
  gzip.compress(pieces, total, out);
  return out;
}

std::string concat(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts) all += p;
  return all;
}

void expect_round_trip(const std::vector<std::string>& parts) {
  Gzip gzip;
  auto compressed = compress(gzip, parts);
  auto original = concat(parts);
  ASSERT_GE(compressed.size(), 18u);  // a gzip header and trailer at least
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  EXPECT_EQ(compressed[2], 8);  // deflate
  EXPECT_EQ(zlib_gunzip(compressed), original);
  std::string by_gzip;
  ASSERT_TRUE(gzip.decompress(compressed, by_gzip));
  EXPECT_EQ(by_gzip, original);
}

TEST(Gzip, OneBufferRoundTrips) { expect_round_trip({sample(10'000)}); }

TEST(Gzip, ManySmallBuffersRoundTrip) {
  std::vector<std::string> parts;
  auto text = sample(200'000);
  for (std::size_t pos = 0; pos < text.size(); pos += 7) parts.push_back(text.substr(pos, 7));
  expect_round_trip(parts);
}

TEST(Gzip, OneBigBufferRoundTrips) { expect_round_trip({sample(8 << 20)}); }

TEST(Gzip, IncompressibleInputRoundTrips) {
  // Random bytes make deflate's output larger than its input: the bound must hold.
  std::string noise(1 << 20, '\0');
  std::uint64_t x = 88172645463325252ull;
  for (auto& c : noise) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  std::vector<std::string> parts;
  for (std::size_t pos = 0; pos < noise.size(); pos += 3) parts.push_back(noise.substr(pos, 3));
  expect_round_trip(parts);
  expect_round_trip({noise});
}

TEST(Gzip, EmptyInputRoundTrips) {
  expect_round_trip({});
  expect_round_trip({""});
  expect_round_trip({"", "", ""});
}

TEST(Gzip, EmptyPiecesAmongOthers) { expect_round_trip({"", "abc", "", "def", ""}); }

TEST(Gzip, DecompressesWhatZlibWrote) {
  Gzip gzip;
  for (auto size : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{3} << 20}) {
    SCOPED_TRACE(size);
    auto original = sample(size, static_cast<std::uint32_t>(size));
    std::string out = "stale";
    ASSERT_TRUE(gzip.decompress(zlib_gzip(original), out));
    EXPECT_EQ(out, original);
  }
}

TEST(Gzip, HighlyCompressedInputGrowsTheOutput) {
  // 16 MB of one byte compresses about 1000:1: the output must grow many times.
  std::string original(16 << 20, 'a');
  Gzip gzip;
  std::string out;
  ASSERT_TRUE(gzip.decompress(zlib_gzip(original, 9), out));
  EXPECT_EQ(out, original);
}

TEST(Gzip, TruncatedInputIsRejected) {
  auto compressed = zlib_gzip(sample(50'000));
  Gzip gzip;
  std::string out;
  for (std::size_t cut : {compressed.size() - 1, compressed.size() - 4, compressed.size() - 8, compressed.size() / 2,
                          std::size_t{10}, std::size_t{1}, std::size_t{0}}) {
    SCOPED_TRACE(cut);
    EXPECT_FALSE(gzip.decompress(std::string_view(compressed).substr(0, cut), out));
  }
}

TEST(Gzip, CorruptInputIsRejected) {
  auto original = sample(50'000);
  auto compressed = zlib_gzip(original);
  Gzip gzip;
  std::string out;
  auto bad_crc = compressed;
  bad_crc[bad_crc.size() - 6] ^= 0x55;  // inside the CRC32 of the trailer
  EXPECT_FALSE(gzip.decompress(bad_crc, out));
  auto bad_length = compressed;
  bad_length[bad_length.size() - 2] ^= 0x01;  // inside ISIZE
  EXPECT_FALSE(gzip.decompress(bad_length, out));
  auto bad_header = compressed;
  bad_header[0] = 'x';
  EXPECT_FALSE(gzip.decompress(bad_header, out));
  EXPECT_FALSE(gzip.decompress("this is not compressed at all", out));
  // Flipping bits in the deflate data is caught by the stream or by the CRC.
  for (std::size_t pos : {std::size_t{20}, compressed.size() / 3, compressed.size() / 2}) {
    auto flipped = compressed;
    flipped[pos] ^= 0xff;
    EXPECT_FALSE(gzip.decompress(flipped, out)) << pos;
  }
}

TEST(Gzip, OneObjectServesManyRequestsAndSurvivesErrors) {
  Gzip gzip;
  std::string compressed, out;
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    auto original = sample(static_cast<std::size_t>(round) * 3'001 % 70'000, static_cast<std::uint32_t>(round));
    std::array<asio::const_buffer, 2> pieces{
        asio::buffer(original.data(), original.size() / 2),
        asio::buffer(original.data() + original.size() / 2, original.size() - original.size() / 2)};
    gzip.compress(pieces, original.size(), compressed);
    EXPECT_EQ(zlib_gunzip(compressed), original);
    ASSERT_TRUE(gzip.decompress(compressed, out));
    EXPECT_EQ(out, original);
    if (round % 3 == 0) {  // a failed decompression leaves the object usable
      EXPECT_FALSE(gzip.decompress(std::string_view(compressed).substr(0, compressed.size() / 2), out));
    }
  }
}

TEST(Gzip, CompressReplacesTheOutput) {
  Gzip gzip;
  std::string out(1 << 20, 'z');  // large leftovers from an earlier, bigger body
  std::array<asio::const_buffer, 1> piece{asio::buffer("small", 5)};
  gzip.compress(piece, 5, out);
  EXPECT_EQ(zlib_gunzip(out), "small");
}

}  // namespace
}  // namespace rally::client
