// Decodes fuzzer input as one MLS message type (RFC 9420): the first byte
// picks the type (MLSMessage, KeyPackage, LeafNode, GroupInfo, GroupSecrets,
// Welcome, Commit, Proposal, RatchetTree, PublicMessage, PrivateMessage,
// SenderData, GroupContext, UpdatePath, PrivateMessageContent of each content
// type), the rest is the encoding. Nothing may crash or trip the sanitizers,
// and whatever decodes must re-encode to exactly the same bytes (the codec
// accepts only canonical encodings).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "mls/messages/serialize.h"

namespace {

using namespace xs::mls;  // NOLINT

template <typename T>
void RoundTrip(std::span<const std::uint8_t> bytes) {
  auto decoded = Deserialize<T>(bytes);
  if (!decoded.ok()) return;
  const Bytes again = Serialize(*decoded);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) std::abort();
}

void PrivateContent(std::span<const std::uint8_t> bytes, ContentType type) {
  ContentBody body;
  FramedContentAuthData auth;
  (void)DecodePrivateMessageContent(bytes, type, body, auth);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  switch (data[0] % 17) {
    case 0:
      RoundTrip<MlsMessage>(bytes);
      break;
    case 1:
      RoundTrip<KeyPackage>(bytes);
      break;
    case 2:
      RoundTrip<LeafNode>(bytes);
      break;
    case 3:
      RoundTrip<GroupInfo>(bytes);
      break;
    case 4:
      RoundTrip<GroupSecrets>(bytes);
      break;
    case 5:
      RoundTrip<Welcome>(bytes);
      break;
    case 6:
      RoundTrip<Commit>(bytes);
      break;
    case 7:
      RoundTrip<Proposal>(bytes);
      break;
    case 8:
      RoundTrip<RatchetTree>(bytes);
      break;
    case 9:
      RoundTrip<PublicMessage>(bytes);
      break;
    case 10:
      RoundTrip<PrivateMessage>(bytes);
      break;
    case 11:
      RoundTrip<SenderData>(bytes);
      break;
    case 12:
      RoundTrip<GroupContext>(bytes);
      break;
    case 13:
      RoundTrip<UpdatePath>(bytes);
      break;
    case 14:
      PrivateContent(bytes, ContentType::kApplication);
      break;
    case 15:
      PrivateContent(bytes, ContentType::kProposal);
      break;
    default:
      PrivateContent(bytes, ContentType::kCommit);
      break;
  }
  return 0;
}
