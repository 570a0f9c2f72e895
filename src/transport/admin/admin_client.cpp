#include "transport/admin/admin_client.h"

#include <sys/socket.h>

#include "signet/keys/admin_key.h"
#include "transport/admin/admin_jwt.h"
#include "transport/admin/admin_protocol.h"
#include "transport/admin/raw_json.h"

namespace xs::transport {

namespace {

// Responses can carry whole audit-log exports; allow more than a request line.
constexpr std::size_t kMaxResponseBytes = 256u << 20;

Error NotRunning(const std::string& socket_path) {
  return Error::Network(socket_path, "daemon is not running; start it with `xs daemon start`");
}

}  // namespace

Error AdminClient::ConnectionLost() const {
  return Error::Network(socket_path_, "the daemon closed the admin connection");
}

Result<AdminClient> AdminClient::Connect(const std::string& socket_path,
                                         const std::string& data_dir) {
  // The key comes first: without it nothing can work, whatever the daemon's
  // state (decisions.md #17: exit 9 with a hint to run `xs init`).
  XS_TRY(signet::AdminKey key, signet::AdminKey::Load(data_dir));
  XS_TRY(std::string token, MintAdminJwt(key));
  return Open(socket_path, token, data_dir);
}

Result<AdminClient> AdminClient::ConnectWithToken(const std::string& socket_path,
                                                  std::string_view token) {
  return Open(socket_path, token, {});
}

Result<AdminClient> AdminClient::Open(const std::string& socket_path, std::string_view token,
                                      std::string data_dir) {
  auto socket = ConnectUnixSocket(socket_path);
  if (!socket.ok()) {
    if (socket.error().IsNotFound()) return NotRunning(socket_path);
    return socket.error();
  }
  AdminClient client(std::move(socket).value(), socket_path, std::move(data_dir));
  // A server that refuses the connection (limit, foreign user) writes its
  // reason and closes at once, so the write may fail while the reason is
  // still there to be read.
  const bool sent = client.socket_.WriteLine(AuthLine(token));
  auto reply_or = client.ReadMessage(sent ? kAdminAuthTimeoutMs * 2 : 1000);
  if (!reply_or.ok()) return sent ? reply_or.error() : NotRunning(socket_path);
  nlohmann::json reply = std::move(reply_or).value();
  if (auto error = reply.find("error"); error != reply.end()) return ErrorFromJsonRpc(*error);
  auto result = reply.find("result");
  auto authenticated =
      result != reply.end() && result->is_object() ? result->find("authenticated") : reply.end();
  if (result == reply.end() || !result->is_object() || authenticated == result->end() ||
      *authenticated != true) {
    return Error::Auth("the daemon did not accept the admin token");
  }
  return client;
}

Result<std::string> AdminClient::ReadLine(int timeout_ms) {
  std::string line;
  switch (socket_.ReadLine(&line, kMaxResponseBytes, timeout_ms)) {
    case LineSocket::ReadStatus::kLine:
      break;
    case LineSocket::ReadStatus::kTimeout:
      return Error::Timeout("no answer from the daemon within " + std::to_string(timeout_ms) +
                            " ms")
          .WithContext(
              nlohmann::json{{"operation", "admin call"}, {"timeoutMs", timeout_ms}}.dump());
    case LineSocket::ReadStatus::kTooLong:
      return Error::Internal("the daemon's answer exceeds " + std::to_string(kMaxResponseBytes) +
                             " bytes");
    default:
      return ConnectionLost();
  }
  return line;
}

Result<nlohmann::json> AdminClient::ReadMessage(int timeout_ms) {
  XS_TRY(std::string line, ReadLine(timeout_ms));
  nlohmann::json message = nlohmann::json::parse(line, nullptr, false);
  if (!message.is_object()) return Error::Internal("the daemon sent malformed JSON");
  return message;
}

Result<nlohmann::json> AdminClient::Call(std::string_view method, nlohmann::json params) {
  XS_TRY(std::string text, CallForText(method, std::move(params)));
  nlohmann::json data = nlohmann::json::parse(text, nullptr, false);
  if (data.is_discarded()) return Error::Internal("the daemon sent malformed JSON");
  return data;
}

Result<std::string> AdminClient::CallForText(std::string_view method, nlohmann::json params) {
  if (!socket_.is_open()) return ConnectionLost();
  const std::int64_t id = next_id_++;
  const std::string id_text = std::to_string(id);
  if (params.is_null()) params = nlohmann::json::object();
  if (!socket_.WriteLine(RequestLine(id, method, params))) return ConnectionLost();
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  auto malformed = [] { return Error::Internal("the daemon sent malformed JSON"); };
  // The error object of an error response (small: parsed as a tree).
  auto error_of = [&](const RawMember& error) -> Error {
    nlohmann::json object = nlohmann::json::parse(error.value, nullptr, false);
    if (object.is_discarded()) return malformed();
    return ErrorFromJsonRpc(object);
  };
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    XS_TRY(std::string line, ReadLine(static_cast<int>(std::max<std::int64_t>(left.count(), 0))));
    // Only the envelope is followed; the answer's data stays text.
    auto members = RawObjectMembers(line);
    if (!members) return malformed();
    const RawMember* message_id = FindMember(*members, "\"id\"");
    const RawMember* error = FindMember(*members, "\"error\"");
    // Notifications and answers to other ids (an abandoned stream) are skipped.
    if (message_id == nullptr || message_id->value != id_text) {
      if (message_id != nullptr && message_id->value == "null" && error != nullptr) {
        return error_of(*error);  // framing error about our request
      }
      continue;
    }
    if (error != nullptr) return error_of(*error);
    const RawMember* result = FindMember(*members, "\"result\"");
    if (result == nullptr) return Error::Internal("the daemon sent a response without result");
    if (auto envelope = RawObjectMembers(result->value)) {
      const RawMember* ok = FindMember(*envelope, "\"ok\"");
      const RawMember* data = FindMember(*envelope, "\"data\"");
      if (ok != nullptr && data != nullptr) {
        const RawMember* meta = FindMember(*envelope, "\"meta\"");
        last_meta_ = meta == nullptr ? nlohmann::json::object()
                                     : nlohmann::json::parse(meta->value, nullptr, false);
        if (last_meta_.is_discarded()) return malformed();
        return std::string(data->value);
      }
    }
    return std::string(result->value);
  }
}

