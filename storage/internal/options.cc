#include "storage/internal/options.h"

#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/internal/keys.h"

namespace pochta::storage::internal {

RocksOptions MakeRocksOptions(const StoreOptions& options) {
  RocksOptions out;
  out.db.create_if_missing = options.create_if_missing;
  out.db.create_missing_column_families = true;
  out.db.max_background_jobs = 2;
  out.db.bytes_per_sync = 1 << 20;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  rocksdb::ColumnFamilyOptions base;
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  base.write_buffer_size = 64 << 20;

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
