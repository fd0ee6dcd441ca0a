// TrackingStore::BulkLoad: sorted table files for an empty store.
#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <thread>
#include <tuple>

#include "core/dispatch_id.h"
#include "fmt/format.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/internal/codec.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"
#include "storage/internal/rules.h"
#include "storage/internal/state_update.h"

namespace pochta::storage {
namespace {

// Writes one column family's sorted records into one table file.
class TableFile {
 public:
  TableFile(const std::string& path, const rocksdb::Options& options) : path_(path), writer_({}, options) {}
  absl::Status Open() { return Check(writer_.Open(path_)); }
  absl::Status Put(std::string_view key, std::string_view value) {
    ++records_;
    return Check(writer_.Put(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size())));
  }
  // Nothing to ingest when no record was written.
  absl::StatusOr<bool> Finish() {
    if (records_ == 0) return false;
    if (absl::Status s = Check(writer_.Finish()); !s.ok()) return s;
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  absl::Status Check(const rocksdb::Status& s) const {
    if (s.ok()) return absl::OkStatus();
    return absl::InternalError(fmt::format("bulk load: table file {}: {}", path_, s.ToString()));
  }
  std::string path_;
  rocksdb::SstFileWriter writer_;
  uint64_t records_ = 0;
};

// Keeps the elements of `records` whose flag in `keep` is set, in order.
template <typename T>
void KeepFlagged(std::vector<T>& records, const std::vector<bool>& keep) {
  size_t out = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (keep[i]) {
      if (out != i) records[out] = std::move(records[i]);
      ++out;
    }
  }
  records.erase(records.begin() + std::ptrdiff_t(out), records.end());
}

}  // namespace

