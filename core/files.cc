#include "core/files.h"

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

}  // namespace pochta::core
