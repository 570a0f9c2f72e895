#include "adapters/openclaw/admin_link.h"

#include "signet/keys/admin_key.h"
#include "signet/util/file_util.h"

namespace xs::adapters::openclaw {

namespace {

constexpr const char* kStartHint = "start it with `xs daemon start`";

Error NotRunning(const std::string& socket) {
  return Error::Network(socket, "no admin socket at " + socket + "; " + kStartHint)
      .WithContext(nlohmann::json({{"endpoint", socket}, {"hint", kStartHint}}).dump());
}

}  // namespace

Result<transport::AdminClient> ConnectAdmin(const signet::Config& config) {
  const std::string data_dir = config.DataDir();
  if (!signet::FileExists(signet::AdminKey::PathFor(data_dir))) {
    return Error::Auth(kNoAdminKeyMessage)
        .WithContext(
            nlohmann::json({{"hint", "run `xs init` first"}, {"dataDir", data_dir}}).dump());
  }
  const std::string socket = config.SocketPath();
  if (!signet::FileExists(socket)) return NotRunning(socket);
  auto client = transport::AdminClient::Connect(socket, data_dir);
  if (!client.ok()) {
    const Error& e = client.error();
    if (e.IsAuth() || e.IsPermission() || e.IsValidation()) return std::move(client).error();
    return NotRunning(socket);
  }
  return client;
}

AdminCall CallsOn(transport::AdminClient& client) {
  return [&client](std::string_view method, const nlohmann::json& params) {
    return client.Call(method, params);
  };
}

}  // namespace xs::adapters::openclaw
