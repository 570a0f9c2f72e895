// CoalescingStream under a server-side Beast websocket::stream, against a
// Beast client over loopback TCP: a held burst leaves in one socket write and
// arrives as separate messages in order (7-, 16- and 64-bit length forms), a
// ping read during a burst gets its pong after the burst's frames and within
// the same write, a close during a burst follows the burst's frames, and a
// peer's close read during a burst gets the burst and the close reply.
#include "transport/ws/coalescing_stream.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace xs::transport::ws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Tcp = asio::ip::tcp;

class CoalescingStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Tcp::acceptor acceptor(ioc_, Tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::optional<Tcp::socket> accepted;
    acceptor.async_accept([&](beast::error_code ec, Tcp::socket s) {
      ASSERT_FALSE(ec) << ec.message();
      accepted.emplace(std::move(s));
    });
    bool connected = false;
    client_.next_layer().async_connect(acceptor.local_endpoint(), [&](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      connected = true;
    });
    RunUntil([&] { return accepted && connected; });
    server_.emplace(std::move(*accepted));
    int done = 0;
    server_->async_accept([&](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      ++done;
    });
    client_.async_handshake("127.0.0.1", "/", [&](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      ++done;
    });
    RunUntil([&] { return done == 2; });
    client_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::pong) events_.push_back("pong:" + std::string(payload));
    });
  }

  // Runs handlers until `done`; fails the test if the loop runs dry.
  void RunUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 100000 && !done(); ++i) {
      if (ioc_.stopped()) ioc_.restart();  // it stops whenever it runs out of work
      if (ioc_.run_one_for(std::chrono::seconds(5)) == 0) break;
    }
    ASSERT_TRUE(done()) << "the io loop ran dry";
  }

  // Writes the messages one after the other (as Connection::WriteNext does).
  void WriteAll(std::vector<std::string> messages, int* written) {
    auto queue = std::make_shared<std::vector<std::string>>(std::move(messages));
    auto next = std::make_shared<std::function<void(std::size_t)>>();
    *next = [this, queue, next, written](std::size_t i) {
      if (i == queue->size()) {
        *next = nullptr;  // break the cycle
        return;
      }
      server_->async_write(asio::buffer((*queue)[i]),
                           [next, i, written](beast::error_code ec, std::size_t) {
                             ASSERT_FALSE(ec) << ec.message();
                             ++*written;
                             if (*next) (*next)(i + 1);
                           });
    };
    (*next)(0);
  }

  // Reads client messages into events_ until `count` were read or an error.
  void ClientReads(int count, beast::error_code* error) {
    if (count == 0) return;
    client_.async_read(client_buf_, [this, count, error](beast::error_code ec, std::size_t) {
      if (ec) {
        *error = ec;
        return;
      }
      events_.push_back("msg:" + beast::buffers_to_string(client_buf_.data()));
      client_buf_.consume(client_buf_.size());
      ClientReads(count - 1, error);
    });
  }

  std::uint64_t SocketWrites() { return server_->next_layer().socket_writes(); }

  asio::io_context ioc_;
  std::optional<websocket::stream<CoalescingStream>> server_;
  websocket::stream<Tcp::socket> client_{ioc_};
  beast::flat_buffer client_buf_;
  beast::flat_buffer server_buf_;
  std::vector<std::string> events_;
};

TEST_F(CoalescingStreamTest, AHeldBurstIsOneSocketWriteOfSeparateMessagesInOrder) {
  // 7-bit (<= 125) and 16-bit (126..65535) payload lengths.
  std::vector<std::string> messages = {"a", std::string(125, 'b'), std::string(126, 'c'),
                                       std::string(300, 'd'), std::string(4000, 'e')};
  const std::uint64_t before = SocketWrites();
  server_->next_layer().Hold();
  int written = 0;
  WriteAll(messages, &written);
  RunUntil([&] { return written == 5; });
  EXPECT_EQ(SocketWrites(), before) << "held bytes were written";
  server_->next_layer().Release();
  EXPECT_EQ(SocketWrites(), before + 1);
  beast::error_code error;
  ClientReads(5, &error);
  RunUntil([&] { return events_.size() == 5 || error; });
  ASSERT_FALSE(error) << error.message();
  for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(events_[i], "msg:" + messages[i]);
}

TEST_F(CoalescingStreamTest, MessagesOverTheLimitWaitForTheSocketAndKeepTheirOrder) {
  // 64-bit payload length (> 65535), past kMaxCoalescedBytes.
  std::vector<std::string> messages = {"first", std::string(200000, 'x'), "middle",
                                       std::string(kMaxCoalescedBytes + 1, 'y'), "last"};
  server_->next_layer().Hold();
  int written = 0;
  WriteAll(messages, &written);
  beast::error_code error;
  ClientReads(5, &error);
  RunUntil([&] { return written == 5; });  // "last" is held
  server_->next_layer().Release();
  RunUntil([&] { return events_.size() == 5 || error; });
  ASSERT_FALSE(error) << error.message();
  for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(events_[i], "msg:" + messages[i]);
}

