// TrackingStore: the durable tracking state of every item, in an embedded
// RocksDB database. The gRPC services and the simulator both write through
// it, so it is the single source of truth an operator queries.
//
// What it keeps:
//  * items: the pre-advice of each item (core::Item);
//  * events: every tracking event, forever, as the item's history;
//  * state: what is derived from an item's events and pre-advice (status,
//    latest event, current facility, next facility, expected delivery);
//  * dispatches: which items travel in which receptacle of which dispatch;
//  * work-list indexes: items at a facility in a status (oldest first),
//    items of a dispatch, items of an issuing country by posting day;
//  * the feed: every event stored, in the order it was stored, under a
//    cursor (1, 2, 3...), for subscribers that resume where they stopped.
//
// The contract:
//  * Idempotent: an event is identified by (item, time, code, measure,
//    office); storing it again changes nothing and is reported kDuplicate.
//  * Order-independent: the state depends only on the set of events and the
//    pre-advice, never on the order they arrived in (see core/tracking.h).
//  * Atomic: one call (a batch of events or of items) is one RocksDB write
//    batch, with the derived state and indexes it changes: all or nothing.
//  * Durable: a call returns once its batch is as durable as
//    StoreOptions::durability promises (see Durability).
//
// Thread-safety: all methods may be called concurrently. Writes are applied
// one batch at a time; reads never block writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/item.h"
#include "core/operators.h"
#include "core/tracking.h"
#include "storage/backup.h"

namespace pochta::storage {

// When a write call returns, relative to the disk.
enum class Durability {
  // Every batch is fsynced before the call returns: survives a power cut.
  kSync,
  // Batches are written at once and fsynced together at most
  // group_commit_delay later; the call returns after that fsync. Survives a
  // power cut, with fewer fsyncs under concurrent writers.
  kGroup,
  // The batch is in the operating system's buffers when the call returns:
  // survives the process being killed, not a power cut or kernel crash.
  // For simulations, where the run can be repeated.
  kBuffered,
};

std::string_view Name(Durability durability);  // "sync", "group", "buffered"
std::optional<Durability> ParseDurability(std::string_view name);

// Given where an item is, where it goes next and when it should arrive.
// Implementations must be thread-safe; the store calls Predict on writes.
class RoutePredictor {
 public:
  struct Prediction {
    std::string next_facility;  // empty when the item is at its delivery office
    core::Timestamp expected_delivery;
  };
  virtual ~RoutePredictor() = default;
  // Nothing when the facility or postcode is unknown or no route exists.
  virtual std::optional<Prediction> Predict(const std::string& facility, const std::string& destination_postcode,
                                            core::Timestamp at) const = 0;
};

// Told of every fsync of the write-ahead log that acknowledges writes
// (Durability kSync and kGroup): how many write batches it made durable and
// how long it took. Called on the thread that synced; must be thread-safe
// and quick.
class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  virtual void OnSync(uint64_t batches, std::chrono::nanoseconds took) = 0;
};

// Told each time the feed's newest readable cursor moves on (see
// TrackingStore::Feed). Called on the writer's thread, possibly from several
// at once; must be thread-safe and quick.
class FeedObserver {
 public:
  virtual ~FeedObserver() = default;
  virtual void OnFeed(uint64_t newest) = 0;
};

struct StoreOptions {
  // Default: kGroup.
  Durability durability = Durability::kGroup;
  // Longest wait before a group fsync under kGroup. Default: 2 ms.
  std::chrono::microseconds group_commit_delay{2000};
  // Shared block cache for all column families, holding their index and
  // filter blocks too. Default: 256 MiB.
  size_t block_cache_bytes = 256u << 20;
  // Memtables of all column families together; a family is flushed when
  // they reach it. With the block cache, this bounds the store's memory.
  // Default: 256 MiB.
  size_t write_buffer_bytes = 256u << 20;
  // Create the database when the directory holds none. Default: true.
  bool create_if_missing = true;
  // Open for reading only: nothing in the directory is written (no log, no
  // manifest, no recovery flush), the store may be held by a running server
  // at the same time (it then shows the data as of the open), and every
  // write call fails with FailedPrecondition. For inspection (pochta store
  // verify, stats, dump). Default: false.
  bool read_only = false;
  // Fills next facility and expected delivery in the state; may be null.
  // REQUIRES: outlives the store. Default: null.
  const RoutePredictor* route_predictor = nullptr;
  // The time the store stamps on what it receives (events without a
  // received_at of their own, dispatch declarations). A simulation passes a
  // core::ManualClock. REQUIRES: outlives the store. Default: the real clock.
  const core::Clock* clock = &core::Clock::Real();
  // Told of each acknowledging fsync; may be null. REQUIRES: outlives the
  // store. Default: null.
  SyncObserver* sync_observer = nullptr;
  // Told when new feed entries may be read; may be null. REQUIRES: outlives
  // the store. Default: null.
  FeedObserver* feed_observer = nullptr;
  // Keep a count of items by status (StoreMetrics::items_by_status): the
  // states are counted once, on a background thread, as of the open, and
  // every write adjusts the count. For a long-running server. Default: false.
  bool count_by_status = false;
};