absl::StatusOr<BulkLoadReport> TrackingStore::BulkLoad(BulkRecords& records) {
  Impl& d = *impl_;
  std::unique_lock lock(d.write_mu);
  if (!d.write_error.ok()) return d.write_error;
  {
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator({}, d.cf[internal::kState]));
    it->SeekToFirst();
    if (it->Valid()) return absl::FailedPreconditionError("bulk load needs a store without items");
  }
  const core::Timestamp now = d.options.clock->Now();
  BulkLoadReport report;
  std::vector<ReportedEvent>& events = records.events;
  const std::vector<core::Item>& items = records.items;

  // The rules of the ordinary calls, record by record.
  std::vector<std::optional<std::string>> item_dispatch_key(items.size());
  std::vector<uint32_t> order;  // valid items, through an index, by id; of the same id, the last given wins
  for (uint32_t i = 0; i < items.size(); ++i) {
    absl::StatusOr<std::optional<std::string>> key = internal::DispatchIndexKeyOf(items[i]);
    if (!key.ok()) {
      ++report.items.rejected;
      report.rejected_items.push_back({i, std::string(key.status().message())});
      continue;
    }
    item_dispatch_key[i] = *std::move(key);
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return items[a].id < items[b].id; });
  std::vector<uint32_t> unique_items;
  for (size_t k = 0; k < order.size(); ++k) {
    const bool first = k == 0 || items[order[k - 1]].id != items[order[k]].id;
    if (first) {
      ++report.items.accepted;
    } else if (items[order[k - 1]] == items[order[k]]) {
      ++report.items.duplicates;
    } else {
      ++report.items.updated;
    }
    if (k + 1 < order.size() && items[order[k]].id == items[order[k + 1]].id) continue;
    unique_items.push_back(order[k]);
  }

  // Declarations: the last of each dispatch replaces its pre-advice entries.
  std::map<std::string, std::pair<const DispatchDeclaration*, std::vector<std::string>>> declared;
  for (size_t i = 0; i < records.dispatches.size(); ++i) {
    const DispatchDeclaration& dispatch = records.dispatches[i];
    absl::StatusOr<std::vector<std::string>> keys = internal::DispatchIndexKeysOf(dispatch);
    if (!keys.ok()) {
      ++report.dispatches.rejected;
      report.rejected_dispatches.push_back({i, std::string(keys.status().message())});
      continue;
    }
    ++report.dispatches.accepted;
    declared[dispatch.dispatch_id] = {&dispatch, *std::move(keys)};
  }

  std::vector<bool> valid(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const absl::Status s = internal::CheckEvent(events[i]);
    valid[i] = s.ok();
    if (!s.ok()) {
      ++report.events.rejected;
      report.rejected_events.push_back({i, std::string(s.message())});
    }
  }
  if (report.events.rejected > 0) KeepFlagged(events, valid);
  // Events in key order (item, time, code, measure, office), compared as
  // numbers before strings; of identical ones, the one to store first.
  const auto key_less = [now](const ReportedEvent& a, const ReportedEvent& b) {
    const core::TrackingEvent& x = a.event;
    const core::TrackingEvent& y = b.event;
    if (std::tie(a.item, x.time, x.code, x.measure, x.office) !=
        std::tie(b.item, y.time, y.code, y.measure, y.office)) {
      return std::tie(a.item, x.time, x.code, x.measure, x.office) <
             std::tie(b.item, y.time, y.code, y.measure, y.office);
    }
    return internal::StoredRatherThan(a, b, now);
  };
  {  // two halves sorted at once, then merged
    const auto middle = events.begin() + std::ptrdiff_t(events.size() / 2);
    std::jthread half([&] { std::sort(events.begin(), middle, key_less); });
    std::sort(middle, events.end(), key_less);
    half.join();
    std::inplace_merge(events.begin(), middle, events.end(), key_less);
  }
  const size_t given = events.size();
  events.erase(std::unique(events.begin(), events.end(),
                           [](const ReportedEvent& a, const ReportedEvent& b) {
                             return a.item == b.item && a.event == b.event;
                           }),
               events.end());
  report.events.duplicates = given - events.size();
  report.events.accepted = events.size();

  // A fresh directory for the table files; one bulk load at a time holds
  // the writer lock.
  const std::string dir = d.db->GetName() + "/bulk-load";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  std::vector<std::unique_ptr<TableFile>> files(internal::kFamilyCount);
  for (internal::Family f : {internal::kItems, internal::kEvents, internal::kState, internal::kDispatches,
                             internal::kIdxFacility, internal::kIdxCountry, internal::kIdxDispatch}) {
    rocksdb::ColumnFamilyDescriptor descriptor;
    d.cf[f]->GetDescriptor(&descriptor).PermitUncheckedError();
    files[f] = std::make_unique<TableFile>(fmt::format("{}/{}.sst", dir, internal::FamilyName(f)),
                                           rocksdb::Options(d.db->GetDBOptions(), descriptor.options));
    if (absl::Status s = files[f]->Open(); !s.ok()) return s;
  }

  // The events' table file is written on a second thread while this one
  // folds the states: both read `events`, neither changes it.
  absl::Status events_written;
  std::jthread events_writer([&] {
    for (const ReportedEvent& event : events) {
      events_written = files[internal::kEvents]->Put(internal::EventKey(event.item, event.event),
                                                     internal::EncodeEvent(event, event.received_at.value_or(now)));
      if (!events_written.ok()) return;
    }
  });
  // One pass over items and events in item order: items as they come, each
  // state once its item is complete; index entries are sorted afterwards, as
  // their keys run in another order.
  std::vector<std::string> facility_keys, country_keys, dispatch_keys;
  Impl::StatusDelta delta{};
  size_t e = 0, n = 0;
  while (e < events.size() || n < unique_items.size()) {
    const uint64_t next_event = e < events.size() ? events[e].item.Pack() : UINT64_MAX;
    const uint64_t next_item = n < unique_items.size() ? items[unique_items[n]].id.Pack() : UINT64_MAX;
    const core::ItemId id = *core::ItemId::Unpack(std::min(next_event, next_item));
    ItemState state = internal::EmptyState(id);
    for (; e < events.size() && events[e].item == id; ++e) internal::AddEvent(state, events[e].event);
    const std::string item_key = internal::ItemKey(id);
    if (n < unique_items.size() && items[unique_items[n]].id == id) {
      const uint32_t i = unique_items[n];
      if (absl::Status s = files[internal::kItems]->Put(item_key, internal::EncodeItem(items[i])); !s.ok()) return s;
      internal::AddPreAdvice(state, items[i]);
      if (item_dispatch_key[i] && !declared.contains(items[i].dispatch_id)) {
        dispatch_keys.push_back(*item_dispatch_key[i]);
      }
      ++n;
    }
    internal::PredictRoute(state, d.options.route_predictor);
    if (absl::Status s = files[internal::kState]->Put(item_key, internal::EncodeState(state)); !s.ok()) return s;
    Impl::CountChange(delta, std::nullopt, state);
    facility_keys.push_back(internal::FacilityIndexKey(state));
    country_keys.push_back(internal::CountryIndexKey(state));
  }
  for (const auto& [dispatch_id, declaration] : declared) {
    if (absl::Status s =
            files[internal::kDispatches]->Put(dispatch_id, internal::EncodeDispatch(*declaration.first, now));
        !s.ok()) {
      return s;
    }
    dispatch_keys.insert(dispatch_keys.end(), declaration.second.begin(), declaration.second.end());
  }
  for (auto [family, keys] :
       {std::pair{internal::kIdxFacility, &facility_keys}, std::pair{internal::kIdxCountry, &country_keys},
        std::pair{internal::kIdxDispatch, &dispatch_keys}}) {
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    for (const std::string& key : *keys) {
      if (absl::Status s = files[family]->Put(key, ""); !s.ok()) return s;
    }
  }

  events_writer.join();
  if (!events_written.ok()) return events_written;

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t f = 0; f < files.size(); ++f) {
    if (!files[f]) continue;
    absl::StatusOr<bool> written = files[f]->Finish();
    if (!written.ok()) return written.status();
    if (!*written) continue;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = d.cf[f];
    arg.external_files = {files[f]->path()};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  if (args.empty()) return report;
  const rocksdb::Status s = d.db->IngestExternalFiles(args);
  if (!s.ok()) return absl::InternalError(fmt::format("bulk load: ingesting the table files: {}", s.ToString()));
  d.batches_written.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < delta.size(); ++i) d.status_counts[i].fetch_add(delta[i], std::memory_order_relaxed);
  return report;
}

}  // namespace pochta::storage
