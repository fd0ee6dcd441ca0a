// Fuzzes the scenario loader: refused with reasons or accepted whole.
#include "sim/postal/scenario.h"

#include <cstdlib>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto operators = std::make_shared<const pochta::core::Operators>(
      *pochta::core::Operators::Load(POCHTA_OPERATORS_FILE));
  absl::StatusOr<pochta::sim::Scenario> s = pochta::sim::ParseScenario(text, "fuzz", operators);
  if (!s.ok()) {
    if (s.status().message().empty()) std::abort();
    return 0;
  }
  if (s->name.empty() || s->operators.empty()) std::abort();
  for (const pochta::sim::OperatorFlow& f : s->operators) {
    double total = 0;
    for (const auto& [indicator, share] : f.mix) total += share;
    if (total < 0.999 || total > 1.001) std::abort();
  }
  return 0;
}
