#include "storage/tracking_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/escaping.h"
#include "core/dispatch_id.h"
#include "core/hash.h"
#include "fmt/format.h"
#include "rocksdb/db.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/statistics.h"
#include "rocksdb/write_batch.h"
#include "storage/internal/codec.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"
#include "storage/internal/options.h"
#include "storage/internal/rules.h"
#include "storage/internal/state_update.h"

namespace pochta::storage {

using internal::Family;
using internal::FromRocks;

namespace {

constexpr size_t kMaxPageSize = 1000;
constexpr size_t kMaxReportedProblems = 100;
constexpr char kTokenVersion = 1;

std::string Country(core::ItemId id) {
  const auto c = id.country();
  return std::string(c.data(), 2);
}

// A 64-bit FNV-1a hash of a query's selection, so a page token only resumes
// the query it came from.
uint64_t QueryHash(const WorkListQuery& q) {
  std::string text =
      fmt::format("{}|{}|{}|{}|{}|{}|{}", int(q.kind), q.facility, q.status ? int(*q.status) : -1,
                  q.not_after ? q.not_after->time_since_epoch().count() : -1, q.dispatch_id, q.country, q.day);
  if (q.unscanned_only) text += "|unscanned";
  return core::Fnv1a(text);
}

}  // namespace

std::string_view Name(Durability durability) {
  switch (durability) {
    case Durability::kSync: return "sync";
    case Durability::kGroup: return "group";
    case Durability::kBuffered: return "buffered";
  }
  return "?";
}

std::optional<Durability> ParseDurability(std::string_view name) {
  for (Durability d : {Durability::kSync, Durability::kGroup, Durability::kBuffered}) {
    if (Name(d) == name) return d;
  }
  return std::nullopt;
}

std::string_view Name(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kAccepted: return "accepted";
    case WriteOutcome::kDuplicate: return "duplicate";
    case WriteOutcome::kUpdated: return "updated";
    case WriteOutcome::kRejected: return "rejected";
  }
  return "?";
}

TrackingStore::TrackingStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrackingStore::~TrackingStore() = default;

absl::StatusOr<std::unique_ptr<TrackingStore>> TrackingStore::Open(const std::string& path,
                                                                   const StoreOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  if (absl::Status s = impl->Open(path); !s.ok()) return s;
  return std::unique_ptr<TrackingStore>(new TrackingStore(std::move(impl)));
}

absl::StatusOr<std::vector<Outcome>> TrackingStore::PutItems(std::span<const core::Item> items) {
  Impl& d = *impl_;
  std::vector<Outcome> outcomes(items.size());
  struct Pending {
    core::Item item;                   // the newest pre-advice of this call
    std::optional<core::Item> stored;  // what the store had before the call
    std::optional<ItemState> before;
  };
  std::map<uint64_t, Pending> pending;  // by item key: one state write per item
  std::unique_lock lock(d.write_mu);
  for (size_t i = 0; i < items.size(); ++i) {
    const core::Item& item = items[i];
    if (absl::StatusOr<std::optional<std::string>> key = internal::DispatchIndexKeyOf(item); !key.ok()) {
      outcomes[i] = {WriteOutcome::kRejected, std::string(key.status().message())};
      continue;
    }
    auto it = pending.find(item.id.Pack());
    if (it == pending.end()) {
      Pending entry{item, std::nullopt, std::nullopt};
      const std::string key = internal::ItemKey(item.id);
      std::string value;
      const rocksdb::Status s = d.db->Get({}, d.cf[internal::kItems], key, &value);
      if (s.ok()) {
        absl::StatusOr<core::Item> decoded = internal::DecodeItem(item.id, value, key);
        if (!decoded.ok()) return decoded.status();
        entry.stored = *std::move(decoded);
      } else if (!s.IsNotFound()) {
        return FromRocks(s, "cannot read item");
      }
      absl::StatusOr<std::optional<ItemState>> before = d.ReadState(item.id);
      if (!before.ok()) return before.status();
      entry.before = *std::move(before);
      const bool same = entry.stored && *entry.stored == item;
      outcomes[i].outcome =
          same ? WriteOutcome::kDuplicate : (entry.stored ? WriteOutcome::kUpdated : WriteOutcome::kAccepted);
      if (!same) pending.emplace(item.id.Pack(), std::move(entry));
      continue;
    }
    if (it->second.item == item) {
      outcomes[i].outcome = WriteOutcome::kDuplicate;
      continue;
    }
    outcomes[i].outcome = WriteOutcome::kUpdated;
    it->second.item = item;
  }

  rocksdb::WriteBatch batch;
  Impl::StatusDelta delta{};
  for (auto& [packed, entry] : pending) {
    ItemState after = entry.before.value_or(internal::EmptyState(entry.item.id));
    internal::AddPreAdvice(after, entry.item);
    internal::PredictRoute(after, d.options.route_predictor);
    batch.Put(d.cf[internal::kItems], internal::ItemKey(entry.item.id), internal::EncodeItem(entry.item));
    internal::PutStateRecords(batch, d.cf, entry.before, after);
    Impl::CountChange(delta, entry.before, after);
    const std::optional<std::string> old_key =
        entry.stored ? *internal::DispatchIndexKeyOf(*entry.stored) : std::nullopt;
    const std::optional<std::string> new_key = *internal::DispatchIndexKeyOf(entry.item);
    if (old_key && old_key != new_key) batch.Delete(d.cf[internal::kIdxDispatch], *old_key);
    if (new_key) batch.Put(d.cf[internal::kIdxDispatch], *new_key, "");
  }
  if (batch.Count() == 0) return outcomes;
  if (absl::Status s = d.Commit(batch, lock, delta); !s.ok()) return s;
  return outcomes;
}

