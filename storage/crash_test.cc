// Kills a writer process with SIGKILL at random moments, many times over, in
// every durability mode, and again while RocksDB compacts. After each kill
// the store must hold every batch the writer acknowledged, the batch in
// flight entirely or not at all, and states that agree with their events.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "storage/testing/crash_batches.h"

extern char** environ;

namespace pochta::storage {
namespace {

struct Acks {
  int64_t items = -1;  // highest acknowledged batch of each kind
  int64_t events = -1;
  bool compacting = false;  // the kill followed a "compacting" line
};

// When to kill the writer: after `lines` acknowledgements and a random
// pause, or, with small memtables, at the first report of a running
// compaction after a whole batch.
struct KillPlan {
  int lines = 0;
  bool at_compaction = false;
};

// Runs the writer from `first`, kills it as planned and returns every
// acknowledgement it printed.
Acks RunAndKill(const std::string& dir, Durability mode, int64_t first, KillPlan plan, std::mt19937& rng) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string first_text = std::to_string(first);
  const std::string mode_text(Name(mode));
  const char* argv[] = {POCHTA_CRASH_WRITER,
                        dir.c_str(),
                        mode_text.c_str(),
                        first_text.c_str(),
                        plan.at_compaction ? "small-memtables" : nullptr,
                        nullptr};
  pid_t pid;
  EXPECT_EQ(posix_spawn(&pid, POCHTA_CRASH_WRITER, &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);

  FILE* out = fdopen(fds[0], "r");
  Acks acks;
  char kind[16];
  long long batch;
  const auto record = [&] {
    if (std::string(kind) == "items") acks.items = batch;
    if (std::string(kind) == "events") acks.events = batch;
  };
  for (int seen = 0; seen < plan.lines && std::fscanf(out, "%15s %lld", kind, &batch) == 2; ++seen) {
    record();
    if (plan.at_compaction && std::string(kind) == "compacting" && acks.events >= first && acks.items >= first) {
      acks.compacting = true;
      break;
    }
  }
  if (!plan.at_compaction) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own";
  // Acknowledgements printed before the kill count too.
  while (std::fscanf(out, "%15s %lld", kind, &batch) == 2) record();
  std::fclose(out);
  return acks;
}

// How many events of the batch the store holds.
size_t CountStored(TrackingStore& store, const std::vector<ReportedEvent>& batch) {
  size_t stored = 0;
  for (const ReportedEvent& e : batch) {
    const absl::StatusOr<std::vector<StoredEvent>> history = store.ListEvents(e.item);
    EXPECT_TRUE(history.ok()) << history.status();
    for (const StoredEvent& s : *history) stored += s.event == e.event;
  }
  return stored;
}

// Reopens the store after a kill and checks it: every batch acknowledged
// since `first` is there, the events batch in flight entirely or not at
// all, and every state agrees with its events.
void CheckAfterKill(const std::string& dir, int64_t first, const Acks& acks, int round) {
  StoreOptions options;
  options.durability = Durability::kBuffered;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(dir, options);
  ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status();
  // Storing an acknowledged batch again must find every record already there.
  for (int64_t b = first; b <= acks.events; ++b) {
    const std::vector<ReportedEvent> events = testing::CrashEvents(uint64_t(b));
    ASSERT_EQ(CountStored(**store, events), events.size()) << "round " << round << ": events of batch " << b;
  }
  for (int64_t b = first; b <= acks.items; ++b) {
    const absl::StatusOr<std::vector<Outcome>> outcomes = (*store)->PutItems(testing::CrashItems(uint64_t(b)));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    for (const Outcome& o : *outcomes) {
      ASSERT_EQ(o.outcome, WriteOutcome::kDuplicate) << "round " << round << ": items of batch " << b;
    }
  }
  const std::vector<ReportedEvent> in_flight = testing::CrashEvents(uint64_t(acks.events + 1));
  const size_t landed = CountStored(**store, in_flight);
  EXPECT_TRUE(landed == 0 || landed == in_flight.size()) << "round " << round << ": " << landed << " of a batch";

  const VerifyReport report = *(*store)->Verify();
  ASSERT_EQ(report.problem_count, 0u) << "round " << round << ": " << report.problems[0];
}

std::string NewDir() {
  std::string dir = ::testing::TempDir() + "pochta_crash_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

class CrashTest : public ::testing::TestWithParam<Durability> {};

TEST_P(CrashTest, AcknowledgedWritesSurviveSigkill) {
  const std::string dir = NewDir();
  std::mt19937 rng(uint32_t(GetParam()) + 17);
  int64_t acked = -1;  // every batch up to here was acknowledged, items and events
  constexpr int kKills = 15;
  for (int round = 0; round < kKills; ++round) {
    const int64_t first = acked + 1;
    // At least one whole batch (its items and events) before the kill.
    const Acks acks = RunAndKill(dir, GetParam(), first, KillPlan{.lines = 2 + int(rng() % 12)}, rng);
    CheckAfterKill(dir, first, acks, round);
    if (HasFatalFailure()) return;
    acked = std::min(acks.items, acks.events);
  }
  EXPECT_GE(acked, kKills - 1) << "every round must acknowledge a batch";
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(EveryDurability, CrashTest,
                         ::testing::Values(Durability::kSync, Durability::kGroup, Durability::kBuffered),
                         [](const auto& info) { return std::string(Name(info.param)); });

// The same while RocksDB compacts: the writer's memtables are tiny, so
// flushes and compactions run all the time, and each kill follows the
// writer's report of a running compaction.
TEST(CompactionCrashTest, AcknowledgedWritesSurviveSigkillDuringCompaction) {
  const std::string dir = NewDir();
  std::mt19937 rng(29);
  int64_t acked = -1;
  constexpr int kKills = 10;
  int during_compaction = 0;
  for (int round = 0; round < kKills; ++round) {
    const int64_t first = acked + 1;
    const Acks acks = RunAndKill(dir, Durability::kGroup, first, KillPlan{.lines = 20'000, .at_compaction = true}, rng);
    during_compaction += acks.compacting;
    CheckAfterKill(dir, first, acks, round);
    if (HasFatalFailure()) return;
    acked = std::min(acks.items, acks.events);
  }
  EXPECT_GE(during_compaction, kKills * 2 / 3) << "too few kills landed while a compaction ran";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pochta::storage
