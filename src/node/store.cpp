#include "node/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/hash.h"
#include "node/store_internal.h"
#include "node/store_schema.h"

namespace xs::node {

std::string DedupHash(std::initializer_list<std::string_view> parts) {
  crypto::Sha256Hasher hasher;
  for (std::string_view p : parts) {
    std::uint8_t len[8];
    std::uint64_t n = p.size();
    for (int i = 7; i >= 0; --i, n >>= 8) len[i] = static_cast<std::uint8_t>(n);
    hasher.Update(len);
    hasher.Update(p);
  }
  const crypto::Digest256 digest = hasher.Final();
  return std::string(digest.begin(), digest.end());
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const Clock* clock) {
  std::unique_ptr<Store> store(new Store());
  if (clock != nullptr) store->clock_ = clock;
  if (!path.empty()) {
    const std::string lock_path = path + ".lock";
    store->lock_fd_.reset(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!store->lock_fd_) {
      return Error::Internal("cannot open " + lock_path + ": " + std::strerror(errno));
    }
    if (::flock(store->lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      return Error::Internal("database " + path + " is in use by another node");
    }
  }
  XS_TRY(store->db_, sqlite::Db::Open(path.empty() ? ":memory:" : path));
  XS_RETURN_IF_ERROR(store->Init());
  if (!path.empty()) {
    // The default budget: a pass per MiB of WAL, the backstop past 64 MiB.
    XS_TRY(store->checkpointer_, sqlite::Checkpointer::Start(store->db_, path));
  }
  return store;
}

Store::~Store() {
  checkpointer_.reset();
  // Statements must be finalized before the connection closes.
  st_.reset();
  db_ = sqlite::Db();
  lock_fd_.reset();  // releases the flock
}

Status Store::Init() {
  XS_RETURN_IF_ERROR(db_.Exec(sql::kPragmas));
  XS_RETURN_IF_ERROR(db_.Exec(sql::kSchema));
  st_ = std::make_unique<Statements>();
  struct {
    sqlite::Stmt* stmt;
    const char* text;
  } const all[] = {
      {&st_->insert_group_message, sql::kInsertGroupMessage},
      {&st_->group_messages_asc, sql::kGroupMessagesAsc},
      {&st_->group_messages_desc, sql::kGroupMessagesDesc},
      {&st_->newest_group_message, sql::kNewestGroupMessageMeta},
      {&st_->count_group_messages, sql::kCountGroupMessages},
      {&st_->insert_welcome, sql::kInsertWelcome},
      {&st_->welcomes_asc, sql::kWelcomesAsc},
      {&st_->welcomes_desc, sql::kWelcomesDesc},
      {&st_->put_key_package, sql::kPutKeyPackage},
      {&st_->get_key_package, sql::kGetKeyPackage},
      {&st_->insert_identity_update, sql::kInsertIdentityUpdate},
      {&st_->identity_updates, sql::kIdentityUpdates},
      {&st_->insert_address, sql::kInsertAddress},
      {&st_->revoke_address, sql::kRevokeAddress},
      {&st_->inbox_for_identifier, sql::kInboxForIdentifier},
      {&st_->insert_commit_log, sql::kInsertCommitLog},
      {&st_->commit_log_asc, sql::kCommitLogAsc},
      {&st_->commit_log_desc, sql::kCommitLogDesc},
  };
  for (const auto& s : all) {
    XS_TRY(*s.stmt, db_.Prepare(s.text));
  }
  return OkStatus();
}

namespace {

GroupMessage GroupMessageFromRow(const sqlite::Stmt& row) {
  GroupMessage m;
  auto* v1 = m.mutable_v1();
  v1->set_id(static_cast<std::uint64_t>(row.Int(0)));
  v1->set_created_ns(static_cast<std::uint64_t>(row.Int(1)));
  v1->set_group_id(row.BlobString(2));
  v1->set_data(row.BlobString(3));
  v1->set_sender_hmac(row.BlobString(4));
  v1->set_should_push(row.Int(5) != 0);
  v1->set_is_commit(row.Int(6) != 0);
  return m;
}

// Welcome kinds in the `kind` column.
constexpr std::int64_t kWelcomeKindV1 = 1;
constexpr std::int64_t kWelcomeKindPointer = 2;

WelcomeMessage WelcomeFromRow(const sqlite::Stmt& row) {
  WelcomeMessage m;
  const auto id = static_cast<std::uint64_t>(row.Int(0));
  const auto created = static_cast<std::uint64_t>(row.Int(1));
  if (row.Int(3) == kWelcomeKindPointer) {
    auto* p = m.mutable_welcome_pointer();
    p->set_id(id);
    p->set_created_ns(created);
    p->set_installation_key(row.BlobString(2));
    p->set_welcome_pointer(row.BlobString(4));
    p->set_hpke_public_key(row.BlobString(5));
    p->set_wrapper_algorithm(
        static_cast<::xmtp::mls::message_contents::WelcomePointerWrapperAlgorithm>(row.Int(6)));
    return m;
  }
  auto* v1 = m.mutable_v1();
  v1->set_id(id);
  v1->set_created_ns(created);
  v1->set_installation_key(row.BlobString(2));
  v1->set_data(row.BlobString(4));
  v1->set_hpke_public_key(row.BlobString(5));
  v1->set_wrapper_algorithm(
      static_cast<::xmtp::mls::message_contents::WelcomeWrapperAlgorithm>(row.Int(6)));
  v1->set_welcome_metadata(row.BlobString(7));
  return m;
}

}  // namespace

Status Store::AppendGroupMessages(std::span<const NewGroupMessage> batch,
                                  const OnStored<GroupMessage>& on_stored) {
  GroupAppend self{batch, &on_stored, OkStatus(), false};
  std::unique_lock q(queue_mu_);
  queue_.push_back(&self);
  while (!self.done) {
    if (committing_) {
      queue_cv_.wait(q);
      continue;
    }
    // Lead one group commit of everything queued so far (including self).
    committing_ = true;
    std::vector<GroupAppend*> group;
    group.swap(queue_);
    q.unlock();
    const Status status = WriteGroupAppends(group);
    q.lock();
    for (GroupAppend* a : group) {
      if (!status.ok()) a->status = status;
      a->done = true;
    }
    committing_ = false;
    queue_cv_.notify_all();
  }
  return self.status;
}

Status Store::WriteGroupAppends(std::span<GroupAppend* const> appends) {
  std::lock_guard lock(mu_);
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  std::vector<std::vector<std::shared_ptr<const GroupMessage>>> stored(appends.size());
  sqlite::Stmt& ins = st_->insert_group_message;
  for (std::size_t a = 0; a < appends.size(); ++a) {
    for (const NewGroupMessage& in : appends[a]->batch) {
      ResetOnExit r(ins);
      const std::uint64_t now = NowNs();
      ins.BindBlob(1, in.group_id)
          .Bind(2, static_cast<std::int64_t>(now))
          .BindBlob(3, in.data)
          .BindBlob(4, in.sender_hmac)
          .Bind(5, std::int64_t{in.should_push})
          .Bind(6, std::int64_t{in.is_commit})
          .BindBlob(7, DedupHash({in.data}));
      XS_RETURN_IF_ERROR(ins.Run());
      if (db_.Changes() == 0) continue;  // duplicate data: already stored
      auto m = std::make_shared<GroupMessage>();
      auto* v1 = m->mutable_v1();
      v1->set_id(static_cast<std::uint64_t>(db_.LastInsertRowId()));
      v1->set_created_ns(now);
      v1->set_group_id(in.group_id);
      v1->set_data(in.data);
      v1->set_sender_hmac(in.sender_hmac);
      v1->set_should_push(in.should_push);
      v1->set_is_commit(in.is_commit);
      stored[a].push_back(std::move(m));
    }
  }
  XS_RETURN_IF_ERROR(tx.Commit());
  // Still under mu_, so subscribers see every topic's rows in id order.
  for (std::size_t a = 0; a < appends.size(); ++a) {
    const OnStored<GroupMessage>& on_stored = *appends[a]->on_stored;
    if (!on_stored) continue;
    for (auto& m : stored[a]) on_stored(std::move(m));
  }
  return OkStatus();
}

Result<std::vector<GroupMessage>> Store::QueryGroupMessages(std::string_view group_id,
                                                            const PageQuery& page) {
  std::lock_guard lock(mu_);
  return QueryPage<GroupMessage>(st_->group_messages_asc, st_->group_messages_desc, group_id, page,
                                 GroupMessageFromRow);
}

Result<std::optional<GroupMessage>> Store::NewestGroupMessage(std::string_view group_id,
                                                              bool include_content) {
  if (include_content) {
    XS_TRY(auto rows, QueryGroupMessages(group_id, {Direction::kDescending, 0, 1}));
    if (rows.empty()) return std::optional<GroupMessage>();
    return std::optional<GroupMessage>(std::move(rows.front()));
  }
  std::lock_guard lock(mu_);
  sqlite::Stmt& q = st_->newest_group_message;
  ResetOnExit r(q);
  q.BindBlob(1, group_id);
  XS_TRY(bool row, q.Step());
  if (!row) return std::optional<GroupMessage>();
  GroupMessage m;
  auto* v1 = m.mutable_v1();
  v1->set_id(static_cast<std::uint64_t>(q.Int(0)));
  v1->set_created_ns(static_cast<std::uint64_t>(q.Int(1)));
  v1->set_group_id(std::string(group_id));
  v1->set_is_commit(q.Int(2) != 0);
  return std::optional<GroupMessage>(std::move(m));
}

Result<std::uint64_t> Store::CountGroupMessages() {
  std::lock_guard lock(mu_);
  ResetOnExit r(st_->count_group_messages);
  XS_TRY(bool row, st_->count_group_messages.Step());
  return row ? static_cast<std::uint64_t>(st_->count_group_messages.Int(0)) : 0;
}

Status Store::AppendWelcomes(std::span<const WelcomeMessage> batch,
                             const OnStored<WelcomeMessage>& on_stored) {
  std::lock_guard lock(mu_);
  XS_TRY(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  std::vector<std::shared_ptr<const WelcomeMessage>> stored;
  sqlite::Stmt& ins = st_->insert_welcome;
  for (const WelcomeMessage& in : batch) {
    ResetOnExit r(ins);
    const std::uint64_t now = NowNs();
    auto m = std::make_shared<WelcomeMessage>(in);
    if (in.has_welcome_pointer()) {
      const auto& p = in.welcome_pointer();
      ins.BindBlob(1, p.installation_key()).Bind(3, kWelcomeKindPointer);
      ins.BindBlob(4, p.welcome_pointer()).BindBlob(5, p.hpke_public_key());
      ins.Bind(6, std::int64_t{p.wrapper_algorithm()}).BindBlob(7, std::string_view());
      ins.BindBlob(8, DedupHash({"pointer", p.installation_key(), p.welcome_pointer()}));
    } else {
      const auto& v = in.v1();
      ins.BindBlob(1, v.installation_key()).Bind(3, kWelcomeKindV1);
      ins.BindBlob(4, v.data()).BindBlob(5, v.hpke_public_key());
      ins.Bind(6, std::int64_t{v.wrapper_algorithm()}).BindBlob(7, v.welcome_metadata());
      ins.BindBlob(8, DedupHash({"v1", v.installation_key(), v.data()}));
    }
    ins.Bind(2, static_cast<std::int64_t>(now));
    XS_RETURN_IF_ERROR(ins.Run());
    if (db_.Changes() == 0) continue;
    const auto id = static_cast<std::uint64_t>(db_.LastInsertRowId());
    if (m->has_welcome_pointer()) {
      m->mutable_welcome_pointer()->set_id(id);
      m->mutable_welcome_pointer()->set_created_ns(now);
    } else {
      m->mutable_v1()->set_id(id);
      m->mutable_v1()->set_created_ns(now);
    }
    stored.push_back(std::move(m));
  }
  XS_RETURN_IF_ERROR(tx.Commit());
  if (on_stored) {
    for (auto& m : stored) on_stored(std::move(m));
  }
  return OkStatus();
}

Result<std::vector<WelcomeMessage>> Store::QueryWelcomes(std::string_view installation_key,
                                                         const PageQuery& page) {
  std::lock_guard lock(mu_);
  return QueryPage<WelcomeMessage>(st_->welcomes_asc, st_->welcomes_desc, installation_key, page,
                                   WelcomeFromRow);
}

}  // namespace xs::node
