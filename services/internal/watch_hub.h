// WatchHub: tells the watchers of an item about each of its events as soon
// as the store has made it durable. The intake service publishes; every
// WatchItem call is a watcher.
//
// Thread-safety: all methods may be called concurrently. Watcher callbacks
// run under the hub's lock: they must only queue work, never block or call
// back into the hub.
#pragma once

#include <mutex>
#include <span>
#include <unordered_map>

#include "storage/tracking_store.h"

namespace pochta::services {

class WatchHub {
 public:
  class Watcher {
   public:
    virtual ~Watcher() = default;
    virtual void OnEvent(const storage::ReportedEvent& event) = 0;
    // The server is shutting down: finish the call.
    virtual void OnClose() = 0;
  };

  // False when the hub is closed (the server is shutting down).
  bool Subscribe(core::ItemId item, Watcher* watcher);
  // After it returns, the watcher is never called again.
  void Unsubscribe(core::ItemId item, Watcher* watcher);
  void Publish(std::span<const storage::ReportedEvent> events);
  // Calls OnClose of every watcher, once, and refuses new ones.
  void CloseAll();

 private:
  std::mutex mu_;
  std::unordered_multimap<uint64_t, Watcher*> watchers_;
  bool closed_ = false;
};

}  // namespace pochta::services
