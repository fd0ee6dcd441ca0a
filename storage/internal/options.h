// The RocksDB options of the tracking store, in one place so the benchmarks
// can open a plain RocksDB database exactly as the store does.
#pragma once

#include <vector>

#include "rocksdb/db.h"
#include "storage/tracking_store.h"

namespace pochta::storage::internal {

struct RocksOptions {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;  // indexed by Family
};

RocksOptions MakeRocksOptions(const StoreOptions& options);

}  // namespace pochta::storage::internal
