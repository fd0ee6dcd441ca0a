#include "core/operators.h"

#include <array>
#include <sstream>

#include "absl/time/time.h"
#include "core/country.h"
#include "core/files.h"
#include "fmt/format.h"

namespace pochta::core {
namespace {

// Every two-letter code, in index order: "AAABAC...ZZ".
constexpr auto kCodes = [] {
  std::array<char, 2 * kOperatorIndexCount> codes{};
  for (int i = 0; i < kOperatorIndexCount; ++i) {
    codes[size_t(2 * i)] = char('A' + i / 26);
    codes[size_t(2 * i + 1)] = char('A' + i % 26);
  }
  return codes;
}();

// The rest of a line: its words with the spaces around them trimmed.
std::string Rest(std::istream& fields) {
  std::string rest;
  std::getline(fields >> std::ws, rest);
  rest.erase(rest.find_last_not_of(" \t\r") + 1);
  return rest;
}

}  // namespace

std::optional<Operator> Operator::Parse(std::string_view country) {
  if (!IsIsoCountryCode(country)) return std::nullopt;
  return Operator(Index(country[0], country[1]));
}

std::optional<Operator> Operator::FromIndex(uint32_t index) {
  if (index >= uint32_t(kOperatorIndexCount)) return std::nullopt;
  return Operator(uint16_t(index));
}

std::string_view Operator::code() const { return std::string_view(kCodes.data() + 2 * size_t(index_), 2); }

bool IsImpcCode(std::string_view code) {
  if (code.size() != 6 || !IsIsoCountryCode(code.substr(0, 2))) return false;
  for (size_t i = 2; i < 5; ++i) {
    if (code[i] < 'A' || code[i] > 'Z') return false;
  }
  const char qualifier = code[5];
  return (qualifier >= 'A' && qualifier <= 'Z') || (qualifier >= '0' && qualifier <= '9');
}

std::string_view Name(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::kHome: return "home";
    case OperatorKind::kPartner: return "partner";
    case OperatorKind::kTransit: return "transit";
  }
  return "?";
}

std::string_view Name(ExchangeRole role) {
  switch (role) {
    case ExchangeRole::kInward: return "inward";
    case ExchangeRole::kOutward: return "outward";
    case ExchangeRole::kTransit: return "transit";
  }
  return "?";
}

absl::StatusOr<Operators> Operators::Parse(std::string_view text, std::string_view source) {
  Operators file;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string entry;
    if (!(fields >> entry)) continue;
    const auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(fmt::format("{}:{}: {}", source, number, why));
    };
    if (entry == "operator") {
      std::string country, kind;
      OperatorInfo info;
      if (!(fields >> country >> kind >> info.time_zone)) {
        return fail("expected \"operator COUNTRY KIND TIME-ZONE NAME\"");
      }
      info.name = Rest(fields);
      const std::optional<Operator> op = Operator::Parse(country);
      if (!op) return fail(fmt::format("country \"{}\" is not an ISO 3166-1 alpha-2 code", country));
      info.op = *op;
      if (kind == "home") {
        info.kind = OperatorKind::kHome;
      } else if (kind == "partner") {
        info.kind = OperatorKind::kPartner;
      } else if (kind == "transit") {
        info.kind = OperatorKind::kTransit;
      } else {
        return fail(fmt::format("kind \"{}\" is not home, partner or transit", kind));
      }
      if (info.kind == OperatorKind::kHome && info.op != kUzbekistanPost) {
        return fail(fmt::format("the home operator is Uzbekiston Pochtasi, UZ, not {}", country));
      }
      if (info.kind != OperatorKind::kHome && info.op == kUzbekistanPost) {
        return fail("UZ is the home operator");
      }
      absl::TimeZone zone;
      if (!absl::LoadTimeZone(info.time_zone, &zone)) {
        return fail(fmt::format("time zone \"{}\" is not an IANA zone of this system's tzdata", info.time_zone));
      }
      if (info.name.empty()) return fail(fmt::format("operator {} has no name", country));
      if (file.Find(info.op) != nullptr) return fail(fmt::format("duplicate operator {}", country));
      file.operators_.push_back(std::move(info));
    } else if (entry == "office") {
      ExchangeOffice office;
      std::string role;
      if (!(fields >> office.impc >> role)) return fail("expected \"office IMPC ROLE CITY\"");
      office.city = Rest(fields);
      if (!IsImpcCode(office.impc)) {
        return fail(
            fmt::format("IMPC \"{}\" is not an IMPC code (country, three letters, a letter or digit)", office.impc));
      }
      office.op = *Operator::Parse(std::string_view(office.impc).substr(0, 2));
      const OperatorInfo* runs = file.Find(office.op);
      if (runs == nullptr) {
        return fail(fmt::format("office {} needs an operator line for {} above it", office.impc, office.op.code()));
      }
      if (role == "inward") {
        office.role = ExchangeRole::kInward;
      } else if (role == "outward") {
        office.role = ExchangeRole::kOutward;
      } else if (role == "transit") {
        office.role = ExchangeRole::kTransit;
      } else {
        return fail(fmt::format("role \"{}\" is not inward, outward or transit", role));
      }
      if (office.role == ExchangeRole::kInward && runs->kind != OperatorKind::kHome) {
        return fail(fmt::format("office {}: only the home operator receives mail at an inward office", office.impc));
      }
      if (office.role == ExchangeRole::kOutward && runs->kind == OperatorKind::kTransit) {
        return fail(fmt::format("office {}: a transit operator runs transit offices only", office.impc));
      }
      if (office.city.empty()) return fail(fmt::format("office {} has no city", office.impc));
      if (file.FindOffice(office.impc) != nullptr) return fail(fmt::format("duplicate office {}", office.impc));
      file.offices_.push_back(std::move(office));
    } else {
      return fail(fmt::format("\"{}\" is not an entry: a line is \"operator ...\" or \"office ...\"", entry));
    }
  }
  if (file.Find(kUzbekistanPost) == nullptr) {
    return absl::InvalidArgumentError(fmt::format("{}: no home operator: expected \"operator UZ home ...\"", source));
  }
  return file;
}

absl::StatusOr<Operators> Operators::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "operators file");
  if (!text.ok()) return text.status();
  const size_t slash = path.find_last_of('/');
  return Parse(*text, slash == std::string::npos ? path : path.substr(slash + 1));
}

const OperatorInfo* Operators::Find(Operator op) const {
  for (const OperatorInfo& info : operators_) {
    if (info.op == op) return &info;
  }
  return nullptr;
}

const ExchangeOffice* Operators::FindOffice(std::string_view impc) const {
  for (const ExchangeOffice& office : offices_) {
    if (office.impc == impc) return &office;
  }
  return nullptr;
}

std::vector<std::string_view> Operators::OfficesOf(Operator op, ExchangeRole role) const {
  std::vector<std::string_view> codes;
  for (const ExchangeOffice& office : offices_) {
    if (office.op == op && office.role == role) codes.push_back(office.impc);
  }
  return codes;
}

std::string Operators::CodesOf(OperatorKind kind) const {
  std::string codes;
  for (const OperatorInfo& info : operators_) {
    if (info.kind != kind) continue;
    if (!codes.empty()) codes += ", ";
    codes += info.op.code();
  }
  return codes;
}

bool Operators::IsPartner(Operator op) const {
  const OperatorInfo* info = Find(op);
  return info != nullptr && info->kind == OperatorKind::kPartner;
}

}  // namespace pochta::core
