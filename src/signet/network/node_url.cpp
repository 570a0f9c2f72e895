#include "signet/network/node_url.h"

namespace xs::signet {

Result<std::string> NodeUrlForEnv(std::string_view env) {
  if (env == "local") return std::string("http://127.0.0.1:5556");
  if (env == "dev") return std::string("https://grpc.dev.xmtp.network:443");
  if (env == "production") return std::string("https://grpc.production.xmtp.network:443");
  return Error::Validation("signet.env", "must be local, dev or production");
}

}  // namespace xs::signet
