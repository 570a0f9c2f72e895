// Typed failures of the XMTP client store. Each carries Error::kind()
// "xmtp.store.<name>" (StoreErrorName), which StoreErrorOf reads back; SQLite
// failures pass through as Error::Internal. Messages never carry key or
// row-content bytes.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace xs::xmtp::store {

enum class StoreError {
  kWrongKey,          // Auth: the key given to Open is not the store's key
  kSealedRowInvalid,  // Validation: a sealed column does not open (altered or moved between rows)
  kSchemaTooNew,      // Validation: written by a newer version of this library
  kNotFound,          // NotFound: no such row
  kStaleEpoch,        // Validation: ratchet part for an epoch other than the stored one
  kCursorRegression,  // Validation: a cursor may only move forward
  kInvalidArgument,   // Validation: a value out of range
  kRowCorrupt,        // Validation: a stored column holds a value this library never writes
};

std::string_view StoreErrorName(StoreError kind);
Error MakeStoreError(StoreError kind, std::string_view detail = {});
std::optional<StoreError> StoreErrorOf(const Error& error);

}  // namespace xs::xmtp::store
