// xs-client-peer: our XMTP client behind a JSON-lines protocol, so that the
// interop tests (tests/interop, next to the SDK's sdk_peer.mjs) and the
// benchmarks drive several of our clients against one node.
//
//   xs-client-peer --url http://127.0.0.1:5556 [--db FILE --db-key-hex HEX]
//
// The clients' store is FILE (default: a new file in $TMPDIR, removed at exit)
// sealed under the 32-byte key HEX (default: random). With both given, a
// restarted peer reopens its clients with "open".
//
// One request per stdin line, one response per stdout line, in order:
//   {"id":1,"op":"create","client":"a"}           -> {"id":1,"result":{"inboxId","installationKey","address"}}
//   {"op":"open","client":"a","installationKey":hex}  -> {"inboxId"}   (from the store)
//   {"op":"createGroup","client":"a","members":[inboxIds],"name"?}   -> {"groupId"}
//   {"op":"createDm","client":"a","peer":inboxId}                    -> {"groupId"}
//   {"op":"addMembers"|"removeMembers","client","groupId","members"} -> {}
//   {"op":"updateName","client","groupId","name"}                    -> {}
//   {"op":"addAdmin"|"removeAdmin"|"addSuperAdmin"|"removeSuperAdmin","client","groupId","inboxId"} -> {}
//   {"op":"send","client","groupId","text"}                          -> {"messageId"}
//   {"op":"sync","client"}                                           -> {"joined":[groupIds]}
//   {"op":"syncGroup","client","groupId"}                            -> {}
//   {"op":"messages","client","groupId"} -> {"messages":[{"id","kind","senderInboxId","contentType","text"?,"sentAtNs","nodeId"}]}
//   {"op":"group","client","groupId"}    -> {"name","description","members","admins","superAdmins","epoch","kind","active"}
//   {"op":"conversations","client"}      -> {"conversations":[{"groupId","kind","name","dmPeerInboxId"}]}
// Errors: {"id", "error": {"category","message"}}. Ids are hex. Rejected network
// input is logged on stderr.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/encoded_content.h"
#include "xmtp/content/envelope.h"
#include "xmtp/identity/signer.h"
#include "xmtp/store/store.h"

