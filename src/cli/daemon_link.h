// DaemonLink: the CLI's connection to the running daemon over the admin
// socket, authenticated with a freshly minted admin JWT (the admin key file
// in the data dir). Opening it turns the two common failures into errors a
// user can act on:
//   * no admin key        -> auth (exit 9): "run `xs init` first"
//   * daemon not running  -> network (exit 6): "start it with `xs daemon start`"
//
// Thread contract: one owning thread.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/config/config.h"

namespace xs::transport {
class StreamCancel;
}

namespace xs::cli {

class DaemonLink {
 public:
  virtual ~DaemonLink() = default;
  static Result<std::unique_ptr<DaemonLink>> Open(const signet::Config& config);
  virtual Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params) = 0;
  // The answer's data as the daemon's JSON text, not parsed (for --json
  // output of long lists).
  virtual Result<std::string> CallForText(std::string_view method,
                                          const nlohmann::json& params) = 0;
  // A stream method (--watch) on a connection of its own: each notification
  // until on_notification returns false, the stream ends, or `cancel` fires.
  virtual Status Subscribe(std::string_view method, const nlohmann::json& params,
                           const std::function<bool(const nlohmann::json&)>& on_notification,
                           transport::StreamCancel* cancel) = 0;
};

// The error for "nothing is listening on the admin socket".
Error DaemonNotRunning(const std::string& socket_path);

}  // namespace xs::cli
