// The state behind a TrackingStore, shared by the files that implement it
// (tracking_store.cc, bulk_load.cc). Not for use outside storage/.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "rocksdb/db.h"
#include "storage/internal/codec.h"
#include "storage/internal/keys.h"
#include "storage/internal/options.h"
#include "storage/internal/store_logger.h"
#include "storage/tracking_store.h"

namespace pochta::storage {
namespace internal {

// The store's own record in the default column family: the on-disk format
// version, a decimal number. Version 1: the layouts of keys.h, the codes of
// codes.h and the values of records.proto, as of pochta 0.1. Version 2 adds
// the feed family: a build of version 1 would store events without feed
// entries. A change that an older build would misread takes the next number;
// this build reads exactly the versions in kReadableFormats, writes
// kFormatVersion into new stores, and stamps a store of version 1 it opens
// for writing with version 2 (its feed starts empty: events stored before
// are not in it).
inline constexpr const char* kFormatKey = "pochta.schema";
inline constexpr int kFormatVersion = 2;
inline constexpr int kReadableFormats[] = {1, 2};
// Every feed cursor up to this one (decimal) has been trimmed.
inline constexpr const char* kFeedTrimmedKey = "pochta.feed_trimmed";

// The absl status for a RocksDB status, with `what` in front of its text.
inline absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = fmt::format("{}: {}", what, s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsIOError() && s.subcode() == rocksdb::Status::kNoSpace) return absl::ResourceExhaustedError(message);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

}  // namespace internal

class TrackingStore::Impl {
 public:
  // How a write changes the number of items in each status.
  using StatusDelta = std::array<int64_t, core::kItemStatusCount>;

  explicit Impl(const StoreOptions& options) : options(options) {}

  ~Impl() {
    if (counter.joinable()) {
      counter.request_stop();
      counter.join();
    }
    if (syncer.joinable()) {
      {
        std::lock_guard lock(sync_mu);
        stopping = true;
      }
      sync_cv.notify_all();
      syncer.join();
    }
    if (db) {
      // After a write error the log writer must not be touched again (a
      // RocksDB built with assertions aborts): the log holds what was written.
      if (write_error.ok() && !options.read_only) db->SyncWAL().PermitUncheckedError();
      for (rocksdb::ColumnFamilyHandle* h : cf) {
        if (h) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      }
      db->Close().PermitUncheckedError();
    }
  }

  absl::Status Open(const std::string& path) {
    internal::RocksOptions rocks = internal::MakeRocksOptions(options);
    if (options.read_only) {
      rocks.db.info_log = std::make_shared<internal::StoreLogger>();
      write_error = absl::FailedPreconditionError(fmt::format("tracking store {} is open for reading only", path));
    } else {
      if (options.create_if_missing) {
        std::error_code ignored;  // a directory that cannot be made is reported by Open below
        std::filesystem::create_directories(path, ignored);
      }
      rocks.db.info_log = std::make_shared<internal::StoreLogger>(path + "/LOG");
    }
    if (options.read_only) {
      // A store of format 1 has no feed family, and a store opened for
      // reading gets none: the feed reads as empty.
      std::vector<std::string> names;
      if (rocksdb::DB::ListColumnFamilies(rocks.db, path, &names).ok() &&
          std::find(names.begin(), names.end(), internal::FamilyName(internal::kFeed)) == names.end()) {
        rocks.families.pop_back();
      }
    }
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status opened = options.read_only
                                       ? rocksdb::DB::OpenForReadOnly(rocks.db, path, rocks.families, &cf, &raw)
                                       : rocksdb::DB::Open(rocks.db, path, rocks.families, &cf, &raw);
    if (absl::Status s = internal::FromRocks(opened, fmt::format("cannot open tracking store {}", path)); !s.ok()) {
      return s;
    }
    db.reset(raw);
    cf.resize(internal::kFamilyCount, nullptr);

    if (absl::Status s = CheckFormat(path); !s.ok()) return s;
    if (absl::Status s = OpenFeed(); !s.ok()) return s;
    if (options.durability == Durability::kGroup && !options.read_only) syncer = std::thread([this] { SyncLoop(); });
    if (options.count_by_status) {
      // Every write from here on adds its change to the count; the thread
      // adds the states as of this snapshot.
      const rocksdb::Snapshot* snapshot = db->GetSnapshot();
      counter = std::jthread([this, snapshot](std::stop_token stop) { CountByStatus(snapshot, stop); });
    }
    return absl::OkStatus();
  }