// A tracking event as reported by an operator.
struct ReportedEvent {
  core::ItemId item;
  core::TrackingEvent event;
  core::Operator reported_by = core::kUzbekistanPost;
  std::string reason;  // free text, e.g. a non-delivery reason; not part of the identity
  // When the store received it; empty: the store's clock at the write. A
  // simulation sets the simulated time of the report. Not part of the identity.
  std::optional<core::Timestamp> received_at;

  friend bool operator==(const ReportedEvent&, const ReportedEvent&) = default;
};

enum class WriteOutcome : uint8_t {
  kAccepted,   // new, stored
  kDuplicate,  // already stored; nothing changed
  kUpdated,    // pre-advice that replaced a different earlier one
  kRejected,   // not stored; see the reason
};

std::string_view Name(WriteOutcome outcome);

struct Outcome {
  WriteOutcome outcome = WriteOutcome::kAccepted;
  std::string reason;  // for kRejected
};

// The derived state of one item.
struct ItemState {
  core::ItemId id;
  core::ItemStatus status = core::ItemStatus::kInfoReceived;
  std::optional<core::TrackingEvent> latest;  // in canonical order
  uint32_t event_count = 0;
  std::string facility;                        // where the latest event happened; empty before the first scan
  core::Timestamp since{};                     // time of the latest event, or posting time when there is none
  std::optional<core::Timestamp> first_event;  // the earliest event
  bool has_preadvice = false;
  core::Timestamp posted_at{};  // from the pre-advice
  std::string destination_postcode;
  std::string next_facility;  // from the RoutePredictor, when one is set
  std::optional<core::Timestamp> expected_delivery;
  int32_t posting_day = 0;  // days since 1970-01-01: pre-advice posting time, else the earliest event

  friend bool operator==(const ItemState&, const ItemState&) = default;
};

struct StoredEvent {
  core::TrackingEvent event;
  core::Operator reported_by = core::kUzbekistanPost;
  std::string reason;
  core::Timestamp received_at{};
};

// A dispatch (PREDES): its receptacles and the items in each.
struct DispatchDeclaration {
  std::string dispatch_id;  // S8, 20 characters
  struct Receptacle {
    std::string receptacle_id;  // S9, 29 characters, of this dispatch
    std::vector<core::ItemId> items;
  };
  std::vector<Receptacle> receptacles;
};

// An event of the feed, under its cursor.
struct FeedEntry {
  uint64_t cursor = 0;
  core::ItemId item;
  StoredEvent event;
};

// What the feed holds now: cursors after `trimmed` up to `newest`.
struct FeedBounds {
  uint64_t trimmed = 0;  // every cursor up to this one is trimmed (0: none)
  uint64_t newest = 0;   // the newest entry readers may see (0: none yet)
};

// Records known all at once (a simulation's output), for BulkLoad.
struct BulkRecords {
  std::vector<core::Item> items;
  std::vector<DispatchDeclaration> dispatches;
  std::vector<ReportedEvent> events;
};

// What BulkLoad did with the records, as the ordinary calls would report it.
struct BulkLoadReport {
  struct Counts {
    uint64_t accepted = 0;
    uint64_t duplicates = 0;
    uint64_t updated = 0;  // pre-advice replaced by a later one of the same item
    uint64_t rejected = 0;
  };
  struct Rejection {
    size_t index;  // in the BulkRecords vector, as given
    std::string reason;
  };
  Counts items, dispatches, events;
  std::vector<Rejection> rejected_items, rejected_dispatches, rejected_events;
};

