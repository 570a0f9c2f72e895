// Stateful fuzzing of the native XMTP client's receive path (xmtp/client
// sync.cpp: SyncWelcomes, JoinFromWelcome, Catchup, ApplyNodeMessages)
// against recorded traffic, through the same gRPC responses the network
// gives.
//
// At start-up a scenario runs against the node's handlers served in-process
// (no socket): alice creates group G with bob, sends, adds carol, carol
// sends and renames while alice, not seeing it yet, commits an add of dave
// in the same epoch (hers loses and is rebuilt), dave sends, alice removes
// carol and sends, then alice creates a second group G2 with bob. Bob only
// receives. His store is snapshotted before any group (S0) and after joining
// G (S1); the node's log of both groups and bob's Welcomes is kept, and the
// members and name of G at every epoch alice went through.
//
// Each input starts bob afresh from a copy of one snapshot (a tmpfs SQLite
// file) and is a program: queue pages of recorded GroupMessages or
// WelcomeMessages, each dropped, duplicated, reordered, truncated,
// bit-flipped, spliced, given another group's id, a bogus id (cursor) or
// created_ns, padded to a full page, or served again for every later query
// (a node that ignores the cursor); run SyncWelcomes / SyncGroup / SyncAll, which the fake MlsApi
// answers with the queued pages; or sync against the honest log up to a
// point. Then bob syncs the honest log to its end. Checked, abort on
// violation (besides "no crash / sanitizer report"):
//   * every sync call succeeds (hostile input is logged and skipped, never
//     returned, never thrown), except syncing a group bob does not hold
//     (NotFound);
//   * no fork: bob's view of G at epoch e is the one honest members had at
//     e (or the one the losing commit leads to: a node may order it first);
//     bob is never inactive;
//   * per group, the epoch and the stored cursor never go back, nor does
//     the welcome cursor; a message is never stored twice (ids and node ids
//     unique);
//   * only the texts sent in a group are ever stored in it;
//   * after the honest log: bob is where a model of the log says the client
//     must end from where the program left it (same epoch, members, name as
//     the honest run when nothing was lost; a node that made bob skip a
//     commit may leave him behind, never elsewhere).
// XS_CLIENT_FUZZ_LOG=1 prints the client's log lines, XS_CLIENT_FUZZ_STATS=1
// how far the programs get.
#include <fuzzer/FuzzedDataProvider.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "mls/messages/serialize.h"
#include "node/broker.h"
#include "node/handlers.h"
#include "node/services.h"
#include "node/store.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"
#include "xmtp/group/constants.h"
#include "xmtp/store/sealer.h"
#include "xmtp/store/store.h"

namespace {

using Bytes = std::vector<std::uint8_t>;
using xs::Clock;
using xs::Error;
using xs::OkStatus;
using xs::Result;
using xs::Status;
using xs::SystemClock;
namespace mlsv1 = ::xmtp::mls::api::v1;
using xs::xmtp::client::Client;
using xs::xmtp::client::ClientContext;
using xs::xmtp::client::GroupView;

constexpr std::size_t kMaxOperations = 16;
constexpr std::size_t kMaxPageItems = 8;
constexpr std::size_t kMaxMutations = 3;
constexpr std::uint32_t kPageLimit = 100;

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "client_sync fuzzer: invariant violated: %s\n", why.c_str());
  std::abort();
}

void Check(bool invariant, const std::string& why) {
  if (!invariant) Fail(why);
}

[[noreturn]] void SetupFailed(const std::string& step, const Error& e) {
  std::fprintf(stderr, "client_sync fuzzer: setup step '%s' failed: %s\n", step.c_str(),
               e.ToString().c_str());
  std::abort();
}

template <typename T>
T Must(Result<T> r, const std::string& step) {
  if (!r.ok()) SetupFailed(step, r.error());
  return std::move(r).value();
}

void Must(const Status& s, const std::string& step) {
  if (!s.ok()) SetupFailed(step, s.error());
}

template <typename T>
Status StatusOf(const Result<T>& r) {
  if (r.ok()) return OkStatus();
  return r.error();
}

// What the no-fork and convergence checks compare.
struct View {
  std::uint64_t epoch = 0;
  std::vector<std::string> members;
  std::string name;
  bool operator==(const View&) const = default;
};

View ViewOf(const GroupView& g) { return {g.epoch, g.members, g.name}; }

// A commit of the log, by the clear header of its MLS message.
struct CommitLabel {
  std::uint64_t id = 0;
  std::uint64_t epoch = 0;  // the epoch it starts from
  bool losing = false;      // a commit of that epoch came first
};

