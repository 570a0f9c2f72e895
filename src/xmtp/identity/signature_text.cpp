#include "xmtp/identity/signature_text.h"

#include <cstdio>

#include "xmtp/identity/constants.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

constexpr std::int64_t kNanosPerSecond = 1000000000;
constexpr std::int64_t kSecondsPerDay = 86400;

// Floor division, so times before 1970 round toward the earlier second.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (the classic
// era-based conversion: 400-year eras of 146097 days starting at March 1).
CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;  // shift the epoch to 0000-03-01
  const std::int64_t era = FloorDiv(days, 146097);
  const std::int64_t doe = days - era * 146097;                                    // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

std::string TwoLines(std::string_view action, std::string_view label, const std::string& value) {
  std::string out = "- ";
  out += action;
  out += "\n  (";
  out += label;
  out += ": ";
  out += value;
  out += ")";
  return out;
}

std::string_view LabelFor(const MemberId& id) {
  switch (id.kind) {
    case MemberKind::kInstallation:
      return "ID";
    case MemberKind::kPasskey:
      return "Passkey";
    case MemberKind::kEthereum:
      break;
  }
  return "Address";
}

Result<std::string> ActionText(const pb::IdentityAction& action, std::string_view field) {
  std::string f(field);
  switch (action.kind_case()) {
    case pb::IdentityAction::kCreateInbox: {
      const auto& c = action.create_inbox();
      XS_TRY(MemberId owner,
             MemberIdFromIdentifier(c.initial_identifier(), c.initial_identifier_kind(),
                                    f + ".create_inbox.initial_identifier"));
      return CreateInboxText(owner);
    }
    case pb::IdentityAction::kAdd: {
      XS_TRY(MemberId member, MemberIdFromProto(action.add().new_member_identifier(),
                                                f + ".add.new_member_identifier"));
      return AddAssociationText(member);
    }
    case pb::IdentityAction::kRevoke: {
      XS_TRY(MemberId member,
             MemberIdFromProto(action.revoke().member_to_revoke(), f + ".revoke.member_to_revoke"));
      return RevokeAssociationText(member);
    }
    case pb::IdentityAction::kChangeRecoveryAddress: {
      const auto& c = action.change_recovery_address();
      XS_TRY(MemberId id,
             MemberIdFromIdentifier(c.new_recovery_identifier(), c.new_recovery_identifier_kind(),
                                    f + ".change_recovery_address.new_recovery_identifier"));
      return ChangeRecoveryText(id);
    }
    case pb::IdentityAction::KIND_NOT_SET:
      break;
  }
  return Error::Validation(field, "action kind is not set");
}

}  // namespace

std::string FormatSignatureTimestamp(std::uint64_t unix_ns) {
  const auto ns = static_cast<std::int64_t>(unix_ns);  // libxmtp reads it as i64
  const std::int64_t secs = FloorDiv(ns, kNanosPerSecond);
  const std::int64_t days = FloorDiv(secs, kSecondsPerDay);
  const std::int64_t sod = secs - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(sod / 3600), static_cast<long long>((sod / 60) % 60),
                static_cast<long long>(sod % 60));
  return buf;
}

std::string CreateInboxText(const MemberId& owner) {
  return TwoLines("Create inbox", "Owner", owner.ToString());
}

std::string AddAssociationText(const MemberId& new_member) {
  std::string_view action = "Link address to inbox";
  if (new_member.is_installation()) action = "Grant messaging access to app";
  if (new_member.is_passkey()) action = "Link passkey to inbox";
  return TwoLines(action, LabelFor(new_member), new_member.ToString());
}

std::string RevokeAssociationText(const MemberId& revoked_member) {
  std::string_view action = "Unlink address from inbox";
  if (revoked_member.is_installation()) action = "Revoke messaging access from app";
  if (revoked_member.is_passkey()) action = "Unlink passkey from inbox";
  return TwoLines(action, LabelFor(revoked_member), revoked_member.ToString());
}

std::string ChangeRecoveryText(const MemberId& new_recovery) {
  // libxmtp labels the recovery identifier "Address" whatever its kind.
  return TwoLines("Change inbox recovery address", "Address", new_recovery.ToString());
}

std::string AssembleSignatureText(std::string_view inbox_id, std::uint64_t client_timestamp_ns,
                                  std::span<const std::string> action_texts) {
  std::string out(kSignatureTextHeader);
  out += "\n\nInbox ID: ";
  out += inbox_id;
  out += "\nCurrent time: ";
  out += FormatSignatureTimestamp(client_timestamp_ns);
  out += "\n\n";
  for (std::size_t i = 0; i < action_texts.size(); ++i) {
    if (i != 0) out += "\n";
    out += action_texts[i];
  }
  out += "\n\n";
  out += kSignatureTextFooter;
  return out;
}

Result<std::string> SignatureText(const pb::IdentityUpdate& update) {
  if (static_cast<std::size_t>(update.actions_size()) > kMaxActionsPerUpdate) {
    return Error::Validation("identity_update.actions", "too many actions");
  }
  std::vector<std::string> texts;
  texts.reserve(static_cast<std::size_t>(update.actions_size()));
  for (int i = 0; i < update.actions_size(); ++i) {
    std::string field = "identity_update.actions[" + std::to_string(i) + "]";
    XS_TRY(std::string text, ActionText(update.actions(i), field));
    texts.push_back(std::move(text));
  }
  return AssembleSignatureText(update.inbox_id(), update.client_timestamp_ns(), texts);
}

}  // namespace xs::xmtp::identity
