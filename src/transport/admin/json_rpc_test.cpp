// ParseRequest, Dispatch and WriteEnvelope without a socket: the framing
// rules of json_rpc.h, the method lookup order and the exact response lines.
#include "transport/admin/json_rpc.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace xs::transport {
namespace {

RpcRequest Accepted(std::string_view line) {
  ParsedRequest parsed = ParseRequest(line);
  if (auto* rejected = std::get_if<RpcRejection>(&parsed)) {
    ADD_FAILURE() << "rejected " << line << ": " << rejected->error.ToString();
    return {};
  }
  return std::get<RpcRequest>(std::move(parsed));
}

RpcRejection Rejected(std::string_view line) {
  ParsedRequest parsed = ParseRequest(line);
  if (auto* rejected = std::get_if<RpcRejection>(&parsed)) return *rejected;
  ADD_FAILURE() << "accepted " << line;
  return {nullptr, {}, Error::Internal("accepted"), 0};
}

// Expects an invalid-request rejection with `reason` (field "request").
void ExpectInvalidRequest(const RpcRejection& rejection, const Json& id, int code,
                          std::string_view reason) {
  EXPECT_EQ(rejection.id, id);
  EXPECT_EQ(rejection.json_rpc_code, code);
  EXPECT_TRUE(rejection.error.IsValidation());
  EXPECT_EQ(rejection.error.message(), "Validation failed on 'request': " + std::string(reason));
  EXPECT_TRUE(rejection.method.empty());
}

TEST(ParseRequestTest, ValidRequestIsTyped) {
  RpcRequest request =
      Accepted(R"({"jsonrpc":"2.0","id":"a1","method":"operator.list","params":{"x":1}})");
  EXPECT_EQ(request.id, Json("a1"));
  EXPECT_EQ(request.method, "operator.list");
  EXPECT_EQ(request.params, (Json{{"x", 1}}));
}

TEST(ParseRequestTest, AbsentOrNullParamsBecomeAnEmptyObject) {
  for (std::string_view line : {R"({"jsonrpc":"2.0","id":1,"method":"m"})",
                                R"({"jsonrpc":"2.0","id":1,"method":"m","params":null})"}) {
    RpcRequest request = Accepted(line);
    EXPECT_TRUE(request.params.is_object()) << line;
    EXPECT_TRUE(request.params.empty()) << line;
  }
}

TEST(ParseRequestTest, IdKeepsItsJsonKind) {
  RpcRequest number = Accepted(R"({"jsonrpc":"2.0","id":42,"method":"m"})");
  EXPECT_TRUE(number.id.is_number_integer());
  EXPECT_EQ(number.id, Json(42));
  RpcRequest negative = Accepted(R"({"jsonrpc":"2.0","id":-7,"method":"m"})");
  EXPECT_EQ(negative.id, Json(-7));
  RpcRequest text = Accepted(R"({"jsonrpc":"2.0","id":"42","method":"m"})");
  EXPECT_TRUE(text.id.is_string());
  EXPECT_EQ(text.id, Json("42"));
}

TEST(ParseRequestTest, IdMustBeAStringOrAnInteger) {
  for (std::string_view line :
       {R"({"jsonrpc":"2.0","method":"m"})", R"({"jsonrpc":"2.0","id":null,"method":"m"})",
        R"({"jsonrpc":"2.0","id":1.5,"method":"m"})", R"({"jsonrpc":"2.0","id":true,"method":"m"})",
        R"({"jsonrpc":"2.0","id":{"a":1},"method":"m"})",
        R"({"jsonrpc":"1.0","id":[1],"method":""})"}) {
    SCOPED_TRACE(line);
    ExpectInvalidRequest(Rejected(line), nullptr, kJsonRpcInvalidRequest,
                         "id must be a string or an integer");
  }
}

TEST(ParseRequestTest, NotJsonIsAParseError) {
  for (std::string_view line : {"not json", R"({"jsonrpc":"2.0",)", ""}) {
    SCOPED_TRACE(line);
    ExpectInvalidRequest(Rejected(line), nullptr, kJsonRpcParseError, "invalid JSON");
  }
}

TEST(ParseRequestTest, RequestMustBeAnObject) {
  for (std::string_view line : {"[1,2]", R"("text")", "7", "null"}) {
    SCOPED_TRACE(line);
    ExpectInvalidRequest(Rejected(line), nullptr, kJsonRpcInvalidRequest,
                         "a JSON-RPC request must be an object");
  }
}

TEST(ParseRequestTest, JsonRpcMustBeTwoPointZeroAndTheIdIsEchoed) {
  for (std::string_view line :
       {R"({"id":"r","method":"m"})", R"({"jsonrpc":"1.0","id":"r","method":"m"})",
        R"({"jsonrpc":2.0,"id":"r","method":"m"})"}) {
    SCOPED_TRACE(line);
    ExpectInvalidRequest(Rejected(line), "r", kJsonRpcInvalidRequest, "jsonrpc must be \"2.0\"");
  }
}

TEST(ParseRequestTest, MethodMustBeANonEmptyString) {
  for (std::string_view line :
       {R"({"jsonrpc":"2.0","id":3})", R"({"jsonrpc":"2.0","id":3,"method":""})",
        R"({"jsonrpc":"2.0","id":3,"method":5})", R"({"jsonrpc":"2.0","id":3,"method":null})"}) {
    SCOPED_TRACE(line);
    ExpectInvalidRequest(Rejected(line), 3, kJsonRpcInvalidRequest,
                         "method must be a non-empty string");
  }
}

TEST(ParseRequestTest, ParamsMustBeAnObject) {
  for (std::string_view line : {R"({"jsonrpc":"2.0","id":"p","method":"m","params":[1]})",
                                R"({"jsonrpc":"2.0","id":"p","method":"m","params":"x"})"}) {
    SCOPED_TRACE(line);
    RpcRejection rejection = Rejected(line);
    EXPECT_EQ(rejection.id, Json("p"));
    EXPECT_EQ(rejection.method, "m");       // known, so the request log names it
    EXPECT_EQ(rejection.json_rpc_code, 0);  // the validation category's code
    EXPECT_EQ(rejection.error.message(), "Validation failed on 'params': must be a JSON object");
  }
}

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signet::ActionSpec echo;
    echo.id = "registry.echo";
    echo.handler = [](const Json& params, const signet::CallContext& ctx) -> Result<Json> {
      return Json{{"from", "registry"}, {"params", params}, {"requestId", ctx.request_id}};
    };
    registry_.Register(echo);
    signet::ActionSpec shadowed;
    shadowed.id = "shared.name";
    shadowed.handler = [](const Json&, const signet::CallContext&) -> Result<Json> {
      return Json("registry");
    };
    registry_.Register(shadowed);
    methods_["shared.name"] = [](const Json&, const signet::CallContext&) -> Result<Json> {
      return Json("table");
    };
    methods_["table.fails"] = [](const Json&, const signet::CallContext&) -> Result<Json> {
      return Error::Permission("not for you");
    };
    methods_["table.throws"] = [](const Json&, const signet::CallContext&) -> Result<Json> {
      throw std::runtime_error("bug");
    };
    ctx_.request_id = "req_test";
  }

  Result<Json> Run(std::string method, Json params = Json::object()) {
    return Dispatch(RpcRequest{1, std::move(method), std::move(params)}, methods_, registry_, ctx_);
  }

  signet::ActionRegistry registry_;
  RpcMethodTable methods_;
  signet::CallContext ctx_;
};

