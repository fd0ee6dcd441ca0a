#include "sim/kernel.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace pochta::sim {

// Runs the std::function stored at index `payload` of the simulation.
class Simulation::ActionHandler final : public EventHandler {
 public:
  void OnEvent(Simulation& sim, uint64_t payload) override {
    std::function<void()> action = std::move(sim.actions_[payload]);
    sim.free_actions_.push_back(payload);
    action();
  }
};

EventHandler* Simulation::ActionRunner() {
  static ActionHandler runner;  // stateless: the actions live in each Simulation
  return &runner;
}

void Simulation::Schedule(Time at, EventHandler* handler, uint64_t payload) {
  assert(at >= now_ && handler != nullptr);
  // Events at the current time join bucket 0 behind those already there:
  // their sequence numbers are larger, so the bucket stays in order.
  const size_t b = Bucket(at);
  buckets_[b].push_back(Event{at, next_seq_++, handler, payload});
  if (b > 0) nonempty_ |= uint64_t{1} << (b - 1);
  ++pending_;
}

void Simulation::At(Time at, std::function<void()> action) {
  size_t slot;
  if (free_actions_.empty()) {
    slot = actions_.size();
    actions_.push_back(std::move(action));
  } else {
    slot = free_actions_.back();
    free_actions_.pop_back();
    actions_[slot] = std::move(action);
  }
  Schedule(at, ActionRunner(), slot);
}

bool Simulation::Fill() {
  std::vector<Event>& zero = buckets_[0];
  if (head_ < zero.size()) return true;
  zero.clear();
  head_ = 0;
  if (nonempty_ == 0) return false;
  const size_t b = size_t(__builtin_ctzll(nonempty_)) + 1;
  nonempty_ &= nonempty_ - 1;
  // The earliest event of the first non-empty bucket becomes the new base;
  // its bucket's events all move to lower buckets, those at the base to 0.
  std::vector<Event>& from = buckets_[b];
  Time earliest = from.front().time;
  for (const Event& e : from) earliest = std::min(earliest, e.time);
  last_ = earliest;
  for (const Event& e : from) {
    const size_t to = Bucket(e.time);  // always below b
    buckets_[to].push_back(e);
    if (to > 0) nonempty_ |= uint64_t{1} << (to - 1);
  }
  from.clear();
  std::sort(zero.begin(), zero.end(), [](const Event& a, const Event& c) { return a.seq < c.seq; });
  return true;
}

bool Simulation::Step() {
  if (!Fill()) return false;
  const Event e = buckets_[0][head_++];
  --pending_;
  now_ = e.time;
  ++events_run_;
  e.handler->OnEvent(*this, e.payload);
  return true;
}

void Simulation::Run() {
  stopped_ = false;
  while (!stopped_ && Step()) {
  }
}

void Simulation::RunUntil(Time until) {
  stopped_ = false;
  while (!stopped_ && Fill() && buckets_[0][head_].time <= until) Step();
  if (!stopped_ && now_ < until) now_ = until;
}

}  // namespace pochta::sim