absl::StatusOr<std::vector<Outcome>> TrackingStore::AppendEvents(std::span<const ReportedEvent> events) {
  Impl& d = *impl_;
  const core::Timestamp now = d.options.clock->Now();
  std::vector<Outcome> outcomes(events.size());

  // Events of one item are applied together, in the order given.
  std::vector<uint32_t> order;
  order.reserve(events.size());
  for (uint32_t i = 0; i < events.size(); ++i) {
    if (absl::Status s = internal::CheckEvent(events[i]); !s.ok()) {
      outcomes[i] = {WriteOutcome::kRejected, std::string(s.message())};
      continue;
    }
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return events[a].item.Pack() < events[b].item.Pack(); });
  std::vector<core::ItemId> ids;
  for (uint32_t i : order) {
    if (ids.empty() || ids.back() != events[i].item) ids.push_back(events[i].item);
  }

  std::unique_lock lock(d.write_mu);
  absl::StatusOr<std::vector<std::optional<ItemState>>> states = d.ReadStates(ids, /*sorted=*/true);
  if (!states.ok()) return states.status();

  rocksdb::WriteBatch batch;
  Impl::StatusDelta delta{};
  uint64_t cursor = 0;  // the next feed entry's, once there is one
  // The current item's new event keys, with the event stored under each.
  std::vector<std::pair<std::string, uint32_t>> item_keys;
  std::string stored_value;
  size_t next = 0;
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::optional<ItemState>& before = (*states)[k];
    ItemState after = before.value_or(internal::EmptyState(ids[k]));
    item_keys.clear();
    for (; next < order.size() && events[order[next]].item == ids[k]; ++next) {
      const ReportedEvent& e = events[order[next]];
      std::string key = internal::EventKey(e.item, e.event);
      const auto same = std::find_if(item_keys.begin(), item_keys.end(), [&](const auto& k) { return k.first == key; });
      if (same != item_keys.end()) {
        // Identical events in one call: the rule picks which is stored.
        if (internal::StoredRatherThan(e, events[same->second], now)) same->second = order[next];
        outcomes[order[next]].outcome = WriteOutcome::kDuplicate;
        continue;
      }
      // Only an event no later than the item's latest can already be stored.
      bool duplicate = false;
      if (before && before->latest && e.event.time <= before->latest->time) {
        const rocksdb::Status s = d.db->Get({}, d.cf[internal::kEvents], key, &stored_value);
        if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "cannot read event");
        duplicate = s.ok();
      }
      if (duplicate) {
        outcomes[order[next]].outcome = WriteOutcome::kDuplicate;
        continue;
      }
      internal::AddEvent(after, e.event);
      item_keys.emplace_back(std::move(key), order[next]);
    }
    if (item_keys.empty()) continue;
    // Into the feed by item, then in key order.
    std::sort(item_keys.begin(), item_keys.end());
    for (const auto& [key, i] : item_keys) {
      const std::string value = internal::EncodeEvent(events[i], events[i].received_at.value_or(now));
      batch.Put(d.cf[internal::kEvents], key, value);
      d.PutFeedEntry(batch, cursor, key, value);
    }
    internal::PredictRoute(after, d.options.route_predictor);
    internal::PutStateRecords(batch, d.cf, before, after);
    Impl::CountChange(delta, before, after);
  }
  if (batch.Count() == 0) return outcomes;
  if (absl::Status s = d.Commit(batch, lock, delta, cursor); !s.ok()) return s;
  return outcomes;
}

