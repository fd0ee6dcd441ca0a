// AlertMonitor: feed-quality alerts, the signs that a partner's data has a
// problem. It follows the store's event feed as a subscriber does, from the
// oldest entry kept, and evaluates each event once as it arrives; a check
// every minute raises what time alone raises (a dispatch's deadline, a
// quiet day) and re-reads only the items it has alerts for. Nothing scans
// the store.
//
// The kinds, by the operator they are about:
//  * unscanned-on-arrival: an item pre-advised in a dispatch (its pre-advice
//    names the S8 dispatch) that Uzbekiston Pochtasi has not scanned
//    `unscanned_after` after the dispatch arrived, that is after the first
//    destination-side scan of any pre-advised item of it. About the item's
//    S10 country; resolved by its first destination-side scan.
//  * no-pre-advice: an item of mail to Uzbekistan scanned on the
//    destination side with no pre-advice stored. Resolved by its pre-advice.
//  * low-volume: an operator's events received over the last 24 hours are
//    below `low_volume_ratio` of its daily mean over the `trailing_days`
//    days before (when that mean is at least `low_volume_min_daily`).
//    Resolved when the last 24 hours are back above it.
//  * late-event: an event received more than `late_after` after it
//    happened. About the operator that reported it; never resolved.
// Item alerts and late events are listed until resolved, or for `keep`
// after they were raised. Alerts live in memory: at a start the monitor
// rebuilds them from the feed kept (pochta serve --feed-retention-days), so
// a restart loses none whose cause is still in the feed.
//
// Thread-safety: List, Counts and cursor may be called concurrently with
// everything; Poll from one thread at a time (the monitor's own, once
// started).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/operators.h"
#include "storage/tracking_store.h"

namespace pochta::services {

class FeedHub;

enum class AlertKind : uint8_t {
  kUnscannedOnArrival = 1,
  kNoPreAdvice = 2,
  kLowVolume = 3,
  kLateEvent = 4,
};
inline constexpr AlertKind kAlertKinds[] = {AlertKind::kUnscannedOnArrival, AlertKind::kNoPreAdvice,
                                            AlertKind::kLowVolume, AlertKind::kLateEvent};
std::string_view Name(AlertKind kind);  // "unscanned-on-arrival", ...
std::optional<AlertKind> ParseAlertKind(std::string_view name);

struct AlertOptions {
  // After a dispatch arrived, how long its items may stay unscanned.
  // Default: 24 hours.
  std::chrono::seconds unscanned_after = std::chrono::hours(24);
  // How long after it happened an event may arrive. Default: 24 hours.
  std::chrono::seconds late_after = std::chrono::hours(24);
  // The share of its trailing daily mean below which an operator's last 24
  // hours are low. Default: 0.5.
  double low_volume_ratio = 0.5;
  // Days of the trailing mean. Default: 7.
  int trailing_days = 7;
  // The smallest trailing daily mean judged: fewer events a day are too few
  // to call a drop. Default: 100.
  uint64_t low_volume_min_daily = 100;
  // How long an item alert or late event stays listed after it was raised,
  // when nothing resolves it. Default: 7 days.
  std::chrono::seconds keep = std::chrono::hours(24 * 7);
  // Late events listed per operator, the newest (all are counted). Default: 1000.
  size_t max_late_listed = 1000;
  // How often time is checked. Default: 1 minute.
  std::chrono::milliseconds check_every{60'000};
};

struct Alert {
  AlertKind kind = AlertKind::kNoPreAdvice;
  core::Operator op = core::kUzbekistanPost;
  // When it was raised: the dispatch's deadline, or the receipt of its
  // first scan when that came later (unscanned-on-arrival),
  // the receipt of the scan or the event (no-pre-advice, late-event), the
  // check that found the day low (low-volume).
  core::Timestamp raised_at{};
  std::optional<core::ItemId> item;           // all but low-volume
  std::string dispatch_id;                    // unscanned-on-arrival
  std::optional<storage::StoredEvent> event;  // no-pre-advice: the first scan; late-event: the event
  uint64_t last_day_events = 0;               // low-volume: received over the last 24 hours
  double trailing_daily_mean = 0;             // low-volume
};

// Open alerts of one kind about one operator; late-event: those received
// within `keep`, listed or not. Once raised, a kind and operator stays
// counted, at 0 when nothing is open.
struct AlertCount {
  AlertKind kind;
  core::Operator op;
  uint64_t open;
};

class AlertMonitor {
 public:
  // REQUIRES: `store` and `clock` outlive the monitor.
  AlertMonitor(const storage::TrackingStore& store, const core::Clock& clock, const AlertOptions& options);
  ~AlertMonitor();  // stops the thread
  AlertMonitor(const AlertMonitor&) = delete;
  AlertMonitor& operator=(const AlertMonitor&) = delete;

