#include "core/clock.h"

namespace pochta::core {
namespace {

class RealClock final : public Clock {
 public:
  Timestamp Now() const override { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }
};

}  // namespace

const Clock& Clock::Real() {
  static const RealClock clock;
  return clock;
}

}  // namespace pochta::core
