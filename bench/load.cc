// pochta_load: drives a running `pochta serve` with concurrent clients and
// reports throughput, errors and latency percentiles.
//
//   pochta_load --target 127.0.0.1:50051 --key KEY --mode get --clients 8 --duration 10 --prepare 100000
//
// Modes:
//   get     unary GetItem of random prepared items
//   batch   unary BatchGetItems of --batch-size random prepared items
//   report  streaming ReportEvents, batches of --batch-size events for fresh
//           items, each batch waiting for its durable acknowledgement
//   mixed   a soak: --threads/--clients of GetItem, --streams ReportEvents
//           streams onto the prepared items and --watchers WatchItem calls
//           on them, all at once; every --report-every seconds a line of
//           throughput, errors and the server's resident memory
//           (--server-pid), and a summary with memory at half time and
//           at the end; it fails if memory grew more than
//           --max-rss-growth percent over the second half
//   watch-cost  what watchers cost the intake path: --rounds rounds, each
//           --duration seconds of ReportEvents (--clients streams) alone,
//           then as long again with --watchers WatchItem calls open on
//           items those streams write; prints both rates and their ratio,
//           and fails below --min-ratio
//   feed-cost  the event feed under load: --rounds rounds, each --duration
//           seconds of ReportEvents alone, then as long again with one
//           SubscribeEvents call per --subscriber-keys key (the example
//           China Post, Latvijas Pasts and Vanuatu Post keys by default)
//           open from now, the --clients streams reporting items of CN, LV
//           and VU in turn; prints both report rates and their ratio, the
//           events each subscriber received per second and how long after
//           the last acknowledgement it had every event of its country
// --prepare N first reports an arrival scan (EMD at UZTASA) for items 0..N-1
// so that reads find them. The key must be a staff key (it reports
// destination-side events). Reads keep --clients calls in flight over
// --threads threads, each with its own connection and completion queue;
// report runs --clients streams, each on its own connection and thread.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <span>
#include <thread>

#include "CLI/CLI.hpp"
#include "core/item_id.h"
#include "fmt/format.h"
#include "grpcpp/grpcpp.h"
#include "pochta/v1/intake.grpc.pb.h"
#include "pochta/v1/tracking.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = pochta::v1;

struct Options {
  std::string target = "127.0.0.1:50051";
  std::string key;
  std::string mode = "get";
  int clients = 8;
  int threads = 2;
  double duration = 10;
  uint64_t count = 0;  // calls per client; 0: run for `duration`
  int batch_size = 1000;
  uint64_t prepare = 0;
  uint64_t items = 100000;  // reads draw from items 0..items-1
  uint32_t serial_base = 10'000'000;
  int streams = 2;   // mixed: ReportEvents streams
  int watchers = 8;  // mixed: WatchItem calls
  double report_every = 10;
  int server_pid = 0;          // mixed: whose resident memory to report
  double max_rss_growth = 10;  // mixed: percent the server's memory may grow over the second half
  int rounds = 2;              // watch-cost
  double min_ratio = 0;        // watch-cost, feed-cost: fail below this ratio (with / alone)
  std::vector<std::string> subscriber_keys = {"example-cn-0123456789abcdef", "example-lv-0123456789abcdef",
                                              "example-vu-0123456789abcdef"};
};

// feed-cost: the countries the report streams take turns at.
constexpr const char* kFeedCountries[] = {"CN", "LV", "VU"};

// Counters the soak reporter reads while the clients run.
struct Live {
  std::atomic<uint64_t> reads{0}, events{0}, updates{0}, errors{0};
} live;

std::string ItemId(uint64_t n, uint32_t base, const char* country = "CN") {
  return pochta::core::ItemId::Make("LP", uint32_t(base + n), country)->ToString();
}

// Client results: latencies in microseconds, per call.
struct Result {
  std::vector<uint32_t> latency_us;
  uint64_t items = 0;     // events reported or items read
  uint64_t accepted = 0;  // events reported and accepted
  std::map<std::string, uint64_t> errors;
  std::map<std::string, std::string> examples;
};

