// FeedHub: wakes the subscribers of the event feed (SubscribeEvents) when
// the store's feed grows. The store tells the hub (it is the store's
// FeedObserver); the hub's own thread then wakes every subscriber, one at a
// time, outside its lock, so a writer never waits for a subscriber. A
// subscriber reads the store itself, from its own cursor: wakes carry no
// events, and wakes that come while one is pending fold into it.
//
// Thread-safety: all methods may be called concurrently. OnWake runs on the
// hub's thread; OnClose runs under the hub's lock and must only end the
// call (queue work, never block or call the hub).
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "storage/tracking_store.h"

namespace pochta::services {

class FeedHub final : public storage::FeedObserver {
 public:
  class Subscriber {
   public:
    virtual ~Subscriber() = default;
    // The feed may have grown: read on from the cursor.
    virtual void OnWake() = 0;
    // The server is shutting down: finish the call.
    virtual void OnClose() = 0;
  };

  FeedHub();
  ~FeedHub() override;  // stops the thread
  FeedHub(const FeedHub&) = delete;
  FeedHub& operator=(const FeedHub&) = delete;

  // False when the hub is closed (the server is shutting down).
  bool Subscribe(Subscriber* subscriber);
  // After it returns, the subscriber is never woken again (it waits for a
  // wake in progress, unless called from one).
  void Unsubscribe(Subscriber* subscriber);
  void OnFeed(uint64_t newest) override;
  size_t subscribers() const;
  // Calls OnClose of every subscriber, once, and refuses new ones.
  void CloseAll();

 private:
  void WakeLoop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<Subscriber*> subscribers_;
  bool grown_ = false;  // a wake is due
  Subscriber* waking_ = nullptr;
  bool closed_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace pochta::services
