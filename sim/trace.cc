#include "sim/trace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/network.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace pochta::sim {
namespace {

constexpr const char* kHeader = "item_id,code,occurred_at,office,measure,reported_by,reason";
// Traces written before events carried coded reasons; still read.
constexpr const char* kHeaderWithoutReason = "item_id,code,occurred_at,office,measure,reported_by";

std::string Iso(core::Timestamp t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

std::optional<core::Timestamp> ParseIso(const std::string& text) {
  int y, mo, d, h, mi, s;
  char z = 0;
  if (text.size() != 20 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z' || h > 23 || mi > 59 || s > 59 || y < 2000 || y > 2200) {
    return std::nullopt;  // years outside 2000-2200 are no postal event (and overflow nanosecond clocks)
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!ymd.ok()) return std::nullopt;
  return core::Timestamp(std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(h) +
                         std::chrono::minutes(mi) + std::chrono::seconds(s));
}

}  // namespace

TraceFormat TraceFormatFor(const std::string& path) {
  return path.ends_with(".jsonl") ? TraceFormat::kJsonLines : TraceFormat::kCsv;
}

absl::StatusOr<std::unique_ptr<TraceWriter>> TraceWriter::Create(const std::string& path) {
  absl::StatusOr<std::unique_ptr<core::OutputFile>> out = core::OutputFile::Create(path);
  if (!out.ok()) return out.status();
  const TraceFormat format = TraceFormatFor(path);
  if (format == TraceFormat::kCsv) (*out)->Write(fmt::format("{}\n", kHeader));
  return std::unique_ptr<TraceWriter>(new TraceWriter(*std::move(out), format));
}

void TraceWriter::Event(core::ItemId item, const core::TrackingEvent& e, core::Operator by, core::Timestamp) {
  if (format_ == TraceFormat::kCsv) {
    out_->Write(fmt::format("{},{},{},{},{},{},{}\n", item.ToString(), core::Name(e.code), Iso(e.time), e.office,
                            core::Name(e.measure), core::Code(by), core::Name(e.reason)));
    return;
  }
  out_->Write(nlohmann::json{{"item_id", item.ToString()},
                             {"code", core::Name(e.code)},
                             {"occurred_at", Iso(e.time)},
                             {"office", e.office},
                             {"measure", core::Name(e.measure)},
                             {"reported_by", core::Code(by)},
                             {"reason", core::Name(e.reason)}}
                  .dump() +
              '\n');
}

absl::Status TraceWriter::Close() { return out_->Commit(); }

absl::StatusOr<TraceReader> TraceReader::Open(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path);
  if (!*in) return absl::NotFoundError(fmt::format("cannot open trace file {}", path));
  const size_t slash = path.find_last_of('/');
  TraceReader reader(std::move(in), TraceFormatFor(path), slash == std::string::npos ? path : path.substr(slash + 1));
  if (reader.format_ == TraceFormat::kCsv) {
    std::string header;
    std::getline(*reader.in_, header);
    reader.line_ = 1;
    if (!header.empty() && header.back() == '\r') header.pop_back();
    if (header != kHeader && header != kHeaderWithoutReason) {
      return absl::InvalidArgumentError(fmt::format("{}:1: the header must be \"{}\"", reader.source_, kHeader));
    }
  }
  return reader;
}

absl::StatusOr<std::optional<TraceRecord>> ParseTraceLine(std::string_view text, TraceFormat format,
                                                          std::string_view source, int line) {
  if (text.empty()) return std::optional<TraceRecord>();
  // The reason is last and optional (traces written before it existed).
  std::string fields[7] = {"", "", "", "", "", "", "none"};
  static constexpr const char* kNames[7] = {"item_id", "code",        "occurred_at", "office",
                                            "measure", "reported_by", "reason"};
  if (format == TraceFormat::kCsv) {
    const size_t count = size_t(std::count(text.begin(), text.end(), ',')) + 1;
    if (count != 6 && count != 7) {
      return absl::InvalidArgumentError(
          fmt::format("{}:{}: expected seven comma-separated fields (six without the reason)", source, line));
    }
    size_t start = 0;
    for (size_t f = 0; f < count; ++f) {
      const size_t comma = text.find(',', start);
      fields[f] = std::string(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      start = comma + 1;
    }
  } else {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return absl::InvalidArgumentError(fmt::format("{}:{}: not a JSON object", source, line));
    for (int f = 0; f < 7; ++f) {
      const auto it = j.find(kNames[f]);
      if (f == 6 && it == j.end()) break;
      if (it == j.end() || !it->is_string()) {
        return absl::InvalidArgumentError(
            fmt::format("{}:{}: \"{}\" is missing or not a string", source, line, kNames[f]));
      }
      fields[f] = it->get<std::string>();
    }
  }
  const auto bad = [&](int f, std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("{}:{}: {} \"{}\": {}", source, line, kNames[f], fields[f], why));
  };
  core::ItemIdError why = core::ItemIdError::kNone;
  const std::optional<core::ItemId> item = core::ItemId::TryParse(fields[0], &why);
  if (!item) return bad(0, core::Describe(why));
  const std::optional<core::EventCode> code = core::ParseEventCode(fields[1]);
  if (!code) return bad(1, "is not a UPU EMSEVT event code");
  const std::optional<core::Timestamp> time = ParseIso(fields[2]);
  if (!time) return bad(2, "is not a UTC time from 2000 to 2200 like 2025-01-01T09:30:00Z");
  if (!core::IsFacilityCode(fields[3])) return bad(3, "must be 2-16 capital letters, digits or '-'");
  const std::optional<core::NonDeliveryMeasure> measure = core::ParseNonDeliveryMeasure(fields[4]);
  if (!measure) return bad(4, "is not none, redeliver, hold-for-collection or return-to-sender");
  const std::optional<core::Operator> by = core::Operator::Parse(fields[5]);
  if (!by) return bad(5, "is not an operator's ISO 3166-1 country code");
  const std::optional<core::EventReason> reason = core::ParseEventReason(fields[6]);
  if (!reason) return bad(6, "is not a reason code like none, addressee-absent or unclaimed");
  if (!core::ReasonFits(*reason, *code)) return bad(6, fmt::format("is not a reason for {}", core::Name(*code)));
  return std::optional<TraceRecord>(
      TraceRecord{*item, core::TrackingEvent{*code, *time, fields[3], *measure, *reason}, *by});
}

absl::StatusOr<std::optional<TraceRecord>> TraceReader::Next() {
  std::string text;
  do {
    if (!std::getline(*in_, text)) return std::optional<TraceRecord>();
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
  } while (text.empty());
  return ParseTraceLine(text, format_, source_, line_);
}

}  // namespace pochta::sim