TEST_F(DispatchTest, RegistryActionGetsParamsAndContext) {
  auto result = Run("registry.echo", {{"k", "v"}});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(*result,
            (Json{{"from", "registry"}, {"params", {{"k", "v"}}}, {"requestId", "req_test"}}));
}

TEST_F(DispatchTest, MethodTableIsLookedUpBeforeTheRegistry) {
  auto result = Run("shared.name");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, Json("table"));
}

TEST_F(DispatchTest, UnknownMethodIsTheRegistrysNotFound) {
  auto result = Run("no.such");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsNotFound());
  EXPECT_EQ(result.error().message(), "unknown action: no.such");
}

TEST_F(DispatchTest, HandlerErrorComesBackWithItsCategory) {
  auto result = Run("table.fails");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsPermission());
  std::string line = WriteEnvelope(7, std::move(result), ResponseMeta{"req_x", 0, 0});
  Json envelope = Json::parse(line);
  EXPECT_EQ(envelope["id"], 7);
  EXPECT_EQ(envelope["error"]["code"], JsonRpcCode(Category::kPermission));
  EXPECT_EQ(envelope["error"]["data"]["category"], "permission");
  EXPECT_EQ(envelope["error"]["data"]["_tag"], "PermissionError");
  EXPECT_EQ(envelope["error"]["message"], "not for you");
}