std::shared_ptr<grpc::Channel> Connect(const Options& o, int client) {
  grpc::ChannelArguments args;
  args.SetInt("pochta.load.client", client);  // distinct arguments: a connection of its own
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args);
}

// Errors are counted by status code, with one example message.
void CountError(Result& r, const grpc::Status& s) {
  ++live.errors;
  auto [it, inserted] = r.errors.try_emplace(fmt::format("code {}", int(s.error_code())), 0);
  ++it->second;
  if (inserted) r.examples[it->first] = s.error_message();
}

void Record(Result& r, Clock::time_point start, const grpc::Status& s) {
  r.latency_us.push_back(uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
  if (!s.ok()) CountError(r, s);
}

void FillEvent(const Options& o, uint64_t item, int step, v1::TrackingEvent* e, const char* country = "CN") {
  static const char* kCodes[] = {"EMD", "EDB", "EDC", "EMF", "EDD", "EDE", "EMG", "EDG", "EMI"};
  static const char* kOffices[] = {"UZTASA", "UZTASA", "UZTASA", "UZTASA", "SC-SKD",
                                   "SC-SKD", "140105", "140105", "140105"};
  e->set_item_id(ItemId(item, o.serial_base, country));
  e->set_code(kCodes[step % 9]);
  e->set_office(kOffices[step % 9]);
  e->mutable_occurred_at()->set_seconds(1'735'689'600 + int64_t(item % 100000) * 60 + step * 3600);
}

bool Deadline(const Options& o, Clock::time_point end, uint64_t done) {
  return o.count > 0 ? done >= o.count : Clock::now() >= end;
}

// One thread's share of the read load: `inflight` calls kept in flight on
// one connection through a completion queue.
void RunReads(const Options& o, int thread, int inflight, Clock::time_point end, Result& r) {
  auto stub = v1::TrackingService::NewStub(Connect(o, thread));
  grpc::CompletionQueue cq;
  std::mt19937_64 rng(uint64_t(thread) * 7919 + 1);
  struct Call {
    grpc::ClientContext context;
    v1::GetItemRequest get;
    v1::ItemView view;
    v1::BatchGetItemsRequest batch;
    v1::BatchGetItemsResponse results;
    grpc::Status status;
    Clock::time_point start;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ItemView>> get_reader;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::BatchGetItemsResponse>> batch_reader;
  };
  uint64_t started = 0;
  const auto start_call = [&]() {
    auto* call = new Call;
    call->context.AddMetadata("x-api-key", o.key);
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    call->start = Clock::now();
    if (o.mode != "batch") {
      call->get.set_item_id(ItemId(rng() % o.items, o.serial_base));
      call->get_reader = stub->AsyncGetItem(&call->context, call->get, &cq);
      call->get_reader->Finish(&call->view, &call->status, call);
    } else {
      for (int i = 0; i < o.batch_size; ++i) call->batch.add_item_ids(ItemId(rng() % o.items, o.serial_base));
      call->batch_reader = stub->AsyncBatchGetItems(&call->context, call->batch, &cq);
      call->batch_reader->Finish(&call->results, &call->status, call);
    }
    ++started;
  };
  const uint64_t limit = o.count > 0 ? o.count : UINT64_MAX;
  for (int i = 0; i < inflight && started < limit; ++i) start_call();
  uint64_t pending = started;
  void* tag;
  bool ok;
  while (pending > 0 && cq.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    --pending;
    Record(r, call->start, call->status);
    if (call->status.ok()) {
      const uint64_t read = o.mode != "batch" ? 1 : uint64_t(call->results.results_size());
      r.items += read;
      live.reads += read;
    }
    if (started < limit && Clock::now() < end) {
      start_call();
      ++pending;
    }
  }
}

// One stream per client; items first..first+per_client-1 advance one event
// per batch, as mail moving through the network.
void RunReport(const Options& o, int client, Clock::time_point end, uint64_t first, uint64_t per_client, int steps,
               Result& r, const char* country = "CN") {
  auto stub = v1::IntakeService::NewStub(Connect(o, client));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", o.key);
  auto stream = stub->ReportEvents(&context);
  const uint64_t batches_per_step = std::max<uint64_t>(1, per_client / uint64_t(o.batch_size));
  uint64_t done = 0;
  for (; !Deadline(o, end, done) && (steps == 0 || done < batches_per_step * uint64_t(steps)); ++done) {
    v1::ReportEventsRequest request;
    request.set_batch_id(done);
    const uint64_t block = done % batches_per_step;
    const int step = int(done / batches_per_step);
    for (int i = 0; i < o.batch_size; ++i) {
      FillEvent(o, first + block * uint64_t(o.batch_size) + uint64_t(i), step, request.add_events(), country);
    }
    const Clock::time_point start = Clock::now();
    v1::ReportEventsResponse response;
    if (!stream->Write(request) || !stream->Read(&response)) break;
    for (const v1::EventResult& result : response.results()) {
      r.accepted += result.outcome() == v1::ACCEPTED;
      if (result.outcome() != v1::REJECTED) continue;
      auto [it, inserted] = r.errors.try_emplace("rejected event", 0);
      ++it->second;
      ++live.errors;
      if (inserted) r.examples[it->first] = result.reason();
    }
    r.items += uint64_t(response.results_size());
    live.events += uint64_t(response.results_size());
    Record(r, start, grpc::Status::OK);
  }
  stream->WritesDone();
  const grpc::Status s = stream->Finish();
  if (!s.ok()) CountError(r, s);
}

// Watches random prepared items until `end`, counting the updates.
void RunWatcher(const Options& o, int watcher, Clock::time_point end, Result& r) {
  auto stub = v1::TrackingService::NewStub(Connect(o, 1000 + watcher));
  std::mt19937_64 rng(uint64_t(watcher) * 104729 + 3);
  while (Clock::now() < end) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", o.key);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()));
    v1::WatchItemRequest request;
    request.set_item_id(ItemId(rng() % o.items, o.serial_base));
    auto stream = stub->WatchItem(&context, request);
    v1::ItemUpdate update;
    while (stream->Read(&update)) ++live.updates;
    const grpc::Status s = stream->Finish();
    if (!s.ok() && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) CountError(r, s);
  }
}

// Resident memory of a process in kB, from /proc; 0 when unknown.
uint64_t ResidentKb(int pid) {
  if (pid <= 0) return 0;
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

void Print(const Options& o, const std::vector<Result>& results, double seconds) {
  std::vector<uint32_t> latencies;
  uint64_t items = 0;
  std::map<std::string, uint64_t> errors;
  std::map<std::string, std::string> examples;
  for (const Result& r : results) {
    latencies.insert(latencies.end(), r.latency_us.begin(), r.latency_us.end());
    items += r.items;
    for (const auto& [what, n] : r.errors) errors[what] += n;
    examples.insert(r.examples.begin(), r.examples.end());
  }
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    return latencies.empty() ? 0.0
                             : latencies[std::min(latencies.size() - 1, size_t(p * double(latencies.size())))] / 1000.0;
  };
  uint64_t error_count = 0;
  for (const auto& [what, n] : errors) error_count += n;
  const char* unit = o.mode == "report" ? "events" : "items";
  fmt::print("mode {}  clients {}  threads {}  target {}\n", o.mode, o.clients,
             o.mode == "report" ? o.clients : o.threads, o.target);
  fmt::print("calls {}  in {:.2f} s  = {:.0f} calls/s, {:.0f} {}/s\n", latencies.size(), seconds,
             double(latencies.size()) / seconds, double(items) / seconds, unit);
  fmt::print("latency ms  p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  p99.9 {:.3f}  max {:.3f}\n", pct(0.50), pct(0.90),
             pct(0.99), pct(0.999), latencies.empty() ? 0.0 : latencies.back() / 1000.0);
  fmt::print("errors {}\n", error_count);
  for (const auto& [what, n] : errors) fmt::print("  {} x {}, e.g. {}\n", n, what, examples[what].substr(0, 100));
}

struct TrendLine {
  double slope = 0;  // y per x
  double mean_y = 0;
};

// REQUIRES: at least two points with different x.
TrendLine LeastSquares(const std::vector<std::pair<double, double>>& points) {
  double mx = 0, my = 0;
  for (const auto& [x, y] : points) mx += x, my += y;
  mx /= double(points.size()), my /= double(points.size());
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : points) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
  return TrendLine{sxy / sxx, my};
}

}  // namespace

