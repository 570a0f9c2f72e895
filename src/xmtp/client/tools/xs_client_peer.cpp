// xs-client-peer: our XMTP client behind a JSON-lines protocol, so that the
// interop tests (tests/interop, next to the SDK's sdk_peer.mjs) and the
// benchmarks drive several of our clients against one node.
//
//   xs-client-peer --url http://127.0.0.1:5556 [--db FILE --db-key-hex HEX]
//                  [--tls-ca FILE]
//
// An https:// URL is TLS, verified against the system roots or, with
// --tls-ca, against the PEM CA certificates in FILE only (a test node).
// The clients' store is FILE (default: a new file in $TMPDIR, removed at exit)
// sealed under the 32-byte key HEX (default: random). With both given, a
// restarted peer reopens its clients with "open".
//
// One request per stdin line, one response per stdout line, in order:
//   {"id":1,"op":"create","client":"a","exportWalletKey"?:true}
//       -> {"id":1,"result":{"inboxId","installationKey","address","walletKey"?:"0x.."}}
//   {"op":"addInstallation","client":"b","walletKey":"0x.."}  -> as create: a new
//       installation of the wallet's existing inbox
//   {"op":"open","client":"a","installationKey":hex}  -> {"inboxId"}   (from the store)
//   {"op":"createGroup","client":"a","members":[inboxIds],"name"?}   -> {"groupId"}
//   {"op":"createDm","client":"a","peer":inboxId}                    -> {"groupId"}
//   {"op":"addMembers"|"removeMembers","client","groupId","members"} -> {}
//   {"op":"updateName","client","groupId","name"}                    -> {}
//   {"op":"leave","client","groupId"}  -> {}: asks to be removed (a LeaveRequest)
//   {"op":"addAdmin"|"removeAdmin"|"addSuperAdmin"|"removeSuperAdmin",
//        "client","groupId","inboxId"}                               -> {}
//   {"op":"send","client","groupId","text"}                          -> {"messageId"}
//   {"op":"sendReply","client","groupId","reference","referenceInboxId"?,"text"} -> {"messageId"}
//   {"op":"sendReaction","client","groupId","reference","referenceInboxId"?,"emoji",
//        "action"?:"added"|"removed","version"?:1|2}                 -> {"messageId"}
//   {"op":"sendReadReceipt","client","groupId"}                      -> {"messageId"}
//   {"op":"sendRemoteAttachment","client","groupId","url","filename","mimeType"?,"text"}
//       -> {"messageId","payloadHex"}: the ciphertext (never uploaded anywhere)
//   {"op":"decryptAttachment","client","groupId","messageId","payloadHex"}
//       -> {"filename","mimeType","text"}: the message's remote attachment decrypted
//   {"op":"stream","client","action":"start"|"stop"}                 -> {}
//       while started, stream threads print {"event":"message","client","message":<as in
//       messages>} lines between responses (node order, each message once)
//   {"op":"stream","client","action":"readBack"}                     -> {}
//       a stream that prints nothing and confirms the client's sends, as the signet
//       runs its clients (Client::ReadBack::kStream): a send answers once the node
//       took it; "stop" ends it
//   {"op":"sync","client"}                                           -> {"joined":[groupIds]}
//   {"op":"syncGroup","client","groupId"}                            -> {}
//   {"op":"messages","client","groupId"}
//       -> {"messages":[{"id","kind","senderInboxId","contentType","sentAtNs","nodeId",
//       decoded: "text"? | "reply"{reference,referenceInboxId,text} |
//       "reaction"{reference,referenceInboxId,action,content,schema} | "readReceipt":true |
//       "remoteAttachment"{url,contentDigest,saltHex,nonceHex,scheme,contentLength,filename} |
//       "leaveRequest":true |
//       "groupUpdated"{initiatedBy,addedInboxes,removedInboxes,leftInboxes}}]}
//   {"op":"group","client","groupId"}
//       -> {"name","description","members","admins","superAdmins","epoch","kind","active",
//       "pendingRemoval"}
//   {"op":"conversations","client"}
//       -> {"conversations":[{"groupId","kind","name","dmPeerInboxId"}]}
//   {"op":"consent","client","entityType":"inbox"|"group","entity":inboxId|groupId}
//       -> {"state":"unknown"|"allowed"|"denied"}
//   {"op":"setConsent","client","entityType","entity","state"}  -> {}
// ("group" also answers "consent", the conversation's state.)
// Errors: {"id", "error": {"category","message"}}. Ids are hex. Rejected network
// input is logged on stderr.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/encoded_content.h"
#include "xmtp/content/envelope.h"
#include "xmtp/content/remote_attachment.h"
#include "xmtp/identity/signer.h"
#include "xmtp/store/store.h"

