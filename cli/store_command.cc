// pochta store verify|stats|dump DB: check, summarise and print a tracking
// store; backup DB DIR, restore DIR DB and backups DIR: keep copies of it.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "cli/common.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "storage/tracking_store.h"

namespace pochta::cli {
namespace {

std::unique_ptr<storage::TrackingStore> OpenOrReport(const std::string& path, std::string_view command) {
  storage::StoreOptions options;
  options.read_only = true;  // inspection writes nothing, even beside a running server
  options.durability = storage::Durability::kSync;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(path, options);
  if (!store.ok()) {
    fmt::print(stderr, "pochta store {}: {}\n", command, std::string(store.status().message()));
    return nullptr;
  }
  return *std::move(store);
}

int RunVerify(const std::string& path) {
  const std::unique_ptr<storage::TrackingStore> store = OpenOrReport(path, "verify");
  if (!store) return kExitBadInput;
  const absl::StatusOr<storage::VerifyReport> report = store->Verify();
  if (!report.ok()) {
    fmt::print(stderr, "pochta store verify: {}\n", std::string(report.status().message()));
    return kExitBadInput;
  }
  for (const std::string& problem : report->problems) fmt::print("{}\n", problem);
  if (report->problem_count > report->problems.size()) {
    fmt::print("... and {} more problems\n", report->problem_count - report->problems.size());
  }
  fmt::print("{}: {} items, {} events checked, {} problems\n", path, report->items, report->events,
             report->problem_count);
  return report->problem_count == 0 ? kExitOk : kExitBadInput;
}

int RunStats(const std::string& path) {
  const std::unique_ptr<storage::TrackingStore> store = OpenOrReport(path, "stats");
  if (!store) return kExitBadInput;
  const absl::StatusOr<storage::StoreStats> stats = store->Stats();
  if (!stats.ok()) {
    fmt::print(stderr, "pochta store stats: {}\n", std::string(stats.status().message()));
    return kExitBadInput;
  }
  fmt::print("{}: {} items, {} events\n", path, stats->items, stats->events);
  const auto table = [](std::string_view title, const auto& rows, size_t limit) {
    fmt::print("\n  {:<22} {:>10}\n", title, "items");
    for (size_t i = 0; i < rows.size() && i < limit; ++i)
      fmt::print("  {:<22} {:>10}\n", rows[i].first, rows[i].second);
    if (rows.size() > limit) fmt::print("  ... {} more\n", rows.size() - limit);
  };
  table("status", stats->by_status, stats->by_status.size());
  table("issuing country", stats->by_country, stats->by_country.size());
  table("facility", stats->by_facility, 20);
  return kExitOk;
}

int RunDump(const std::string& path, const std::string& item_text) {
  std::optional<core::ItemId> item;
  if (!item_text.empty()) {
    core::ItemIdError why = core::ItemIdError::kNone;
    item = core::ItemId::TryParse(item_text, &why);
    if (!item) {
      fmt::print(stderr, "pochta store dump: --item \"{}\": {}\n", item_text, core::Describe(why));
      return kExitUsage;
    }
  }
  const std::unique_ptr<storage::TrackingStore> store = OpenOrReport(path, "dump");
  if (!store) return kExitBadInput;
  const absl::Status s = store->Dump(
      [](std::string_view line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      },
      item);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    fmt::print(stderr, "pochta store dump: cannot write the output: {}\n", std::strerror(errno));
    return kExitBadInput;
  }
  if (!s.ok()) {
    fmt::print(stderr, "pochta store dump: {}\n", std::string(s.message()));
    return kExitBadInput;
  }
  return kExitOk;
}

std::string Describe(const storage::BackupInfo& b) {
  return fmt::format("backup {}, made {:%Y-%m-%dT%H:%M:%SZ}, {} files, {} bytes", b.id,
                     std::chrono::time_point_cast<std::chrono::seconds>(b.made), b.files, Thousands(b.bytes));
}

int RunBackup(const StoreOptions& options) {
  storage::StoreOptions open;
  open.durability = storage::Durability::kSync;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(options.db, open);
  if (!store.ok()) {
    const std::string why(store.status().message());
    fmt::print(stderr, "pochta store backup: {}\n", why);
    if (why.find("LOCK") != std::string::npos) {
      fmt::print(stderr,
                 "pochta store backup: {} is open in a running pochta serve, which backs it up itself: "
                 "--backup-dir DIR with --backup-every-hours, and one at once on SIGUSR1 "
                 "(systemctl kill -s USR1 pochta)\n",
                 options.db);
    }
    return kExitBadInput;
  }
  const absl::StatusOr<storage::BackupInfo> made = (*store)->Backup(options.backup_dir, options.keep);
  if (!made.ok()) {
    fmt::print(stderr, "pochta store backup: {}\n", std::string(made.status().message()));
    return kExitBadInput;
  }
  fmt::print("{}: {} of {}, verified; {} bytes copied, {} shared with earlier backups\n", options.backup_dir,
             Describe(*made), options.db, Thousands(made->new_bytes), Thousands(made->bytes - made->new_bytes));
  return kExitOk;
}

int RunRestore(const StoreOptions& options) {
  if (absl::Status s = storage::RestoreBackup(options.backup_dir, options.db, options.backup_id); !s.ok()) {
    fmt::print(stderr, "pochta store restore: {}\n", std::string(s.message()));
    return kExitBadInput;
  }
  fmt::print("{}: restored from {}, verified\n", options.db, options.backup_dir);
  return kExitOk;
}

int RunBackups(const StoreOptions& options) {
  const absl::StatusOr<std::vector<storage::BackupInfo>> backups = storage::ListBackups(options.backup_dir);
  if (!backups.ok()) {
    fmt::print(stderr, "pochta store backups: {}\n", std::string(backups.status().message()));
    return kExitBadInput;
  }
  for (const storage::BackupInfo& b : *backups) fmt::print("{}\n", Describe(b));
  return kExitOk;
}

}  // namespace

