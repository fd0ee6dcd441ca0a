// Backups of a tracking store with RocksDB's BackupEngine, in a directory of
// their own: incremental (a table file already backed up is not copied
// again), each verified when made and before it is restored.
//
// Thread-safety: TrackingStore::Backup may run while the store is written
// (one backup at a time per directory); the functions here touch no open
// store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"

namespace pochta::storage {

struct BackupInfo {
  uint32_t id = 0;         // from 1, in the order they were made
  core::Timestamp made{};  // when it was made
  uint64_t bytes = 0;      // of its files, shared ones included
  uint32_t files = 0;
  uint64_t new_bytes = 0;  // copied for it (the rest was in the directory already); Backup only
};

// The backups in `dir`, oldest first. NotFound when `dir` holds none.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& dir);

// Restores backup `id` (the newest when none) from `dir` into `db`, a
// directory that must not exist yet: the backup is verified (each file's
// size and checksum), restored into a directory beside `db`, and renamed
// to `db` only when complete. On any error nothing is at `db`.
absl::Status RestoreBackup(const std::string& dir, const std::string& db, std::optional<uint32_t> id = std::nullopt);

}  // namespace pochta::storage