namespace {

using json = nlohmann::json;
using xs::Error;
using xs::Result;
using xs::Status;
namespace client = xs::xmtp::client;
namespace content = xs::xmtp::content;

// stdout carries responses (main thread) and stream events (stream threads).
std::mutex g_out_mu;

void WriteLine(const json& line) {
  std::lock_guard lock(g_out_mu);
  std::cout << line.dump() << std::endl;
}

struct Peer {
  client::ClientContext* ctx = nullptr;
  std::map<std::string, std::unique_ptr<client::Client>> clients;
  std::map<std::string, std::unique_ptr<client::MessageStream>> streams;
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
  json out = {
      {"id", xs::codec::HexEncode(m.id)},
      {"kind", m.kind == client::Message::Kind::kApplication ? "application" : "membership_change"},
      {"senderInboxId", m.sender_inbox_id},
      {"contentType", m.content.type.ToString()},
      {"sentAtNs", std::to_string(m.sent_ns)},
      {"nodeId", m.node_id}};
  const content::EncodedContent& c = m.content;
  if (auto text = content::DecodeText(c); text.ok()) out["text"] = *text;
  if (auto reply = content::DecodeReply(c); reply.ok()) {
    json r = {{"reference", reply->reference},
              {"referenceInboxId", reply->reference_inbox_id.value_or("")}};
    if (auto text = content::DecodeText(reply->content); text.ok()) r["text"] = *text;
    out["reply"] = r;
  }
  if (auto reaction = content::DecodeReaction(c); reaction.ok()) {
    const char* action = reaction->action == content::ReactionAction::kAdded     ? "added"
                         : reaction->action == content::ReactionAction::kRemoved ? "removed"
                                                                                 : "unspecified";
    out["reaction"] = {{"reference", reaction->reference},
                       {"referenceInboxId", reaction->reference_inbox_id},
                       {"action", action},
                       {"content", reaction->content},
                       {"schema", static_cast<int>(reaction->schema)}};
  }
  if (content::DecodeReadReceipt(c).ok()) out["readReceipt"] = true;
  if (content::DecodeLeaveRequest(c).ok()) out["leaveRequest"] = true;
  if (auto update = content::DecodeGroupUpdated(c); update.ok()) {
    out["groupUpdated"] = {{"initiatedBy", update->initiated_by_inbox_id},
                           {"addedInboxes", update->added_inboxes},
                           {"removedInboxes", update->removed_inboxes},
                           {"leftInboxes", update->left_inboxes}};
  }
  if (auto remote = content::DecodeRemoteAttachment(c); remote.ok()) {
    out["remoteAttachment"] = {{"url", remote->url},
                               {"contentDigest", remote->content_digest},
                               {"saltHex", xs::codec::HexEncode(remote->salt)},
                               {"nonceHex", xs::codec::HexEncode(remote->nonce)},
                               {"scheme", remote->scheme},
                               {"contentLength", remote->content_length},
                               {"filename", remote->filename.value_or("")}};
  }
  return out;
}

json ClientInfo(const client::Client& c, const xs::xmtp::identity::WalletKey& wallet,
                bool export_key) {
  json out = {{"inboxId", c.inbox_id()},
              {"installationKey", xs::codec::HexEncode(c.installation_key())},
              {"address", wallet.address()}};
  // Test tooling only: lets an SDK client sign in as the same wallet.
  if (export_key) out["walletKey"] = "0x" + wallet.ExportPrivateKeyHex();
  return out;
}

Result<const client::Message*> FindMessage(const std::vector<client::Message>& messages,
                                           const std::string& hex_id) {
  for (const auto& m : messages) {
    if (xs::codec::HexEncode(m.id) == hex_id) return &m;
  }
  return Error::NotFound("no message " + hex_id);
}

constexpr std::pair<client::ConsentState, const char*> kConsentNames[] = {
    {client::ConsentState::kUnknown, "unknown"},
    {client::ConsentState::kAllowed, "allowed"},
    {client::ConsentState::kDenied, "denied"}};

const char* ConsentName(client::ConsentState state) {
  for (const auto& [value, name] : kConsentNames) {
    if (value == state) return name;
  }
  return "unknown";
}

Result<client::ConsentState> ConsentOf(const std::string& name) {
  for (const auto& [value, known] : kConsentNames) {
    if (name == known) return value;
  }
  return Error::Validation("state", "unknown, allowed or denied");
}

// "consent" and "setConsent" on an inbox or a group.
Result<json> HandleConsent(client::Client& c, const std::string& op, const json& req) {
  XS_TRY(std::string type, Str(req, "entityType"));
  XS_TRY(std::string entity, Str(req, "entity"));
  if (type != "inbox" && type != "group") return Error::Validation("entityType", "inbox or group");
  if (op == "consent") {
    if (type == "inbox") {
      XS_TRY(auto state, c.InboxConsent(entity));
      return json{{"state", ConsentName(state)}};
    }
    XS_TRY(auto group_id, xs::codec::HexDecode(entity));
    XS_TRY(auto state, c.GroupConsent(group_id));
    return json{{"state", ConsentName(state)}};
  }
  XS_TRY(std::string name, Str(req, "state"));
  XS_TRY(client::ConsentState state, ConsentOf(name));
  if (type == "inbox") {
    XS_RETURN_IF_ERROR(c.SetInboxConsent(entity, state));
  } else {
    XS_TRY(auto group_id, xs::codec::HexDecode(entity));
    XS_RETURN_IF_ERROR(c.SetGroupConsent(group_id, state));
  }
  return json::object();
}

Result<json> Handle(Peer& peer, const json& req) {
  XS_TRY(std::string op, Str(req, "op"));
  if (op == "create") {
    XS_TRY(std::string name, Str(req, "client"));
    XS_TRY(auto wallet, xs::xmtp::identity::WalletKey::Generate());
    XS_TRY(auto c, client::Client::Register(*peer.ctx, wallet));
    json out = ClientInfo(*c, wallet, req.value("exportWalletKey", false));
    peer.clients[name] = std::move(c);
    return out;
  }
  if (op == "addInstallation") {
    XS_TRY(std::string name, Str(req, "client"));
    XS_TRY(std::string key, Str(req, "walletKey"));
    XS_TRY(auto wallet, xs::xmtp::identity::WalletKey::FromPrivateKeyHex(key));
    XS_TRY(auto c, client::Client::AddInstallation(*peer.ctx, wallet));
    json out = ClientInfo(*c, wallet, false);
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
  if (op == "stream") {
    XS_TRY(std::string name, Str(req, "client"));
    XS_TRY(std::string action, Str(req, "action"));
    if (action == "stop") {
      peer.streams.erase(name);  // the destructor stops it
      return json::object();
    }
    if (action != "start" && action != "readBack") {
      return Error::Validation("action", "start, readBack or stop");
    }
    if (peer.streams.count(name)) return Error::Validation("action", "already streaming");
    if (action == "readBack") {
      c->SetReadBack(client::Client::ReadBack::kStream);
      peer.streams[name] = c->StreamAll([](const client::Message&) {});
      return json::object();
    }
    peer.streams[name] = c->StreamAll([name](const client::Message& m) {
      WriteLine({{"event", "message"}, {"client", name}, {"message", MessageJson(m)}});
    });
    return json::object();
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
  if (op == "consent" || op == "setConsent") return HandleConsent(*c, op, req);
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
  if (op == "leave") {
    XS_RETURN_IF_ERROR(c->Leave(group_id));
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
  if (op == "sendReply") {
    XS_TRY(std::string text, Str(req, "text"));
    content::Reply reply;
    XS_TRY(reply.reference, Str(req, "reference"));
    if (auto inbox = Str(req, "referenceInboxId"); inbox.ok()) reply.reference_inbox_id = *inbox;
    reply.content = content::EncodeText(text);
    XS_TRY(auto id, c->Send(group_id, content::EncodeReply(reply)));
    return json{{"messageId", xs::codec::HexEncode(id)}};
  }
  if (op == "sendReaction") {
    content::Reaction reaction;
    XS_TRY(reaction.reference, Str(req, "reference"));
    XS_TRY(reaction.content, Str(req, "emoji"));
    reaction.reference_inbox_id = req.value("referenceInboxId", "");
    std::string action = req.value("action", "added");
    if (action != "added" && action != "removed") {
      return Error::Validation("action", "added or removed");
    }
    reaction.action =
        action == "added" ? content::ReactionAction::kAdded : content::ReactionAction::kRemoved;
    bool v1 = req.value("version", 2) == 1;
    XS_TRY(auto id, c->Send(group_id, v1 ? content::EncodeReactionV1(reaction)
                                         : content::EncodeReaction(reaction)));
    return json{{"messageId", xs::codec::HexEncode(id)}};
  }
  if (op == "sendReadReceipt") {
    XS_TRY(auto id, c->Send(group_id, content::EncodeReadReceipt()));
    return json{{"messageId", xs::codec::HexEncode(id)}};
  }
  if (op == "sendRemoteAttachment") {
    content::Attachment attachment;
    XS_TRY(std::string text, Str(req, "text"));
    XS_TRY(std::string filename, Str(req, "filename"));
    attachment.filename = filename;
    attachment.mime_type = req.value("mimeType", "text/plain");
    attachment.data.assign(text.begin(), text.end());
    XS_TRY(auto encrypted, content::EncryptAttachment(attachment));
    XS_TRY(encrypted.remote.url, Str(req, "url"));
    encrypted.remote.filename = filename;
    XS_TRY(auto id, c->Send(group_id, content::EncodeRemoteAttachment(encrypted.remote)));
    return json{{"messageId", xs::codec::HexEncode(id)},
                {"payloadHex", xs::codec::HexEncode(encrypted.payload)}};
  }
  if (op == "decryptAttachment") {
    XS_TRY(std::string message_id, Str(req, "messageId"));
    XS_TRY(std::string payload_hex, Str(req, "payloadHex"));
    XS_TRY(auto payload, xs::codec::HexDecode(payload_hex));
    XS_TRY(auto messages, c->Messages(group_id));
    XS_TRY(const client::Message* m, FindMessage(messages, message_id));
    XS_TRY(auto remote, content::DecodeRemoteAttachment(m->content));
    XS_TRY(auto attachment, content::DecryptAttachment(payload, remote));
    return json{{"filename", attachment.filename.value_or("")},
                {"mimeType", attachment.mime_type},
                {"text", std::string(attachment.data.begin(), attachment.data.end())}};
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
    XS_TRY(bool pending, c->PendingRemoval(group_id));
    return json{{"pendingRemoval", pending},
                {"name", v.name},
                {"description", v.description},
                {"members", v.members},
                {"admins", v.admins},
                {"superAdmins", v.super_admins},
                {"epoch", v.epoch},
                {"kind", v.kind == client::ConversationKind::kDm ? "dm" : "group"},
                {"active", v.active},
                {"consent", ConsentName(v.consent)}};
  }
  return Error::Validation("op", "unknown operation " + op);
}

// A CA bundle is a few kilobytes; refuse anything that is not a small file.
constexpr std::streamsize kMaxCaFileBytes = 1 << 20;

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path);
  std::string out(static_cast<std::size_t>(kMaxCaFileBytes) + 1, '\0');
  in.read(out.data(), kMaxCaFileBytes + 1);
  if (in.bad()) return Error::Internal("error reading " + path);
  if (in.gcount() > kMaxCaFileBytes) return Error::Validation("tls_ca", path + " is over 1 MiB");
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
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
    WriteLine(resp);
  }
  peer.streams.clear();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, db, db_key_hex, tls_ca_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--url") {
      url = argv[i + 1];
    } else if (flag == "--db") {
      db = argv[i + 1];
    } else if (flag == "--db-key-hex") {
      db_key_hex = argv[i + 1];
    } else if (flag == "--tls-ca") {
      tls_ca_file = argv[i + 1];
    } else {
      url.clear();
      break;
    }
  }
  if (url.empty()) {
    std::cerr << "usage: xs-client-peer --url http(s)://host:port [--db FILE --db-key-hex HEX]"
                 " [--tls-ca FILE]\n";
    return 2;
  }
  xs::xmtp::api::ApiOptions api_options;
  if (!tls_ca_file.empty()) {
    auto pem = ReadSmallFile(tls_ca_file);
    if (!pem.ok()) {
      std::cerr << "xs-client-peer: --tls-ca: " << pem.error().ToString() << "\n";
      return 2;
    }
    api_options.tls_ca_pem = std::move(*pem);
  }
  // Before the store: a refused URL or CA leaves no file behind (the
  // connection itself is made on the first call).
  auto api = xs::xmtp::api::ApiClient::Connect(url, api_options);
  if (!api.ok()) {
    std::cerr << "xs-client-peer: " << api.error().ToString() << "\n";
    return xs::ExitCode(api.error().category());
  }
  // A temporary store lives in a directory of its own (mkdtemp): a peer
  // killed with SIGKILL leaves its files behind, and a name made from the
  // pid met them again when the pid came back ("store key does not match").
  std::string temp_dir;
  const bool temporary = db.empty();
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/xs-client-peer-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "xs-client-peer: cannot create a temporary directory under "
                << (tmp != nullptr ? tmp : "/tmp") << "\n";
      return 1;
    }
    temp_dir = pattern;
    db = temp_dir + "/store.sqlite3";
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
  int code = Serve(**api, **store);
  if (temporary) {
    store->reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
    ::rmdir(temp_dir.c_str());
  }
  return code;
}
