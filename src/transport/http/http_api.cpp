#include "transport/http/http_api.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "signet/util/util.h"
#include "transport/admin/admin_jwt.h"
#include "transport/admin/json_rpc.h"
#include "transport/http/http_limits.h"

namespace xs::transport {

namespace {

constexpr std::string_view kHealthPath = "/v1/health";
constexpr std::string_view kAdminPrefix = "/v1/admin/";
constexpr std::string_view kCredentialPrefix = "/v1/credential/";
constexpr std::string_view kActionsPrefix = "/v1/actions/";
constexpr std::string_view kBearer = "bearer ";

Error MissingToken() { return Error::Auth("Missing authorization token"); }

Error RouteNotFound(const HttpRequest& request, std::string_view path) {
  return Error::NotFound("Route not found: " + request.method + " " + std::string(path));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "Bearer <token>" (scheme case-insensitive) -> the token.
Result<std::string_view> BearerToken(std::string_view header) {
  if (header.size() <= kBearer.size()) return MissingToken();
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBearer[i]) return MissingToken();
  }
  std::string_view token = header.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return MissingToken();
  if (token.size() > kHttpMaxTokenBytes) {
    return Error::Auth("authorization token exceeds " + std::to_string(kHttpMaxTokenBytes) +
                       " bytes");
  }
  return token;
}

// Admin JWTs are three dot-separated segments; credential tokens are
// base64url without dots.
bool LooksLikeJwt(std::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

// An empty body is {}; anything else must be a JSON object.
Result<Json> BodyParams(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json params = Json::parse(body, nullptr, false);
  if (params.is_discarded()) return Error::Validation("body", "invalid JSON");
  if (!params.is_object()) return Error::Validation("body", "must be a JSON object");
  return params;
}

// Action ids are dotted words: [A-Za-z0-9_-] and '.', nothing else.
bool ValidActionId(std::string_view id) {
  if (id.empty() || id.front() == '.' || id.back() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return Error::Validation("query", "invalid percent escape");
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return Error::Validation("query", "invalid percent escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// "5" -> 5, "true" -> true; anything else stays the string.
Json QueryValue(const std::string& text) {
  Json value = Json::parse(text, nullptr, false);
  if (!value.is_discarded() && (value.is_number() || value.is_boolean())) return value;
  return text;
}

}  // namespace

// One request on its way through the routes: what meta and the observer need.
struct HttpApi::Call {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  ResponseMeta meta;
  std::string action;  // the action id, or the route when there is none
};

Result<Json> ParseQueryParams(std::string_view query) {
  Json params = Json::object();
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    XS_TRY(std::string key, PercentDecode(pair.substr(0, eq)));
    if (key.empty()) return Error::Validation("query", "empty parameter name");
    XS_TRY(std::string text,
           PercentDecode(eq == std::string_view::npos ? "true" : pair.substr(eq + 1)));
    Json value = QueryValue(text);
    auto it = params.find(key);
    if (it == params.end()) {
      params[key] = std::move(value);
    } else {
      if (!it->is_array()) *it = Json::array({std::move(*it)});
      it->push_back(std::move(value));
    }
  }
  return params;
}

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

HttpApiBackend BackendFor(signet::Runtime& runtime, std::function<Json()> health,
                          const Clock* clock) {
  HttpApiBackend backend;
  backend.registry = &runtime.registry();
  backend.verify_admin = [&runtime, clock](std::string_view jwt) -> Result<std::string> {
    XS_TRY(AdminJwtClaims claims, VerifyAdminJwt(jwt, runtime.admin_public_key(),
                                                 runtime.admin_fingerprint(), clock->NowSeconds()));
    return claims.iss;
  };
  backend.verify_credential = [&runtime](std::string_view token) -> Result<std::string> {
    auto credential = runtime.AuthenticateToken(token);
    if (!credential.ok()) {
      // An unknown token says nothing about which tokens exist.
      if (credential.error().IsAuth()) return std::move(credential).error();
      return Error::Auth("invalid credential token");
    }
    return credential->id;
  };
  backend.health = std::move(health);
  backend.clock = clock;
  return backend;
}

HttpApi::HttpApi(HttpApiBackend backend) : backend_(std::move(backend)) {}

void HttpApi::AddRoute(std::string path, HttpRouteHandler handler) {
  routes_[std::move(path)] = std::move(handler);
}

void HttpApi::SetRequestObserver(std::function<void(const AdminRequestRecord&)> observer) {
  observer_ = std::move(observer);
}

HttpResponse HttpApi::ErrorResponse(const Error& error, int status) const {
  ResponseMeta meta{signet::NewPrefixedId("req_"), backend_.clock->NowMs(), 0};
  Json body = {{"ok", false}, {"error", ErrorObject(error)}, {"meta", MetaJson(meta)}};
  return {status != 0 ? status : HttpStatus(error.category()), "application/json", DumpLine(body)};
}

HttpResponse HttpApi::Handle(const HttpRequest& request) const {
  Call call;
  call.meta.request_id = signet::NewPrefixedId("req_");
  call.meta.started_ms = backend_.clock->NowMs();
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  if (auto route = routes_.find(path); route != routes_.end()) return route->second(request);
  call.action = std::string(path);
  return Route(request, call);
}

HttpResponse HttpApi::Route(const HttpRequest& request, Call& call) const {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  if (path == kHealthPath && request.method == "GET") {
    return Finish(backend_.health ? backend_.health() : Json::object(), call);
  }
  for (auto [prefix, caller] : {std::pair{kAdminPrefix, Caller::kAdmin},
                                std::pair{kCredentialPrefix, Caller::kCredential}}) {
    if (!StartsWith(path, prefix) || request.method != "POST") continue;
    std::string_view action = path.substr(prefix.size());
    if (!ValidActionId(action)) break;
    return Invoke(request, caller, std::string(action), BodyParams(request.body), call);
  }
  if (StartsWith(path, kActionsPrefix)) return ActionRoute(request, path, call);
  return Finish(RouteNotFound(request, path), call);
}

HttpResponse HttpApi::Invoke(const HttpRequest& request, Caller caller, std::string action,
                             Result<Json> params, Call& call) const {
  call.action = std::move(action);
  auto token = BearerToken(request.authorization);
  if (!token.ok()) return Finish(token.error(), call);
  if (caller == Caller::kEither) {
    caller = LooksLikeJwt(*token) ? Caller::kAdmin : Caller::kCredential;
  }
  signet::CallContext ctx;
  if (caller == Caller::kAdmin) {
    auto fingerprint = backend_.verify_admin(*token);
    if (!fingerprint.ok()) return Finish(fingerprint.error(), call);
    ctx.admin_key_fingerprint = *std::move(fingerprint);
  } else {
    auto credential_id = backend_.verify_credential(*token);
    if (!credential_id.ok()) return Finish(credential_id.error(), call);
    ctx.caller = signet::CallContext::Caller::kCredential;
    ctx.credential_id = *std::move(credential_id);
  }
  if (!params.ok()) return Finish(params.error(), call);
  RpcRequest rpc{nullptr, call.action, std::move(params).value()};
  if (caller == Caller::kAdmin) {
    ctx = AdminCallContext(rpc, std::move(ctx.admin_key_fingerprint), call.meta.request_id);
  } else {
    ctx.request_id = call.meta.request_id;
  }
  // No transport-level methods: the registry is the one place actions live.
  const RpcMethodTable no_methods;
  return Finish(Dispatch(rpc, no_methods, *backend_.registry, ctx), call);
}

HttpResponse HttpApi::ActionRoute(const HttpRequest& request, std::string_view path,
                                  Call& call) const {
  std::string id(path.substr(kActionsPrefix.size()));
  std::replace(id.begin(), id.end(), '/', '.');
  const signet::ActionSpec* spec = ValidActionId(id) ? backend_.registry->Find(id) : nullptr;
  const bool read = spec != nullptr && spec->intent == signet::Intent::kRead;
  if (spec == nullptr || request.method != (read ? "GET" : "POST")) {
    return Finish(RouteNotFound(request, path), call);
  }
  if (!read) return Invoke(request, Caller::kEither, std::move(id), BodyParams(request.body), call);
  std::string_view target = request.target;
  std::size_t question = target.find('?');
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  return Invoke(request, Caller::kEither, std::move(id), ParseQueryParams(query), call);
}

HttpResponse HttpApi::Finish(Result<Json> result, Call& call) const {
  call.meta.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - call.start)
          .count();
  if (observer_) {
    AdminRequestRecord record;
    record.method = call.action;
    record.request_id = call.meta.request_id;
    record.ok = result.ok();
    if (!result.ok()) record.category = std::string(CategoryName(result.error().category()));
    record.duration_ms = call.meta.duration_ms;
    observer_(record);
  }
  HttpResponse response;
  Json body;
  if (result.ok()) {
    body = {{"ok", true}, {"data", std::move(result).value()}, {"meta", MetaJson(call.meta)}};
  } else {
    response.status = HttpStatus(result.error().category());
    body = {{"ok", false}, {"error", ErrorObject(result.error())}, {"meta", MetaJson(call.meta)}};
  }
  response.body = DumpLine(body);
  return response;
}

}  // namespace xs::transport
