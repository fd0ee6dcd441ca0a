#include "sim/local_time.h"

#include "absl/time/civil_time.h"
#include "fmt/format.h"

namespace pochta::sim {
namespace {

constexpr Time kDaySeconds = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

absl::CivilSecond CivilOf(int64_t day, int second_of_day) {
  return absl::CivilSecond(absl::CivilDay(1970, 1, 1) + day) + second_of_day;
}

}  // namespace

absl::StatusOr<LocalTime> LocalTime::Load(std::string_view zone) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(zone), &tz)) {
    return absl::InvalidArgumentError(
        fmt::format("time zone \"{}\" is not known here (an IANA name like Asia/Tashkent; is tzdata installed?)", zone));
  }
  return LocalTime(std::string(zone), tz);
}

const LocalTime::Day& LocalTime::Info(int64_t day) const {
  constexpr Day kUnknown{INT32_MIN, false};
  if (days_.empty()) first_day_ = day;
  if (day < first_day_) {
    days_.insert(days_.begin(), size_t(first_day_ - day), kUnknown);
    first_day_ = day;
  }
  if (day - first_day_ >= int64_t(days_.size())) days_.resize(size_t(day - first_day_ + 1), kUnknown);
  Day& d = days_[size_t(day - first_day_)];
  if (d.offset == INT32_MIN) {
    const auto offset_at = [&](int second_of_day) {
      return zone_.At(zone_.At(CivilOf(day, second_of_day)).pre).offset;
    };
    d.offset = offset_at(12 * 3600);
    d.changes = offset_at(0) != d.offset || offset_at(kDaySeconds - 1) != d.offset;
  }
  return d;
}

Time LocalTime::At(int64_t day, int second_of_day) const {
  const Day& d = Info(day);
  if (!d.changes) return day * kDaySeconds + second_of_day - d.offset;
  const absl::TimeZone::TimeInfo info = zone_.At(CivilOf(day, second_of_day));
  return absl::ToUnixSeconds(info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre);
}

int64_t LocalTime::DayOf(Time t) const {
  int64_t day = FloorDiv(t + Info(FloorDiv(t, kDaySeconds)).offset, kDaySeconds);
  while (Midnight(day) > t) --day;
  while (Midnight(day + 1) <= t) ++day;
  return day;
}

Time LocalTime::Next(Time t, int second_of_day) const {
  for (int64_t day = DayOf(t);; ++day) {
    const Time at = At(day, second_of_day);
    if (at >= t) return at;
  }
}

}  // namespace pochta::sim