struct GroupLog {
  Bytes group_id;
  std::vector<mlsv1::GroupMessage> messages;  // node order
  std::vector<CommitLabel> commits;
  std::map<std::uint64_t, View> honest;  // epoch -> view
  // The epoch the losing commit leads to, and what it looks like there.
  std::optional<View> losing;
  // The texts sent in the group.
  std::set<std::string> texts;
  // Bob's Welcome into the group: its index in the welcome log, the cursor
  // it carries and the epoch it joins at.
  std::size_t welcome = 0;
  std::uint64_t welcome_cursor = 0;
  std::uint64_t join_epoch = 0;
};

struct Recording {
  xs::crypto::Secret store_key;
  Bytes bob_key;
  std::string snapshots[2];  // S0, S1: the store file's bytes
  std::vector<mlsv1::WelcomeMessage> welcomes;
  std::vector<mlsv1::GroupMessage> all_messages;  // both groups, node order
  GroupLog groups[2];                             // G, G2
  // Per snapshot: which group's Welcome bob can still join (he holds the
  // key package it was wrapped to and is not in the group).
  bool joinable[2][2] = {};
  // Honest end state per snapshot and group (nullopt: bob not in it).
  std::optional<View> honest_end[2][2];
};

// The MlsApi bob (and the recording clients) talk to.
class FakeMls final : public mlsv1::MlsApi::Service {
 public:
  enum class Mode { kNode, kScript, kHonest };
  explicit FakeMls(xs::node::Handlers* handlers) : h_(handlers) {}

  void Reset(Mode mode) {
    std::lock_guard lock(mu_);
    mode_ = mode;
    group_pages_.clear();
    welcome_pages_.clear();
    sticky_groups_.reset();
    sticky_welcomes_.reset();
    honest_limit_ = std::numeric_limits<std::uint64_t>::max();
  }
  void SetHonestLimit(std::uint64_t limit) {
    std::lock_guard lock(mu_);
    honest_limit_ = limit;
  }
  void SetRecording(const Recording* r) { recording_ = r; }
  // kNode: queries show no message after `after` until the next send.
  void Lag(std::uint64_t after) {
    std::lock_guard lock(mu_);
    lag_after_ = after;
  }
  // A sticky page answers every query once the queue is empty (a node that
  // ignores the cursor).
  void QueueGroups(std::vector<mlsv1::GroupMessage> page, bool sticky) {
    std::lock_guard lock(mu_);
    if (sticky) sticky_groups_ = page;
    group_pages_.push_back(std::move(page));
  }
  void QueueWelcomes(std::vector<mlsv1::WelcomeMessage> page, bool sticky) {
    std::lock_guard lock(mu_);
    if (sticky) sticky_welcomes_ = page;
    welcome_pages_.push_back(std::move(page));
  }

