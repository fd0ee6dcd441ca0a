#include "storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>

#include "fmt/format.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/internal/impl.h"

namespace pochta::storage {
namespace {

namespace fs = std::filesystem;

BackupInfo InfoOf(const rocksdb::BackupInfo& b) {
  return BackupInfo{.id = b.backup_id,
                    .made = core::Timestamp(std::chrono::seconds(b.timestamp)),
                    .bytes = b.size,
                    .files = b.number_files};
}

// The engine over `dir`; `create` makes the directory.
absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(const std::string& dir, bool create) {
  if (!create && !fs::is_directory(dir)) return absl::NotFoundError(fmt::format("no backups in {}", dir));
  rocksdb::BackupEngineOptions options(dir);
  options.sync = true;  // each file of a backup fsynced before the backup is recorded
  options.max_background_operations = 2;
  rocksdb::BackupEngine* raw = nullptr;
  if (absl::Status s = internal::FromRocks(rocksdb::BackupEngine::Open(rocksdb::Env::Default(), options, &raw),
                                           fmt::format("cannot open the backups in {}", dir));
      !s.ok()) {
    return s;
  }
  return std::unique_ptr<rocksdb::BackupEngine>(raw);
}

}  // namespace

absl::StatusOr<BackupInfo> TrackingStore::Backup(const std::string& dir, uint32_t keep) {
  Impl& d = *impl_;
  if (d.options.read_only) return d.write_error;
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> engine = OpenEngine(dir, /*create=*/true);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> before;
  (*engine)->GetBackupInfo(&before);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  const std::string what = fmt::format("backing up to {}", dir);
  if (absl::Status s = internal::FromRocks((*engine)->CreateNewBackup(create, d.db.get(), &id), what); !s.ok()) {
    return s;
  }
  if (absl::Status s = internal::FromRocks((*engine)->VerifyBackup(id, /*verify_with_checksum=*/true),
                                           fmt::format("verifying backup {} in {}", id, dir));
      !s.ok()) {
    (*engine)->DeleteBackup(id).PermitUncheckedError();
    return s;
  }
  if (keep > 0) {
    if (absl::Status s = internal::FromRocks((*engine)->PurgeOldBackups(keep), what); !s.ok()) return s;
  }
  rocksdb::BackupInfo made;
  if (absl::Status s = internal::FromRocks((*engine)->GetBackupInfo(id, &made, /*include_file_details=*/true), what);
      !s.ok()) {
    return s;
  }
  BackupInfo out = InfoOf(made);
  // The files no backup before had: what this one copied.
  std::set<std::string> had;
  for (const rocksdb::BackupInfo& b : before) {
    rocksdb::BackupInfo detailed;
    if ((*engine)->GetBackupInfo(b.backup_id, &detailed, true).ok()) {
      for (const rocksdb::BackupFileInfo& f : detailed.file_details) had.insert(f.relative_filename);
    }
  }
  for (const rocksdb::BackupFileInfo& f : made.file_details) {
    if (!had.contains(f.relative_filename)) out.new_bytes += f.size;
  }
  return out;
}

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> engine = OpenEngine(dir, /*create=*/false);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  if (infos.empty()) return absl::NotFoundError(fmt::format("no backups in {}", dir));
  std::vector<BackupInfo> out;
  for (const rocksdb::BackupInfo& b : infos) out.push_back(InfoOf(b));
  return out;
}

absl::Status RestoreBackup(const std::string& dir, const std::string& db, std::optional<uint32_t> id) {
  if (fs::exists(db)) {
    return absl::AlreadyExistsError(fmt::format("{} exists: restore into a new directory", db));
  }
  absl::StatusOr<std::vector<BackupInfo>> backups = ListBackups(dir);
  if (!backups.ok()) return backups.status();
  const uint32_t which = id.value_or(backups->back().id);
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> engine = OpenEngine(dir, /*create=*/false);
  if (!engine.ok()) return engine.status();
  if (absl::Status s = internal::FromRocks((*engine)->VerifyBackup(which, /*verify_with_checksum=*/true),
                                           fmt::format("backup {} in {}", which, dir));
      !s.ok()) {
    return s;
  }
  // Beside `db`, so that the rename that completes it stays on one file system.
  fs::path target = fs::path(db).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "db/"
  const fs::path partial = target.parent_path() / (target.filename().string() + ".restoring");
  std::error_code ignored;
  fs::remove_all(partial, ignored);  // what an interrupted restore left
  const std::string what = fmt::format("restoring backup {} of {} into {}", which, dir, db);
  if (absl::Status s = internal::FromRocks(
          (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions(), which, partial.string(), partial.string()), what);
      !s.ok()) {
    fs::remove_all(partial, ignored);
    return s;
  }
  std::error_code error;
  fs::rename(partial, target, error);
  if (error) {
    fs::remove_all(partial, ignored);
    return absl::InternalError(fmt::format("{}: {}", what, error.message()));
  }
  // The rename itself made durable.
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (const int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
    const bool synced = fsync(fd) == 0;
    close(fd);
    if (!synced) return absl::InternalError(fmt::format("{}: cannot fsync {}", what, parent.string()));
  }
  return absl::OkStatus();
}

}  // namespace pochta::storage