absl::Status TrackingStore::DeclareDispatch(const DispatchDeclaration& dispatch) {
  absl::StatusOr<std::vector<std::string>> keys = internal::DispatchIndexKeysOf(dispatch);
  if (!keys.ok()) return keys.status();
  Impl& d = *impl_;
  rocksdb::WriteBatch batch;
  const std::string& prefix = dispatch.dispatch_id;
  std::unique_lock lock(d.write_mu);
  // A re-declaration replaces the earlier item lists.
  batch.DeleteRange(d.cf[internal::kIdxDispatch], prefix, internal::PrefixEnd(prefix));
  for (const std::string& key : *keys) batch.Put(d.cf[internal::kIdxDispatch], key, "");
  batch.Put(d.cf[internal::kDispatches], prefix, internal::EncodeDispatch(dispatch, d.options.clock->Now()));
  return d.Commit(batch, lock);
}

absl::StatusOr<core::Item> TrackingStore::GetItem(core::ItemId id) const {
  const std::string key = internal::ItemKey(id);
  std::string value;
  const rocksdb::Status s = impl_->db->Get({}, impl_->cf[internal::kItems], key, &value);
  if (s.IsNotFound()) return absl::NotFoundError(fmt::format("no pre-advice for item {}", id.ToString()));
  if (!s.ok()) return FromRocks(s, "cannot read item");
  return internal::DecodeItem(id, value, key);
}

absl::StatusOr<ItemState> TrackingStore::GetState(core::ItemId id) const {
  absl::StatusOr<std::optional<ItemState>> state = impl_->ReadState(id);
  if (!state.ok()) return state.status();
  if (!*state) return absl::NotFoundError(fmt::format("item {} is not known", id.ToString()));
  return **std::move(state);
}

absl::StatusOr<std::vector<std::optional<ItemState>>> TrackingStore::GetStates(
    std::span<const core::ItemId> ids) const {
  return impl_->ReadStates(ids);
}

absl::StatusOr<std::vector<StoredEvent>> TrackingStore::ListEvents(core::ItemId id) const {
  const std::string prefix = internal::ItemKey(id);
  const std::string end = internal::PrefixEnd(prefix);
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper(end);
  read.iterate_upper_bound = &upper;
  read.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf[internal::kEvents]));
  std::vector<StoredEvent> history;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const std::optional<core::TrackingEvent> event = internal::DecodeEventKey(key);
    if (!event) return absl::DataLossError(fmt::format("event {}: malformed key", internal::Hex(key)));
    absl::StatusOr<StoredEvent> stored = internal::DecodeEvent(*event, it->value().ToStringView(), key);
    if (!stored.ok()) return stored.status();
    history.push_back(*std::move(stored));
  }
  if (absl::Status s = FromRocks(it->status(), "cannot read events"); !s.ok()) return s;
  // Key order is canonical order but for events of the same second whose
  // codes' numbers and places in the mail flow disagree.
  const auto canonical = [](const StoredEvent& a, const StoredEvent& b) {
    return core::CanonicalLess(a.event, b.event);
  };
  if (!std::is_sorted(history.begin(), history.end(), canonical)) {
    std::stable_sort(history.begin(), history.end(), canonical);
  }
  return history;
}