  using Ctx = grpc::ServerContext;
  using Empty = google::protobuf::Empty;
  grpc::Status SendGroupMessages(Ctx*, const mlsv1::SendGroupMessagesRequest* req,
                                 Empty*) override {
    std::lock_guard lock(mu_);
    if (mode_ != Mode::kNode) return grpc::Status::OK;
    lag_after_.reset();
    return xs::node::ToGrpcStatus(h_->SendGroupMessages(*req));
  }
  grpc::Status SendWelcomeMessages(Ctx*, const mlsv1::SendWelcomeMessagesRequest* req,
                                   Empty*) override {
    std::lock_guard lock(mu_);
    if (mode_ != Mode::kNode) return grpc::Status::OK;
    return xs::node::ToGrpcStatus(h_->SendWelcomeMessages(*req));
  }
  grpc::Status UploadKeyPackage(Ctx*, const mlsv1::UploadKeyPackageRequest* req, Empty*) override {
    std::lock_guard lock(mu_);
    if (mode_ != Mode::kNode) return grpc::Status::OK;
    return xs::node::ToGrpcStatus(h_->UploadKeyPackage(*req));
  }
  grpc::Status FetchKeyPackages(Ctx*, const mlsv1::FetchKeyPackagesRequest* req,
                                mlsv1::FetchKeyPackagesResponse* resp) override {
    std::lock_guard lock(mu_);
    return xs::node::ToGrpcStatus(h_->FetchKeyPackages(*req, resp));
  }
  grpc::Status QueryGroupMessages(Ctx*, const mlsv1::QueryGroupMessagesRequest* req,
                                  mlsv1::QueryGroupMessagesResponse* resp) override {
    std::lock_guard lock(mu_);
    switch (mode_) {
      case Mode::kNode: {
        Status s = h_->QueryGroupMessages(*req, resp);
        if (s.ok() && lag_after_) {
          auto* list = resp->mutable_messages();
          list->erase(std::remove_if(
                          list->begin(), list->end(),
                          [&](const mlsv1::GroupMessage& m) { return m.v1().id() > *lag_after_; }),
                      list->end());
        }
        return xs::node::ToGrpcStatus(s);
      }
      case Mode::kScript:
        Serve(group_pages_, sticky_groups_, resp->mutable_messages());
        return grpc::Status::OK;
      case Mode::kHonest:
        for (const auto& m : recording_->all_messages) {
          if (m.v1().group_id() != req->group_id()) continue;
          std::uint64_t id = m.v1().id();
          if (id <= req->paging_info().id_cursor() || id > honest_limit_) continue;
          if (resp->messages_size() >= static_cast<int>(kPageLimit)) break;
          *resp->add_messages() = m;
        }
        return grpc::Status::OK;
    }
    return grpc::Status::OK;
  }
  grpc::Status QueryWelcomeMessages(Ctx*, const mlsv1::QueryWelcomeMessagesRequest* req,
                                    mlsv1::QueryWelcomeMessagesResponse* resp) override {
    std::lock_guard lock(mu_);
    switch (mode_) {
      case Mode::kNode:
        return xs::node::ToGrpcStatus(h_->QueryWelcomeMessages(*req, resp));
      case Mode::kScript:
        Serve(welcome_pages_, sticky_welcomes_, resp->mutable_messages());
        return grpc::Status::OK;
      case Mode::kHonest:
        for (const auto& m : recording_->welcomes) {
          std::uint64_t id = m.v1().id();
          if (id <= req->paging_info().id_cursor() || id > honest_limit_) continue;
          *resp->add_messages() = m;
        }
        return grpc::Status::OK;
    }
    return grpc::Status::OK;
  }

 private:
  // The next queued page, else the sticky one, else nothing.
  template <typename T>
  static void Serve(std::deque<std::vector<T>>& queue, const std::optional<std::vector<T>>& sticky,
                    google::protobuf::RepeatedPtrField<T>* out) {
    if (!queue.empty()) {
      for (auto& m : queue.front()) *out->Add() = std::move(m);
      queue.pop_front();
    } else if (sticky) {
      for (const auto& m : *sticky) *out->Add() = m;
    }
  }

  xs::node::Handlers* const h_;
  const Recording* recording_ = nullptr;
  std::mutex mu_;
  Mode mode_ = Mode::kNode;
  std::optional<std::uint64_t> lag_after_;
  std::deque<std::vector<mlsv1::GroupMessage>> group_pages_;
  std::deque<std::vector<mlsv1::WelcomeMessage>> welcome_pages_;
  std::optional<std::vector<mlsv1::GroupMessage>> sticky_groups_;
  std::optional<std::vector<mlsv1::WelcomeMessage>> sticky_welcomes_;
  std::uint64_t honest_limit_ = std::numeric_limits<std::uint64_t>::max();
};

// The in-process node: its store and handlers behind FakeMls and the
// node's IdentityService, reached through an in-process channel.
struct Env {
  std::unique_ptr<xs::node::Store> node_store = Must(xs::node::Store::Open(""), "node store");
  xs::node::Broker<xs::node::GroupMessage> group_broker;
  xs::node::Broker<xs::node::WelcomeMessage> welcome_broker;
  xs::node::Handlers handlers{node_store.get(), &group_broker, &welcome_broker};
  FakeMls mls{&handlers};
  xs::node::IdentityService identity{&handlers};
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<xs::xmtp::api::ApiClient> api;
  std::string dir;
  Recording rec;
  bool log = std::getenv("XS_CLIENT_FUZZ_LOG") != nullptr;
  bool print_stats = std::getenv("XS_CLIENT_FUZZ_STATS") != nullptr;
  struct {
    std::uint64_t runs = 0, losing_branch = 0, behind = 0;
  } stats;

  Env() {
    grpc::ServerBuilder builder;
    builder.RegisterService(&mls);
    builder.RegisterService(&identity);
    server = builder.BuildAndStart();
    if (!server) SetupFailed("in-process server", Error::Internal("BuildAndStart failed"));
    api = xs::xmtp::api::ApiClient::FromChannel(server->InProcessChannel(grpc::ChannelArguments()),
                                                "inproc://client-sync-fuzzer");
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    dir = base + "/xs-client-sync-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    mls.SetRecording(&rec);
  }
  ~Env() {
    server->Shutdown();
    std::filesystem::remove_all(dir);
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Fail("cannot write " + path);
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix);
  }
}

