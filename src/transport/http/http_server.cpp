#include "transport/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace xs::transport {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Parser = http::request_parser<http::string_body>;

// After an error that ends a connection whose request was not read whole,
// the rest is read and dropped for up to this long (so the client sees the
// response rather than a reset), at most this many bytes.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr std::size_t kMaxLingerBytes = 4 * kHttpMaxBodyBytes;
// Accept failures (descriptor table full) are retried after this pause.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// A streaming answer's chunks not yet written: a client that lets more pile
// up is not reading, and its stream is stopped.
constexpr std::size_t kMaxStreamQueueBytes = 16 << 20;

}  // namespace

// What the sessions share with the server; outlives the io_context.
struct HttpServerShared {
  const HttpApi* api = nullptr;
  HttpServerOptions options;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::uint64_t> served{0};
  std::atomic<bool> stopping{false};
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServerShared* shared, bool over_capacity)
      : stream_(std::move(socket)), shared_(shared), over_capacity_(over_capacity) {}
  ~Session() {
    if (auto stop = std::exchange(on_stream_stop_, nullptr)) stop();
    --shared_->connections;
  }

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Begin(); });
  }

 private:
  std::chrono::milliseconds Timeout() const {
    return std::chrono::milliseconds(shared_->options.request_timeout_ms);
  }

  void Begin() {
    if (over_capacity_) {
      Send(shared_->api->ErrorResponse(Error::Network(
               "http", "too many connections (" + std::to_string(shared_->options.max_connections) +
                           " open); retry shortly")),
           /*keep_alive=*/false, /*linger=*/false);
      return;
    }
    ReadHeader();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    stream_.expires_after(Timeout());
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (parser_->get()[http::field::expect] == "100-continue" && !parser_->is_done()) {
      auto proceed = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                        parser_->get().version());
      http::async_write(
          stream_, *proceed,
          [self = shared_from_this(), proceed](beast::error_code write_ec, std::size_t) {
            if (write_ec) return self->Close();
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRequest(ec); });
  }

  void OnReadError(beast::error_code ec) {
    const HttpApi& api = *shared_->api;
    if (ec == http::error::body_limit) {
      return Send(api.ErrorResponse(
                      Error::Validation(
                          "body", "exceeds the limit of " +
                                      std::to_string(shared_->options.max_body_bytes) + " bytes"),
                      413),
                  false, true);
    }
    if (ec == http::error::header_limit) {
      return Send(
          api.ErrorResponse(
              Error::Validation("headers", "exceed the limit of " +
                                               std::to_string(shared_->options.max_header_bytes) +
                                               " bytes"),
              431),
          false, true);
    }
    // The client went away, timed out or closed an idle keep-alive
    // connection: nothing to answer.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == http::error::partial_message) {
      return Close();
    }
    Send(api.ErrorResponse(Error::Validation("request", "malformed HTTP request")), false, true);
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    http::request<http::string_body> message = parser_->release();
    HttpRequest request{std::string(message.method_string()), std::string(message.target()),
                        std::string(message[http::field::authorization]),
                        std::move(message.body())};
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    // Counted until the answer is written, so Stop() waits for it.
    ++shared_->in_flight;
    answering_ = true;
    HttpResponse response = shared_->api->Handle(request);
    ++shared_->served;
    if (response.stream) return SendStream(std::move(response));
    Send(std::move(response), message.keep_alive() && !shared_->stopping.load(), false);
  }

  // A streaming answer: the headers (chunked, no keep-alive), then chunks
  // as the producer writes them, until it ends the stream or the client
  // leaves. No timeout while it is open.
  void SendStream(HttpResponse response) {
    auto header = std::make_shared<http::response<http::empty_body>>(
        static_cast<http::status>(response.status), 11);
    if (!response.content_type.empty()) {
      header->set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) header->set(name, value);
    header->set(http::field::cache_control, "no-store");
    header->keep_alive(false);
    header->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    open_stream_ = std::move(response.stream);
    stream_.expires_after(Timeout());
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), header, serializer](beast::error_code ec, std::size_t) {
          if (self->answering_) {
            self->answering_ = false;
            --self->shared_->in_flight;
          }
          if (ec) return self->Close();
          self->OpenStream();
        });
  }

  void OpenStream() {
    stream_.expires_never();
    std::weak_ptr<Session> weak = weak_from_this();
    HttpStreamWrite write = [weak](std::string data) {
      auto self = weak.lock();
      if (!self || self->stream_over_.load()) return false;
      asio::post(self->stream_.get_executor(),
                 [self, data = std::move(data)]() mutable { self->QueueChunk(std::move(data)); });
      return true;
    };
    std::function<void()> end = [weak] {
      if (auto self = weak.lock()) {
        asio::post(self->stream_.get_executor(), [self] { self->EndStream(); });
      }
    };
    HttpStreamOpen open = std::exchange(open_stream_, nullptr);
    on_stream_stop_ = open(std::move(write), std::move(end));
    WatchPeer();
  }

  void QueueChunk(std::string data) {
    if (stream_over_.load() || end_requested_) return;
    queued_bytes_ += data.size();
    if (queued_bytes_ > kMaxStreamQueueBytes) return StopStream();
    chunks_.push_back(std::move(data));
    if (!writing_) WriteChunk();
  }

  void WriteChunk() {
    if (chunks_.empty()) {
      if (end_requested_) WriteLastChunk();
      return;
    }
    writing_ = true;
    auto data = std::make_shared<std::string>(std::move(chunks_.front()));
    chunks_.pop_front();
    queued_bytes_ -= data->size();
    asio::async_write(stream_, http::make_chunk(asio::buffer(*data)),
                      [self = shared_from_this(), data](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) return self->StopStream();
                        self->WriteChunk();
                      });
  }

  // The producer ended the stream: what is queued, then the last chunk.
  void EndStream() {
    if (stream_over_.load() || end_requested_) return;
    end_requested_ = true;
    on_stream_stop_ = nullptr;  // the producer knows
    if (!writing_) WriteChunk();
  }

  void WriteLastChunk() {
    stream_over_ = true;
    asio::async_write(
        stream_, http::make_chunk_last(),
        [self = shared_from_this()](beast::error_code, std::size_t) { self->Close(); });
  }

  // The client left (or stopped reading): the producer is told once.
  void StopStream() {
    if (stream_over_.exchange(true)) return;
    chunks_.clear();
    queued_bytes_ = 0;
    if (auto stop = std::exchange(on_stream_stop_, nullptr)) stop();
    Close();
  }

  // Reads (and drops) what the client sends while its stream is open, to
  // learn when it closes.
  void WatchPeer() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->StopStream();
                              self->WatchPeer();
                            });
  }

  void Send(HttpResponse response, bool keep_alive, bool linger) {
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), 11);
    if (!response.content_type.empty()) {
      message->set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->set(http::field::cache_control, "no-store");
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    stream_.expires_after(Timeout());
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, keep_alive, linger](beast::error_code ec,
                                                                               std::size_t) {
                        if (self->answering_) {
                          self->answering_ = false;
                          --self->shared_->in_flight;
                        }
                        if (ec) return self->Close();
                        if (keep_alive) return self->ReadHeader();
                        if (linger) return self->Linger();
                        self->Close();
                      });
  }

  // Half-close, then read and drop what the client still sends.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kMaxLingerBytes) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServerShared* shared_;
  bool over_capacity_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::array<char, 16 * 1024> drain_{};
  std::size_t lingered_ = 0;
  bool answering_ = false;  // a request's answer is being written
  // A streaming answer (SendStream): its producer, what it wants called
  // when the client leaves, and the chunks not yet written.
  HttpStreamOpen open_stream_;
  std::function<void()> on_stream_stop_;
  std::deque<std::string> chunks_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool end_requested_ = false;
  std::atomic<bool> stream_over_{false};
};

}  // namespace

