#include "services/auth.h"

#include <cmath>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "core/files.h"
#include "fmt/format.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/rand.h"

namespace pochta::services {

bool SentFromUzbekistan(core::ItemId id) { return id.HasCountry(core::Code(core::kUzbekistanPost)); }

bool Principal::MayRead(core::ItemId id, std::string_view addressed_to) const {
  return role != Role::kOperator || id.HasCountry(core::Code(op)) ||
         (SentFromUzbekistan(id) && addressed_to == core::Code(op));
}

namespace {

// The way back of mail to Uzbekistan returned to its sender: Uzbekiston
// Pochtasi dispatches it (EMB, EMC at its offices) and its operator
// receives it (EMD at its office of exchange). Allowed by the event and its
// office alone, whatever has arrived before, so that reports may come in
// any order.
bool IsReturnLeg(core::EventCode code, core::EventSide side, bool outbound) {
  if (outbound) return false;
  return side == core::EventSide::kOrigin ? code == core::EventCode::kEMB || code == core::EventCode::kEMC
                                          : code == core::EventCode::kEMD;
}

}  // namespace

std::optional<std::string> Principal::WhyNotReport(core::ItemId item, core::EventCode code) const {
  const core::EventSide side = core::Info(code).side;
  const bool outbound = SentFromUzbekistan(item);
  if (role != Role::kReader && side == core::EventSide::kTransit) return std::nullopt;
  switch (role) {
    case Role::kReader: return std::string("the reader role may not report events");
    case Role::kStaff:
      if (side == (outbound ? core::EventSide::kOrigin : core::EventSide::kDestination)) return std::nullopt;
      if (IsReturnLeg(code, side, outbound)) return std::nullopt;
      if (outbound) {
        return fmt::format(
            "Uzbekiston Pochtasi staff report the origin-side events of mail it sends; {} is an {} event of item {}, "
            "reported by the operator it was sent to",
            core::Name(code), core::Name(side), item.ToString());
      }
      return fmt::format("Uzbekiston Pochtasi staff report destination-side events; {} is an {} event",
                         core::Name(code), core::Name(side));
    case Role::kOperator:
      if (kind == core::OperatorKind::kTransit) {
        return fmt::format("{} runs transit offices only: it reports transit events (EMJ, EMK); {} is an {} event",
                           core::Code(op), core::Name(code), core::Name(side));
      }
      if (outbound) {  // mail sent to this operator: it reports what happens at its offices
        if (side == core::EventSide::kDestination) return std::nullopt;
        return fmt::format("item {} was sent by Uzbekiston Pochtasi, which reports its {} events; {} is one",
                           item.ToString(), core::Name(side), core::Name(code));
      }
      if (!item.HasCountry(core::Code(op))) {
        return fmt::format("item {} was issued in {}, not {}", item.ToString(),
                           std::string_view(item.country().data(), 2), core::Code(op));
      }
      if (side == core::EventSide::kDestination && !IsReturnLeg(code, side, outbound)) {
        return fmt::format("{} is a destination-side event, reported by Uzbekiston Pochtasi", core::Name(code));
      }
      return std::nullopt;
  }
  return std::string("unknown role");
}

namespace {

std::optional<std::string> WhyNotOwn(core::Operator op, core::ItemId item) {
  if (item.HasCountry(core::Code(op))) return std::nullopt;
  return fmt::format("item {} was issued in {}, not {}", item.ToString(), std::string_view(item.country().data(), 2),
                     core::Code(op));
}

}  // namespace

// The sending operator: a designated operator for mail to Uzbekistan, staff
// for the mail Uzbekiston Pochtasi sends.
std::optional<core::Operator> Principal::Sender() const {
  if (role == Role::kOperator) return kind == core::OperatorKind::kPartner ? std::optional(op) : std::nullopt;
  if (role == Role::kStaff) return core::kUzbekistanPost;
  return std::nullopt;
}

std::optional<std::string> Principal::WhyNotSubmit(const core::Item& item) const {
  const std::optional<core::Operator> sender = Sender();
  if (!sender) {
    return std::string("only designated operators (partners in the operators file) and Uzbekiston Pochtasi staff "
                       "submit pre-advice");
  }
  if (std::optional<std::string> why = WhyNotOwn(*sender, item.id)) return why;
  if (!item.dispatch_id.empty() && !item.dispatch_id.starts_with(core::Code(*sender))) {
    return fmt::format("dispatch {} leaves an office of exchange of {}, not {}", item.dispatch_id,
                       item.dispatch_id.substr(0, 2), core::Code(*sender));
  }
  return std::nullopt;
}

std::optional<std::string> Principal::WhyNotDeclare(core::ItemId item) const {
  const std::optional<core::Operator> sender = Sender();
  if (!sender) {
    return std::string("only designated operators (partners in the operators file) and Uzbekiston Pochtasi staff "
                       "declare dispatches");
  }
  return WhyNotOwn(*sender, item);
}

namespace {

constexpr std::string_view kHashedPrefix = "hash:";
constexpr std::string_view kKeyPrefix = "pochta_";
constexpr size_t kIdDigits = 12, kSecretDigits = 32, kSaltBytes = 16, kDigestBytes = 32;

std::string Sha256(std::string_view salt, std::string_view key) {
  // Fetched once: OpenSSL 3 looks an implicitly named algorithm up again on
  // every use, under a lock.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string digest(kDigestBytes, '\0');
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = sha256 && ctx && EVP_DigestInit_ex(ctx, sha256, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
                  EVP_DigestUpdate(ctx, key.data(), key.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(digest.data()), nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();  // only on allocation failure inside OpenSSL
  return digest;
}

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), int(n)) != 1) std::abort();  // no entropy
  return bytes;
}

