#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace xs::cli {
namespace {

TEST(ReportErrorTest, ANetworkErrorNamesItsEndpoint) {
  std::ostringstream err;
  const int code = ReportError(
      err, Error::Network("http://127.0.0.1:5556", "SendGroupMessages: connection refused"), false);
  EXPECT_EQ(code, 6);
  EXPECT_EQ(err.str(),
            "error: SendGroupMessages: connection refused\nendpoint: http://127.0.0.1:5556\n");
}

TEST(ReportErrorTest, AnEndpointTheMessageNamesIsNotRepeated) {
  std::ostringstream err;
  ReportError(err, Error::Network("http://h:1", "TLS handshake with http://h:1 failed"), false);
  EXPECT_EQ(err.str(), "error: TLS handshake with http://h:1 failed\n");
}

TEST(ReportErrorTest, JsonCarriesTheEndpointInTheContext) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(err, Error::Network("http://h:1", "down"), true), 6);
  const Json j = Json::parse(err.str());
  EXPECT_EQ(j["error"]["category"], "network");
  EXPECT_EQ(j["error"]["context"]["endpoint"], "http://h:1");
}

}  // namespace
}  // namespace xs::cli