std::vector<mlsv1::GroupMessage> QueryAll(xs::node::Handlers& h, const Bytes& group_id) {
  mlsv1::QueryGroupMessagesRequest req;
  req.set_group_id(group_id.data(), group_id.size());
  req.mutable_paging_info()->set_direction(mlsv1::SORT_DIRECTION_ASCENDING);
  req.mutable_paging_info()->set_limit(kPageLimit);
  mlsv1::QueryGroupMessagesResponse resp;
  Must(h.QueryGroupMessages(req, &resp), "query group log");
  return {resp.messages().begin(), resp.messages().end()};
}

std::uint64_t LastId(xs::node::Handlers& h, const Bytes& group_id) {
  auto all = QueryAll(h, group_id);
  return all.empty() ? 0 : all.back().v1().id();
}

// (epoch, is commit) from the clear header of an MLS message.
std::optional<std::pair<std::uint64_t, bool>> HeaderOf(const std::string& data) {
  auto parsed = xs::mls::Deserialize<xs::mls::MlsMessage>(
      std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  if (!parsed.ok()) return std::nullopt;
  if (const auto* priv = std::get_if<xs::mls::PrivateMessage>(&parsed->body)) {
    return std::make_pair(priv->epoch, priv->content_type == xs::mls::ContentType::kCommit);
  }
  if (const auto* pub = std::get_if<xs::mls::PublicMessage>(&parsed->body)) {
    return std::make_pair(pub->content.epoch,
                          pub->content.content_type() == xs::mls::ContentType::kCommit);
  }
  return std::nullopt;
}

void LabelCommits(GroupLog& log) {
  std::set<std::uint64_t> seen;
  for (const auto& m : log.messages) {
    auto header = HeaderOf(m.v1().data());
    if (!header || !header->second) continue;
    log.commits.push_back({m.v1().id(), header->first, !seen.insert(header->first).second});
  }
}

class Session;

// Bob from a snapshot: his store file, context and client.
class Bob {
 public:
  Bob(Env& env, int snapshot) : env_(env) {
    path_ = env.dir + "/bob.sqlite3";
    RemoveDb(path_);
    WriteFile(path_, env.rec.snapshots[snapshot]);
    store_ = Must(xs::xmtp::store::Store::Open(path_, env.rec.store_key, *SystemClock::Get()),
                  "open bob's store");
    ctx_ = std::make_unique<ClientContext>(
        *env.api, *store_, *SystemClock::Get(), [this](std::string_view line) {
          if (env_.log) {
            std::fprintf(stderr, "  log: %.*s\n", static_cast<int>(line.size()), line.data());
          }
        });
    client_ = Must(Client::Open(*ctx_, env.rec.bob_key), "open bob");
  }
  ~Bob() {
    client_.reset();
    ctx_.reset();
    store_.reset();
    RemoveDb(path_);
  }
  Client& client() { return *client_; }
  xs::xmtp::store::Store& store() { return *store_; }

 private:
  Env& env_;
  std::string path_;
  std::unique_ptr<xs::xmtp::store::Store> store_;
  std::unique_ptr<ClientContext> ctx_;
  std::unique_ptr<Client> client_;
};

void Record(Env& env) {
  Recording& rec = env.rec;
  rec.store_key = xs::crypto::Secret::Random(xs::xmtp::store::kStoreKeySize);
  const Clock& clock = *SystemClock::Get();
  auto others_store = Must(xs::xmtp::store::Store::Open(env.dir + "/others.sqlite3",
                                                        xs::crypto::Secret::Random(32), clock),
                           "others' store");
  ClientContext others(*env.api, *others_store, clock);
  auto new_client = [&](ClientContext& ctx, const char* who) {
    auto wallet = Must(xs::xmtp::identity::WalletKey::Generate(), "wallet");
    return Must(Client::Register(ctx, wallet), std::string("register ") + who);
  };
  auto alice = new_client(others, "alice");
  auto carol = new_client(others, "carol");
  auto dave = new_client(others, "dave");

  const std::string bob_path = env.dir + "/bob-recording.sqlite3";
  std::string bob_inbox;
  auto snapshot = [&](std::unique_ptr<Client>& bob, std::unique_ptr<ClientContext>& ctx,
                      std::unique_ptr<xs::xmtp::store::Store>& store) {
    bob.reset();
    ctx.reset();
    store.reset();  // checkpoints the WAL into the file
    return ReadFile(bob_path);
  };
  {
    auto store = Must(xs::xmtp::store::Store::Open(bob_path, rec.store_key, clock), "bob's store");
    auto ctx = std::make_unique<ClientContext>(*env.api, *store, clock);
    auto bob = new_client(*ctx, "bob");
    rec.bob_key = bob->installation_key();
    bob_inbox = bob->inbox_id();
    rec.snapshots[0] = snapshot(bob, ctx, store);
  }

  GroupLog& g = rec.groups[0];
  GroupLog& g2 = rec.groups[1];
  auto honest_view = [&](Client& c, GroupLog& log) {
    Must(c.SyncGroup(log.group_id), "sync for the view");
    View v = ViewOf(Must(c.Group(log.group_id), "view"));
    log.honest[v.epoch] = v;
    return v;
  };
  xs::xmtp::client::CreateGroupOptions options;
  options.name = "g0";
  g.group_id = Must(alice->CreateGroup({bob_inbox}, options), "create G");
  g.welcome_cursor = LastId(env.handlers, g.group_id);
  g.join_epoch = honest_view(*alice, g).epoch;
  {
    auto store = Must(xs::xmtp::store::Store::Open(bob_path, rec.store_key, clock), "bob's store");
    auto ctx = std::make_unique<ClientContext>(*env.api, *store, clock);
    auto bob = Must(Client::Open(*ctx, rec.bob_key), "reopen bob");
    auto joined = Must(bob->SyncWelcomes(), "bob joins G");
    if (joined != std::vector<Bytes>{g.group_id}) {
      SetupFailed("bob joins G", Error::Internal("joined other groups"));
    }
    rec.snapshots[1] = snapshot(bob, ctx, store);
  }
  Must(StatusOf(alice->Send(g.group_id, xs::xmtp::content::EncodeText("m1"))), "alice sends");
  Must(alice->AddMembers(g.group_id, {carol->inbox_id()}), "alice adds carol");
  honest_view(*alice, g);
  Must(StatusOf(carol->SyncWelcomes()), "carol joins");
  Must(StatusOf(carol->Send(g.group_id, xs::xmtp::content::EncodeText("m2"))), "carol sends");
  // The race: alice does not see carol's rename until she publishes.
  Must(alice->SyncGroup(g.group_id), "alice syncs");
  View before_race = honest_view(*alice, g);
  std::uint64_t before_rename = LastId(env.handlers, g.group_id);
  Must(carol->UpdateMetadata(g.group_id, std::string(xs::xmtp::group::kGroupName), "g1"),
       "carol renames");
  honest_view(*carol, g);
  env.mls.Lag(before_rename);
  Must(alice->AddMembers(g.group_id, {dave->inbox_id()}), "alice adds dave after losing");
  honest_view(*alice, g);
  View losing = before_race;
  losing.epoch += 1;
  losing.members.push_back(dave->inbox_id());
  std::sort(losing.members.begin(), losing.members.end());
  g.losing = losing;
  Must(StatusOf(dave->SyncWelcomes()), "dave joins");
  Must(StatusOf(dave->Send(g.group_id, xs::xmtp::content::EncodeText("m3"))), "dave sends");
  Must(alice->RemoveMembers(g.group_id, {carol->inbox_id()}), "alice removes carol");
  honest_view(*alice, g);
  Must(StatusOf(alice->Send(g.group_id, xs::xmtp::content::EncodeText("m4"))), "alice sends m4");

  options.name = "other";
  g2.group_id = Must(alice->CreateGroup({bob_inbox}, options), "create G2");
  g2.welcome_cursor = LastId(env.handlers, g2.group_id);
  g2.join_epoch = honest_view(*alice, g2).epoch;
  Must(StatusOf(alice->Send(g2.group_id, xs::xmtp::content::EncodeText("x"))), "alice sends in G2");

  g.texts = {"m1", "m2", "m3", "m4"};
  g2.texts = {"x"};
  for (GroupLog* log : {&g, &g2}) {
    log->messages = QueryAll(env.handlers, log->group_id);
    LabelCommits(*log);
  }
  // Both groups in node order (ids are global).
  rec.all_messages = g.messages;
  rec.all_messages.insert(rec.all_messages.end(), g2.messages.begin(), g2.messages.end());
  std::sort(rec.all_messages.begin(), rec.all_messages.end(),
            [](const auto& a, const auto& b) { return a.v1().id() < b.v1().id(); });
  mlsv1::QueryWelcomeMessagesRequest wreq;
  wreq.set_installation_key(rec.bob_key.data(), rec.bob_key.size());
  wreq.mutable_paging_info()->set_direction(mlsv1::SORT_DIRECTION_ASCENDING);
  mlsv1::QueryWelcomeMessagesResponse wresp;
  Must(env.handlers.QueryWelcomeMessages(wreq, &wresp), "bob's welcomes");
  rec.welcomes.assign(wresp.messages().begin(), wresp.messages().end());
  if (rec.welcomes.size() != 2 ||
      std::count_if(g.commits.begin(), g.commits.end(), [](auto& c) { return c.losing; }) != 1) {
    SetupFailed("recording", Error::Internal("unexpected traffic shape"));
  }
  g.welcome = 0;
  g2.welcome = 1;
  // S0 holds the key package of G's Welcome; S1 (after bob rotated it) that
  // of G2's.
  rec.joinable[0][0] = true;
  rec.joinable[1][1] = true;
  others_store.reset();
  // Only the snapshots' bytes are kept.
  RemoveDb(env.dir + "/others.sqlite3");
  RemoveDb(bob_path);
}

// Where the honest log takes bob from `view` (or, when he is not in the
// group, from the Welcome) given his cursors: the expected end view, or
// nullopt when he ends outside the group.
std::optional<View> ExpectedEnd(const Recording& rec, int snapshot, int which,
                                const std::optional<View>& view, std::uint64_t cursor,
                                std::uint64_t welcome_cursor) {
  const GroupLog& log = rec.groups[which];
  if (!view) {
    std::uint64_t welcome_id = rec.welcomes[log.welcome].v1().id();
    if (!rec.joinable[snapshot][which] || welcome_cursor >= welcome_id) return std::nullopt;
    return ExpectedEnd(rec, snapshot, which, log.honest.at(log.join_epoch), log.welcome_cursor,
                       welcome_cursor);
  }
  if (log.losing && *view == *log.losing) return view;  // nothing builds on it
  std::uint64_t epoch = view->epoch;
  bool losing = false;
  for (const CommitLabel& c : log.commits) {
    if (c.id <= cursor || c.epoch != epoch) continue;
    epoch += 1;
    if (c.losing) {
      losing = true;
      break;
    }
  }
  if (losing) return log.losing;
  return log.honest.at(epoch);
}

// How a page is served: padded to a full page (the client asks for the
// next one) and/or sticky.
struct PageFlags {
  bool full = false;
  bool sticky = false;
};

template <typename T>
PageFlags ServeAs(FuzzedDataProvider& in, std::vector<T>& page) {
  auto bits = in.ConsumeIntegral<std::uint8_t>();
  PageFlags flags{(bits & 1) != 0, (bits & 2) != 0};
  if (flags.full && !page.empty()) {
    for (std::size_t i = 0; page.size() < kPageLimit; ++i) page.push_back(page[i]);
  }
  return flags;
}

void FlipBit(FuzzedDataProvider& in, std::string& bytes) {
  if (bytes.empty()) return;
  char& c = bytes[in.ConsumeIntegralInRange<std::size_t>(0, bytes.size() - 1)];
  auto bit = static_cast<unsigned>(1u << in.ConsumeIntegralInRange(0, 7));
  c = static_cast<char>(static_cast<unsigned char>(c) ^ bit);
}

std::vector<mlsv1::GroupMessage> GroupPage(FuzzedDataProvider& in, const Recording& rec,
                                           PageFlags& flags) {
  const auto& all = rec.all_messages;
  std::vector<mlsv1::GroupMessage> page;
  std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, kMaxPageItems);
  for (std::size_t i = 0; i < n; ++i) {
    mlsv1::GroupMessage m = all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)];
    auto& v1 = *m.mutable_v1();
    for (std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, kMaxMutations); k > 0; --k) {
      const auto& other = all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)].v1();
      std::string& data = *v1.mutable_data();
      switch (in.ConsumeIntegralInRange(0, 8)) {
        case 0:  // another message's place in the log
          v1.set_id(other.id());
          break;
        case 1: {  // a bogus cursor
          const std::uint64_t ids[] = {0, v1.id() - 1, v1.id() + 1,
                                       std::numeric_limits<std::uint64_t>::max(),
                                       in.ConsumeIntegral<std::uint64_t>()};
          v1.set_id(in.PickValueInArray(ids));
          break;
        }
        case 2:
          FlipBit(in, data);
          break;
        case 3:
          data.resize(in.ConsumeIntegralInRange<std::size_t>(0, data.size()));
          break;
        case 4:  // spliced: another message's bytes
          data = other.data();
          break;
        case 5:
          v1.set_group_id(other.group_id());
          break;
        case 6:
          v1.set_group_id(in.ConsumeRandomLengthString(40));
          break;
        case 7:
          v1.set_created_ns(in.ConsumeIntegral<std::uint64_t>());
          break;
        default:
          m.clear_v1();
          break;
      }
      if (!m.has_v1()) break;
    }
    page.push_back(std::move(m));
  }
  flags = ServeAs(in, page);
  return page;
}

