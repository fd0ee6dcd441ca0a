#include "services/internal/feed_hub.h"

#include <vector>

namespace pochta::services {

FeedHub::FeedHub() : thread_([this] { WakeLoop(); }) {}

FeedHub::~FeedHub() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool FeedHub::Subscribe(Subscriber* subscriber) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  subscribers_.insert(subscriber);
  return true;
}

void FeedHub::Unsubscribe(Subscriber* subscriber) {
  std::unique_lock lock(mu_);
  subscribers_.erase(subscriber);
  if (std::this_thread::get_id() != thread_.get_id()) {
    cv_.wait(lock, [&] { return waking_ != subscriber; });
  }
}

void FeedHub::OnFeed(uint64_t) {
  {
    std::lock_guard lock(mu_);
    if (subscribers_.empty() || grown_) return;
    grown_ = true;
  }
  cv_.notify_all();
}

size_t FeedHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

void FeedHub::CloseAll() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (Subscriber* s : subscribers_) s->OnClose();
  subscribers_.clear();
  cv_.notify_all();
}

void FeedHub::WakeLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || grown_; });
    if (stopping_) return;
    grown_ = false;
    // Each subscriber still subscribed when its turn comes is woken once.
    const std::vector<Subscriber*> round(subscribers_.begin(), subscribers_.end());
    for (Subscriber* s : round) {
      if (!subscribers_.contains(s)) continue;
      waking_ = s;
      lock.unlock();
      s->OnWake();
      lock.lock();
      waking_ = nullptr;
      cv_.notify_all();
    }
  }
}

}  // namespace pochta::services
