#include "rally/common/text.hpp"

#include <gtest/gtest.h>

using rally::invalid_utf8_at;

TEST(InvalidUtf8At, WellFormedTextIsNpos) {
  EXPECT_EQ(invalid_utf8_at(""), std::string_view::npos);
  EXPECT_EQ(invalid_utf8_at("plain ascii"), std::string_view::npos);
  EXPECT_EQ(invalid_utf8_at("Zürich, 東京, \xf0\x9f\x98\x80"), std::string_view::npos);
}

TEST(InvalidUtf8At, NamesTheFirstBadByte) {
  EXPECT_EQ(invalid_utf8_at("ab\x8f"), 2u);            // a continuation byte without a lead
  EXPECT_EQ(invalid_utf8_at("a\xc3"), 1u);             // truncated sequence
  EXPECT_EQ(invalid_utf8_at("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(invalid_utf8_at("x\xed\xa0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(invalid_utf8_at("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(invalid_utf8_at("\xff"), 0u);
}
