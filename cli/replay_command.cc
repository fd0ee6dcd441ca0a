// pochta replay TRACE: a recorded event trace into a store, or live into a
// running server, paced on a scaled clock.
#include <chrono>

#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "cli/commands.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "grpcpp/grpcpp.h"
#include "pochta/v1/intake.grpc.pb.h"
#include "services/auth.h"
#include "services/convert.h"
#include "sim/trace.h"
#include "storage/tracking_store.h"

namespace pochta::cli {
namespace {

namespace v1 = pochta::v1;

struct Counts {
  uint64_t read = 0, accepted = 0, duplicates = 0, rejected = 0;
  std::string first_rejection;
};

void Print(const Counts& c) {
  fmt::print("replayed {} events: {} accepted, {} duplicates, {} rejected\n", c.read, c.accepted, c.duplicates,
             c.rejected);
  if (!c.first_rejection.empty()) fmt::print("  first rejection: {}\n", c.first_rejection);
}

int IntoStore(const ReplayOptions& options, sim::TraceReader& reader) {
  storage::StoreOptions store_options;
  store_options.durability = storage::Durability::kBuffered;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store =
      storage::TrackingStore::Open(options.db, store_options);
  if (!store.ok()) {
    fmt::print(stderr, "pochta replay: {}\n", std::string(store.status().message()));
    return kExitBadInput;
  }
  Counts counts;
  std::vector<storage::ReportedEvent> batch;
  const auto flush = [&]() -> absl::Status {
    absl::StatusOr<std::vector<storage::Outcome>> outcomes = (*store)->AppendEvents(batch);
    if (!outcomes.ok()) return outcomes.status();
    for (const storage::Outcome& o : *outcomes) {
      counts.accepted += o.outcome == storage::WriteOutcome::kAccepted;
      counts.duplicates += o.outcome == storage::WriteOutcome::kDuplicate;
      if (o.outcome == storage::WriteOutcome::kRejected) {
        if (counts.rejected++ == 0) counts.first_rejection = o.reason;
      }
    }
    batch.clear();
    return absl::OkStatus();
  };
  while (true) {
    absl::StatusOr<std::optional<sim::TraceRecord>> record = reader.Next();
    absl::Status s = record.ok() ? absl::OkStatus() : record.status();
    if (s.ok() && !*record) s = flush();
    if (!s.ok()) {
      fmt::print(stderr, "pochta replay: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
    if (!*record) break;
    ++counts.read;
    batch.push_back(storage::ReportedEvent{(*record)->item, (*record)->event, (*record)->reported_by, ""});
    if (batch.size() >= 10000) {
      if (absl::Status f = flush(); !f.ok()) {
        fmt::print(stderr, "pochta replay: {}\n", std::string(f.message()));
        return kExitBadInput;
      }
    }
  }
  Print(counts);
  return kExitOk;
}

// One ReportEvents stream per API key: staff for the events Uzbekiston
// Pochtasi reported, each operator's key for its own.
class LiveReplay {
 public:
  LiveReplay(const ReplayOptions& options, const services::KeyRing& keys, sim::TraceReader& reader)
      : options_(options),
        keys_(keys),
        reader_(reader),
        stub_(v1::IntakeService::NewStub(grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials()))) {}

  int Run() {
    boost::asio::io_context io;
    boost::asio::steady_timer timer(io);
    wall_start_ = std::chrono::steady_clock::now();
    std::function<void()> tick = [&] {
      if (!Step()) return;  // finished or failed
      timer.expires_after(std::chrono::milliseconds(100));
      timer.async_wait([&](const boost::system::error_code&) { tick(); });
    };
    tick();
    io.run();
    for (auto& [key, stream] : streams_) {
      stream.writer->WritesDone();
      const grpc::Status s = stream.writer->Finish();
      if (!s.ok() && failure_.empty()) failure_ = fmt::format("{}: {}", int(s.error_code()), s.error_message());
    }
    if (!failure_.empty()) {
      fmt::print(stderr, "pochta replay: {}\n", failure_);
      return kExitBadInput;
    }
    Print(counts_);
    return kExitOk;
  }

 private:
  struct Stream {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReaderWriter<v1::ReportEventsRequest, v1::ReportEventsResponse>> writer;
    v1::ReportEventsRequest pending;
  };

  // Sends every event due by the scaled clock; false when done or failed.
  bool Step() {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    while (true) {
      if (!next_) {
        absl::StatusOr<std::optional<sim::TraceRecord>> record = reader_.Next();
        if (!record.ok()) {
          failure_ = std::string(record.status().message());
          return false;
        }
        if (!*record) {
          SendAll();
          return false;
        }
        next_ = **record;
        if (!trace_start_) trace_start_ = next_->event.time;
      }
      const double due = double((next_->event.time - *trace_start_).count());
      if (options_.speed > 0 && due > elapsed * options_.speed) break;
      if (!Queue(*next_)) return false;
      next_.reset();
    }
    SendAll();
    const auto now = *trace_start_ + std::chrono::seconds(int64_t(elapsed * options_.speed));
    const auto day = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
    if (options_.speed > 0 && day != last_day_) {
      last_day_ = day;
      fmt::print("  {:%Y-%m-%d %H:%M} replayed {} events\n", now, counts_.read);
      std::fflush(stdout);
    }
    return failure_.empty();
  }

  bool Queue(const sim::TraceRecord& r) {
    // Whoever reported it: staff for Uzbekiston Pochtasi, else that operator.
    const std::optional<std::string> key = r.reported_by == core::kUzbekistanPost
                                               ? keys_.KeyFor(services::Role::kStaff)
                                               : keys_.KeyFor(services::Role::kOperator, r.reported_by);
    if (!key) {
      failure_ = fmt::format("trace line {}: no key in --keys may report {} for {}", reader_.line(),
                             core::Name(r.event.code), r.item.ToString());
      return false;
    }
    Stream& stream = StreamFor(*key);
    services::ToProto(r.item, storage::StoredEvent{r.event, r.reported_by}, stream.pending.add_events());
    ++counts_.read;
    if (stream.pending.events_size() >= 1000) return Send(stream);
    return true;
  }

  Stream& StreamFor(const std::string& key) {
    auto [it, inserted] = streams_.try_emplace(key);
    if (inserted) {
      it->second.context = std::make_unique<grpc::ClientContext>();
      it->second.context->AddMetadata(services::kApiKeyHeader, key);
      it->second.writer = stub_->ReportEvents(it->second.context.get());
    }
    return it->second;
  }

  // Sends the stream's pending batch and waits for its durable acknowledgement.
  bool Send(Stream& stream) {
    if (stream.pending.events_size() == 0) return true;
    stream.pending.set_batch_id(next_batch_++);
    v1::ReportEventsResponse response;
    if (!stream.writer->Write(stream.pending) || !stream.writer->Read(&response)) {
      failure_ = "the server ended the stream";
      return false;
    }
    for (const v1::EventResult& result : response.results()) {
      counts_.accepted += result.outcome() == v1::ACCEPTED;
      counts_.duplicates += result.outcome() == v1::DUPLICATE;
      if (result.outcome() == v1::REJECTED && counts_.rejected++ == 0) counts_.first_rejection = result.reason();
    }
    stream.pending.Clear();
    return true;
  }

  void SendAll() {
    for (auto& [key, stream] : streams_) {
      if (!Send(stream)) return;
    }
  }

  const ReplayOptions& options_;
  const services::KeyRing& keys_;
  sim::TraceReader& reader_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
  std::map<std::string, Stream> streams_;
  std::optional<sim::TraceRecord> next_;
  std::optional<core::Timestamp> trace_start_;
  std::chrono::steady_clock::time_point wall_start_;
  int64_t last_day_ = -1;
  uint64_t next_batch_ = 0;
  Counts counts_;
  std::string failure_;
};

}  // namespace

CLI::App* AddReplayCommand(CLI::App& app, ReplayOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "replay", "Feed an event trace (from pochta simulate --trace) into a store, or live into a running server");
  cmd->add_option("trace", options.trace, "Trace file: CSV, or JSON lines when it ends in .jsonl")->required();
  cmd->add_option("--db", options.db, "Write into this tracking store");
  cmd->add_option("--target", options.target, "Or stream into the server at this address");
  cmd->add_option("--keys", options.keys,
                  "With --target: API keys; staff for Uzbekiston Pochtasi's events, operators for theirs");
  cmd->add_option("--operators", options.operators_file, "With --target: the operators file the keys name")
      ->capture_default_str();
  cmd->add_option(
         "--speed", options.speed,
         "With --target: simulated seconds per wall-clock second (3600: an hour a second; 0: as fast as possible)")
      ->capture_default_str();
  cmd->footer("Exactly one of --db and --target.");
  return cmd;
}

int RunReplay(const ReplayOptions& options) {
  if (options.db.empty() == options.target.empty()) {
    fmt::print(stderr, "pochta replay: give exactly one of --db and --target\n");
    return kExitUsage;
  }
  absl::StatusOr<sim::TraceReader> reader = sim::TraceReader::Open(options.trace);
  if (!reader.ok()) {
    fmt::print(stderr, "pochta replay: {}\n", std::string(reader.status().message()));
    return kExitBadInput;
  }
  if (!options.db.empty()) return IntoStore(options, *reader);
  if (options.keys.empty() || options.speed < 0) {
    fmt::print(stderr, "pochta replay: --target needs --keys, and --speed must not be negative\n");
    return kExitUsage;
  }
  absl::StatusOr<core::Operators> operators = core::Operators::Load(options.operators_file);
  if (!operators.ok()) {
    fmt::print(stderr, "pochta replay: {}\n", std::string(operators.status().message()));
    return kExitBadInput;
  }
  absl::StatusOr<services::KeyRing> keys = services::KeyRing::Load(options.keys, *operators);
  if (!keys.ok()) {
    fmt::print(stderr, "pochta replay: {}\n", std::string(keys.status().message()));
    return kExitBadInput;
  }
  return LiveReplay(options, *keys, *reader).Run();
}

}  // namespace pochta::cli