std::vector<mlsv1::WelcomeMessage> WelcomePage(FuzzedDataProvider& in, const Recording& rec,
                                               PageFlags& flags) {
  const auto& all = rec.welcomes;
  std::vector<mlsv1::WelcomeMessage> page;
  std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 3);
  for (std::size_t i = 0; i < n; ++i) {
    mlsv1::WelcomeMessage m = all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)];
    auto& v1 = *m.mutable_v1();
    for (std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, kMaxMutations); k > 0; --k) {
      const auto& other = all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)].v1();
      std::string* field = in.ConsumeBool() ? v1.mutable_data() : v1.mutable_hpke_public_key();
      switch (in.ConsumeIntegralInRange(0, 6)) {
        case 0:
          v1.set_id(other.id());
          break;
        case 1:
          v1.set_id(in.ConsumeBool() ? std::numeric_limits<std::uint64_t>::max()
                                     : in.ConsumeIntegralInRange<std::uint64_t>(0, 64));
          break;
        case 2:
          FlipBit(in, *field);
          break;
        case 3:
          field->resize(in.ConsumeIntegralInRange<std::size_t>(0, field->size()));
          break;
        case 4:
          v1.set_data(other.data());
          break;
        case 5:
          v1.set_wrapper_algorithm(
              static_cast<::xmtp::mls::message_contents::WelcomeWrapperAlgorithm>(
                  in.ConsumeIntegralInRange(0, 4)));
          break;
        default: {
          std::uint64_t id = v1.id();
          m.mutable_welcome_pointer()->set_id(id);
          break;
        }
      }
      if (!m.has_v1()) break;
    }
    page.push_back(std::move(m));
  }
  flags = ServeAs(in, page);
  return page;
}

