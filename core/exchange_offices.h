// The offices of exchange and transit offices that mail to Uzbekistan
// passes, as data: the offices file (data/offices-of-exchange.txt), so that
// a new office or partner is a line, not a release.
//
// File format, one office per line; '#' starts a comment:
//   IMPC COUNTRY ROLE CITY
//   CNURCA CN outward Urumqi
// IMPC is the office's UPU IMPC code (S34: country, IATA location,
// qualifier), COUNTRY the ISO 3166-1 country of the operator that runs it
// (the IMPC code's first two letters), ROLE one of
//   inward    receives international mail (Uzbekiston Pochtasi, Tashkent)
//   outward   a partner's office that dispatches mail to Uzbekistan
//   transit   an office where mail to Uzbekistan changes carrier
// and CITY the rest of the line.
//
// Thread-safety: immutable once loaded.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pochta::core {

enum class ExchangeRole : uint8_t { kInward, kOutward, kTransit };
std::string_view Name(ExchangeRole role);  // "inward", "outward", "transit"

struct ExchangeOffice {
  std::string impc;
  std::string country;
  ExchangeRole role = ExchangeRole::kOutward;
  std::string city;
};

class ExchangeOffices {
 public:
  // InvalidArgument naming "<source>:<line>" and the field for a malformed
  // line, an unknown role, an IMPC code of another country or a duplicate.
  static absl::StatusOr<ExchangeOffices> Parse(std::string_view text, std::string_view source);
  static absl::StatusOr<ExchangeOffices> Load(const std::string& path);

  // Nothing when the code is not in the file.
  const ExchangeOffice* Find(std::string_view impc) const;
  // The IMPC codes of `country`'s offices in `role`, in file order, e.g.
  // for an error message.
  std::vector<std::string_view> CodesOf(std::string_view country, ExchangeRole role) const;
  std::span<const ExchangeOffice> all() const { return offices_; }

 private:
  std::vector<ExchangeOffice> offices_;
};

}  // namespace pochta::core
