#include "services/log.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/sinks/systemd_sink.h"

namespace pochta::services {
namespace {

// Whether stderr is the stream systemd connected to the journal: its device
// and inode are those of JOURNAL_STREAM ("DEVICE:INODE").
bool StderrIsTheJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st;
  if (stream == nullptr || fstat(fileno(stderr), &st) != 0) return false;
  return std::string(stream) == std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::shared_ptr<spdlog::logger> Make() {
  if (StderrIsTheJournal()) {
    auto journal = std::make_shared<spdlog::sinks::systemd_sink_mt>("pochta", /*enable_formatting=*/true);
    journal->set_pattern("%v");  // journald keeps the time and the priority itself
    return std::make_shared<spdlog::logger>("pochta", std::move(journal));
  }
  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  stderr_sink->set_formatter(
      std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc));
  auto logger = std::make_shared<spdlog::logger>("pochta", std::move(stderr_sink));
  logger->flush_on(spdlog::level::info);  // each line as it is written: a pipe would otherwise hold it
  return logger;
}

}  // namespace

spdlog::logger& Log() {
  static const std::shared_ptr<spdlog::logger> logger = Make();
  return *logger;
}

}  // namespace pochta::services
