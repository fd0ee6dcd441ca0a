// LocalTime: the clock on a facility's wall. Simulated time is UTC seconds;
// timetables, shifts, delivery rounds and opening hours are local times in
// an IANA time zone ("Asia/Tashkent", "Europe/Riga"), read from the
// system's tzdata (Debian package tzdata), so daylight saving time moves
// them as it moves people.
//
// A local time skipped by a change to summer time is read as the instant of
// the change; one repeated by the change back, as its first occurrence.
//
// Thread-safety: a LocalTime caches what it has computed; use one per
// thread (each simulation has its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/kernel.h"

namespace pochta::sim {

class LocalTime {
 public:
  // InvalidArgument naming the zone when the system does not know it.
  static absl::StatusOr<LocalTime> Load(std::string_view zone);

  const std::string& zone() const { return name_; }

  // Local days are numbered like Unix days: day 0 is 1970-01-01 here.
  int64_t DayOf(Time t) const;
  // The instant the local clock reads `second_of_day` (0..86399) on `day`.
  Time At(int64_t day, int second_of_day) const;
  Time Midnight(int64_t day) const { return At(day, 0); }
  // The first instant at or after t when the local clock reads `second_of_day`.
  Time Next(Time t, int second_of_day) const;
  // Seconds since local midnight at t.
  int SecondOfDay(Time t) const { return int(t - Midnight(DayOf(t))); }

 private:
  struct Day {
    int32_t offset;  // seconds east of UTC at local noon
    bool changes;    // the offset changes during the day: ask the zone
  };
  LocalTime(std::string name, absl::TimeZone zone) : name_(std::move(name)), zone_(zone) {}
  const Day& Info(int64_t day) const;

  std::string name_;
  absl::TimeZone zone_;
  mutable int64_t first_day_ = 0;  // the day of days_[0]
  mutable std::vector<Day> days_;
};

// Weekday of a local day number: 1 Monday .. 7 Sunday.
inline int Weekday(int64_t day) { return int(((day + 3) % 7 + 7) % 7) + 1; }

}  // namespace pochta::sim
