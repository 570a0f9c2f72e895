// A node on a free port with real gRPC stubs, for the node's tests.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "node/node.h"
#include "node/test_util.h"
#include "xmtp/identity/api/v1/identity.grpc.pb.h"
#include "xmtp/mls/api/v1/mls.grpc.pb.h"

namespace xs::node::testing {

namespace api = ::xmtp::mls::api::v1;
namespace idapi = ::xmtp::identity::api::v1;

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeOptions options;
    options.port = 0;
    options.in_memory = true;
    StartNode(options);
  }

  // Options for a node on a free port keeping its data in `dir`.
  static NodeOptions OnDisk(const std::string& dir) {
    NodeOptions options;
    options.port = 0;
    options.data_dir = dir;
    return options;
  }

  void StartNode(const NodeOptions& options) {
    auto node = Node::Start(options);
    ASSERT_TRUE(node.ok()) << node.error().ToString();
    node_ = std::move(node).value();
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    channel_ =
        grpc::CreateCustomChannel(node_->address(), grpc::InsecureChannelCredentials(), args);
    mls_ = api::MlsApi::NewStub(channel_);
    identity_ = idapi::IdentityApi::NewStub(channel_);
  }

  void StopNode() {
    mls_.reset();
    identity_.reset();
    channel_.reset();
    node_.reset();
  }

  grpc::Status Send(const std::vector<std::string>& datas) {
    api::SendGroupMessagesRequest req;
    for (const auto& d : datas) {
      auto* v1 = req.add_messages()->mutable_v1();
      v1->set_data(d);
      v1->set_sender_hmac(std::string(32, 'h'));
      v1->set_should_push(true);
    }
    google::protobuf::Empty resp;
    grpc::ClientContext ctx;
    return mls_->SendGroupMessages(&ctx, req, &resp);
  }

  // Sends `n` application messages to `group`, tagged with `tag`.
  void SendMany(const std::string& group, int n, const std::string& tag = "m") {
    for (int i = 0; i < n; ++i) {
      auto st = Send({PrivateMessage(group, 1, tag + std::to_string(i))});
      ASSERT_TRUE(st.ok()) << st.error_message();
    }
  }

  api::QueryGroupMessagesResponse Query(const std::string& group, api::SortDirection dir,
                                        std::uint32_t limit, std::uint64_t cursor,
                                        grpc::Status* status = nullptr) {
    api::QueryGroupMessagesRequest req;
    req.set_group_id(group);
    req.mutable_paging_info()->set_direction(dir);
    req.mutable_paging_info()->set_limit(limit);
    req.mutable_paging_info()->set_id_cursor(cursor);
    api::QueryGroupMessagesResponse resp;
    grpc::ClientContext ctx;
    auto st = mls_->QueryGroupMessages(&ctx, req, &resp);
    if (status) *status = st;
    EXPECT_TRUE(status || st.ok()) << st.error_message();
    return resp;
  }

  std::unique_ptr<Node> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<api::MlsApi::Stub> mls_;
  std::unique_ptr<idapi::IdentityApi::Stub> identity_;
};

}  // namespace xs::node::testing
