// Tracking store throughput, buffered durability (as simulations use it).
//
//   BM_IngestEvents            AppendEvents in batches of 1,000: events/s
//   BM_RawPuts/event_records   raw RocksDB puts of the same event keys and
//                              values, same options, batches of 1,000
//   BM_RawPuts/same_records    raw writes of exactly the records ingest
//                              writes (event, derived state, index entries),
//                              without its reads, duplicate checks or grouping
//   BM_GetState                point lookups of item state, warm cache
//   BM_ListEvents              an item's whole history (16 events)
//   BM_WorkListPage            one page of 100 items at a facility in a status
//
// The read benchmarks share a store preloaded with POCHTA_BENCH_ITEMS items
// (default 100,000) of 16 events each.
#include <cstdlib>
#include <filesystem>
#include <random>

#include "benchmark/benchmark.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/testing/histories.h"
#include "storage/testing/raw_baseline.h"

namespace pochta::storage {
namespace {

constexpr size_t kBatch = 1000;
constexpr size_t kHistory = 16;  // events of TestHistory(start, 1)

std::string TempDir(const char* name) {
  std::string dir = (std::filesystem::temp_directory_path() / (std::string(name) + "_XXXXXX")).string();
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

StoreOptions Buffered() {
  StoreOptions options;
  options.durability = Durability::kBuffered;
  return options;
}

// Batch `n` of a simulation-like stream: 1,000 different items, each at the
// next event of its history, as a day of mail moves through the network.
std::vector<ReportedEvent> Batch(uint64_t n) {
  const uint64_t block = n / kHistory;
  const size_t step = n % kHistory;
  std::vector<ReportedEvent> events;
  events.reserve(kBatch);
  for (uint32_t j = 0; j < kBatch; ++j) {
    const uint32_t serial = uint32_t(block * kBatch + j);
    const core::Timestamp start = testing::kEpoch2025 + std::chrono::minutes(serial % 50000);
    events.push_back(testing::Reported(testing::TestItemId(serial), testing::TestHistory(start, 1)[step]));
  }
  return events;
}

void BM_IngestEvents(benchmark::State& state) {
  const std::string dir = TempDir("pochta_bench_ingest");
  std::unique_ptr<TrackingStore> store = *TrackingStore::Open(dir, Buffered());
  uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<ReportedEvent> batch = Batch(n++);
    state.ResumeTiming();
    if (!store->AppendEvents(batch).ok()) state.SkipWithError("AppendEvents failed");
  }
  state.SetItemsProcessed(int64_t(state.iterations() * kBatch));
  state.counters["bytes_per_event"] = double(store->Metrics().bytes_written) / double(state.iterations() * kBatch);
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_IngestEvents)->Unit(benchmark::kMillisecond)->UseRealTime();

// Plain RocksDB, opened with the store's own options and written with the
// store's own keys and values: the event records alone, or every record an
// ingest writes, from states kept in memory instead of read back.
void BM_RawPuts(benchmark::State& state, bool same_records) {
  const std::string dir = TempDir("pochta_bench_raw");
  std::unique_ptr<testing::RawBaseline> raw = testing::RawBaseline::Open(dir, Buffered());
  if (!raw) std::abort();
  std::vector<std::optional<ItemState>> states;  // by serial
  uint64_t n = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<ReportedEvent> events = Batch(n++);
    rocksdb::WriteBatch batch;
    if (same_records) states.resize(std::max(states.size(), size_t((n / kHistory + 1) * kBatch)));
    state.ResumeTiming();
    for (const ReportedEvent& e : events) {
      raw->AddEvent(batch, e, testing::kEpoch2025, same_records ? &states[e.item.serial()] : nullptr);
    }
    bytes += batch.GetDataSize();
    if (!raw->db().Write(rocksdb::WriteOptions(), &batch).ok()) state.SkipWithError("Write failed");
  }
  state.SetItemsProcessed(int64_t(state.iterations() * kBatch));
  state.counters["bytes_per_event"] = double(bytes) / double(state.iterations() * kBatch);
  raw.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK_CAPTURE(BM_RawPuts, event_records, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_RawPuts, same_records, true)->Unit(benchmark::kMillisecond)->UseRealTime();

// A store of `Items()` items with whole histories, built once, read warm.
size_t Items() {
  const char* env = std::getenv("POCHTA_BENCH_ITEMS");
  return env ? size_t(std::strtoull(env, nullptr, 10)) : 100'000;
}

// The preloaded store and its directory, removed when the process exits.
struct PreloadedStore {
  PreloadedStore() {
    const uint64_t blocks = (Items() + kBatch - 1) / kBatch;
    for (uint64_t n = 0; n < blocks * kHistory; ++n) store->AppendEvents(Batch(n)).IgnoreError();
    for (uint32_t i = 0; i < blocks * kBatch; ++i) store->GetState(testing::TestItemId(i)).IgnoreError();  // warm
  }
  ~PreloadedStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir = TempDir("pochta_bench_read");
  std::unique_ptr<TrackingStore> store = *TrackingStore::Open(dir, Buffered());
};

TrackingStore& Preloaded() {
  static PreloadedStore preloaded;
  return *preloaded.store;
}

void BM_GetState(benchmark::State& state) {
  TrackingStore& store = Preloaded();
  std::mt19937 rng(1);
  const uint32_t items = uint32_t((Items() + kBatch - 1) / kBatch * kBatch);
  for (auto _ : state) {
    absl::StatusOr<ItemState> s = store.GetState(testing::TestItemId(rng() % items));
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_GetState);

void BM_ListEvents(benchmark::State& state) {
  TrackingStore& store = Preloaded();
  std::mt19937 rng(2);
  const uint32_t items = uint32_t((Items() + kBatch - 1) / kBatch * kBatch);
  size_t events = 0;
  for (auto _ : state) {
    absl::StatusOr<std::vector<StoredEvent>> history = store.ListEvents(testing::TestItemId(rng() % items));
    events += history->size();
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.counters["events_per_scan"] = double(events) / double(state.iterations());
}
BENCHMARK(BM_ListEvents);

void BM_WorkListPage(benchmark::State& state) {
  TrackingStore& store = Preloaded();
  WorkListQuery q;
  q.facility = "140105";
  q.status = core::ItemStatus::kDelivered;
  q.page_size = 100;
  size_t items = 0;
  for (auto _ : state) {
    absl::StatusOr<WorkListPage> page = store.ListItems(q);
    items += page->items.size();
    q.page_token = page->next_page_token;  // page through, then start again
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.counters["items_per_page"] = double(items) / double(state.iterations());
}
BENCHMARK(BM_WorkListPage);

}  // namespace
}  // namespace pochta::storage

BENCHMARK_MAIN();
