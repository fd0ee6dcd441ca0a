#include "core/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fmt/format.h"

namespace pochta::core {

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open {} {}", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("cannot read {} {}", what, path));
  return std::move(text).str();
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  struct stat st;
  const bool in_place = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  const std::string temp = in_place ? "" : path + ".tmp-" + std::to_string(::getpid());
  std::FILE* file = std::fopen(in_place ? path.c_str() : temp.c_str(), "w");
  if (file == nullptr) {
    return absl::PermissionDeniedError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  return std::unique_ptr<OutputFile>(new OutputFile(path, temp, file));
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!temp_.empty()) std::remove(temp_.c_str());
}

void OutputFile::Write(std::string_view bytes) {
  if (error_ != 0 || file_ == nullptr) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) error_ = errno;
}

absl::Status OutputFile::Fail(int error) {
  if (error_ == 0) error_ = error;
  const std::string message = fmt::format("cannot write {}: {}", path_, std::strerror(error_));
  return error_ == ENOSPC ? absl::ResourceExhaustedError(message) : absl::DataLossError(message);
}

absl::Status OutputFile::Commit() {
  if (file_ == nullptr) return absl::FailedPreconditionError(fmt::format("{} was already committed", path_));
  if (error_ == 0 && std::fflush(file_) != 0) error_ = errno;
  // A device or pipe cannot be synced (EINVAL): only a file's bytes need to be on disk.
  if (error_ == 0 && ::fsync(::fileno(file_)) != 0 && errno != EINVAL) error_ = errno;
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0 && error_ == 0) error_ = errno;
  if (error_ != 0) return Fail(error_);
  if (!temp_.empty()) {
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) return Fail(errno);
    temp_.clear();
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, std::string_view bytes) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path);
  if (!file.ok()) return file.status();
  (*file)->Write(bytes);
  return (*file)->Commit();
}

}  // namespace pochta::core