// Bob's state as the invariants see it, per group.
struct Seen {
  std::optional<View> view;
  std::uint64_t cursor = 0;
};

class Session {
 public:
  Session(Env& env, int snapshot)
      : env_(env), rec_(env.rec), snapshot_(snapshot), bob_(env, snapshot) {}

  void Observe(const char* after) {
    auto welcome_cursor = bob_.store().WelcomeCursor(rec_.bob_key);
    Check(welcome_cursor.ok(), "welcome cursor readable");
    Check(*welcome_cursor >= welcome_cursor_,
          std::string("welcome cursor went back after ") + after);
    welcome_cursor_ = *welcome_cursor;
    for (int which = 0; which < 2; ++which) {
      const GroupLog& log = rec_.groups[which];
      auto group = bob_.client().Group(log.group_id);
      Seen& seen = seen_[which];
      if (!group.ok()) {
        Check(group.error().IsNotFound(), "Group() fails only with NotFound");
        Check(!seen.view, std::string("group forgotten after ") + after);
        continue;
      }
      Check(group->active, std::string("bob inactive after ") + after);
      View v = ViewOf(*group);
      auto honest = log.honest.find(v.epoch);
      bool known =
          (honest != log.honest.end() && honest->second == v) || (log.losing && *log.losing == v);
      Check(known, std::string("fork: a view no honest member had, epoch ") +
                       std::to_string(v.epoch) + " after " + after);
      if (seen.view) {
        Check(v.epoch >= seen.view->epoch, std::string("epoch went back after ") + after);
      }
      auto cursor = bob_.store().GroupCursor(rec_.bob_key, log.group_id);
      Check(cursor.ok(), "group cursor readable");
      Check(*cursor >= seen.cursor, std::string("cursor went back after ") + after);
      seen = {v, *cursor};
      if (log.losing && v == *log.losing) ++env_.stats.losing_branch;
      auto messages = bob_.client().Messages(log.group_id);
      Check(messages.ok(), "messages readable");
      std::vector<xs::xmtp::client::Message> list = std::move(messages).value();
      std::set<Bytes> ids;
      std::set<std::uint64_t> node_ids;
      for (const auto& m : list) {
        Check(ids.insert(m.id).second, std::string("message stored twice after ") + after);
        if (m.kind == xs::xmtp::client::Message::Kind::kApplication) {
          auto text = xs::xmtp::content::DecodeText(m.content);
          Check(text.ok() && log.texts.contains(*text),
                std::string("a message not sent in this group stored after ") + after);
        }
        if (m.node_id != 0) {
          Check(node_ids.insert(m.node_id).second,
                std::string("two messages with one node id after ") + after);
        }
      }
    }
  }