bool IsHex(const std::string& s, size_t digits) {
  return s.size() == digits && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The ID of a key of the form "pochta_ID_SECRET"; nothing for another form.
std::optional<std::string_view> KeyId(std::string_view key) {
  if (!key.starts_with(kKeyPrefix)) return std::nullopt;
  key.remove_prefix(kKeyPrefix.size());
  if (key.size() != kIdDigits + 1 + kSecretDigits || key[kIdDigits] != '_') return std::nullopt;
  return key.substr(0, kIdDigits);
}

}  // namespace

std::chrono::microseconds RateLimiter::Take(const std::string& key_id, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(key_id, Bucket{burst_, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.at).count() * per_second_);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::chrono::microseconds(0);
  }
  return std::chrono::microseconds(int64_t(std::ceil((1 - b.tokens) / per_second_ * 1e6)));
}

KeyRing::NewKey KeyRing::Generate() {
  const std::string id = absl::BytesToHexString(RandomBytes(kIdDigits / 2));
  const std::string key = fmt::format("{}{}_{}", kKeyPrefix, id, absl::BytesToHexString(RandomBytes(kSecretDigits / 2)));
  const std::string salt = RandomBytes(kSaltBytes);
  return {key, fmt::format("{}{}:{}:{}", kHashedPrefix, id, absl::BytesToHexString(salt),
                           absl::BytesToHexString(Sha256(salt, key)))};
}

void KeyRing::SetRateLimit(double per_second) {
  limiter_ = per_second > 0 ? std::make_unique<RateLimiter>(per_second, 2 * per_second) : nullptr;
}

KeyRing::KeyRing(KeyRing&& other) noexcept : entries_(other.entries_.load()), limiter_(std::move(other.limiter_)) {}

KeyRing& KeyRing::operator=(KeyRing&& other) noexcept {
  entries_.store(other.entries_.load());
  limiter_ = std::move(other.limiter_);
  return *this;
}

void KeyRing::Replace(KeyRing&& fresh) { entries_.store(fresh.entries_.load()); }

size_t KeyRing::size() const {
  const std::shared_ptr<const Entries> e = entries_.load();
  return e->hashed.size() + e->plain.size();
}

size_t KeyRing::plain_size() const { return entries_.load()->plain.size(); }

absl::StatusOr<KeyRing> KeyRing::Load(const std::string& path, const core::Operators& operators) {
  absl::StatusOr<std::string> text = core::ReadFile(path, "keys file");
  if (!text.ok()) return text.status();
  return Parse(*text, path, operators);
}

