#include "services/internal/places.h"

#include <cstdlib>

#include "fmt/format.h"

namespace pochta::services {
namespace {

absl::TimeZone Load(const std::string& name) {
  absl::TimeZone zone;
  // The operators file's zones were checked when it was loaded.
  if (!absl::LoadTimeZone(name, &zone)) return absl::UTCTimeZone();
  return zone;
}

}  // namespace

Places::Places(const core::Network& network, const core::Operators& operators)
    : network_(network), operators_(operators), utc_{"UTC", absl::UTCTimeZone()} {
  for (const core::OperatorInfo& info : operators.all()) {
    by_country_[std::string(core::Code(info.op))] = Zone{info.time_zone, Load(info.time_zone)};
  }
  const auto home = by_country_.find(std::string(core::Code(core::kUzbekistanPost)));
  home_ = home != by_country_.end() ? home->second : Zone{"Asia/Tashkent", Load("Asia/Tashkent")};
  for (const core::Facility& f : network.facilities()) {
    if (f.kind != core::FacilityKind::kDeliveryOffice) hubs_.push_back(&f);
  }
}

std::string Places::Name(std::string_view office) const {
  if (office.empty()) return "";
  if (const std::optional<core::FacilityId> id = network_.Find(office)) {
    return fmt::format("{} ({})", network_.facility(*id).name, office);
  }
  if (const core::ExchangeOffice* exchange = operators_.FindOffice(office)) {
    const core::OperatorInfo* op = operators_.Find(exchange->op);
    return fmt::format("{}, {} ({})", exchange->city, op ? op->name : "", office);
  }
  if (office.size() > 2) {
    if (const std::optional<core::Operator> country = core::Operator::Parse(office.substr(0, 2))) {
      if (const core::OperatorInfo* op = operators_.Find(*country)) {
        return fmt::format("{} {}, {}", core::Code(*country), office.substr(2), op->name);
      }
    }
  }
  return std::string(office);
}

const Places::Zone& Places::ZoneOf(std::string_view office) const {
  if (network_.Find(office)) return home_;
  if (office.size() >= 2) {
    const auto it = by_country_.find(std::string(office.substr(0, 2)));
    if (it != by_country_.end()) return it->second;
  }
  return utc_;
}

Places::LocalTime Places::Format(const Zone& zone, core::Timestamp t) {
  const absl::Time at = absl::FromUnixSeconds(t.time_since_epoch().count());
  const int offset = zone.zone.At(at).offset;  // seconds east of UTC
  const int minutes = std::abs(offset) / 60;
  return LocalTime{
      absl::FormatTime("%Y-%m-%d %H:%M", at, zone.zone),
      fmt::format("{}, UTC{}{:02d}:{:02d}", zone.name, offset < 0 ? '-' : '+', minutes / 60, minutes % 60)};
}

Places::LocalTime Places::Local(std::string_view office, core::Timestamp t) const { return Format(ZoneOf(office), t); }

Places::LocalTime Places::Home(core::Timestamp t) const { return Format(home_, t); }

}  // namespace pochta::services
