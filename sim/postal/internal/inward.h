// Inward: the office of exchange in Tashkent, from the opening of a
// receptacle (EMD for each item in it) to the line-haul. Items are scanned
// and sorted on lines that work in shifts. Between the two, every item is
// presented to customs (EDB) and put in a risk channel (Scenario::Customs):
// green is released on the electronic declaration; yellow is held (EME)
// while documents are checked; red is held for an officer's physical
// inspection and then for documents, and a share of red items is refused
// (EDX, returned). An item declared above the duty-free threshold waits
// for the addressee to pay; one never paid is returned when the holding
// period ends (EDX). Released items leave customs (EDC) for sorting.
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/returns.h"
#include "sim/postal/internal/linehaul.h"
#include "sim/postal/internal/statistics.h"
#include "sim/resource.h"

namespace pochta::sim::internal {

class Inward final : public EventHandler, public ObservedStage {
 public:
  Inward(Context& ctx, LineHaul& linehaul, Statistics& statistics, Returns& returns);

  // Receptacle r has reached the office of exchange: its items are scanned in.
  void Open(uint32_t r);
  // Schedules the shifts of a local day, those still to come.
  void ScheduleShifts(int64_t day);
  // For a run that starts during a shift: the lines are staffed now.
  void Start();
  // Item i of a forecast, whose latest event `e` happened here: it waits
  // for the arrival scan (EMD, EDA), is in customs (EDB, EME: for what is
  // left of its hold, by the reason) or waits to be sorted (EDC).
  void Resume(uint32_t i, const core::TrackingEvent& e);

  int64_t in_customs() const { return in_customs_; }
  const RunSummary::CustomsCounts& customs() const { return counts_; }

  void OnEvent(Simulation& sim, uint64_t payload) override;
  // Arrival scan, in customs (every item held there, whatever its
  // channel: no utilisation), customs inspection (the officers), sorting.
  void Names(std::vector<std::string>& out) const override;
  void SampleHour(std::vector<FacilityHour>& out) override;
  void Report(std::vector<FacilityLoad>& out) const override;

 private:
  Context& ctx_;
  LineHaul& linehaul_;
  Statistics& statistics_;
  Returns& returns_;
  Resource scan_, customs_, sort_;
  Rng rng_;
  struct Last {  // counters at the previous sample
    uint64_t count = 0;
    double busy_area = 0, capacity_area = 0;
  };
  Last last_[3];
  void Present(uint32_t i);
  void Release(uint32_t i);
  // EDX, then EMH return to sender, both with `reason`.
  void Refuse(uint32_t i, core::EventReason reason);

  int64_t in_customs_ = 0, peak_in_customs_ = 0;
  uint64_t left_customs_ = 0, left_customs_sampled_ = 0;  // released or refused
  RunSummary::CustomsCounts counts_;
};

}  // namespace pochta::sim::internal
