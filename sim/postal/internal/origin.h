// Origin: where items enter the model. Each flow's customers post items
// (EMA) at a rate shaped by the weekday and the seasons of the origin's
// local calendar (peaks and troughs); an item gets its S10 id, service
// indicator, weight, contents and destination office, and reaches the
// outward office of exchange (EMB) after a log-normal time. Letters to a
// partner are posted at Uzbek post offices in their opening hours and go to
// Tashkent. Goods a flow
// consolidates (ordered from sellers in China, posted in Riga) are ordered
// on the sellers' calendar, wait for the day's bulk shipment and are posted
// (EMA) when it reaches the operator. A correspondence
// flow's ordinary letters, untracked, reach the office of exchange as one
// weight a day.
//
// Thread-safety: as its Context.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/item_id.h"
#include "sim/postal/forecast.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/dispatching.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Origin final : public EventHandler {
 public:
  Origin(Context& ctx, Dispatching& dispatching, Statistics& statistics);

  // Schedules each operator's first posting.
  void Start();

  // A forecast's item in flow (forecast.h) of flow o, delivered by `office`
  // when known: its record, with what the store does not know drawn as the
  // flow draws it. Counted as posted. Returns its index.
  uint32_t Place(uint32_t o, const ItemInFlow& item, std::optional<uint32_t> office);
  // Placed item i was posted and is on its way to the outward office of
  // exchange: it gets there after what is left of the journey.
  void Resume(uint32_t i);

  void OnEvent(Simulation& sim, uint64_t payload) override;

 private:
  // Postings per day relative to items_per_day, by the origin's local date:
  // the weekday, and for goods the seasons.
  double DemandFactor(uint32_t o, Time t) const;
  void ScheduleNextPosting(uint32_t o, Time from);
  // The next day's ordinary letters of flow o, at local noon after `from`.
  void ScheduleOrdinary(uint32_t o, Time from);
  core::ItemId NextId(uint32_t o, const std::string& indicator);
  // An item of flow o and mail class: weight, contents, value, destination
  // office and region drawn from `rng`; no id or times yet.
  ItemRecord Draw(uint32_t o, core::MailClass mail_class, Rng& rng) const;
  // A new item of flow o: ordered, or posted at once.
  void Post(uint32_t o);
  // The first bulk shipment of flow o's consolidated goods at or after t.
  Time NextShipment(uint32_t o, Time t) const;
  // The operator accepts item i (EMA); it heads for the office of exchange.
  void Accept(uint32_t i);

  Context& ctx_;
  Dispatching& dispatching_;
  Statistics& statistics_;
  std::vector<Rng> arrivals_, ordinary_;   // by operator
  Rng in_flow_;                            // what placed items' records lack
  std::vector<std::string> posting_office_;  // by operator
  std::vector<std::vector<uint32_t>> region_offices_;
  std::vector<double> region_weight_;  // cumulative
  std::map<std::pair<std::string, std::string>, core::ItemIdSequence> sequences_;  // country, indicator
  std::vector<std::vector<uint32_t>> consolidating_;  // by flow: ordered, waiting for the bulk shipment
  std::vector<bool> shipment_scheduled_;              // by flow
  std::vector<std::vector<uint32_t>> shipments_;      // under way
};

}  // namespace pochta::sim::internal
