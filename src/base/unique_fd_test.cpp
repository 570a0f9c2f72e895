#include "base/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>

namespace xs {
namespace {

// A pipe whose write end is handed to a UniqueFd: the read end sees EOF
// exactly when every copy of the write end is closed, which proves a close
// without racing on descriptor numbers.
class UniqueFdTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe2(fds_, O_CLOEXEC), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  // Hands the write end over; the fixture no longer closes it.
  int TakeWriteEnd() { return std::exchange(fds_[1], -1); }
  // True when the read end reports EOF (the write end is closed).
  bool WriterClosed() {
    int flags = ::fcntl(fds_[0], F_GETFL);
    ::fcntl(fds_[0], F_SETFL, flags | O_NONBLOCK);
    char byte;
    return ::read(fds_[0], &byte, 1) == 0;
  }
  static bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

  int fds_[2] = {-1, -1};
};

TEST_F(UniqueFdTest, ClosesOnDestruction) {
  {
    UniqueFd fd(TakeWriteEnd());
    EXPECT_TRUE(fd.valid());
    EXPECT_FALSE(WriterClosed());
  }
  EXPECT_TRUE(WriterClosed());
}

TEST_F(UniqueFdTest, EmptyByDefaultAndForNegativeValues) {
  UniqueFd empty;
  EXPECT_FALSE(empty.valid());
  EXPECT_FALSE(static_cast<bool>(empty));
  EXPECT_EQ(empty.get(), -1);
  UniqueFd failed(-5);  // e.g. the result of a failed ::open
  EXPECT_FALSE(failed.valid());
  EXPECT_EQ(failed.get(), -1);
}

TEST_F(UniqueFdTest, MoveTransfersOwnershipOnce) {
  const int raw = TakeWriteEnd();
  UniqueFd a(raw);
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checks the moved-from state
  EXPECT_EQ(b.get(), raw);
  UniqueFd c;
  c = std::move(b);
  EXPECT_FALSE(b.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.get(), raw);
  EXPECT_FALSE(WriterClosed());
  c = UniqueFd();  // move-assigning closes what c held
  EXPECT_TRUE(WriterClosed());
}

TEST_F(UniqueFdTest, ReleaseGivesUpOwnershipWithoutClosing) {
  const int raw = TakeWriteEnd();
  {
    UniqueFd fd(raw);
    EXPECT_EQ(fd.release(), raw);
    EXPECT_FALSE(fd.valid());
  }
  EXPECT_TRUE(IsOpen(raw));
  EXPECT_FALSE(WriterClosed());
  ::close(raw);
  EXPECT_TRUE(WriterClosed());
}

TEST_F(UniqueFdTest, ResetClosesTheOldDescriptor) {
  UniqueFd fd(TakeWriteEnd());
  fd.reset();
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(WriterClosed());
}

TEST_F(UniqueFdTest, ResetToANewDescriptorKeepsIt) {
  int other[2];
  ASSERT_EQ(::pipe2(other, O_CLOEXEC), 0);
  UniqueFd fd(TakeWriteEnd());
  fd.reset(other[1]);
  EXPECT_TRUE(WriterClosed());
  EXPECT_EQ(fd.get(), other[1]);
  EXPECT_TRUE(IsOpen(other[1]));
  fd.reset(other[1]);  // resetting to the held descriptor does not close it
  EXPECT_TRUE(IsOpen(other[1]));
  fd.reset();
  EXPECT_FALSE(IsOpen(other[1]));
  ::close(other[0]);
}

}  // namespace
}  // namespace xs
