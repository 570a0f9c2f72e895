#include "daemon/local_node.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "base/unique_fd.h"
#include "node/node.h"

namespace xs::daemon {

Result<HostPort> ParseHostPort(std::string_view text) {
  HostPort out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error::Validation("nodeAddress", "expected [host]:port");
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error::Validation("nodeAddress", "expected host:port");
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), out.port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || out.port < 1 ||
      out.port > 65535) {
    return Error::Validation("nodeAddress", "port must be 1..65535");
  }
  return out;
}

bool TcpPortAnswers(const HostPort& address, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  if (::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found) != 0) return false;
  bool answered = false;
  for (addrinfo* ai = found; ai != nullptr && !answered; ai = ai->ai_next) {
    UniqueFd fd(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) continue;
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
      answered = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd.get(), POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        answered = ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
      }
    }
  }
  ::freeaddrinfo(found);
  return answered;
}

LocalNetwork::LocalNetwork(LocalNetwork&&) noexcept = default;
LocalNetwork& LocalNetwork::operator=(LocalNetwork&&) noexcept = default;
LocalNetwork::~LocalNetwork() { Shutdown(); }

Result<LocalNetwork> LocalNetwork::Attach(const std::string& address,
                                          const std::string& node_data_dir) {
  XS_TRY(HostPort where, ParseHostPort(address));
  LocalNetwork network;
  if (TcpPortAnswers(where, std::chrono::milliseconds(500))) {
    network.address_ = address;
    return network;
  }
  node::NodeOptions options;
  options.host = where.host;
  options.port = where.port;
  options.data_dir = node_data_dir;
  auto started = node::Node::Start(options);
  if (!started.ok()) {
    // Someone may have taken the port between the probe and the start.
    if (TcpPortAnswers(where, std::chrono::milliseconds(500))) {
      network.address_ = address;
      return network;
    }
    return Error::Network(address, "no XMTP node answers and the embedded node did not start: " +
                                       started.error().message());
  }
  network.node_ = std::move(started).value();
  network.address_ = network.node_->address();
  return network;
}

std::string LocalNetwork::url() const { return "http://" + address_; }

std::string LocalNetwork::database_path() const {
  return node_ ? node_->database_path() : std::string();
}

void LocalNetwork::Shutdown() {
  if (node_) {
    node_->Shutdown();
    node_.reset();
  }
}

}  // namespace xs::daemon
