#include "signet/network/node_url.h"

#include <gtest/gtest.h>

#include "xmtp/api/api_client.h"

namespace xs::signet {
namespace {

TEST(NodeUrlForEnvTest, KnownEnvironments) {
  EXPECT_EQ(NodeUrlForEnv("local").value(), "http://127.0.0.1:5556");
  EXPECT_EQ(NodeUrlForEnv("dev").value(), "https://grpc.dev.xmtp.network:443");
  EXPECT_EQ(NodeUrlForEnv("production").value(), "https://grpc.production.xmtp.network:443");
  auto unknown = NodeUrlForEnv("staging");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.error().IsValidation());
}

// What the daemon's --env selects (daemon.cpp StartNetwork): dev and
// production are TLS on 443 (verified against the system roots: no CA is
// passed), local is h2c; the same hosts as the SDK's ApiUrls.
TEST(NodeUrlForEnvTest, RemoteEnvironmentsAreTlsLocalIsPlaintext) {
  struct Case {
    const char* env;
    const char* target;
    bool tls;
  };
  for (const Case& c :
       {Case{"local", "127.0.0.1:5556", false}, Case{"dev", "grpc.dev.xmtp.network:443", true},
        Case{"production", "grpc.production.xmtp.network:443", true}}) {
    auto endpoint = xmtp::api::ParseUrl(NodeUrlForEnv(c.env).value());
    ASSERT_TRUE(endpoint.ok()) << c.env;
    EXPECT_EQ(endpoint->target, c.target) << c.env;
    EXPECT_EQ(endpoint->tls, c.tls) << c.env;
  }
}

}  // namespace
}  // namespace xs::signet
