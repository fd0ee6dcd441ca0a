// Kills `pochta serve` with SIGKILL while two clients stream ReportEvents
// under group commit, many times over. After every kill the store must hold
// every batch the server acknowledged, and every item's state must match its
// events (Verify). And the event feed: a subscriber that disconnects and
// resumes, through the kills, receives every acknowledged event of its
// items exactly once after removing duplicates by cursor.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "pochta/v1/intake.grpc.pb.h"
#include "pochta/v1/tracking.grpc.pb.h"
#include "storage/tracking_store.h"

extern char** environ;

namespace {

namespace v1 = pochta::v1;
using pochta::storage::TrackingStore;

constexpr const char* kStaffKey = "example-uz-staff-0123456789";
constexpr int kEventsPerBatch = 200;

// Batch `b` of client `c`: one arrival-type event for each of 200 items, the
// codes moving on with the batch number, so items gain history over batches.
// Client 0 reports items of China, client 1 items of Latvia.
v1::ReportEventsRequest Batch(int c, uint64_t b) {
  static const char* kCodes[] = {"EMD", "EDB", "EDC", "EMF", "EDD", "EDE", "EMG", "EDG", "EMI"};
  static const char* kOffices[] = {"UZTASA", "UZTASA", "UZTASA", "UZTASA", "SC-SKD",
                                   "SC-SKD", "140105", "140105", "140105"};
  v1::ReportEventsRequest request;
  request.set_batch_id(b);
  for (int i = 0; i < kEventsPerBatch; ++i) {
    const uint32_t serial = uint32_t(c) * 1'000'000 + uint32_t((b * 37 + uint64_t(i) * 11) % 5000);
    v1::TrackingEvent* e = request.add_events();
    e->set_item_id(pochta::core::ItemId::Make("LP", serial, c == 0 ? "CN" : "LV")->ToString());
    e->set_code(kCodes[b % 9]);
    e->set_office(kOffices[b % 9]);
    e->mutable_occurred_at()->set_seconds(1'735'689'600 + int64_t(b) * 600 + i);
  }
  return request;
}

pid_t StartServer(const std::string& db, const std::string& out) {
  const std::string keys = std::string(POCHTA_SOURCE_DIR) + "/data/example-keys.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const char* argv[] = {POCHTA_BINARY, "serve",       "--db",         db.c_str(), "--keys", keys.c_str(),
                        "--listen",    "127.0.0.1:0", "--durability", "group",    nullptr};
  pid_t pid;
  EXPECT_EQ(posix_spawn(&pid, POCHTA_BINARY, &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

std::string WaitForAddress(const std::string& out) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream in(out);
    std::string line;
    if (std::getline(in, line) && line.find("listening on ") != std::string::npos) {
      const size_t at = line.find("listening on ") + 13;
      return line.substr(at, line.find(' ', at) - at);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

// SIGKILLs the server and checks that this is how it ended: anything else
// means it ended by itself, a crash or a sanitizer report.
void KillServer(pid_t server, int round) {
  kill(server, SIGKILL);
  int status = 0;
  waitpid(server, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "round " << round << ": the server ended before it was killed, status " << status;
}

// Streams batches from `first` until the stream breaks; returns the last
// batch the server acknowledged (first - 1 when none).
int64_t Stream(const std::string& address, int client, int64_t first) {
  auto stub = v1::IntakeService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", kStaffKey);
  auto stream = stub->ReportEvents(&context);
  int64_t acked = first - 1;
  for (int64_t b = first;; ++b) {
    v1::ReportEventsResponse response;
    if (!stream->Write(Batch(client, uint64_t(b))) || !stream->Read(&response)) break;
    for (const v1::EventResult& r : response.results()) {
      if (r.outcome() == v1::REJECTED) ADD_FAILURE() << r.reason();
    }
    acked = b;
  }
  context.TryCancel();
  return acked;
}

TEST(ServerCrashTest, AcknowledgedEventsSurviveKillingTheServerUnderLoad) {
  std::string dir = testing::TempDir() + "pochta_server_crash_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string db = dir + "/db", out = dir + "/out";
  std::mt19937 rng(7);
  int64_t acked[2] = {-1, -1};
  constexpr int kKills = 8;
  for (int round = 0; round < kKills; ++round) {
    const pid_t server = StartServer(db, out);
    const std::string address = WaitForAddress(out);
    ASSERT_FALSE(address.empty()) << "round " << round << ": the server did not start";
    std::atomic<int64_t> done[2] = {acked[0], acked[1]};
    std::thread clients[2];
    for (int c = 0; c < 2; ++c) {
      clients[c] = std::thread([&, c] { done[c] = Stream(address, c, acked[c] + 1); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
    KillServer(server, round);
    for (std::thread& t : clients) t.join();
    const int64_t before[2] = {acked[0], acked[1]};
    for (int c = 0; c < 2; ++c) acked[c] = done[c];
    const bool last = round + 1 == kKills;

    pochta::storage::StoreOptions options;
    options.durability = pochta::storage::Durability::kBuffered;
    absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(db, options);
    ASSERT_TRUE(store.ok()) << store.status();
    // Every batch acknowledged in this round is there, and after the last
    // kill every batch acknowledged in any round: one history scan per item.
    std::map<std::string, std::set<std::pair<int64_t, std::string>>> expected;  // item -> (time, code)
    for (int c = 0; c < 2; ++c) {
      for (int64_t b = last ? 0 : before[c] + 1; b <= acked[c]; ++b) {
        const v1::ReportEventsRequest batch = Batch(c, uint64_t(b));
        for (const v1::TrackingEvent& e : batch.events()) {
          expected[e.item_id()].emplace(e.occurred_at().seconds(), e.code());
        }
      }
    }
    for (const auto& [item, events] : expected) {
      const absl::StatusOr<std::vector<pochta::storage::StoredEvent>> history =
          (*store)->ListEvents(*pochta::core::ItemId::Parse(item));
      ASSERT_TRUE(history.ok());
      std::set<std::pair<int64_t, std::string>> stored;
      for (const pochta::storage::StoredEvent& s : *history) {
        stored.emplace(s.event.time.time_since_epoch().count(), std::string(pochta::core::Name(s.event.code)));
      }
      for (const auto& e : events) {
        ASSERT_TRUE(stored.contains(e)) << "round " << round << ": acknowledged event " << e.second << " at " << e.first
                                        << " of " << item << " is missing";
      }
    }
    const pochta::storage::VerifyReport report = *(*store)->Verify();
    ASSERT_EQ(report.problem_count, 0u) << "round " << round << ": " << report.problems[0];
  }
  EXPECT_GT(acked[0] + acked[1], 2 * kKills) << "the clients hardly wrote anything";
  std::filesystem::remove_all(dir);
}

// An event as the test names it: item, time, code.
std::string EventName(const std::string& item, int64_t seconds, const std::string& code) {
  return item + " " + std::to_string(seconds) + " " + code;
}

// What a China Post subscriber has recorded: the event under each cursor,
// and the cursor to resume after.
struct Subscriber {
  std::mutex mu;
  std::map<uint64_t, std::string> received;
  uint64_t resume_after = 0;
  int resumes = 0;
};

// Subscribes to `address` after the recorded cursor, again after each
// disconnect it makes itself (every few batches), until the stream ends
// otherwise (the server killed, or the deadline of `catch_up`).
void Subscribe(const std::string& address, Subscriber& s, std::mt19937& rng,
               std::optional<std::chrono::milliseconds> catch_up = std::nullopt) {
  auto stub = v1::TrackingService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  while (true) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", "example-cn-0123456789abcdef");
    if (catch_up) context.set_deadline(std::chrono::system_clock::now() + *catch_up);
    v1::SubscribeEventsRequest request;
    request.set_after_cursor(s.resume_after);
    auto stream = stub->SubscribeEvents(&context, request);
    const int disconnect_after = 1 + int(rng() % 6);
    v1::EventBatch batch;
    int batches = 0;
    bool disconnected = false;
    while (stream->Read(&batch)) {
      std::lock_guard lock(s.mu);
      uint64_t previous = s.resume_after;
      for (const v1::FeedEvent& e : batch.events()) {
        EXPECT_GT(e.cursor(), previous) << "out of order";
        previous = e.cursor();
        const std::string name = EventName(e.event().item_id(), e.event().occurred_at().seconds(), e.event().code());
        const auto [it, added] = s.received.emplace(e.cursor(), name);
        EXPECT_EQ(it->second, name) << "cursor " << e.cursor() << " named two events";
      }
      EXPECT_GE(batch.cursor(), previous);
      s.resume_after = batch.cursor();
      if (!catch_up && ++batches == disconnect_after) {
        disconnected = true;
        break;
      }
    }
    if (disconnected) {
      context.TryCancel();
      stream->Finish().IgnoreError();
      ++s.resumes;
      continue;
    }
    const grpc::Status status = stream->Finish();
    if (catch_up) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
    }
    return;
  }
}

TEST(ServerCrashTest, TheFeedResumesThroughDisconnectsAndKillsWithEveryAcknowledgedEventOnce) {
  std::string dir = testing::TempDir() + "pochta_feed_crash_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string db = dir + "/db", out = dir + "/out";
  std::mt19937 rng(11);
  int64_t acked[2] = {-1, -1};
  Subscriber subscriber;
  constexpr int kKills = 4;
  for (int round = 0; round <= kKills; ++round) {
    const pid_t server = StartServer(db, out);
    const std::string address = WaitForAddress(out);
    ASSERT_FALSE(address.empty()) << "round " << round << ": the server did not start";
    if (round == kKills) {  // the last start: catch up, then stop
      Subscribe(address, subscriber, rng, std::chrono::milliseconds(3000));
      kill(server, SIGTERM);
      int status = 0;
      waitpid(server, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the server's last run ended with status " << status;
      break;
    }
    std::atomic<int64_t> done[2] = {acked[0], acked[1]};
    std::thread clients[2];
    for (int c = 0; c < 2; ++c) {
      clients[c] = std::thread([&, c] { done[c] = Stream(address, c, acked[c] + 1); });
    }
    std::thread reader([&, seed = rng()] {
      std::mt19937 own(seed);  // the main thread keeps drawing from rng
      Subscribe(address, subscriber, own);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 600));
    KillServer(server, round);
    for (std::thread& t : clients) t.join();
    reader.join();
    for (int c = 0; c < 2; ++c) acked[c] = done[c];
  }

  // Every acknowledged event of China's items was received...
  std::set<std::string> received;
  for (const auto& [cursor, name] : subscriber.received) {
    EXPECT_TRUE(received.insert(name).second) << name << " came under two cursors";
  }
  uint64_t acknowledged = 0;
  for (int64_t b = 0; b <= acked[0]; ++b) {
    const v1::ReportEventsRequest batch = Batch(0, uint64_t(b));
    for (const v1::TrackingEvent& e : batch.events()) {
      ++acknowledged;
      ASSERT_TRUE(received.contains(EventName(e.item_id(), e.occurred_at().seconds(), e.code())))
          << "acknowledged event " << e.item_id() << " " << e.code() << " never came";
    }
  }
  // ... and what came is exactly the store's feed of China's items, under
  // the same cursors: nothing of Latvia's, nothing the store does not hold.
  pochta::storage::StoreOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(db, options);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<std::vector<pochta::storage::FeedEntry>> feed = (*store)->ReadFeed(0, 10'000'000);
  ASSERT_TRUE(feed.ok()) << feed.status();
  std::map<uint64_t, std::string> expected;
  for (const pochta::storage::FeedEntry& e : *feed) {
    if (e.item.ToString().ends_with("CN")) {
      expected.emplace(e.cursor, EventName(e.item.ToString(), e.event.event.time.time_since_epoch().count(),
                                           std::string(pochta::core::Name(e.event.event.code))));
    }
  }
  EXPECT_EQ(subscriber.received, expected);
  EXPECT_GT(acknowledged, 0u);
  EXPECT_GT(acked[1], 0) << "Latvia's client hardly wrote anything";
  EXPECT_GT(subscriber.resumes, kKills) << "the subscriber hardly disconnected";
  std::filesystem::remove_all(dir);
}

}  // namespace
