// Fuzzes the trace-line parser, in both formats: a line it accepts, written
// back, parses to the same record.
#include "sim/trace.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (pochta::sim::TraceFormat format : {pochta::sim::TraceFormat::kCsv, pochta::sim::TraceFormat::kJsonLines}) {
    absl::StatusOr<std::optional<pochta::sim::TraceRecord>> record =
        pochta::sim::ParseTraceLine(text, format, "fuzz", 1);
    if (!record.ok() || !*record) continue;
    // Round trip through a trace file of the same format.
    const std::string path = "/tmp/pochta-fuzz-trace-" + std::to_string(getpid()) +
                             (format == pochta::sim::TraceFormat::kCsv ? ".csv" : ".jsonl");
    {
      std::unique_ptr<pochta::sim::TraceWriter> w = *pochta::sim::TraceWriter::Create(path);
      w->Event((*record)->item, (*record)->event, (*record)->reported_by, (*record)->event.time);
      if (!w->Close().ok()) std::abort();
    }
    absl::StatusOr<pochta::sim::TraceReader> reader = pochta::sim::TraceReader::Open(path);
    if (!reader.ok()) std::abort();
    absl::StatusOr<std::optional<pochta::sim::TraceRecord>> again = reader->Next();
    std::remove(path.c_str());
    if (!again.ok() || !*again || (*again)->item != (*record)->item || (*again)->event != (*record)->event ||
        (*again)->reported_by != (*record)->reported_by) {
      std::abort();
    }
  }
  return 0;
}
