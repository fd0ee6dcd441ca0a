// WatchHub: tells the watchers of an item about each of its events once the
// store has made it durable, and when a new forecast moved its expected
// delivery. The intake service and the forecaster publish; every WatchItem
// call is a watcher.
//
// Publishing only hands events over: under the hub's lock it queues each
// event for each of its item's watchers and returns, so intake never waits
// for a watcher. The hub's own delivery thread calls the watchers, outside
// the lock, one call at a time, in publishing order; a watcher may read the
// store and build its view there. A watcher more than kMaxPending updates
// behind is told once, through OnOverflow, and gets no more.
//
// Thread-safety: all methods may be called concurrently. OnEvent,
// OnEstimateMoved and OnOverflow run on the delivery thread; OnClose runs under the hub's lock
// and must only end the call (queue work, never block or call the hub).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

#include "storage/tracking_store.h"

namespace pochta::services {

class WatchHub {
 public:
  class Watcher {
   public:
    virtual ~Watcher() = default;
    virtual void OnEvent(const storage::ReportedEvent& event) = 0;
    // A new forecast moved the item's expected delivery.
    virtual void OnEstimateMoved() = 0;
    // Events were dropped: the watcher fell kMaxPending behind.
    virtual void OnOverflow() = 0;
    // The server is shutting down: finish the call.
    virtual void OnClose() = 0;
  };

  static constexpr size_t kMaxPending = 1000;

  WatchHub();
  ~WatchHub();  // stops the delivery thread; events not yet delivered are dropped
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // False when the hub is closed (the server is shutting down).
  bool Subscribe(core::ItemId item, Watcher* watcher);
  // After it returns, the watcher is never called again for this
  // subscription (it waits for a call in progress, unless called from one).
  void Unsubscribe(core::ItemId item, Watcher* watcher);
  void Publish(std::span<const storage::ReportedEvent> events);
  void PublishEstimatesMoved(std::span<const core::ItemId> items);
  // Subscriptions now.
  size_t watchers() const;
  // Calls OnClose of every watcher, once, and refuses new ones.
  void CloseAll();
  // Returns once everything published before the call has been delivered
  // (or dropped). For tests.
  void WaitIdle();

 private:
  struct Subscription {
    core::ItemId item;
    Watcher* watcher;
    size_t pending = 0;  // queued deliveries
    bool overflowed = false;
  };
  struct Delivery {
    enum class Kind { kEvent, kEstimateMoved, kOverflow } kind;
    uint64_t subscription;
    std::optional<storage::ReportedEvent> event;  // kEvent's
  };

  // Queues an update for each watcher of `item`. REQUIRES: mu_ held.
  bool QueueLocked(core::ItemId item, Delivery::Kind kind, const storage::ReportedEvent* event);
  void DeliveryLoop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, Subscription> subscriptions_;  // by id
  std::unordered_multimap<uint64_t, uint64_t> by_item_;       // packed item -> subscription id
  std::deque<Delivery> queue_;
  uint64_t next_id_ = 1;
  Watcher* delivering_ = nullptr;  // the watcher being called now
  bool closed_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace pochta::services
