#include "services/alert_monitor.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "services/internal/feed_hub.h"
#include "services/log.h"

namespace pochta::services {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

constexpr size_t kFeedPage = 1000;
constexpr size_t kMaxPageSize = 1000;
// An alert's key: kind(1) operator(2) raised_at(8, offset binary) tiebreak(8),
// big-endian, so keys sort by kind, operator, then oldest first.
constexpr size_t kKeySize = 19;

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(char((value >> (8 * i)) & 0xff));
}

std::string KeyPrefix(AlertKind kind, std::optional<core::Operator> op) {
  std::string key(1, char(kind));
  if (op) AppendBigEndian(key, op->index(), 2);
  return key;
}

std::string AlertKey(const Alert& a, uint64_t tiebreak) {
  std::string key = KeyPrefix(a.kind, a.op);
  AppendBigEndian(key, uint64_t(a.raised_at.time_since_epoch().count()) ^ (uint64_t(1) << 63), 8);
  AppendBigEndian(key, tiebreak, 8);
  return key;
}

int64_t HourOf(core::Timestamp t) {
  const int64_t s = t.time_since_epoch().count();
  return s >= 0 ? s / 3600 : (s - 3599) / 3600;
}

// Events of `hours` in the hours [from, to).
uint64_t Sum(const std::map<int64_t, uint64_t>& hours, int64_t from, int64_t to) {
  uint64_t total = 0;
  for (auto it = hours.lower_bound(from); it != hours.end() && it->first < to; ++it) total += it->second;
  return total;
}

void DropBefore(std::map<int64_t, uint64_t>& hours, int64_t first_kept) {
  hours.erase(hours.begin(), hours.lower_bound(first_kept));
}

// The operator an item alert is about: the one of its S10 country.
std::optional<core::Operator> OperatorOf(core::ItemId id) {
  const auto c = id.country();
  return core::Operator::Parse(std::string_view(c.data(), 2));
}

}  // namespace

std::string_view Name(AlertKind kind) {
  switch (kind) {
    case AlertKind::kUnscannedOnArrival: return "unscanned-on-arrival";
    case AlertKind::kNoPreAdvice: return "no-pre-advice";
    case AlertKind::kLowVolume: return "low-volume";
    case AlertKind::kLateEvent: return "late-event";
  }
  return "?";
}

std::optional<AlertKind> ParseAlertKind(std::string_view name) {
  for (AlertKind kind : kAlertKinds) {
    if (Name(kind) == name) return kind;
  }
  return std::nullopt;
}

class AlertMonitor::Waker final : public FeedHub::Subscriber {
 public:
  explicit Waker(AlertMonitor& monitor) : monitor_(monitor) {}
  void OnWake() override {
    {
      std::lock_guard lock(monitor_.wake_mu_);
      monitor_.woken_ = true;
    }
    monitor_.wake_cv_.notify_all();
  }
  void OnClose() override {}

 private:
  AlertMonitor& monitor_;
};

AlertMonitor::AlertMonitor(const storage::TrackingStore& store, const core::Clock& clock, const AlertOptions& options)
    : store_(store), clock_(clock), options_(options), waker_(std::make_unique<Waker>(*this)) {}

AlertMonitor::~AlertMonitor() { Stop(); }

void AlertMonitor::Start(FeedHub& hub) {
  hub_ = &hub;
  hub.Subscribe(waker_.get());
  thread_ = std::thread([this] {
    std::unique_lock lock(wake_mu_);
    while (!stopping_) {
      woken_ = false;
      lock.unlock();
      if (absl::Status s = Poll(); !s.ok()) {
        Log().error("pochta serve: feed-quality alerts: {}", std::string(s.message()));
      }
      lock.lock();
      wake_cv_.wait_for(lock, options_.check_every, [&] { return woken_ || stopping_; });
    }
  });
}

