#include "storage/internal/options.h"

#include <algorithm>

#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "rocksdb/write_buffer_manager.h"
#include "storage/internal/keys.h"

namespace pochta::storage::internal {

RocksOptions MakeRocksOptions(const StoreOptions& options) {
  RocksOptions out;
  out.db.create_if_missing = options.create_if_missing && !options.read_only;
  out.db.create_missing_column_families = true;
  out.db.max_background_jobs = 2;
  out.db.bytes_per_sync = 1 << 20;
  // Counters only (write stalls, block-cache hits), for StoreMetrics: the
  // cheapest level that keeps them.
  out.db.statistics = rocksdb::CreateDBStatistics();
  out.db.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);

  // Memory is bounded by the two budgets, however large the store grows:
  // memtables of all families share one write buffer budget, and index and
  // filter blocks live in the block cache (high priority, level 0 pinned)
  // rather than beside it in every open table.
  out.db.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  // Index and filters cut into partitions of a data block's size, under a
  // small top level that stays in the cache: a table's whole filter runs to
  // megabytes, more than a shard of the cache holds, and was read from disk
  // again at every seek once the store outgrew a few hundred megabytes
  // (bench/scale_bench). RocksDB wiki, Partitioned Index Filters.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  rocksdb::ColumnFamilyOptions base;
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // A family's memtable takes at most a quarter of the budget.
  base.write_buffer_size = std::min<size_t>(64u << 20, options.write_buffer_bytes / 4);

  for (size_t f = 0; f < kFamilyCount; ++f) {
    rocksdb::ColumnFamilyOptions family = base;
    if (f == kEvents) {
      // An item's history is one prefix scan; the prefix bloom filters skip
      // memtables and files without the item.
      family.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kItemKeySize));
      family.memtable_prefix_bloom_size_ratio = 0.05;
    }
    out.families.emplace_back(FamilyName(Family(f)), family);
  }
  return out;
}

}  // namespace pochta::storage::internal