TEST_F(CoalescingStreamTest, APingReadDuringABurstGetsItsPongAfterTheBurstInTheSameWrite) {
  // "go" and a ping "p1", masked with a zero key, in one TCP write so both
  // are in the server's first read.
  const std::string go_and_ping =
      std::string("\x81\x82\0\0\0\0go", 8) + std::string("\x89\x82\0\0\0\0p1", 8);
  int sent = 0;
  asio::async_write(client_.next_layer(), asio::buffer(go_and_ping),
                    [&](beast::error_code ec, std::size_t) {
                      ASSERT_FALSE(ec);
                      ++sent;
                    });
  RunUntil([&] { return sent == 1; });
  // The server reads "go" and answers a burst while it holds; its next read
  // finds the ping already buffered, so Beast's pong joins the held bytes.
  int written = 0;
  std::uint64_t before = 0;
  bool answered = false;
  server_->async_read(server_buf_, [&](beast::error_code ec, std::size_t) {
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(beast::buffers_to_string(server_buf_.data()), "go");
    server_buf_.consume(server_buf_.size());
    before = SocketWrites();
    server_->next_layer().Hold();
    WriteAll({"m1", "m2", "m3"}, &written);
    answered = true;
  });
  RunUntil([&] { return answered && written == 3; });
  beast::error_code server_error;
  server_->async_read(server_buf_, [&](beast::error_code ec, std::size_t) { server_error = ec; });
  beast::error_code error;
  ClientReads(4, &error);  // the pong is read while the 4th read waits
  RunUntil([&] { return events_.size() == 4 || error; });
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(events_, (std::vector<std::string>{"msg:m1", "msg:m2", "msg:m3", "pong:p1"}));
  EXPECT_EQ(SocketWrites(), before + 1);
}

TEST_F(CoalescingStreamTest, ACloseDuringABurstFollowsTheBurstsFrames) {
  server_->next_layer().Hold();
  int written = 0;
  WriteAll({"m1", "m2", "m3"}, &written);
  RunUntil([&] { return written == 3; });
  bool closed = false;
  server_->async_close(websocket::close_reason(static_cast<websocket::close_code>(4008), "bye"),
                       [&](beast::error_code ec) {
                         EXPECT_FALSE(ec) << ec.message();
                         closed = true;
                       });
  beast::error_code error;
  ClientReads(4, &error);
  RunUntil([&] { return error && closed; });
  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client_.reason().code, 4008);
  EXPECT_EQ(std::string(client_.reason().reason.c_str()), "bye");
  EXPECT_EQ(events_, (std::vector<std::string>{"msg:m1", "msg:m2", "msg:m3"}));
}

TEST_F(CoalescingStreamTest, APeersCloseReadDuringABurstGetsTheBurstThenTheCloseReply) {
  // "go" and a masked close frame (code 1000) written raw, so the client's
  // stream still reads what the server sends afterwards.
  const std::string go_and_close =
      std::string("\x81\x82\0\0\0\0go", 8) + std::string("\x88\x82\0\0\0\0\x03\xe8", 8);
  bool sent = false;
  asio::async_write(client_.next_layer(), asio::buffer(go_and_close),
                    [&](beast::error_code ec, std::size_t) {
                      ASSERT_FALSE(ec);
                      sent = true;
                    });
  RunUntil([&] { return sent; });
  int written = 0;
  server_->async_read(server_buf_, [&](beast::error_code ec, std::size_t) {
    ASSERT_FALSE(ec) << ec.message();
    server_buf_.consume(server_buf_.size());
    server_->next_layer().Hold();
    WriteAll({"m1", "m2"}, &written);
  });
  RunUntil([&] { return written == 2; });
  // The close frame is already buffered: Beast replies and tears down, and
  // the teardown writes the held burst and the reply first.
  beast::error_code server_error;
  bool second_read_done = false;
  server_->async_read(server_buf_, [&](beast::error_code ec, std::size_t) {
    server_error = ec;
    second_read_done = true;
  });
  beast::error_code error;
  ClientReads(3, &error);
  RunUntil([&] { return error && second_read_done; });
  EXPECT_EQ(server_error, websocket::error::closed);
  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client_.reason().code, 1000);
  EXPECT_EQ(events_, (std::vector<std::string>{"msg:m1", "msg:m2"}));
}

}  // namespace
}  // namespace xs::transport::ws