  // Subscribes to `hub` and starts the monitor's thread, which polls at
  // once, at every wake and every check_every. REQUIRES: `hub` outlives
  // the monitor, or Stop is called first.
  void Start(FeedHub& hub);
  void Stop();

  // Evaluates the feed entries not yet seen, then checks the time. Errors
  // are the store's; what was evaluated stays evaluated.
  absl::Status Poll();

  struct Query {
    std::optional<AlertKind> kind;  // nothing: every kind
    std::optional<core::Operator> op;
    size_t page_size = 100;  // 1..1000
    std::string page_token;  // from the previous page; empty for the first
  };
  struct Page {
    std::vector<Alert> alerts;  // by kind, operator, then oldest first
    std::string next_page_token;
  };
  // InvalidArgument for a bad page size or token.
  absl::StatusOr<Page> List(const Query& query) const;
  std::vector<AlertCount> Counts() const;
  // Every feed entry up to this cursor has been evaluated.
  uint64_t cursor() const;

 private:
  class Waker;  // the FeedHub's subscriber: wakes the thread

  struct Dispatch {
    core::Timestamp arrived;  // the earliest destination-side scan of its pre-advised items
    core::Timestamp known;    // when the first of those scans was received
    bool checked = false;
  };
  // Events received in each hour, by hours since 1970.
  using Hours = std::map<int64_t, uint64_t>;

  void Evaluate(const std::vector<storage::FeedEntry>& entries);
  absl::Status Check();
  absl::Status CheckDispatch(const std::string& dispatch_id, core::Timestamp raised);
  // The alert's slot (`tiebreak`): an item's packed id, an operator's
  // index, a late event's cursor. REQUIRES: mu_ held, for all three.
  void Raise(Alert alert, uint64_t tiebreak);
  void Resolve(AlertKind kind, uint64_t slot);
  // An alert but a late event, out of the list and the count.
  void Drop(std::map<std::string, Alert>::iterator alert);
  void Publish();

  const storage::TrackingStore& store_;
  const core::Clock& clock_;
  const AlertOptions options_;

  // The poller's own bookkeeping.
  uint64_t cursor_seen_ = 0;
  absl::flat_hash_map<uint64_t, core::Timestamp> arrived_;  // items scanned on arrival, when received
  std::map<std::string, Dispatch> dispatches_;
  std::map<core::Operator, Hours> received_, late_;
  core::Timestamp next_check_{};

  mutable std::mutex mu_;
  std::map<std::string, Alert> alerts_;                              // by key: kind, operator, raised_at, tiebreak
  std::map<std::pair<AlertKind, uint64_t>, std::string> item_keys_;  // but late events, by slot
  std::map<core::Operator, std::deque<std::string>> late_keys_;      // listed late events, oldest first
  std::map<std::pair<AlertKind, core::Operator>, uint64_t> open_;    // but late events; kept at 0 once seen
  std::vector<AlertCount> counts_;
  std::atomic<uint64_t> cursor_{0};

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  FeedHub* hub_ = nullptr;
  std::unique_ptr<Waker> waker_;
  std::thread thread_;
};

}  // namespace pochta::services