// The soak: reads, writes and watches at once, with a progress line every
// report_every seconds. Exit 1 on any error, or when the server's memory
// trends up by more than max_rss_growth percent over the second half of the
// run. Caches and memtables fill during the first half; a leak keeps
// growing. The trend is the least-squares line through the second half's
// samples, which flushes and compactions make noisy.
int Soak(const Options& o, Clock::time_point start, Clock::time_point end) {
  std::vector<Result> reads(size_t(o.threads)), writes(size_t(o.streams)), watches(size_t(o.watchers));
  std::vector<std::thread> threads;
  std::vector<std::pair<double, double>> rss_second_half;  // (seconds, kB)
  for (int t = 0; t < o.threads; ++t) {
    const int inflight = o.clients / o.threads + (t < o.clients % o.threads ? 1 : 0);
    threads.emplace_back([&, t, inflight] { RunReads(o, t, inflight, end, reads[size_t(t)]); });
  }
  const uint64_t per_stream = o.items / uint64_t(o.streams) / uint64_t(o.batch_size) * uint64_t(o.batch_size);
  for (int w = 0; w < o.streams; ++w) {
    threads.emplace_back(
        [&, w] { RunReport(o, 100 + w, end, uint64_t(w) * per_stream, per_stream, 0, writes[size_t(w)]); });
  }
  for (int w = 0; w < o.watchers; ++w) threads.emplace_back([&, w] { RunWatcher(o, w, end, watches[size_t(w)]); });

  fmt::print("{:>8} {:>12} {:>12} {:>12} {:>8} {:>12}\n", "seconds", "reads/s", "events/s", "updates/s", "errors",
             "server RSS kB");
  uint64_t last_reads = 0, last_events = 0, last_updates = 0;
  Clock::time_point last = start;
  while (Clock::now() < end) {
    std::this_thread::sleep_until(std::min(
        end, last + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.report_every))));
    const Clock::time_point now = Clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    const double t = std::chrono::duration<double>(now - start).count();
    const uint64_t r = live.reads, e = live.events, u = live.updates, rss = ResidentKb(o.server_pid);
    fmt::print("{:>8.0f} {:>12.0f} {:>12.0f} {:>12.0f} {:>8} {:>12}\n", t, double(r - last_reads) / dt,
               double(e - last_events) / dt, double(u - last_updates) / dt, live.errors.load(), rss);
    std::fflush(stdout);
    if (now - start >= (end - start) / 2) rss_second_half.emplace_back(t, double(rss));
    last_reads = r, last_events = e, last_updates = u, last = now;
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  fmt::print("\nreads:  ");
  Print(o, reads, seconds);
  fmt::print("writes: ");
  Options w = o;
  w.mode = "report";
  w.clients = o.streams;
  Print(w, writes, seconds);
  fmt::print("watch updates: {} ({:.0f}/s)\n", live.updates.load(), double(live.updates) / seconds);
  bool flat = true;
  if (o.server_pid > 0 && rss_second_half.size() >= 2) {
    const TrendLine line = LeastSquares(rss_second_half);
    const double span = rss_second_half.back().first - rss_second_half.front().first;
    const double growth = 100.0 * line.slope * span / line.mean_y;
    flat = growth <= o.max_rss_growth;
    fmt::print(
        "server resident memory: {:.0f} kB at half time, {:.0f} kB at the end; trend over the second half "
        "{:+.1f}% ({} {}%)\n",
        rss_second_half.front().second, rss_second_half.back().second, growth, flat ? "within" : "OVER",
        o.max_rss_growth);
  }
  fmt::print("errors: {}\n", live.errors.load());
  return live.errors == 0 && flat ? 0 : 1;
}