// One work-list question; exactly one of the three selections.
struct WorkListQuery {
  enum class Kind : uint8_t { kFacility, kDispatch, kCountryDay };
  Kind kind = Kind::kFacility;
  // kFacility: items whose latest event happened at `facility` (empty: items
  // not scanned yet), optionally only in `status`, optionally only those
  // whose latest event is at or before `not_after` ("older than N hours").
  // Oldest first.
  std::string facility;
  std::optional<core::ItemStatus> status;
  std::optional<core::Timestamp> not_after;
  // kDispatch: the items of this S8 dispatch, by receptacle; with
  // `unscanned_only`, only those Uzbekiston Pochtasi has not scanned yet (no
  // event of the destination side: a receptacle still missing).
  std::string dispatch_id;
  bool unscanned_only = false;
  // kCountryDay: items whose S10 country is `country`, posted on `day`
  // (days since 1970-01-01, UTC).
  std::string country;
  int32_t day = 0;

  size_t page_size = 100;  // 1..1000
  std::string page_token;  // from the previous page; empty for the first
};

struct WorkListPage {
  std::vector<core::ItemId> items;
  std::string next_page_token;  // empty on the last page
};

// What Verify found. Problems name the record's key in hex.
struct VerifyReport {
  uint64_t items = 0;
  uint64_t events = 0;
  std::vector<std::string> problems;  // the first 100
  uint64_t problem_count = 0;
};

struct StoreStats {
  uint64_t items = 0;
  uint64_t events = 0;
  std::vector<std::pair<std::string, uint64_t>> by_status;    // status name -> items
  std::vector<std::pair<std::string, uint64_t>> by_country;   // S10 country -> items
  std::vector<std::pair<std::string, uint64_t>> by_facility;  // facility -> items, most first
};

// Counters since the store was opened.
struct StoreMetrics {
  uint64_t batches_written = 0;  // write batches committed
  uint64_t bytes_written = 0;    // their size: records, derived state and index entries
  // Memory now. The first two are bounded by write_buffer_bytes and
  // block_cache_bytes; the third, held by open tables outside the cache,
  // stays small however large the store grows.
  uint64_t memtable_bytes = 0;     // memtables of all families, including those waiting to be flushed
  uint64_t block_cache_bytes = 0;  // data, index and filter blocks in the block cache
  uint64_t table_reader_bytes = 0;
  // Background work running now.
  uint64_t running_flushes = 0;
  uint64_t running_compactions = 0;
  // RocksDB's own health: time writes were slowed down or stopped, and
  // block-cache lookups, since the open; and now, whether writes are
  // stopped, the bytes compaction still has to rewrite and the level-0
  // files, all families together.
  uint64_t write_stall_micros = 0;
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
  bool writes_stopped = false;
  uint64_t pending_compaction_bytes = 0;
  uint64_t level0_files = 0;
  // Items by status, indexed by core::ItemStatus, with count_by_status once
  // the count at the open is done; empty until then, or without it.
  std::vector<uint64_t> items_by_status;
};

class TrackingStore {
 public:
  // Opens (or creates) the store in directory `path`.
  static absl::StatusOr<std::unique_ptr<TrackingStore>> Open(const std::string& path, const StoreOptions& options);
  ~TrackingStore();
  TrackingStore(const TrackingStore&) = delete;
  TrackingStore& operator=(const TrackingStore&) = delete;

  // Stores pre-advice. One outcome per item, in order: kAccepted, kDuplicate
  // (identical to what is stored) or kUpdated (a correction).
  absl::StatusOr<std::vector<Outcome>> PutItems(std::span<const core::Item> items);

  // Stores tracking events and updates the state of their items. One
  // outcome per event, in order. Events may name items without pre-advice.
  // Of identical events in one call, one is stored (see StoredRatherThan in
  // storage/internal/rules.h), the others are duplicates.
  absl::StatusOr<std::vector<Outcome>> AppendEvents(std::span<const ReportedEvent> events);