CLI::App* AddStoreCommand(CLI::App& app, StoreOptions& options) {
  CLI::App* cmd = app.add_subcommand("store", "Inspect a tracking store, back it up and restore it");
  cmd->require_subcommand(1);
  CLI::App* verify =
      cmd->add_subcommand("verify", "Recompute every item's state from its events and check it and every index entry");
  verify->add_option("db", options.db, "Tracking store directory")->required();
  verify->callback([&options] { options.action = "verify"; });
  CLI::App* stats = cmd->add_subcommand("stats", "Count items by status, issuing country and facility");
  stats->add_option("db", options.db, "Tracking store directory")->required();
  stats->callback([&options] { options.action = "stats"; });
  CLI::App* dump = cmd->add_subcommand(
      "dump", "Print every record as JSON lines in key order (items, events, state, dispatches, indexes)");
  dump->add_option("db", options.db, "Tracking store directory")->required();
  dump->add_option("--item", options.item, "Only the records of this S10 item");
  dump->callback([&options] { options.action = "dump"; });
  CLI::App* backup = cmd->add_subcommand(
      "backup",
      "Back the store up into DIR with RocksDB's BackupEngine: incremental, verified (a store a running "
      "server holds is backed up by the server: pochta serve --backup-dir)");
  backup->add_option("db", options.db, "Tracking store directory")->required();
  backup->add_option("dir", options.backup_dir, "Backup directory (created when missing)")->required();
  backup->add_option("--keep", options.keep, "Keep only the newest N backups (0: all)")->capture_default_str();
  backup->callback([&options] { options.action = "backup"; });
  CLI::App* restore = cmd->add_subcommand(
      "restore",
      "Restore a backup from DIR into DB, a new directory, after verifying it; nothing is left at DB "
      "when it fails");
  restore->add_option("dir", options.backup_dir, "Backup directory")->required();
  restore->add_option("db", options.db, "Tracking store directory to make")->required();
  restore->add_option("--backup", options.backup_id, "Which backup (default: the newest)");
  restore->callback([&options] { options.action = "restore"; });
  CLI::App* backups = cmd->add_subcommand("backups", "List the backups in DIR");
  backups->add_option("dir", options.backup_dir, "Backup directory")->required();
  backups->callback([&options] { options.action = "backups"; });
  cmd->footer("Exit status: 0 success, 1 the store cannot be read or verify found problems, 2 usage error.");
  return cmd;
}

int RunStore(const StoreOptions& options) {
  if (options.action == "dump") return RunDump(options.db, options.item);
  if (options.action == "backup") return RunBackup(options);
  if (options.action == "restore") return RunRestore(options);
  if (options.action == "backups") return RunBackups(options);
  return options.action == "verify" ? RunVerify(options.db) : RunStats(options.db);
}

}  // namespace pochta::cli
