// The raw-RocksDB baseline of bench/store_bench.cc: a plain RocksDB database
// opened with the tracking store's own options, written with the store's own
// records, so that the benchmark compares like with like. The testing hook
// through which the benchmark reaches the store's internals.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/internal/codec.h"
#include "storage/internal/keys.h"
#include "storage/internal/options.h"
#include "storage/internal/state_update.h"

namespace pochta::storage::testing {

class RawBaseline {
 public:
  // Nothing when the database cannot be opened.
  static std::unique_ptr<RawBaseline> Open(const std::string& dir, const StoreOptions& options) {
    const internal::RocksOptions rocks = internal::MakeRocksOptions(options);
    auto raw = std::unique_ptr<RawBaseline>(new RawBaseline);
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(rocks.db, dir, rocks.families, &raw->cf_, &db).ok()) return nullptr;
    raw->db_.reset(db);
    return raw;
  }
  ~RawBaseline() {
    for (auto* h : cf_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }

  // Adds the event's record to `batch`; with `state`, also the state and
  // index records the store writes as the item takes the event in, and
  // updates `state`.
  void AddEvent(rocksdb::WriteBatch& batch, const ReportedEvent& e, core::Timestamp received_at,
                std::optional<ItemState>* state) {
    batch.Put(cf_[internal::kEvents], internal::EventKey(e.item, e.event), internal::EncodeEvent(e, received_at));
    if (state == nullptr) return;
    ItemState after = state->value_or(internal::EmptyState(e.item));
    internal::AddEvent(after, e.event);
    internal::PutStateRecords(batch, cf_, *state, after);
    *state = std::move(after);
  }

  rocksdb::DB& db() { return *db_; }

 private:
  RawBaseline() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;
};

}  // namespace pochta::storage::testing
