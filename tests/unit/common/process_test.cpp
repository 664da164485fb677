#include "rally/common/process.hpp"

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

namespace rally {
namespace {

using namespace std::chrono_literals;

TEST(RunProcess, CapturesOutputAndExitCode) {
  auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
}

TEST(RunProcess, KillsWhatRunsTooLong) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_process({"sleep", "30"}, 1s);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(RunProcess, AMissingProgramIsAnError) { EXPECT_THROW(run_process({"no-such-program-rally"}, 5s), RallyError); }

}  // namespace
}  // namespace rally
