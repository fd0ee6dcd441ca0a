// Dispatching: at each flow's outward office of exchange,
// items go into receptacles and receptacles into dispatches, as UPU S8 and
// S9 describe them.
//
// A receptacle holds items of one mail class (its dispatch's subclass) and
// one kind (registered or insured items, or ordinary ones), up to the
// scenario's maximum gross weight; the next item that would pass it opens a
// new one. At the cut-off before each flight every receptacle of the
// office is closed: one dispatch per subclass, numbered in its series
// (origin, destination, category, subclass) from 0001 each year, its
// receptacles numbered from 001 with the last marked highest and each
// labelled with its gross weight. The items' pre-advice, naming dispatch and
// receptacle, and the dispatch's pre-advice are sent, and the receptacles
// are handed to the carrier.
//
// Thread-safety: as its Context.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "sim/postal/internal/carriers.h"
#include "sim/postal/internal/context.h"

namespace pochta::sim::internal {

// The S8 dispatch of `receptacles` (indices into ctx.receptacles) of mail
// class `mail_class` (the scenario's subclass for it) from office `origin`
// to `destination`, numbered next in
// its series, each receptacle with its S9 id (number, last-receptacle and
// registered flags, gross weight) and items. Without a sink only the number
// is taken: nothing would read the list.
Dispatch MakeDispatch(Context& ctx, const std::string& origin, const std::string& destination,
                      core::MailClass mail_class, std::span<const uint32_t> receptacles);

class Dispatching final : public EventHandler {
 public:
  Dispatching(Context& ctx, Carriers& carriers);

  // Item i has reached its flow's outward office of exchange.
  void Receive(uint32_t i);
  // Ordinary letters of flow op, untracked, have reached it: they fill
  // ordinary letter-post bags by weight.
  void ReceiveOrdinary(uint32_t op, uint32_t grams);

  void OnEvent(Simulation& sim, uint64_t payload) override;  // a cut-off; lower: operator

 private:
  static constexpr int kSeries = core::kMailClassCount;
  struct Office {
    // Receptacles being filled, by series and kind (ordinary 0, registered 1).
    std::array<std::array<uint32_t, 2>, kSeries> open;
    // Receptacles full or open, not yet dispatched, by series.
    std::array<std::vector<uint32_t>, kSeries> waiting;
    bool cutoff_scheduled = false;
  };

  // The open receptacle of flow op's series and kind that takes `grams`
  // more, a new one when it would pass the maximum; schedules the cut-off.
  uint32_t Bag(uint32_t op, int series, bool registered, uint32_t grams);
  void CutOff(uint32_t op);
  void Close(uint32_t op, int series, std::span<const uint32_t> receptacles);
  void SendPreAdvice(uint32_t i, const core::ReceptacleId& receptacle);

  Context& ctx_;
  Carriers& carriers_;
  std::vector<Office> offices_;  // by operator
  const uint32_t max_g_, tare_g_;
};

}  // namespace pochta::sim::internal