absl::StatusOr<WorkListPage> TrackingStore::ListItems(const WorkListQuery& q) const {
  if (q.page_size == 0 || q.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(fmt::format("page_size {} must be 1 to {}", q.page_size, kMaxPageSize));
  }
  Family family = internal::kIdxFacility;
  std::string prefix;
  switch (q.kind) {
    case WorkListQuery::Kind::kFacility:
      if (q.facility.size() > internal::kMaxOfficeSize) {
        return absl::InvalidArgumentError(fmt::format("facility \"{}\" is too long", q.facility));
      }
      family = internal::kIdxFacility;
      prefix = internal::FacilityPrefix(q.facility, q.status);
      break;
    case WorkListQuery::Kind::kDispatch:
      if (absl::StatusOr<core::DispatchId> id = core::DispatchId::Parse(q.dispatch_id); !id.ok()) return id.status();
      family = internal::kIdxDispatch;
      prefix = q.dispatch_id;
      break;
    case WorkListQuery::Kind::kCountryDay:
      if (q.country.size() != 2) {
        return absl::InvalidArgumentError(fmt::format("country \"{}\" is not a two-letter code", q.country));
      }
      family = internal::kIdxCountry;
      prefix = internal::CountryDayPrefix(q.country, q.day);
      break;
  }

  // The token is the last key returned, bound to the query it came from.
  std::string after;
  const uint64_t hash = QueryHash(q);
  if (!q.page_token.empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(q.page_token, &raw) || raw.size() < 9 || raw[0] != kTokenVersion ||
        internal::ReadBigEndian(std::string_view(raw).substr(1), 8) != hash) {
      return absl::InvalidArgumentError("page_token is not a token of this query");
    }
    after = raw.substr(9);
  }

  const std::string end = internal::PrefixEnd(prefix);
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper(end);
  if (!end.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf[family]));
  it->Seek(after.empty() ? prefix : after);
  if (!after.empty() && it->Valid() && it->key().ToStringView() == after) it->Next();

  // With a cut-off time, entries past it are skipped: keys run by status,
  // then time, so the rest of that status is skipped at once.
  const bool older_than = q.kind == WorkListQuery::Kind::kFacility && q.not_after.has_value();
  const size_t status_at = internal::FacilityPrefix(q.facility, std::nullopt).size();
  const auto skip_too_recent = [&]() -> absl::Status {
    while (older_than && it->Valid()) {
      const std::string_view key = it->key().ToStringView();
      if (key.size() < status_at + 9)
        return absl::DataLossError(fmt::format("index {}: malformed", internal::Hex(key)));
      if (internal::DecodeTime(internal::ReadBigEndian(key.substr(status_at + 1), 8)) <= *q.not_after) break;
      it->Seek(internal::PrefixEnd(std::string(key.substr(0, status_at + 1))));
    }
    return absl::OkStatus();
  };

  const bool unscanned_only = q.kind == WorkListQuery::Kind::kDispatch && q.unscanned_only;
  const auto wanted = [&](core::ItemId id) -> absl::StatusOr<bool> {
    if (!unscanned_only) return true;
    absl::StatusOr<ItemState> state = GetState(id);
    if (absl::IsNotFound(state.status())) return true;  // pre-advised in the dispatch, nothing else known
    if (!state.ok()) return state.status();
    return !state->latest || core::Info(state->latest->code).side != core::EventSide::kDestination;
  };

  WorkListPage page;
  std::string last;
  if (absl::Status s = skip_too_recent(); !s.ok()) return s;
  while (it->Valid() && page.items.size() < q.page_size) {
    const std::string_view key = it->key().ToStringView();
    const std::optional<core::ItemId> id = internal::ItemFromTail(key);
    if (!id) return absl::DataLossError(fmt::format("index {}: not an item key", internal::Hex(key)));
    absl::StatusOr<bool> keep = wanted(*id);
    if (!keep.ok()) return keep.status();
    if (*keep) page.items.push_back(*id);
    last.assign(key);
    it->Next();
    if (absl::Status s = skip_too_recent(); !s.ok()) return s;
  }
  if (absl::Status s = FromRocks(it->status(), "cannot read index"); !s.ok()) return s;
  if (it->Valid()) {
    std::string raw(1, kTokenVersion);
    internal::AppendBigEndian(&raw, hash, 8);
    raw += last;
    page.next_page_token = absl::WebSafeBase64Escape(raw);
  }
  return page;
}

