// IdentityApi over a real gRPC server: a registration update is validated,
// stored and indexed; invalid, replayed or malformed updates are refused
// with INVALID_ARGUMENT and leave nothing behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "node/node_test_fixture.h"
#include "xmtp/identity/test_support.h"

namespace xs::node::testing {
namespace {

namespace id = ::xs::xmtp::identity;
using IdentityUpdate = ::xmtp::identity::associations::IdentityUpdate;

class IdentityTest : public NodeTest {
 protected:
  grpc::Status Publish(const IdentityUpdate& update) {
    idapi::PublishIdentityUpdateRequest req;
    *req.mutable_identity_update() = update;
    idapi::PublishIdentityUpdateResponse resp;
    grpc::ClientContext ctx;
    return identity_->PublishIdentityUpdate(&ctx, req, &resp);
  }

  std::vector<std::uint64_t> SequenceIds(const std::string& inbox, std::uint64_t after = 0) {
    idapi::GetIdentityUpdatesRequest req;
    auto* r = req.add_requests();
    r->set_inbox_id(inbox);
    r->set_sequence_id(after);
    idapi::GetIdentityUpdatesResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(identity_->GetIdentityUpdates(&ctx, req, &resp).ok());
    std::vector<std::uint64_t> out;
    if (resp.responses_size() != 1) return out;
    EXPECT_EQ(resp.responses(0).inbox_id(), inbox);
    for (const auto& u : resp.responses(0).updates()) out.push_back(u.sequence_id());
    return out;
  }

  std::optional<std::string> InboxFor(const std::string& identifier) {
    idapi::GetInboxIdsRequest req;
    auto* r = req.add_requests();
    r->set_identifier(identifier);
    r->set_identifier_kind(::xmtp::identity::associations::IDENTIFIER_KIND_ETHEREUM);
    idapi::GetInboxIdsResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(identity_->GetInboxIds(&ctx, req, &resp).ok());
    if (resp.responses_size() != 1 || !resp.responses(0).has_inbox_id()) return std::nullopt;
    EXPECT_EQ(resp.responses(0).identifier(), identifier);
    return resp.responses(0).inbox_id();
  }

  IdentityUpdate Registration(std::uint8_t wallet_fill, std::uint8_t installation_fill) {
    auto update = id::BuildRegistrationUpdate(id::testing::TestWallet(wallet_fill),
                                              id::testing::TestInstallation(installation_fill), 1,
                                              id::testing::kTestTimeNs);
    EXPECT_TRUE(update.ok()) << update.error().ToString();
    return update.ok() ? *update : IdentityUpdate();
  }
};

TEST_F(IdentityTest, RegistrationIsStoredAndIndexed) {
  const auto wallet = id::testing::TestWallet(7);
  const std::string inbox = id::testing::InboxOf(wallet);
  EXPECT_TRUE(SequenceIds(inbox).empty());
  EXPECT_FALSE(InboxFor(wallet.address()).has_value());

  const IdentityUpdate update = Registration(7, 8);
  ASSERT_TRUE(Publish(update).ok());
  const auto seqs = SequenceIds(inbox);
  ASSERT_EQ(seqs.size(), 1u);
  EXPECT_GT(seqs[0], 0u);
  EXPECT_TRUE(SequenceIds(inbox, seqs[0]).empty());
  EXPECT_EQ(InboxFor(wallet.address()), inbox);
  // Lookups are case-insensitive (checksummed addresses).
  std::string upper = wallet.address();
  std::transform(upper.begin() + 2, upper.end(), upper.begin() + 2,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  EXPECT_EQ(InboxFor(upper), inbox);

  // The stored update is returned byte for byte.
  idapi::GetIdentityUpdatesRequest req;
  req.add_requests()->set_inbox_id(inbox);
  idapi::GetIdentityUpdatesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(identity_->GetIdentityUpdates(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.responses(0).updates(0).update().SerializeAsString(), update.SerializeAsString());
  EXPECT_GT(resp.responses(0).updates(0).server_timestamp_ns(), 0u);
}

TEST_F(IdentityTest, ReplayedUpdateIsRefusedAndNotStored) {
  const IdentityUpdate update = Registration(9, 10);
  ASSERT_TRUE(Publish(update).ok());
  const auto st = Publish(update);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_EQ(SequenceIds(update.inbox_id()).size(), 1u);
}

TEST_F(IdentityTest, TamperedSignatureIsRefusedAndNothingStored) {
  IdentityUpdate update = Registration(11, 12);
  // Break the wallet's ERC-191 signature on CreateInbox.
  auto* sig =
      update.mutable_actions(0)->mutable_create_inbox()->mutable_initial_identifier_signature();
  std::string bytes = sig->erc_191().bytes();
  ASSERT_FALSE(bytes.empty());
  bytes[5] ^= 0x55;
  sig->mutable_erc_191()->set_bytes(bytes);
  const auto st = Publish(update);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_TRUE(SequenceIds(update.inbox_id()).empty());
  EXPECT_FALSE(InboxFor(id::testing::TestWallet(11).address()).has_value());
}

TEST_F(IdentityTest, MalformedRequestsAreInvalidArgument) {
  EXPECT_EQ(Publish(IdentityUpdate()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  IdentityUpdate wrong_inbox = Registration(13, 14);
  wrong_inbox.set_inbox_id(std::string(64, 'a'));
  EXPECT_EQ(Publish(wrong_inbox).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(SequenceIds(std::string(64, 'a')).empty());

  idapi::PublishIdentityUpdateRequest missing;
  idapi::PublishIdentityUpdateResponse resp;
  grpc::ClientContext ctx;
  EXPECT_EQ(identity_->PublishIdentityUpdate(&ctx, missing, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IdentityTest, SmartContractWalletsAreReportedUnverifiable) {
  idapi::VerifySmartContractWalletSignaturesRequest req;
  req.add_signatures()->set_account_id("eip155:1:0x0000000000000000000000000000000000000001");
  idapi::VerifySmartContractWalletSignaturesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(identity_->VerifySmartContractWalletSignatures(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.responses_size(), 1);
  EXPECT_FALSE(resp.responses(0).is_valid());
  EXPECT_FALSE(resp.responses(0).error().empty());
}

}  // namespace
}  // namespace xs::node::testing
