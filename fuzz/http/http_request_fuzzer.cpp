// Fuzzes the HTTP API's handling of untrusted requests: the bytes are one
// raw HTTP/1.1 request, parsed by Beast with the server's header and body
// limits, then routed by HttpApi over a registry of two test actions (one
// read, one write, both open to credentials) with fixed tokens.
// Invariants checked on every response:
//   * the body is a JSON envelope whose `ok` is true exactly when the status
//     is 200, with meta.requestId;
//   * an error's status is its category's (base/error.h HttpStatus), its
//     object carries _tag, code, category, message and context;
//   * a 200 needs a valid token: nothing but "admin-jwt.x.y" and "cred-token"
//     authenticates, and a handler only runs after authentication.
// Every input also goes through ParseQueryParams, which must return an
// object or a validation error.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "transport/http/http_api.h"
#include "transport/http/http_limits.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using xs::transport::Json;

constexpr std::string_view kAdminToken = "admin-jwt.x.y";
constexpr std::string_view kCredentialToken = "cred-token";

bool g_authenticated = false;

const xs::signet::ActionRegistry& Registry() {
  static const auto* registry = [] {
    auto* r = new xs::signet::ActionRegistry();
    auto handler = [](const Json& params, const xs::signet::CallContext&) -> xs::Result<Json> {
      if (!g_authenticated) std::abort();  // ran without a valid token
      if (params.contains("fail")) return xs::Error::Validation("fail", "asked to fail");
      return Json{{"echo", params}};
    };
    r->Register({.id = "test.read",
                 .description = "read",
                 .intent = xs::signet::Intent::kRead,
                 .admin_only = false,
                 .handler = handler});
    r->Register({.id = "test.write",
                 .description = "write",
                 .intent = xs::signet::Intent::kWrite,
                 .admin_only = false,
                 .handler = handler});
    return r;
  }();
  return *registry;
}

const xs::transport::HttpApi& Api() {
  static const auto* api = [] {
    xs::transport::HttpApiBackend backend;
    backend.registry = &Registry();
    backend.verify_admin = [](std::string_view jwt) -> xs::Result<std::string> {
      g_authenticated = jwt == kAdminToken;
      if (!g_authenticated) return xs::Error::Auth("bad admin token");
      return std::string("sha256:00");
    };
    backend.verify_credential = [](std::string_view token) -> xs::Result<std::string> {
      g_authenticated = token == kCredentialToken;
      if (!g_authenticated) return xs::Error::Auth("bad credential token");
      return std::string("cred_0000000000000000");
    };
    backend.health = [] { return Json{{"state", "running"}}; };
    return new xs::transport::HttpApi(std::move(backend));
  }();
  return *api;
}

void CheckEnvelope(const xs::transport::HttpResponse& response) {
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("ok") || !body["ok"].is_boolean()) std::abort();
  if (!body["meta"].is_object() || !body["meta"]["requestId"].is_string()) std::abort();
  const bool ok = body["ok"].get<bool>();
  if (ok != (response.status == 200)) std::abort();
  if (ok) return;
  const Json& error = body["error"];
  for (const char* member : {"_tag", "code", "category", "message", "context"}) {
    if (!error.contains(member)) std::abort();
  }
  xs::Category category;
  if (!error["category"].is_string() ||
      !xs::ParseCategory(error["category"].get<std::string>(), &category) ||
      xs::HttpStatus(category) != response.status) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto query = xs::transport::ParseQueryParams(text);
  if (query.ok() ? !query->is_object() : !query.error().IsValidation()) std::abort();

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(xs::transport::kHttpMaxHeaderBytes));
  parser.body_limit(xs::transport::kHttpMaxBodyBytes);
  parser.eager(true);
  beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  const auto& message = parser.get();
  xs::transport::HttpRequest request{
      std::string(message.method_string()), std::string(message.target()),
      std::string(message[http::field::authorization]), message.body()};
  g_authenticated = false;
  xs::transport::HttpResponse response = Api().Handle(request);
  CheckEnvelope(response);
  return 0;
}