// The watchers of one watch-cost phase: WatchItem calls on random items of
// [first, first + span), open until Close. All of them run on one
// completion queue and one thread, as a real watching client would, so the
// clients' own threads do not crowd the writers.
class WatchPhase {
 public:
  WatchPhase(const Options& o, uint64_t first, uint64_t span, uint64_t seed)
      : stub_(v1::TrackingService::NewStub(Connect(o, 2000))), watches_(size_t(o.watchers)) {
    std::mt19937_64 rng(seed);
    for (Watch& w : watches_) {
      w.context.AddMetadata("x-api-key", o.key);
      v1::WatchItemRequest request;
      request.set_item_id(ItemId(first + rng() % span, o.serial_base));
      w.reader = stub_->PrepareAsyncWatchItem(&w.context, request, &cq_);
      w.reader->StartCall(&w.started);
    }
    thread_ = std::thread([this] { Drive(); });
  }
  // Waits until every watch has its first view; false when one failed.
  bool WaitOpen() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_ + failed_ == watches_.size(); });
    return failed_ == 0;
  }
  // Cancels every watch; the updates they received after their first view.
  uint64_t Close() {
    for (Watch& w : watches_) w.context.TryCancel();
    thread_.join();
    return updates_;
  }

 private:
  struct Watch;
  struct Op {
    Watch* watch;
    enum Kind { kStarted, kRead, kFinished } kind;
  };
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReader<v1::ItemUpdate>> reader;
    v1::ItemUpdate update;
    grpc::Status status;
    bool opened = false;
    Op started{this, Op::kStarted}, read{this, Op::kRead}, finished{this, Op::kFinished};
  };

  void Drive() {
    size_t finished = 0;
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
      const Op& op = *static_cast<Op*>(tag);
      Watch& w = *op.watch;
      if (op.kind == Op::kFinished) {
        if (++finished == watches_.size()) cq_.Shutdown();
        continue;
      }
      if (op.kind == Op::kRead && ok) {
        if (w.opened) {
          ++updates_;
        } else {
          w.opened = true;
          Count(open_);
        }
      }
      if (!ok) {
        if (!w.opened) Count(failed_);
        w.reader->Finish(&w.status, &w.finished);  // CANCELLED by Close
        continue;
      }
      w.reader->Read(&w.update, &w.read);
    }
  }
  void Count(size_t& counter) {
    {
      std::lock_guard lock(mu_);
      ++counter;
    }
    cv_.notify_all();
  }

  std::unique_ptr<v1::TrackingService::Stub> stub_;
  grpc::CompletionQueue cq_;
  std::vector<Watch> watches_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t open_ = 0, failed_ = 0;
  uint64_t updates_ = 0;  // written by the driving thread only, read after join
};

