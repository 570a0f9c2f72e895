// Fuzzes the WebSocket wire as the server reads it: a valid upgrade request,
// then client frames built from the input, through Beast's server-side
// stream with the transport's message size limit, each message through the
// request classifier. The first byte picks raw bytes (any framing error) or
// structured frames: [fin|rsv|opcode][length][payload], masked with a zero
// key, so fragmentation, control frames and message assembly are reached.
// Invariant: no crash, no message over the limit is ever returned.
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "transport/ws/ws_frames.h"

namespace {

constexpr std::size_t kLimit = 4096;

const char kUpgrade[] =
    "GET /v1/agent HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

std::string Structured(const std::uint8_t* data, std::size_t size) {
  std::string out;
  std::size_t i = 0;
  while (i + 2 <= size) {
    std::uint8_t head = data[i];
    std::size_t len = data[i + 1] % 126;
    i += 2;
    if (len > size - i) len = size - i;
    out.push_back(static_cast<char>(head));
    out.push_back(static_cast<char>(0x80 | len));  // masked
    out.append(4, '\0');                           // zero mask key
    out.append(reinterpret_cast<const char*>(data + i), len);
    i += len;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  beast::test::stream server(ioc);
  beast::test::stream client(ioc);
  server.connect(client);
  std::string input(kUpgrade);
  if (data[0] % 2 == 0) {
    input.append(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    input += Structured(data + 1, size - 1);
  }
  server.append(input);
  client.close();  // reads end after the input
  beast::websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(kLimit);
  beast::error_code ec;
  ws.accept(ec);
  if (ec) return 0;
  for (int messages = 0; messages < 64; ++messages) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) break;
    if (buffer.size() > kLimit) std::abort();
    auto bytes = buffer.cdata();
    (void)xs::transport::ws::ParseRequestFrame(
        std::string_view(static_cast<const char*>(bytes.data()), bytes.size()));
  }
  return 0;
}
