// absl::Status and grpc::Status share their codes; these convert one to the other.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "services/auth.h"

namespace pochta::services {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode(int(s.code())), std::string(s.message()));
}

// The caller of `context`, from its API key.
template <typename Context>
absl::StatusOr<Principal> Caller(const KeyRing& keys, const Context& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kApiKeyHeader);
  if (it == metadata.end()) return keys.Authenticate(std::nullopt);
  return keys.Authenticate(std::string_view(it->second.data(), it->second.size()));
}

}  // namespace pochta::services
