// One node at ten times today's volume. h1-2025 (the baseline, 1x) and
// h1-2025 grown POCHTA_BENCH_SCALE times (default 10: every flow and every
// capacity) are each run in full into a new tracking store, written as the
// server writes, not bulk-loaded: the items' pre-advice, the dispatches and
// the events in batches of 20,000 through PutItems, DeclareDispatch and
// AppendEvents, every 200,000 events of the run. Then each store is
// reopened with pochta serve's options (group commit, 256 MiB block cache)
// and the same cases run against both, so 10x/1x is the figure:
//
//   BM_Fill           the run and its writes (Iterations(1)): items, events,
//                     bytes on disk, and the write rate over the first and
//                     the last tenth of the events
//   BM_GetState       an item's state, items drawn at random
//   BM_ListEvents     an item's history
//   BM_WorkListPage   pages of 100 of the items last seen at the facility
//                     most items were last seen at
//   BM_AppendEvents   batches of 1,000 new events, each to an item drawn at
//                     random (its events read for duplicates, its state
//                     derived again), acknowledged after their fsync
//   BM_BackupAndRestore  a whole backup into a new directory, then its
//                     restore into another (Iterations(1)); the backup's
//                     share of the time as a counter
//
// POCHTA_BENCH_DAYS shortens the days of postings (default: the scenario's).
// Run: build/release/bench/scale_bench. At 10x the set-up writes about 68
// million events and takes 25 minutes or more; the stores are removed at exit.
#include <filesystem>
#include <random>

#include "bench/h1_2025.h"
#include "benchmark/benchmark.h"
#include "cli/store_sink.h"
#include "fmt/format.h"
#include "sim/postal/model.h"

namespace pochta {
namespace {

namespace fs = std::filesystem;

// Writes a run's records as they come, in chunks of kChunk events, and
// times the writes alone.
class ChunkedWriter final : public sim::EventSink {
 public:
  static constexpr size_t kChunk = 200'000;

  explicit ChunkedWriter(storage::TrackingStore& store) : store_(store) {}

  void PreAdvice(const core::Item& item) override {
    ids_.push_back(item.id);
    records_.items.push_back(item);
  }
  void Declare(const sim::Dispatch& dispatch) override {
    storage::DispatchDeclaration& d = records_.dispatches.emplace_back();
    d.dispatch_id = dispatch.id.ToString();
    for (const sim::Dispatch::Receptacle& r : dispatch.receptacles) d.receptacles.push_back({r.id.ToString(), r.items});
  }
  void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator by,
             core::Timestamp reported_at) override {
    records_.events.push_back(storage::ReportedEvent{item, event, by, "", reported_at});
    if (records_.events.size() == kChunk) Flush();
  }

  void Flush() {
    const auto began = std::chrono::steady_clock::now();
    if (!cli::WriteInBatches(store_, records_).ok()) std::abort();
    chunks_.push_back(
        {records_.events.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count()});
    records_ = {};
  }

  std::vector<core::ItemId> TakeIds() { return std::move(ids_); }
  uint64_t events() const {
    uint64_t n = 0;
    for (const Chunk& c : chunks_) n += c.events;
    return n;
  }
  // Events written per second over the chunks of the first (or last) tenth
  // of the events.
  double RateOverTenth(bool last) const {
    const uint64_t tenth = events() / 10;
    uint64_t n = 0;
    double seconds = 0;
    for (size_t i = 0; i < chunks_.size() && n < tenth; ++i) {
      const Chunk& c = chunks_[last ? chunks_.size() - 1 - i : i];
      n += c.events;
      seconds += c.seconds;
    }
    return double(n) / seconds;
  }

 private:
  struct Chunk {
    uint64_t events = 0;
    double seconds = 0;
  };
  storage::TrackingStore& store_;
  storage::BulkRecords records_;
  std::vector<core::ItemId> ids_;
  std::vector<Chunk> chunks_;
};

uint64_t BytesOnDisk(const std::string& dir) {
  uint64_t bytes = 0;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  return bytes;
}

// One store, filled by a whole run of the scenario at `scale`.
struct Filled {
  std::string dir;
  std::unique_ptr<storage::TrackingStore> store;
  std::vector<core::ItemId> ids;
  uint64_t events = 0, bytes = 0;
  double first_tenth = 0, last_tenth = 0;  // events written/s
  std::string busiest;                     // the facility most items were last seen at