StoreMetrics TrackingStore::Metrics() const {
  const Impl& d = *impl_;
  StoreMetrics m{d.batches_written.load(std::memory_order_relaxed), d.bytes_written.load(std::memory_order_relaxed)};
  d.db->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &m.memtable_bytes);
  d.db->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &m.block_cache_bytes);
  d.db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateTableReadersMem, &m.table_reader_bytes);
  d.db->GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes, &m.running_flushes);
  d.db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &m.running_compactions);
  const rocksdb::Statistics& stats = *d.db->GetDBOptions().statistics;
  m.write_stall_micros = stats.getTickerCount(rocksdb::STALL_MICROS);
  m.block_cache_hits = stats.getTickerCount(rocksdb::BLOCK_CACHE_HIT);
  m.block_cache_misses = stats.getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  uint64_t stopped = 0;
  d.db->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &stopped);
  m.writes_stopped = stopped != 0;
  d.db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                 &m.pending_compaction_bytes);
  for (rocksdb::ColumnFamilyHandle* family : d.cf) {
    if (!family) continue;
    std::string files;  // a string property, unlike the others
    if (d.db->GetProperty(family, rocksdb::DB::Properties::kNumFilesAtLevelPrefix + "0", &files)) {
      m.level0_files += std::strtoull(files.c_str(), nullptr, 10);
    }
  }
  if (d.status_counted.load(std::memory_order_acquire)) {
    for (const std::atomic<int64_t>& count : d.status_counts) {
      m.items_by_status.push_back(uint64_t(std::max<int64_t>(0, count.load(std::memory_order_relaxed))));
    }
  }
  return m;
}

