#include "rally/common/bytes.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rally {
namespace {

constexpr std::uint64_t kTwoTo63 = std::uint64_t{1} << 63;

std::string varint_bytes(std::uint64_t v) {
  ByteWriter w;
  w.varint(v);
  return w.take();
}

TEST(Bytes, VarintEncodedSizes) {
  EXPECT_EQ(varint_bytes(0), std::string(1, '\0'));
  EXPECT_EQ(varint_bytes(127), std::string(1, '\x7f'));
  EXPECT_EQ(varint_bytes(128), std::string("\x80\x01", 2));
  EXPECT_EQ(varint_bytes(16383).size(), 2u);
  EXPECT_EQ(varint_bytes(16384).size(), 3u);
  EXPECT_EQ(varint_bytes(kTwoTo63).size(), 10u);
  EXPECT_EQ(varint_bytes(std::numeric_limits<std::uint64_t>::max()).size(), 10u);
}

TEST(Bytes, VarintRoundTripOfEdgeValues) {
  const std::vector<std::uint64_t> values = {0,
                                             1,
                                             127,
                                             128,
                                             255,
                                             16383,
                                             16384,
                                             kTwoTo63 - 1,
                                             kTwoTo63,
                                             kTwoTo63 + 1,
                                             std::numeric_limits<std::uint64_t>::max()};
  ByteWriter w;
  for (auto v : values) w.varint(v);
  auto blob = w.take();
  ByteReader r(blob);
  for (auto v : values) EXPECT_EQ(r.varint(), v);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, SvarintRoundTripIncludingNegatives) {
  const std::vector<std::int64_t> values = {0,
                                            1,
                                            -1,
                                            63,
                                            -64,
                                            64,
                                            -65,
                                            1'000'000'000'000,
                                            -1'000'000'000'000,
                                            std::numeric_limits<std::int64_t>::max(),
                                            std::numeric_limits<std::int64_t>::min()};
  ByteWriter w;
  for (auto v : values) w.svarint(v);
  auto blob = w.take();
  ByteReader r(blob);
  for (auto v : values) EXPECT_EQ(r.svarint(), v);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, SvarintUsesZigZagSoSmallNegativesAreShort) {
  ByteWriter w;
  w.svarint(-1);
  w.svarint(-64);
  EXPECT_EQ(w.take(), std::string("\x01\x7f", 2));
}

TEST(Bytes, F64RoundTripIsBitExact) {
  const std::vector<double> values = {0.0,
                                      -0.0,
                                      1.5,
                                      -2.25e-300,
                                      6.02e23,
                                      std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::denorm_min()};
  ByteWriter w;
  for (auto v : values) w.f64(v);
  w.f64(std::nan(""));
  auto blob = w.take();
  EXPECT_EQ(blob.size(), (values.size() + 1) * sizeof(double));
  ByteReader r(blob);
  for (auto v : values) {
    auto got = r.f64();
    EXPECT_EQ(got, v);
    EXPECT_EQ(std::signbit(got), std::signbit(v));
  }
  EXPECT_TRUE(std::isnan(r.f64()));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, BytesRoundTripIncludingEmptyAndBinary) {
  const std::string binary("a\0b\xff", 4);
  const std::string big(300, 'x');  // length needs a two-byte varint
  ByteWriter w;
  w.bytes("");
  w.bytes(binary);
  w.bytes(big);
  auto blob = w.take();
  ByteReader r(blob);
  EXPECT_EQ(r.bytes(), "");
  EXPECT_EQ(r.bytes(), binary);
  EXPECT_EQ(r.bytes(), big);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, MixedRecordRoundTrip) {
  ByteWriter w;
  w.varint(42);
  w.svarint(-7);
  w.f64(3.5);
  w.bytes("payload");
  w.varint(kTwoTo63);
  auto blob = w.take();
  ByteReader r(blob);
  EXPECT_EQ(r.varint(), 42u);
  EXPECT_EQ(r.svarint(), -7);
  EXPECT_EQ(r.f64(), 3.5);
  EXPECT_EQ(r.bytes(), "payload");
  EXPECT_EQ(r.varint(), kTwoTo63);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

// Reads the record of MixedRecordRoundTrip; true only if every read succeeded.
bool read_mixed(std::string_view blob) {
  ByteReader r(blob);
  (void)r.varint();
  (void)r.svarint();
  (void)r.f64();
  (void)r.bytes();
  (void)r.varint();
  return r.ok();
}

TEST(Bytes, EveryTruncationFails) {
  ByteWriter w;
  w.varint(42);
  w.svarint(-7);
  w.f64(3.5);
  w.bytes("payload");
  w.varint(kTwoTo63);
  auto blob = w.take();
  ASSERT_TRUE(read_mixed(blob));
  for (std::size_t len = 0; len < blob.size(); ++len) {
    EXPECT_FALSE(read_mixed(std::string_view(blob).substr(0, len))) << "prefix of " << len << " bytes";
  }
}

TEST(Bytes, TruncatedVarintFails) {
  auto blob = varint_bytes(kTwoTo63);
  ByteReader r(std::string_view(blob).substr(0, blob.size() - 1));
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(Bytes, EmptyInputFailsEveryRead) {
  ByteReader a("");
  (void)a.varint();
  EXPECT_FALSE(a.ok());
  ByteReader b("");
  (void)b.f64();
  EXPECT_FALSE(b.ok());
  ByteReader c("");
  EXPECT_TRUE(c.bytes().empty());
  EXPECT_FALSE(c.ok());
}

TEST(Bytes, VarintLongerThanTenBytesFails) {
  const std::string overlong = std::string(11, '\x80') + std::string(1, '\0');
  ByteReader r(overlong);
  (void)r.varint();
  EXPECT_FALSE(r.ok());
}

TEST(Bytes, BytesLengthBeyondInputFails) {
  ByteWriter w;
  w.varint(10);  // claims ten bytes
  auto blob = w.take() + "abc";
  ByteReader r(blob);
  EXPECT_TRUE(r.bytes().empty());
  EXPECT_FALSE(r.ok());
}

TEST(Bytes, HugeBytesLengthFailsWithoutOverflow) {
  ByteWriter w;
  w.varint(std::numeric_limits<std::uint64_t>::max());
  auto blob = w.take() + "abc";
  ByteReader r(blob);
  EXPECT_TRUE(r.bytes().empty());
  EXPECT_FALSE(r.ok());
}

TEST(Bytes, AfterAFailureEveryReadFailsAndReturnsZero) {
  ByteWriter w;
  w.bytes("xyz");
  w.varint(5);
  auto blob = w.take();
  ByteReader r(std::string_view(blob).substr(0, 2));  // length 3 but only 1 byte follows
  EXPECT_TRUE(r.bytes().empty());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_EQ(r.svarint(), 0);
  EXPECT_EQ(r.f64(), 0.0);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, AtEndOnlyAfterTheLastByte) {
  auto blob = varint_bytes(1) + varint_bytes(2);
  ByteReader r(blob);
  EXPECT_FALSE(r.at_end());
  EXPECT_EQ(r.varint(), 1u);
  EXPECT_FALSE(r.at_end());
  EXPECT_EQ(r.varint(), 2u);
  EXPECT_TRUE(r.at_end());
  EXPECT_TRUE(r.ok());
}

}  // namespace
}  // namespace rally
