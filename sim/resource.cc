#include "sim/resource.h"

#include <cassert>

namespace pochta::sim {

Resource::Resource(Simulation& sim, int capacity)
    : sim_(sim), capacity_(capacity), start_(sim.now()), last_(sim.now()) {
  assert(capacity >= 0);
}

void Resource::Account() {
  const double dt = double(sim_.now() - last_);
  busy_area_ += dt * busy_;
  queue_area_ += dt * double(queue_.size());
  capacity_area_ += dt * capacity_;
  last_ = sim_.now();
}

void Resource::Grant(const Waiting& w) {
  ++busy_;
  ++served_;
  sim_.Schedule(sim_.now(), w.granted, w.payload);
}

void Resource::Request(EventHandler* granted, uint64_t payload) {
  Account();
  if (busy_ < capacity_ && queue_.empty()) {
    Grant({granted, payload});
    return;
  }
  queue_.push_back({granted, payload});
  if (queue_.size() > max_queued_) max_queued_ = queue_.size();
}

void Resource::Release() {
  assert(busy_ > 0);
  Account();
  --busy_;
  while (busy_ < capacity_ && !queue_.empty()) {
    Grant(queue_.front());
    queue_.pop_front();
  }
}

void Resource::SetCapacity(int capacity) {
  assert(capacity >= 0);
  Account();
  capacity_ = capacity;
  while (busy_ < capacity_ && !queue_.empty()) {
    Grant(queue_.front());
    queue_.pop_front();
  }
}

double Resource::MeanBusy() const {
  const double span = double(sim_.now() - start_);
  return span <= 0 ? 0 : (busy_area_ + double(sim_.now() - last_) * busy_) / span;
}

double Resource::MeanQueued() const {
  const double span = double(sim_.now() - start_);
  return span <= 0 ? 0 : (queue_area_ + double(sim_.now() - last_) * double(queue_.size())) / span;
}

double Resource::BusyArea() const { return busy_area_ + double(sim_.now() - last_) * busy_; }

double Resource::CapacityArea() const { return capacity_area_ + double(sim_.now() - last_) * capacity_; }

double Resource::Utilisation() const {
  const double capacity = capacity_area_ + double(sim_.now() - last_) * capacity_;
  const double busy = busy_area_ + double(sim_.now() - last_) * busy_;
  return capacity <= 0 ? 0 : busy / capacity;
}

}  // namespace pochta::sim
