// TrackingStore::BulkLoad: sorted table files for an empty store.
#include <algorithm>
#include <filesystem>
#include <numeric>
#include <tuple>

#include "core/dispatch_id.h"
#include "fmt/format.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/internal/codec.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"
#include "storage/internal/state_update.h"

namespace pochta::storage {
namespace {

core::Timestamp Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

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

}  // namespace

absl::Status TrackingStore::BulkLoad(const std::vector<core::Item>& items, std::vector<ReportedEvent>& events) {
  Impl& d = *impl_;
  std::unique_lock lock(d.write_mu);
  {
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator({}, d.cf[internal::kState]));
    it->SeekToFirst();
    if (it->Valid()) return absl::FailedPreconditionError("bulk load needs a store without items");
  }
  const core::Timestamp received_at = Now();
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& office = events[i].event.office;
    if (office.empty() || office.size() > internal::kMaxOfficeSize) {
      return absl::InvalidArgumentError(
          fmt::format("bulk load: event {} of item {}: office \"{}\" must have 1 to {} "
                      "characters",
                      i, events[i].item.ToString(), office, internal::kMaxOfficeSize));
    }
  }
  // Events in key order (item, time, code, measure, office), compared as
  // numbers before strings; duplicates once.
  const auto key_less = [](const ReportedEvent& a, const ReportedEvent& b) {
    const core::TrackingEvent& x = a.event;
    const core::TrackingEvent& y = b.event;
    return std::tie(a.item, x.time, x.code, x.measure, x.office) <
           std::tie(b.item, y.time, y.code, y.measure, y.office);
  };
  std::sort(events.begin(), events.end(), key_less);
  events.erase(std::unique(events.begin(), events.end(),
                           [](const ReportedEvent& a, const ReportedEvent& b) {
                             return a.item == b.item && a.event == b.event;
                           }),
               events.end());
  // Items through an index, by id; of the same id, the last given wins.
  std::vector<uint32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return items[a].id < items[b].id; });
  std::vector<uint32_t> unique_items;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && items[order[k]].id == items[order[k + 1]].id) continue;
    unique_items.push_back(order[k]);
  }

  const std::string dir = fmt::format("{}/bulk-load-{}", d.db->GetName(), received_at.time_since_epoch().count());
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  std::vector<std::unique_ptr<TableFile>> files(internal::kFamilyCount);
  for (internal::Family f : {internal::kItems, internal::kEvents, internal::kState, internal::kIdxFacility,
                             internal::kIdxCountry, internal::kIdxDispatch}) {
    rocksdb::ColumnFamilyDescriptor descriptor;
    d.cf[f]->GetDescriptor(&descriptor).PermitUncheckedError();
    files[f] = std::make_unique<TableFile>(fmt::format("{}/{}.sst", dir, internal::FamilyName(f)),
                                           rocksdb::Options(d.db->GetDBOptions(), descriptor.options));
    if (absl::Status s = files[f]->Open(); !s.ok()) return s;
  }

  // One pass over items and events in item order: events and items as they
  // come, each state once its item is complete; index entries are sorted
  // afterwards, as their keys run in another order.
  std::vector<std::string> facility_keys, country_keys, dispatch_keys;
  size_t e = 0, n = 0;
  while (e < events.size() || n < unique_items.size()) {
    const uint64_t next_event = e < events.size() ? events[e].item.Pack() : UINT64_MAX;
    const uint64_t next_item = n < unique_items.size() ? items[unique_items[n]].id.Pack() : UINT64_MAX;
    const core::ItemId id = *core::ItemId::Unpack(std::min(next_event, next_item));
    ItemState state = internal::EmptyState(id);
    for (; e < events.size() && events[e].item == id; ++e) {
      const ReportedEvent& event = events[e];
      if (absl::Status s = files[internal::kEvents]->Put(internal::EventKey(id, event.event),
                                                         internal::EncodeEvent(event, received_at));
          !s.ok()) {
        return s;
      }
      internal::AddEvent(state, event.event);
    }
    const std::string item_key = internal::ItemKey(id);
    if (n < unique_items.size() && items[unique_items[n]].id == id) {
      const core::Item& item = items[unique_items[n]];
      if (absl::Status s = files[internal::kItems]->Put(item_key, internal::EncodeItem(item)); !s.ok()) return s;
      internal::AddPreAdvice(state, item);
      if (!item.dispatch_id.empty() && item.receptacle_id.size() == core::ReceptacleId::kTextLength) {
        if (absl::StatusOr<core::ReceptacleId> r = core::ReceptacleId::Parse(item.receptacle_id); r.ok()) {
          dispatch_keys.push_back(internal::DispatchKey(item.dispatch_id, uint16_t(r->number()), id));
        }
      }
      ++n;
    }
    internal::PredictRoute(state, d.options.route_predictor);
    if (absl::Status s = files[internal::kState]->Put(item_key, internal::EncodeState(state)); !s.ok()) return s;
    facility_keys.push_back(internal::FacilityIndexKey(state));
    country_keys.push_back(internal::CountryIndexKey(state));
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
  if (args.empty()) return absl::OkStatus();
  const rocksdb::Status s = d.db->IngestExternalFiles(args);
  if (!s.ok()) return absl::InternalError(fmt::format("bulk load: ingesting the table files: {}", s.ToString()));
  d.batches_written.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

}  // namespace pochta::storage
