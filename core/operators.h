// The postal operators pochta deals with, as data.
//
// Uzbekiston Pochtasi (UZ) is the home operator; designated operators such
// as China Post (CN), Latvijas Pasts (LV) and Vanuatu Post (VU) exchange
// mail with it; others run transit offices on the way (Türkiye's PTT at
// Istanbul). An Operator is just its country; who the operators are, their
// names, time zones and offices is the operators file (data/operators.txt),
// so that a new partner, Kazakhstan's road link for example, is a few lines
// of that file, not a release.
//
// Operators file, one entry per line; '#' starts a comment:
//   operator COUNTRY KIND TIME-ZONE NAME
//   office   IMPC ROLE CITY
// e.g.
//   operator CN partner Asia/Shanghai China Post
//   office   CNURCA outward Urumqi
// COUNTRY is ISO 3166-1 alpha-2; KIND one of
//   home      Uzbekiston Pochtasi, exactly one, UZ
//   partner   a designated operator that exchanges mail with it
//   transit   an operator that runs transit offices on the routes only
// TIME-ZONE an IANA zone (the zone of its offices), NAME the rest of the
// line. An office's IMPC code (UPU S34: country, IATA location, qualifier)
// starts with the country of the operator that runs it, whose operator
// line comes before it; ROLE is one of
//   inward    receives international mail (the home operator's only)
//   outward   dispatches mail (a partner's, or the home operator's)
//   transit   where mail changes carrier on its way
// and CITY the rest of the line.
//
// Thread-safety: Operator is a value; an Operators is immutable once loaded.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pochta::core {

// An operator, by the ISO 3166-1 alpha-2 code of its country.
class Operator {
 public:
  // A literal code, checked when compiled: Operator("CN").
  consteval explicit Operator(const char (&code)[3]) : index_(Index(code[0], code[1])) {
    if (code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') throw "an operator is two capital letters";
  }
  // Nothing unless `country` is an officially assigned ISO 3166-1 code.
  static std::optional<Operator> Parse(std::string_view country);

  std::string_view code() const;  // "CN"; valid for the life of the program
  // 0..675, dense: for tables indexed by operator.
  uint16_t index() const { return index_; }
  static std::optional<Operator> FromIndex(uint32_t index);

  auto operator<=>(const Operator&) const = default;

 private:
  constexpr explicit Operator(uint16_t index) : index_(index) {}
  static constexpr uint16_t Index(char a, char b) { return uint16_t((a - 'A') * 26 + (b - 'A')); }

  uint16_t index_;
};

inline constexpr Operator kUzbekistanPost = Operator("UZ");  // the home operator
inline constexpr int kOperatorIndexCount = 26 * 26;

inline std::string_view Code(Operator op) { return op.code(); }

// True when `code` has the shape of an IMPC code: an ISO country, three
// capital letters and a capital letter or digit. It need not be in a file.
bool IsImpcCode(std::string_view code);

enum class OperatorKind : uint8_t { kHome, kPartner, kTransit };
std::string_view Name(OperatorKind kind);  // "home", "partner", "transit"

enum class ExchangeRole : uint8_t { kInward, kOutward, kTransit };
std::string_view Name(ExchangeRole role);  // "inward", "outward", "transit"

struct OperatorInfo {
  Operator op = kUzbekistanPost;
  OperatorKind kind = OperatorKind::kPartner;
  std::string time_zone;
  std::string name;
};

struct ExchangeOffice {
  std::string impc;
  Operator op = kUzbekistanPost;  // the operator that runs it: the IMPC code's country
  ExchangeRole role = ExchangeRole::kOutward;
  std::string city;
};

// The operators file.
class Operators {
 public:
  // InvalidArgument naming "<source>:<line>" and the field for a malformed
  // line, an unknown kind, role or time zone, an office of a country without
  // an operator line, a duplicate, or a file without exactly one home
  // operator (UZ).
  static absl::StatusOr<Operators> Parse(std::string_view text, std::string_view source);
  static absl::StatusOr<Operators> Load(const std::string& path);

  // Nothing when the operator or office is not in the file.
  const OperatorInfo* Find(Operator op) const;
  const ExchangeOffice* FindOffice(std::string_view impc) const;
  // The IMPC codes of `op`'s offices in `role`, in file order, e.g. for an
  // error message.
  std::vector<std::string_view> OfficesOf(Operator op, ExchangeRole role) const;
  // The operators of `kind`, in file order, as codes: "CN, LV, VU".
  std::string CodesOf(OperatorKind kind) const;
  bool IsPartner(Operator op) const;

  std::span<const OperatorInfo> all() const { return operators_; }
  std::span<const ExchangeOffice> offices() const { return offices_; }

 private:
  std::vector<OperatorInfo> operators_;
  std::vector<ExchangeOffice> offices_;
};

}  // namespace pochta::core
