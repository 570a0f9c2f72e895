// The frame rules of transport.md §1 that need no socket: what an auth frame
// and a request envelope must look like, and the exact text of the server's
// own frames.
#include "transport/ws/ws_frames.h"

#include <gtest/gtest.h>

namespace xs::transport::ws {
namespace {

TEST(AuthFrame, AcceptsTokenAndNullOrNonNegativeSeq) {
  auto fresh = ParseAuthFrame(R"({"type":"auth","token":"t","lastSeenSeq":null})");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->token, "t");
  EXPECT_FALSE(fresh->last_seen_seq.has_value());
  auto resume = ParseAuthFrame(R"({"type":"auth","token":"t","lastSeenSeq":7})");
  ASSERT_TRUE(resume.ok());
  EXPECT_EQ(resume->last_seen_seq, 7u);
}

TEST(AuthFrame, RejectsEveryMalformedShapeAsValidation) {
  for (const char* text : {
           "not json", "[]",
           R"({"token":"t","lastSeenSeq":null})",                 // no type
           R"({"type":"hello","token":"t","lastSeenSeq":null})",  // wrong type
           R"({"type":"auth","lastSeenSeq":null})",               // no token
           R"({"type":"auth","token":5,"lastSeenSeq":null})",     // token not a string
           R"({"type":"auth","token":"","lastSeenSeq":null})",    // empty token
           R"({"type":"auth","token":"t"})",                      // lastSeenSeq key required
           R"({"type":"auth","token":"t","lastSeenSeq":-1})",     // negative
           R"({"type":"auth","token":"t","lastSeenSeq":1.5})",    // not an integer
           R"({"type":"auth","token":"t","lastSeenSeq":"3"})",    // not a number
           R"({"type":"auth","token":"t","lastSeenSeq":null,"sessionId":"s"})",  // decisions #10
       }) {
    auto parsed = ParseAuthFrame(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_TRUE(parsed.error().IsValidation()) << text;
  }
  std::string long_token(kMaxTokenBytes + 1, 'x');
  EXPECT_FALSE(
      ParseAuthFrame(R"({"type":"auth","lastSeenSeq":null,"token":")" + long_token + "\"}").ok());
}

TEST(RequestFrame, KnownTypesWithStringRequestIdAreOk) {
  for (const char* type : {"send_message", "send_reply", "send_reaction", "update_scopes",
                           "reveal_content", "confirm_action", "heartbeat"}) {
    std::string text = std::string(R"({"type":")") + type + R"(","requestId":"r1"})";
    ParsedRequest p = ParseRequestFrame(text);
    EXPECT_EQ(p.verdict, RequestVerdict::kOk) << type;
    EXPECT_EQ(p.request_id, "r1");
    EXPECT_EQ(p.type, type);
  }
}

TEST(RequestFrame, SchemaFailuresKeepTheRequestIdWhenThereIsOne) {
  EXPECT_EQ(ParseRequestFrame("{nope").verdict, RequestVerdict::kInvalidJson);
  EXPECT_EQ(ParseRequestFrame("[1]").verdict, RequestVerdict::kInvalidNoId);
  EXPECT_EQ(ParseRequestFrame(R"({"type":"heartbeat"})").verdict, RequestVerdict::kInvalidNoId);
  EXPECT_EQ(ParseRequestFrame(R"({"type":"heartbeat","requestId":3})").verdict,
            RequestVerdict::kInvalidNoId);
  for (const char* text : {
           R"({"requestId":"r"})",                                     // no type
           R"({"requestId":"r","type":7})",                            // type not a string
           R"({"requestId":"r","type":"auth"})",                       // not a request
           R"({"requestId":"r","type":"update_view"})",                // decisions #10
           R"({"requestId":"r","type":"heartbeat","sessionId":"s"})",  // decisions #10
       }) {
    ParsedRequest p = ParseRequestFrame(text);
    EXPECT_EQ(p.verdict, RequestVerdict::kInvalidWithId) << text;
    EXPECT_EQ(p.request_id, "r") << text;
  }
  std::string long_id(kMaxRequestIdBytes + 1, 'r');
  EXPECT_EQ(ParseRequestFrame(R"({"type":"heartbeat","requestId":")" + long_id + "\"}").verdict,
            RequestVerdict::kInvalidNoId);
}

TEST(ServerFrames, ResponsesHaveTheSpecShape) {
  EXPECT_EQ(Json::parse(OkResponse("r", Json{{"a", 1}})),
            (Json{{"ok", true}, {"requestId", "r"}, {"data", {{"a", 1}}}}));
  EXPECT_EQ(Json::parse(InvalidRequestResponse("r")), (Json{{"ok", false},
                                                            {"requestId", "r"},
                                                            {"error",
                                                             {{"code", 1000},
                                                              {"category", "validation"},
                                                              {"message", "Invalid request frame"},
                                                              {"context", nullptr}}}}));
  Json timeout = Json::parse(TimeoutResponse("r", "send_message", 30000));
  EXPECT_EQ(timeout["error"],
            (Json{{"code", 1500},
                  {"category", "timeout"},
                  {"message", "Request timed out"},
                  {"context", {{"operation", "send_message"}, {"timeoutMs", 30000}}}}));
  Json internal = Json::parse(InternalErrorResponse("r"));
  EXPECT_EQ(internal["error"]["code"], 1400);
  EXPECT_EQ(internal["error"]["category"], "internal");
  EXPECT_EQ(internal["error"]["message"], "Internal error");
  Json permission = Json::parse(ErrorResponse("r", Error::Permission("Permission denied: send")));
  EXPECT_EQ(permission["error"]["code"], 1200);
  EXPECT_EQ(permission["error"]["category"], "permission");
  EXPECT_EQ(permission["error"]["context"], nullptr);
  Json validation = Json::parse(ErrorResponse("r", Error::Validation("groupId", "missing")));
  EXPECT_TRUE(validation["error"]["context"].is_object());
}

// The error answer is built by hand for speed: its bytes must stay what the
// JSON serializer writes, escapes and invalid UTF-8 included.
TEST(ServerFrames, ErrorResponseStringsAreWhatTheSerializerWrites) {
  auto dump = [](std::string_view text) {
    return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  for (std::string_view text :
       {std::string_view("r-1"), std::string_view("say \"hi\""), std::string_view("back\\slash"),
        std::string_view("tab\there\nline"), std::string_view("\x01\x1f\x7f"),
        std::string_view("caf\xc3\xa9 \xe2\x9c\x93"), std::string_view("bad \xff\xc3 utf8"),
        std::string_view("")}) {
    Error error = Error::Permission(std::string(text));
    EXPECT_EQ(ErrorResponse(text, error),
              "{\"ok\":false,\"requestId\":" + dump(text) +
                  ",\"error\":{\"code\":" + std::to_string(error.code()) +
                  ",\"category\":\"permission\",\"message\":" + dump(text) + ",\"context\":null}}")
        << text;
    EXPECT_EQ(OkResponse(text, Json(1)),
              "{\"ok\":true,\"requestId\":" + dump(text) + ",\"data\":1}")
        << text;
  }
}

TEST(ServerFrames, AuthErrorAndBackpressure) {
  EXPECT_EQ(Json::parse(AuthErrorFrame(4001, "no")),
            (Json{{"type", "auth_error"}, {"code", 4001}, {"message", "no"}}));
  EXPECT_EQ(Json::parse(BackpressureFrame(64, 256)),
            (Json{{"type", "backpressure"}, {"buffered", 64}, {"limit", 256}}));
}

TEST(ServerFrames, AuthenticatedCarriesCredentialScopesAndResume) {
  signet::agent::AuthInfo who{.credential_id = "cred_1",
                              .operator_id = "op_1",
                              .fingerprint = "sha256:ab",
                              .issued_at = "2026-01-01T00:00:00.000Z",
                              .expires_at = "2026-01-02T00:00:00.000Z",
                              .effective_scopes = {{"allow", {"send"}}, {"deny", Json::array()}}};
  Json frame = Json::parse(AuthenticatedFrame("conn_1_1", who, 4));
  EXPECT_EQ(frame["type"], "authenticated");
  EXPECT_EQ(frame["connectionId"], "conn_1_1");
  EXPECT_EQ(frame["credential"], (Json{{"credentialId", "cred_1"},
                                       {"operatorId", "op_1"},
                                       {"fingerprint", "sha256:ab"},
                                       {"issuedAt", "2026-01-01T00:00:00.000Z"},
                                       {"expiresAt", "2026-01-02T00:00:00.000Z"}}));
  EXPECT_EQ(frame["effectiveScopes"]["allow"], Json::array({"send"}));
  EXPECT_EQ(frame["resumedFromSeq"], 4);
  EXPECT_TRUE(Json::parse(AuthenticatedFrame("c", who, std::nullopt))["resumedFromSeq"].is_null());
}

}  // namespace
}  // namespace xs::transport::ws