namespace {

using json = nlohmann::json;
using xs::Error;
using xs::Result;
using xs::Status;
namespace client = xs::xmtp::client;
namespace content = xs::xmtp::content;

struct Peer {
  client::ClientContext* ctx = nullptr;
  std::map<std::string, std::unique_ptr<client::Client>> clients;
  std::map<std::string, std::string> addresses;
};

Result<std::string> Str(const json& req, const char* key) {
  auto it = req.find(key);
  if (it == req.end() || !it->is_string()) return Error::Validation(key, "missing string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> StrList(const json& req, const char* key) {
  auto it = req.find(key);
  if (it == req.end() || !it->is_array()) return Error::Validation(key, "missing array");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) return Error::Validation(key, "not a string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<client::Bytes> GroupId(const json& req) {
  XS_TRY(std::string hex, Str(req, "groupId"));
  return xs::codec::HexDecode(hex);
}

Result<client::Client*> ClientOf(Peer& peer, const json& req) {
  XS_TRY(std::string name, Str(req, "client"));
  auto it = peer.clients.find(name);
  if (it == peer.clients.end()) return Error::NotFound("no client " + name);
  return it->second.get();
}

json MessageJson(const client::Message& m) {
  json out = {{"id", xs::codec::HexEncode(m.id)},
              {"kind", m.kind == client::Message::Kind::kApplication ? "application"
                                                                    : "membership_change"},
              {"senderInboxId", m.sender_inbox_id},
              {"contentType", m.content.type.ToString()},
              {"sentAtNs", std::to_string(m.sent_ns)},
              {"nodeId", m.node_id}};
  if (auto text = content::DecodeText(m.content); text.ok()) out["text"] = *text;
  return out;
}

Result<json> Handle(Peer& peer, const json& req) {
  XS_TRY(std::string op, Str(req, "op"));
  if (op == "create") {
    XS_TRY(std::string name, Str(req, "client"));
    XS_TRY(auto wallet, xs::xmtp::identity::WalletKey::Generate());
    XS_TRY(auto c, client::Client::Register(*peer.ctx, wallet));
    json out = {{"inboxId", c->inbox_id()},
                {"installationKey", xs::codec::HexEncode(c->installation_key())},
                {"address", wallet.address()}};
    peer.clients[name] = std::move(c);
    return out;
  }
  if (op == "open") {
    XS_TRY(std::string name, Str(req, "client"));
    XS_TRY(std::string hex, Str(req, "installationKey"));
    XS_TRY(auto key, xs::codec::HexDecode(hex));
    XS_TRY(auto c, client::Client::Open(*peer.ctx, key));
    json out = {{"inboxId", c->inbox_id()}};
    peer.clients[name] = std::move(c);
    return out;
  }
  XS_TRY(client::Client * c, ClientOf(peer, req));
  if (op == "createGroup") {
    XS_TRY(auto members, StrList(req, "members"));
    client::CreateGroupOptions options;
    if (auto name = Str(req, "name"); name.ok()) options.name = *name;
    XS_TRY(auto id, c->CreateGroup(members, options));
    return json{{"groupId", xs::codec::HexEncode(id)}};
  }
  if (op == "createDm") {
    XS_TRY(std::string peer_inbox, Str(req, "peer"));
    XS_TRY(auto id, c->FindOrCreateDm(peer_inbox));
    return json{{"groupId", xs::codec::HexEncode(id)}};
  }
  if (op == "sync") {
    XS_TRY(auto joined, c->SyncWelcomes());
    XS_RETURN_IF_ERROR(c->SyncAll());
    json ids = json::array();
    for (const auto& id : joined) ids.push_back(xs::codec::HexEncode(id));
    return json{{"joined", ids}};
  }
  if (op == "conversations") {
    json list = json::array();
    for (const auto& v : c->Conversations()) {
      list.push_back({{"groupId", xs::codec::HexEncode(v.group_id)},
                      {"kind", v.kind == client::ConversationKind::kDm ? "dm" : "group"},
                      {"name", v.name},
                      {"dmPeerInboxId", v.dm_peer_inbox_id}});
    }
    return json{{"conversations", list}};
  }
  XS_TRY(client::Bytes group_id, GroupId(req));
  if (op == "addMembers" || op == "removeMembers") {
    XS_TRY(auto members, StrList(req, "members"));
    XS_RETURN_IF_ERROR(op == "addMembers" ? c->AddMembers(group_id, members)
                                          : c->RemoveMembers(group_id, members));
    return json::object();
  }
  if (op == "addAdmin" || op == "removeAdmin" || op == "addSuperAdmin" ||
      op == "removeSuperAdmin") {
    XS_TRY(std::string inbox, Str(req, "inboxId"));
    auto change = op == "addAdmin"        ? client::Client::AdminChange::kAddAdmin
                  : op == "removeAdmin"   ? client::Client::AdminChange::kRemoveAdmin
                  : op == "addSuperAdmin" ? client::Client::AdminChange::kAddSuperAdmin
                                          : client::Client::AdminChange::kRemoveSuperAdmin;
    XS_RETURN_IF_ERROR(c->UpdateAdmins(group_id, change, inbox));
    return json::object();
  }
  if (op == "updateName") {
    XS_TRY(std::string name, Str(req, "name"));
    XS_RETURN_IF_ERROR(c->UpdateMetadata(group_id, "group_name", name));
    return json::object();
  }
  if (op == "send") {
    XS_TRY(std::string text, Str(req, "text"));
    XS_TRY(auto id, c->Send(group_id, content::EncodeText(text)));
    return json{{"messageId", xs::codec::HexEncode(id)}};
  }
  if (op == "syncGroup") {
    XS_RETURN_IF_ERROR(c->SyncGroup(group_id));
    return json::object();
  }
  if (op == "messages") {
    XS_TRY(auto messages, c->Messages(group_id));
    json list = json::array();
    for (const auto& m : messages) list.push_back(MessageJson(m));
    return json{{"messages", list}};
  }
  if (op == "group") {
    XS_TRY(client::GroupView v, c->Group(group_id));
    return json{{"name", v.name},
                {"description", v.description},
                {"members", v.members},
                {"admins", v.admins},
                {"superAdmins", v.super_admins},
                {"epoch", v.epoch},
                {"kind", v.kind == client::ConversationKind::kDm ? "dm" : "group"},
                {"active", v.active}};
  }
  return Error::Validation("op", "unknown operation " + op);
}

int Serve(xs::xmtp::api::ApiClient& api, xs::xmtp::store::Store& store) {
  client::ClientContext ctx(api, store, *xs::SystemClock::Get(),
                            [](std::string_view line) { std::cerr << line << "\n"; });
  Peer peer;
  peer.ctx = &ctx;
  std::string line;
  while (std::getline(std::cin, line)) {
    json req = json::parse(line, nullptr, /*allow_exceptions=*/false);
    json resp;
    if (req.is_discarded() || !req.is_object()) {
      resp = {{"error", {{"category", "validation"}, {"message", "not a JSON object"}}}};
    } else {
      if (req.contains("id")) resp["id"] = req["id"];
      auto result = Handle(peer, req);
      if (result.ok()) {
        resp["result"] = std::move(*result);
      } else {
        resp["error"] = {{"category", std::string(xs::CategoryName(result.error().category()))},
                         {"message", result.error().ToString()}};
      }
    }
    std::cout << resp.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, db, db_key_hex;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--url") {
      url = argv[i + 1];
    } else if (flag == "--db") {
      db = argv[i + 1];
    } else if (flag == "--db-key-hex") {
      db_key_hex = argv[i + 1];
    } else {
      url.clear();
      break;
    }
  }
  if (url.empty()) {
    std::cerr << "usage: xs-client-peer --url http(s)://host:port [--db FILE --db-key-hex HEX]\n";
    return 2;
  }
  bool temporary = db.empty();
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    db = std::string(tmp != nullptr ? tmp : "/tmp") + "/xs-client-peer-" +
         std::to_string(::getpid()) + ".sqlite3";
  }
  xs::crypto::Secret key = xs::crypto::Secret::Random(32);
  if (!db_key_hex.empty()) {
    auto bytes = xs::codec::HexDecode(db_key_hex);
    if (!bytes.ok() || bytes->size() != 32) {
      std::cerr << "xs-client-peer: --db-key-hex must be 64 hex digits\n";
      return 2;
    }
    key = xs::crypto::Secret::Copy(*bytes);
    std::fill(bytes->begin(), bytes->end(), 0);
  }
  auto store = xs::xmtp::store::Store::Open(db, key, *xs::SystemClock::Get());
  if (!store.ok()) {
    std::cerr << "xs-client-peer: " << store.error().ToString() << "\n";
    return xs::ExitCode(store.error().category());
  }
  auto api = xs::xmtp::api::ApiClient::Connect(url);
  if (!api.ok()) {
    std::cerr << "xs-client-peer: " << api.error().ToString() << "\n";
    return xs::ExitCode(api.error().category());
  }
  int code = Serve(**api, **store);
  if (temporary) {
    store->reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  }
  return code;
}
