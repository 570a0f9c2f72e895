#include "cli/daemon_link.h"

#include <sys/stat.h>

#include "signet/keys/admin_key.h"
#include "transport/admin/admin_client.h"

namespace xs::cli {

namespace {

constexpr const char* kStartHint = "start it with `xs daemon start`";

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class AdminSocketLink final : public DaemonLink {
 public:
  explicit AdminSocketLink(transport::AdminClient client) : client_(std::move(client)) {}

  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params) override {
    return client_.Call(method, params);
  }

  Result<std::string> CallForText(std::string_view method, const nlohmann::json& params) override {
    return client_.CallForText(method, params);
  }

  Status Subscribe(std::string_view method, const nlohmann::json& params,
                   const std::function<bool(const nlohmann::json&)>& on_notification,
                   transport::StreamCancel* cancel) override {
    return client_.Subscribe(method, params, on_notification, cancel);
  }

 private:
  transport::AdminClient client_;
};

}  // namespace

Error DaemonNotRunning(const std::string& socket_path) {
  return Error::Network(socket_path, "the daemon is not running (no admin socket at " +
                                         socket_path + "); " + kStartHint)
      .WithContext(nlohmann::json({{"endpoint", socket_path}, {"hint", kStartHint}}).dump());
}

Result<std::unique_ptr<DaemonLink>> DaemonLink::Open(const signet::Config& config) {
  const std::string data_dir = config.DataDir();
  // decisions.md #17: without an admin key every daemon-backed command is an
  // auth error (exit 9) that says how to get one.
  if (!Exists(signet::AdminKey::PathFor(data_dir))) {
    return Error::Auth("no admin key in " + data_dir + "; run `xs init` first")
        .WithContext(nlohmann::json({{"hint", "run `xs init` first"}}).dump());
  }
  const std::string socket = config.SocketPath();
  if (!Exists(socket)) return DaemonNotRunning(socket);
  auto client = transport::AdminClient::Connect(socket, data_dir);
  if (!client.ok()) {
    const Error& e = client.error();
    if (e.IsAuth() || e.IsPermission() || e.IsValidation()) return std::move(client).error();
    return DaemonNotRunning(socket);
  }
  return std::unique_ptr<DaemonLink>(new AdminSocketLink(std::move(client).value()));
}

}  // namespace xs::cli
