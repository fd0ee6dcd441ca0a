#include "sim/transport.h"

#include <algorithm>
#include <cassert>

namespace pochta::sim {

ScheduledTransport::ScheduledTransport(Simulation& sim, TransportTimetable timetable, EventHandler* arrival,
                                       std::function<void(uint64_t)> departed)
    : sim_(sim), timetable_(std::move(timetable)), arrival_(arrival), departed_(std::move(departed)) {
  assert(!timetable_.departures.empty() && timetable_.capacity > 0);
}

Time ScheduledTransport::NextDeparture(Time t) const {
  if (timetable_.clock != nullptr) {
    Time next = kForever;
    for (Time d : timetable_.departures) next = std::min(next, timetable_.clock->Next(t, int(d)));
    return next;
  }
  const Time day_start = t - ((t % timetable_.day) + timetable_.day) % timetable_.day;
  for (Time offset = day_start;; offset += timetable_.day) {
    for (Time d : timetable_.departures) {
      if (offset + d >= t) return offset + d;
    }
  }
}

void ScheduledTransport::ScheduleNext(Time after) {
  departure_scheduled_ = true;
  sim_.Schedule(NextDeparture(after), this);
}

void ScheduledTransport::Board(uint64_t payload, uint32_t size) {
  waiting_.push_back({payload, size});
  max_waiting_ = std::max(max_waiting_, waiting_.size());
  if (!departure_scheduled_) ScheduleNext(sim_.now());
}

std::vector<uint64_t> ScheduledTransport::TakeWaiting() {
  std::vector<uint64_t> taken;
  for (const Load& load : waiting_) taken.push_back(load.payload);
  waiting_.clear();
  return taken;  // a departure still scheduled leaves empty and schedules no next one
}

void ScheduledTransport::OnEvent(Simulation& sim, uint64_t) {
  departure_scheduled_ = false;
  ++departures_;
  int64_t room = timetable_.capacity;
  while (!waiting_.empty() && (waiting_.front().size <= room || room == timetable_.capacity)) {
    room -= waiting_.front().size;
    sim.Schedule(sim.now() + timetable_.transit, arrival_, waiting_.front().payload);
    if (departed_) departed_(waiting_.front().payload);
    waiting_.pop_front();
    ++carried_;
  }
  if (!waiting_.empty()) ScheduleNext(sim.now() + 1);
}

}  // namespace pochta::sim
