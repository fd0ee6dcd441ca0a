// Realistic item histories and pre-advice for the storage tests, the crash
// writer and the benchmarks: deterministic for a seed.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "core/item.h"
#include "storage/tracking_store.h"

namespace pochta::storage::testing {

inline const core::Timestamp kEpoch2025 = core::Timestamp(std::chrono::seconds(1'735'689'600));  // 2025-01-01

inline core::ItemId TestItemId(uint32_t serial, const char* country = "CN") {
  return *core::ItemId::Make("LP", serial, country);
}

inline core::Item TestPreAdvice(core::ItemId id, core::Timestamp posted_at, std::string postcode = "140105") {
  core::Item item{.id = id};
  item.mail_class = core::MailClass::kParcels;
  item.weight_grams = 850;
  item.declared_value_minor = 1999;
  item.currency = "USD";
  item.contents = {core::ContentLine{"phone case", "392690", 2, 120, 999, "CN"},
                   core::ContentLine{"usb cable", "854442", 1, 60, 1000, "CN"}};
  item.sender = core::Party{"Shenzhen Trading Co", "Bao'an District, Shenzhen", "518000", "CN", "", ""};
  item.recipient =
      core::Party{"Dilnoza Karimova", "Registon ko'chasi 5, Samarqand", std::move(postcode), "UZ", "+998901234567", ""};
  item.posted_at = posted_at;
  return item;
}

// The events of a parcel from China delivered in Samarkand; `attempts`
// failed delivery attempts before the final one (or a return to sender when
// `returned`).
inline std::vector<core::TrackingEvent> TestHistory(core::Timestamp start, int attempts = 1, bool returned = false) {
  using core::EventCode;
  using core::NonDeliveryMeasure;
  using std::chrono::hours;
  std::vector<core::TrackingEvent> h = {
      {EventCode::kEMA, start, "CN518000"},           {EventCode::kEMB, start + hours(20), "CNSHAA"},
      {EventCode::kEXA, start + hours(22), "CNSHAA"}, {EventCode::kEXC, start + hours(30), "CNSHAA"},
      {EventCode::kEMC, start + hours(40), "CNSHAA"}, {EventCode::kEMD, start + hours(60), "UZTASA"},
      {EventCode::kEDB, start + hours(61), "UZTASA"}, {EventCode::kEDC, start + hours(70), "UZTASA"},
      {EventCode::kEMF, start + hours(72), "UZTASA"}, {EventCode::kEDD, start + hours(80), "SC-SKD"},
      {EventCode::kEDE, start + hours(82), "SC-SKD"}, {EventCode::kEMG, start + hours(90), "140105"},
  };
  auto t = start + hours(100);
  for (int a = 0; a < attempts; ++a, t += hours(24)) {
    h.push_back({EventCode::kEDG, t, "140105"});
    h.push_back({EventCode::kEMH, t + hours(4), "140105", NonDeliveryMeasure::kRedeliver});
  }
  if (returned) {
    h.push_back({EventCode::kEMH, t, "140105", NonDeliveryMeasure::kReturnToSender});
  } else {
    h.push_back({EventCode::kEDG, t, "140105"});
    h.push_back({EventCode::kEMI, t + hours(3), "140105"});
  }
  return h;
}

inline ReportedEvent Reported(core::ItemId id, core::TrackingEvent e) {
  const core::EventSide side = core::Info(e.code).side;
  return ReportedEvent{id, std::move(e),
                       side == core::EventSide::kDestination ? core::kUzbekistanPost : core::Operator("CN"), ""};
}

}  // namespace pochta::storage::testing
