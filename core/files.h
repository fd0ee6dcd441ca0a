// Reading a whole input file (a network, a scenario, a keys file, a
// certificate), with errors that say what the file is for.
//
// Thread-safety: safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pochta::core {

// The file's bytes. NotFound "cannot open <what> <path>" when it cannot be
// opened, DataLoss "cannot read <what> <path>" when reading fails.
absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what);

}  // namespace pochta::core
