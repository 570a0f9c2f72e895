// Running an adapter as a separate process: stdout, stderr and the exit
// code pass through unchanged; a missing or non-executable program is an
// error of its own category; a background grandchild holding the pipes
// does not keep the caller waiting.
#include "adapters/openclaw/adapter_process.h"

#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/openclaw/testing/openclaw_testing.h"

namespace xs::adapters::openclaw {
namespace {

struct Outcome {
  Result<int> code;
  std::string out, err;
};

Outcome Sh(const std::string& script, const signet::EnvMap& env = {}) {
  std::ostringstream out, err;
  Result<int> code = RunAdapterProcess("/bin/sh", {"-c", script}, env, out, err);
  return {std::move(code), out.str(), err.str()};
}

TEST(AdapterProcessTest, OutputAndExitCodePassThrough) {
  Outcome r = Sh("printf 'to stdout\\n'; printf 'to stderr\\n' >&2; exit 7");
  ASSERT_TRUE(r.code.ok()) << r.code.error().ToString();
  EXPECT_EQ(*r.code, 7);
  EXPECT_EQ(r.out, "to stdout\n");
  EXPECT_EQ(r.err, "to stderr\n");
  Outcome ok = Sh("exit 0");
  EXPECT_EQ(*ok.code, 0);
}

TEST(AdapterProcessTest, LargeOutputOnBothStreamsIsKept) {
  // More than a pipe buffer on each stream, interleaved.
  Outcome r = Sh("i=0; while [ $i -lt 4000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done");
  ASSERT_TRUE(r.code.ok());
  EXPECT_EQ(*r.code, 0);
  EXPECT_NE(r.out.find("out3999\n"), std::string::npos);
  EXPECT_NE(r.err.find("err3999\n"), std::string::npos);
  EXPECT_EQ(r.out.find("err"), std::string::npos);
}

TEST(AdapterProcessTest, TheChildGetsTheGivenEnvironment) {
  Outcome r = Sh("printf '%s' \"$XS_ADAPTER_TEST\"", {{"XS_ADAPTER_TEST", "value 1"}});
  EXPECT_EQ(r.out, "value 1");
}

TEST(AdapterProcessTest, ASignalIsReportedAs128PlusItsNumber) {
  Outcome r = Sh("kill -TERM $$");
  ASSERT_TRUE(r.code.ok());
  EXPECT_EQ(*r.code, 128 + SIGTERM);
}

TEST(AdapterProcessTest, MissingAndNonExecutableProgramsAreErrors) {
  std::ostringstream out, err;
  auto missing = RunAdapterProcess("/nonexistent/adapter", {}, {}, out, err);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().IsNotFound());
  testing::TempDir dir;
  const std::string path = dir.str() + "/adapter.sh";
  std::ofstream(path) << "#!/bin/sh\necho hi\n";
  ::chmod(path.c_str(), 0644);
  auto plain = RunAdapterProcess(path, {}, {}, out, err);
  ASSERT_FALSE(plain.ok());
  EXPECT_TRUE(plain.error().IsPermission());
  ::chmod(path.c_str(), 0755);
  auto runs = RunAdapterProcess(path, {}, {}, out, err);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(out.str(), "hi\n");
}

TEST(AdapterProcessTest, ABackgroundGrandchildDoesNotBlock) {
  // The grandchild keeps both pipes open for ten minutes; were the caller
  // to wait for end of file, this test would hang until CTest's timeout.
  Outcome r = Sh("sleep 600 & echo $!; exit 3");
  ASSERT_TRUE(r.code.ok());
  EXPECT_EQ(*r.code, 3);
  const int grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 1) << r.out;
  ::kill(grandchild, SIGKILL);
}

}  // namespace
}  // namespace xs::adapters::openclaw
