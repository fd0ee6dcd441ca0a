// Fuzzes the network-file loader. A file it accepts must give routing
// tables whose paths are contiguous chains of links ending where asked.
#include <cstdlib>
#include <string>

#include "core/routing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<pochta::core::Network> net = pochta::core::Network::Parse(text, "fuzz");
  if (!net.ok()) return 0;
  const pochta::core::RoutePlanner planner(*net);
  const pochta::core::Router router = planner.router();
  const uint32_t n = uint32_t(net->facilities().size());
  for (uint32_t a = 0; a < n && a < 16; ++a) {
    for (uint32_t b = 0; b < n && b < 16; ++b) {
      const std::optional<pochta::core::Path> path =
          router.FindPath(pochta::core::FacilityId(a), pochta::core::FacilityId(b));
      if (!path) continue;
      uint32_t at = a;
      for (pochta::core::LinkId l : path->legs) {
        if (net->link(l).from.value() != at) std::abort();
        at = net->link(l).to.value();
      }
      if (at != b) std::abort();
    }
  }
  return 0;
}