  void Call(int what) {
    Client& c = bob_.client();
    const char* names[] = {"SyncWelcomes", "SyncGroup(G)", "SyncGroup(G2)", "SyncAll"};
    Status s = OkStatus();
    bool known = true;
    switch (what) {
      case 0:
        s = StatusOf(c.SyncWelcomes());
        break;
      case 1:
      case 2:
        known = seen_[what - 1].view.has_value();
        s = c.SyncGroup(rec_.groups[what - 1].group_id);
        break;
      default:
        s = c.SyncAll();
        break;
    }
    if (known) {
      Check(s.ok(), std::string(names[what]) + " failed: " + (s.ok() ? "" : s.error().ToString()));
    } else {
      Check(!s.ok() && s.error().IsNotFound(), std::string(names[what]) + " of an unknown group");
    }
    Observe(names[what]);
  }

  void Finish() {
    std::optional<View> expected[2];
    for (int which = 0; which < 2; ++which) {
      expected[which] = ExpectedEnd(rec_, snapshot_, which, seen_[which].view, seen_[which].cursor,
                                    welcome_cursor_);
    }
    env_.mls.Reset(FakeMls::Mode::kHonest);
    Call(3);
    // A group joined just now is synced by SyncAll's SyncWelcomes already;
    // a second round changes nothing.
    Call(3);
    if (expected[0] && expected[0] != rec_.honest_end[snapshot_][0]) ++env_.stats.behind;
    for (int which = 0; which < 2; ++which) {
      Check(seen_[which].view == expected[which],
            "after the honest log: group " + std::to_string(which) + " at epoch " +
                (seen_[which].view ? std::to_string(seen_[which].view->epoch) : "none") +
                ", expected " +
                (expected[which] ? std::to_string(expected[which]->epoch) : "none"));
    }
  }