// One phase of the cost modes: --clients ReportEvents streams for
// --duration seconds onto fresh items from `first` (a block of 100,000 per
// stream), stream t reporting items of countries[t % n]. Adds what it did.
struct ReportTotals {
  double events = 0, seconds = 0;
  uint64_t errors = 0;
  std::map<std::string, uint64_t> accepted;  // by country
};
void RunReportPhase(const Options& o, uint64_t first, std::span<const char* const> countries, ReportTotals& totals) {
  std::vector<Result> results(size_t(o.clients));
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  for (int t = 0; t < o.clients; ++t) {
    threads.emplace_back([&, t] {
      RunReport(o, t, end, first + uint64_t(t) * 100000, 100000, 0, results[size_t(t)],
                countries[size_t(t) % countries.size()]);
    });
  }
  for (std::thread& t : threads) t.join();
  totals.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  for (int t = 0; t < o.clients; ++t) {
    const Result& r = results[size_t(t)];
    totals.events += double(r.items);
    totals.accepted[countries[size_t(t) % countries.size()]] += r.accepted;
    for (const auto& [what, n] : r.errors) totals.errors += n;
  }
}

// ReportEvents alone and with watchers, alternating so that the store's
// growth during the run weighs on both alike. Each phase writes fresh items
// (a block of 100,000 per stream), never the same event twice.
int WatchCost(const Options& o) {
  const uint64_t span = uint64_t(o.clients) * 100000;
  const char* const cn[] = {"CN"};
  ReportTotals alone_totals, watched_totals;
  uint64_t updates = 0;
  for (int round = 0; round < o.rounds; ++round) {
    const uint64_t alone_first = o.prepare + uint64_t(2 * round) * span;
    const uint64_t watched_first = alone_first + span;
    RunReportPhase(o, alone_first, cn, alone_totals);
    WatchPhase watchers(o, watched_first, span, uint64_t(round) + 1);
    if (!watchers.WaitOpen()) {
      fmt::print(stderr, "pochta_load: a WatchItem call failed to open\n");
      watchers.Close();
      return 1;
    }
    RunReportPhase(o, watched_first, cn, watched_totals);
    updates += watchers.Close();
  }
  const double alone_events = alone_totals.events, alone_seconds = alone_totals.seconds;
  const double watched_events = watched_totals.events, watched_seconds = watched_totals.seconds;
  const uint64_t errors = alone_totals.errors + watched_totals.errors;
  const double alone = alone_events / alone_seconds, watched = watched_events / watched_seconds;
  const double ratio = watched / alone;
  fmt::print("mode watch-cost  streams {}  batch {}  rounds {}  target {}\n", o.clients, o.batch_size, o.rounds,
             o.target);
  fmt::print("ReportEvents alone:              {:.0f} events/s ({:.0f} events in {:.1f} s)\n", alone, alone_events,
             alone_seconds);
  fmt::print("ReportEvents with {} watchers: {:.0f} events/s ({:.0f} events in {:.1f} s, {} watch updates)\n",
             o.watchers, watched, watched_events, watched_seconds, updates);
  fmt::print("ratio {:.3f}{}\nerrors {}\n", ratio,
             o.min_ratio > 0 ? fmt::format(" ({} {})", ratio >= o.min_ratio ? "at least" : "BELOW", o.min_ratio) : "",
             errors);
  return errors == 0 && ratio >= o.min_ratio ? 0 : 1;
}

