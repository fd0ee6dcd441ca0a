// TrackingStore::BulkLoad: sorted table files for an empty store.
#include <algorithm>
#include <filesystem>

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

absl::Status TrackingStore::BulkLoad(std::vector<core::Item> items, std::vector<ReportedEvent> events) {
  Impl& d = *impl_;
  std::unique_lock lock(d.write_mu);
  {
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator({}, d.cf[internal::kState]));
    it->SeekToFirst();
    if (it->Valid()) return absl::FailedPreconditionError("bulk load needs a store without items");
  }
  const core::Timestamp received_at = Now();

  // Events in key order, duplicates once; items by key, the last given wins.
  std::vector<std::pair<std::string, uint32_t>> event_keys;
  event_keys.reserve(events.size());
  for (uint32_t i = 0; i < events.size(); ++i) {
    const std::string& office = events[i].event.office;
    if (office.empty() || office.size() > internal::kMaxOfficeSize) {
      return absl::InvalidArgumentError(fmt::format("bulk load: event {} of item {}: office \"{}\" must have 1 to {} "
                                                    "characters",
                                                    i, events[i].item.ToString(), office, internal::kMaxOfficeSize));
    }
    event_keys.emplace_back(internal::EventKey(events[i].item, events[i].event), i);
  }
  std::sort(event_keys.begin(), event_keys.end());
  event_keys.erase(std::unique(event_keys.begin(), event_keys.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   event_keys.end());
  std::stable_sort(items.begin(), items.end(), [](const core::Item& a, const core::Item& b) { return a.id < b.id; });
  for (size_t i = 0; i + 1 < items.size();) {
    if (items[i].id == items[i + 1].id) {
      items.erase(items.begin() + std::ptrdiff_t(i));
    } else {
      ++i;
    }
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
  while (e < event_keys.size() || n < items.size()) {
    const uint64_t next_event = e < event_keys.size() ? events[event_keys[e].second].item.Pack() : UINT64_MAX;
    const uint64_t next_item = n < items.size() ? items[n].id.Pack() : UINT64_MAX;
    const core::ItemId id = *core::ItemId::Unpack(std::min(next_event, next_item));
    ItemState state = internal::EmptyState(id);
    for (; e < event_keys.size() && events[event_keys[e].second].item == id; ++e) {
      const ReportedEvent& event = events[event_keys[e].second];
      if (absl::Status s = files[internal::kEvents]->Put(event_keys[e].first, internal::EncodeEvent(event, received_at));
          !s.ok()) {
        return s;
      }
      internal::AddEvent(state, event.event);
    }
    const std::string item_key = internal::ItemKey(id);
    if (n < items.size() && items[n].id == id) {
      if (absl::Status s = files[internal::kItems]->Put(item_key, internal::EncodeItem(items[n])); !s.ok()) return s;
      internal::AddPreAdvice(state, items[n]);
      if (!items[n].dispatch_id.empty() && items[n].receptacle_id.size() == core::ReceptacleId::kTextLength) {
        if (absl::StatusOr<core::ReceptacleId> r = core::ReceptacleId::Parse(items[n].receptacle_id); r.ok()) {
          dispatch_keys.push_back(internal::DispatchKey(items[n].dispatch_id, uint16_t(r->number()), id));
        }
      }
      ++n;
    }
    internal::PredictRoute(state, d.options.route_predictor);
    if (absl::Status s = files[internal::kState]->Put(item_key, internal::EncodeState(state)); !s.ok()) return s;
    facility_keys.push_back(internal::FacilityIndexKey(state));
    country_keys.push_back(internal::CountryIndexKey(state));
  }
  for (auto [family, keys] : {std::pair{internal::kIdxFacility, &facility_keys},
                              std::pair{internal::kIdxCountry, &country_keys},
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