void StreamCancel::Cancel() noexcept {
  cancelled_ = true;
  const int fd = fd_.load();
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

void StreamCancel::Attach(int fd) noexcept {
  fd_ = fd;
  if (fd >= 0 && cancelled_) ::shutdown(fd, SHUT_RDWR);  // cancelled meanwhile
}

Status AdminClient::Subscribe(std::string_view method, nlohmann::json params,
                              const std::function<bool(const nlohmann::json&)>& on_notification,
                              StreamCancel* cancel) {
  if (data_dir_.empty()) return SubscribeHere(method, std::move(params), on_notification, cancel);
  XS_TRY(AdminClient stream, Connect(socket_path_, data_dir_));
  return stream.SubscribeHere(method, std::move(params), on_notification, cancel);
}

Status AdminClient::SubscribeHere(std::string_view method, nlohmann::json params,
                                  const std::function<bool(const nlohmann::json&)>& on_notification,
                                  StreamCancel* cancel) {
  if (cancel != nullptr) {
    if (cancel->cancelled()) return OkStatus();
    cancel->Attach(socket_.fd());
  }
  Status status = SubscribeLoop(method, std::move(params), on_notification);
  if (cancel != nullptr) {
    cancel->Attach(-1);
    if (cancel->cancelled()) status = OkStatus();  // Ctrl-C: a clean end
  }
  socket_.Close();
  return status;
}

Status AdminClient::SubscribeLoop(
    std::string_view method, nlohmann::json params,
    const std::function<bool(const nlohmann::json&)>& on_notification) {
  if (!socket_.is_open()) return ConnectionLost();
  const std::int64_t id = next_id_++;
  if (params.is_null()) params = nlohmann::json::object();
  if (!socket_.WriteLine(RequestLine(id, method, params))) return ConnectionLost();
  bool accepted = false;
  for (;;) {
    // The subscription answer must come promptly; then events may take any time.
    XS_TRY(nlohmann::json message, ReadMessage(accepted ? -1 : static_cast<int>(timeout_.count())));
    if (auto message_id = message.find("id"); message_id != message.end()) {
      if (!message_id->is_number_integer() || message_id->get<std::int64_t>() != id) continue;
      if (auto error = message.find("error"); error != message.end()) {
        return ErrorFromJsonRpc(*error);
      }
      accepted = true;
      continue;
    }
    auto method_it = message.find("method");
    std::string name = method_it != message.end() && method_it->is_string()
                           ? method_it->get<std::string>()
                           : std::string();
    nlohmann::json notification = message.value("params", nlohmann::json());
    if (name == kStreamEndMethod) break;
    if (name == kStreamErrorMethod) return ErrorFromObject(notification);
    if (name != method) continue;
    if (!on_notification(notification)) break;
  }
  // The server ends the stream when it sees the connection close.
  return OkStatus();
}

}  // namespace xs::transport
