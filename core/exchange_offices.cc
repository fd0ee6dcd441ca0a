#include "core/exchange_offices.h"

#include <sstream>

#include "core/country.h"
#include "core/files.h"
#include "core/operators.h"
#include "fmt/format.h"

namespace pochta::core {

std::string_view Name(ExchangeRole role) {
  switch (role) {
    case ExchangeRole::kInward: return "inward";
    case ExchangeRole::kOutward: return "outward";
    case ExchangeRole::kTransit: return "transit";
  }
  return "?";
}

absl::StatusOr<ExchangeOffices> ExchangeOffices::Parse(std::string_view text, std::string_view source) {
  ExchangeOffices offices;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    ExchangeOffice office;
    std::string role;
    if (!(fields >> office.impc)) continue;
    const auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(fmt::format("{}:{}: {}", source, number, why));
    };
    if (!(fields >> office.country >> role)) return fail("expected \"IMPC COUNTRY ROLE CITY\"");
    std::getline(fields >> std::ws, office.city);
    if (!IsImpcCode(office.impc)) {
      return fail(
          fmt::format("IMPC \"{}\" is not an IMPC code (country, three letters, a letter or digit)", office.impc));
    }
    if (!IsIsoCountryCode(office.country) || !office.impc.starts_with(office.country)) {
      return fail(fmt::format("country \"{}\" is not the country of IMPC {}", office.country, office.impc));
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
    if (office.city.empty()) return fail(fmt::format("office {} has no city", office.impc));
    if (offices.Find(office.impc) != nullptr) return fail(fmt::format("duplicate office {}", office.impc));
    offices.offices_.push_back(std::move(office));
  }
  if (offices.offices_.empty()) return absl::InvalidArgumentError(fmt::format("{}: no offices", source));
  return offices;
}

absl::StatusOr<ExchangeOffices> ExchangeOffices::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "offices file");
  if (!text.ok()) return text.status();
  const size_t slash = path.find_last_of('/');
  return Parse(*text, slash == std::string::npos ? path : path.substr(slash + 1));
}

const ExchangeOffice* ExchangeOffices::Find(std::string_view impc) const {
  for (const ExchangeOffice& office : offices_) {
    if (office.impc == impc) return &office;
  }
  return nullptr;
}

std::vector<std::string_view> ExchangeOffices::CodesOf(std::string_view country, ExchangeRole role) const {
  std::vector<std::string_view> codes;
  for (const ExchangeOffice& office : offices_) {
    if (office.country == country && office.role == role) codes.push_back(office.impc);
  }
  return codes;
}

}  // namespace pochta::core