TEST_F(DispatchTest, ThrowingHandlerBecomesAnInternalError) {
  auto result = Run("table.throws");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsInternal());
  EXPECT_EQ(result.error().message(), "internal error in table.throws");
}

TEST(AdminCallContextTest, AdminCallerWithFingerprintRequestIdAndReadFlag) {
  RpcRequest request{1, "m", {{"dangerouslyAllowMessageRead", true}}};
  signet::CallContext ctx = AdminCallContext(request, "fp", "req_1");
  EXPECT_EQ(ctx.caller, signet::CallContext::Caller::kAdmin);
  EXPECT_EQ(ctx.admin_key_fingerprint, "fp");
  EXPECT_EQ(ctx.request_id, "req_1");
  EXPECT_TRUE(ctx.dangerously_allow_message_read);

  request.params = {{"dangerouslyAllowMessageRead", "true"}};  // not a boolean: ignored
  EXPECT_FALSE(AdminCallContext(request, "fp", "req_1").dangerously_allow_message_read);
}

// 1700000000123 ms is 2023-11-14T22:13:20.123Z.
const ResponseMeta kMeta{"req_1", 1700000000123, 1.5};

TEST(WriteEnvelopeTest, SuccessLine) {
  EXPECT_EQ(WriteEnvelope("a", Json{{"x", 1}}, kMeta),
            R"({"id":"a","jsonrpc":"2.0","result":{"data":{"x":1},"meta":{"durationMs":1.5,)"
            R"("requestId":"req_1","timestamp":"2023-11-14T22:13:20.123Z"},"ok":true}})");
}

TEST(WriteEnvelopeTest, ErrorLineCarriesTheErrorObjectMetaAndContextMembers) {
  EXPECT_EQ(WriteEnvelope(9, Error::Validation("name", "too long"), kMeta),
            R"({"error":{"code":-32602,"data":{"_tag":"ValidationError","category":"validation",)"
            R"("code":1000,"context":{"field":"name","reason":"too long"},"field":"name",)"
            R"("message":"Validation failed on 'name': too long","meta":{"durationMs":1.5,)"
            R"("requestId":"req_1","timestamp":"2023-11-14T22:13:20.123Z"},"reason":"too long"},)"
            R"("message":"Validation failed on 'name': too long"},"id":9,"jsonrpc":"2.0"})");
}

TEST(WriteEnvelopeTest, RejectionUsesItsFramingCodeAndId) {
  EXPECT_EQ(
      WriteEnvelope(Rejected("not json"), kMeta),
      R"({"error":{"code":-32700,"data":{"_tag":"ValidationError","category":"validation",)"
      R"("code":1000,"context":{"field":"request","reason":"invalid JSON"},"field":"request",)"
      R"("message":"Validation failed on 'request': invalid JSON","meta":{"durationMs":1.5,)"
      R"("requestId":"req_1","timestamp":"2023-11-14T22:13:20.123Z"},"reason":"invalid JSON"},)"
      R"("message":"Validation failed on 'request': invalid JSON"},"id":null,"jsonrpc":"2.0"})");
  // Without a framing code, the category's code answers (params errors).
  Json params = Json::parse(
      WriteEnvelope(Rejected(R"({"jsonrpc":"2.0","id":"p","method":"m","params":[1]})"), kMeta));
  EXPECT_EQ(params["id"], "p");
  EXPECT_EQ(params["error"]["code"], JsonRpcCode(Category::kValidation));
}

}  // namespace
}  // namespace xs::transport