// One SubscribeEvents call per key, from now, each on its own connection
// and thread, counting the events received.
class FeedPhase {
 public:
  explicit FeedPhase(const Options& o) {
    for (size_t i = 0; i < o.subscriber_keys.size(); ++i) {
      subscribers_.push_back(std::make_unique<Subscriber>());
      Subscriber& s = *subscribers_.back();
      s.thread = std::thread([&o, &s, this, i] {
        auto stub = v1::TrackingService::NewStub(Connect(o, 2000 + int(i)));
        s.context.AddMetadata("x-api-key", o.subscriber_keys[i]);
        v1::SubscribeEventsRequest request;
        request.set_from_now(true);
        auto stream = stub->SubscribeEvents(&s.context, request);
        v1::EventBatch batch;
        bool first = true;
        while (stream->Read(&batch)) {
          std::lock_guard lock(mu_);
          s.events += uint64_t(batch.events_size());
          s.last = Clock::now();
          if (first) ++open_;
          first = false;
          cv_.notify_all();
        }
        s.status = stream->Finish();
        std::lock_guard lock(mu_);
        s.done = true;
        cv_.notify_all();
      });
    }
  }
  // True once every call has its first batch; false when one ended first.
  bool WaitOpen() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] {
      return open_ == subscribers_.size() ||
             std::any_of(subscribers_.begin(), subscribers_.end(), [](const auto& s) { return s->done; });
    });
    return open_ == subscribers_.size();
  }
  // Waits (up to 60 s) until subscriber i has expected[i] events, then ends
  // the calls. Per subscriber: events received, and when the last came.
  struct Received {
    uint64_t events;
    Clock::time_point last;  // when the last batch came
    grpc::Status status;     // how the call ended
  };
  std::vector<Received> Close(const std::vector<uint64_t>& expected) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(60), [&] {
        for (size_t i = 0; i < subscribers_.size(); ++i) {
          if (subscribers_[i]->events < expected[i] && !subscribers_[i]->done) return false;
        }
        return true;
      });
    }
    for (auto& s : subscribers_) s->context.TryCancel();
    std::vector<Received> out;
    for (auto& s : subscribers_) {
      s->thread.join();
      out.push_back({s->events, s->last, s->status});
    }
    return out;
  }

 private:
  struct Subscriber {
    grpc::ClientContext context;
    std::thread thread;
    uint64_t events = 0;
    Clock::time_point last{};
    grpc::Status status;
    bool done = false;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  size_t open_ = 0;
  std::vector<std::unique_ptr<Subscriber>> subscribers_;
};

