// HTTP API throughput: each benchmark thread holds one keep-alive connection
// (Beast client, real TCP on 127.0.0.1) to an in-process HttpServer with its
// default 4 threads, and sends requests back to back:
//   * the error path: POST /v1/admin/<action> without a token (401) and an
//     unknown route (404), the envelope built and written every time;
//   * GET /v1/health with a small status document (200);
//   * a credential-authenticated POST of a registry action (200).
// Run with 1 and 16 connections; items/s is requests per second.
#include <benchmark/benchmark.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "transport/http/http_server.h"

namespace xs::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// One server for the whole run (started by the first thread that asks).
class BenchServer {
 public:
  static BenchServer& Get() {
    static BenchServer* server = new BenchServer();  // live until exit
    return *server;
  }
  int port() const { return server_->port(); }

 private:
  BenchServer() {
    registry_.Register(
        {.id = "bench.echo",
         .description = "echo",
         .intent = signet::Intent::kWrite,
         .admin_only = false,
         .handler = [](const Json& params, const signet::CallContext&) -> Result<Json> {
           return Json{{"echo", params}};
         }});
    HttpApiBackend backend;
    backend.registry = &registry_;
    backend.verify_admin = [](std::string_view) -> Result<std::string> {
      return Error::Auth("no admin in this benchmark");
    };
    backend.verify_credential = [](std::string_view token) -> Result<std::string> {
      if (token != "bench-token") return Error::Auth("invalid credential token");
      return std::string("cred_0000000000000000");
    };
    backend.health = [] { return Json{{"state", "running"}, {"pid", 1}, {"httpPort", 0}}; };
    api_ = std::make_unique<HttpApi>(std::move(backend));
    server_ = std::make_unique<HttpServer>(api_.get(), HttpServerOptions{});
    if (!server_->Start().ok()) {
      std::fprintf(stderr, "cannot start the HTTP server\n");
      std::abort();
    }
  }
  signet::ActionRegistry registry_;
  std::unique_ptr<HttpApi> api_;
  std::unique_ptr<HttpServer> server_;
};

void Run(benchmark::State& state, http::verb verb, const char* target, const char* token,
         const char* body, unsigned expected_status) {
  const int port = BenchServer::Get().port();
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
  http::request<http::string_body> request(verb, target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (token != nullptr) request.set(http::field::authorization, std::string("Bearer ") + token);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  for (auto _ : state) {
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    if (response.result_int() != expected_status) {
      state.SkipWithError("unexpected status");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_HttpMissingToken(benchmark::State& state) {
  Run(state, http::verb::post, "/v1/admin/chat.list", nullptr, "{}", 401);
}
void BM_HttpUnknownRoute(benchmark::State& state) {
  Run(state, http::verb::get, "/v1/nowhere", nullptr, "", 404);
}
void BM_HttpHealth(benchmark::State& state) {
  Run(state, http::verb::get, "/v1/health", nullptr, "", 200);
}
void BM_HttpCredentialCall(benchmark::State& state) {
  Run(state, http::verb::post, "/v1/credential/bench.echo", "bench-token", R"({"n":1})", 200);
}

BENCHMARK(BM_HttpMissingToken)->Threads(1)->Threads(16)->UseRealTime();
BENCHMARK(BM_HttpUnknownRoute)->Threads(1)->Threads(16)->UseRealTime();
BENCHMARK(BM_HttpHealth)->Threads(1)->Threads(16)->UseRealTime();
BENCHMARK(BM_HttpCredentialCall)->Threads(1)->Threads(16)->UseRealTime();

}  // namespace
}  // namespace xs::transport

BENCHMARK_MAIN();