struct HttpServer::Impl {
  HttpServerShared shared;  // first: outlives the sessions the io_context holds
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry;
  std::vector<std::thread> threads;
  bool started = false;

  void Accept() {
    acceptor->async_accept(
        asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
          if (!acceptor->is_open() || shared.stopping.load()) return;
          if (ec) {
            retry->expires_after(kAcceptRetryDelay);
            retry->async_wait([this](beast::error_code) {
              if (acceptor->is_open()) Accept();
            });
            return;
          }
          const bool over = shared.connections.load() >= shared.options.max_connections;
          ++shared.connections;
          std::make_shared<Session>(std::move(socket), &shared, over)->Run();
          Accept();
        });
  }
};

HttpServer::HttpServer(const HttpApi* api, HttpServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared.api = api;
  impl_->shared.options = std::move(options);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& impl = *impl_;
  if (impl.started) return Error::Internal("http server already started");
  const HttpServerOptions& options = impl.shared.options;
  if (options.port < 0 || options.port > 65535) {
    return Error::Validation("http.port", "must be 0..65535");
  }
  if (options.threads < 1) return Error::Validation("threads", "must be at least 1");
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) {
    if (options.host != "localhost") {
      return Error::Validation("http.host", "must be an IP address or localhost");
    }
    address = asio::ip::make_address("127.0.0.1");
  }
  impl.ioc = std::make_unique<asio::io_context>(options.threads);
  auto acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*impl.ioc));
  const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(options.port));
  const std::string where = options.host + ":" + std::to_string(options.port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.reset();  // before the io_context it runs on
    impl.ioc.reset();
    return Error::Network(where, "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor->local_endpoint().port();
  impl.acceptor = std::move(acceptor);
  impl.retry = std::make_unique<asio::steady_timer>(impl.acceptor->get_executor());
  impl.shared.stopping = false;
  impl.started = true;
  impl.Accept();
  for (int i = 0; i < options.threads; ++i) {
    impl.threads.emplace_back([&impl] { impl.ioc->run(); });
  }
  return OkStatus();
}

void HttpServer::Stop() {
  Impl& impl = *impl_;
  if (!impl.started) return;
  impl.started = false;
  impl.shared.stopping = true;
  asio::post(impl.acceptor->get_executor(), [&impl] {
    beast::error_code ignored;
    impl.acceptor->close(ignored);
    impl.retry->cancel();
  });
  // Requests being handled get to answer; idle connections are dropped.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(impl.shared.options.stop_grace_ms);
  while (impl.shared.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl.ioc->stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  impl.retry.reset();
  impl.acceptor.reset();
  impl.ioc.reset();  // destroys the sessions it still holds, closing their sockets
  port_ = 0;
}

std::size_t HttpServer::connection_count() const { return impl_->shared.connections.load(); }

std::uint64_t HttpServer::requests_served() const { return impl_->shared.served.load(); }

}  // namespace xs::transport
