// Who is calling: API keys, read from a keys file, mapped to roles, each
// key held to a rate limit.
//
// Keys file: one key per line, "KEY ROLE [COUNTRY] NAME"; '#' starts a
// comment. KEY is either
//   hash:ID:SALT:DIGEST  a key stored hashed, as `pochta keys add` writes it:
//                        the key itself is "pochta_ID_SECRET" (ID 12 and
//                        SECRET 32 hex digits, printed once), DIGEST the
//                        hex SHA-256 of SALT's 16 bytes then the key
//   the key in plain text, 16 or more letters, digits, '-', '_' or '.'
//                        (data/example-keys.txt, and a client's own file of
//                        the keys it holds, as `pochta replay` reads it)
// A presented key is compared in constant time (with CRYPTO_memcmp, on
// digests). ROLE is
//   operator COUNTRY  a partner or transit operator of the operators file
//                     (core/operators.h): CN, LV, VU, TR, AU as shipped
//   staff             Uzbekiston Pochtasi staff
//   reader            read-only, without personal data
// e.g. "cn-7f3a9c2e41d84b06 operator CN China Post EDI gateway".
//
// Thread-safety: Authenticate, KeyFor and Replace may be called
// concurrently: Replace swaps the keys whole, and a call sees the old keys
// or the new. SetRateLimit before the first Authenticate.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/item.h"
#include "core/item_id.h"
#include "core/operators.h"
#include "core/tracking.h"

namespace pochta::services {

enum class Role : uint8_t { kOperator, kStaff, kReader };

struct Principal {
  std::string name;
  std::string key_id;  // the ID of a hashed key; of a plain one, a digest's first 12 hex digits
  Role role = Role::kReader;
  core::Operator op = core::kUzbekistanPost;  // the operator's country for kOperator
  // For kOperator: a partner exchanges mail with Uzbekiston Pochtasi; a
  // transit operator only reports transit events at its transit offices.
  core::OperatorKind kind = core::OperatorKind::kHome;

  // Reads of an item: staff and readers any; an operator its own country's,
  // and mail Uzbekiston Pochtasi sends that is addressed to its country
  // (`addressed_to`, the recipient's country in the item's pre-advice;
  // empty when unknown).
  bool MayRead(core::ItemId id, std::string_view addressed_to = {}) const;
  // Personal data of senders and addressees: everyone but readers.
  bool SeesPersonalData() const { return role != Role::kReader; }
  // Why this caller may not report `code` for `item`; nothing when it may.
  // Mail to Uzbekistan: its operator reports origin-side events, staff
  // destination-side ones. Mail Uzbekiston Pochtasi sends (an item issued
  // in UZ): staff report origin-side events, the receiving operator
  // destination-side ones. Transit events (EMJ, EMK) of any item: the
  // operator that runs the transit office. The way back of mail to
  // Uzbekistan returned to its sender: staff report its return dispatch
  // (EMB, EMC) and its operator receives it back (EMD). CheckEventOffice
  // keeps each to the reporter's own offices.
  std::optional<std::string> WhyNotReport(core::ItemId item, core::EventCode code) const;
  // Why this caller may not submit pre-advice for `item`: an item of another
  // country, or a dispatch from another country's office of exchange.
  // Nothing when it may. Operators send their own country's items, staff
  // those issued in Uzbekistan.
  std::optional<std::string> WhyNotSubmit(const core::Item& item) const;
  // Why this caller may not declare `item` inside a dispatch of its own;
  // nothing when it may (the sender's own items only).
  std::optional<std::string> WhyNotDeclare(core::ItemId item) const;
  // The operator this caller sends mail for; nothing for readers and
  // transit operators.
  std::optional<core::Operator> Sender() const;
};

// Mail Uzbekiston Pochtasi sends abroad: an item issued in Uzbekistan.
bool SentFromUzbekistan(core::ItemId id);

// A token bucket per key: `per_second` calls on average, `burst` at once.
// Thread-safety: Take may be called concurrently.
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // Zero when the key's call may go ahead (and takes a token); otherwise how
  // long until it may.
  std::chrono::microseconds Take(const std::string& key_id, std::chrono::steady_clock::time_point now);
  double per_second() const { return per_second_; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  const double per_second_;
  const double burst_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_;
};

// The default limit of each key: calls per second, and twice that at once.
inline constexpr double kDefaultRateLimit = 1000;

class KeyRing {
 public:
  // InvalidArgument naming the line for a malformed file or an operator key
  // of a country that is not a partner or transit operator in `operators`.
  static absl::StatusOr<KeyRing> Load(const std::string& path, const core::Operators& operators);
  static absl::StatusOr<KeyRing> Parse(std::string_view text, std::string_view source,
                                       const core::Operators& operators);
  KeyRing() = default;
  KeyRing(KeyRing&& other) noexcept;
  KeyRing& operator=(KeyRing&& other) noexcept;

  // Takes `fresh`'s keys in place of these (a keys file reloaded), at once
  // for every caller. The rate limit and what each key has used of it stay.
  void Replace(KeyRing&& fresh);

  // UNAUTHENTICATED when the key is missing or unknown; RESOURCE_EXHAUSTED,
  // with the time to wait, when it is over its rate limit.
  absl::StatusOr<Principal> Authenticate(std::optional<std::string_view> key) const;
  size_t size() const;
  size_t plain_size() const;
  // Calls per second per key, twice that at once; 0: no limit. Default:
  // kDefaultRateLimit. Call before the first Authenticate.
  void SetRateLimit(double per_second);
  // A plain-text key with this role (and operator, for kOperator); the
  // first in key order when several have it. Nothing when none has.
  std::optional<std::string> KeyFor(Role role, core::Operator op = core::kUzbekistanPost) const;

  // A new random key, "pochta_ID_SECRET", and its keys-file entry
  // "hash:ID:SALT:DIGEST".
  struct NewKey {
    std::string key;
    std::string entry;
  };
  static NewKey Generate();

 private:
  struct Hashed {
    std::string salt;    // 16 bytes
    std::string digest;  // 32 bytes: SHA-256 of salt, then the key
    Principal principal;
  };
  struct Plain {
    std::string key;
    Principal principal;
  };
  struct Entries {
    absl::flat_hash_map<std::string, Hashed> hashed;  // by ID
    absl::flat_hash_map<std::string, Plain> plain;    // by the key's SHA-256 (raw bytes)
  };
  // The entries in force, swapped whole. Behind a mutex, not in a
  // std::atomic<std::shared_ptr>: ThreadSanitizer reports GCC 12's
  // lock-bit implementation of that as a data race.
  class Current {
   public:
    Current() = default;
    explicit Current(std::shared_ptr<const Entries> p) : p_(std::move(p)) {}
    std::shared_ptr<const Entries> load() const {
      std::lock_guard lock(mu_);
      return p_;
    }
    void store(std::shared_ptr<const Entries> p) {  // the old entries go after the lock is released
      std::lock_guard lock(mu_);
      p_.swap(p);
    }

   private:
    mutable std::mutex mu_;
    std::shared_ptr<const Entries> p_ = std::make_shared<const Entries>();
  };
  Current entries_;
  std::unique_ptr<RateLimiter> limiter_;  // null: no limit
};

// The payload of Authenticate's RESOURCE_EXHAUSTED: milliseconds to wait,
// in decimal (for HTTP's Retry-After).
inline constexpr const char* kRetryAfterPayload = "type.pochta.dev/retry-after-ms";

// The metadata entry that carries the key.
inline constexpr const char* kApiKeyHeader = "x-api-key";

}  // namespace pochta::services
