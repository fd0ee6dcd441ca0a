#include "services/internal/feed_hub.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "gtest/gtest.h"

namespace pochta::services {
namespace {

using std::chrono::milliseconds;

struct Waker : FeedHub::Subscriber {
  std::atomic<int> wakes{0};
  std::atomic<int> closed{0};
  void OnWake() override { ++wakes; }
  void OnClose() override { ++closed; }
};

// Blocks in its first OnWake until released.
struct Stuck : Waker {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  void OnWake() override {
    if (wakes == 0) {
      entered.set_value();
      released.wait();
    }
    Waker::OnWake();
  }
};

// Waits up to 5 s for `done`.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(milliseconds(10));
  return done();
}

TEST(FeedHubTest, EverySubscriberIsWokenWhenTheFeedGrows) {
  FeedHub hub;
  Waker a, b;
  ASSERT_TRUE(hub.Subscribe(&a));
  ASSERT_TRUE(hub.Subscribe(&b));
  EXPECT_EQ(hub.subscribers(), 2u);
  hub.OnFeed(1);
  EXPECT_TRUE(Eventually([&] { return a.wakes >= 1 && b.wakes >= 1; }));
  hub.Unsubscribe(&a);
  const int before = a.wakes;
  hub.OnFeed(2);
  EXPECT_TRUE(Eventually([&] { return b.wakes >= 2; }));
  EXPECT_EQ(a.wakes, before);
}

TEST(FeedHubTest, AWriterNeverWaitsForASubscriberAndWakesFoldIntoOne) {
  FeedHub hub;
  Stuck stuck;
  ASSERT_TRUE(hub.Subscribe(&stuck));
  hub.OnFeed(1);
  stuck.entered.get_future().wait();
  // The hub's thread is held inside OnWake: writers still return at once.
  for (uint64_t i = 2; i < 10'000; ++i) hub.OnFeed(i);
  stuck.release.set_value();
  EXPECT_TRUE(Eventually([&] { return stuck.wakes == 2; }));  // the first, and one for all the others
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(stuck.wakes, 2);
}

TEST(FeedHubTest, UnsubscribingWaitsForAWakeInProgress) {
  FeedHub hub;
  Stuck stuck;
  ASSERT_TRUE(hub.Subscribe(&stuck));
  hub.OnFeed(1);
  stuck.entered.get_future().wait();
  std::atomic<bool> unsubscribed{false};
  std::thread t([&] {
    hub.Unsubscribe(&stuck);
    unsubscribed = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(unsubscribed);
  stuck.release.set_value();
  t.join();
  EXPECT_TRUE(unsubscribed);
}

TEST(FeedHubTest, ClosingEndsEverySubscriptionOnceAndRefusesNewOnes) {
  FeedHub hub;
  Waker a;
  ASSERT_TRUE(hub.Subscribe(&a));
  hub.CloseAll();
  EXPECT_EQ(a.closed, 1);
  EXPECT_EQ(hub.subscribers(), 0u);
  Waker b;
  EXPECT_FALSE(hub.Subscribe(&b));
  hub.CloseAll();
  EXPECT_EQ(a.closed, 1);
}

}  // namespace
}  // namespace pochta::services