  std::optional<View> view(int which) const { return seen_[which].view; }

 private:
  Env& env_;
  const Recording& rec_;
  int snapshot_;
  Bob bob_;
  std::uint64_t welcome_cursor_ = 0;
  Seen seen_[2];
};

Env* env = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  env = new Env();
  // The Env lives as long as the process; its directory goes at exit.
  std::atexit([] { std::filesystem::remove_all(env->dir); });
  Record(*env);
  // The honest run from each snapshot: where bob must end.
  for (int snapshot = 0; snapshot < 2; ++snapshot) {
    env->mls.Reset(FakeMls::Mode::kHonest);
    Session session(*env, snapshot);
    session.Observe("open");
    session.Finish();
    for (int which = 0; which < 2; ++which)
      env->rec.honest_end[snapshot][which] = session.view(which);
  }
  const Recording& rec = env->rec;
  const View& last = rec.groups[0].honest.rbegin()->second;
  if (rec.honest_end[0][0] != last || rec.honest_end[1][0] != last || rec.honest_end[0][1] ||
      !rec.honest_end[1][1]) {
    SetupFailed("honest run", Error::Internal("bob does not end where alice is"));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  env->mls.Reset(FakeMls::Mode::kScript);
  int snapshot = in.ConsumeBool() ? 1 : 0;
  Session session(*env, snapshot);
  session.Observe("open");
  for (std::size_t op = 0; op < kMaxOperations && in.remaining_bytes() > 0; ++op) {
    int what = in.ConsumeIntegralInRange(0, 6);
    switch (what) {
      case 0: {
        PageFlags flags;
        auto page = GroupPage(in, env->rec, flags);
        env->mls.QueueGroups(std::move(page), flags.sticky);
        break;
      }
      case 1: {
        PageFlags flags;
        auto page = WelcomePage(in, env->rec, flags);
        env->mls.QueueWelcomes(std::move(page), flags.sticky);
        break;
      }
      case 2:
      case 3:
      case 4:
        session.Call(in.ConsumeIntegralInRange(0, 3));
        break;
      default: {
        // The honest log up to a point, then back to the script.
        const auto& all = env->rec.all_messages;
        env->mls.Reset(FakeMls::Mode::kHonest);
        env->mls.SetHonestLimit(
            all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)].v1().id());
        session.Call(3);
        env->mls.Reset(FakeMls::Mode::kScript);
        break;
      }
    }
  }
  session.Finish();
  if (env->print_stats && ++env->stats.runs % 1000 == 0) {
    std::fprintf(stderr, "client_sync: %llu runs, losing branch seen %llu, left behind %llu\n",
                 static_cast<unsigned long long>(env->stats.runs),
                 static_cast<unsigned long long>(env->stats.losing_branch),
                 static_cast<unsigned long long>(env->stats.behind));
  }
  return 0;
}
