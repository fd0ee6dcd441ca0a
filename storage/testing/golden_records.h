// The records of the golden store (storage/testdata/golden-v1): a few items
// that between them use every column family, every event code, measure,
// status, mail class and reporting operator, a dispatch declaration and
// pre-advice naming receptacles. Written half by BulkLoad (table files) and
// half by the ordinary calls (the write-ahead log), at fixed clock times.
//
// REQUIRES: never change what these functions write. The committed store
// was written by them; golden_store_test checks that this build reads it
// back as storage/testdata/golden-v1.jsonl and still writes the same
// records. A new format gets a new golden store beside this one.
#pragma once

#include <string>

#include "core/clock.h"
#include "fmt/format.h"
#include "storage/testing/histories.h"
#include "storage/tracking_store.h"

namespace pochta::storage::testing {

// Predicts "SC-SKD" next and delivery two days after the latest event, so
// that the golden state records carry a prediction.
class GoldenPredictor final : public RoutePredictor {
 public:
  std::optional<Prediction> Predict(const std::string&, const std::string&, core::Timestamp at) const override {
    return Prediction{"SC-SKD", at + std::chrono::hours(48)};
  }
};

inline const core::Timestamp kGoldenWrittenAt = kEpoch2025 + std::chrono::hours(24 * 30);

// REQUIRES: `store` is empty and was opened with `clock` at kGoldenWrittenAt.
inline absl::Status WriteGoldenRecords(TrackingStore& store, core::ManualClock& clock) {
  using core::EventCode;
  using core::NonDeliveryMeasure;
  using std::chrono::hours;
  const std::string dispatch = "CNSHAAUZTASAAUN50042";
  const auto receptacle = [&](int n) { return fmt::format("{}{:03d}{}0{:04d}", dispatch, n, n == 2 ? 1 : 0, 85 + n); };

  // Bulk: a delivered parcel (redelivered once) and a returned one, both in
  // the dispatch by their pre-advice.
  BulkRecords bulk;
  for (uint32_t n = 1; n <= 2; ++n) {
    core::Item item = TestPreAdvice(TestItemId(n), kEpoch2025 + hours(n));
    item.dispatch_id = dispatch;
    item.receptacle_id = receptacle(int(n));
    bulk.items.push_back(item);
    for (const core::TrackingEvent& e : TestHistory(kEpoch2025 + hours(n + 2), 1, n == 2)) {
      ReportedEvent r = Reported(item.id, e);
      r.received_at = e.time + hours(1);
      bulk.events.push_back(r);
    }
  }
  if (absl::StatusOr<BulkLoadReport> r = store.BulkLoad(bulk); !r.ok()) return r.status();

  // Ordinary writes: every other event code, measure and status, letter post
  // and EMS, items of LV and VU, an item without pre-advice.
  clock.Advance(hours(1));
  core::Item letter = TestPreAdvice(TestItemId(3, "LV"), kEpoch2025 + hours(5), "100000");
  letter.mail_class = core::MailClass::kLetterPost;
  core::Item ems = TestPreAdvice(TestItemId(4, "VU"), kEpoch2025 + hours(6), "100015");
  ems.mail_class = core::MailClass::kEms;
  ems.contents.clear();
  ems.sender = {"Port Vila Traders", "Lini Highway", "", "VU", "", ""};
  const std::vector<core::Item> items = {letter, ems};
  if (absl::Status s = store.PutItems(items).status(); !s.ok()) return s;
  const auto t = [](int h) { return kEpoch2025 + hours(h); };
  std::vector<ReportedEvent> events = {
      {letter.id, {EventCode::kEMA, t(5), "LV1050"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEMB, t(8), "LVRIXA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEXA, t(9), "LVRIXA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEXB, t(10), "LVRIXA"}, core::Operator("LV"), "documents missing"},
      {letter.id, {EventCode::kEXD, t(11), "LVRIXA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEXC, t(12), "LVRIXA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEMC, t(13), "LVRIXA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEMJ, t(16), "KZALAA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEMK, t(18), "KZALAA"}, core::Operator("LV"), ""},
      {letter.id, {EventCode::kEMD, t(20), "UZTASA"}, core::kUzbekistanPost, ""},
      {letter.id, {EventCode::kEDA, t(21), "UZTASA"}, core::kUzbekistanPost, "damaged"},
      {letter.id, {EventCode::kEDB, t(22), "UZTASA"}, core::kUzbekistanPost, ""},
      {letter.id, {EventCode::kEME, t(23), "UZTASA"}, core::kUzbekistanPost, ""},
      {letter.id, {EventCode::kEDX, t(30), "UZTASA"}, core::kUzbekistanPost, "import prohibited"},
      {ems.id, {EventCode::kEXX, t(7), "VUVLIA"}, core::Operator("VU"), "cancelled by sender"},
      {ems.id, {EventCode::kEMD, t(40), "UZTASA"}, core::kUzbekistanPost, ""},
      {ems.id, {EventCode::kEMG, t(50), "100015"}, core::kUzbekistanPost, ""},
      {ems.id, {EventCode::kEDF, t(51), "100015"}, core::kUzbekistanPost, ""},
      {ems.id, {EventCode::kEDH, t(52), "100015"}, core::kUzbekistanPost, ""},
      {ems.id, {EventCode::kEDG, t(53), "100015"}, core::kUzbekistanPost, ""},
      {ems.id,
       {EventCode::kEMH, t(54), "100015", NonDeliveryMeasure::kHoldForCollection},
       core::kUzbekistanPost,
       "addressee absent"},
      // Not pre-advised: known by its events only.
      {TestItemId(5), {EventCode::kEMD, t(60), "UZTASA"}, core::kUzbekistanPost, ""},
      {TestItemId(5), {EventCode::kEMF, t(61), "UZTASA"}, core::kUzbekistanPost, ""},
      {TestItemId(5), {EventCode::kEDD, t(62), "SC-SKD"}, core::kUzbekistanPost, ""},
      {TestItemId(5), {EventCode::kEDE, t(63), "SC-SKD"}, core::kUzbekistanPost, ""},
  };
  if (absl::Status s = store.AppendEvents(events).status(); !s.ok()) return s;
  clock.Advance(hours(1));
  DispatchDeclaration declared{dispatch, {{receptacle(1), {TestItemId(1)}}, {receptacle(2), {TestItemId(2)}}}};
  return store.DeclareDispatch(declared);
}

}  // namespace pochta::storage::testing
