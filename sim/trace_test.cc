#include "sim/trace.h"

#include <unistd.h>

#include <fstream>

#include "gtest/gtest.h"

namespace pochta::sim {
namespace {

std::string TempPath(const std::string& name) { return ::testing::TempDir() + std::to_string(getpid()) + "-" + name; }

TEST(TraceTest, WritesAndReadsBackBothFormats) {
  const core::ItemId id = *core::ItemId::Parse("RR473124829CN");
  const core::TrackingEvent posted{core::EventCode::kEMA, core::Timestamp(std::chrono::seconds(1'735'689'625)),
                                   "CN518000"};
  const core::TrackingEvent failed{core::EventCode::kEMH, core::Timestamp(std::chrono::seconds(1'736'000'000)),
                                   "140105", core::NonDeliveryMeasure::kReturnToSender,
                                   core::EventReason::kUnclaimed};
  for (const char* name : {"t.csv", "t.jsonl"}) {
    const std::string path = TempPath(name);
    {
      std::unique_ptr<TraceWriter> w = *TraceWriter::Create(path);
      w->Event(id, posted, core::Operator("CN"), posted.time);
      w->Event(id, failed, core::kUzbekistanPost, failed.time);
      ASSERT_TRUE(w->Close().ok());
    }
    TraceReader r = *TraceReader::Open(path);
    const std::optional<TraceRecord> first = *r.Next();
    const std::optional<TraceRecord> second = *r.Next();
    ASSERT_TRUE(first && second) << name;
    EXPECT_EQ(first->item, id);
    EXPECT_EQ(first->event, posted);
    EXPECT_EQ(first->reported_by, core::Operator("CN"));
    EXPECT_EQ(second->event, failed);
    EXPECT_FALSE(r.Next()->has_value());
  }
}

// Traces written before events carried reasons read with reason none.
TEST(TraceTest, ReadsTracesWithoutTheReasonColumn) {
  const std::string path = TempPath("old.csv");
  std::ofstream(path) << "item_id,code,occurred_at,office,measure,reported_by\n"
                         "RR473124829CN,EMH,2025-01-01T00:00:00Z,140105,redeliver,UZ\n";
  TraceReader r = *TraceReader::Open(path);
  const std::optional<TraceRecord> record = *r.Next();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->event.measure, core::NonDeliveryMeasure::kRedeliver);
  EXPECT_EQ(record->event.reason, core::EventReason::kNone);
}

struct BadLine {
  const char* name;
  const char* file;
  const char* text;
  const char* expected;
};

class BadTraceTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(BadTraceTest, NamesTheLineAndField) {
  const std::string path = TempPath(GetParam().file);
  std::ofstream(path) << GetParam().text;
  absl::StatusOr<TraceReader> r = TraceReader::Open(path);
  absl::Status status = r.status();
  while (status.ok()) {
    absl::StatusOr<std::optional<TraceRecord>> next = r->Next();
    status = next.status();
    if (status.ok() && !*next) break;
  }
  ASSERT_FALSE(status.ok()) << "accepted";
  EXPECT_NE(std::string(status.message()).find(GetParam().expected), std::string::npos) << status.message();
}

constexpr const char* kHeader = "item_id,code,occurred_at,office,measure,reported_by\n";
INSTANTIATE_TEST_SUITE_P(
    EveryKindOfMistake, BadTraceTest,
    ::testing::Values(
        BadLine{"Header", "a.csv", "id,code\n", "a.csv:1: the header must be"},
        BadLine{"FieldCount", "b.csv", "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMA\n",
                "b.csv:2: expected seven comma-separated fields (six without the reason)"},
        BadLine{
            "CheckDigit", "c.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124820CN,EMA,2025-01-01T00:00:00Z,CN1,none,CN\n",
            "c.csv:2: item_id \"RR473124820CN\": check digit"},
        BadLine{
            "Code", "d.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMZ,2025-01-01T00:00:00Z,CN1,none,CN\n",
            "d.csv:2: code \"EMZ\""},
        BadLine{
            "Time", "e.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMA,2025-02-30T00:00:00Z,CN1,none,CN\n",
            "e.csv:2: occurred_at \"2025-02-30T00:00:00Z\""},
        BadLine{
            "Operator", "f.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMA,2025-01-01T00:00:00Z,CN1,none,XX\n",
            "f.csv:2: reported_by \"XX\""},
        BadLine{
            "FarFuture", "i.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMA,6606-01-01T00:00:00Z,CN1,none,CN\n",
            "i.csv:2: occurred_at \"6606-01-01T00:00:00Z\": is not a UTC time from 2000 to 2200"},
        BadLine{
            "Office", "j.csv",
            "item_id,code,occurred_at,office,measure,reported_by\nRR473124829CN,EMA,2025-01-01T00:00:00Z,cn1,none,CN\n",
            "j.csv:2: office \"cn1\": must be 2-16 capital letters, digits or '-'"},
        // A JSON string may hold a line break, which no CSV trace could carry
        // (found by fuzz_trace).
        BadLine{"OfficeLineBreak", "k.jsonl",
                "{\"item_id\":\"RR473124829CN\",\"code\":\"EMA\",\"occurred_at\":\"2025-01-01T00:00:00Z\","
                "\"office\":\"CN1\\nX\",\"measure\":\"none\",\"reported_by\":\"CN\"}\n",
                "k.jsonl:1: office \"CN1\nX\""},
        BadLine{"Reason", "l.csv",
                "item_id,code,occurred_at,office,measure,reported_by,reason\n"
                "RR473124829CN,EMH,2025-01-01T00:00:00Z,140105,redeliver,UZ,away\n",
                "l.csv:2: reason \"away\": is not a reason code"},
        BadLine{"ReasonOfAnotherEvent", "m.csv",
                "item_id,code,occurred_at,office,measure,reported_by,reason\n"
                "RR473124829CN,EMI,2025-01-01T00:00:00Z,140105,none,UZ,refused\n",
                "m.csv:2: reason \"refused\": is not a reason for EMI"},
        BadLine{"Json", "g.jsonl", "{\"item_id\": 5}\n", "g.jsonl:1: \"item_id\" is missing or not a string"},
        BadLine{"NotJson", "h.jsonl", "item_id,code\n", "h.jsonl:1: not a JSON object"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pochta::sim
