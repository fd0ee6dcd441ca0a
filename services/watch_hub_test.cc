#include "services/internal/watch_hub.h"

#include <atomic>
#include <future>
#include <thread>

#include "gtest/gtest.h"

namespace pochta::services {
namespace {

struct Counter : WatchHub::Watcher {
  std::atomic<int> events{0};
  std::atomic<int> overflows{0};
  std::atomic<int> closed{0};
  std::atomic<int> estimates{0};
  void OnEvent(const storage::ReportedEvent&) override { ++events; }
  void OnEstimateMoved() override { ++estimates; }
  void OnOverflow() override { ++overflows; }
  void OnClose() override { ++closed; }
};

// Blocks in its first OnEvent until released.
struct Stuck : Counter {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  void OnEvent(const storage::ReportedEvent& e) override {
    if (events == 0) {
      entered.set_value();
      released.wait();
    }
    Counter::OnEvent(e);
  }
};

storage::ReportedEvent EventOf(uint32_t serial) {
  return storage::ReportedEvent{
      *core::ItemId::Make("LP", serial, "CN"),
      {core::EventCode::kEMD, core::Timestamp(std::chrono::seconds(1'735'689'600)), "UZTASA"}};
}

TEST(WatchHubTest, WatchersSeeOnlyTheirItemsEvents) {
  WatchHub hub;
  Counter a, b;
  ASSERT_TRUE(hub.Subscribe(EventOf(1).item, &a));
  ASSERT_TRUE(hub.Subscribe(EventOf(2).item, &b));
  const std::vector<storage::ReportedEvent> events = {EventOf(1), EventOf(1), EventOf(3)};
  hub.Publish(events);
  hub.WaitIdle();
  EXPECT_EQ(a.events, 2);
  EXPECT_EQ(b.events, 0);
  hub.Unsubscribe(EventOf(1).item, &a);
  hub.Publish(events);
  hub.WaitIdle();
  EXPECT_EQ(a.events, 2);
}

TEST(WatchHubTest, MovedEstimatesReachTheirItemsWatchers) {
  WatchHub hub;
  Counter a, b;
  ASSERT_TRUE(hub.Subscribe(EventOf(1).item, &a));
  ASSERT_TRUE(hub.Subscribe(EventOf(2).item, &b));
  const std::vector<core::ItemId> moved = {EventOf(1).item, EventOf(3).item};
  hub.PublishEstimatesMoved(moved);
  hub.WaitIdle();
  EXPECT_EQ(a.estimates, 1);
  EXPECT_EQ(a.events, 0);
  EXPECT_EQ(b.estimates, 0);
}

TEST(WatchHubTest, PublishingNeverWaitsForAWatcher) {
  WatchHub hub;
  Stuck stuck;
  Counter other;
  ASSERT_TRUE(hub.Subscribe(EventOf(1).item, &stuck));
  ASSERT_TRUE(hub.Subscribe(EventOf(2).item, &other));
  const std::vector<storage::ReportedEvent> one = {EventOf(1)}, both = {EventOf(1), EventOf(2)};
  hub.Publish(one);
  stuck.entered.get_future().wait();  // the delivery thread is inside the watcher now
  // Were Publish to wait for watchers, this would never return.
  for (size_t i = 0; i < WatchHub::kMaxPending + 5; ++i) hub.Publish(both);
  stuck.release.set_value();
  hub.WaitIdle();
  // The stuck watcher got its first event, then kMaxPending queued ones and
  // one notice that the rest were dropped; the other watcher got the events
  // until it too fell behind while the delivery thread was stuck.
  EXPECT_EQ(stuck.events, 1 + int(WatchHub::kMaxPending));
  EXPECT_EQ(stuck.overflows, 1);
  EXPECT_EQ(other.events, int(WatchHub::kMaxPending));
  EXPECT_EQ(other.overflows, 1);
}

TEST(WatchHubTest, UnsubscribeWaitsForACallInProgress) {
  WatchHub hub;
  Stuck stuck;
  ASSERT_TRUE(hub.Subscribe(EventOf(1).item, &stuck));
  const std::vector<storage::ReportedEvent> one = {EventOf(1)};
  hub.Publish(one);
  stuck.entered.get_future().wait();
  std::atomic<bool> unsubscribed{false};
  std::thread t([&] {
    hub.Unsubscribe(EventOf(1).item, &stuck);
    unsubscribed = true;
  });
  // Unsubscribe cannot return while OnEvent runs: the watcher would be freed under it.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(unsubscribed);
  stuck.release.set_value();
  t.join();
  EXPECT_TRUE(unsubscribed);
  EXPECT_EQ(stuck.events, 1);
}

TEST(WatchHubTest, CloseAllEndsEveryWatcherOnceAndRefusesNewOnes) {
  WatchHub hub;
  Counter a, b;
  hub.Subscribe(EventOf(1).item, &a);
  hub.Subscribe(EventOf(1).item, &b);
  hub.CloseAll();
  hub.CloseAll();
  EXPECT_EQ(a.closed, 1);
  EXPECT_EQ(b.closed, 1);
  EXPECT_FALSE(hub.Subscribe(EventOf(1).item, &a));
  const std::vector<storage::ReportedEvent> events = {EventOf(1)};
  hub.Publish(events);
  hub.WaitIdle();
  EXPECT_EQ(a.events, 0);
}

// Publishers, watchers coming and going, and a shutdown, all at once: run
// under ThreadSanitizer (the tsan preset) this checks the hub's locking.
TEST(WatchHubTest, ConcurrentPublishSubscribeAndClose) {
  WatchHub hub;
  std::vector<Counter> watchers(16);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < 3; ++p) {
    threads.emplace_back([&, p] {
      const std::vector<storage::ReportedEvent> events = {EventOf(uint32_t(p)), EventOf(uint32_t(p + 1))};
      while (!stop) hub.Publish(events);
    });
  }
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < 2000; ++round) {
        Counter& c = watchers[size_t((round + w) % 16)];
        const core::ItemId item = EventOf(uint32_t(round % 4)).item;
        if (hub.Subscribe(item, &c)) hub.Unsubscribe(item, &c);
      }
    });
  }
  threads[3].join();
  threads[4].join();
  hub.CloseAll();
  stop = true;
  for (int p = 0; p < 3; ++p) threads[size_t(p)].join();
  int closed = 0;
  for (const Counter& c : watchers) closed += c.closed;
  EXPECT_EQ(closed, 0);  // every watcher had unsubscribed before the close
}

}  // namespace
}  // namespace pochta::services
