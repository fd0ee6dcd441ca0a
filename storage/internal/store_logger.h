// StoreLogger: RocksDB's diagnostic log, written to DIR/LOG by pochta
// instead of by RocksDB. A failed log write (a full disk) is ignored: a
// RocksDB built with assertions aborts the process when its own log writer
// is used again after a failure, and a lost log line must never cost the
// store. Thread-safety: Logv may be called from any thread.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>

#include "rocksdb/env.h"

namespace pochta::storage::internal {

class StoreLogger final : public rocksdb::Logger {
 public:
  explicit StoreLogger(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {}
  StoreLogger() : file_(nullptr) {}  // discards: a read-only store writes nothing
  ~StoreLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (file_ == nullptr) return;
    std::lock_guard lock(mu_);
    std::vfprintf(file_, format, ap);  // errors (no space) are deliberately ignored
    std::fputc('\n', file_);
    std::fflush(file_);
  }

 private:
  std::mutex mu_;
  std::FILE* file_;
};

}  // namespace pochta::storage::internal