absl::StatusOr<VerifyReport> TrackingStore::Verify() const {
  const Impl& d = *impl_;
  VerifyReport report;
  const auto problem = [&report](std::string text) {
    if (report.problems.size() < kMaxReportedProblems) report.problems.push_back(std::move(text));
    ++report.problem_count;
  };
  const rocksdb::Snapshot* snapshot = d.db->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> states(d.db->NewIterator(read, d.cf[internal::kState]));
  std::unique_ptr<rocksdb::Iterator> events(d.db->NewIterator(read, d.cf[internal::kEvents]));
  std::unique_ptr<rocksdb::Iterator> items(d.db->NewIterator(read, d.cf[internal::kItems]));
  events->SeekToFirst();
  items->SeekToFirst();
  const auto index_has = [&](Family family, const std::string& key) {
    std::string ignored;
    return d.db->Get(read, d.cf[family], key, &ignored).ok();
  };

  // The three families are keyed by item first: walk them side by side.
  for (states->SeekToFirst(); states->Valid(); states->Next()) {
    const std::string state_key(states->key().ToStringView());
    ++report.items;
    const std::optional<core::ItemId> id = internal::ItemFromHead(state_key);
    if (!id || state_key.size() != internal::kItemKeySize) {
      problem(fmt::format("state {}: not an S10 item key", internal::Hex(state_key)));
      continue;
    }
    ItemState recomputed = internal::EmptyState(*id);
    for (; events->Valid() && events->key().ToStringView() < state_key; events->Next()) {
      problem(fmt::format("event {}: no state for its item", internal::Hex(events->key().ToStringView())));
    }
    for (; events->Valid() && events->key().starts_with(state_key); events->Next()) {
      ++report.events;
      const std::string_view key = events->key().ToStringView();
      const std::optional<core::TrackingEvent> event = internal::DecodeEventKey(key);
      if (!event) {
        problem(fmt::format("event {}: malformed key", internal::Hex(key)));
        continue;
      }
      absl::StatusOr<StoredEvent> e = internal::DecodeEvent(*event, events->value().ToStringView(), key);
      if (!e.ok()) problem(std::string(e.status().message()));
      internal::AddEvent(recomputed, e.ok() ? e->event : *event);
    }
    for (; items->Valid() && items->key().ToStringView() < state_key; items->Next()) {
      problem(fmt::format("item {}: pre-advice without state", internal::Hex(items->key().ToStringView())));
    }
    if (items->Valid() && items->key().ToStringView() == state_key) {
      absl::StatusOr<core::Item> item = internal::DecodeItem(*id, items->value().ToStringView(), state_key);
      if (item.ok()) {
        internal::AddPreAdvice(recomputed, *item);
      } else {
        problem(std::string(item.status().message()));
      }
      items->Next();
    }
    absl::StatusOr<ItemState> stored = internal::DecodeState(*id, states->value().ToStringView(), state_key);
    if (!stored.ok()) {
      problem(std::string(stored.status().message()));
      continue;
    }
    if (!internal::SameDerivedState(*stored, recomputed)) {
      problem(
          fmt::format("state {} ({}): stored status {} with {} events differs from its history: status {} with {} "
                      "events",
                      internal::Hex(state_key), id->ToString(), core::Name(stored->status), stored->event_count,
                      core::Name(recomputed.status), recomputed.event_count));
    }
    if (!index_has(internal::kIdxFacility, internal::FacilityIndexKey(*stored))) {
      problem(fmt::format("state {} ({}): missing from the facility index", internal::Hex(state_key), id->ToString()));
    }
    if (!index_has(internal::kIdxCountry, internal::CountryIndexKey(*stored))) {
      problem(fmt::format("state {} ({}): missing from the country index", internal::Hex(state_key), id->ToString()));
    }
  }
  for (; events->Valid(); events->Next()) {
    problem(fmt::format("event {}: no state for its item", internal::Hex(events->key().ToStringView())));
  }
  for (; items->Valid(); items->Next()) {
    problem(fmt::format("item {}: pre-advice without state", internal::Hex(items->key().ToStringView())));
  }

  // Every index entry must be the one its item's state asks for.
  for (Family family : {internal::kIdxFacility, internal::kIdxCountry}) {
    std::unique_ptr<rocksdb::Iterator> index(d.db->NewIterator(read, d.cf[family]));
    for (index->SeekToFirst(); index->Valid(); index->Next()) {
      const std::string key(index->key().ToStringView());
      const std::optional<core::ItemId> id = internal::ItemFromTail(key);
      std::string value;
      const rocksdb::Status s =
          id ? d.db->Get(read, d.cf[internal::kState], internal::ItemKey(*id), &value) : rocksdb::Status::NotFound();
      if (!s.ok() && !s.IsNotFound()) {
        problem(fmt::format("{} {}: {}", internal::FamilyName(family), internal::Hex(key), s.ToString()));
        continue;
      }
      if (s.ok()) {
        absl::StatusOr<ItemState> state = internal::DecodeState(*id, value, internal::ItemKey(*id));
        if (!state.ok()) continue;  // reported with the state above
        const std::string expected =
            family == internal::kIdxFacility ? internal::FacilityIndexKey(*state) : internal::CountryIndexKey(*state);
        if (expected == key) continue;
      }
      problem(fmt::format("{} {}: stale entry", internal::FamilyName(family), internal::Hex(key)));
    }
  }
  // Every feed entry must name a stored event, as stored.
  if (d.cf[internal::kFeed]) {
    std::unique_ptr<rocksdb::Iterator> feed(d.db->NewIterator(read, d.cf[internal::kFeed]));
    for (feed->SeekToFirst(); feed->Valid(); feed->Next()) {
      const std::string_view key = feed->key().ToStringView();
      const std::optional<internal::FeedRecord> record = internal::SplitFeedValue(feed->value().ToStringView());
      std::string stored;
      const rocksdb::Status s = record ? d.db->Get(read, d.cf[internal::kEvents], record->event_key, &stored)
                                       : rocksdb::Status::Corruption("malformed");
      if (!s.ok() || stored != record->event_value) {
        problem(fmt::format("feed {}: {}", internal::Hex(key),
                            s.ok() ? "differs from its event" : s.IsNotFound() ? "names no stored event" : s.ToString()));
      }
    }
    if (!feed->status().ok()) problem(fmt::format("read error: {}", feed->status().ToString()));
  }
  for (rocksdb::Iterator* it : {states.get(), events.get(), items.get()}) {
    if (!it->status().ok()) problem(fmt::format("read error: {}", it->status().ToString()));
  }
  d.db->ReleaseSnapshot(snapshot);
  return report;
}

