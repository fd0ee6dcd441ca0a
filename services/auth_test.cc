#include "services/auth.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"

namespace pochta::services {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

core::Operators TestOperators() {
  return *core::Operators::Parse("operator UZ home Asia/Tashkent Uzbekiston Pochtasi\n"
                                 "operator CN partner Asia/Shanghai China Post\n"
                                 "office CNSHAA outward Shanghai\n",
                                 "test");
}

TEST(RateLimiterTest, ABurstThenOneCallPerIntervalWithTheTimeToWait) {
  RateLimiter limiter(/*per_second=*/10, /*burst=*/20);
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(limiter.Take("a", t0), microseconds(0)) << i;
  EXPECT_EQ(limiter.Take("a", t0), microseconds(100'000));  // one token takes 100 ms
  EXPECT_EQ(limiter.Take("a", t0 + milliseconds(40)), microseconds(60'000));
  EXPECT_EQ(limiter.Take("a", t0 + milliseconds(100)), microseconds(0));
  EXPECT_EQ(limiter.Take("b", t0), microseconds(0)) << "every key has its own bucket";
  // Idle time refills up to the burst, no further.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(limiter.Take("a", t0 + std::chrono::hours(1)), microseconds(0)) << i;
  EXPECT_GT(limiter.Take("a", t0 + std::chrono::hours(1)), microseconds(0));
}

TEST(KeyRingTest, AGeneratedKeyAuthenticatesThroughItsHashOnly) {
  const KeyRing::NewKey made = KeyRing::Generate();
  EXPECT_EQ(made.entry.find(made.key.substr(20)), std::string::npos) << "the secret is not in the entry";
  absl::StatusOr<KeyRing> ring =
      KeyRing::Parse(made.entry + " operator CN China Post EDI\nplain-key-0123456789 reader Front end\n", "keys",
                     TestOperators());
  ASSERT_TRUE(ring.ok()) << ring.status();
  absl::StatusOr<Principal> p = ring->Authenticate(made.key);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, Role::kOperator);
  EXPECT_EQ(p->name, "China Post EDI");
  EXPECT_EQ(p->key_id, made.key.substr(7, 12));
  std::string wrong = made.key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_TRUE(absl::IsUnauthenticated(ring->Authenticate(wrong).status()));
  EXPECT_TRUE(absl::IsUnauthenticated(ring->Authenticate(made.entry).status())) << "the entry is not a key";
  EXPECT_EQ(ring->Authenticate("plain-key-0123456789")->role, Role::kReader);
  EXPECT_EQ(ring->plain_size(), 1u);
  EXPECT_EQ(ring->KeyFor(Role::kReader), "plain-key-0123456789");
  EXPECT_EQ(ring->KeyFor(Role::kOperator, *core::Operator::Parse("CN")), std::nullopt) << "only plain keys are known";
  EXPECT_NE(KeyRing::Generate().key, made.key);
}

TEST(KeyRingTest, AKeyOverItsLimitIsToldHowLongToWait) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse("plain-key-0123456789 staff Tashkent\n", "keys", TestOperators());
  ASSERT_TRUE(ring.ok());
  ring->SetRateLimit(2);  // four at once
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(ring->Authenticate("plain-key-0123456789").ok()) << i;
  const absl::Status over = ring->Authenticate("plain-key-0123456789").status();
  EXPECT_TRUE(absl::IsResourceExhausted(over));
  EXPECT_NE(over.message().find("(Tashkent) is over its rate limit of 2 calls/s: retry in "), std::string::npos)
      << over;
  ring->SetRateLimit(0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(ring->Authenticate("plain-key-0123456789").ok());
}

// Under ThreadSanitizer too: calls authenticate while the keys are replaced.
TEST(KeyRingTest, AKeyInBothFilesWorksThroughEveryReplace) {
  absl::StatusOr<KeyRing> ring =
      KeyRing::Parse("old-key-0123456789 staff A\nkept-key-0123456789 reader B\n", "keys", TestOperators());
  ASSERT_TRUE(ring.ok());
  ring->SetRateLimit(0);
  std::atomic<bool> done = false;
  std::atomic<int> calls = 0, refused = 0;
  std::thread caller([&] {
    while (!done) {
      if (!ring->Authenticate("kept-key-0123456789").ok()) ++refused;
      ++calls;
    }
  });
  for (int i = 0; i < 200; ++i) {
    const bool even = i % 2 == 0;
    absl::StatusOr<KeyRing> fresh =
        KeyRing::Parse(std::string(even ? "new" : "old") + "-key-0123456789 staff A\nkept-key-0123456789 reader B\n",
                       "keys", TestOperators());
    ASSERT_TRUE(fresh.ok());
    ring->Replace(*std::move(fresh));
  }
  while (calls < 100) std::this_thread::yield();
  done = true;
  caller.join();
  EXPECT_EQ(refused, 0);
  EXPECT_TRUE(ring->Authenticate("old-key-0123456789").ok());  // the last Replace, i = 199
  EXPECT_FALSE(ring->Authenticate("new-key-0123456789").ok());
  EXPECT_EQ(ring->size(), 2u);
}

TEST(KeyRingTest, AMalformedHashedKeyNamesItsLine) {
  const absl::Status s =
      KeyRing::Parse("# keys\nhash:0123:ab:cd staff Someone\n", "keys.txt", TestOperators()).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("keys.txt:2: a hashed key is hash:ID:SALT:DIGEST"), std::string::npos) << s;
  const KeyRing::NewKey made = KeyRing::Generate();
  const absl::Status twice =
      KeyRing::Parse(made.entry + " staff A\n" + made.entry + " staff B\n", "keys.txt", TestOperators()).status();
  EXPECT_NE(twice.message().find("keys.txt:2: duplicate key ID"), std::string::npos) << twice;
}

}  // namespace
}  // namespace pochta::services
