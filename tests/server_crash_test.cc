// Kills `pochta serve` with SIGKILL while two clients stream ReportEvents
// under group commit, many times over. After every kill the store must hold
// every batch the server acknowledged, and every item's state must match its
// events (Verify).
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
#include "storage/tracking_store.h"

extern char** environ;

namespace {

namespace v1 = pochta::v1;
using pochta::storage::TrackingStore;

constexpr const char* kStaffKey = "example-uz-staff-0123456789";
constexpr int kEventsPerBatch = 200;

// Batch `b` of client `c`: one arrival-type event for each of 200 items, the
// codes moving on with the batch number, so items gain history over batches.
v1::ReportEventsRequest Batch(int c, uint64_t b) {
  static const char* kCodes[] = {"EMD", "EDB", "EDC", "EMF", "EDD", "EDE", "EMG", "EDG", "EMI"};
  static const char* kOffices[] = {"UZTASA", "UZTASA", "UZTASA", "UZTASA", "SC-SKD",
                                   "SC-SKD", "140105", "140105", "140105"};
  v1::ReportEventsRequest request;
  request.set_batch_id(b);
  for (int i = 0; i < kEventsPerBatch; ++i) {
    const uint32_t serial = uint32_t(c) * 1'000'000 + uint32_t((b * 37 + uint64_t(i) * 11) % 5000);
    v1::TrackingEvent* e = request.add_events();
    e->set_item_id(pochta::core::ItemId::Make("LP", serial, "CN")->ToString());
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
    kill(server, SIGKILL);
    int status = 0;
    waitpid(server, &status, 0);
    // Anything else means it ended by itself: a crash, or a sanitizer report.
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "round " << round << ": the server ended before it was killed, status " << status;
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

}  // namespace
