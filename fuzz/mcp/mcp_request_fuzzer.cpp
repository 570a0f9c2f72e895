// Fuzzes the MCP engine with arbitrary client messages: the input, split on
// '\n', is fed message by message to a session that has been initialized and
// subscribed to a chat, over a real action registry and the fake agent
// surface; a message.visible event is emitted after the last message.
// Invariants:
// - Handle never throws or crashes, whatever the bytes;
// - every answer is one JSON object {jsonrpc:"2.0", id, result|error} whose id
//   is null, a string or an integer, and error codes are integers;
// - the session stays usable: a ping after every message is answered;
// - every notification is a resources/updated for the subscribed chat;
// - after Close the session holds no sink of the agent plane.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "transport/mcp/mcp_server.h"
#include "transport/ws/testing/fake_agent_surface.h"

using xs::transport::mcp::Json;
using xs::transport::mcp::McpBackend;
using xs::transport::mcp::McpServer;
namespace signet = xs::signet;

namespace {

struct World {
  World() {
    surface.AddCredential("tok", "cred_f", {"conv_f"});
    registry.Register({"message.send", "Send", signet::Intent::kWrite, false, false,
                       [](const Json& p, const signet::CallContext&) -> xs::Result<Json> {
                         return Json{{"echo", p}};
                       }},
                      {{"chatId", signet::ParamType::kString, "The chat", true},
                       {"limit", signet::ParamType::kInteger, "Count"}});
    registry.Register({"message.list", "List", signet::Intent::kRead, true, false,
                       [](const Json& p, const signet::CallContext&) -> xs::Result<Json> {
                         if (p.value("chatId", "") != "conv_f") {
                           return xs::Error::NotFound("chat not found");
                         }
                         return Json::array();
                       }});
    registry.Register({"chat.list", "Chats", signet::Intent::kRead, true, false,
                       [](const Json&, const signet::CallContext&) -> xs::Result<Json> {
                         return Json::array({{{"id", "conv_f"}, {"name", "F"}}});
                       }});
    registry.Register({"operator.create", "Admin", signet::Intent::kWrite, false, true,
                       [](const Json&, const signet::CallContext&) { return Json::object(); }});
  }
  signet::ActionRegistry registry;
  xs::transport::ws::testing::FakeAgentSurface surface{16};
  McpServer server{McpBackend{&registry, &surface, "fuzz"}};
};

void CheckAnswer(const std::string& text) {
  Json answer = Json::parse(text, nullptr, false);
  if (!answer.is_object() || answer.value("jsonrpc", "") != "2.0") std::abort();
  auto id = answer.find("id");
  if (id == answer.end() || !(id->is_null() || id->is_string() || id->is_number_integer())) {
    std::abort();
  }
  auto error = answer.find("error");
  if (answer.contains("result") == (error != answer.end())) std::abort();
  if (error != answer.end() && !(*error)["code"].is_number_integer()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* world = new World();
  bool bad_note = false;
  auto session = world->server.Open("cred_f", [&bad_note](std::string note) {
    Json parsed = Json::parse(note, nullptr, false);
    if (!parsed.is_object() || parsed["method"] != "notifications/resources/updated" ||
        parsed["params"]["uri"] != "xmtp-signet://chats/conv_f/messages") {
      bad_note = true;
    }
  });
  session->Handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize",)"
                  R"("params":{"protocolVersion":"2025-11-25"}})");
  session->Handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  session->Handle(R"({"jsonrpc":"2.0","id":0,"method":"resources/subscribe",)"
                  R"("params":{"uri":"xmtp-signet://chats/conv_f/messages"}})");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    std::string_view message = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (auto answer = session->Handle(message)) CheckAnswer(*answer);
    auto pong = session->Handle(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    if (!pong || pong->find("\"result\"") == std::string::npos) std::abort();
  }
  world->surface.Emit("cred_f", {{"type", "message.visible"}, {"groupId", "conv_f"}});
  session->Close();
  if (bad_note || world->surface.sink_count("cred_f") != 0) std::abort();
  return 0;
}
