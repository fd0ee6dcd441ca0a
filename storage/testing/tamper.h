// Writes raw bytes into one column family of a closed tracking store, as
// disk corruption or a bug would: for the tests of Verify and the CLI.
#pragma once

#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "storage/internal/keys.h"

namespace pochta::storage::testing {

// Puts `value` at `key`, or deletes the key when value is null. Returns false
// when the database cannot be opened or written.
inline bool Tamper(const std::string& dir, internal::Family family, const std::string& key, const std::string* value) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (size_t f = 0; f < internal::kFamilyCount; ++f) {
    families.emplace_back(internal::FamilyName(internal::Family(f)), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(rocksdb::Options(), dir, families, &handles, &db).ok()) return false;
  const rocksdb::Status s = value ? db->Put({}, handles[family], key, *value) : db->Delete({}, handles[family], key);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete db;
  return s.ok();
}

}  // namespace pochta::storage::testing
