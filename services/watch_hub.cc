#include "services/internal/watch_hub.h"

namespace pochta::services {

bool WatchHub::Subscribe(core::ItemId item, Watcher* watcher) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  watchers_.emplace(item.Pack(), watcher);
  return true;
}

void WatchHub::Unsubscribe(core::ItemId item, Watcher* watcher) {
  std::lock_guard lock(mu_);
  auto [first, last] = watchers_.equal_range(item.Pack());
  for (auto it = first; it != last; ++it) {
    if (it->second == watcher) {
      watchers_.erase(it);
      return;
    }
  }
}

void WatchHub::Publish(std::span<const storage::ReportedEvent> events) {
  std::lock_guard lock(mu_);
  if (watchers_.empty()) return;
  for (const storage::ReportedEvent& e : events) {
    auto [first, last] = watchers_.equal_range(e.item.Pack());
    for (auto it = first; it != last; ++it) it->second->OnEvent(e);
  }
}

void WatchHub::CloseAll() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& [item, watcher] : watchers_) watcher->OnClose();
  watchers_.clear();
}

}  // namespace pochta::services