  // Fills an empty store with records known all at once (a simulation's
  // output): sorts them, folds every item's state once, writes sorted table
  // files per column family and ingests them in one atomic step, bypassing
  // the write-ahead log. The end state, and every record's outcome, is
  // exactly what PutItems(items), then DeclareDispatch of each dispatch in
  // order, then AppendEvents(events) would give: the same rules reject the
  // same records, the last pre-advice of an item wins, of identical events
  // the same one is stored; but the events are not in the feed, which
  // starts with the first event stored after (a bulk import bypasses the
  // change feed, as CockroachDB's IMPORT and TiKV's physical import do).
  // FailedPrecondition, with the records untouched, unless the store holds
  // no item; otherwise the events are sorted in place.
  absl::StatusOr<BulkLoadReport> BulkLoad(BulkRecords& records);

  // Records which items travel in which receptacle. A dispatch declared again
  // replaces the earlier declaration, and its items' entries from
  // pre-advice. InvalidArgument for a malformed id or a receptacle of another
  // dispatch.
  absl::Status DeclareDispatch(const DispatchDeclaration& dispatch);

  // NotFound when nothing is known about the item.
  absl::StatusOr<core::Item> GetItem(core::ItemId id) const;
  absl::StatusOr<ItemState> GetState(core::ItemId id) const;
  // One entry per id, in order; nothing for unknown items.
  absl::StatusOr<std::vector<std::optional<ItemState>>> GetStates(std::span<const core::ItemId> ids) const;
  // The item's history in canonical order (event time first). Empty when none.
  absl::StatusOr<std::vector<StoredEvent>> ListEvents(core::ItemId id) const;
  // InvalidArgument for a bad query or a page token of another query.
  absl::StatusOr<WorkListPage> ListItems(const WorkListQuery& query) const;

  // The feed. Each event AppendEvents stores takes the next cursor, in the
  // same write batch; the events of one call run by item,
  // then by time, so cursors follow the store's order. Cursors have no gaps.
  // Readers see an entry once its write is as durable as
  // StoreOptions::durability promises (under kGroup, after its fsync), so a
  // cursor handed out is never handed out again for another event. Events
  // stored by a build of format 1 are not in the feed.
  FeedBounds Feed() const;
  // Up to `limit` entries after cursor `after`, oldest first, from one
  // snapshot. OutOfRange when entries after `after` have been trimmed, or
  // when `after` is past the newest entry (a cursor of another store).
  absl::StatusOr<std::vector<FeedEntry>> ReadFeed(uint64_t after, size_t limit) const;
  // Deletes the oldest entries, those received before `before`, up to the
  // first one received later; records where the feed now starts. Returns
  // how many entries it deleted.
  absl::StatusOr<uint64_t> TrimFeed(core::Timestamp before);

  // Every item still in flow (neither delivered nor returned), in key
  // order, with its pre-advice when it has one (else null), from one
  // snapshot: what a forecast starts from. Writes go on meanwhile and are
  // not seen. `visit` returns false to stop early.
  absl::Status ForEachInFlow(const std::function<bool(const ItemState& state, const core::Item* item)>& visit) const;

  // Recomputes every item's state from its events and pre-advice and checks
  // it, and every index entry, against what is stored.
  absl::StatusOr<VerifyReport> Verify() const;
  absl::StatusOr<StoreStats> Stats() const;
  StoreMetrics Metrics() const;

  // Backs the store up into `dir` (storage/backup.h) while writes go on.
  // The memtables are flushed first, so the backup holds every write
  // acknowledged before the call. The new backup is verified, then all but
  // the newest `keep` are deleted (0: none is). FailedPrecondition for a
  // store opened for reading only.
  absl::StatusOr<BackupInfo> Backup(const std::string& dir, uint32_t keep = 0);

  // Every record, decoded, as one JSON object per line, handed to `line` in
  // key order, family by family (the order of the key-layout table in the
  // README), from one snapshot. Fields come in a fixed order, so the dumps
  // of two stores with the same records are the same bytes. With `item`,
  // only that item's records (and the dispatches that list it). A record
  // that does not decode gives a line with its hex key and an "error".
  absl::Status Dump(const std::function<void(std::string_view line)>& line,
                    std::optional<core::ItemId> item = std::nullopt) const;

 private:
  class Impl;
  explicit TrackingStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pochta::storage