  void CountByStatus(const rocksdb::Snapshot* snapshot, const std::stop_token& stop) {
    StatusDelta counted{};
    rocksdb::ReadOptions read;
    read.snapshot = snapshot;
    read.total_order_seek = true;
    read.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf[internal::kState]));
    bool complete = true;
    for (it->SeekToFirst(); it->Valid() && !stop.stop_requested(); it->Next()) {
      const std::string_view key = it->key().ToStringView();
      const std::optional<core::ItemId> id = internal::ItemFromHead(key);
      absl::StatusOr<ItemState> state =
          id ? internal::DecodeState(*id, it->value().ToStringView(), key) : absl::DataLossError("");
      if (!state.ok()) {
        complete = false;  // Verify names it; the count would be wrong
        break;
      }
      ++counted[size_t(state->status)];
    }
    complete = complete && it->status().ok() && !stop.stop_requested();
    it.reset();
    db->ReleaseSnapshot(snapshot);
    if (!complete) return;
    for (size_t s = 0; s < counted.size(); ++s) status_counts[s].fetch_add(counted[s], std::memory_order_relaxed);
    status_counted.store(true, std::memory_order_release);
  }

  // Adds to `delta` what replacing `before` by `after` does to the count.
  static void CountChange(StatusDelta& delta, const std::optional<ItemState>& before, const ItemState& after) {
    if (before && before->status == after.status) return;
    if (before) --delta[size_t(before->status)];
    ++delta[size_t(after.status)];
  }

  // Stamps a new store with this build's format; refuses a store of a
  // format this build does not read.
  absl::Status CheckFormat(const std::string& path) {
    std::string found;
    const rocksdb::Status got = db->Get({}, cf[internal::kDefault], internal::kFormatKey, &found);
    if (got.IsNotFound() && options.read_only) {
      return absl::FailedPreconditionError(
          fmt::format("tracking store {} has no format version: not a pochta store", path));
    }
    if (got.IsNotFound()) {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      return internal::FromRocks(
          db->Put(sync, cf[internal::kDefault], internal::kFormatKey, std::to_string(internal::kFormatVersion)),
          fmt::format("tracking store {}: cannot write the format version", path));
    }
    if (!got.ok())
      return internal::FromRocks(got, fmt::format("tracking store {}: cannot read the format version", path));
    for (int readable : internal::kReadableFormats) {
      if (found != std::to_string(readable)) continue;
      if (readable == internal::kFormatVersion || options.read_only) return absl::OkStatus();
      rocksdb::WriteOptions sync;
      sync.sync = true;
      return internal::FromRocks(
          db->Put(sync, cf[internal::kDefault], internal::kFormatKey, std::to_string(internal::kFormatVersion)),
          fmt::format("tracking store {}: cannot write the format version", path));
    }
    return absl::FailedPreconditionError(
        fmt::format("tracking store {} has format version \"{}\"; this build of pochta reads format versions {}", path,
                    absl::CEscape(found), fmt::join(internal::kReadableFormats, ", ")));
  }

  // Where the feed stands: the first free cursor follows the newest entry,
  // or the trimmed ones when none is left.
  absl::Status OpenFeed() {
    std::string trimmed;
    const rocksdb::Status got = db->Get({}, cf[internal::kDefault], internal::kFeedTrimmedKey, &trimmed);
    if (got.ok()) {
      feed_trimmed.store(std::strtoull(trimmed.c_str(), nullptr, 10));
    } else if (!got.IsNotFound()) {
      return internal::FromRocks(got, "cannot read where the feed was trimmed");
    }
    next_cursor = feed_trimmed.load() + 1;
    if (cf[internal::kFeed]) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf[internal::kFeed]));
      it->SeekToLast();
      if (absl::Status s = internal::FromRocks(it->status(), "cannot read the feed"); !s.ok()) return s;
      if (it->Valid()) {
        if (it->key().size() != 8) {
          return absl::DataLossError(fmt::format("feed {}: malformed key", internal::Hex(it->key().ToStringView())));
        }
        next_cursor = internal::ReadBigEndian(it->key().ToStringView(), 8) + 1;
      }
    }
    durable_cursor.store(next_cursor - 1);  // what recovery found is on disk
    return absl::OkStatus();
  }

  // Adds to `batch` the feed entry of an event being stored, under the next
  // cursor of this write. REQUIRES: write_mu held.
  void PutFeedEntry(rocksdb::WriteBatch& batch, uint64_t& cursor, std::string_view event_key,
                    std::string_view event_value) {
    if (cursor == 0) cursor = next_cursor;
    batch.Put(cf[internal::kFeed], internal::FeedKey(cursor), internal::FeedValue(event_key, event_value));
    ++cursor;
  }

  // Writes `batch`, which changes the items by status by `delta` and holds
  // feed entries before cursor `feed_end` (0: none), then releases `lock`
  // (the writer lock) and waits until the batch is as durable as the
  // options promise; then its feed entries may be read.
  absl::Status Commit(rocksdb::WriteBatch& batch, std::unique_lock<std::mutex>& lock, const StatusDelta& delta = {},
                      uint64_t feed_end = 0) {
    rocksdb::WriteOptions write;
    write.sync = options.durability == Durability::kSync;
    if (!write_error.ok()) return write_error;
    const auto started = std::chrono::steady_clock::now();
    const rocksdb::Status written_status = db->Write(write, &batch);
    if (write.sync && written_status.ok() && options.sync_observer) {
      options.sync_observer->OnSync(1, std::chrono::steady_clock::now() - started);
    }
    if (absl::Status s = internal::FromRocks(written_status, "write failed"); !s.ok()) {
      // Sticky: after a failed write (a full disk, an I/O error) the store
      // takes no more writes; reopen it once the cause is fixed.
      write_error = absl::Status(
          s.code(), fmt::format("{}; the store takes no more writes until it is reopened", std::string(s.message())));
      return s;
    }
    batches_written.fetch_add(1, std::memory_order_relaxed);
    bytes_written.fetch_add(batch.GetDataSize(), std::memory_order_relaxed);
    for (size_t s = 0; s < delta.size(); ++s) {
      if (delta[s] != 0) status_counts[s].fetch_add(delta[s], std::memory_order_relaxed);
    }
    if (feed_end != 0) next_cursor = feed_end;
    if (options.durability != Durability::kGroup) {
      MarkDurable(feed_end);
      return absl::OkStatus();
    }
    uint64_t ticket;
    {
      std::lock_guard guard(sync_mu);
      ticket = ++written;
    }
    sync_cv.notify_all();
    lock.unlock();
    std::unique_lock guard(sync_mu);
    sync_cv.wait(guard, [&] { return synced >= ticket || !sync_error.ok(); });
    if (sync_error.ok()) MarkDurable(feed_end);
    return sync_error;
  }

  // The feed entries before `feed_end` are durable, and so every earlier
  // one: the log is written and synced in commit order.
  void MarkDurable(uint64_t feed_end) {
    if (feed_end == 0) return;
    uint64_t seen = durable_cursor.load();
    while (seen < feed_end - 1 && !durable_cursor.compare_exchange_weak(seen, feed_end - 1)) {
    }
    if (options.feed_observer) options.feed_observer->OnFeed(durable_cursor.load());
  }

  // Group commit: after the first unsynced write, wait up to the delay for
  // others to join, then one fsync acknowledges them all. A failed fsync
  // fails every later group write: the store must be reopened.
  void SyncLoop() {
    std::unique_lock lock(sync_mu);
    while (true) {
      sync_cv.wait(lock, [&] { return stopping || written > synced; });
      if (written == synced) return;  // stopping, nothing pending
      sync_cv.wait_for(lock, options.group_commit_delay, [&] { return stopping; });
      const uint64_t target = written;
      const uint64_t batches = target - synced;
      lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      const rocksdb::Status s = write_error.ok() ? db->SyncWAL() : rocksdb::Status::OK();
      if (s.ok() && options.sync_observer) {
        options.sync_observer->OnSync(batches, std::chrono::steady_clock::now() - started);
      }
      lock.lock();
      if (!s.ok() && sync_error.ok()) sync_error = internal::FromRocks(s, "fsync of the write-ahead log failed");
      synced = target;
      sync_cv.notify_all();
    }
  }

  absl::StatusOr<std::optional<ItemState>> ReadState(core::ItemId id) const {
    const std::string key = internal::ItemKey(id);
    std::string value;
    const rocksdb::Status s = db->Get({}, cf[internal::kState], key, &value);
    if (s.IsNotFound()) return std::optional<ItemState>();
    if (!s.ok()) return internal::FromRocks(s, "cannot read state");
    absl::StatusOr<ItemState> state = internal::DecodeState(id, value, key);
    if (!state.ok()) return state.status();
    return std::optional<ItemState>(*std::move(state));
  }

  // States of several items at once, `sorted` when the ids ascend.
  absl::StatusOr<std::vector<std::optional<ItemState>>> ReadStates(std::span<const core::ItemId> ids,
                                                                   bool sorted = false) const {
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (core::ItemId id : ids) keys.push_back(internal::ItemKey(id));
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db->MultiGet({}, cf[internal::kState], keys.size(), slices.data(), values.data(), statuses.data(),
                 /*sorted_input=*/sorted);
    std::vector<std::optional<ItemState>> states(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (statuses[i].IsNotFound()) continue;
      if (!statuses[i].ok()) return internal::FromRocks(statuses[i], "cannot read state");
      absl::StatusOr<ItemState> state = internal::DecodeState(ids[i], values[i].ToStringView(), keys[i]);
      if (!state.ok()) return state.status();
      states[i] = *std::move(state);
    }
    return states;
  }

  StoreOptions options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cf;
  std::mutex write_mu;       // one write batch at a time: read-modify-write of states
  absl::Status write_error;  // the first failed write, if any; guarded by write_mu
  std::atomic<uint64_t> batches_written{0};
  std::atomic<uint64_t> bytes_written{0};

  std::mutex sync_mu;
  std::condition_variable sync_cv;
  uint64_t written = 0;  // group-commit tickets handed out
  uint64_t synced = 0;   // tickets covered by a completed fsync
  absl::Status sync_error;
  bool stopping = false;
  std::thread syncer;

  // Items by status (StoreOptions::count_by_status): the writes' changes
  // since the open, plus the states at the open once `status_counted`.
  std::array<std::atomic<int64_t>, core::kItemStatusCount> status_counts{};
  std::atomic<bool> status_counted{false};
  std::jthread counter;

  // The feed: the cursor the next entry takes (guarded by write_mu), the
  // newest whose write is as durable as promised (readers see no further),
  // and the newest trimmed.
  uint64_t next_cursor = 1;
  std::atomic<uint64_t> durable_cursor{0};
  std::atomic<uint64_t> feed_trimmed{0};
};

}  // namespace pochta::storage
