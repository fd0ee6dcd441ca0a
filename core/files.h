// Files in and out: reading a whole input file (a network, a scenario, a
// keys file, a certificate), and writing an output file (a summary, a time
// series, a trace) so that nothing half-written is ever left under its name.
//
// Thread-safety: ReadFile may be called concurrently; an OutputFile is used
// by one thread.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pochta::core {

// The file's bytes. NotFound "cannot open <what> <path>" when it cannot be
// opened, DataLoss "cannot read <what> <path>" when reading fails.
absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what);

// A file being written. The bytes go to a temporary file beside it, which
// Commit flushes, syncs and renames over the name: readers see the old file
// or the whole new one, and a failure (a full disk) leaves the name as it
// was. A name that exists and is not a regular file (/dev/stdout, a pipe,
// /dev/full) is written in place. Errors name the file and the reason.
class OutputFile {
 public:
  static absl::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path);
  // Without a successful Commit, the temporary file is removed.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // A write error is kept and reported by Commit.
  void Write(std::string_view bytes);
  absl::Status Commit();
  const std::string& path() const { return path_; }

 private:
  OutputFile(std::string path, std::string temp, std::FILE* file)
      : path_(std::move(path)), temp_(std::move(temp)), file_(file) {}
  absl::Status Fail(int error);

  std::string path_;
  std::string temp_;  // empty when written in place
  std::FILE* file_;
  int error_ = 0;  // the first errno of a failed write
};

// Create, Write and Commit in one call.
absl::Status WriteFile(const std::string& path, std::string_view bytes);

}  // namespace pochta::core
