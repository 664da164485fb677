#include "rally/common/secret.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace rally {
namespace {

TEST(Secret, ProofIsHmacSha256AsHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(secret_proof("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Secret, NoncesAreFreshHex) {
  auto a = random_nonce();
  auto b = random_nonce();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Secret, ConstantTimeEqualComparesWholeTexts) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

class SecretFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text, mode_t mode) {
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
    return path_;
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_ =
      (std::filesystem::temp_directory_path() / ("rally-secret-" + std::to_string(::getpid()))).string();
};

TEST_F(SecretFile, ReadsTheSecretWithoutTrailingNewline) {
  EXPECT_EQ(read_secret_file(write("correct horse battery staple\n", 0600)), "correct horse battery staple");
}

TEST_F(SecretFile, RefusesAFileOthersMayRead) {
  try {
    read_secret_file(write("correct horse battery staple\n", 0644));
    FAIL() << "a world-readable secret file was accepted";
  } catch (const RallyError& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600 " + path_), std::string::npos) << e.what();
  }
}

TEST_F(SecretFile, RefusesEmptyShortOrMissing) {
  EXPECT_THROW(read_secret_file(write("\n", 0600)), RallyError);
  EXPECT_THROW(read_secret_file(write("short", 0600)), RallyError);
  EXPECT_THROW(read_secret_file(path_ + ".missing"), RallyError);
}

}  // namespace
}  // namespace rally