  explicit Filled(int scale) {
    dir = (fs::temp_directory_path() / "pochta_bench_scale_XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    {
      storage::StoreOptions fill;
      fill.durability = storage::Durability::kBuffered;  // as pochta simulate writes; closed with an fsync
      std::unique_ptr<storage::TrackingStore> s = *storage::TrackingStore::Open(dir, fill);
      ChunkedWriter writer(*s);
      sim::Scenario scenario = bench::H1(scale);
      scenario.days = bench::FromEnv("POCHTA_BENCH_DAYS", scenario.days);
      sim::PostalModel(scenario, bench::Network(), &writer).Run();
      writer.Flush();
      ids = writer.TakeIds();
      events = writer.events();
      first_tenth = writer.RateOverTenth(false);
      last_tenth = writer.RateOverTenth(true);
    }
    store = *storage::TrackingStore::Open(dir, storage::StoreOptions{});  // pochta serve's defaults
    bytes = BytesOnDisk(dir);
    busiest = store->Stats()->by_facility.front().first;
  }
  ~Filled() {
    store.reset();
    fs::remove_all(dir);
  }
};

Filled& Store(int scale) {
  static Filled one(1);
  if (scale == 1) return one;
  static Filled grown(scale);
  return grown;
}

int Grown() { return bench::FromEnv("POCHTA_BENCH_SCALE", 10); }

void BM_Fill(benchmark::State& state, int scale) {
  for (auto _ : state) benchmark::DoNotOptimize(Store(scale).store.get());
  const Filled& f = Store(scale);
  state.counters["items"] = double(f.ids.size());
  state.counters["events"] = double(f.events);
  state.counters["bytes_on_disk"] = double(f.bytes);
  state.counters["writes_first_tenth"] = f.first_tenth;
  state.counters["writes_last_tenth"] = f.last_tenth;
}

void BM_GetState(benchmark::State& state, int scale) {
  Filled& f = Store(scale);
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    absl::StatusOr<storage::ItemState> s = f.store->GetState(f.ids[rng() % f.ids.size()]);
    if (!s.ok()) state.SkipWithError("an item of the run is missing");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

void BM_ListEvents(benchmark::State& state, int scale) {
  Filled& f = Store(scale);
  std::mt19937_64 rng(2);
  size_t events = 0;
  for (auto _ : state) {
    absl::StatusOr<std::vector<storage::StoredEvent>> history = f.store->ListEvents(f.ids[rng() % f.ids.size()]);
    if (!history.ok()) {
      state.SkipWithError("ListEvents failed");
      break;
    }
    events += history->size();
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.counters["events_per_scan"] = double(events) / double(state.iterations());
}

void BM_WorkListPage(benchmark::State& state, int scale) {
  Filled& f = Store(scale);
  storage::WorkListQuery q;
  q.facility = f.busiest;
  q.page_size = 100;
  size_t items = 0;
  for (auto _ : state) {
    absl::StatusOr<storage::WorkListPage> page = f.store->ListItems(q);
    if (!page.ok()) {
      state.SkipWithError("ListItems failed");
      break;
    }
    items += page->items.size();
    q.page_token = page->next_page_token;  // page through, then start again
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.counters["items_per_page"] = double(items) / double(state.iterations());
}

void BM_AppendEvents(benchmark::State& state, int scale) {
  Filled& f = Store(scale);
  std::mt19937_64 rng(3);
  // After the run: a time no event of it has, one second on per batch.
  core::Timestamp t = core::Timestamp(std::chrono::seconds(1'767'225'600));  // 2026-01-01
  std::vector<storage::ReportedEvent> batch;
  for (auto _ : state) {
    t += std::chrono::seconds(1);
    batch.clear();
    for (int i = 0; i < 1000; ++i) {
      batch.push_back(storage::ReportedEvent{f.ids[rng() % f.ids.size()],
                                             core::TrackingEvent{core::EventCode::kEDG, t, f.busiest},
                                             core::kUzbekistanPost, "", t});
    }
    if (!f.store->AppendEvents(batch).ok()) state.SkipWithError("AppendEvents failed");
  }
  state.SetItemsProcessed(int64_t(state.iterations() * batch.size()));
}

// The store backed up whole into a new directory, then restored from it:
// what a standby taking over from shipped backups waits for.
void BM_BackupAndRestore(benchmark::State& state, int scale) {
  Filled& f = Store(scale);
  const std::string backups = f.dir + ".backups", restored = f.dir + ".restored";
  double backup_seconds = 0;
  for (auto _ : state) {
    const auto began = std::chrono::steady_clock::now();
    if (!f.store->Backup(backups).ok()) state.SkipWithError("the backup failed");
    backup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (!storage::RestoreBackup(backups, restored).ok()) state.SkipWithError("the restore failed");
  }
  state.counters["backup_seconds"] = backup_seconds;
  fs::remove_all(backups);
  fs::remove_all(restored);
}

// Each case at 1x, then at the grown scale, so that the two run close in
// time on a machine whose speed drifts.
void Register() {
  std::vector<int> scales = {1};
  if (Grown() != 1) scales.push_back(Grown());
  using Case = void (*)(benchmark::State&, int);
  const auto each = [&](const char* name, Case run, benchmark::TimeUnit unit, bool once) {
    for (int scale : scales) {
      benchmark::internal::Benchmark* b =
          benchmark::RegisterBenchmark(fmt::format("{}/{}x", name, scale).c_str(), run, scale)->Unit(unit);
      if (unit != benchmark::kNanosecond) b->UseRealTime();  // the slow cases wait on fsyncs and the disk
      if (once) b->Iterations(1);
    }
  };
  each("BM_Fill", BM_Fill, benchmark::kSecond, true);
  each("BM_GetState", BM_GetState, benchmark::kNanosecond, false);
  each("BM_ListEvents", BM_ListEvents, benchmark::kNanosecond, false);
  each("BM_WorkListPage", BM_WorkListPage, benchmark::kNanosecond, false);
  each("BM_AppendEvents", BM_AppendEvents, benchmark::kMillisecond, false);
  each("BM_BackupAndRestore", BM_BackupAndRestore, benchmark::kSecond, true);
}

}  // namespace
}  // namespace pochta

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  pochta::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