absl::StatusOr<KeyRing> KeyRing::Parse(std::string_view text, std::string_view source,
                                       const core::Operators& operators) {
  auto entries = std::make_shared<Entries>();
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string key, role;
    if (!(fields >> key)) continue;
    const auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(fmt::format("{}:{}: {}", source, number, why));
    };
    std::optional<Hashed> hashed;
    if (key.starts_with(kHashedPrefix)) {
      std::vector<std::string> parts;
      std::istringstream fields_of_key(key.substr(kHashedPrefix.size()));
      for (std::string part; std::getline(fields_of_key, part, ':');) parts.push_back(part);
      if (parts.size() != 3 || !IsHex(parts[0], kIdDigits) || !IsHex(parts[1], 2 * kSaltBytes) ||
          !IsHex(parts[2], 2 * kDigestBytes)) {
        return fail(fmt::format("a hashed key is hash:ID:SALT:DIGEST with {}, {} and {} lower-case hex digits",
                                kIdDigits, 2 * kSaltBytes, 2 * kDigestBytes));
      }
      hashed = Hashed{absl::HexStringToBytes(parts[1]), absl::HexStringToBytes(parts[2]), {}};
      key = parts[0];
    } else if (key.size() < 16 ||
               key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
                   std::string::npos) {
      return fail("a key is hash:ID:SALT:DIGEST, or 16 or more letters, digits, '-', '_' or '.'");
    }
    if (!(fields >> role)) return fail("expected \"KEY ROLE [COUNTRY] NAME\"");
    Principal p;
    if (role == "operator") {
      std::string country;
      fields >> country;
      const std::optional<core::Operator> op = core::Operator::Parse(country);
      const core::OperatorInfo* info = op ? operators.Find(*op) : nullptr;
      if (info == nullptr || info->kind == core::OperatorKind::kHome) {
        return fail(fmt::format("operator country \"{}\" is not a partner ({}) or transit operator ({}) of the "
                                "operators file",
                                country, operators.CodesOf(core::OperatorKind::kPartner),
                                operators.CodesOf(core::OperatorKind::kTransit)));
      }
      p.role = Role::kOperator;
      p.op = *op;
      p.kind = info->kind;
    } else if (role == "staff") {
      p.role = Role::kStaff;
    } else if (role == "reader") {
      p.role = Role::kReader;
    } else {
      return fail(fmt::format("role \"{}\" is not operator, staff or reader", role));
    }
    std::getline(fields >> std::ws, p.name);
    if (p.name.empty()) p.name = role;
    if (hashed) {
      p.key_id = key;
      hashed->principal = std::move(p);
      if (!entries->hashed.emplace(key, *std::move(hashed)).second) {
        return fail(fmt::format("duplicate key ID {}", key));
      }
    } else {
      const std::string digest = Sha256({}, key);
      p.key_id = absl::BytesToHexString(digest).substr(0, kIdDigits);
      if (!entries->plain.emplace(digest, Plain{key, std::move(p)}).second) return fail("duplicate key");
    }
  }
  if (entries->hashed.empty() && entries->plain.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: no keys", source));
  }
  KeyRing ring;
  ring.entries_.store(std::move(entries));
  ring.SetRateLimit(kDefaultRateLimit);
  return ring;
}

std::optional<std::string> KeyRing::KeyFor(Role role, core::Operator op) const {
  std::optional<std::string> found;
  for (const auto& [digest, plain] : entries_.load()->plain) {
    const Principal& p = plain.principal;
    if (p.role == role && (role != Role::kOperator || p.op == op) && (!found || plain.key < *found)) found = plain.key;
  }
  return found;
}

absl::StatusOr<Principal> KeyRing::Authenticate(std::optional<std::string_view> key) const {
  if (!key || key->empty()) {
    return absl::UnauthenticatedError(
        fmt::format("missing API key: send it in the \"{}\" metadata entry (HTTP: header)", kApiKeyHeader));
  }
  // Compared by digest: how long a lookup takes says nothing of the secret.
  const std::shared_ptr<const Entries> entries = entries_.load();
  const Principal* found = nullptr;
  if (const std::optional<std::string_view> id = KeyId(*key)) {
    const auto it = entries->hashed.find(std::string(*id));
    if (it != entries->hashed.end()) {
      const std::string digest = Sha256(it->second.salt, *key);
      if (CRYPTO_memcmp(digest.data(), it->second.digest.data(), kDigestBytes) == 0) found = &it->second.principal;
    }
  }
  if (!found) {
    const auto it = entries->plain.find(Sha256({}, *key));
    if (it != entries->plain.end()) found = &it->second.principal;
  }
  if (!found) return absl::UnauthenticatedError("unknown API key");
  if (limiter_) {
    const std::chrono::microseconds wait = limiter_->Take(found->key_id, std::chrono::steady_clock::now());
    if (wait.count() > 0) {
      const int64_t wait_ms = (wait.count() + 999) / 1000;
      absl::Status s = absl::ResourceExhaustedError(
          fmt::format("API key {} ({}) is over its rate limit of {:g} calls/s: retry in {} ms", found->key_id,
                      found->name, limiter_->per_second(), wait_ms));
      s.SetPayload(kRetryAfterPayload, absl::Cord(std::to_string(wait_ms)));
      return s;
    }
  }
  return *found;
}

}  // namespace pochta::services
