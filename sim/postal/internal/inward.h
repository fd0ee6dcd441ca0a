// Inward: the office of exchange in Tashkent, from the opening of a
// receptacle (EMD for each item in it) to the line-haul. Items are scanned and sorted on lines that work in shifts; a
// share of them is held by customs (EDB): an officer inspects, then the
// item waits for documents and, if dutiable, for the addressee to pay;
// customs releases it (EDC) or refuses it (EDX, returned).
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/linehaul.h"
#include "sim/postal/internal/statistics.h"
#include "sim/resource.h"

namespace pochta::sim::internal {

class Inward final : public EventHandler, public ObservedStage {
 public:
  Inward(Context& ctx, LineHaul& linehaul, Statistics& statistics);

  // Receptacle r has reached the office of exchange: its items are scanned in.
  void Open(uint32_t r);
  // Schedules the shifts of the day starting at `midnight`.
  void ScheduleShifts(Time midnight);

  int64_t in_customs() const { return in_customs_; }
  uint64_t customs_returned() const { return customs_returned_; }

  void OnEvent(Simulation& sim, uint64_t payload) override;
  // Arrival scan, customs inspection, sorting.
  void Names(std::vector<std::string>& out) const override;
  void SampleHour(std::vector<FacilityHour>& out) override;
  void Report(std::vector<FacilityLoad>& out) const override;

 private:
  Context& ctx_;
  LineHaul& linehaul_;
  Statistics& statistics_;
  Resource scan_, customs_, sort_;
  Rng rng_;
  struct Last {  // counters at the previous sample
    uint64_t count = 0;
    double busy_area = 0, capacity_area = 0;
  };
  Last last_[3];
  int64_t in_customs_ = 0;
  uint64_t customs_returned_ = 0;
};

}  // namespace pochta::sim::internal
