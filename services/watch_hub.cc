#include "services/internal/watch_hub.h"

namespace pochta::services {

WatchHub::WatchHub() : thread_([this] { DeliveryLoop(); }) {}

WatchHub::~WatchHub() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool WatchHub::Subscribe(core::ItemId item, Watcher* watcher) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  const uint64_t id = next_id_++;
  subscriptions_.emplace(id, Subscription{item, watcher});
  by_item_.emplace(item.Pack(), id);
  return true;
}

void WatchHub::Unsubscribe(core::ItemId item, Watcher* watcher) {
  std::unique_lock lock(mu_);
  auto [first, last] = by_item_.equal_range(item.Pack());
  for (auto it = first; it != last; ++it) {
    if (subscriptions_.at(it->second).watcher != watcher) continue;
    subscriptions_.erase(it->second);  // its queued deliveries are skipped
    by_item_.erase(it);
    break;
  }
  // Also after CloseAll, which forgot the subscription: a call may be running.
  if (std::this_thread::get_id() != thread_.get_id()) {
    cv_.wait(lock, [&] { return delivering_ != watcher; });
  }
}

bool WatchHub::QueueLocked(core::ItemId item, Delivery::Kind kind, const storage::ReportedEvent* event) {
  bool queued = false;
  auto [first, last] = by_item_.equal_range(item.Pack());
  for (auto it = first; it != last; ++it) {
    Subscription& s = subscriptions_.at(it->second);
    if (s.overflowed) continue;
    if (s.pending == kMaxPending) {
      s.overflowed = true;
      queue_.push_back({Delivery::Kind::kOverflow, it->second, std::nullopt});
    } else {
      ++s.pending;
      queue_.push_back({kind, it->second, event ? std::optional(*event) : std::nullopt});
    }
    queued = true;
  }
  return queued;
}

void WatchHub::Publish(std::span<const storage::ReportedEvent> events) {
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (by_item_.empty()) return;
    for (const storage::ReportedEvent& e : events) queued |= QueueLocked(e.item, Delivery::Kind::kEvent, &e);
  }
  if (queued) cv_.notify_all();
}

void WatchHub::PublishEstimatesMoved(std::span<const core::ItemId> items) {
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (by_item_.empty()) return;
    for (core::ItemId item : items) queued |= QueueLocked(item, Delivery::Kind::kEstimateMoved, nullptr);
  }
  if (queued) cv_.notify_all();
}

size_t WatchHub::watchers() const {
  std::lock_guard lock(mu_);
  return subscriptions_.size();
}

void WatchHub::CloseAll() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& [id, s] : subscriptions_) s.watcher->OnClose();
  subscriptions_.clear();
  by_item_.clear();
  queue_.clear();
  cv_.notify_all();
}

void WatchHub::WaitIdle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && delivering_ == nullptr) || stopping_; });
}

void WatchHub::DeliveryLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    auto it = subscriptions_.find(d.subscription);
    if (it == subscriptions_.end()) {
      if (queue_.empty()) cv_.notify_all();  // for WaitIdle
      continue;
    }
    Watcher* watcher = it->second.watcher;
    if (d.kind != Delivery::Kind::kOverflow) --it->second.pending;
    delivering_ = watcher;
    lock.unlock();
    switch (d.kind) {
      case Delivery::Kind::kEvent: watcher->OnEvent(*d.event); break;
      case Delivery::Kind::kEstimateMoved: watcher->OnEstimateMoved(); break;
      case Delivery::Kind::kOverflow: watcher->OnOverflow(); break;
    }
    lock.lock();
    delivering_ = nullptr;
    cv_.notify_all();
  }
}

}  // namespace pochta::services
