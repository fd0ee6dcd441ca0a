// Event traces: a simulation's tracking events as a file, to replay later
// into a store or, paced, into a running server.
//
// CSV (any other extension): a header line, then one event per line:
//   item_id,code,occurred_at,office,measure,reported_by,reason
//   LP000000015CN,EMA,2025-01-01T00:03:12Z,CN518000,none,CN,none
// JSON lines (.jsonl): one object per line with the same names:
//   {"item_id":"LP000000015CN","code":"EMA","occurred_at":"2025-01-01T00:03:12Z",
//    "office":"CN518000","measure":"none","reported_by":"CN","reason":"none"}
// occurred_at is UTC, ISO 8601, whole seconds, years 2000 to 2200; measure is none, redeliver,
// hold-for-collection or return-to-sender; reported_by is the reporting
// operator's country (UZ, CN, TR...); reason is a core::EventReason name
// (none, addressee-absent, unclaimed...). Traces written before reasons
// existed (no reason column or key) are read with reason none.
// Lines come in the order the simulation emitted them, which is nearly, not
// exactly, time order.
//
// Thread-safety: one reader or writer per thread.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/files.h"
#include "sim/postal/event_sink.h"

namespace pochta::sim {

enum class TraceFormat { kCsv, kJsonLines };
TraceFormat TraceFormatFor(const std::string& path);  // .jsonl: JSON lines; otherwise CSV

struct TraceRecord {
  core::ItemId item;
  core::TrackingEvent event;
  core::Operator reported_by = core::kUzbekistanPost;
};

// An EventSink that writes a trace file (pre-advice of items and
// dispatches is not part of a trace).
class TraceWriter final : public EventSink {
 public:
  static absl::StatusOr<std::unique_ptr<TraceWriter>> Create(const std::string& path);
  void PreAdvice(const core::Item&) override {}
  void Declare(const Dispatch&) override {}
  void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator reported_by,
             core::Timestamp reported_at) override;
  // Puts the whole trace under its name; an error (a full disk) names the
  // file, and then no trace is left under the name.
  absl::Status Close();

 private:
  TraceWriter(std::unique_ptr<core::OutputFile> out, TraceFormat format) : out_(std::move(out)), format_(format) {}
  std::unique_ptr<core::OutputFile> out_;
  TraceFormat format_;
};

// Parses one line of a trace (no header); `source` and `line` name it in
// errors. Nothing for an empty line.
absl::StatusOr<std::optional<TraceRecord>> ParseTraceLine(std::string_view text, TraceFormat format,
                                                          std::string_view source, int line);

class TraceReader {
 public:
  static absl::StatusOr<TraceReader> Open(const std::string& path);
  // The next record; nothing at the end. InvalidArgument naming the line and
  // the field for a malformed line.
  absl::StatusOr<std::optional<TraceRecord>> Next();
  int line() const { return line_; }

 private:
  TraceReader(std::unique_ptr<std::ifstream> in, TraceFormat format, std::string source)
      : in_(std::move(in)), format_(format), source_(std::move(source)) {}
  std::unique_ptr<std::ifstream> in_;
  TraceFormat format_;
  std::string source_;
  int line_ = 0;
};

}  // namespace pochta::sim
