// HttpApi: the routes of the HTTP API (transport.md §4, decisions.md #10 and
// #15), free of sockets: one parsed request in, one response out. HttpServer
// (http_server.h) carries them over TCP; the fuzz target and the tests call
// Handle() directly too.
//
//   GET  /v1/health                 no auth; data = the daemon status
//   POST /v1/admin/<action id>      Authorization: Bearer <admin JWT>; body = params
//   POST /v1/credential/<action id> Authorization: Bearer <credential token>
//   /v1/actions/<id, "." -> "/">    either token; GET (params from the query
//                                   string) for a read action, POST (JSON body)
//                                   for write and destroy actions
//
// Every call goes through transport::Dispatch (json_rpc.h), the path the admin
// socket takes, into the one ActionRegistry: admin calls with
// AdminCallContext (so `dangerouslyAllowMessageRead` in the params elevates
// as it does on the socket), credential calls with CallContext{kCredential,
// credential id}. Bodies are the result envelope of decisions.md #15:
//   {"ok":true,"data":…,"meta":{"requestId","timestamp","durationMs"}}
//   {"ok":false,"error":{"_tag","code","category","message","context"},"meta":…}
// with the HTTP status of the error's category (base/error.h HttpStatus).
// A missing bearer is 401 "Missing authorization token"; a body that is not a
// JSON object 400; any other path or method 404
// "Route not found: <METHOD> <path>" (the legacy /v1/session/* included).
//
// More routes (issue 14's POST /mcp) plug in with AddRoute before serving.
//
// Thread contract: AddRoute and SetRequestObserver before the first Handle();
// Handle() is then safe from several threads at once (the backend's functions
// and the registry must be, as Runtime's are).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "signet/core/action.h"
#include "signet/core/runtime.h"
#include "transport/admin/admin_protocol.h"
#include "transport/admin/admin_server.h"

namespace xs::transport {

struct HttpRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // path and query: "/v1/actions/chat/list?limit=5"
  std::string authorization;  // the Authorization header, "" when absent
  std::string body;
  // Every header as received (names lower-case; a repeated header repeats),
  // for routes that read more than Authorization (POST /mcp).
  std::vector<std::pair<std::string, std::string>> headers = {};

  // The first value of header `name` (lower-case), "" when absent.
  std::string_view Header(std::string_view name) const;
};

// A streaming body (text/event-stream): once the status and headers are out
// (chunked), the server calls it with `write` (queues one chunk, in order;
// false once the stream is over) and `end` (finishes the response). It
// returns what the server calls once when the stream stops for another
// reason (the client left, the server stops). `write` and `end` may be
// called from any thread and never block.
using HttpStreamWrite = std::function<bool(std::string)>;
using HttpStreamOpen =
    std::function<std::function<void()>(HttpStreamWrite write, std::function<void()> end)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";  // "" = no Content-Type (no body)
  std::string body;
  // Extra response headers (Mcp-Session-Id, Allow, WWW-Authenticate, ...).
  std::vector<std::pair<std::string, std::string>> headers = {};
  // Set: the body streams (see HttpStreamOpen) instead of `body`.
  HttpStreamOpen stream = {};
};

// A route of its own (exact path), e.g. POST /mcp; it authenticates itself.
using HttpRouteHandler = std::function<HttpResponse(const HttpRequest&)>;

// What the routes need from the daemon. Runtime-backed by BackendFor().
struct HttpApiBackend {
  const signet::ActionRegistry* registry = nullptr;
  // An admin JWT -> the admin key's fingerprint (auth error otherwise).
  std::function<Result<std::string>(std::string_view jwt)> verify_admin;
  // A credential token -> the credential id (auth error otherwise).
  std::function<Result<std::string>(std::string_view token)> verify_credential;
  // GET /v1/health's data.
  std::function<Json()> health;
  // Timestamps of meta.
  const Clock* clock = SystemClock::Get();
};

// Admin JWTs verified with the runtime's admin key (as the admin socket
// does); credential tokens with Runtime::AuthenticateToken, an unknown token
// being an auth error here rather than not_found.
HttpApiBackend BackendFor(signet::Runtime& runtime, std::function<Json()> health,
                          const Clock* clock = SystemClock::Get());

class HttpApi {
 public:
  explicit HttpApi(HttpApiBackend backend);

  void AddRoute(std::string path, HttpRouteHandler handler);
  // Told about every request (no params, no results, no tokens).
  void SetRequestObserver(std::function<void(const AdminRequestRecord&)> observer);

  HttpResponse Handle(const HttpRequest& request) const;

  // An error response with its category's status (or `status` when not 0),
  // for what the server rejects before a request is whole (limits).
  HttpResponse ErrorResponse(const Error& error, int status = 0) const;

 private:
  struct Call;
  // Who may call: the admin routes, the credential routes, or the derived
  // action routes (an admin JWT or a credential token).
  enum class Caller { kAdmin, kCredential, kEither };
  HttpResponse Route(const HttpRequest& request, Call& call) const;
  // Authenticates (401 first), then rejects bad params (400), then dispatches.
  HttpResponse Invoke(const HttpRequest& request, Caller caller, std::string action,
                      Result<Json> params, Call& call) const;
  HttpResponse ActionRoute(const HttpRequest& request, std::string_view path, Call& call) const;
  HttpResponse Finish(Result<Json> result, Call& call) const;

  HttpApiBackend backend_;
  std::map<std::string, HttpRouteHandler, std::less<>> routes_;
  std::function<void(const AdminRequestRecord&)> observer_;
};

// Query string -> params: percent-decoded; a value that reads as a JSON
// number or boolean becomes one ("limit=5" -> 5), anything else stays a
// string; a repeated key becomes an array. Validation error on bad escapes.
Result<Json> ParseQueryParams(std::string_view query);

}  // namespace xs::transport