absl::Status TrackingStore::ForEachInFlow(
    const std::function<bool(const ItemState& state, const core::Item* item)>& visit) const {
  const Impl& d = *impl_;
  rocksdb::ManagedSnapshot snapshot(d.db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> states(d.db->NewIterator(read, d.cf[internal::kState]));
  std::unique_ptr<rocksdb::Iterator> items(d.db->NewIterator(read, d.cf[internal::kItems]));
  items->SeekToFirst();
  // Both families are keyed by item: walk them side by side.
  for (states->SeekToFirst(); states->Valid(); states->Next()) {
    const std::string_view key = states->key().ToStringView();
    const std::optional<core::ItemId> id = internal::ItemFromHead(key);
    if (!id) return absl::DataLossError(fmt::format("state {}: not an S10 item key", internal::Hex(key)));
    absl::StatusOr<ItemState> state = internal::DecodeState(*id, states->value().ToStringView(), key);
    if (!state.ok()) return state.status();
    if (state->status == core::ItemStatus::kDelivered || state->status == core::ItemStatus::kReturned) continue;
    while (items->Valid() && items->key().ToStringView() < key) items->Next();
    std::optional<core::Item> item;
    if (state->has_preadvice && items->Valid() && items->key().ToStringView() == key) {
      absl::StatusOr<core::Item> decoded = internal::DecodeItem(*id, items->value().ToStringView(), key);
      if (!decoded.ok()) return decoded.status();
      item = *std::move(decoded);
    }
    if (!visit(*state, item ? &*item : nullptr)) return absl::OkStatus();
  }
  if (absl::Status s = FromRocks(states->status(), "cannot read states"); !s.ok()) return s;
  return FromRocks(items->status(), "cannot read pre-advice");
}

absl::StatusOr<StoreStats> TrackingStore::Stats() const {
  const Impl& d = *impl_;
  StoreStats stats;
  std::map<std::string, uint64_t> by_status, by_country, by_facility;
  std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator({}, d.cf[internal::kState]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const std::optional<core::ItemId> id = internal::ItemFromHead(key);
    if (!id) return absl::DataLossError(fmt::format("state {}: not an S10 item key", internal::Hex(key)));
    absl::StatusOr<ItemState> state = internal::DecodeState(*id, it->value().ToStringView(), key);
    if (!state.ok()) return state.status();
    ++stats.items;
    ++by_status[std::string(core::Name(state->status))];
    ++by_country[Country(*id)];
    ++by_facility[state->facility.empty() ? "(not scanned yet)" : state->facility];
  }
  if (absl::Status s = FromRocks(it->status(), "cannot read states"); !s.ok()) return s;
  rocksdb::ReadOptions keys_only;
  keys_only.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> events(d.db->NewIterator(keys_only, d.cf[internal::kEvents]));
  for (events->SeekToFirst(); events->Valid(); events->Next()) ++stats.events;
  if (absl::Status s = FromRocks(events->status(), "cannot read events"); !s.ok()) return s;
  stats.by_status.assign(by_status.begin(), by_status.end());
  stats.by_country.assign(by_country.begin(), by_country.end());
  stats.by_facility.assign(by_facility.begin(), by_facility.end());
  std::stable_sort(stats.by_facility.begin(), stats.by_facility.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return stats;
}

}  // namespace pochta::storage