void AlertMonitor::Stop() {
  if (hub_) hub_->Unsubscribe(waker_.get());
  hub_ = nullptr;
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t AlertMonitor::cursor() const { return cursor_.load(); }

absl::Status AlertMonitor::Poll() {
  while (true) {
    const storage::FeedBounds bounds = store_.Feed();
    cursor_seen_ = std::max(cursor_seen_, bounds.trimmed);  // what was trimmed is gone
    if (cursor_seen_ >= bounds.newest) break;
    absl::StatusOr<std::vector<storage::FeedEntry>> entries = store_.ReadFeed(cursor_seen_, kFeedPage);
    if (!entries.ok()) {
      if (absl::IsOutOfRange(entries.status()) && store_.Feed().trimmed > cursor_seen_) continue;
      return entries.status();
    }
    if (entries->empty()) break;
    Evaluate(*entries);
    cursor_seen_ = entries->back().cursor;
    cursor_.store(cursor_seen_);
  }
  if (clock_.Now() >= next_check_) {
    if (absl::Status s = Check(); !s.ok()) return s;
    next_check_ = clock_.Now() + std::chrono::duration_cast<seconds>(options_.check_every);
  }
  std::lock_guard lock(mu_);
  Publish();
  return absl::OkStatus();
}

void AlertMonitor::Evaluate(const std::vector<storage::FeedEntry>& entries) {
  // Mail to Uzbekistan scanned on the destination side for the first time.
  std::vector<const storage::FeedEntry*> arrivals;
  std::vector<core::ItemId> arrived;
  {
    std::lock_guard lock(mu_);
    for (const storage::FeedEntry& e : entries) {
      const storage::StoredEvent& ev = e.event;
      const int64_t hour = HourOf(ev.received_at);
      ++received_[ev.reported_by][hour];
      if (ev.received_at - ev.event.time > options_.late_after) {
        ++late_[ev.reported_by][hour];
        Alert late{.kind = AlertKind::kLateEvent,
                   .op = ev.reported_by,
                   .raised_at = ev.received_at,
                   .item = e.item,
                   .event = ev};
        const std::string key = AlertKey(late, e.cursor);
        alerts_[key] = std::move(late);
        std::deque<std::string>& listed = late_keys_[ev.reported_by];
        listed.push_back(key);
        if (listed.size() > options_.max_late_listed) {
          alerts_.erase(listed.front());
          listed.pop_front();
        }
      }
      const auto country = e.item.country();
      if (core::Info(ev.event.code).side != core::EventSide::kDestination ||
          std::string_view(country.data(), 2) == core::Code(core::kUzbekistanPost)) {
        continue;
      }
      Resolve(AlertKind::kUnscannedOnArrival, e.item.Pack());
      if (arrived_.try_emplace(e.item.Pack(), ev.received_at).second) {
        arrivals.push_back(&e);
        arrived.push_back(e.item);
      }
    }
  }
  if (arrived.empty()) return;
  // As the store stands now: pre-advice received since the scan counts.
  absl::StatusOr<std::vector<std::optional<storage::ItemState>>> states = store_.GetStates(arrived);
  for (size_t i = 0; states.ok() && i < arrived.size(); ++i) {
    const storage::FeedEntry& scan = *arrivals[i];
    const std::optional<storage::ItemState>& state = (*states)[i];
    if (state && !state->has_preadvice) {
      const std::optional<core::Operator> op = OperatorOf(scan.item);
      if (!op) continue;
      std::lock_guard lock(mu_);
      Raise({.kind = AlertKind::kNoPreAdvice,
             .op = *op,
             .raised_at = scan.event.received_at,
             .item = scan.item,
             .event = scan.event},
            scan.item.Pack());
      continue;
    }
    absl::StatusOr<core::Item> item = store_.GetItem(scan.item);
    if (!item.ok() || item->dispatch_id.empty()) continue;
    const auto [it, inserted] =
        dispatches_.try_emplace(item->dispatch_id, Dispatch{scan.event.event.time, scan.event.received_at});
    if (!inserted) it->second.arrived = std::min(it->second.arrived, scan.event.event.time);
  }
}

absl::Status AlertMonitor::CheckDispatch(const std::string& dispatch_id, core::Timestamp raised) {
  storage::WorkListQuery q;
  q.kind = storage::WorkListQuery::Kind::kDispatch;
  q.dispatch_id = dispatch_id;
  q.unscanned_only = true;
  q.page_size = kMaxPageSize;
  do {
    absl::StatusOr<storage::WorkListPage> page = store_.ListItems(q);
    if (!page.ok()) return page.status();
    std::lock_guard lock(mu_);
    for (core::ItemId id : page->items) {
      const std::optional<core::Operator> op = OperatorOf(id);
      if (!op) continue;
      Raise({.kind = AlertKind::kUnscannedOnArrival,
             .op = *op,
             .raised_at = raised,
             .item = id,
             .dispatch_id = dispatch_id},
            id.Pack());
    }
    q.page_token = page->next_page_token;
  } while (!q.page_token.empty());
  return absl::OkStatus();
}

absl::Status AlertMonitor::Check() {
  const core::Timestamp now = clock_.Now();
  const core::Timestamp expired = now - options_.keep;

  for (auto it = dispatches_.begin(); it != dispatches_.end();) {
    // Raised at the deadline, or when the arrival became known if later.
    const core::Timestamp raised = std::max(it->second.arrived + options_.unscanned_after, it->second.known);
    if (!it->second.checked && raised <= now) {
      if (absl::Status s = CheckDispatch(it->first, raised); !s.ok()) return s;
      it->second.checked = true;
    }
    it = it->second.checked && raised < expired ? dispatches_.erase(it) : std::next(it);
  }
  absl::erase_if(arrived_, [&](const auto& item) { return item.second < expired - options_.unscanned_after; });

  // Pre-advice that came after the scan resolves a no-pre-advice alert.
  std::vector<core::ItemId> unadvised;
  {
    std::lock_guard lock(mu_);
    for (const auto& [kind_item, key] : item_keys_) {
      if (kind_item.first == AlertKind::kNoPreAdvice) unadvised.push_back(*core::ItemId::Unpack(kind_item.second));
    }
  }
  absl::StatusOr<std::vector<std::optional<storage::ItemState>>> states = store_.GetStates(unadvised);
  if (!states.ok()) return states.status();

  std::lock_guard lock(mu_);
  for (size_t i = 0; i < unadvised.size(); ++i) {
    if ((*states)[i] && (*states)[i]->has_preadvice) Resolve(AlertKind::kNoPreAdvice, unadvised[i].Pack());
  }
  for (auto it = item_keys_.begin(); it != item_keys_.end();) {
    const auto alert = alerts_.find(it->second);
    if (it->first.first != AlertKind::kLowVolume && alert->second.raised_at < expired) {
      Drop(alert);
      it = item_keys_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [op, listed] : late_keys_) {
    while (!listed.empty() && alerts_.at(listed.front()).raised_at < expired) {
      alerts_.erase(listed.front());
      listed.pop_front();
    }
  }

  // Whole hours: the last 24 are the current one and the 23 before.
  const int64_t next_hour = HourOf(now) + 1;
  const int64_t day_start = next_hour - 24;
  const int64_t trailing_start = day_start - 24 * int64_t(options_.trailing_days);
  for (auto& [op, hours] : received_) {
    DropBefore(hours, trailing_start);
    const uint64_t last_day = Sum(hours, day_start, next_hour);
    const double mean = double(Sum(hours, trailing_start, day_start)) / options_.trailing_days;
    const bool low =
        mean >= double(options_.low_volume_min_daily) && double(last_day) < options_.low_volume_ratio * mean;
    const auto open = item_keys_.find({AlertKind::kLowVolume, op.index()});
    if (!low) {
      if (open != item_keys_.end()) Resolve(AlertKind::kLowVolume, op.index());
      continue;
    }
    if (open != item_keys_.end()) {
      Alert& alert = alerts_.at(open->second);
      alert.last_day_events = last_day;
      alert.trailing_daily_mean = mean;
      continue;
    }
    Raise({.kind = AlertKind::kLowVolume,
           .op = op,
           .raised_at = now,
           .last_day_events = last_day,
           .trailing_daily_mean = mean},
          op.index());
  }
  for (auto& [op, hours] : late_) DropBefore(hours, HourOf(expired));
  return absl::OkStatus();
}

void AlertMonitor::Raise(Alert alert, uint64_t tiebreak) {
  const std::pair<AlertKind, uint64_t> slot{alert.kind, tiebreak};
  if (const auto old = item_keys_.find(slot); old != item_keys_.end()) Drop(alerts_.find(old->second));
  ++open_[{alert.kind, alert.op}];
  std::string key = AlertKey(alert, tiebreak);
  alerts_[key] = std::move(alert);
  item_keys_[slot] = std::move(key);
}

void AlertMonitor::Resolve(AlertKind kind, uint64_t slot) {
  const auto it = item_keys_.find({kind, slot});
  if (it == item_keys_.end()) return;
  Drop(alerts_.find(it->second));
  item_keys_.erase(it);
}

void AlertMonitor::Drop(std::map<std::string, Alert>::iterator alert) {
  --open_[{alert->second.kind, alert->second.op}];
  alerts_.erase(alert);
}

void AlertMonitor::Publish() {
  counts_.clear();
  for (const auto& [kind_op, n] : open_) counts_.push_back({kind_op.first, kind_op.second, n});
  const int64_t from = HourOf(clock_.Now() - options_.keep);
  for (const auto& [op, hours] : late_) counts_.push_back({AlertKind::kLateEvent, op, Sum(hours, from, INT64_MAX)});
}

std::vector<AlertCount> AlertMonitor::Counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

absl::StatusOr<AlertMonitor::Page> AlertMonitor::List(const Query& q) const {
  if (q.page_size == 0 || q.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(fmt::format("page_size {} must be 1 to {}", q.page_size, kMaxPageSize));
  }
  std::string after;
  if (!q.page_token.empty()) {
    const bool hex = std::all_of(q.page_token.begin(), q.page_token.end(),
                                 [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    if (q.page_token.size() != 2 * kKeySize || !hex) {
      return absl::InvalidArgumentError(
          fmt::format("page_token \"{}\" is not a token of ListAlerts", absl::CEscape(q.page_token.substr(0, 64))));
    }
    after = absl::HexStringToBytes(q.page_token);
  }
  const std::string prefix = q.kind ? KeyPrefix(*q.kind, q.op) : std::string();
  Page page;
  std::string_view last;
  std::lock_guard lock(mu_);
  auto it = after.empty() ? alerts_.lower_bound(prefix) : alerts_.upper_bound(after);
  for (; it != alerts_.end() && it->first.starts_with(prefix); ++it) {
    if (q.op && it->second.op != *q.op) continue;
    if (page.alerts.size() == q.page_size) {
      page.next_page_token = absl::BytesToHexString(absl::string_view(last.data(), last.size()));
      break;
    }
    page.alerts.push_back(it->second);
    last = it->first;
  }
  return page;
}

}  // namespace pochta::services