// ReportEvents alone and with the feed's subscribers, as WatchCost.
int FeedCost(const Options& o) {
  const uint64_t span = uint64_t(o.clients) * 100000;
  ReportTotals alone, fed;
  std::vector<uint64_t> received(o.subscriber_keys.size()), expected_total(o.subscriber_keys.size());
  double drain_max = 0;
  for (int round = 0; round < o.rounds; ++round) {
    const uint64_t alone_first = o.prepare + uint64_t(2 * round) * span;
    RunReportPhase(o, alone_first, kFeedCountries, alone);
    FeedPhase subscribers(o);
    if (!subscribers.WaitOpen()) {
      fmt::print(stderr, "pochta_load: a SubscribeEvents call failed to open\n");
      subscribers.Close(std::vector<uint64_t>(o.subscriber_keys.size()));
      return 1;
    }
    ReportTotals phase;
    RunReportPhase(o, alone_first + span, kFeedCountries, phase);
    const Clock::time_point acknowledged = Clock::now();
    std::vector<uint64_t> expected;
    for (size_t i = 0; i < o.subscriber_keys.size(); ++i) expected.push_back(phase.accepted[kFeedCountries[i % 3]]);
    const auto got = subscribers.Close(expected);
    for (size_t i = 0; i < got.size(); ++i) {
      received[i] += got[i].events;
      expected_total[i] += expected[i];
      if (got[i].events < expected[i]) {
        fmt::print(stderr, "pochta_load: subscriber {} received {} of {} events; the call ended with code {}: {}\n",
                   i, got[i].events, expected[i], int(got[i].status.error_code()), got[i].status.error_message());
        return 1;
      }
      drain_max = std::max(drain_max, std::chrono::duration<double>(got[i].last - acknowledged).count());
    }
    fed.events += phase.events;
    fed.seconds += phase.seconds;
    fed.errors += phase.errors;
  }
  const double ratio = (fed.events / fed.seconds) / (alone.events / alone.seconds);
  fmt::print("mode feed-cost  streams {}  batch {}  rounds {}  subscribers {}  target {}\n", o.clients, o.batch_size,
             o.rounds, o.subscriber_keys.size(), o.target);
  fmt::print("ReportEvents alone:                {:.0f} events/s ({:.0f} events in {:.1f} s)\n",
             alone.events / alone.seconds, alone.events, alone.seconds);
  fmt::print("ReportEvents with {} subscribers:   {:.0f} events/s ({:.0f} events in {:.1f} s)\n",
             o.subscriber_keys.size(), fed.events / fed.seconds, fed.events, fed.seconds);
  uint64_t total = 0;
  for (size_t i = 0; i < received.size(); ++i) {
    fmt::print("subscriber {} ({}): {:.0f} events/s received ({} events, of {} accepted for its items)\n", i,
               kFeedCountries[i % 3], double(received[i]) / fed.seconds, received[i], expected_total[i]);
    total += received[i];
  }
  fmt::print("delivered {:.0f} events/s to all subscribers; every event in at most {:.3f} s after the last "
             "acknowledgement\n",
             double(total) / fed.seconds, std::max(0.0, drain_max));
  fmt::print("ratio {:.3f}{}\nerrors {}\n", ratio,
             o.min_ratio > 0 ? fmt::format(" ({} {})", ratio >= o.min_ratio ? "at least" : "BELOW", o.min_ratio) : "",
             alone.errors + fed.errors);
  return alone.errors + fed.errors == 0 && ratio >= o.min_ratio ? 0 : 1;
}

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"pochta_load: concurrent load against a running pochta server"};
  app.add_option("--target", o.target, "Server address")->capture_default_str();
  app.add_option("--key", o.key, "API key (staff, to prepare and report destination events)")->required();
  app.add_option("--mode", o.mode, "get, batch, report, mixed, watch-cost or feed-cost")
      ->check(CLI::IsMember({"get", "batch", "report", "mixed", "watch-cost", "feed-cost"}))
      ->capture_default_str();
  app.add_option("--clients", o.clients, "Concurrent calls (reads) or streams (report)")->capture_default_str();
  app.add_option("--threads", o.threads, "Reads: threads, each with a connection and completion queue")
      ->capture_default_str();
  app.add_option("--duration", o.duration, "Seconds to run")->capture_default_str();
  app.add_option("--count", o.count, "Calls per client instead of a duration");
  app.add_option("--batch-size", o.batch_size, "Events per ReportEvents batch, ids per BatchGetItems")
      ->capture_default_str();
  app.add_option("--prepare", o.prepare, "Report an arrival scan for this many items first");
  app.add_option("--streams", o.streams, "mixed: ReportEvents streams")->capture_default_str();
  app.add_option("--watchers", o.watchers, "mixed, watch-cost: WatchItem calls")->capture_default_str();
  app.add_option("--rounds", o.rounds, "watch-cost: rounds of alone, then watched")->capture_default_str();
  app.add_option("--min-ratio", o.min_ratio, "watch-cost, feed-cost: fail when with/alone is below this");
  app.add_option("--subscriber-keys", o.subscriber_keys,
                 "feed-cost: one SubscribeEvents call per key, of the operators of CN, LV and VU in this order")
      ->capture_default_str();
  app.add_option("--report-every", o.report_every, "mixed: seconds between progress lines")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "mixed: the server process, to report its resident memory");
  app.add_option("--max-rss-growth", o.max_rss_growth,
                 "mixed: fail when the server's memory grows more than this many percent over the second half")
      ->capture_default_str();
  app.add_option("--items", o.items, "Reads draw from this many prepared items")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (o.clients < 1 || o.threads < 1 || o.batch_size < 1 || o.batch_size > 1000) {
    fmt::print(stderr, "pochta_load: --clients and --threads must be at least 1, --batch-size 1 to 1000\n");
    return 2;
  }

  if (o.prepare > 0) {
    Options p = o;
    p.count = 0;
    std::vector<Result> results(size_t(o.clients));
    std::vector<std::thread> threads;
    // Whole batches per client, so that items 0..clients*per_client-1 are all prepared.
    const uint64_t batch = uint64_t(o.batch_size);
    const uint64_t per_client = (o.prepare + uint64_t(o.clients) * batch - 1) / (uint64_t(o.clients) * batch) * batch;
    for (int c = 0; c < o.clients; ++c) {
      threads.emplace_back([&, c] {
        RunReport(p, c, Clock::time_point::max(), uint64_t(c) * per_client, per_client, 1, results[size_t(c)]);
      });
    }
    for (std::thread& t : threads) t.join();
    uint64_t prepared = 0, errors = 0;
    for (const Result& r : results) {
      prepared += r.items;
      for (const auto& [what, n] : r.errors) errors += n;
    }
    fmt::print("prepared {} items ({} errors)\n", prepared, errors);
    if (errors > 0) return 1;
    o.items = std::min(o.items, prepared);
  }

  const bool report = o.mode == "report";
  std::vector<Result> results(size_t(report ? o.clients : o.threads));
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  if (o.mode == "mixed") return Soak(o, start, end);
  if (o.mode == "watch-cost") return WatchCost(o);
  if (o.mode == "feed-cost") return FeedCost(o);
  for (int t = 0; t < int(results.size()); ++t) {
    threads.emplace_back([&, t] {
      if (report) {
        // Fresh items above the prepared ones, a block of 100,000 per stream.
        RunReport(o, t, end, o.prepare + uint64_t(t) * 100000, 100000, 0, results[size_t(t)]);
      } else {
        const int inflight = o.clients / o.threads + (t < o.clients % o.threads ? 1 : 0);
        RunReads(o, t, inflight, end, results[size_t(t)]);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  Print(o, results, std::chrono::duration<double>(Clock::now() - start).count());
  uint64_t errors = 0;
  for (const Result& r : results) {
    for (const auto& [what, n] : r.errors) errors += n;
  }
  return errors == 0 ? 0 : 1;
}
