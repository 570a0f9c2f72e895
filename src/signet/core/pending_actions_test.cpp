#include "signet/core/pending_actions.h"
#include "base/testing/fake_clock.h"

#include <gtest/gtest.h>

#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

TEST(PendingActionsTest, ConfirmDenyExpire) {
  testing::TempDir dir;
  FakeClock clock;
  AuditLog audit(dir.path() + "/audit.jsonl", &clock);
  PendingActions pending(&clock, &audit, 300);
  auto a = pending.Add("cred_a", "send_message", {{"text", "hi"}});
  EXPECT_TRUE(pending.Confirm("action_nope", "cred_a", true).error().IsNotFound());
  EXPECT_TRUE(pending.Confirm(a.action_id, "cred_b", true).error().IsPermission());
  auto ok = pending.Confirm(a.action_id, "cred_a", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->denied);
  EXPECT_EQ(ok->action.payload["text"], "hi");
  EXPECT_TRUE(pending.Confirm(a.action_id, "cred_a", true).error().IsNotFound());  // consumed
  auto b = pending.Add("cred_a", "send_message", Json::object());
  EXPECT_TRUE(pending.Confirm(b.action_id, "cred_a", false)->denied);
  auto c = pending.Add("cred_a", "send_message", Json::object());
  clock.Advance(300 * 1000);
  auto expired = pending.Confirm(c.action_id, "cred_a", true);
  ASSERT_FALSE(expired.ok());
  EXPECT_TRUE(expired.error().IsPermission());
  pending.Add("cred_a", "send_message", Json::object());
  clock.Advance(301 * 1000);
  EXPECT_EQ(pending.Sweep().size(), 1u);
  auto log = audit.Read(std::nullopt, 0);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0]["action"], "pending-action.expired");
}

}  // namespace
}  // namespace xs::signet
